"""Package patterns, matched as pkg_install's ``pkg_match()`` (``lib/opattern.c``) does.

A pattern is tried in this order:

1. it contains ``{``: csh-style alternatives. The first group expands (nested groups
   and empty alternatives allowed) and each expansion is matched recursively;
2. it contains ``<`` or ``>``: a dewey range such as ``foo>=1.0<2.0`` (glob characters
   are *not* interpreted there);
3. it contains one of ``*?[]``: ``fnmatch(3)`` with ``FNM_PERIOD``;
4. otherwise exact equality;
5. for 3 and 4 only, a last chance: ``fnmatch(pattern + "-[0-9]*")``, so ``foo``
   matches ``foo-1.0`` but not ``foobar-1.0``.

A ``{`` without its ``}`` is a ``PatternError``. pkg_install only notices it when the
pattern's first characters do not already rule the package out; here the pattern
itself is judged, so the error does not depend on which package is asked about. A
``}`` without a ``{`` is an ordinary character, as in pkg_install.
"""
import functools
import re

from .dewey import OPERATORS, parse_version, version_satisfies

GLOB_CHARACTERS = "*?[]"
VERSION_SUFFIX_GLOB = "-[0-9]*"


class PatternError(ValueError):
    """A package pattern that pkg_install would refuse (unbalanced braces)."""


def pkg_match(pattern: str, pkgname: str) -> bool:
    """Whether ``pkgname`` (a full PKGNAME such as ``foo-1.0nb2``) matches ``pattern``."""
    return compile_pattern(pattern).matches(pkgname)


def best_match(pattern: str, pkgnames) -> str | None:
    """The matching name with the highest version, as pkgin picks a dependency.

    Ties (equal versions such as ``1.0`` and ``1.0.0``) go to the name that sorts first,
    as pkg_install's ``pkg_order()`` breaks them.
    """
    compiled = compile_pattern(pattern)
    return pick_newest(name for name in pkgnames if compiled.matches(name))


def pick_newest(pkgnames) -> str | None:
    """The name with the highest version (after its last ``-``); ties to the name that
    sorts first. Names without a ``-`` have no version and lose to any that have one."""
    best_name = None
    best_key = None
    for pkgname in pkgnames:
        key = _order_key(pkgname)
        if best_key is None or key > best_key or (key == best_key and pkgname < best_name):
            best_name, best_key = pkgname, key
    return best_name


def _order_key(pkgname):
    dash = pkgname.rfind("-")
    if dash < 0:
        return (False, None)
    return (True, parse_version(pkgname[dash + 1:]))


def dash_prefixes(pkgname: str) -> list[str]:
    """The name itself and each of its prefixes that ends just before a ``-``.

    A brace-free pattern's index key (``index_key()``, when it has one) is one of these
    for every name it matches, which is what lets patterns and names find each other
    through a dictionary instead of a scan.
    """
    prefixes = [pkgname]
    dash = pkgname.find("-")
    while dash >= 0:
        prefixes.append(pkgname[:dash])
        dash = pkgname.find("-", dash + 1)
    return prefixes


class NameIndex:
    """Package names, indexed so that matching a pattern examines only likely names."""

    def __init__(self, pkgnames):
        self.pkgnames = list(dict.fromkeys(pkgnames))  # each name once, first-seen order
        self._position = {pkgname: position for position, pkgname in enumerate(self.pkgnames)}
        self._by_prefix = {}
        for pkgname in self.pkgnames:
            for prefix in dash_prefixes(pkgname):
                self._by_prefix.setdefault(prefix, []).append(pkgname)

    def matches(self, pattern: str) -> list[str]:
        """Every name matching ``pattern``, in the order the names were given."""
        compiled = compile_pattern(pattern)
        keys = compiled.index_keys()
        if keys is None:
            candidates = self.pkgnames
        else:
            found = {name for key in keys for name in self._by_prefix.get(key, ())}
            candidates = sorted(found, key=self._position.__getitem__)
        return [name for name in candidates if compiled.matches(name)]

    def best_match(self, pattern: str) -> str | None:
        return pick_newest(self.matches(pattern))


@functools.lru_cache(maxsize=65536)
def compile_pattern(pattern: str) -> "Pattern":
    """Parse ``pattern`` once; raises ``PatternError`` for unbalanced braces."""
    return Pattern(pattern)


class Pattern:
    """A compiled pattern: the brace-free expansions, each with its own matcher."""

    __slots__ = ("text", "alternatives")

    def __init__(self, text: str):
        self.text = text
        self.alternatives = tuple(_compile_brace_free(alt) for alt in expand_alternatives(text))

    def matches(self, pkgname: str) -> bool:
        return any(alternative.matches(pkgname) for alternative in self.alternatives)

    def index_keys(self):
        """The alternatives' index keys, or None when one of them has none."""
        keys = [alternative.index_key() for alternative in self.alternatives]
        return None if None in keys else keys

    def __repr__(self):
        return f"Pattern({self.text!r})"


def expand_alternatives(pattern: str) -> list[str]:
    """All brace-free patterns that ``pattern``'s ``{a,b}`` groups stand for, in order.

    pkg_install expands the first group, then recursively each result; since a package
    matches when any expansion does, expanding everything up front is equivalent.
    """
    check_pattern(pattern)
    return _expand(pattern)


def check_pattern(pattern: str) -> None:
    """Raise ``PatternError`` if pkg_install would refuse ``pattern`` (an unclosed ``{``)."""
    depth = 0
    for char in pattern:
        if char == "{":
            depth += 1
        elif char == "}" and depth:
            depth -= 1
    if depth:
        raise PatternError(f"unbalanced braces in pattern {pattern!r}: a '{{' is never closed")


def _expand(pattern):
    start = pattern.find("{")
    if start < 0:
        return [pattern]
    alternatives = []
    depth = 0
    alternative_start = start + 1
    for position in range(start, len(pattern)):
        char = pattern[position]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                alternatives.append(pattern[alternative_start:position])
                end = position + 1
                break
        elif char == "," and depth == 1:
            alternatives.append(pattern[alternative_start:position])
            alternative_start = position + 1
    prefix, suffix = pattern[:start], pattern[end:]
    expanded = []
    for alternative in alternatives:
        expanded.extend(_expand(prefix + alternative + suffix))
    return expanded


def _compile_brace_free(pattern):
    if "<" in pattern or ">" in pattern:
        return DeweyRange(pattern)
    if any(char in pattern for char in GLOB_CHARACTERS):
        return GlobPattern(pattern)
    return ExactPattern(pattern)


class DeweyRange:
    """``NAME<op>VERSION[<op>VERSION]``: dewey.c's ``dewey_match()``.

    NAME is everything before the first ``<`` or ``>`` and must equal the package name
    before its last ``-``. After ``>`` or ``>=`` a later ``<`` or ``<=`` starts an upper
    bound; after ``<`` or ``<=`` the rest is all version (dewey.c skips what it cannot
    read there, so ``foo<1>0`` means ``foo<1.0``).
    """

    __slots__ = ("pkgbase", "bounds", "required_text")

    def __init__(self, pattern):
        separator = min(i for i in (pattern.find("<"), pattern.find(">")) if i >= 0)
        self.pkgbase = self.required_text = pattern[:separator]
        operator = _operator_at(pattern, separator)
        rest = pattern[separator + len(operator):]
        bounds = []
        if operator in (">", ">="):
            upper_start = rest.find("<")
            if upper_start >= 0:
                upper_operator = _operator_at(rest, upper_start)
                bounds.append((upper_operator, parse_version(rest[upper_start + len(upper_operator):])))
                rest = rest[:upper_start]
        bounds.append((operator, parse_version(rest)))
        self.bounds = tuple(bounds)

    def index_key(self):
        return self.pkgbase

    def matches(self, pkgname):
        dash = pkgname.rfind("-")
        if dash < 0 or pkgname[:dash] != self.pkgbase:
            return False
        version = parse_version(pkgname[dash + 1:])
        for operator, bound in self.bounds:
            if not version_satisfies(version, operator, bound):
                return False
        return True


def _operator_at(text, position):
    for operator in OPERATORS:
        if text.startswith(operator, position):
            return operator
    raise AssertionError(f"no relational operator at {position} in {text!r}")


class ExactPattern:
    """A pattern with no special characters: equal to the name, or the name plus a version."""

    __slots__ = ("text", "fallback", "required_text")

    def __init__(self, pattern):
        self.text = pattern
        self.fallback = compile_glob(pattern + VERSION_SUFFIX_GLOB)
        # A substring of every name this matches; with a backslash the equality and the
        # fallback glob read the text differently, so none is known.
        self.required_text = "" if "\\" in pattern else pattern

    def index_key(self):
        # Any match is the pattern itself or starts with "pattern-"; a backslash would
        # become an escape in the fallback glob, so such a pattern is not indexed.
        return None if "\\" in self.text else self.text

    def matches(self, pkgname):
        return pkgname == self.text or self.fallback.fullmatch(pkgname) is not None


class GlobPattern:
    """A shell glob (``FNM_PERIOD``), with the same ``-[0-9]*`` second chance."""

    __slots__ = ("text", "glob", "fallback", "leading_text", "required_text")

    def __init__(self, pattern):
        self.text = pattern
        self.glob = compile_glob(pattern)
        self.fallback = compile_glob(pattern + VERSION_SUFFIX_GLOB)
        runs = _literal_runs(pattern)
        self.leading_text = runs[0]  # what every match starts with
        self.required_text = max(runs, key=len)  # a substring of every match

    def index_key(self):
        # If the leading text holds a "-", the part before its last dash is a dash
        # prefix of every match.
        dash = self.leading_text.rfind("-")
        return self.leading_text[:dash] if dash >= 0 else None

    def matches(self, pkgname):
        return self.glob.fullmatch(pkgname) is not None or self.fallback.fullmatch(pkgname) is not None


_NO_LEADING_PERIOD = r"(?!\.)"


def _glob_tokens(glob):
    """``(regex, literal)`` for each element of an ``fnmatch(3)`` pattern.

    ``literal`` is the character a literal element stands for, or None for wildcards,
    bracket expressions, and literals that appending ``-[0-9]*`` could change: a trailing
    backslash (it would escape the ``-``) and everything from an unterminated ``[`` on
    (the appended ``]`` would close it).
    """
    position = 0
    stable = True
    while position < len(glob):
        char = glob[position]
        if char == "*":
            while position < len(glob) and glob[position] == "*":
                position += 1
            yield ".*", None
            continue
        if char == "?":
            position += 1
            yield ".", None
            continue
        if char == "[":
            bracket = _bracket_expression(glob, position + 1)
            if bracket is not None:
                regex, position = bracket
                yield regex, None
                continue
            stable = False
            literal, position = "[", position + 1
        elif char == "\\":
            if position + 1 < len(glob):
                literal, position = glob[position + 1], position + 2
            else:
                stable = False
                literal, position = char, position + 1
        else:
            literal, position = char, position + 1
        yield re.escape(literal), literal if stable else None


def _literal_runs(glob):
    """The runs of consecutive stable literal characters, in order; the first is the
    leading run, empty when the pattern starts with anything else."""
    runs = [""]
    for _, literal in _glob_tokens(glob):
        if literal is None:
            runs.append("")
        else:
            runs[-1] += literal
    return runs


@functools.lru_cache(maxsize=65536)
def compile_glob(glob: str) -> re.Pattern:
    """Translate an ``fnmatch(3)`` pattern (flags ``FNM_PERIOD`` only) to a regex.

    ``*`` and ``?`` match any characters including ``/``; ``\\`` quotes the next
    character (a trailing one is literal); ``[...]`` is a bracket expression with ``!`` or
    ``^`` negation, ranges and a leading literal ``]``; an unterminated ``[`` is an
    ordinary character (POSIX and illumos; NetBSD's libc instead fails the match).
    FNM_PERIOD: a leading ``.`` is matched only by a literal ``.``.
    """
    tokens = list(_glob_tokens(glob))
    starts_with_literal_period = bool(tokens) and tokens[0][0] == re.escape(".")
    prefix = "" if starts_with_literal_period else _NO_LEADING_PERIOD
    return re.compile(prefix + "".join(regex for regex, _ in tokens), re.DOTALL)


def _bracket_expression(glob, position):
    """Regex for the bracket expression whose body starts at ``position`` and the
    position after its ``]``, or None when there is no closing ``]``."""
    negate = position < len(glob) and glob[position] in "!^"
    if negate:
        position += 1
    items = []
    first = True
    while True:
        if position >= len(glob):
            return None
        char = glob[position]
        if char == "]" and not first:
            position += 1
            break
        first = False
        position += 1
        if char == "\\":
            if position >= len(glob):
                return None
            char = glob[position]
            position += 1
        if (position + 1 < len(glob) and glob[position] == "-" and glob[position + 1] != "]"):
            high = glob[position + 1]
            position += 2
            if high == "\\":
                if position >= len(glob):
                    return None
                high = glob[position]
                position += 1
            if char <= high:
                items.append(f"{re.escape(char)}-{re.escape(high)}")
        else:
            items.append(re.escape(char))
    if not items:
        return ("." if negate else "(?!)"), position
    return ("[^" if negate else "[") + "".join(items) + "]", position
