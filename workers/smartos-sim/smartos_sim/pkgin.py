"""pkgsrc's pkgin inside a simulated zone: its command line and the commands that read or
remove (install and upgrades are `pkgininstall`, the repositories `pkginrepos`).

pkgin reads the repositories named in the zone's /opt/local/etc/pkgin/repositories.conf. It
parses pkg_summary with origin_ci.pkgsrc.summary and matches patterns with
origin_ci.pkgsrc.match, installs by extracting the package tarballs into the zone and
registering them in /opt/local/pkg.

Output follows pkgin's two styles: "legacy" (0.9.x, the 2015Q4 origin) and "modern" (0.11 and
later). A requested package that no repository has fails the whole install, prints "<pkg> is
not available in the repository" ("on the repository" for legacy pkgin) and exits 1.
"""
from . import pkgmatch
from .pkgcommon import PkginFailure, pkgbase, pkgversion, write
from .pkgdb import PkgDb
from .pkgininstall import install
from .pkginrepos import PKGIN_DB, Remote


def _style(ctx):
    """legacy for pkgin 0.9/0.10 (the 2015Q4 origin), modern for 0.11 and later."""
    for name in PkgDb(ctx.root).installed():
        if pkgbase(name) == "pkgin":
            version = pkgversion(name)
            return "legacy" if pkgmatch.dewey_cmp(version, "0.11") < 0 else "modern"
    return "modern"


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
        write(out, "pkgin " + next((pkgversion(n) for n in PkgDb(ctx.root).installed()
                                    if pkgbase(n) == "pkgin"), "?") + " (using SQLite 3, smartos-sim)\n")
        return 0
    if not args:
        write(err, "pkgin: missing command\nUsage: pkgin [-cdfFhlnPtvVy] command [package ...]\n")
        return 1
    command = ALIASES.get(args[0], args[0])
    style = _style(ctx)
    db = PkgDb(ctx.root)
    remote = Remote(ctx)
    try:
        with ctx.state.lock(f"pkgdb-{ctx.vm['uuid']}"):
            if command == "update":
                if style == "modern":
                    write(out, "reading local summary...\nprocessing local summary...\n")
                remote.refresh(out, style, force="f" in flags)
                return 0
            if command in ("install", "full-upgrade", "upgrade"):
                if command == "install" and len(args) < 2:
                    raise PkginFailure("pkgin: specify at least one package to install")
                return install(ctx, db, remote, args[1:] if command == "install" else [],
                               command != "install", flags, stdin, out, err, style)
            if command == "list":
                for name in db.installed():
                    comment = db.info(name)["COMMENT"]
                    write(out, f"{name};{comment}\n" if "p" in flags else f"{name:<20} {comment}\n")
                return 0
            if command == "avail":
                for name, (record, _) in sorted(remote.records(_Null(), style).items()):
                    comment = record.get("COMMENT") or ""
                    write(out, f"{name};{comment}\n" if "p" in flags else f"{name:<20} {comment}\n")
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
                    write(out, f"No results found for {args[1]}\n")
                    return 1
                for name, record in hits:
                    mark = "=" if installed.get(pkgbase(name)) == name else ""
                    write(out, f"{name} {mark:<2}  {record.get('COMMENT') or ''}\n")
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
                        write(out, info.get("PKGPATH", "") + "\n")
                return 0
            if command in ("show-keep", "show-no-keep"):
                for name in db.installed():
                    automatic = db.info(name)["automatic"]
                    if automatic == (command == "show-no-keep"):
                        write(out, f"{name} is marked as {'auto' if automatic else 'non-auto'}removable\n"
                              if style == "legacy" else f"{name}\n")
                return 0
            raise PkginFailure(f"pkgin: smartos-sim does not emulate `pkgin {args[0]}`")
    except PkginFailure as failure:
        write(err, str(failure) + "\n")
        return failure.status


class _Null:
    def write(self, data):
        pass

    def flush(self):
        pass


def _remove(db, patterns, out, style):
    if not patterns:
        raise PkginFailure("pkgin: specify at least one package to remove")
    targets = []
    for pattern in patterns:
        matches = db.match(pattern)
        if not matches:
            write(out, f"no such installed package {pattern}\n")
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
        write(out, "no packages to delete\n")
        return 1
    write(out, f"{len(closure)} packages to delete:\n  " + " ".join(closure) + "\n")
    for name in closure:
        write(out, f"removing {name}...\n")
        db.delete(name)
    write(out, "pkg_install warnings: 0, errors: 0\nreading local summary...\nprocessing local summary...\n")
    return 0
