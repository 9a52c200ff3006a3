import pytest

from origin_ci.configfile import ConfigFileError
from origin_ci.flavours import parse_matrix
from origin_ci.plan import PlanError, make_plan
from origin_ci.upstream import Release, new_releases, tracked_releases

UUID_25 = "0a2c5b4e-6d1f-4e8a-9b7c-3f5e2d1a0b9c"


def image(name="minimal-64-lts", version="25.4.0", uuid=UUID_25, **changes):
    """An entry of images.smartos.org's ListImages answer."""
    entry = {
        "v": 2, "uuid": uuid, "owner": "9dce1460-0c4c-4417-ab8b-25ca478c5a78", "name": name,
        "version": version, "state": "active", "disabled": False, "public": True,
        "published_at": "2026-01-15T10:00:00Z", "type": "zone-dataset", "os": "smartos",
        "files": [{"sha1": "a" * 40, "size": 123, "compression": "gzip"}],
        "description": "A 64-bit SmartOS image with just essential packages installed.",
        "requirements": {"min_platform": {"7.0": "20141030T081701Z"}},
    }
    entry.update(changes)
    return entry


def test_only_active_lts_releases_of_tracked_series_count():
    images = [image(), image(name="minimal-64", version="25.1.0", uuid="1" * 8 + UUID_25[8:]),
              image(version="25.2.0", uuid="2" * 8 + UUID_25[8:]),
              image(name="base-64-lts", uuid="3" * 8 + UUID_25[8:]),
              image(version="25.4.1", uuid="4" * 8 + UUID_25[8:], state="disabled", disabled=True)]
    releases, rejected = tracked_releases(images, ["minimal-64-lts"])
    assert releases == [Release("minimal-64-lts", "25.4.0", UUID_25)]
    assert releases[0].image_name == "triton-origin-x86_64-25.4.0"
    assert rejected == []


@pytest.mark.parametrize("garbage", [{"images": []}, "nonsense", None, 42])
def test_an_answer_that_is_not_a_list_counts_nothing(garbage):
    releases, rejected = tracked_releases(garbage, ["minimal-64-lts"])
    assert releases == [] and len(rejected) == 1


def test_invalid_manifests_are_rejected_with_a_reason():
    bad = image(uuid="NOT-A-UUID")
    no_files = image(uuid="5" * 8 + UUID_25[8:])
    del no_files["files"]
    releases, rejected = tracked_releases([bad, no_files, "junk", image()], ["minimal-64-lts"])
    assert [r.origin_uuid for r in releases] == [UUID_25]
    assert len(rejected) == 2
    assert "uuid" in rejected[0] and "files" in rejected[1]


def test_new_releases_skip_known_and_existing_flavours():
    known = Release("minimal-64-lts", "24.4.1", "41bd4100-eb86-409a-85b0-e649aadf6f62")
    listed = Release("minimal-64-lts", "23.4.0", "7" * 8 + UUID_25[8:])
    fresh = Release("minimal-64-lts", "25.4.0", UUID_25)
    assert new_releases([known, listed, fresh], {known.origin_uuid},
                        {"triton-origin-x86_64-23.4.0"}) == [fresh]


MATRIX = """
defaults: {packages: [curl, sudo]}
track:
  - origin_name: minimal-64-lts
    packages: [curl, gsed]
flavours:
  - origin_name: minimal-64-lts
    origin_version: 24.4.1
    origin_uuid: 41bd4100-eb86-409a-85b0-e649aadf6f62
"""


def test_tracked_series_give_discovered_flavours_their_settings():
    matrix = parse_matrix(MATRIX)
    flavour = matrix.discovered("minimal-64-lts", "25.4.0", UUID_25)
    assert flavour.image_name == "triton-origin-x86_64-25.4.0"
    assert flavour.packages == ("curl", "gsed")
    assert flavour.pkgsrc_branch == "2025Q4"


def test_plan_of_a_discovered_flavour_comes_from_the_checkouts_track_entry():
    origin = {"origin_name": "minimal-64-lts", "origin_version": "25.4.0", "origin_uuid": UUID_25}
    plan = make_plan(MATRIX, "f.yaml", "triton-origin-x86_64-25.4.0", [], 1, "vm", "dev", False,
                     origin=origin)
    assert plan["packages"] == ["curl", "gsed"]
    assert plan["origin_uuid"] == UUID_25
    untracked = MATRIX.replace("track:\n  - origin_name: minimal-64-lts\n    packages: [curl, gsed]\n", "")
    with pytest.raises(PlanError, match="defines no flavour triton-origin-x86_64-25.4.0"):
        make_plan(untracked, "f.yaml", "triton-origin-x86_64-25.4.0", [], 1, "vm", "dev", False,
                  origin=origin)


def test_track_entries_are_validated():
    bad = MATRIX.replace("track:\n  - origin_name: minimal-64-lts",
                                    "track:\n  - origin_name: minimal-64\n  - origin_name: minimal-64")
    with pytest.raises(ConfigFileError) as caught:
        parse_matrix(bad, "f.yaml")
    keys = [key for key, _ in caught.value.problems]
    assert keys == ["track[0].origin_name", "track[1].origin_name", "track[1]"]
