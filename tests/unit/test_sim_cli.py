"""`origin-ci sim release-origin` and `origin-ci sim security-fix`."""
import os
import shutil

import pytest
from origin_ci import cli
from origin_ci.imgapi.errors import ImgapiError
from origin_ci.imgapi.store import ImageStore
from origin_ci.paths import DEFAULT_VAR_DIR
from origin_ci.pkgsrc.vulnerabilities import parse_vulnerabilities
from origin_ci.upstream import tracked_releases

from smartos_sim import advisories, pkgrepo, releases
from smartos_sim.setupcmd import setup

UUID = "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b"
SUDO_FIX = "sudo<1.9.16p3 privilege-escalation https://www.sudo.ws/security/advisories/"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    base = tmp_path_factory.mktemp("sim-cli")
    setup(base / "sim", base / "upstream-origins")
    ImageStore(base / "upstream").seed_dir(base / "upstream-origins")
    return base


@pytest.fixture
def var(template, tmp_path):
    """A copy of a local default's var/: sim, upstream-origins, upstream."""
    shutil.copytree(template, tmp_path / "var")
    return tmp_path / "var"


def sim(var, *argv):
    return cli.main(["sim", *argv, "--sim-root", str(var / "sim")])


def release(var, *argv):
    return sim(var, "release-origin", *argv, "--source-dir", str(var / "upstream"),
               "--origins-out", str(var / "upstream-origins"))


def test_defaults_are_this_checkouts_var_directory():
    parser = cli.build_parser()
    args = parser.parse_args(["sim", "release-origin", "minimal-64-lts", "25.4.0"])
    assert (args.sim_root, args.source_dir) == (os.path.join(DEFAULT_VAR_DIR, "sim"),
                                                os.path.join(DEFAULT_VAR_DIR, "upstream"))
    args = parser.parse_args(["sim", "security-fix", "--repo", "2024Q4/x86_64", "--package", "sudo-1.9.16p3",
                              "--advisory", SUDO_FIX])
    assert args.sim_root == os.path.join(DEFAULT_VAR_DIR, "sim")


def test_release_files_go_beside_the_source_store_by_default(var, capsys):
    assert sim(var, "release-origin", "minimal-64-lts", "25.4.0", "--uuid", UUID,
               "--source-dir", str(var / "upstream")) == 0
    assert (var / "upstream-origins" / f"{UUID}.imgmanifest").is_file()
    assert f"written: {var / 'upstream-origins' / UUID}.imgmanifest and " in capsys.readouterr().out


def test_release_origin_adds_the_release_to_the_origin_source(var, capsys):
    assert release(var, "minimal-64-lts", "25.4.0", "--uuid", UUID,
                   "--published-at", "2026-01-20T10:31:07Z") == 0
    out = capsys.readouterr().out
    assert f"released minimal-64-lts@25.4.0 as image {UUID} (pkgsrc 2025Q4/x86_64)" in out
    assert f"origin source: added to {var / 'upstream'}" in out
    image = ImageStore(var / "upstream").get(UUID)
    assert image.file_path.read_bytes() == (var / "upstream-origins" / f"{UUID}.zfs.gz").read_bytes()
    assert image.manifest["published_at"] == "2026-01-20T10:31:07Z"
    manifests = [i.manifest for i in ImageStore(var / "upstream").all()]
    found, rejected = tracked_releases(manifests, {"minimal-64-lts"})
    assert rejected == [] and found[-1].origin_version == "25.4.0"
    assert [o.uuid for o in releases.released_origins(var / "sim")] == [UUID]


@pytest.mark.parametrize("argv, message", [
    (["minimal-64-lts", "25.1.0"], "'25.1.0' is not an LTS origin version"),
    (["minimal-64-lts", "24.4.1"], "the origin source already has minimal-64-lts@24.4.1"),
    (["minimal-64-lts", "25.4.0", "--uuid", "41bd4100-eb86-409a-85b0-e649aadf6f62"],
     "the origin source already has minimal-64-lts@24.4.1"),
    (["minimal-32-lts", "25.4.0"], "'minimal-32-lts' is not an origin series the simulator has"),
])
def test_release_origin_refusals_exit_2(var, capsys, argv, message):
    assert release(var, *argv) == 2
    assert message in capsys.readouterr().err
    assert releases.released_origins(var / "sim") == ()


def test_release_origin_refuses_a_missing_source_or_state_directory(var, capsys):
    assert sim(var, "release-origin", "minimal-64-lts", "25.4.0", "--source-dir", str(var / "nowhere")) == 2
    assert "is not an image store directory" in capsys.readouterr().err
    assert not (var / "nowhere").exists()
    assert cli.main(["sim", "release-origin", "minimal-64-lts", "25.4.0", "--sim-root", str(var / "nosim"),
                     "--source-dir", str(var / "upstream"), "--origins-out", str(var / "out")]) == 2
    assert "is not a simulator state directory" in capsys.readouterr().err


def test_a_release_the_source_refuses_is_reported_with_the_way_to_add_it(var, capsys, monkeypatch):
    def refuse(store, manifest, file_path, channels=None):
        raise ImgapiError("ValidationFailed", "refused for the test")
    monkeypatch.setattr(ImageStore, "add", refuse)
    assert release(var, "minimal-64-lts", "25.4.0") == 2
    err = capsys.readouterr().err
    assert "the simulator has the release but the origin source refused it (ValidationFailed" in err
    assert f"origin-ci imgapi seed --dir {var / 'upstream'} {var / 'upstream-origins'}" in err


def test_security_fix(var, capsys):
    assert sim(var, "security-fix", "--repo", "2024Q4/x86_64", "--package", "sudo-1.9.16p3",
               "--advisory", SUDO_FIX) == 0
    out = capsys.readouterr().out
    assert "added sudo-1.9.16p3 to pkgsrc 2024Q4/x86_64" in out
    assert f"advisory {SUDO_FIX} appended to {advisories.vulnerabilities_path(var / 'sim')}" in out
    assert "sudo-1.9.16p3" in {r["PKGNAME"] for r in pkgrepo.repository_records(var / "sim", "2024Q4", "x86_64")}
    entries = parse_vulnerabilities(advisories.vulnerabilities_path(var / "sim").read_bytes()).entries
    assert (entries[-1].pattern, entries[-1].type, entries[-1].url) == tuple(SUDO_FIX.split())


@pytest.mark.parametrize("repo, package, advisory, message", [
    ("2024Q4", "sudo-1.9.16p3", SUDO_FIX, "--repo '2024Q4': expected BRANCH/ARCH"),
    ("2024Q4/x86_64/All", "sudo-1.9.16p3", SUDO_FIX, "expected BRANCH/ARCH"),
    ("2024Q4/x86_64", "sudo-1.9.16p3", "sudo<1.9.16p3 privilege-escalation", "expected 'PATTERN TYPE URL'"),
    ("2024Q4/x86_64", "sudo-1.9.16p3", SUDO_FIX.replace("https", "file"), "http:// or https://"),
    ("2024Q4/x86_64", "sudo-1.9.16p3", SUDO_FIX.replace("<1.9.16p3", "<1.9.17"), "it fixes nothing"),
    ("2099Q4/x86_64", "sudo-1.9.16p3", SUDO_FIX, "no simulated repository 2099Q4/x86_64"),
])
def test_security_fix_refusals_exit_2(var, capsys, repo, package, advisory, message):
    before = advisories.vulnerabilities_path(var / "sim").read_bytes()
    assert sim(var, "security-fix", "--repo", repo, "--package", package, "--advisory", advisory) == 2
    assert message in capsys.readouterr().err
    assert advisories.vulnerabilities_path(var / "sim").read_bytes() == before
