"""A build's plan: the flavour as the build's own checkout defines it, plus what the build adds."""
from origin_ci import versions, zone
from origin_ci.flavours import parse_flavours

TRY_CHANNEL = "experimental"


class PlanError(Exception):
    pass


def make_plan(flavours_text, flavours_path, image_name, published_versions, build_number,
              vm_uuid, channel, is_try):
    """Build properties for one build of `image_name`.

    The flavour comes from the checkout's flavour file, so a `buildbot try` patch to it changes
    what is built; try builds are confined to the experimental channel whatever was asked.
    """
    flavours = {flavour.image_name: flavour for flavour in parse_flavours(flavours_text, flavours_path)}
    if image_name not in flavours:
        raise PlanError(f"{flavours_path} defines no flavour {image_name} "
                        f"(it defines: {', '.join(sorted(flavours)) or 'none'})")
    plan = flavours[image_name].to_plan()
    return {
        "plan": plan,
        "image_name": image_name,
        "image_version": versions.next_version(plan["version_series"], published_versions),
        "origin_uuid": plan["origin_uuid"],
        "packages": plan["packages"],
        "vm_uuid": vm_uuid,
        "vm_alias": zone.build_zone_alias(image_name, build_number),
        "channel": TRY_CHANNEL if is_try else channel,
    }
