"""What the simulated pkgsrc repositories hold: packages, versions, dependencies and sizes.

Modelled on Joyent's SmartOS LTS branches (pkgsrc 20YYQ4); versions and DEPENDS patterns are
plausible for each branch rather than copied from a real pkg_summary, and SIZE_PKG values are
tuned so that the increments resemble RFD 46's size table (coreutils about 20 MB, the curl
closure about 115 MB and the rest small). The catalogue is data: `pkgrepo` turns it into
pkg_summary files and package tarballs, `origins` into origin images.
"""
from dataclasses import dataclass, field

OPSYS = "SunOS"
OS_VERSION = "5.11"
PKGTOOLS_VERSION = "20091115"

MB = 1024 * 1024


@dataclass(frozen=True)
class PackageInfo:
    """Per-package facts that do not change between branches."""
    pkgpath: str
    comment: str
    homepage: str
    license: str
    description: tuple
    files: tuple = ()          # files (relative to /opt/local) shipped besides docs


@dataclass(frozen=True)
class Version:
    """One package version in a branch: PKGNAME, DEPENDS patterns and installed size."""
    pkgname: str
    depends: tuple = ()
    size_pkg: int = 100_000
    build_date: str = ""

    @property
    def pkgbase(self):
        return self.pkgname.rsplit("-", 1)[0]


@dataclass(frozen=True)
class Branch:
    """A pkgsrc branch for one arch: its packages and what its minimal origin had installed."""
    name: str                  # e.g. "2015Q4"
    arch: str                  # multiarch | x86_64 | i386
    machine_arch: str          # MACHINE_ARCH in pkg_summary
    build_date: str            # default BUILD_DATE of the branch's packages
    versions: tuple            # every Version in the repository
    origin_installed: tuple    # PKGNAMEs installed in the origin image
    pkgin_style: str = "modern"  # how its pkgin talks: "legacy" (0.9) or "modern" (0.11+)
    extra: dict = field(default_factory=dict)

    def version(self, pkgname):
        for version in self.versions:
            if version.pkgname == pkgname:
                return version
        raise KeyError(pkgname)


def _info(pkgpath, comment, homepage, license, *description, files=()):
    return PackageInfo(pkgpath, comment, homepage, license, tuple(description), tuple(files))


PACKAGES = {
    "bzip2": _info("archivers/bzip2", "Block-sorting file compressor", "https://sourceware.org/bzip2/",
                   "original-bsd", "bzip2 compresses files using the Burrows-Wheeler block-sorting",
                   "text compression algorithm, and Huffman coding.", files=("bin/bzip2",)),
    "changepass": _info("sysutils/changepass", "Change password utility for SmartOS zones",
                        "https://github.com/joyent/changepass", "mit",
                        "A small utility to change a user's password non-interactively.",
                        files=("bin/changepass",)),
    "coreutils": _info("sysutils/coreutils", "GNU basic file, shell and text manipulation utilities",
                       "https://www.gnu.org/software/coreutils/", "gnu-gpl-v3",
                       "The GNU Core Utilities are the basic file, shell and text manipulation",
                       "utilities of the GNU operating system. They are installed with a 'g'",
                       "prefix: gls, gcp, gdate, gstat ...",
                       files=("bin/gls", "bin/gcp", "bin/gdate", "bin/gstat")),
    "curl": _info("www/curl", "Client that groks URLs", "https://curl.se/", "mit",
                  "curl is a client to get documents/files from servers, using any of the",
                  "supported protocols (HTTP, HTTPS, FTP, ...).", files=("bin/curl", "lib/libcurl.so.4")),
    "cyrus-sasl": _info("security/cyrus-sasl", "Simple Authentication and Security Layer",
                        "https://www.cyrusimap.org/sasl/", "original-bsd",
                        "SASL is a method for adding authentication support to",
                        "connection-based protocols.", files=("lib/libsasl2.so.3",)),
    "gettext-lib": _info("devel/gettext-lib", "Internationalized Message Handling Library (libintl)",
                         "https://www.gnu.org/software/gettext/", "gnu-lgpl-v2",
                         "This package provides the libintl library from GNU gettext.",
                         files=("lib/libintl.so.8",)),
    "gmp": _info("devel/gmp", "Library for arbitrary precision arithmetic", "https://gmplib.org/",
                 "gnu-lgpl-v3", "GNU MP is a library for arbitrary precision arithmetic.",
                 files=("lib/libgmp.so.10",)),
    "gsed": _info("textproc/gsed", "GNU implementation of sed, the POSIX stream editor",
                  "https://www.gnu.org/software/sed/sed.html", "gnu-gpl-v3",
                  "Sed is a stream editor, i.e. it can be used to perform text transformations",
                  "on an input stream (a file or input from a pipeline).", files=("bin/gsed",)),
    "libarchive": _info("archivers/libarchive", "Library to read/create different archive formats",
                        "https://www.libarchive.org/", "modified-bsd",
                        "Libarchive is a programming library that can create and read several",
                        "different streaming archive formats.", files=("lib/libarchive.so.13",)),
    "libidn": _info("devel/libidn", "Internationalized Domain Names command line tool",
                    "https://www.gnu.org/software/libidn/", "gnu-lgpl-v2.1",
                    "GNU Libidn is an implementation of the Stringprep, Punycode and IDNA",
                    "specifications.", files=("lib/libidn.so.11",)),
    "libidn2": _info("devel/libidn2", "Free software implementation of IDNA2008",
                     "https://www.gnu.org/software/libidn/#libidn2", "gnu-lgpl-v3 OR gnu-gpl-v2",
                     "Libidn2 is an implementation of the IDNA2008 specifications.",
                     files=("lib/libidn2.so.0",)),
    "libpsl": _info("www/libpsl", "C library for the Public Suffix List",
                    "https://github.com/rockdaboot/libpsl", "mit",
                    "libpsl is a C library to handle the Public Suffix List.", files=("lib/libpsl.so.5",)),
    "libssh2": _info("security/libssh2", "Library implementing the SSH2 protocol",
                     "https://www.libssh2.org/", "modified-bsd",
                     "libssh2 is a library implementing the SSH2 protocol.", files=("lib/libssh2.so.1",)),
    "libunistring": _info("textproc/libunistring", "Unicode string library",
                          "https://www.gnu.org/software/libunistring/", "gnu-lgpl-v3",
                          "This library provides functions for manipulating Unicode strings.",
                          files=("lib/libunistring.so.2",)),
    "lz4": _info("archivers/lz4", "Extremely Fast Compression algorithm", "https://lz4.github.io/lz4/",
                 "2-clause-bsd", "LZ4 is a very fast lossless compression algorithm.",
                 files=("lib/liblz4.so.1",)),
    "mit-krb5": _info("security/mit-krb5", "MIT Kerberos 5 authentication system",
                      "https://web.mit.edu/kerberos/", "mit",
                      "Kerberos V5 is an authentication system developed at MIT.",
                      files=("lib/libkrb5.so.3", "lib/libgssapi_krb5.so.2")),
    "mozilla-rootcerts": _info("security/mozilla-rootcerts", "Root CA certificates from the Mozilla Project",
                               "https://www.mozilla.org/", "mpl-2.0",
                               "This package contains the root CA certificates from the Mozilla",
                               "Project, for use by SSL/TLS clients.",
                               files=("share/mozilla-rootcerts/cacert.pem",)),
    "nghttp2": _info("www/nghttp2", "Implementation of HTTP/2 in C", "https://nghttp2.org/", "mit",
                     "nghttp2 is an implementation of HTTP/2 and its header compression",
                     "algorithm HPACK in C.", files=("lib/libnghttp2.so.14",)),
    "openldap-client": _info("databases/openldap-client", "Lightweight Directory Access Protocol client",
                             "https://www.openldap.org/", "openldap",
                             "OpenLDAP client libraries and tools.", files=("lib/libldap.so.2",)),
    "openssl": _info("security/openssl", "Secure Socket Layer and cryptographic library",
                     "https://www.openssl.org/", "openssl OR apache-2.0",
                     "The OpenSSL Project is a collaborative effort to develop a robust,",
                     "commercial-grade toolkit implementing TLS and a general purpose",
                     "cryptography library.", files=("bin/openssl", "lib/libssl.so", "lib/libcrypto.so")),
    "patch": _info("devel/patch", "Patch files using diff output", "https://savannah.gnu.org/projects/patch/",
                   "gnu-gpl-v3", "Patch takes a patch file containing a difference listing produced by",
                   "the diff program and applies those differences to original files.",
                   files=("bin/gpatch",)),
    "pkg_alternatives": _info("pkgtools/pkg_alternatives", "Generic wrappers for programs with similar interfaces",
                              "https://www.NetBSD.org/", "modified-bsd",
                              "pkg_alternatives manages wrappers for programs with similar interfaces.",
                              files=("sbin/pkg_alternatives",)),
    "pkg_install": _info("pkgtools/pkg_install", "Package management and administration tools for pkgsrc",
                         "https://www.pkgsrc.org/", "modified-bsd",
                         "This is the collection of utilities to manage binary packages:",
                         "pkg_add, pkg_admin, pkg_create, pkg_delete and pkg_info.",
                         files=("sbin/pkg_add", "sbin/pkg_admin", "sbin/pkg_info", "sbin/pkg_delete")),
    "pkgin": _info("pkgtools/pkgin", "Apt / yum like tool for managing pkgsrc binary packages",
                   "https://pkgin.net/", "modified-bsd",
                   "pkgin aims to be an apt / yum like tool for managing pkgsrc binary packages.",
                   files=("bin/pkgin", "etc/pkgin/repositories.conf.example")),
    "pkgsrc-gnupg-keys": _info("security/pkgsrc-gnupg-keys", "Public GnuPG keys used to sign pkgsrc packages",
                               "https://pkgsrc.smartos.org/", "public-domain",
                               "The public GnuPG keys used to sign SmartOS pkgsrc packages.",
                               files=("share/gnupg/pkgsrc.gpg",)),
    "smtools": _info("sysutils/smtools", "SmartOS tools for zone administration",
                     "https://github.com/joyent/smtools", "mit",
                     "Tools to manage SmartOS zones: sm-summary, sm-prepare-image, ...",
                     files=("bin/sm-summary", "bin/sm-prepare-image")),
    "sqlite3": _info("databases/sqlite3", "SQL Database Engine in a C Library", "https://www.sqlite.org/",
                     "public-domain", "SQLite is a C library that implements an embeddable SQL database engine.",
                     files=("bin/sqlite3", "lib/libsqlite3.so.0")),
    "sudo": _info("security/sudo", "Allow others to run commands as root", "https://www.sudo.ws/",
                  "isc", "Sudo is a program designed to allow a sysadmin to give limited root",
                  "privileges to users and log root activity.", files=("bin/sudo", "sbin/visudo")),
    "xz": _info("archivers/xz", "General-purpose data compression software", "https://tukaani.org/xz/",
                "public-domain AND gnu-lgpl-v2.1", "XZ Utils is free general-purpose data compression software.",
                files=("bin/xz", "lib/liblzma.so.5")),
    "zlib": _info("devel/zlib", "General purpose data compression library", "https://zlib.net/",
                  "zlib", "zlib is a general purpose data compression library.", files=("lib/libz.so.1",)),
    "zoneinit": _info("sysutils/zoneinit", "SmartOS zone initialisation scripts",
                      "https://github.com/joyent/zoneinit", "mit",
                      "First-boot initialisation of SmartOS zones.", files=("lib/zoneinit/zoneinit",)),
    "zstd": _info("archivers/zstd", "Fast real-time compression algorithm", "https://facebook.github.io/zstd/",
                  "modified-bsd OR gnu-gpl-v2", "Zstandard is a real-time compression algorithm.",
                  files=("lib/libzstd.so.1",)),
}


def _v(pkgname, *depends, size):
    return Version(pkgname, tuple(depends), int(size))


def _branch(name, arch, machine_arch, build_date, versions, installed, **kwargs):
    return Branch(name, arch, machine_arch, build_date, tuple(versions), tuple(installed), **kwargs)


# --- 2015Q4 multiarch: minimal-multiarch-lts 15.4.1 --------------------------------------------
_2015Q4 = _branch("2015Q4", "multiarch", "i386", "2016-01-06 10:21:34 +0000", [
    _v("bzip2-1.0.6nb1", size=0.3 * MB),
    _v("changepass-1.3.3", size=0.02 * MB),
    _v("coreutils-8.23nb2", "gettext-lib>=0.18", "gmp>=5.0.1", size=17.9 * MB),
    _v("coreutils-8.24", "gettext-lib>=0.18", "gmp>=5.0.1", size=18.2 * MB),
    _v("curl-7.51.0", "libidn>=1.26", "libssh2>=1.2.2", "mit-krb5>=1.10", "nghttp2>=1.0.0",
       "openldap-client>=2.4.44", "openssl>=1.0.2j", "zlib>=1.2.3", size=3.6 * MB),
    _v("curl-7.52.1", "libidn>=1.26", "libssh2>=1.2.2", "mit-krb5>=1.10", "nghttp2>=1.0.0",
       "openldap-client>=2.4.44", "openssl>=1.0.2j", "zlib>=1.2.3", size=3.6 * MB),
    _v("cyrus-sasl-2.1.26nb5", "mit-krb5>=1.10", "openssl>=1.0.1", size=9.8 * MB),
    _v("gettext-lib-0.19.6", size=0.6 * MB),
    _v("gmp-6.1.0", size=2.1 * MB),
    _v("gsed-4.2.2nb4", "gettext-lib>=0.18", size=0.36 * MB),
    _v("libarchive-3.1.2nb2", "bzip2>=1.0.1", "xz>=4.999.9betanb1", "zlib>=1.2.3", size=2.0 * MB),
    _v("libidn-1.32", "gettext-lib>=0.18", size=6.4 * MB),
    _v("libssh2-1.6.0", "openssl>=1.0.1", "zlib>=1.2.3", size=1.1 * MB),
    _v("mit-krb5-1.14", "gettext-lib>=0.18", "openssl>=1.0.1", size=44.6 * MB),
    _v("mozilla-rootcerts-1.0.20150804nb1", size=0.9 * MB),
    _v("mozilla-rootcerts-1.0.20160610", size=0.9 * MB),
    _v("nghttp2-1.6.0", "openssl>=1.0.1", "zlib>=1.2.3", size=2.2 * MB),
    _v("openldap-client-2.4.44", "cyrus-sasl>=2.1.15", "openssl>=1.0.1", size=45.5 * MB),
    _v("openssl-1.0.2e", size=8.9 * MB),
    _v("openssl-1.0.2k", size=8.9 * MB),
    _v("patch-2.7.5", size=0.25 * MB),
    _v("pkg_alternatives-1.6", size=0.05 * MB),
    _v("pkg_install-20151122", size=3.4 * MB),
    _v("pkgin-0.9.4", "libarchive>=3.1.2", "openssl>=1.0.1", "pkg_install>=20130901",
       "sqlite3>=3.8.0", size=0.4 * MB),
    _v("pkgsrc-gnupg-keys-20150629", size=0.02 * MB),
    _v("smtools-20150917", size=0.1 * MB),
    _v("sqlite3-3.9.2", size=3.9 * MB),
    _v("sudo-1.8.15", size=1.65 * MB),
    _v("sudo-1.8.19p2", size=1.7 * MB),
    _v("xz-5.2.2", size=1.0 * MB),
    _v("zlib-1.2.8", size=0.25 * MB),
    _v("zoneinit-1.6.11", size=0.05 * MB),
], [
    "bzip2-1.0.6nb1", "changepass-1.3.3", "libarchive-3.1.2nb2", "mozilla-rootcerts-1.0.20150804nb1",
    "openssl-1.0.2e", "pkg_alternatives-1.6", "pkg_install-20151122", "pkgin-0.9.4",
    "pkgsrc-gnupg-keys-20150629", "smtools-20150917", "sqlite3-3.9.2", "xz-5.2.2", "zlib-1.2.8",
    "zoneinit-1.6.11",
], pkgin_style="legacy")


def _modern_branch(name, build_date, *, openssl, openssl_new, curl, curl_deps, coreutils, gsed, patch,
                   sudo, sudo_new, pkgin, pkg_install, sqlite3, sqlite3_new, rootcerts, rootcerts_new,
                   libarchive, extra_installed=(), extra_versions=()):
    """A later x86_64 LTS branch: the same shape with that branch's versions."""
    # What was built against openssl (pkgin included) needs at least the openssl the origin ships.
    ossl_pat = "openssl>=" + openssl.rsplit("-", 1)[1].split("nb")[0]
    versions = [
        _v("bzip2-1.0.8", size=0.3 * MB),
        _v("changepass-1.3.3", size=0.02 * MB),
        _v(coreutils, "gettext-lib>=0.18", "gmp>=5.0.1", size=18.6 * MB),
        _v(curl, *curl_deps, ossl_pat, "zlib>=1.2.3", size=4.1 * MB),
        _v("cyrus-sasl-2.1.27nb1", "mit-krb5>=1.10", ossl_pat, size=9.6 * MB),
        _v("gettext-lib-0.21", size=0.7 * MB),
        _v("gmp-6.2.1", size=2.3 * MB),
        _v(gsed, "gettext-lib>=0.18", size=0.37 * MB),
        _v(libarchive, "bzip2>=1.0.1", "lz4>=1.7.5", "xz>=4.999.9betanb1", "zlib>=1.2.3", size=2.3 * MB),
        _v("libidn2-2.3.0", "gettext-lib>=0.18", "libunistring>=0.9.10", size=1.3 * MB),
        _v("libunistring-0.9.10", size=4.6 * MB),
        _v("lz4-1.9.2", size=0.4 * MB),
        _v("mit-krb5-1.18.2nb1", "gettext-lib>=0.18", ossl_pat, size=42.1 * MB),
        _v(rootcerts, size=1.0 * MB),
        _v(rootcerts_new, size=1.0 * MB),
        _v("nghttp2-1.42.0", ossl_pat, "zlib>=1.2.3", size=2.4 * MB),
        _v("openldap-client-2.4.57", "cyrus-sasl>=2.1.15", ossl_pat, size=44.2 * MB),
        _v(openssl, size=9.8 * MB),
        _v(openssl_new, size=9.9 * MB),
        _v(patch, size=0.26 * MB),
        _v("pkg_alternatives-1.7", size=0.05 * MB),
        _v(pkg_install, size=3.6 * MB),
        _v(pkgin, "libarchive>=3.3.1", ossl_pat, "pkg_install>=20130901", "sqlite3>=3.20.0",
           size=0.5 * MB),
        _v("pkgsrc-gnupg-keys-20190305", size=0.02 * MB),
        _v("smtools-20190813", size=0.1 * MB),
        _v(sqlite3, size=4.4 * MB),
        _v(sqlite3_new, size=4.5 * MB),
        _v(sudo, size=4.9 * MB),
        _v(sudo_new, size=5.0 * MB),
        _v("xz-5.2.5", size=1.1 * MB),
        _v("zlib-1.2.11", size=0.26 * MB),
        _v("zoneinit-1.7.0", size=0.05 * MB),
        *extra_versions,
    ]
    installed = [
        "bzip2-1.0.8", "changepass-1.3.3", libarchive, "lz4-1.9.2", rootcerts, openssl,
        "pkg_alternatives-1.7", pkg_install, pkgin, "pkgsrc-gnupg-keys-20190305", "smtools-20190813",
        sqlite3, "xz-5.2.5", "zlib-1.2.11", "zoneinit-1.7.0", *extra_installed,
    ]
    return _branch(name, "x86_64", "x86_64", build_date, versions, installed)


_CURL_DEPS = ("libidn2>=2.0.0", "mit-krb5>=1.10", "mozilla-rootcerts>=1.0.20150804",
              "nghttp2>=1.0.0", "openldap-client>=2.4.44")

BRANCHES = {
    ("2015Q4", "multiarch"): _2015Q4,
    ("2018Q4", "x86_64"): _modern_branch(
        "2018Q4", "2019-01-10 09:12:44 +0000", openssl="openssl-1.0.2p", openssl_new="openssl-1.0.2r",
        curl="curl-7.64.0", curl_deps=_CURL_DEPS, coreutils="coreutils-8.29nb1", gsed="gsed-4.5",
        patch="patch-2.7.6", sudo="sudo-1.8.26", sudo_new="sudo-1.8.28", pkgin="pkgin-0.11.6",
        pkg_install="pkg_install-20180325", sqlite3="sqlite3-3.25.3", sqlite3_new="sqlite3-3.26.0",
        rootcerts="mozilla-rootcerts-1.0.20180117", rootcerts_new="mozilla-rootcerts-1.0.20190301",
        libarchive="libarchive-3.3.3"),
    ("2019Q4", "x86_64"): _modern_branch(
        "2019Q4", "2020-01-08 14:03:10 +0000", openssl="openssl-1.1.1d", openssl_new="openssl-1.1.1g",
        curl="curl-7.67.0", curl_deps=_CURL_DEPS, coreutils="coreutils-8.31", gsed="gsed-4.7",
        patch="patch-2.7.6nb1", sudo="sudo-1.8.29", sudo_new="sudo-1.8.31p1", pkgin="pkgin-0.15.0",
        pkg_install="pkg_install-20190405", sqlite3="sqlite3-3.30.1", sqlite3_new="sqlite3-3.31.1",
        rootcerts="mozilla-rootcerts-1.0.20191220", rootcerts_new="mozilla-rootcerts-1.0.20200529",
        libarchive="libarchive-3.4.0"),
    ("2021Q4", "x86_64"): _modern_branch(
        "2021Q4", "2022-01-20 11:45:02 +0000", openssl="openssl-1.1.1l", openssl_new="openssl-1.1.1w",
        curl="curl-7.80.0", curl_deps=_CURL_DEPS, coreutils="coreutils-9.0", gsed="gsed-4.8nb1",
        patch="patch-2.7.6nb1", sudo="sudo-1.9.8p2", sudo_new="sudo-1.9.13p3", pkgin="pkgin-21.12.0",
        pkg_install="pkg_install-20211115", sqlite3="sqlite3-3.37.0", sqlite3_new="sqlite3-3.38.5",
        rootcerts="mozilla-rootcerts-1.0.20211013", rootcerts_new="mozilla-rootcerts-1.0.20230505",
        libarchive="libarchive-3.5.2", extra_installed=("zstd-1.5.0",),
        extra_versions=(_v("zstd-1.5.0", size=1.4 * MB),)),
    ("2023Q4", "x86_64"): _modern_branch(
        "2023Q4", "2024-01-09 16:30:21 +0000", openssl="openssl-3.1.4", openssl_new="openssl-3.1.7",
        curl="curl-8.5.0", curl_deps=_CURL_DEPS, coreutils="coreutils-9.4", gsed="gsed-4.9",
        patch="patch-2.7.6nb2", sudo="sudo-1.9.15p2", sudo_new="sudo-1.9.15p5", pkgin="pkgin-23.8.1",
        pkg_install="pkg_install-20230417", sqlite3="sqlite3-3.44.2", sqlite3_new="sqlite3-3.45.3",
        rootcerts="mozilla-rootcerts-1.0.20230505", rootcerts_new="mozilla-rootcerts-1.0.20240311",
        libarchive="libarchive-3.7.2", extra_installed=("zstd-1.5.5",),
        extra_versions=(_v("zstd-1.5.5", size=1.5 * MB),)),
    ("2024Q4", "x86_64"): _modern_branch(
        "2024Q4", "2025-01-14 08:55:47 +0000", openssl="openssl-3.3.2", openssl_new="openssl-3.3.3",
        curl="curl-8.11.0", curl_deps=_CURL_DEPS + ("libpsl>=0.21.0",), coreutils="coreutils-9.5",
        gsed="gsed-4.9nb1", patch="patch-2.7.6nb2", sudo="sudo-1.9.16p1", sudo_new="sudo-1.9.16p2",
        pkgin="pkgin-24.5.1", pkg_install="pkg_install-20240307", sqlite3="sqlite3-3.47.0",
        sqlite3_new="sqlite3-3.47.2", rootcerts="mozilla-rootcerts-1.0.20241001",
        rootcerts_new="mozilla-rootcerts-1.0.20241118", libarchive="libarchive-3.7.7",
        extra_installed=("zstd-1.5.6",),
        extra_versions=(_v("zstd-1.5.6", size=1.5 * MB), _v("libpsl-0.21.5", "libidn2>=2.0.0",
                                                            "libunistring>=0.9.10", size=0.3 * MB))),
}


def branch(name, arch):
    try:
        return BRANCHES[(name, arch)]
    except KeyError:
        raise KeyError(f"no simulated pkgsrc branch {name}/{arch}; known: "
                       + ", ".join(f"{b}/{a}" for b, a in BRANCHES)) from None


def package_info(pkgbase):
    """Facts for a package base name; unknown names (added by tests) get generic ones."""
    info = PACKAGES.get(pkgbase)
    if info is None:
        info = PackageInfo(f"misc/{pkgbase}", f"The {pkgbase} package (simulated)",
                           f"https://example.org/{pkgbase}/", "modified-bsd",
                           (f"{pkgbase}: a package added to a simulated repository.",),
                           (f"bin/{pkgbase}",))
    return info
