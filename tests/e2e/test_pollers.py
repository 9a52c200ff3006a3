"""The pollers, end to end: a new upstream LTS release becomes a builder and is built once; a
pkgsrc security fix rebuilds exactly the affected flavour once; garbage never triggers."""
import json
import os
import shutil
import time

from tests.e2e.service import BIN, properties, run, wait_until

SUCCESS = 0
NEW_IMAGE = "triton-origin-x86_64-25.4.0"
IMAGE = "triton-origin-x86_64-24.4.1"


def builds_of(client, builder):
    found = client.get(f"builders?name={builder}")["builders"]
    if not found:
        return []
    return client.get(f"builders/{found[0]['builderid']}/builds?property=*")["builds"]


def all_builds(client):
    return client.get("builds")["builds"]


def settle(service, poller, marker):
    """Poll `poller` through the change hook and wait until its log line `marker` is new."""
    before = service.master_log().count(marker)
    service.poll(poller)
    wait_until(lambda: service.master_log().count(marker) > before, 30, f"{poller} to log {marker!r}")


def test_new_upstream_release_is_built_once_and_survives_a_restart(service):
    wait_until(lambda: "upstream-origins: first poll, recorded" in service.master_log(), 30,
               "the upstream poller's first poll")
    client = service.admin()
    assert builds_of(client, NEW_IMAGE) == []

    released_at = time.time()
    run(os.path.join(BIN, "origin-ci"), "sim", "release-origin", "minimal-64-lts", "25.4.0",
        "--sim-root", service.sim_root, "--source-dir", service.sim_template.store)
    service.poll("upstream-origins")
    [build] = wait_until(lambda: builds_of(client, NEW_IMAGE), 60, f"a build of {NEW_IMAGE}")
    started = build["started_at"]
    build = client.wait_build(build["buildrequestid"])
    assert build["results"] == SUCCESS, build["state_string"]
    props = properties(build)
    assert props["scheduler"] == "upstream"
    assert props["origin_version"] == "25.4.0" and props["plan"]["pkgsrc_branch"] == "2025Q4"
    assert os.path.exists(os.path.join(service.images_dir, f"{NEW_IMAGE}-1.0.0.imgmanifest"))
    print(f"upstream release to build start: {started - released_at:.1f} s")

    settle(service, "upstream-origins", "upstream-origins: polled")
    service.restart_master()
    assert NEW_IMAGE in {b["name"] for b in client.get("builders")["builders"]}
    settle(service, "upstream-origins", "upstream-origins: polled")
    time.sleep(2)
    assert len(builds_of(service.client(), NEW_IMAGE)) == 1
    assert [b for b in all_builds(service.client()) if b["complete"] is False] == []


def test_invalid_upstream_manifest_triggers_nothing(service):
    image_dir = os.path.join(service.sim_template.store, "images", "0b9c7e02-1f4c-4d8a-8a43-6f3c1d2e5b77")
    os.makedirs(image_dir)
    try:
        publish_invalid_release(image_dir)
        before = len(all_builds(service.client()))
        settle(service, "upstream-origins", "minimal-64-lts@26.4.0")
        assert "ignoring minimal-64-lts@26.4.0" in service.master_log()
        assert len(all_builds(service.client())) == before
    finally:
        shutil.rmtree(image_dir)


def publish_invalid_release(image_dir):
    uuid = os.path.basename(image_dir)
    with open(os.path.join(image_dir, "record.json"), "w") as handle:
        # Listed like any image, but its file entry is not what IMGAPI allows (no sha1).
        json.dump({"manifest": {
            "v": 2, "uuid": uuid, "owner": "9dce1460-0c4c-4417-ab8b-25ca478c5a78",
            "name": "minimal-64-lts", "version": "26.4.0", "state": "active", "public": True,
            "disabled": False, "published_at": "2026-11-01T00:00:00Z", "type": "zone-dataset",
            "os": "smartos", "files": [{"size": 1, "compression": "gzip"}], "channels": ["dev"]}},
                  handle)


def test_security_fix_rebuilds_the_affected_flavour_once(service):
    admin = service.admin()
    build = admin.wait_build(admin.force(IMAGE))
    assert build["results"] == SUCCESS
    assert "sudo-1.9.16p2" in properties(build)["installed_packages"]
    before = {b["buildid"] for b in all_builds(admin)}

    run(os.path.join(BIN, "origin-ci"), "sim", "security-fix", "--repo", "2024Q4/x86_64",
        "--package", "sudo-1.9.16p3", "--advisory",
        "sudo<1.9.16p3 privilege-escalation https://www.sudo.ws/security/advisories/e2e/",
        "--sim-root", service.sim_root)
    service.poll("pkgsrc-security")
    wait_until(lambda: [b for b in all_builds(admin) if b["buildid"] not in before], 60,
               "the security rebuild")
    [rebuild] = [b for b in all_builds(admin) if b["buildid"] not in before]
    rebuild = admin.wait_build(rebuild["buildrequestid"])
    props = properties(rebuild)
    assert rebuild["results"] == SUCCESS, rebuild["state_string"]
    assert props["image_name"] == IMAGE and props["scheduler"] == "security"
    assert props["security_fixes"][0]["package"] == "sudo-1.9.16p2"
    assert props["security_fixes"][0]["fixed_by"] == "sudo-1.9.16p3"
    assert "sudo-1.9.16p3" in props["installed_packages"]
    [request] = admin.get(f"buildrequests/{rebuild['buildrequestid']}")["buildrequests"]
    [buildset] = admin.get(f"buildsets/{request['buildsetid']}")["buildsets"]
    assert "sudo-1.9.16p2" in buildset["reason"] and "advisories/e2e" in buildset["reason"]

    settle(service, "pkgsrc-security", "pkgsrc-security: polled")
    time.sleep(2)
    assert len([b for b in all_builds(admin) if b["buildid"] not in before]) == 1


def test_publish_only_if_changed_skips_an_identical_inventory(service):
    """What nightly builds do (the nightly scheduler sets only_if_changed)."""
    admin = service.admin()
    first = admin.wait_build(admin.force(IMAGE, only_if_changed=True))
    second = admin.wait_build(admin.force(IMAGE, only_if_changed=True))
    assert first["results"] == SUCCESS and second["results"] == SUCCESS
    assert properties(first)["installed_packages"] == properties(second)["installed_packages"]
    assert admin.steps(second)["publish"]["state_string"].startswith("unchanged: same packages as")
    assert not os.path.exists(os.path.join(service.images_dir,
                                           f"{IMAGE}-{properties(second)['image_version']}.imgmanifest"))


def test_garbage_vulnerabilities_file_triggers_nothing(service):
    with open(service.vulnerabilities_file, "wb") as handle:
        handle.write(b"#FORMAT 1.1.0\nsudo<9 remote https://example.com/\n#CHECKSUM SHA512 0\n")
    before = len(all_builds(service.client()))
    settle(service, "pkgsrc-security", "pkg-vulnerabilities unusable")
    assert len(all_builds(service.client())) == before
