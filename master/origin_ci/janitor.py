"""What the janitor deletes: build zones on a SmartOS host (the decision, without any I/O) and,
on the master, the uploads of builds that never cleaned up after themselves.

A build zone is a zone whose alias starts with `zone.ALIAS_PREFIX`; it is an orphan when no
running build owns it (its uuid is no running build's `vm_uuid`), which is what a worker that
died mid-build leaves behind. Zones that are not build zones are never touched.
"""
import os

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


def stale_artifact_dirs(artifacts_dir, running_builds):
    """`<artifacts_dir>/<builder>/<number>` directories of builds that are not running: a build
    whose worker was lost never ran its cleanup, and its uploads (a whole image) would stay.
    `running_builds`: (builder name, build number) pairs."""
    running = {(builder, str(number)) for builder, number in running_builds}
    stale = []
    for builder in sorted(os.listdir(artifacts_dir)) if os.path.isdir(artifacts_dir) else ():
        builder_dir = os.path.join(artifacts_dir, builder)
        for number in sorted(os.listdir(builder_dir)) if os.path.isdir(builder_dir) else ():
            if (builder, number) not in running:
                stale.append(os.path.join(builder_dir, number))
    return stale
