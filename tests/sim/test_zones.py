"""zlogin and the tools inside a zone: pkgin, pkg_info, pkg_admin, the shell."""
import json

from origin_ci.pkgsrc.summary import parse_pkg_summary

from smartos_sim import pkgrepo

ORIGIN_2015 = "ede31770-e19c-11e5-bb6e-3b7de3cca9ce"
ORIGIN_2024 = "41bd4100-eb86-409a-85b0-e649aadf6f62"
PKGIN = "/opt/local/bin/pkgin"
PKG_INFO = "/opt/local/sbin/pkg_info"


def installed(sim, vm):
    return {r.pkgname for r in parse_pkg_summary(sim.run("zlogin", vm, PKG_INFO, "-X", "-a", check=True).stdout.encode())}


def test_fresh_zone_has_the_origin_packages_and_repository(simi):
    vm = simi.create_zone(ORIGIN_2015)
    names = installed(simi, vm)
    assert {"pkg_install-20151122", "pkgin-0.9.4", "pkgsrc-gnupg-keys-20150629", "openssl-1.0.2e"} <= names
    conf = simi.run("zlogin", vm, "cat", "/opt/local/etc/pkgin/repositories.conf", check=True).stdout
    assert "https://pkgsrc.smartos.org/packages/SmartOS/2015Q4/multiarch/All" in conf
    record = parse_pkg_summary(simi.run("zlogin", vm, PKG_INFO, "-X", "pkgin", check=True).stdout.encode())[0]
    assert record.get("PKGPATH") == "pkgtools/pkgin" and record.get("MACHINE_ARCH") == "i386"
    assert record.getall("DEPENDS")


def test_pinned_2015_install_resolves_dependencies_and_upgrades_what_they_need(simi):
    vm = simi.create_zone(ORIGIN_2015)
    pins = ["coreutils-8.23nb2", "curl-7.51.0", "gsed-4.2.2nb4", "patch-2.7.5", "sudo-1.8.15"]
    simi.run("zlogin", vm, PKGIN, "-y", "install", *pins, check=True)
    names = installed(simi, vm)
    assert set(pins) <= names
    assert "curl-7.52.1" not in names and "sudo-1.8.19p2" not in names
    assert "openssl-1.0.2k" in names and "openssl-1.0.2e" not in names   # curl needs >=1.0.2j
    assert {"libidn-1.32", "mit-krb5-1.14", "openldap-client-2.4.44"} <= names
    sizes = {r.pkgname: int(r.get("SIZE_PKG")) for r in parse_pkg_summary(
        simi.run("zlogin", vm, PKG_INFO, "-X", "-a").stdout.encode())}
    curl_closure = sum(v for k, v in sizes.items() if k.split("-")[0] in
                       ("curl", "libidn", "libssh2", "mit", "nghttp2", "openldap", "cyrus"))
    assert curl_closure > 4 * sizes["coreutils-8.23nb2"]
    listing = simi.run("zlogin", vm, PKGIN, "-p", "ls", check=True).stdout.splitlines()
    assert "sudo-1.8.15;Allow others to run commands as root" in listing
    assert simi.run("zlogin", vm, PKG_INFO, "-e", "'curl>=7.50'", check=True).stdout == "curl-7.51.0\n"
    assert simi.run("zlogin", vm, "pkg_admin", "pmatch", "'sudo<1.8.16'", "sudo-1.8.15").returncode == 0
    again = simi.run("zlogin", vm, PKGIN, "-y", "install", "sudo-1.8.15", check=True)
    assert "nothing to do." in again.stdout


def test_missing_package_fails_the_install(simi):
    vm = simi.create_zone(ORIGIN_2024)
    result = simi.run("zlogin", vm, PKGIN, "-y", "install", "coreutils", "no-such-package")
    assert result.returncode == 1
    assert "no-such-package is not available in the repository" in result.stderr
    assert not any(n.startswith("coreutils-") for n in installed(simi, vm))
    legacy = simi.create_zone(ORIGIN_2015, uuid="0c7c8c3e-1111-4222-8333-944444444444")
    assert "no-such-package is not available on the repository" in simi.run(
        "zlogin", legacy, PKGIN, "-y", "install", "no-such-package").stderr


def test_full_upgrade_and_a_security_fix_added_later(simi):
    simi.own_repositories()
    vm = simi.create_zone(ORIGIN_2024)
    simi.run("zlogin", vm, PKGIN, "-y", "install", "sudo", check=True)
    assert "sudo-1.9.16p2" in installed(simi, vm)
    pkgrepo.add_package(simi.root, "2024Q4", "x86_64", "sudo-1.9.16p3", size_pkg=5_100_000)
    upgraded = simi.run("zlogin", vm, PKGIN, "-y", "full-upgrade", check=True)
    assert "sudo-1.9.16p3" in upgraded.stdout
    names = installed(simi, vm)
    assert "sudo-1.9.16p3" in names and "openssl-3.3.3" in names and "sqlite3-3.47.2" in names
    assert "nothing to upgrade." in simi.run("zlogin", vm, PKGIN, "-y", "full-upgrade", check=True).stdout


def test_removed_package_and_unmet_dependency(simi):
    simi.own_repositories()
    pkgrepo.remove_package(simi.root, "2024Q4", "x86_64", "libunistring-0.9.10")
    vm = simi.create_zone(ORIGIN_2024)
    result = simi.run("zlogin", vm, PKGIN, "-y", "install", "curl")
    assert result.returncode == 1
    assert "libunistring>=0.9.10, needed by libidn2-2.3.0 is not present in this system." in result.stderr


def test_zlogin_refusals(simi):
    vm = simi.create_zone(ORIGIN_2024, autoboot=False)
    stopped = simi.run("zlogin", vm, "true")
    assert stopped.returncode == 1
    assert stopped.stderr.strip() == f"zlogin: login allowed only to running zones ({vm} is 'installed')."
    unknown = simi.run("zlogin", "no-such-zone", "true")
    assert unknown.returncode == 1 and unknown.stderr.strip() == "zlogin: zone 'no-such-zone' unknown"
    usage = simi.run("zlogin")
    assert usage.returncode == 2 and usage.stderr.startswith("usage: zlogin")
    assert simi.run("zlogin", "-X", vm, "true").returncode == 2
    assert simi.run("zlogin", "global", "true").returncode == 1


def test_shell_behaviour_inside_the_zone(simi):
    vm = simi.create_zone(ORIGIN_2024)
    missing = simi.run("zlogin", vm, "frobnicate", "--now")
    assert missing.returncode == 127 and missing.stderr.strip() == "frobnicate: not found"
    assert simi.run("zlogin", vm, "/opt/local/bin/curl").returncode == 127   # not installed yet
    single = simi.run("zlogin", vm, "echo one && false || echo two; exit 3")
    assert (single.returncode, single.stdout) == (3, "one\ntwo\n")
    quoted = simi.run("zlogin", vm, "echo", "a  b", "c")
    assert quoted.stdout == "a  b c\n"
    simi.run("zlogin", vm, f"{PKG_INFO} -X -a > /root/inv.txt 2>&1", check=True)
    assert "PKGNAME=pkgin-24.5.1" in simi.run("zlogin", vm, "cat", "/root/inv.txt").stdout
    assert simi.run("zlogin", vm, "if true; then echo x; fi").returncode == 2
    script = simi.run("zlogin", vm, input="mdata-put foo bar\nmdata-get foo\n")
    assert script.stdout == "bar\n"
    assert json.loads(simi.run("vmadm", "get", vm).stdout)["customer_metadata"] == {"foo": "bar"}


def test_slow_install_knob(simi):
    import time
    vm = simi.create_zone(ORIGIN_2024)
    started = time.monotonic()
    simi.run("zlogin", vm, PKGIN, "-y", "install", "patch", env={"SMARTOS_SIM_SLOW_SECONDS": "0.3"}, check=True)
    assert time.monotonic() - started >= 0.3
