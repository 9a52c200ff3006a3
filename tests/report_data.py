"""Build inventories as SmartOS writes them (`pkg_info -X -a`), for the report tests."""
from origin_ci.pkgsrc.summary import parse_pkg_summary

MB = 1_000_000


def pkg_info_record(pkgname, size, *depends, pkgpath="misc/x"):
    """One package as `pkg_info -X` prints it on SmartOS (pkg_summary(5) format)."""
    lines = [f"PKGNAME={pkgname}", *(f"DEPENDS={d}" for d in depends), f"COMMENT={pkgname} package",
             f"SIZE_PKG={size}", "BUILD_DATE=2025-01-14 08:55:47 +0000", "CATEGORIES=misc",
             "MACHINE_ARCH=x86_64", "OPSYS=SunOS", "OS_VERSION=5.11", f"PKGPATH={pkgpath}",
             "PKGTOOLS_VERSION=20091115", f"DESCRIPTION=The {pkgname.rpartition('-')[0]} package."]
    return "\n".join(lines) + "\n\n"


ORIGIN = [  # minimal-64-lts 24.4.1, as pkg_info -X -a in a fresh build zone
    ("bzip2-1.0.8", 300_000), ("libarchive-3.7.7", 2_300_000, "bzip2>=1.0.1", "zlib>=1.2.3"),
    ("openssl-3.3.2", 9_800_000), ("pkgin-24.5.1", 500_000, "libarchive>=3.3.1", "openssl>=1.1.1"),
    ("zlib-1.2.11", 260_000),
]
ADDED = [  # what `pkgin install coreutils curl gsed sudo` and a full upgrade leave
    ("coreutils-9.5", 18_600_000, "gettext-lib>=0.18", "gmp>=5.0.1"), ("gettext-lib-0.21", 700_000),
    ("gmp-6.2.1", 2_300_000), ("curl-8.11.0", 4_100_000, "libidn2>=2.0.0", "openssl>=3.3", "zlib>=1.2.3"),
    ("libidn2-2.3.0", 1_300_000), ("gsed-4.9nb1", 370_000, "gettext-lib>=0.18"),
    ("sudo-1.9.16p2", 5_000_000), ("openssl-3.3.3", 9_900_000),
]


def pkg_info_output(packages):
    return "".join(pkg_info_record(*package) for package in packages).encode()


def image_inventory():
    upgraded = [p for p in ORIGIN if not p[0].startswith("openssl-")]
    return parse_pkg_summary(pkg_info_output(upgraded + ADDED))
