"""Which build zones on a SmartOS host the janitor deletes: the decision, without any I/O.

A build zone is a zone whose alias starts with `zone.ALIAS_PREFIX`; it is an orphan when no
running build owns it (its uuid is no running build's `vm_uuid`), which is what a worker that
died mid-build leaves behind. Zones that are not build zones are never touched.
"""
from origin_ci.zone import ALIAS_PREFIX

LIST_COMMAND = ["vmadm", "list", "-H", "-p", "-o", "uuid,alias"]


def build_zones(vmadm_list_output):
    """(uuid, alias) of each build zone in `vmadm list -H -p -o uuid,alias` output."""
    zones = []
    for line in vmadm_list_output.splitlines():
        uuid, _, alias = line.strip().partition(":")
        if alias.startswith(ALIAS_PREFIX):
            zones.append((uuid, alias))
    return zones


def orphans(zones, running_vm_uuids):
    """The build zones that no running build owns."""
    owned = set(running_vm_uuids)
    return [(uuid, alias) for uuid, alias in zones if uuid not in owned]
