"""Which flavours a pkgsrc security fix should rebuild, and which it must not.

A flavour is rebuilt when a package of its last published image is vulnerable and its pkgsrc
repository now has a version that is not. A flavour that pins the package (a pattern the fix does
not match, or no upgrades for a package it does not request) would rebuild to the same vulnerable
package, so it is only reported.
"""
import dataclasses

from origin_ci.pkgsrc.audit import Finding
from origin_ci.pkgsrc.match import pkg_match


@dataclasses.dataclass(frozen=True)
class FlavourAudit:
    to_rebuild: tuple  # fixable findings the flavour would pick up
    pinned: tuple      # fixable findings the flavour's pins keep out


def keeps_vulnerable(plan, finding: Finding):
    """Whether a rebuild of the flavour would still install the vulnerable version: a requested
    pattern that matches it but not the fix pins it; a package nobody requested moves only with
    the flavour's full upgrade."""
    requested = [pattern for pattern in plan["packages"] if pkg_match(pattern, finding.package)]
    if requested:
        return not any(pkg_match(pattern, finding.newest_available) for pattern in requested)
    return not plan["upgrade"]


def classify(plan, findings):
    fixable = [finding for finding in findings if finding.fixable]
    pinned = tuple(f for f in fixable if keeps_vulnerable(plan, f))
    return FlavourAudit(tuple(f for f in fixable if f not in pinned), pinned)


def fix_key(image_name, finding: Finding):
    """One fix of one advisory for one flavour: what 'never trigger twice' is counted in."""
    return f"{image_name}|{finding.package}|{finding.pattern}|{finding.newest_available}"


def describe(findings):
    return ", ".join(f"{f.package} ({f.type}, {f.url}; fixed by {f.newest_available})" for f in findings)
