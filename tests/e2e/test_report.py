"""What a build reports, end to end: audit findings under both policies, sizes against a USB-key
budget set too low for anything, the package diff of a rebuild after a repository bump, and the
report.json published beside the image and served by the master's web server."""
import gzip
import json
import os
import urllib.request

import pytest
from smartos_sim import pkgrepo

from origin_ci.pkgsrc.vulnerabilities import render_vulnerabilities
from tests.e2e.service import Service, properties, wait_until

SUCCESS, WARNINGS, FAILURE = 0, 1, 2
WARNED = "triton-origin-x86_64-24.4.1"    # a pinned vulnerable sudo, audit_policy warn (the default)
REFUSED = "triton-origin-x86_64-21.4.0"   # a pinned vulnerable sudo, audit_policy fail
REBUILT = "triton-origin-x86_64-23.4.0"   # built twice, a package bumped in between
OVERSIZE = "triton-origin-x86_64-19.4.0"  # size_policy fail
FLAVOURS = """
flavours:
  - origin_name: minimal-64-lts
    origin_version: 24.4.1
    origin_uuid: 41bd4100-eb86-409a-85b0-e649aadf6f62
    packages: [coreutils, sudo-1.9.16p1]
    upgrade: false
  - origin_name: minimal-64-lts
    origin_version: 21.4.0
    origin_uuid: a7199134-7e94-11ec-be67-db6f482136c2
    packages: [coreutils, sudo-1.9.8p2]
    upgrade: false
    audit_policy: fail
  - origin_name: minimal-64-lts
    origin_version: 23.4.0
    origin_uuid: 5e4c3f98-aca4-11ee-9db8-00151714048c
  - origin_name: minimal-64-lts
    origin_version: 19.4.0
    origin_uuid: 5417ab20-3156-11ea-8b19-2b66f5e7a439
    packages: [patch]
    size_policy: fail
"""
SUDO_2024 = ("sudo>=1.9.16<1.9.16p2", "privilege-escalation", "https://nvd.nist.gov/vuln/detail/CVE-2025-32462")
SUDO_2021 = ("sudo>=1.9.8<1.9.9", "local-root-shell", "https://nvd.nist.gov/vuln/detail/CVE-2021-3156")


@pytest.fixture(scope="module")
def service(tmp_path_factory, sim_template):
    running = Service(str(tmp_path_factory.mktemp("report")), FLAVOURS, sim_template,
                      master_settings={"usb_key_budget_bytes": 1})
    try:
        yield running.start()
    finally:
        running.stop()


@pytest.fixture(scope="module")
def builds(service):
    """The first build of every flavour, all at once, against advisories for the pinned sudos."""
    with open(service.vulnerabilities_file, "wb") as handle:
        handle.write(gzip.compress(render_vulnerabilities([SUDO_2024, SUDO_2021])))
    # The master keeps its copy current through the pkgsrc-security poller: poll it now.
    service.poll("pkgsrc-security")
    wait_until(lambda: "pkgsrc-security: polled, 2 advisories" in service.master_log(), 30,
               "the master to take the new pkg-vulnerabilities")
    admin = service.admin()
    requests = {name: admin.force(name) for name in (WARNED, REFUSED, REBUILT, OVERSIZE)}
    return {name: admin.wait_build(request, timeout=180) for name, request in requests.items()}


def published(service, name, version, suffix):
    path = os.path.join(service.images_dir, f"{name}-{version}.{suffix}")
    with open(path, "rb") as handle:
        return handle.read()


def test_warn_policy_publishes_with_the_findings(service, builds):
    build = builds[WARNED]
    steps = service.admin().steps(build)
    assert build["results"] == WARNINGS, build["state_string"]
    assert steps["audit"]["results"] == WARNINGS
    assert "1 finding(s), 1 fixable:" in steps["audit"]["state_string"]
    assert "sudo-1.9.16p1: privilege-escalation" in steps["audit"]["state_string"]
    report = json.loads(published(service, WARNED, "1.0.0", "report.json"))
    assert report["audit"] == [{"package": "sudo-1.9.16p1", "pattern": SUDO_2024[0], "type": SUDO_2024[1],
                                "url": SUDO_2024[2], "fixable": True, "fixed_by": "sudo-1.9.16p2"}]
    assert report["audit"] == properties(build)["audit"]
    assert "sudo-1.9.16p1" in report["packages"]
    assert report["diff"]["summary"] == "first image of this name"


def test_fail_policy_stops_a_fixable_finding_before_publishing(service, builds):
    build = builds[REFUSED]
    steps = service.admin().steps(build)
    assert build["results"] == FAILURE
    assert steps["audit"]["results"] == FAILURE
    assert "(policy: fail)" in steps["audit"]["state_string"]
    assert "publish" not in steps
    assert not [name for name in os.listdir(service.images_dir) if name.startswith(REFUSED)]
    assert steps["delete zone"]["results"] == SUCCESS


def test_size_report_over_budget_warns_or_fails_as_the_flavour_says(service, builds):
    build = builds[WARNED]
    admin = service.admin()
    manifest = json.loads(published(service, WARNED, "1.0.0", "imgmanifest"))
    size = json.loads(published(service, WARNED, "1.0.0", "report.json"))["size"]
    assert size == properties(build)["size"]
    assert size["image_bytes"] == manifest["files"][0]["size"]
    assert size["origin_bytes"] == properties(build)["origin_size"] > 0
    assert [row["package"] for row in size["per_package"]] == ["coreutils", "sudo-1.9.16p1"]
    assert size["per_package"][1]["added"] == ["sudo-1.9.16p1"]
    assert size["added_installed_bytes"] == size["per_package"][-1]["cumulative_bytes"] > 0
    assert size["budget_bytes"] == 1 and size["all_flavours_bytes"] > 1
    size_step = admin.steps(build)["size"]
    assert size_step["results"] == WARNINGS and "OVER BUDGET" in size_step["state_string"]

    oversize = builds[OVERSIZE]
    steps = admin.steps(oversize)
    assert oversize["results"] == FAILURE and steps["size"]["results"] == FAILURE
    assert "publish" not in steps


def test_build_page_links_the_published_files_served_by_the_master(service, builds):
    admin = service.admin()
    urls = {url["name"]: url["url"] for url in admin.steps(builds[WARNED])["publish"]["urls"]}
    report_url = urls[f"{WARNED}-1.0.0.report.json"]
    assert report_url == f"{service.url}plugins/images/{WARNED}-1.0.0.report.json"
    with urllib.request.urlopen(report_url, timeout=30) as response:
        assert response.read() == published(service, WARNED, "1.0.0", "report.json")
    with urllib.request.urlopen(urls[f"{WARNED}-1.0.0.zfs.gz"], timeout=30) as response:
        assert response.headers.get("Content-Encoding") is None, "the image must arrive as it is stored"
        assert response.read() == published(service, WARNED, "1.0.0", "zfs.gz")
    with urllib.request.urlopen(f"{service.url}config", timeout=30) as response:
        assert service.images_dir.encode() not in response.read(), "browsers need no master paths"


def test_rebuild_after_a_package_bump_reports_exactly_that_upgrade(service, builds):
    first = builds[REBUILT]
    assert first["results"] in (SUCCESS, WARNINGS), first["state_string"]
    assert properties(first)["diff"]["summary"] == "first image of this name"
    pkgrepo.add_package(service.sim_root, "2023Q4", "x86_64", "gsed-4.9nb1", depends=("gettext-lib>=0.18",),
                        size_pkg=380_000)
    admin = service.admin()
    second = admin.wait_build(admin.force(REBUILT))
    assert properties(second)["image_version"] == "1.0.1"
    diff = json.loads(published(service, REBUILT, "1.0.1", "report.json"))["diff"]
    assert diff == {"previous_version": "1.0.0", "added": [], "removed": [], "downgraded": [],
                    "upgraded": [{"package": "gsed", "from": "4.9", "to": "4.9nb1"}],
                    "summary": "since 1.0.0: gsed 4.9 -> 4.9nb1"}
    assert admin.steps(second)["diff"]["state_string"] == "since 1.0.0: gsed 4.9 -> 4.9nb1"
