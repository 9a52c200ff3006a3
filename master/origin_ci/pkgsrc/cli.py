"""`origin-ci pkgsrc`: package patterns, audits and size plans for release engineers.

Exit codes follow pkg_admin: 0 yes/clean, 1 no/vulnerable/unresolved, 2 unusable input.
"""
import sys

from .audit import Auditor
from .match import PatternError, pkg_match
from .sizeplan import SizePlanError, read_installed, size_plan
from .summary import SummaryError, parse_pkg_summary
from .vulnerabilities import VulnerabilitiesError, parse_vulnerabilities

# pkg_admin prints end-of-life findings against this page, not the entry's URL.
EOL_PAGE = "http://cdn.NetBSD.org/pub/NetBSD/packages/vulns/eol-packages"
ENCODING = "utf-8"
ERRORS = "surrogateescape"


class InputError(Exception):
    """Input the command cannot use: reported on stderr with exit status 2."""


def register(subparsers):
    parser = subparsers.add_parser("pkgsrc", help="pkgsrc patterns, vulnerability audits, size plans")
    commands = parser.add_subparsers(dest="pkgsrc_command", required=True)

    pmatch = commands.add_parser(
        "pmatch", help="does PKGNAME match PATTERN? (exit 0 yes, 1 no, like pkg_admin pmatch)")
    pmatch.add_argument("pattern", nargs="?", metavar="PATTERN")
    pmatch.add_argument("pkgname", nargs="?", metavar="PKGNAME")
    pmatch.add_argument("--batch", action="store_true",
                        help="read PATTERN<TAB>PKGNAME lines on stdin, print 1 or 0 for each")
    pmatch.set_defaults(func=_guarded(pmatch_command))

    audit = commands.add_parser("audit", help="vulnerabilities of the named packages, as pkg_admin audit")
    audit.add_argument("--vulns", required=True, metavar="FILE",
                       help="pkg-vulnerabilities file (plain, gz, bz2 or xz; checksum verified)")
    audit.add_argument("--summary", metavar="PKG_SUMMARY",
                       help="repository pkg_summary: also tell whether its newest version fixes each finding")
    audit.add_argument("--no-eol", action="store_true",
                       help="leave out end-of-life entries (pkg_install's CHECK_END_OF_LIFE=no)")
    audit.add_argument("pkgnames", nargs="+", metavar="PKGNAME")
    audit.set_defaults(func=_guarded(audit_command))

    plan = commands.add_parser("size-plan", help="installed size each package adds to an origin (RFD 46 Q2)")
    plan.add_argument("--summary", required=True, metavar="PKG_SUMMARY", help="repository pkg_summary")
    plan.add_argument("--installed", metavar="FILE",
                      help="the origin's packages: `pkg_info -X -a` output or one name per line")
    plan.add_argument("--bytes", action="store_true", help="sizes in bytes instead of MiB")
    plan.add_argument("packages", nargs="+", metavar="PKG", help="names or patterns, in install order")
    plan.set_defaults(func=_guarded(size_plan_command))


def _guarded(command):
    def run(args):
        try:
            return command(args)
        except InputError as error:
            print(f"origin-ci pkgsrc: {error}", file=sys.stderr)
            return 2
    return run


def pmatch_command(args):
    if args.batch:
        if args.pattern is not None:
            raise InputError("pmatch --batch takes no PATTERN or PKGNAME arguments (it reads stdin)")
        return _pmatch_batch(sys.stdin.buffer, sys.stdout)
    if args.pkgname is None:
        raise InputError("pmatch needs PATTERN and PKGNAME (or --batch)")
    return 0 if _match(args.pattern, args.pkgname) else 1


def _pmatch_batch(lines, output):
    answers = []
    for number, raw in enumerate(lines, 1):
        line = raw.decode(ENCODING, ERRORS).rstrip("\n")
        pattern, tab, pkgname = line.partition("\t")
        if not tab:
            raise InputError(f"stdin line {number}: expected PATTERN<TAB>PKGNAME, got {line!r}")
        answers.append("1" if _match(pattern, pkgname, f"stdin line {number}: ") else "0")
    output.write("".join(answer + "\n" for answer in answers))
    return 0


def _match(pattern, pkgname, where=""):
    try:
        return pkg_match(pattern, pkgname)
    except PatternError as error:
        raise InputError(f"{where}{error}") from None


def audit_command(args):
    try:
        vulns = parse_vulnerabilities(_read(args.vulns))
    except VulnerabilitiesError as error:
        raise InputError(f"{args.vulns}: {error}; no audit was done") from None
    records = _summary(args.summary) if args.summary else None
    findings = [finding for finding in Auditor(vulns, records).audit(args.pkgnames)
                if not (args.no_eol and finding.end_of_life)]
    for finding in findings:
        print(_describe(finding, with_fix=records is not None))
    return 1 if findings else 0


def _describe(finding, with_fix):
    if finding.end_of_life:
        line = f"Package {finding.package} has reached end-of-life (eol), see {EOL_PAGE}"
    else:
        line = f"Package {finding.package} has a {finding.type} vulnerability, see {finding.url}"
    if not with_fix:
        return line
    if finding.fixable:
        return f"{line} -- fixed in the repository by {finding.newest_available}"
    if finding.newest_available is None:
        return f"{line} -- not fixable: the package is not in the repository"
    return f"{line} -- not fixable: the repository's newest is {finding.newest_available}"


def size_plan_command(args):
    records = _summary(args.summary)
    installed = read_installed(_read(args.installed)) if args.installed else ()
    try:
        steps = size_plan(args.packages, records, installed)
    except (SizePlanError, PatternError) as error:
        raise InputError(str(error)) from None
    show = str if args.bytes else _mebibytes
    rows = [("REQUEST", "PACKAGE", "NEW", "INCREMENTAL", "CUMULATIVE")]
    for step in steps:
        rows.append((step.request, step.package or "-", str(len(step.added)),
                     show(step.incremental), show(step.cumulative)))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.rjust(width) if column >= 2 else cell.ljust(width)
                        for column, (cell, width) in enumerate(zip(row, widths))).rstrip())
    unresolved = [(step, missing) for step in steps for missing in step.unresolved]
    for step, missing in unresolved:
        needed_by = f"{missing.needed_by} needs" if missing.needed_by else "requested"
        print(f"unresolved: {needed_by} {missing.pattern!r} (for {step.request}): "
              "nothing in the repository matches")
    return 1 if unresolved else 0


def _mebibytes(size):
    return f"{size / 1048576:.1f} MiB"


def _summary(path):
    try:
        return parse_pkg_summary(_read(path))
    except SummaryError as error:
        raise InputError(f"{path}: {error}") from None


def _read(path):
    try:
        with open(path, "rb") as stream:
            return stream.read()
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None
