"""A zone's pkg_install database (/opt/local/pkg): installing, listing and removing packages.

Each installed package has a directory `<PKG_DBDIR>/<PKGNAME>/` holding the metadata files of
its tarball (+CONTENTS, +COMMENT, +DESC, +BUILD_INFO, +SIZE_PKG), +REQUIRED_BY (packages that
depend on it) and +INSTALLED_INFO (`automatic=yes` for packages pulled in as dependencies), as
pkg_add leaves them.
"""
import io
import shutil
import tarfile
from pathlib import Path

from . import pkgmatch
from .pkgrepo import LOCALBASE, PKG_DBDIR

META_FILES = ("+CONTENTS", "+COMMENT", "+DESC", "+BUILD_INFO", "+SIZE_PKG")
BUILD_INFO_KEYS = ("BUILD_DATE", "CATEGORIES", "HOMEPAGE", "LICENSE", "MACHINE_ARCH", "OPSYS",
                   "OS_VERSION", "PKGPATH", "PKGTOOLS_VERSION")


class PkgDb:
    def __init__(self, zone_root):
        self.root = Path(zone_root)
        self.dir = self.root / PKG_DBDIR.lstrip("/")

    def installed(self):
        """PKGNAMEs of the installed packages, sorted."""
        if not self.dir.is_dir():
            return []
        return sorted(p.name for p in self.dir.iterdir() if (p / "+CONTENTS").is_file())

    def _read(self, pkgname, name):
        path = self.dir / pkgname / name
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def info(self, pkgname):
        """A pkg_summary-like record of an installed package."""
        contents = self._read(pkgname, "+CONTENTS").splitlines()
        record = {"PKGNAME": pkgname,
                  "DEPENDS": [l.split(None, 1)[1] for l in contents if l.startswith("@pkgdep ")],
                  "COMMENT": self._read(pkgname, "+COMMENT").strip(),
                  "SIZE_PKG": self._read(pkgname, "+SIZE_PKG").strip(),
                  "DESCRIPTION": self._read(pkgname, "+DESC").rstrip("\n").split("\n")}
        for line in self._read(pkgname, "+BUILD_INFO").splitlines():
            key, eq, value = line.partition("=")
            if eq and key in BUILD_INFO_KEYS:
                record[key] = value
        record["automatic"] = "automatic=yes" in self._read(pkgname, "+INSTALLED_INFO")
        return record

    def files(self, pkgname):
        cwd = LOCALBASE
        paths = []
        for line in self._read(pkgname, "+CONTENTS").splitlines():
            if line.startswith("@cwd "):
                cwd = line.split(None, 1)[1]
            elif line.startswith("@ignore"):
                break
            elif line and not line.startswith("@"):
                paths.append(f"{cwd}/{line}")
        return paths

    def required_by(self, pkgname):
        return [l for l in self._read(pkgname, "+REQUIRED_BY").splitlines() if l]

    def _set_required_by(self, pkgname, names):
        path = self.dir / pkgname / "+REQUIRED_BY"
        if names:
            path.write_text("".join(f"{n}\n" for n in sorted(set(names))), encoding="utf-8")
        elif path.exists():
            path.unlink()

    def match(self, pattern):
        """Installed PKGNAMEs matching a pattern."""
        return [name for name in self.installed() if pkgmatch.pkg_match(pattern, name)]

    def install(self, tarball_bytes, automatic=False):
        """Extract a package tarball into the zone and register it -> PKGNAME."""
        with tarfile.open(fileobj=io.BytesIO(tarball_bytes), mode="r:gz") as tar:
            members = tar.getmembers()
            meta = {m.name: tar.extractfile(m).read() for m in members if m.name.startswith("+")}
            contents = meta["+CONTENTS"].decode()
            pkgname = next(l.split(None, 1)[1] for l in contents.splitlines()
                           if l.startswith("@name "))
            cwd = next((l.split(None, 1)[1] for l in contents.splitlines()
                        if l.startswith("@cwd ")), LOCALBASE)
            for member in members:
                if member.name.startswith("+") or not member.isfile():
                    continue
                target = self.root / cwd.lstrip("/") / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(tar.extractfile(member).read())
                target.chmod(member.mode & 0o7777)
        pkgdir = self.dir / pkgname
        pkgdir.mkdir(parents=True, exist_ok=True)
        for name, data in meta.items():
            (pkgdir / name).write_bytes(data)
        if automatic:
            (pkgdir / "+INSTALLED_INFO").write_text("automatic=yes\n", encoding="utf-8")
        for dep in self.info(pkgname)["DEPENDS"]:
            provider = pkgmatch.best_match(dep, self.installed())
            if provider:
                self._set_required_by(provider, self.required_by(provider) + [pkgname])
        return pkgname

    def delete(self, pkgname):
        """Remove a package's files and its pkgdb entry (pkg_delete), keeping +REQUIRED_BY of
        its dependencies up to date. Returns the packages that required it."""
        dependents = self.required_by(pkgname)
        for path in self.files(pkgname):
            target = self.root / path.lstrip("/")
            if target.is_file() or target.is_symlink():
                target.unlink()
        for provider in self.installed():
            if pkgname in self.required_by(provider):
                self._set_required_by(provider, [n for n in self.required_by(provider)
                                                 if n != pkgname])
        shutil.rmtree(self.dir / pkgname)
        return dependents

    def replace(self, old, tarball_bytes):
        """Upgrade `old` in place (pkg_add -U): keep who requires it and its automatic flag."""
        dependents = self.required_by(old)
        automatic = self.info(old)["automatic"]
        self.delete(old)
        new = self.install(tarball_bytes, automatic=automatic)
        self._set_required_by(new, self.required_by(new) + dependents)
        return new

    def set_automatic(self, pkgname, automatic):
        path = self.dir / pkgname / "+INSTALLED_INFO"
        if automatic:
            path.write_text("automatic=yes\n", encoding="utf-8")
        elif path.exists():
            path.unlink()


def summary_record(info):
    """pkg_info -X style record (as pkg_summary(5)) of an installed package."""
    from .pkgrepo import format_record
    order = ("PKGNAME", "DEPENDS", "COMMENT", "SIZE_PKG") + BUILD_INFO_KEYS + ("DESCRIPTION",)
    return format_record(info, order)
