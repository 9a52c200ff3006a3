"""A build's plan: the flavour as the build's own checkout defines it, plus what the build adds."""
from origin_ci import versions, zone
from origin_ci.flavours import parse_matrix

TRY_CHANNEL = "experimental"
TRY_MARK = "-try."  # in the version of every try image


class PlanError(Exception):
    pass


def checkout_flavour(matrix, flavours_path, image_name, origin):
    """The flavour `image_name` as the checkout defines it: listed, or a release of a series it
    tracks (`origin` is the builder's origin, for flavours the upstream poller discovered)."""
    for flavour in matrix.flavours:
        if flavour.image_name == image_name:
            return flavour
    if origin and origin["origin_name"] in matrix.tracked:
        return matrix.discovered(origin["origin_name"], origin["origin_version"], origin["origin_uuid"])
    listed = ", ".join(sorted(f.image_name for f in matrix.flavours)) or "none"
    raise PlanError(f"{flavours_path} defines no flavour {image_name} (it defines: {listed})")


def make_plan(flavours_text, flavours_path, image_name, published_versions, build_number,
              vm_uuid, channel, is_try, origin=None):
    """Build properties for one build of `image_name`.

    The flavour comes from the checkout's flavour file, so a `buildbot try` patch to it changes
    what is built; try builds are confined to the experimental channel whatever was asked.
    """
    matrix = parse_matrix(flavours_text, flavours_path)
    plan = checkout_flavour(matrix, flavours_path, image_name, origin).to_plan()
    version = versions.next_version(plan["version_series"], published_versions)
    if is_try:
        # A try image is an experiment: it must never take the version a real build will get.
        version += f"{TRY_MARK}{build_number}"
    return {
        "plan": plan,
        "image_name": image_name,
        "image_version": version,
        "origin_uuid": plan["origin_uuid"],
        "packages": plan["packages"],
        "vm_uuid": vm_uuid,
        "vm_alias": zone.build_zone_alias(image_name, build_number),
        "channel": TRY_CHANNEL if is_try else channel,
    }
