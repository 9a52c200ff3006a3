"""Parallel builds against one state dir, and the generated pkgsrc repositories."""
import gzip
import json
import threading

from origin_ci.pkgsrc.summary import parse_pkg_summary

from smartos_sim import pkgrepo
from smartos_sim.setupcmd import setup

ORIGIN = "5e4c3f98-aca4-11ee-9db8-00151714048c"


def build(sim, out_dir, results, index):
    steps = []
    try:
        steps.append(sim.run("imgadm", "import", "-q", ORIGIN, process=True))
        create = sim.run("vmadm", "create", process=True, input=json.dumps({
            "brand": "joyent-minimal", "image_uuid": ORIGIN, "alias": f"origin-build-par-{index}",
            "nics": [{"nic_tag": "admin", "ips": ["dhcp"]}]}))
        steps.append(create)
        vm = create.stderr.split()[-1]
        steps.append(sim.run("zlogin", vm, "/opt/local/bin/pkgin", "-y", "install", "coreutils", "curl",
                             "gsed", "patch", "sudo", process=True))
        steps.append(sim.run("vmadm", "stop", vm, process=True))
        steps.append(sim.run("imgadm", "create", "-i", "-c", "gzip", "-o", str(out_dir / f"img{index}"),
                             vm, f"name=par{index}", "version=1.0.0", process=True))
        steps.append(sim.run("vmadm", "delete", vm, process=True))
    finally:
        results[index] = steps


def test_two_builds_at_once_share_one_import_and_do_not_interfere(sim, tmp_path):
    results = {}
    threads = [threading.Thread(target=build, args=(sim, tmp_path, results, i)) for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for index in (1, 2):
        for step in results[index]:
            assert step.returncode == 0, (step.args, step.stdout, step.stderr)
        manifest = json.loads((tmp_path / f"img{index}.imgmanifest").read_text())
        assert manifest["origin"] == ORIGIN and manifest["name"] == f"par{index}"
    imports = [r[0].stdout for r in results.values()]
    assert sum("Imported image" in out for out in imports) == 1
    assert sum("already installed" in out for out in imports) == 1
    assert sim.run("vmadm", "list", "-H").stdout == ""
    assert [i["manifest"]["uuid"] for i in json.loads(sim.run("imgadm", "list", "-j").stdout)] == [ORIGIN]


def test_repositories_hold_real_pkg_summary_fields(sim):
    directory = pkgrepo.repo_dir(sim.root, "2015Q4", "multiarch")
    records = {r.pkgname: r for r in parse_pkg_summary((directory / "pkg_summary.gz").read_bytes())}
    assert gzip.decompress((directory / "pkg_summary.gz").read_bytes()) == (directory / "pkg_summary").read_bytes()
    for pin in ("coreutils-8.23nb2", "curl-7.51.0", "gsed-4.2.2nb4", "patch-2.7.5", "sudo-1.8.15"):
        assert pin in records
    curl = records["curl-7.51.0"]
    for field in ("PKGNAME", "COMMENT", "SIZE_PKG", "BUILD_DATE", "CATEGORIES", "MACHINE_ARCH", "OPSYS",
                  "OS_VERSION", "PKGPATH", "PKGTOOLS_VERSION", "LICENSE", "HOMEPAGE", "FILE_NAME",
                  "FILE_SIZE", "FILE_CKSUM"):
        assert curl.get(field), field
    assert curl.getall("DESCRIPTION")
    assert "openssl>=1.0.2j" in curl.getall("DEPENDS")
    tarball = (directory / curl.get("FILE_NAME")).read_bytes()
    assert int(curl.get("FILE_SIZE")) == len(tarball)
    later = {r.pkgname for r in parse_pkg_summary(
        (pkgrepo.repo_dir(sim.root, "2024Q4", "x86_64") / "pkg_summary.gz").read_bytes())}
    assert {"curl-8.11.0", "libidn2-2.3.0", "nghttp2-1.42.0", "mozilla-rootcerts-1.0.20241118"} <= later


def test_setup_is_idempotent(tmp_path):
    setup(tmp_path / "root", tmp_path / "out", "http://127.0.0.1:1")
    first = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    summary = (tmp_path / "root/pkgsrc/2024Q4/x86_64/All/pkg_summary.gz").read_bytes()
    config = json.loads((tmp_path / "root/sim.json").read_text())
    setup(tmp_path / "root", tmp_path / "out")
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == first
    assert (tmp_path / "root/pkgsrc/2024Q4/x86_64/All/pkg_summary.gz").read_bytes() == summary
    assert json.loads((tmp_path / "root/sim.json").read_text()) == config
    assert json.loads((tmp_path / "root/var/imgadm/imgadm.conf").read_text())["sources"][0]["url"] == "http://127.0.0.1:1"
