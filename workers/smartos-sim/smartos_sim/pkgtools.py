"""pkgsrc's tools inside a simulated zone: pkgin, pkg_info and pkg_admin.

pkgin reads the repositories named in the zone's /opt/local/etc/pkgin/repositories.conf; the
simulator maps the real https://pkgsrc.smartos.org/packages/SmartOS/ prefix to its generated
mirror (sim.json "pkgsrc_mirrors"), as a site mirror would. It parses pkg_summary with
origin_ci.pkgsrc.summary and matches patterns with origin_ci.pkgsrc.match, installs by
extracting the package tarballs into the zone and registering them in /opt/local/pkg.

Output follows pkgin's two styles: "legacy" (0.9.x, the 2015Q4 origin) and "modern" (0.11 and
later). A requested package that no repository has fails the whole install, prints "<pkg> is
not available in the repository" ("on the repository" for legacy pkgin) and exits 1.
"""
import hashlib
import json
import os
import time
from pathlib import Path

from . import pkgmatch
from .pkgdb import PkgDb, summary_record

REPOS_CONF = "/opt/local/etc/pkgin/repositories.conf"
PKGIN_DB = "/var/db/pkgin"
SUMMARY_NAMES = ("pkg_summary.xz", "pkg_summary.bz2", "pkg_summary.gz")


def read_stdin(stdin):
    """Bytes of a command's standard input (read from the caller only when asked for)."""
    return stdin if isinstance(stdin, bytes) else stdin.read()


def _w(stream, text):
    stream.write(text.encode() if isinstance(text, str) else text)
    stream.flush()


class PkginFailure(Exception):
    def __init__(self, message, status=1):
        super().__init__(message)
        self.status = status


def pkgbase(pkgname):
    return pkgname.rsplit("-", 1)[0]


def pkgversion(pkgname):
    return pkgname.rsplit("-", 1)[1] if "-" in pkgname else ""


def dewey_cmp(a, b):
    from origin_ci.pkgsrc.dewey import dewey_cmp as cmp
    return cmp(a, b)


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
                _w(out, f"processing remote summary ({url})...\n")
            data = None
            for name in SUMMARY_NAMES:
                data = self.fetch(f"{url}/{name}")
                if data is not None:
                    break
            if data is None:
                raise PkginFailure(f"Could not fetch {url}/pkg_summary.gz")
            cache = self._cache_file(url)
            if not force and cache.is_file() and cache.read_bytes() == data:
                _w(out, f"database for {url} is up-to-date\n")
                continue
            cache.write_bytes(data)
            changed = True
            if style == "modern":
                _w(out, f"downloading {name} done.\n")
            else:
                _w(out, f"processing remote summary ({url})...\n")
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


def _style(ctx):
    """legacy for pkgin 0.9/0.10 (the 2015Q4 origin), modern for 0.11 and later."""
    for name in PkgDb(ctx.root).installed():
        if pkgbase(name) == "pkgin":
            version = pkgversion(name)
            return "legacy" if dewey_cmp(version, "0.11") < 0 else "modern"
    return "modern"


def _human(size):
    size = float(size)
    for unit in ("B", "K", "M", "G"):
        if size < 1024 or unit == "G":
            return f"{size:.0f}{unit}" if unit == "B" else f"{size:.{0 if size >= 10 else 1}f}{unit}"
        size /= 1024


class Plan:
    def __init__(self):
        self.install, self.upgrade, self.refresh = [], [], []   # PKGNAMEs (new names)
        self.replaces = {}      # new PKGNAME -> installed PKGNAME it replaces
        self.keep = set()       # explicitly requested
        self.missing = []       # requested patterns that are not available
        self.unmet = []         # (dependency pattern, needed by)

    @property
    def all(self):
        return self.install + self.upgrade + self.refresh


def _deps_of(record):
    return record.getall("DEPENDS")


def plan_changes(db, available, requests, upgrade_all=False):
    """Work out what to install/upgrade for `requests` (patterns) -> Plan."""
    plan = Plan()
    installed = {pkgbase(n): n for n in db.installed()}
    names = list(available)
    chosen = {}       # base -> pkgname (planned)
    order = []

    def planned_or_installed(pattern):
        for base, name in list(chosen.items()) + list(installed.items()):
            if pkgmatch.pkg_match(pattern, chosen.get(base, name)):
                return True
        return False

    def want(pkgname, explicit):
        base = pkgbase(pkgname)
        if chosen.get(base) == pkgname:
            return
        current = installed.get(base)
        chosen[base] = pkgname
        if current == pkgname:
            # same version: refresh only if the repository rebuilt it (BUILD_DATE differs)
            info = db.info(current)
            record = available[pkgname][0]
            if upgrade_all and record.get("BUILD_DATE") and info.get("BUILD_DATE") \
                    and record.get("BUILD_DATE") != info.get("BUILD_DATE"):
                plan.refresh.append(pkgname)
                plan.replaces[pkgname] = current
        elif current:
            plan.upgrade.append(pkgname)
            plan.replaces[pkgname] = current
        else:
            plan.install.append(pkgname)
        for dep in _deps_of(available[pkgname][0]):
            if planned_or_installed(dep):
                continue
            match = pkgmatch.best_match(dep, names)
            if match is None:
                plan.unmet.append((dep, pkgname))
                continue
            want(match, False)
        order.append(pkgname)

    for request in requests:
        try:
            match = pkgmatch.best_match(request, names)
        except ValueError:
            match = None
        if match is None:
            plan.missing.append(request)
            continue
        plan.keep.add(match)
        want(match, True)
    if upgrade_all:
        for base, current in sorted(installed.items()):
            newest = pkgmatch.best_match(f"{base}-[0-9]*", [n for n in names if pkgbase(n) == base])
            if newest and (dewey_cmp(pkgversion(newest), pkgversion(current)) > 0 or newest == current):
                want(newest, False)
    position = {name: i for i, name in enumerate(order)}
    for bucket in (plan.install, plan.upgrade, plan.refresh):
        bucket.sort(key=lambda n: position.get(n, 0))
    return plan


def _parse_pkgin_args(argv):
    flags, rest = set(), []
    args = argv[1:]
    while args and args[0].startswith("-") and len(args[0]) > 1:
        flags.update(args.pop(0)[1:])
    if args:
        rest = args
    return flags, rest


ALIASES = {"up": "update", "in": "install", "fug": "full-upgrade", "ug": "upgrade", "ls": "list",
           "av": "avail", "se": "search", "cl": "clean", "rm": "remove", "ex": "export",
           "sk": "show-keep", "snk": "show-no-keep"}


def cmd_pkgin(sh, argv, stdin, out, err):
    ctx = sh.ctx
    flags, args = _parse_pkgin_args(argv)
    if "v" in flags:
        _w(out, "pkgin " + next((pkgversion(n) for n in PkgDb(ctx.root).installed()
                                 if pkgbase(n) == "pkgin"), "?") + " (using SQLite 3, smartos-sim)\n")
        return 0
    if not args:
        _w(err, "pkgin: missing command\nUsage: pkgin [-cdfFhlnPtvVy] command [package ...]\n")
        return 1
    command = ALIASES.get(args[0], args[0])
    style = _style(ctx)
    db = PkgDb(ctx.root)
    remote = Remote(ctx)
    try:
        with ctx.state.lock(f"pkgdb-{ctx.vm['uuid']}"):
            if command == "update":
                if style == "modern":
                    _w(out, "reading local summary...\nprocessing local summary...\n")
                remote.refresh(out, style, force="f" in flags)
                return 0
            if command in ("install", "full-upgrade", "upgrade"):
                if command == "install" and len(args) < 2:
                    raise PkginFailure("pkgin: specify at least one package to install")
                return _install(ctx, db, remote, args[1:] if command == "install" else [],
                                command != "install", flags, stdin, out, err, style)
            if command == "list":
                for name in db.installed():
                    comment = db.info(name)["COMMENT"]
                    _w(out, f"{name};{comment}\n" if "p" in flags else f"{name:<20} {comment}\n")
                return 0
            if command == "avail":
                for name, (record, _) in sorted(remote.records(_Null(), style).items()):
                    comment = record.get("COMMENT") or ""
                    _w(out, f"{name};{comment}\n" if "p" in flags else f"{name:<20} {comment}\n")
                return 0
            if command == "search":
                if len(args) < 2:
                    raise PkginFailure("pkgin: missing search string")
                import re
                regex = re.compile(args[1])
                installed = {pkgbase(n): n for n in db.installed()}
                hits = [(n, r) for n, (r, _) in sorted(remote.records(_Null(), style).items())
                        if regex.search(n) or regex.search(r.get("COMMENT") or "")]
                if not hits:
                    _w(out, f"No results found for {args[1]}\n")
                    return 1
                for name, record in hits:
                    mark = "=" if installed.get(pkgbase(name)) == name else ""
                    _w(out, f"{name} {mark:<2}  {record.get('COMMENT') or ''}\n")
                return 0
            if command == "clean":
                cache = ctx.host_path(PKGIN_DB + "/cache")
                if cache.is_dir():
                    for path in cache.iterdir():
                        path.unlink()
                return 0
            if command == "remove":
                return _remove(db, args[1:], out, style)
            if command == "export":
                for name in db.installed():
                    info = db.info(name)
                    if not info["automatic"]:
                        _w(out, info.get("PKGPATH", "") + "\n")
                return 0
            if command in ("show-keep", "show-no-keep"):
                for name in db.installed():
                    automatic = db.info(name)["automatic"]
                    if automatic == (command == "show-no-keep"):
                        _w(out, f"{name} is marked as {'auto' if automatic else 'non-auto'}removable\n"
                           if style == "legacy" else f"{name}\n")
                return 0
            raise PkginFailure(f"pkgin: smartos-sim does not emulate `pkgin {args[0]}`")
    except PkginFailure as failure:
        _w(err, str(failure) + "\n")
        return failure.status


class _Null:
    def write(self, data):
        pass

    def flush(self):
        pass


def _install(ctx, db, remote, requests, upgrade_all, flags, stdin, out, err, style):
    if style == "modern":
        _w(out, "reading local summary...\nprocessing local summary...\n")
    available = remote.records(out, style)
    _w(out, "calculating dependencies..." + ("done.\n" if style == "modern" else " done.\n"))
    plan = plan_changes(db, available, requests, upgrade_all=upgrade_all)
    if plan.missing:
        where = "on" if style == "legacy" else "in"
        for request in plan.missing:
            _w(err, f"{request} is not available {where} the repository\n")
        return 1
    if plan.unmet:
        for dep, needed_by in plan.unmet:
            _w(err, f"{dep}, needed by {needed_by} is not present in this system.\n")
        _w(err, "the following packages have unmet requirements: "
           + " ".join(sorted({n for _, n in plan.unmet})) + "\n")
        return 1
    if not plan.all:
        for name in sorted(plan.keep):
            if name in db.installed() and db.info(name)["automatic"]:
                db.set_automatic(name, False)
                _w(out, f"marking {name} as non auto-removable\n")
        _w(out, "nothing to upgrade.\n" if upgrade_all else "nothing to do.\n")
        return 0
    download = sum(int(available[n][0].get("FILE_SIZE") or 0) for n in plan.all)
    disk = sum(int(available[n][0].get("SIZE_PKG") or 0) for n in plan.all) - sum(
        int(db.info(old)["SIZE_PKG"] or 0) for old in plan.replaces.values())
    if style == "modern":
        for label, bucket in (("refresh", plan.refresh), ("upgrade", plan.upgrade),
                              ("install", plan.install)):
            if bucket:
                _w(out, f"{len(bucket)} package{'s' if len(bucket) != 1 else ''} to {label}:\n  "
                   + " ".join(sorted(bucket)) + "\n")
        _w(out, f"0 to remove, {len(plan.refresh)} to refresh, {len(plan.upgrade)} to upgrade, "
                f"{len(plan.install)} to install\n")
        _w(out, f"{_human(download)} to download, {_human(max(disk, 0))} of additional disk space "
                "will be used\n")
    else:
        if plan.upgrade or plan.refresh:
            _w(out, f"\n{len(plan.upgrade) + len(plan.refresh)} packages to be upgraded: "
               + " ".join(sorted(plan.upgrade + plan.refresh)) + "\n")
        _w(out, f"\n{len(plan.all)} packages to be installed ({_human(download)} to download, "
                f"{_human(max(disk, 0))} to install):\n\n" + " ".join(sorted(plan.all)) + "\n\n")
    if "n" in flags:
        return 0
    if "y" not in flags:
        _w(out, "proceed ? [Y/n] ")
        answer = read_stdin(stdin).decode(errors="replace").strip().lower()[:1]
        if answer == "n":
            _w(out, "user aborted.\n")
            return 1
    slow = float(os.environ.get("SMARTOS_SIM_SLOW_SECONDS") or 0)
    cache = ctx.host_path(PKGIN_DB + "/cache")
    cache.mkdir(parents=True, exist_ok=True)
    total = len(plan.all)
    ordered = plan.all
    tarballs = {}
    if style == "legacy":
        _w(out, "downloading packages...\n")
    for index, name in enumerate(ordered, 1):
        record, url = available[name]
        data = remote.fetch(f"{url}/{record.get('FILE_NAME') or name + '.tgz'}")
        if data is None:
            _w(err, f"download error: {url}/{name}.tgz not found\n")
            return 1
        (cache / f"{name}.tgz").write_bytes(data)
        tarballs[name] = data
        _w(out, f"[{index}/{total}] downloading {name}.tgz done.\n" if style == "modern"
           else f"downloading {name}.tgz done.\n")
    if style == "legacy":
        _w(out, "installing packages...\n")
    for index, name in enumerate(_install_order(db, available, ordered), 1):
        if slow:
            time.sleep(slow)
        verb = "upgrading" if name in plan.upgrade else "refreshing" if name in plan.refresh else "installing"
        _w(out, f"[{index}/{total}] {verb} {name}...\n" if style == "modern" else f"{verb} {name}...\n")
        if name in plan.replaces:
            db.replace(plan.replaces[name], tarballs[name])
            if name in plan.keep:
                db.set_automatic(name, False)
        else:
            db.install(tarballs[name], automatic=name not in plan.keep)
    _w(out, "pkg_install warnings: 0, errors: 0\nreading local summary...\nprocessing local summary...\n")
    if style == "legacy":
        for name in sorted(plan.keep):
            _w(out, f"marking {name} as non auto-removable\n")
    return 0


def _install_order(db, available, names):
    """Dependencies before the packages that need them."""
    pending = list(names)
    done = []
    while pending:
        progressed = False
        for name in list(pending):
            deps = _deps_of(available[name][0])
            if all(not any(pkgmatch.pkg_match(d, other) for other in pending if other != name)
                   for d in deps):
                done.append(name)
                pending.remove(name)
                progressed = True
        if not progressed:
            done.extend(pending)
            break
    return done


def _remove(db, patterns, out, style):
    if not patterns:
        raise PkginFailure("pkgin: specify at least one package to remove")
    targets = []
    for pattern in patterns:
        matches = db.match(pattern)
        if not matches:
            _w(out, f"no such installed package {pattern}\n")
        targets.extend(matches)
    closure = list(dict.fromkeys(targets))
    changed = True
    while changed:
        changed = False
        for name in list(closure):
            for dependent in db.required_by(name):
                if dependent not in closure:
                    closure.insert(0, dependent)
                    changed = True
    if not closure:
        _w(out, "no packages to delete\n")
        return 1
    _w(out, f"{len(closure)} packages to delete:\n  " + " ".join(closure) + "\n")
    for name in closure:
        _w(out, f"removing {name}...\n")
        db.delete(name)
    _w(out, "pkg_install warnings: 0, errors: 0\nreading local summary...\nprocessing local summary...\n")
    return 0


def cmd_pkg_info(sh, argv, stdin, out, err):
    db = PkgDb(sh.ctx.root)
    args = argv[1:]
    flags, names, query = set(), [], None
    while args:
        arg = args.pop(0)
        if arg == "-Q" and args:
            query = args.pop(0)
        elif arg in ("-e", "-E") and args:
            flags.add(arg[1])
            names.append(args.pop(0))
        elif arg.startswith("-") and len(arg) > 1:
            flags.update(arg[1:])
        else:
            names.append(arg)
    if "e" in flags or "E" in flags:
        found = []
        for pattern in names:
            found += db.match(pattern)
        if "q" not in flags:
            for name in (found[:1] if "E" in flags else found):
                _w(out, name + "\n")
        return 0 if found else 1
    if not names or "a" in flags:
        targets = db.installed()
    else:
        targets = []
        for name in names:
            matches = db.match(name)
            if not matches:
                _w(err, f"pkg_info: can't find package `{name}'\n")
                return 1
            targets += matches
    if query:
        for name in targets:
            value = db.info(name).get(query)
            if value is not None:
                _w(out, (value if isinstance(value, str) else str(value)) + "\n")
        return 0
    if "X" in flags:
        for name in targets:
            _w(out, summary_record(db.info(name)))
        return 0
    if not names or "a" in flags:
        for name in targets:
            _w(out, f"{name:<19} {db.info(name)['COMMENT']}\n")
        return 0
    for name in targets:
        info = db.info(name)
        _w(out, f"Information for {name}:\n\nComment:\n{info['COMMENT']}\n\n")
        if info["DEPENDS"]:
            _w(out, "Requires:\n" + "\n".join(info["DEPENDS"]) + "\n\n")
        _w(out, "Description:\n" + "\n".join(info["DESCRIPTION"]) + "\n\n")
    return 0


def cmd_pkg_admin(sh, argv, stdin, out, err):
    args = argv[1:]
    while args and args[0].startswith("-"):
        args.pop(0)
    if not args:
        _w(err, "usage: pkg_admin [-bqSVv] [-C config] [-d lsdir] [-K pkg_dbdir] [-s sfx] command [args ...]\n")
        return 1
    command = args[0]
    if command == "pmatch":
        if len(args) != 3:
            _w(err, "pkg_admin: Missing argument for pmatch\n")
            return 1
        return 0 if pkgmatch.pkg_match(args[1], args[2]) else 1
    if command in ("audit", "audit-pkg", "audit-batch"):
        return _audit(sh, args, out, err)
    _w(err, f"pkg_admin: smartos-sim does not emulate `pkg_admin {command}`\n")
    return 1


def _audit(sh, args, out, err):
    path = sh.ctx.host_path("/opt/local/pkg/pkg-vulnerabilities")
    if not path.is_file():
        _w(err, "pkg_admin: /opt/local/pkg/pkg-vulnerabilities: No such file or directory\n")
        return 1
    db = PkgDb(sh.ctx.root)
    found = False
    for line in path.read_text(errors="replace").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split()
        if len(fields) < 3:
            continue
        pattern, kind, url = fields[:3]
        for name in db.installed():
            if pkgmatch.pkg_match(pattern, name):
                found = True
                _w(out, f"Package {name} has a {kind} vulnerability, see {url}\n")
    return 1 if found else 0


def cmd_not_emulated(sh, argv, stdin, out, err):
    _w(err, f"{os.path.basename(argv[0])}: smartos-sim does not emulate this command\n")
    return 1


COMMANDS = {"pkgin": cmd_pkgin, "pkg_info": cmd_pkg_info, "pkg_admin": cmd_pkg_admin,
            "pkg_add": cmd_not_emulated, "pkg_delete": cmd_not_emulated}
