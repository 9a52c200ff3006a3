"""Which flavours a pkgsrc security fix should rebuild, and which it must not.

A flavour is rebuilt when a package of its last published image is vulnerable and its pkgsrc
repository now has a version that is not. A flavour that pins the package (a versioned pattern,
or no upgrades at all) would rebuild to the same vulnerable package, so it is only reported.
"""
import dataclasses

from origin_ci.pkgsrc.audit import Finding


@dataclasses.dataclass(frozen=True)
class FlavourAudit:
    to_rebuild: tuple  # fixable findings the flavour would pick up
    pinned: tuple      # fixable findings the flavour's pins keep out


def pkgbase(pkgname):
    return pkgname.rpartition("-")[0] or pkgname


def pins(plan, package_base):
    """Whether the flavour keeps `package_base` at a chosen version."""
    if not plan["upgrade"]:
        return True
    return any(pattern != package_base and pattern.startswith(package_base)
               and pattern[len(package_base):len(package_base) + 1] in ("-", "<", ">", "=", "{", "[")
               for pattern in plan["packages"])


def classify(plan, findings):
    fixable = [finding for finding in findings if finding.fixable]
    pinned = tuple(f for f in fixable if pins(plan, pkgbase(f.package)))
    return FlavourAudit(tuple(f for f in fixable if f not in pinned), pinned)


def fix_key(image_name, finding: Finding):
    """One fix of one advisory for one flavour: what 'never trigger twice' is counted in."""
    return f"{image_name}|{finding.package}|{finding.pattern}|{finding.newest_available}"


def describe(findings):
    return ", ".join(f"{f.package} ({f.type}, {f.url}; fixed by {f.newest_available})" for f in findings)
