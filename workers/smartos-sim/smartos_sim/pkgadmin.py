"""pkg_install's pkg_admin inside a simulated zone: pmatch and audit (against the zone's
/opt/local/pkg/pkg-vulnerabilities)."""
from . import pkgmatch
from .pkgcommon import write
from .pkgdb import PkgDb


def cmd_pkg_admin(sh, argv, stdin, out, err):
    args = argv[1:]
    while args and args[0].startswith("-"):
        args.pop(0)
    if not args:
        write(err, "usage: pkg_admin [-bqSVv] [-C config] [-d lsdir] [-K pkg_dbdir] [-s sfx] command [args ...]\n")
        return 1
    command = args[0]
    if command == "pmatch":
        if len(args) != 3:
            write(err, "pkg_admin: Missing argument for pmatch\n")
            return 1
        return 0 if pkgmatch.pkg_match(args[1], args[2]) else 1
    if command in ("audit", "audit-pkg", "audit-batch"):
        return _audit(sh, args, out, err)
    write(err, f"pkg_admin: smartos-sim does not emulate `pkg_admin {command}`\n")
    return 1


def _audit(sh, args, out, err):
    path = sh.ctx.host_path("/opt/local/pkg/pkg-vulnerabilities")
    if not path.is_file():
        write(err, "pkg_admin: /opt/local/pkg/pkg-vulnerabilities: No such file or directory\n")
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
                write(out, f"Package {name} has a {kind} vulnerability, see {url}\n")
    return 1 if found else 0
