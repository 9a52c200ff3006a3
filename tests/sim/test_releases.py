"""New upstream origin releases: made, served, imported and built on as the shipped origins are."""
import json

import pytest
from origin_ci.flavours import load_matrix
from origin_ci.imgmanifest import validate_manifest
from origin_ci.pkgsrc.match import pkg_match
from origin_ci.upstream import tracked_releases

from smartos_sim import pkgrepo, releases
from smartos_sim.errors import RequestError

from .conftest import PKGIN, REPO, ImageServer

MATRIX = load_matrix(REPO / "config" / "flavours.yaml")
UUID_25 = "0e6b5a3c-7d2f-4c51-9a8e-3f1d2c4b5a69"
ORIGIN_2024 = "41bd4100-eb86-409a-85b0-e649aadf6f62"


@pytest.fixture
def source(tmp_path):
    """An origin source serving what releases are written to."""
    server = ImageServer(tmp_path / "source")
    yield server
    server.stop()


@pytest.mark.parametrize("version, year, expected", [
    ("3.3.3", 2025, "3.3.4"),
    ("1.9.16p2", 2025, "1.9.16p3"),
    ("4.9nb1", 2025, "4.10"),
    ("1.0.20241118", 2025, "1.0.20251118"),
    ("1.0.20251118", 2025, "1.0.20251218"),
    ("20190305", 2025, "20250305"),
    ("20240229", 2025, "20250228"),
])
def test_next_version(version, year, expected):
    assert releases.next_version(version, year) == expected


def test_a_release_on_a_new_branch_is_imported_and_built_on_as_a_shipped_origin(sim, source, tmp_path):
    sim.own_repositories()
    manifest_path, file_path = releases.release_origin(
        sim.root, "minimal-64-lts", "25.4.0", source.directory, uuid=UUID_25,
        published_at="2026-01-20T10:31:07Z")
    assert (manifest_path.name, file_path.name) == (f"{UUID_25}.imgmanifest", f"{UUID_25}.zfs.gz")
    manifest = json.loads(manifest_path.read_text())
    validate_manifest(manifest, mode="public")
    assert (manifest["state"], manifest["public"], manifest["published_at"]) == ("active", True, "2026-01-20T10:31:07Z")
    assert manifest["requirements"]["min_platform"] == {"7.0": "20210826T002459Z"}
    [release], rejected = tracked_releases([manifest], set(MATRIX.tracked))
    assert rejected == [] and release.image_name == "triton-origin-x86_64-25.4.0"

    repository = {r["PKGNAME"] for r in pkgrepo.repository_records(sim.root, "2025Q4", "x86_64")}
    assert {"openssl-3.3.4", "openssl-3.3.5", "curl-8.11.1", "pkgin-24.5.2"} <= repository
    sim.run("imgadm", "import", "-q", "-S", source.url, UUID_25, check=True)
    flavour = MATRIX.discovered("minimal-64-lts", "25.4.0", UUID_25)
    assert (flavour.packages, flavour.upgrade) == (("coreutils", "curl", "gsed", "patch", "sudo"), True)
    vm, installed = sim.build_flavour(UUID_25, flavour.packages, flavour.upgrade)
    assert all(any(pkg_match(p, name) for name in installed) for p in flavour.packages)
    assert {"openssl-3.3.5", "sudo-1.9.16p4", "pkgin-24.5.2"} <= installed and "openssl-3.3.4" not in installed
    assert "2025Q4/x86_64/All" in sim.run("zlogin", vm, "cat", "/opt/local/etc/pkgin/repositories.conf").stdout
    assert "release: 2025Q4" in sim.run("zlogin", vm, "cat", "/etc/pkgsrc_version").stdout
    sim.run("vmadm", "stop", vm, check=True)
    sim.run("imgadm", "create", "-i", "-c", "gzip", "-o", str(tmp_path / "built"), vm,
            "name=triton-origin-x86_64-25.4.0", "version=1.0.0", check=True)
    assert json.loads((tmp_path / "built.imgmanifest").read_text())["origin"] == UUID_25


def test_a_point_release_bootstraps_the_newest_packages_of_its_branch(simi, source):
    simi.own_repositories()
    summary = (pkgrepo.repo_dir(simi.root, "2024Q4", "x86_64") / "pkg_summary.gz").read_bytes()
    manifest_path, _ = releases.release_origin(simi.root, "minimal-64-lts", "24.4.2", source.directory)
    uuid = json.loads(manifest_path.read_text())["uuid"]
    assert (pkgrepo.repo_dir(simi.root, "2024Q4", "x86_64") / "pkg_summary.gz").read_bytes() == summary
    [released] = releases.released_origins(simi.root)
    assert (released.title, released.uuid, released.branch) == ("minimal-64-lts@24.4.2", uuid, "2024Q4")
    assert {"openssl-3.3.3", "sqlite3-3.47.2", "mozilla-rootcerts-1.0.20241118"} <= set(released.installed)
    simi.run("imgadm", "import", "-q", "-S", source.url, uuid, check=True)
    vm = simi.create_zone(uuid)
    assert "nothing to upgrade." in simi.run("zlogin", vm, PKGIN, "-y", "full-upgrade", check=True).stdout


def test_a_later_branch_derives_from_the_latest_release(sim, source):
    sim.own_repositories()
    releases.release_origin(sim.root, "minimal-64-lts", "25.4.0", source.directory)
    releases.release_origin(sim.root, "minimal-64-lts", "26.4.1", source.directory)
    repository = {r["PKGNAME"] for r in pkgrepo.repository_records(sim.root, "2026Q4", "x86_64")}
    assert {"openssl-3.3.6", "openssl-3.3.7", "mozilla-rootcerts-1.0.20261218"} <= repository
    assert [o.version for o in releases.released_origins(sim.root)] == ["25.4.0", "26.4.1"]


@pytest.mark.parametrize("name, version, options, message", [
    ("minimal-64-lts", "25.1.0", {}, "is not an LTS origin version"),
    ("minimal-64-lts", "25.4", {}, "is not an LTS origin version"),
    ("base-64-lts", "25.4.0", {}, "is not an origin series the simulator has"),
    ("minimal-64-lts", "24.4.1", {}, r"minimal-64-lts@24.4.1 already exists \(41bd4100-"),
    ("minimal-64-lts", "25.4.0", {"uuid": ORIGIN_2024}, f"uuid {ORIGIN_2024} is already minimal-64-lts@24.4.1"),
    ("minimal-64-lts", "16.4.0", {}, "older than 2024Q4, the newest the simulator has"),
    ("minimal-64-lts", "25.4.0", {"uuid": UUID_25.upper()}, "is not a lowercase UUID"),
    ("minimal-64-lts", "25.4.0", {"published_at": "2026-01-20 10:31"}, "expected YYYY-MM-DDTHH:MM:SS"),
])
def test_release_refusals_change_nothing(sim, tmp_path, name, version, options, message):
    sim.own_repositories()
    branches = sorted(p.relative_to(sim.root) for p in (sim.root / "pkgsrc").glob("*/*"))
    with pytest.raises(RequestError, match=message):
        releases.release_origin(sim.root, name, version, tmp_path / "out", **options)
    assert sorted(p.relative_to(sim.root) for p in (sim.root / "pkgsrc").glob("*/*")) == branches
    assert not (tmp_path / "out").exists() and releases.released_origins(sim.root) == ()


def test_release_needs_a_state_directory(tmp_path):
    with pytest.raises(RequestError, match="is not a simulator state directory"):
        releases.release_origin(tmp_path / "nowhere", "minimal-64-lts", "25.4.0", tmp_path / "out")
