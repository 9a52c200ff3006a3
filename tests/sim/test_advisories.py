"""The simulator's pkg-vulnerabilities file and security fixes, as the pkgsrc-security poller
reads them (origin_ci.pkgsrc: checksum verified, audited against a repository's pkg_summary)."""
import gzip
import hashlib

import pytest
from origin_ci.pkgsrc.audit import audit
from origin_ci.pkgsrc.summary import parse_pkg_summary
from origin_ci.pkgsrc.vulnerabilities import VulnerabilityEntry, parse_vulnerabilities

from smartos_sim import advisories, pkgrepo
from smartos_sim.errors import RequestError
from smartos_sim.setupcmd import setup

from .conftest import PKGIN

ORIGIN_2024 = "41bd4100-eb86-409a-85b0-e649aadf6f62"
SUDO_FIX = "sudo<1.9.16p3 privilege-escalation https://www.sudo.ws/security/advisories/"


def summary(root, branch="2024Q4", arch="x86_64"):
    return parse_pkg_summary((pkgrepo.repo_dir(root, branch, arch) / "pkg_summary.gz").read_bytes())


def vulnerabilities(root):
    return parse_vulnerabilities(advisories.vulnerabilities_path(root).read_bytes())


def test_setup_writes_a_checksummed_file_whose_advisories_match_no_package(sim):
    data = advisories.vulnerabilities_path(sim.root).read_bytes()
    text = gzip.decompress(data).decode()
    assert text.startswith("# $NetBSD") and "\n#FORMAT 1.1.0\n" in text and "\n#CHECKSUM SHA512 " in text
    vulns = vulnerabilities(sim.root)
    assert vulns.verified_with == ("SHA512",)
    assert [(e.pattern, e.type, e.url) for e in vulns.entries] == list(advisories.SEED_ADVISORIES)
    for repository in (sim.root / "pkgsrc").glob("*/*/All"):
        records = parse_pkg_summary((repository / "pkg_summary.gz").read_bytes())
        assert audit([r.pkgname for r in records], vulns, records) == [], repository


def test_setup_keeps_a_file_a_security_fix_extended(tmp_path):
    root = tmp_path / "root"
    setup(root)
    seeded = advisories.vulnerabilities_path(root).read_bytes()
    setup(root)
    assert advisories.vulnerabilities_path(root).read_bytes() == seeded   # reproducible
    advisories.security_fix(root, "2024Q4", "x86_64", "sudo-1.9.16p3", SUDO_FIX)
    extended = advisories.vulnerabilities_path(root).read_bytes()
    setup(root)
    assert advisories.vulnerabilities_path(root).read_bytes() == extended
    assert vulnerabilities(root).entries[-1] == VulnerabilityEntry(*SUDO_FIX.split())


def test_security_fix_adds_a_package_like_the_one_it_replaces_and_the_advisory(simi):
    simi.own_repositories()
    vm, before = simi.build_flavour(ORIGIN_2024, ["curl"], upgrade=True)
    assert "curl-8.11.0" in before
    advisory = "curl<8.11.1 information-leak https://nvd.nist.gov/vuln/detail/CVE-2024-11053"
    assert advisories.security_fix(simi.root, "2024Q4", "x86_64", "curl-8.11.1", advisory) == \
        tuple(advisory.split())

    records = {r.pkgname: r for r in summary(simi.root)}
    fixed, old = records["curl-8.11.1"], records["curl-8.11.0"]
    assert fixed.getall("DEPENDS") == old.getall("DEPENDS") and "libpsl>=0.21.0" in fixed.getall("DEPENDS")
    assert fixed.get("SIZE_PKG") == old.get("SIZE_PKG") and int(fixed.get("SIZE_PKG")) > 4_000_000
    assert fixed.get("PKGPATH") == "www/curl" and fixed.get("MACHINE_ARCH") == "x86_64"
    tarball = (pkgrepo.repo_dir(simi.root, "2024Q4", "x86_64") / fixed.get("FILE_NAME")).read_bytes()
    assert fixed.get("FILE_CKSUM") == "sha256 " + hashlib.sha256(tarball).hexdigest()

    vulns = vulnerabilities(simi.root)
    assert len(vulns.entries) == len(advisories.SEED_ADVISORIES) + 1
    [finding] = audit(sorted(before), vulns, list(records.values()))
    assert (finding.package, finding.fixable, finding.newest_available) == ("curl-8.11.0", True, "curl-8.11.1")

    upgraded = simi.run("zlogin", vm, PKGIN, "-y", "full-upgrade", check=True)
    assert "curl-8.11.1" in upgraded.stdout and "curl-8.11.1" in simi.installed(vm)


@pytest.mark.parametrize("repo, pkgname, advisory, message", [
    ("2024Q4/x86_64", "sudo-1.9.16p3", "sudo<1.9.16p3 privilege-escalation", "expected 'PATTERN TYPE URL'"),
    ("2024Q4/x86_64", "sudo-1.9.16p3", "sudo-{1.9.16p1 privilege-escalation https://x.org/", "unbalanced braces"),
    ("2024Q4/x86_64", "sudo-1.9.16p3", "sudo<1.9.16p3 0day https://x.org/", "expected one word"),
    ("2024Q4/x86_64", "sudo-1.9.16p3", "sudo<1.9.16p3 local,root https://x.org/", "expected one word"),
    ("2024Q4/x86_64", "sudo-1.9.16p3", "sudo<1.9.16p3 privilege-escalation ftp://x.org/", "http:// or https://"),
    ("2024Q4/x86_64", "sudo-1.9.16p3", "sudo<1.9.16p3 privilege-escalation nvd.nist.gov/x", "http:// or https://"),
    ("2024Q4/x86_64", "sudo", SUDO_FIX, "is not a PKGNAME-VERSION"),
    ("2024Q4/x86_64", "sudo-1.9.16p3", SUDO_FIX.replace("<1.9.16p3", "<1.9.17"), "it would still be vulnerable"),
    ("2024Q4/x86_64", "sudo-1.9.16p1", SUDO_FIX.replace("<1.9.16p3", "<1.9.16p0"),
     "is not newer than sudo-1.9.16p2"),
    ("2024Q4/x86_64", "sudo-1.9.16p3", SUDO_FIX.replace("<1.9.16p3", "<1.9.0"), "matches no sudo in 2024Q4"),
    ("2024Q4/x86_64", "bash-5.2.37", SUDO_FIX.replace("sudo", "bash"), "has no bash package to fix"),
    ("2099Q4/x86_64", "sudo-1.9.16p3", SUDO_FIX, "no simulated repository 2099Q4/x86_64"),
])
def test_security_fix_refuses_what_would_not_fix_anything(sim, repo, pkgname, advisory, message):
    sim.own_repositories()
    before = {path: path.read_bytes() for path in (sim.root / "pkgsrc").rglob("pkg*")}
    branch, arch = repo.split("/")
    with pytest.raises(RequestError, match=message.replace("+", r"\+")):
        advisories.security_fix(sim.root, branch, arch, pkgname, advisory)
    assert {path: path.read_bytes() for path in (sim.root / "pkgsrc").rglob("pkg*")} == before


def test_security_fix_needs_a_state_directory(tmp_path):
    with pytest.raises(RequestError, match="is not a simulator state directory"):
        advisories.security_fix(tmp_path, "2024Q4", "x86_64", "sudo-1.9.16p3", SUDO_FIX)
    assert list(tmp_path.iterdir()) == []
