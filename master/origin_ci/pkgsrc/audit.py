"""Which packages of an inventory are vulnerable, and whether a repository fixes them.

The findings are those of ``pkg_admin audit-pkg``: for each package, in the order given,
every entry of the vulnerabilities file whose pattern matches it, in file order. To
audit thousands of packages against tens of thousands of entries, the entries are
indexed by the name prefix their patterns require (``match.dash_prefixes``); patterns
with no such prefix (a leading glob, a backslash) are still checked, one by one.
"""
from dataclasses import dataclass

from .match import compile_pattern, dash_prefixes, pick_newest
from .summary import split_pkgname
from .vulnerabilities import END_OF_LIFE, Vulnerabilities


@dataclass(frozen=True)
class Finding:
    package: str
    pattern: str
    type: str
    url: str
    # With a repository: whether its newest version of the package no longer matches
    # the pattern (None without a repository), and which version that is.
    fixable: bool | None = None
    newest_available: str | None = None

    @property
    def end_of_life(self) -> bool:
        return self.type == END_OF_LIFE


class Auditor:
    """A vulnerabilities file (and optionally a repository) ready to audit many inventories."""

    def __init__(self, vulns: Vulnerabilities, summary_records=None):
        self.entries = vulns.entries
        self._by_prefix = {}
        self._unindexed = []
        for number, entry in enumerate(self.entries):
            for alternative in compile_pattern(entry.pattern).alternatives:
                key = alternative.index_key()
                if key is None:
                    self._unindexed.append((number, alternative))
                else:
                    self._by_prefix.setdefault(key, []).append((number, alternative))
        self._newest_by_pkgbase = None
        if summary_records is not None:
            names_by_pkgbase = {}
            for record in summary_records:
                names_by_pkgbase.setdefault(record.pkgbase, []).append(record.pkgname)
            self._newest_by_pkgbase = {base: pick_newest(names) for base, names in names_by_pkgbase.items()}
        # Images share most of their packages: remember each package's findings.
        self._findings_by_package = {}

    def audit(self, pkgnames) -> list[Finding]:
        findings = []
        for pkgname in pkgnames:
            findings.extend(self.findings_for(pkgname))
        return findings

    def findings_for(self, pkgname: str) -> tuple[Finding, ...]:
        findings = self._findings_by_package.get(pkgname)
        if findings is None:
            newest = self._newest_available(pkgname)
            findings = []
            for number in self._matching_entry_numbers(pkgname):
                entry = self.entries[number]
                fixable = None
                if self._newest_by_pkgbase is not None:
                    fixable = newest is not None and not compile_pattern(entry.pattern).matches(newest)
                findings.append(Finding(pkgname, entry.pattern, entry.type, entry.url, fixable, newest))
            findings = self._findings_by_package[pkgname] = tuple(findings)
        return findings

    def _matching_entry_numbers(self, pkgname):
        found = set()
        for prefix in dash_prefixes(pkgname):
            for number, alternative in self._by_prefix.get(prefix, ()):
                if number not in found and alternative.matches(pkgname):
                    found.add(number)
        for number, alternative in self._unindexed:
            # The substring test is a cheap way to skip most of these patterns.
            if alternative.required_text in pkgname and number not in found and alternative.matches(pkgname):
                found.add(number)
        return sorted(found)

    def _newest_available(self, pkgname):
        if self._newest_by_pkgbase is None:
            return None
        return self._newest_by_pkgbase.get(split_pkgname(pkgname)[0])


def audit(pkgnames, vulns: Vulnerabilities, summary_records=None) -> list[Finding]:
    """Findings for ``pkgnames`` (an image's inventory); see ``Auditor`` for many."""
    return Auditor(vulns, summary_records).audit(pkgnames)
