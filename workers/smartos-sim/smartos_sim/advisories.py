"""The simulator's pkg-vulnerabilities file, and security fixes that extend it.

`<root>/pkgsrc/vulns/pkg-vulnerabilities.gz` stands in for NetBSD's
https://cdn.netbsd.org/pub/NetBSD/packages/vulns/pkg-vulnerabilities.gz: a gzip'd, checksummed
`#FORMAT 1.1.0` file written with origin_ci.pkgsrc.vulnerabilities.render_vulnerabilities.
`setup` seeds it with a few old advisories that no package of any simulated repository matches,
so a fresh state has nothing to fix. `security_fix` then plays what happens upstream when a
vulnerability is fixed: the fixed package lands in a branch's repository and the advisory in the
file, which is what the service's pkgsrc-security poller watches for.
"""
import gzip
import re
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from origin_ci.pkgsrc.dewey import dewey_cmp
from origin_ci.pkgsrc.match import PatternError, best_match, check_pattern, pkg_match
from origin_ci.pkgsrc.vulnerabilities import parse_vulnerabilities, render_vulnerabilities

from . import pkgrepo
from .errors import RequestError
from .pkgcommon import pkgbase, pkgversion
from .state import ADMIN_LOCK, State, atomic_write_bytes

VULNERABILITIES_PATH = Path("pkgsrc") / "vulns" / "pkg-vulnerabilities.gz"
# Old, real advisories: each pattern stops below every version the simulated branches carry.
SEED_ADVISORIES = (
    ("zlib<1.2.3", "denial-of-service", "https://nvd.nist.gov/vuln/detail/CVE-2005-2096"),
    ("sudo<1.8.3p2", "format-string", "https://nvd.nist.gov/vuln/detail/CVE-2012-0809"),
    ("openssl<1.0.1g", "information-leak", "https://nvd.nist.gov/vuln/detail/CVE-2014-0160"),
    ("bash<4.3nb5", "remote-command-injection", "https://nvd.nist.gov/vuln/detail/CVE-2014-6271"),
    ("curl<7.50.1", "authentication-bypass", "https://nvd.nist.gov/vuln/detail/CVE-2016-5419"),
)
TYPE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def vulnerabilities_path(root):
    return Path(root) / VULNERABILITIES_PATH


def _write(root, entries):
    data = gzip.compress(render_vulnerabilities(entries), mtime=pkgrepo.TAR_MTIME)
    atomic_write_bytes(vulnerabilities_path(root), data)


def read_advisories(root):
    """The entries of the state's pkg-vulnerabilities file (checksum verified), in file order."""
    return parse_vulnerabilities(vulnerabilities_path(root).read_bytes()).entries


def seed_vulnerabilities(root):
    """Write the seed file unless there is one already (a security fix may have extended it)."""
    if not vulnerabilities_path(root).exists():
        _write(root, SEED_ADVISORIES)
    return vulnerabilities_path(root)


def parse_advisory(advisory):
    """"PATTERN TYPE URL" -> (pattern, type, url), or RequestError saying what is wrong."""
    fields = advisory.split()
    if len(fields) != 3:
        raise RequestError(f"advisory {advisory!r}: expected 'PATTERN TYPE URL' (three words, "
                           f"e.g. 'sudo<1.9.16p3 privilege-escalation https://nvd.nist.gov/...')")
    pattern, kind, url = fields
    try:
        check_pattern(pattern)
    except PatternError as error:
        raise RequestError(f"advisory pattern: {error}") from None
    if not TYPE_RE.match(kind):
        raise RequestError(f"advisory type {kind!r}: expected one word such as denial-of-service")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RequestError(f"advisory URL {url!r}: expected an http:// or https:// URL")
    return pattern, kind, url


def security_fix(root, branch, arch, pkgname, advisory):
    """Add the fixed package `pkgname` to a repository and `advisory` ("PATTERN TYPE URL") to the
    vulnerabilities file -> the (pattern, type, url) entry appended.

    The new version keeps the DEPENDS and SIZE_PKG of the package's newest version there. Refused
    (RequestError) unless it is newer than every version the repository has, does not match the
    pattern, and the pattern matches a version it replaces: otherwise it would fix nothing.
    """
    entry = parse_advisory(advisory)
    pattern = entry[0]
    base, _, version = pkgname.rpartition("-")
    if not base or not version[:1].isdigit():
        raise RequestError(f"{pkgname!r} is not a PKGNAME-VERSION such as sudo-1.9.16p3")
    if pkg_match(pattern, pkgname):
        raise RequestError(f"{pkgname} matches {pattern}: it would still be vulnerable, "
                           "so it fixes nothing")
    with State.existing(root).lock(ADMIN_LOCK):
        try:
            records = pkgrepo.repository_records(root, branch, arch)
        except FileNotFoundError as error:
            raise RequestError(str(error)) from None
        same_base = {record["PKGNAME"]: record for record in records
                     if pkgbase(record["PKGNAME"]) == base}
        if not same_base:
            raise RequestError(f"{branch}/{arch} has no {base} package to fix")
        current = best_match(f"{base}-[0-9]*", same_base)
        if dewey_cmp(version, pkgversion(current)) <= 0:
            raise RequestError(f"{pkgname} is not newer than {current}, the newest {base} in "
                               f"{branch}/{arch}: pkgin would not upgrade to it")
        if not any(pkg_match(pattern, name) for name in same_base):
            raise RequestError(f"{pattern} matches no {base} in {branch}/{arch} "
                               f"({', '.join(sorted(same_base))}): the fix would fix nothing")
        entries = read_advisories(root) if vulnerabilities_path(root).exists() else SEED_ADVISORIES
        pkgrepo.add_package(root, branch, arch, pkgname, same_base[current]["DEPENDS"],
                            same_base[current]["SIZE_PKG"],
                            build_date=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S +0000"))
        _write(root, [*entries, entry])
    return entry
