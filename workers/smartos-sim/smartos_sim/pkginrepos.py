"""pkgin's view of the repositories: the zone's repositories.conf, the mirror map and the
cached pkg_summary of each repository (under /var/db/pkgin).

The simulator maps the real https://pkgsrc.smartos.org/packages/SmartOS/ prefix to its
generated mirror (sim.json "pkgsrc_mirrors"), as a site mirror would.
"""
import hashlib
from pathlib import Path

from . import pkgmatch
from .pkgcommon import PkginFailure, write

REPOS_CONF = "/opt/local/etc/pkgin/repositories.conf"
PKGIN_DB = "/var/db/pkgin"
SUMMARY_NAMES = ("pkg_summary.xz", "pkg_summary.bz2", "pkg_summary.gz")


class Remote:
    """The available packages (summary records of every configured repository)."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.cache_dir = ctx.host_path(PKGIN_DB)

    def repositories(self):
        conf = self.ctx.host_path(REPOS_CONF)
        if not conf.is_file():
            raise PkginFailure(f"pkgin: {REPOS_CONF} has no repositories or does not exist.\n"
                               "No PKG_REPOS variable to fallback to.")
        urls = [line.strip() for line in conf.read_text().splitlines()
                if line.strip() and not line.strip().startswith("#")]
        if not urls:
            raise PkginFailure(f"pkgin: {REPOS_CONF} has no repositories or does not exist.")
        return urls

    def _mapped(self, url):
        for mirror in self.ctx.state.config().get("pkgsrc_mirrors", []):
            if url.startswith(mirror["prefix"]):
                to = mirror["to"]
                rest = url[len(mirror["prefix"]):]
                if "://" in to:
                    return to.rstrip("/") + "/" + rest
                return (self.ctx.state.root / to / rest).as_posix()
        return url

    def fetch(self, url):
        """Bytes at a repository URL (through the mirror map), or None if absent."""
        target = self._mapped(url)
        if "://" not in target:
            path = Path(target)
            return path.read_bytes() if path.is_file() else None
        import urllib.request
        try:
            with urllib.request.urlopen(target, timeout=60) as response:
                return response.read()
        except OSError:
            return None

    def _cache_file(self, url):
        return self.cache_dir / f"remote-{hashlib.sha1(url.encode()).hexdigest()[:16]}.summary"

    def refresh(self, out, style, force=False):
        """pkgin update: fetch every repository's summary if it changed -> True if any did."""
        changed = False
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        for url in self.repositories():
            if style == "modern":
                write(out, f"processing remote summary ({url})...\n")
            data = None
            for name in SUMMARY_NAMES:
                data = self.fetch(f"{url}/{name}")
                if data is not None:
                    break
            if data is None:
                raise PkginFailure(f"Could not fetch {url}/pkg_summary.gz")
            cache = self._cache_file(url)
            if not force and cache.is_file() and cache.read_bytes() == data:
                write(out, f"database for {url} is up-to-date\n")
                continue
            cache.write_bytes(data)
            changed = True
            if style == "modern":
                write(out, f"downloading {name} done.\n")
            else:
                write(out, f"processing remote summary ({url})...\n")
        return changed

    def records(self, out, style):
        """{PKGNAME: (record, repository url)}, refreshing stale or missing caches first."""
        urls = self.repositories()
        if any(not self._cache_file(u).is_file() for u in urls) or self._stale(urls):
            self.refresh(out, style)
        available = {}
        for url in urls:
            for record in pkgmatch.parse_pkg_summary(self._cache_file(url).read_bytes()):
                available.setdefault(record.pkgname, (record, url))
        return available

    def _stale(self, urls):
        for url in urls:
            for name in SUMMARY_NAMES:
                data = self.fetch(f"{url}/{name}")
                if data is not None:
                    if data != self._cache_file(url).read_bytes():
                        return True
                    break
        return False

