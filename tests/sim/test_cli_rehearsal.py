"""The pollers' rehearsal, as docs/simulator.md tells it: a running origin source
(`origin-ci imgapi serve`) sees `origin-ci sim release-origin` at once, the simulator imports and
builds the tracked series' plan on the release, and `origin-ci sim security-fix` makes that
build's inventory fixable, as the pkgsrc-security poller judges it."""
import json
import os
import re
import subprocess
import sys
import urllib.request

import pytest
from origin_ci import cli, security
from origin_ci.flavours import load_matrix
from origin_ci.pkgsrc.audit import audit
from origin_ci.pkgsrc.summary import parse_pkg_summary
from origin_ci.pkgsrc.vulnerabilities import parse_vulnerabilities
from origin_ci.upstream import tracked_releases

from smartos_sim import advisories, pkgrepo
from smartos_sim.setupcmd import setup

from .conftest import REPO, Sim

ORIGIN_CI = os.path.join(os.path.dirname(sys.executable), "origin-ci")
UUID = "3b9d7e5f-1a2c-4e6b-8d0f-2a4c6e8b0d1f"


@pytest.fixture
def origin_source(tmp_path):
    """`origin-ci imgapi serve` on a free port, its store in tmp_path/upstream -> its URL."""
    server = subprocess.Popen([ORIGIN_CI, "imgapi", "serve", "--host", "127.0.0.1", "--port", "0",
                               "--dir", str(tmp_path / "upstream"), "--mode", "public"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        for line in server.stdout:
            serving = re.search(r"serving .* on (http://127\.0\.0\.1:\d+)", line)
            if serving:
                yield serving.group(1)
                break
        else:
            pytest.fail("the image server did not start")
    finally:
        server.terminate()
        server.wait(timeout=10)


def list_images(url, name):
    with urllib.request.urlopen(f"{url}/images?name={name}", timeout=10) as response:
        return json.load(response)


def test_release_then_security_fix_as_the_pollers_see_them(tmp_path, origin_source):
    var = tmp_path
    setup(var / "sim", var / "upstream-origins", origin_source)
    assert cli.main(["sim", "release-origin", "minimal-64-lts", "25.4.0", "--uuid", UUID,
                     "--sim-root", str(var / "sim"), "--source-dir", str(var / "upstream"),
                     "--origins-out", str(var / "upstream-origins")]) == 0

    matrix = load_matrix(REPO / "config" / "flavours.yaml")
    [release], _ = tracked_releases(list_images(origin_source, "minimal-64-lts"), set(matrix.tracked))
    assert (release.origin_version, release.origin_uuid) == ("25.4.0", UUID)
    plan = matrix.discovered(release.origin_name, release.origin_version, release.origin_uuid).to_plan()
    assert (plan["pkgsrc_branch"], plan["pkgsrc_arch"]) == ("2025Q4", "x86_64")

    worker = Sim(var / "sim", None, None)
    worker.run("imgadm", "import", "-q", UUID, check=True)
    _, inventory = worker.build_flavour(UUID, plan["packages"], plan["upgrade"])
    assert "sudo-1.9.16p4" in inventory

    assert cli.main(["sim", "security-fix", "--repo", "2025Q4/x86_64", "--package", "sudo-1.9.16p5",
                     "--advisory", "sudo<1.9.16p5 privilege-escalation https://www.sudo.ws/security/",
                     "--sim-root", str(var / "sim")]) == 0
    vulns = parse_vulnerabilities(advisories.vulnerabilities_path(var / "sim").read_bytes())
    summary = parse_pkg_summary((pkgrepo.repo_dir(var / "sim", "2025Q4", "x86_64") / "pkg_summary.gz").read_bytes())
    findings = audit(sorted(inventory), vulns, summary)
    assert [(f.package, f.newest_available) for f in security.classify(plan, findings).to_rebuild] == [
        ("sudo-1.9.16p4", "sudo-1.9.16p5")]
