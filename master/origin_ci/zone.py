"""The `vmadm create` payload of a build zone, from a plan and the worker host's settings."""

ALIAS_PREFIX = "origin-build-"


def build_zone_alias(image_name, build_number):
    """Every build zone's alias starts with ALIAS_PREFIX so that leftovers can be found and reaped."""
    return f"{ALIAS_PREFIX}{image_name}-{build_number}"


def zone_payload(origin_uuid, vm_uuid, alias, build_zone):
    nic = {"nic_tag": build_zone["nic_tag"], "ips": [build_zone["ip"]], "primary": True}
    if build_zone.get("gateway"):
        nic["gateways"] = [build_zone["gateway"]]
    return {
        "uuid": vm_uuid,
        "alias": alias,
        "hostname": "origin-build",
        "brand": build_zone["brand"],
        "image_uuid": origin_uuid,
        "max_physical_memory": build_zone["max_physical_memory"],
        "quota": build_zone["quota"],
        "autoboot": True,
        "resolvers": list(build_zone["resolvers"]),
        "nics": [nic],
    }
