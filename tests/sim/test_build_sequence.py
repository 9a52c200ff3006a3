"""A whole build, as the build steps drive it: import, create zone, pkgin, inventory, stop,
imgadm create, delete."""
import gzip
import io
import json
import tarfile

from origin_ci.pkgsrc.summary import parse_pkg_summary

ORIGIN_2024 = "41bd4100-eb86-409a-85b0-e649aadf6f62"
ORIGIN_2015 = "ede31770-e19c-11e5-bb6e-3b7de3cca9ce"
PACKAGES = ["coreutils", "curl", "gsed", "patch", "sudo"]


def names(pkg_info_x):
    return sorted(r.pkgname for r in parse_pkg_summary(pkg_info_x.encode()))


def test_full_build_sequence_makes_an_incremental_image(sim, tmp_path):
    # from a fresh host (the import is part of the sequence), each command a real process
    sim.in_process = False
    sim.run("imgadm", "import", "-q", ORIGIN_2024, check=True)
    vm = sim.create_zone(ORIGIN_2024)
    before = names(sim.run("zlogin", vm, "/opt/local/sbin/pkg_info", "-X", "-a", check=True).stdout)
    sim.run("zlogin", vm, "/opt/local/bin/pkgin", "-y", "update", check=True)
    sim.run("zlogin", vm, "/opt/local/bin/pkgin", "-y", "install", *PACKAGES, check=True)
    sim.run("zlogin", vm, "/opt/local/bin/pkgin", "-y", "full-upgrade", check=True)
    inventory = sim.run("zlogin", vm, "/opt/local/sbin/pkg_info", "-X", "-a", check=True).stdout
    sim.run("zlogin", vm, "/opt/local/bin/pkgin", "-y", "clean", check=True)
    sim.run("vmadm", "stop", vm, check=True)
    manifest_in = tmp_path / "m.json"
    manifest_in.write_text(json.dumps({"name": "triton-origin-x86_64-24.4.1", "version": "1.0.0",
                                       "requirements": {"min_platform": {"7.0": "20210826T002459Z"}}}))
    created = sim.run("imgadm", "create", "-i", "-c", "gzip", "-m", str(manifest_in), "-o",
                      str(tmp_path / "out"), vm, check=True)
    sim.run("vmadm", "delete", vm, check=True)
    after = names(inventory)
    assert "pkgin-24.5.1" in before and "coreutils-9.5" not in before
    for package in PACKAGES:
        assert any(n.startswith(package + "-") for n in after), package
    assert {"libidn2-2.3.0", "nghttp2-1.42.0", "mit-krb5-1.18.2nb1"} <= set(after)
    assert "openssl-3.3.3" in after and "openssl-3.3.2" not in after  # full upgrade
    manifest = json.loads((tmp_path / "out.imgmanifest").read_text())
    assert manifest["origin"] == ORIGIN_2024
    assert manifest["requirements"]["min_platform"] == {"7.0": "20210826T002459Z"}
    assert manifest["files"][0]["compression"] == "gzip"
    data = (tmp_path / "out.zfs.gz").read_bytes()
    assert manifest["files"][0]["size"] == len(data)
    for field in ("owner", "state", "public", "disabled", "published_at"):
        assert field not in manifest
    assert "Inheriting from origin image" in created.stdout
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(data))) as tar:
        members = tar.getnames()
    assert "opt/local/bin/curl" in members
    assert not any(m.startswith("opt/local/pkg/pkg_install-") for m in members)
    assert sim.run("vmadm", "list", "-H", "-o", "uuid").stdout == ""
