import datetime
import hashlib
import json
import os

import pytest

from origin_ci import manifest
from origin_ci.imgmanifest import ManifestError, validate_manifest
from origin_ci.local_store import LocalImageStore, StoreError

PLAN = {"image_name": "triton-origin-x86_64-24.4.1", "origin_uuid": "41bd4100-eb86-409a-85b0-e649aadf6f62",
        "description": "origin", "packages": ["curl"]}
MIN_PLATFORM = {"7.0": "20141030T081701Z"}
WHEN = datetime.datetime(2026, 11, 29, 12, 30, 45, 123456, tzinfo=datetime.UTC)


def created(sha1="a" * 40, size=1234, **changes):
    """A manifest as `imgadm create -i -c gzip` writes it."""
    document = {
        "v": 2, "uuid": "0f2b1ad6-5a1e-4b44-8d6b-1b6f2a4c9e10", "name": PLAN["image_name"],
        "version": "1.0.3", "description": "origin", "homepage": manifest.HOMEPAGE,
        "type": "zone-dataset", "os": "smartos", "origin": PLAN["origin_uuid"],
        "requirements": {"min_platform": MIN_PLATFORM}, "tags": {"triton_origin_ci_git": "abc"},
        "files": [{"sha1": sha1, "size": size, "compression": "gzip"}],
    }
    document.update(changes)
    return document


def test_build_manifest_carries_the_origins_min_platform():
    built = manifest.build_manifest(PLAN, "1.0.3", MIN_PLATFORM, {"k": "v"})
    assert built == {"name": PLAN["image_name"], "version": "1.0.3", "description": "origin",
                     "homepage": manifest.HOMEPAGE, "requirements": {"min_platform": MIN_PLATFORM},
                     "tags": {"k": "v"}}


def test_a_correct_image_has_no_problems():
    assert manifest.image_problems(created(), PLAN, "1.0.3", MIN_PLATFORM, "a" * 40, 1234) == []


@pytest.mark.parametrize("changes, expected", [
    ({"requirements": {"min_platform": {"7.0": "20260101T000000Z"}}}, "requirements.min_platform"),
    ({"requirements": {}}, "requirements.min_platform"),
    ({"origin": "c2c31b00-1d60-11e9-9a77-ff9f06554b0f"}, "origin is"),
    ({"version": "1.0.2"}, "version is"),
    ({"files": []}, "files has 0 entries"),
    ({"files": [{"sha1": "b" * 40, "size": 1234, "compression": "gzip"}]}, "files[0].sha1"),
    ({"files": [{"sha1": "a" * 40, "size": 1, "compression": "gzip"}]}, "files[0].size"),
    ({"files": [{"sha1": "a" * 40, "size": 1234, "compression": "none"}]}, "files[0].compression"),
])
def test_image_problems(changes, expected):
    [problem] = manifest.image_problems(created(**changes), PLAN, "1.0.3", MIN_PLATFORM, "a" * 40, 1234)
    assert problem.startswith(expected)


def test_published_manifest_is_a_valid_private_activated_image():
    published = manifest.published_manifest(created(), WHEN)
    assert published["published_at"] == "2026-11-29T12:30:45.123Z"
    assert (published["owner"], published["public"], published["state"], published["disabled"]) == (
        manifest.UNOWNED, False, "active", False)
    validate_manifest(published, mode="private")
    with pytest.raises(ManifestError):
        validate_manifest(published, mode="public")


def test_file_digest(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"x" * 3_000_000)
    assert manifest.file_digest(str(path), chunk_size=4096) == (
        hashlib.sha1(b"x" * 3_000_000).hexdigest(), 3_000_000)


def test_store_publishes_manifest_last_and_never_overwrites(tmp_path):
    store = LocalImageStore(str(tmp_path / "images"))
    for version in ("1.0.0", "1.0.1"):
        image = tmp_path / f"image-{version}"
        image.write_bytes(b"zfs")
        inventory = tmp_path / f"inv-{version}"
        inventory.write_text("PKGNAME=curl-8.0\n")
        store.publish(created(version=version), str(image), {"inventory": str(inventory)})
    assert store.published_versions(PLAN["image_name"]) == ["1.0.0", "1.0.1"]
    assert store.published_versions("triton-origin-multiarch-15.4.1") == []
    assert sorted(os.listdir(tmp_path / "images")) == [
        f"{PLAN['image_name']}-{v}.{s}" for v in ("1.0.0", "1.0.1")
        for s in ("imgmanifest", "inventory", "zfs.gz")]
    image = tmp_path / "again"
    image.write_bytes(b"other")
    with pytest.raises(StoreError, match="already published"):
        store.publish(created(version="1.0.1"), str(image))
    assert (tmp_path / "images" / f"{PLAN['image_name']}-1.0.1.zfs.gz").read_bytes() == b"zfs"
    with open(tmp_path / "images" / f"{PLAN['image_name']}-1.0.1.imgmanifest") as handle:
        assert json.load(handle)["version"] == "1.0.1"


def test_store_without_directory_has_nothing_published(tmp_path):
    assert LocalImageStore(str(tmp_path / "none")).published_versions("x") == []
