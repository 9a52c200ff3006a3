"""Generated pkgsrc binary repositories: package tarballs and pkg_summary, as pkgsrc publishes them.

A repository lives at `<root>/pkgsrc/<BRANCH>/<ARCH>/All/` and holds one `<PKGNAME>.tgz` per
package plus `pkg_summary.gz` and `pkg_summary` (plain). The catalogue of each repository is
kept in `repo.json` beside them so that tests can add or remove packages and regenerate the
summary (`add_package`, `remove_package`).

Package tarballs follow pkg_create's layout: `+CONTENTS` (the packing list with @name, @pkgdep,
@cwd and file entries), `+COMMENT`, `+DESC`, `+BUILD_INFO`, `+SIZE_PKG`, then the files
relative to /opt/local. The files are small stand-ins; SIZE_PKG carries the real-world size.
"""
import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path

from . import catalog
from .state import atomic_write_bytes, atomic_write_json

REAL_PKGSRC_PREFIX = "https://pkgsrc.smartos.org/packages/SmartOS/"
LOCALBASE = "/opt/local"
PKG_DBDIR = "/opt/local/pkg"
TAR_MTIME = 1_450_000_000


def repo_dir(root, branch, arch):
    """Directory of a repository (its `All/`) under a simulator state root."""
    return Path(root) / "pkgsrc" / branch / arch / "All"


def repo_url(branch, arch):
    """The real URL of a branch's repository, as repositories.conf names it."""
    return f"{REAL_PKGSRC_PREFIX}{branch}/{arch}/All"


# -- building blocks --------------------------------------------------------------------------
def build_info_lines(record):
    """+BUILD_INFO of a package (the variables pkg_info -X reports)."""
    keys = ("BUILD_DATE", "CATEGORIES", "HOMEPAGE", "LICENSE", "MACHINE_ARCH", "OPSYS",
            "OS_VERSION", "PKGPATH", "PKGTOOLS_VERSION")
    return [f"{key}={record[key]}" for key in keys if record.get(key)]


def _file_body(pkgname, path):
    if path.startswith(("bin/", "sbin/")):
        return (f"#!/bin/sh\n# {path} from {pkgname}: a smartos-sim stand-in for the real "
                f"binary.\necho '{pkgname}'\n").encode()
    return f"{pkgname}: {path} (smartos-sim stand-in)\n".encode()


def package_files(record):
    """(relative path, bytes) of the files a package installs under /opt/local."""
    pkgname = record["PKGNAME"]
    base = pkgname.rsplit("-", 1)[0]
    info = catalog.package_info(base)
    files = [(path, _file_body(pkgname, path)) for path in info.files]
    files.append((f"share/doc/{base}/README", (f"{pkgname}\n\n" + "\n".join(info.description)
                                               + "\n").encode()))
    return files


def contents_text(record, files):
    lines = ["@comment $NetBSD$", f"@name {record['PKGNAME']}"]
    lines += [f"@pkgdep {dep}" for dep in record.get("DEPENDS", [])]
    lines.append(f"@cwd {LOCALBASE}")
    for path, body in files:
        lines.append(path)
        lines.append(f"@comment MD5:{hashlib.md5(body).hexdigest()}")
    lines += ["@ignore", "+BUILD_INFO", "+COMMENT", "+DESC", "+SIZE_PKG"]
    return "\n".join(lines) + "\n"


def _add_member(tar, name, data, mode=0o644):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = mode
    info.mtime = TAR_MTIME
    info.uname = info.gname = "root"
    tar.addfile(info, io.BytesIO(data))


def build_package_tarball(record):
    """The .tgz of a package described by a summary record (dict, DEPENDS/DESCRIPTION lists)."""
    files = package_files(record)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=TAR_MTIME) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.USTAR_FORMAT) as tar:
            _add_member(tar, "+CONTENTS", contents_text(record, files).encode())
            _add_member(tar, "+COMMENT", (record["COMMENT"] + "\n").encode())
            _add_member(tar, "+DESC", ("\n".join(record["DESCRIPTION"]) + "\n").encode())
            _add_member(tar, "+BUILD_INFO", ("\n".join(build_info_lines(record)) + "\n").encode())
            _add_member(tar, "+SIZE_PKG", f"{record['SIZE_PKG']}\n".encode())
            for path, body in files:
                _add_member(tar, path, body, 0o755 if path.startswith(("bin/", "sbin/")) else 0o644)
    return buffer.getvalue()


def make_record(branch, version, *, machine_arch=None, build_date=None):
    """The pkg_summary record (minus FILE_*) for a catalogue Version of a branch."""
    info = catalog.package_info(version.pkgbase)
    return {
        "PKGNAME": version.pkgname,
        "DEPENDS": list(version.depends),
        "COMMENT": info.comment,
        "SIZE_PKG": int(version.size_pkg),
        "BUILD_DATE": version.build_date or build_date or branch.build_date,
        "CATEGORIES": info.pkgpath.split("/")[0],
        "HOMEPAGE": info.homepage,
        "LICENSE": info.license,
        "MACHINE_ARCH": machine_arch or branch.machine_arch,
        "OPSYS": catalog.OPSYS,
        "OS_VERSION": catalog.OS_VERSION,
        "PKGPATH": info.pkgpath,
        "PKGTOOLS_VERSION": catalog.PKGTOOLS_VERSION,
        "DESCRIPTION": list(info.description),
    }


SUMMARY_ORDER = ("PKGNAME", "DEPENDS", "COMMENT", "SIZE_PKG", "BUILD_DATE", "CATEGORIES",
                 "HOMEPAGE", "LICENSE", "MACHINE_ARCH", "OPSYS", "OS_VERSION", "PKGPATH",
                 "PKGTOOLS_VERSION", "FILE_NAME", "FILE_SIZE", "FILE_CKSUM", "DESCRIPTION")


def format_record(record, order=SUMMARY_ORDER):
    """One pkg_summary(5) record: VAR=VALUE lines, multi-valued fields repeated, then a blank."""
    lines = []
    for key in order:
        value = record.get(key)
        if value is None or value == "":
            continue
        for item in value if isinstance(value, list) else [value]:
            lines.append(f"{key}={item}")
    return "\n".join(lines) + "\n\n"


# -- repositories -----------------------------------------------------------------------------
def _catalog_path(directory):
    return Path(directory) / "repo.json"


def _load(directory):
    path = _catalog_path(directory)
    if path.exists():
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    return None


def write_repository(directory, records, meta):
    """Write tarballs for `records` (missing ones only), then pkg_summary{,.gz} and repo.json."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    summary = []
    for record in sorted(records, key=lambda r: r["PKGNAME"]):
        record = dict(record)
        name = f"{record['PKGNAME']}.tgz"
        tarball = directory / name
        data = build_package_tarball(record)
        if not tarball.exists() or tarball.read_bytes() != data:
            atomic_write_bytes(tarball, data)
        record["FILE_NAME"] = name
        record["FILE_SIZE"] = len(data)
        record["FILE_CKSUM"] = "sha256 " + hashlib.sha256(data).hexdigest()
        summary.append(record)
    text = "".join(format_record(r) for r in summary).encode()
    atomic_write_bytes(directory / "pkg_summary", text)
    atomic_write_bytes(directory / "pkg_summary.gz", gzip.compress(text, mtime=TAR_MTIME))
    wanted = {r["FILE_NAME"] for r in summary}
    for stale in directory.glob("*.tgz"):
        if stale.name not in wanted:
            stale.unlink()
    atomic_write_json(_catalog_path(directory), {"meta": meta, "records": summary})
    return summary


def generate_repository(root, branch_name, arch):
    """Create (or refresh) the repository of a catalogue branch under `root` -> its directory."""
    branch = catalog.branch(branch_name, arch)
    directory = repo_dir(root, branch_name, arch)
    records = [make_record(branch, version) for version in branch.versions]
    write_repository(directory, records, {"branch": branch_name, "arch": arch,
                                          "machine_arch": branch.machine_arch,
                                          "build_date": branch.build_date})
    return directory


def _existing(root, branch, arch):
    """(directory, {"meta", "records"}) of a repository, or FileNotFoundError."""
    directory = repo_dir(root, branch, arch)
    data = _load(directory)
    if data is None:
        raise FileNotFoundError(f"no simulated repository {branch}/{arch} under {root}")
    return directory, data


def repository_records(root, branch, arch):
    """The summary records of a repository, as repo.json keeps them."""
    return _existing(root, branch, arch)[1]["records"]


def repository_meta(root, branch, arch):
    """What repo.json says of a repository: branch, arch, machine_arch, build_date."""
    return _existing(root, branch, arch)[1]["meta"]


def add_package(root, branch, arch, pkgname, depends=(), size_pkg=100_000, *, comment=None,
                build_date=None, replace=True):
    """Add (or replace) a package in a repository and regenerate its pkg_summary.

    For tests: a security-fixed version (`add_package(root, "2024Q4", "x86_64",
    "sudo-1.9.16p3")`), a new dependency, a package the flavour asks for, ...
    """
    directory, data = _existing(root, branch, arch)
    meta = data["meta"]
    version = catalog.Version(pkgname, tuple(depends), int(size_pkg), build_date or "")
    record = make_record(catalog.Branch(branch, arch, meta["machine_arch"], meta["build_date"],
                                        (), ()), version)
    if comment:
        record["COMMENT"] = comment
    records = [r for r in data["records"] if not (replace and r["PKGNAME"] == pkgname)]
    records.append(record)
    return write_repository(directory, records, meta)


def remove_package(root, branch, arch, pkgname):
    """Remove a package (exact PKGNAME) from a repository and regenerate its pkg_summary."""
    directory, data = _existing(root, branch, arch)
    records = [r for r in data["records"] if r["PKGNAME"] != pkgname]
    if len(records) == len(data["records"]):
        raise KeyError(f"{pkgname} is not in {branch}/{arch}")
    return write_repository(directory, records, data["meta"])
