"""New upstream origin releases, to rehearse what happens when Joyent publishes one.

`release_origin` makes a minimal-*-lts release the simulator did not ship: a point release on a
branch it has (24.4.2 on 2024Q4: the branch's newest bootstrap packages) or the first release
of a new branch (25.4.0 on 2025Q4), whose pkgsrc repository is then derived from the newest
branch of the same arch: every package there in a later version (`next_version`), a package the
old branch updated in two versions again, so that a full upgrade of the new origin still has
work to do. The origin image is built and its manifest written as for the shipped origins
(`origins.write_origin`); releases are remembered in `<root>/released-origins.json`, so that a
name@version or uuid is never released twice and later releases derive from earlier ones.
"""
import re
import shutil
import uuid as uuidlib
from dataclasses import asdict
from datetime import date, datetime, timedelta, timezone
from functools import cmp_to_key

from origin_ci.pkgsrc.dewey import dewey_cmp
from origin_ci.pkgsrc.match import pick_newest

from . import origins, pkgrepo
from .errors import RequestError
from .pkgcommon import pkgbase, pkgversion
from .state import ADMIN_LOCK, State, atomic_write_json, read_json

RELEASES_NAME = "released-origins.json"
# LTS origins come from their year's fourth-quarter pkgsrc branch: YY.4.N (as origin_ci.naming).
LTS_VERSION_RE = re.compile(r"^(?P<yy>\d{2})\.4\.\d+$")
PUBLISHED_AT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$")
PKGREVISION_RE = re.compile(r"nb\d+$")
DATE_SUFFIX_RE = re.compile(r"^(?P<head>.*?)(?P<date>(19|20)\d{6})$")
LAST_NUMBER_RE = re.compile(r"^(?P<head>.*?)(?P<number>\d+)(?P<tail>\D*)$")
# A package's update within a branch comes at least this long after the version it replaces.
UPDATE_INTERVAL = timedelta(days=30)
SERIES_ARCH = {origin.name: origin.arch for origin in origins.ORIGINS}


def released_origins(root):
    """The origins `release_origin` made in this state directory, oldest first."""
    path = State(root).root / RELEASES_NAME
    if not path.exists():
        return ()
    return tuple(origins.Origin(**{**entry, "installed": tuple(entry["installed"])})
                 for entry in read_json(path))


def known_origins(root):
    """The shipped origins and those released since."""
    return origins.ORIGINS + released_origins(root)


def _as_date(text):
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


def next_version(version, year):
    """A plausible later version of a package, for a branch of `year`: without its PKGREVISION
    (nbN); a date version (YYYYMMDD) moved to `year`, or a month on if it is there already;
    otherwise its last number plus one (3.3.3 -> 3.3.4, 1.9.16p2 -> 1.9.16p3)."""
    version = PKGREVISION_RE.sub("", version)
    dated = DATE_SUFFIX_RE.match(version)
    old = dated and _as_date(dated["date"])
    if old:
        same_day = date(year, old.month, min(old.day, 28) if old.month == 2 else old.day)
        return dated["head"] + max(same_day, old + UPDATE_INTERVAL).strftime("%Y%m%d")
    last = LAST_NUMBER_RE.match(version)
    return f"{last['head']}{int(last['number']) + 1}{last['tail']}"


def _derive_repository(root, base_origin, branch, arch):
    """Create the repository of a new branch from `base_origin`'s -> the PKGNAMEs an origin of
    the new branch installs (the first new version of each of `base_origin`'s packages)."""
    year = int(branch[:4])
    build_date = f"{year + 1}-01-12 10:21:05 +0000"
    by_base = {}
    for record in pkgrepo.repository_records(root, base_origin.branch, arch):
        by_base.setdefault(pkgbase(record["PKGNAME"]), {})[record["PKGNAME"]] = record
    records, first_versions = [], {}
    for base, group in by_base.items():
        newest = group[pick_newest(group)]
        version = pkgversion(newest["PKGNAME"])
        for _ in range(min(len(group), 2)):
            version = next_version(version, year)
            records.append({**newest, "PKGNAME": f"{base}-{version}", "BUILD_DATE": build_date})
            first_versions.setdefault(base, f"{base}-{version}")
    meta = {**pkgrepo.repository_meta(root, base_origin.branch, arch), "branch": branch,
            "build_date": build_date}
    pkgrepo.write_repository(pkgrepo.repo_dir(root, branch, arch), records, meta)
    return tuple(first_versions[pkgbase(name)] for name in base_origin.installed)


def _newest_bootstrap(root, branch_origin):
    """What a point release on `branch_origin`'s branch installs: the newest version there of
    each of its packages."""
    names = [record["PKGNAME"] for record in
             pkgrepo.repository_records(root, branch_origin.branch, branch_origin.arch)]
    return tuple(pick_newest(n for n in names if pkgbase(n) == pkgbase(name))
                 for name in branch_origin.installed)


def _newest(candidates):
    """The origin with the highest version among `candidates` (None if there is none)."""
    return max(candidates, key=cmp_to_key(lambda a, b: dewey_cmp(a.version, b.version)), default=None)


def _checked_request(name, version, uuid, published_at):
    """(branch, arch) of a release request, or RequestError."""
    if name not in SERIES_ARCH:
        raise RequestError(f"{name!r} is not an origin series the simulator has "
                           f"(known: {', '.join(sorted(SERIES_ARCH))})")
    lts = LTS_VERSION_RE.match(version)
    if not lts:
        raise RequestError(f"{version!r} is not an LTS origin version (YY.4.N, e.g. 25.4.0): "
                           "only LTS releases become triton-origin flavours")
    if not _is_lowercase_uuid(uuid):
        raise RequestError(f"{uuid!r} is not a lowercase UUID")
    if not PUBLISHED_AT_RE.match(published_at):
        raise RequestError(f"published_at {published_at!r}: expected YYYY-MM-DDTHH:MM:SS[.mmm]Z")
    return f"20{lts['yy']}Q4", SERIES_ARCH[name]


def _is_lowercase_uuid(text):
    try:
        return str(uuidlib.UUID(text)) == text
    except ValueError:
        return False


def release_origin(root, name, version, outdir, uuid=None, published_at=None):
    """Release origin `name`@`version` -> (manifest path, file path), written to `outdir` as
    <uuid>.imgmanifest and <uuid>.zfs.gz (public, active, as images.smartos.org serves them).

    `uuid` defaults to a new one, `published_at` to now. Refused (RequestError): a series the
    simulator has no origin of, a non-LTS version, a name@version or uuid that exists, a new
    branch older than the newest one of its arch.
    """
    uuid = uuid or str(uuidlib.uuid4())
    published_at = published_at or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    branch, arch = _checked_request(name, version, uuid, published_at)
    state = State.existing(root)
    with state.lock(ADMIN_LOCK):
        known = known_origins(root)
        for origin in known:
            if (origin.name, origin.version) == (name, version):
                raise RequestError(f"{origin.title} already exists ({origin.uuid})")
            if origin.uuid == uuid:
                raise RequestError(f"uuid {uuid} is already {origin.title}")
        same_arch = [origin for origin in known if origin.arch == arch]
        on_branch = _newest(origin for origin in same_arch if origin.branch == branch)
        if on_branch:
            installed = _newest_bootstrap(root, on_branch)
        else:
            base = _newest(origin for origin in same_arch
                           if origin.branch == max(o.branch for o in same_arch))
            if branch < base.branch:
                raise RequestError(f"{name}@{version} would need a {branch}/{arch} repository, older "
                                   f"than {base.branch}, the newest the simulator has: only newer "
                                   "branches can be derived")
            installed = _derive_repository(root, base, branch, arch)
        min_platform = _newest(origin for origin in known if origin.name == name).min_platform
        origin = origins.Origin(name, version, uuid, branch, arch, published_at, min_platform,
                                installed)
        work = state.mkdtemp("release-")
        try:
            written = origins.write_origin(state.root, origin, outdir, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        atomic_write_json(state.root / RELEASES_NAME,
                          [asdict(released) for released in released_origins(root) + (origin,)])
    return written
