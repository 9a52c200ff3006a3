"""A forced build through the REST API, end to end: master, worker, simulator, image store."""
import json
import os

import pytest

from origin_ci.imgmanifest import validate_manifest
from origin_ci.manifest import file_digest
from tests.e2e.service import ApiError, properties

SUCCESS, FAILURE = 0, 2
IMAGE = "triton-origin-x86_64-24.4.1"


def test_anonymous_users_may_look_but_not_force(service):
    anonymous = service.client()
    flavour_builders = {b["name"] for b in anonymous.get("builders")["builders"]
                        if b["name"].startswith("triton-origin-")}
    assert flavour_builders == {IMAGE, "triton-origin-x86_64-23.4.0"}
    with pytest.raises(ApiError) as refused:
        anonymous.force(IMAGE)
    assert refused.value.status == 403


def test_wrong_password_is_refused(service):
    with pytest.raises(Exception) as refused:
        service.client().login("admin", "not-the-password")
    assert getattr(refused.value, "code", None) == 401


def test_forced_build_publishes_a_valid_image_and_leaves_no_zone(service):
    admin = service.admin()
    build = admin.wait_build(admin.force(IMAGE, channel="dev", dry_run=False))
    props = properties(build)
    assert build["results"] == SUCCESS, build["state_string"]
    assert props["image_version"] == "1.0.0"
    assert props["channel"] == "dev"

    prefix = os.path.join(service.images_dir, f"{IMAGE}-1.0.0")
    with open(prefix + ".imgmanifest") as handle:
        manifest = json.load(handle)
    validate_manifest(manifest, mode="private")
    sha1, size = file_digest(prefix + ".zfs.gz")
    assert manifest["files"][0]["sha1"] == sha1 and manifest["files"][0]["size"] == size
    assert (manifest["name"], manifest["version"]) == (IMAGE, "1.0.0")
    assert manifest["origin"] == "41bd4100-eb86-409a-85b0-e649aadf6f62"
    assert manifest["owner"] == "00000000-0000-0000-0000-000000000000"
    assert (manifest["public"], manifest["state"], manifest["disabled"]) == (False, "active", False)
    assert manifest["requirements"]["min_platform"] == props["origin_min_platform"]
    with open(prefix + ".inventory", "rb") as handle:
        inventory = handle.read()
    for package in ("coreutils", "curl", "gsed", "patch", "sudo"):
        assert f"PKGNAME={package}-".encode() in inventory
    with open(prefix + ".build.json") as handle:
        assert json.load(handle)["build_number"] == build["number"]
    assert service.sim_zones() == []

    second = admin.wait_build(admin.force(IMAGE, channel="dev", dry_run=False))
    assert second["results"] == SUCCESS, second["state_string"]
    assert properties(second)["image_version"] == "1.0.1"


def test_dry_run_publishes_nothing(service):
    admin = service.admin()
    before = sorted(os.listdir(service.images_dir)) if os.path.isdir(service.images_dir) else []
    build = admin.wait_build(admin.force(IMAGE, dry_run=True))
    assert build["results"] == SUCCESS, build["state_string"]
    assert "dry run" in admin.steps(build)["publish"]["state_string"]
    after = sorted(os.listdir(service.images_dir)) if os.path.isdir(service.images_dir) else []
    assert after == before
    assert service.sim_zones() == []


def test_missing_package_fails_at_install_leaves_no_zone_publishes_nothing(service):
    admin = service.admin()
    build = admin.wait_build(admin.force("triton-origin-x86_64-23.4.0"))
    assert build["results"] == FAILURE
    steps = admin.steps(build)
    assert steps["install packages"]["results"] == FAILURE
    assert "no-such-package" in admin.log_text(build, "install packages", "stdio")
    assert "publish" not in steps, "steps after the failed install must not run"
    assert steps["delete zone"]["results"] == SUCCESS
    assert service.sim_zones() == []
    published = os.listdir(service.images_dir) if os.path.isdir(service.images_dir) else []
    assert not [name for name in published if name.startswith("triton-origin-x86_64-23.4.0")]
