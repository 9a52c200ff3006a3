"""pkgsrc version ordering, exactly as pkg_install's ``lib/dewey.c`` computes it.

A version string becomes a list of integers plus a separate ``nb`` revision:

- a run of digits is one number;
- ``alpha`` = -3, ``beta`` = -2, ``pre`` = ``rc`` = -1, ``pl`` = ``_`` = ``.`` = 0
  (matched case-insensitively, as ``strncasecmp`` does);
- ``nbN`` sets the revision to N (a bare ``nb`` sets it to 0); the last one wins;
- any other ASCII letter adds 0 and then its position in the alphabet (``a`` = 1), so
  ``1a`` equals ``1.1``;
- every other character is skipped.

Two versions compare element by element, the shorter padded with zeros; on a tie the
revisions decide. So ``1.0`` == ``1.0.0`` and ``1.0alpha`` < ``1.0``.

One deliberate difference: dewey.c accumulates digits in a C ``int`` and so wraps for
numbers past 2**31 (date-stamped versions); here numbers are exact.
"""
import functools
import re

# Alternation order mirrors mkcomponent(): digits, then the modifier words in dewey.c's
# table order, then "nb", then a single letter, then "skip one character". re.ASCII keeps
# IGNORECASE and [0-9] from treating non-ASCII characters as letters or digits, as the C
# locale's isalpha/isdigit would not either.
_TOKEN = re.compile(
    r"([0-9]+)|(alpha|beta|pre|rc|pl|_|\.)|nb([0-9]*)|([a-z])|.",
    re.ASCII | re.IGNORECASE | re.DOTALL,
)
_MODIFIER_VALUES = {"alpha": -3, "beta": -2, "pre": -1, "rc": -1, "pl": 0, "_": 0, ".": 0}


@functools.total_ordering
class DeweyVersion:
    """A parsed version: comparable, hashable, equal when dewey.c says equal."""

    __slots__ = ("components", "revision")

    def __init__(self, components, revision=0):
        # Trailing zeros never change a comparison (the other side is zero-padded), so
        # dropping them makes equal versions have equal tuples, hence equal hashes.
        components = list(components)
        while components and components[-1] == 0:
            components.pop()
        self.components = tuple(components)
        self.revision = revision

    def compare(self, other):
        """-1, 0 or 1, as dewey.c's vtest() orders the two versions."""
        mine, theirs = self.components, other.components
        if len(mine) < len(theirs):
            mine = mine + (0,) * (len(theirs) - len(mine))
        elif len(theirs) < len(mine):
            theirs = theirs + (0,) * (len(mine) - len(theirs))
        if mine != theirs:
            return -1 if mine < theirs else 1
        if self.revision != other.revision:
            return -1 if self.revision < other.revision else 1
        return 0

    def __eq__(self, other):
        if not isinstance(other, DeweyVersion):
            return NotImplemented
        return self.components == other.components and self.revision == other.revision

    def __lt__(self, other):
        if not isinstance(other, DeweyVersion):
            return NotImplemented
        return self.compare(other) < 0

    def __hash__(self):
        return hash((self.components, self.revision))

    def __repr__(self):
        return f"DeweyVersion({list(self.components)!r}, revision={self.revision})"


@functools.lru_cache(maxsize=65536)
def parse_version(version: str) -> DeweyVersion:
    """Parse a version string (the part of a PKGNAME after its last ``-``)."""
    components = []
    revision = 0
    for token in _TOKEN.finditer(version):
        number, modifier, nb_revision, letter = token.groups()
        if number is not None:
            components.append(int(number))
        elif modifier is not None:
            components.append(_MODIFIER_VALUES[modifier.lower()])
        elif nb_revision is not None:
            revision = int(nb_revision) if nb_revision else 0
        elif letter is not None:
            components.append(0)
            components.append(ord(letter.lower()) - ord("a") + 1)
    return DeweyVersion(components, revision)


def dewey_cmp(version_a: str, version_b: str) -> int:
    """Compare two version strings: -1 if a < b, 0 if equal, 1 if a > b."""
    return parse_version(version_a).compare(parse_version(version_b))


# dewey.c's relational tests, longest spelling first as dewey_mktest() tries them.
OPERATORS = ("<=", "<", ">=", ">")
_OPERATOR_TESTS = {
    "<=": lambda cmp: cmp <= 0,
    "<": lambda cmp: cmp < 0,
    ">=": lambda cmp: cmp >= 0,
    ">": lambda cmp: cmp > 0,
}


def version_satisfies(version: DeweyVersion, operator: str, bound: DeweyVersion) -> bool:
    """Whether ``version OPERATOR bound`` holds (operator one of ``OPERATORS``)."""
    return _OPERATOR_TESTS[operator](version.compare(bound))
