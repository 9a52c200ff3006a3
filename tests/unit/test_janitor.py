"""The janitor's decision: build zones that no running build owns, and nothing else."""
from origin_ci import janitor

# `vmadm list -H -p -o uuid,alias` on a host with two build zones, a customer zone and one without alias
LISTING = """\
0b5cbd39-1f7b-4cd3-9a5e-3d4c0a1f2b6e:origin-build-triton-origin-x86_64-24.4.1-7
7d0e7e5c-5b1e-4a36-8d2f-9b1f0d6c2a11:origin-build-triton-origin-x86_64-23.4.0-3
c1d7b0a6-2f3e-4d5c-9e8f-0a1b2c3d4e5f:manatee0
e2f8c1b7-3a4d-4e6f-8a9b-1c2d3e4f5a6b:
"""


def test_only_aliased_build_zones_count():
    assert janitor.build_zones(LISTING) == [
        ("0b5cbd39-1f7b-4cd3-9a5e-3d4c0a1f2b6e", "origin-build-triton-origin-x86_64-24.4.1-7"),
        ("7d0e7e5c-5b1e-4a36-8d2f-9b1f0d6c2a11", "origin-build-triton-origin-x86_64-23.4.0-3"),
    ]
    assert janitor.build_zones("") == []


def test_zones_of_running_builds_are_kept():
    zones = janitor.build_zones(LISTING)
    assert janitor.orphans(zones, {"0b5cbd39-1f7b-4cd3-9a5e-3d4c0a1f2b6e", "unrelated"}) == [
        ("7d0e7e5c-5b1e-4a36-8d2f-9b1f0d6c2a11", "origin-build-triton-origin-x86_64-23.4.0-3")]
    assert janitor.orphans(zones, [uuid for uuid, _alias in zones]) == []
    assert janitor.orphans(zones, ()) == zones


def test_stale_artifact_dirs_are_those_of_builds_not_running(tmp_path):
    for builder, number in (("triton-origin-x86_64-24.4.1", 7), ("triton-origin-x86_64-24.4.1", 8),
                            ("triton-origin-x86_64-23.4.0", 3)):
        (tmp_path / builder / str(number)).mkdir(parents=True)
    assert janitor.stale_artifact_dirs(str(tmp_path), {("triton-origin-x86_64-24.4.1", 8)}) == [
        str(tmp_path / "triton-origin-x86_64-23.4.0" / "3"),
        str(tmp_path / "triton-origin-x86_64-24.4.1" / "7")]
    assert janitor.stale_artifact_dirs(str(tmp_path / "none"), set()) == []
