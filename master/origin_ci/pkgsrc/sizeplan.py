"""What adding packages to an origin image costs, package by package (RFD 46 §Q2).

For each requested package, in the order given, the packages it brings in are its best
match in the repository and, recursively, the best matches of its DEPENDS patterns, as
pkgin resolves them; a dependency that an installed package (or one brought in by an
earlier request) already satisfies costs nothing. Sizes are the records' SIZE_PKG (the
installed size in bytes). The table of RFD 46 §Q2, computed instead of measured.
"""
from dataclasses import dataclass

from .match import NameIndex, compile_pattern
from .summary import parse_pkg_summary


@dataclass(frozen=True)
class Unresolved:
    needed_by: str | None  # the package whose DEPENDS it is, None for a request itself
    pattern: str


@dataclass(frozen=True)
class SizeStep:
    request: str  # as given: a name, a name with version, or a pattern
    package: str | None  # what it resolved to, None when nothing in the repository matches
    added: tuple[str, ...]  # packages new to the image, dependencies first
    incremental: int  # bytes those add
    cumulative: int  # bytes added by this and every earlier request
    unresolved: tuple[Unresolved, ...]


class SizePlanError(ValueError):
    """A repository record without a usable SIZE_PKG."""


def size_plan(requests, summary_records, installed=()) -> list[SizeStep]:
    """One ``SizeStep`` per request. ``installed``: the origin's package names."""
    records = {record.pkgname: record for record in summary_records}
    repository = NameIndex(records)
    present = NameIndex(installed)
    added_so_far = []
    steps = []
    cumulative = 0
    for request in requests:
        unresolved = []
        added = []
        package = _resolve(request, None, repository, present, added_so_far, records, added, unresolved)
        incremental = sum(_size(records[name]) for name in added)
        cumulative += incremental
        steps.append(SizeStep(request, package, tuple(added), incremental, cumulative, tuple(unresolved)))
    return steps


def _resolve(pattern, needed_by, repository, present, added_so_far, records, added, unresolved):
    """Add the best match of ``pattern`` and its dependencies (depth first, so that
    dependencies precede their dependents); return the package that satisfies it."""
    satisfied = present.best_match(pattern) or _first_match(pattern, added_so_far)
    if satisfied:
        return satisfied
    package = repository.best_match(pattern)
    if package is None:
        unresolved.append(Unresolved(needed_by, pattern))
        return None
    # Mark it before its dependencies are resolved, so that cycles terminate.
    added_so_far.append(package)
    for dependency in records[package].getall("DEPENDS"):
        _resolve(_depends_pattern(dependency), package, repository, present, added_so_far, records, added,
                 unresolved)
    added.append(package)
    return package


def _first_match(pattern, pkgnames):
    compiled = compile_pattern(pattern)
    return next((name for name in pkgnames if compiled.matches(name)), None)


def _depends_pattern(depends):
    # In a binary package's DEPENDS a pattern stands alone; in a source tree's it is
    # followed by ":../../category/name", which is not part of the pattern.
    return depends.split(":", 1)[0]


def _size(record):
    value = record.get("SIZE_PKG")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise SizePlanError(f"{record.pkgname}: SIZE_PKG is {value!r}, not a number of bytes") from None


def read_installed(data: bytes) -> list[str]:
    """Package names from ``pkg_info -X -a`` output (pkg_summary format) or from a plain
    list of names, one per line (``pkg_info`` without options prints name and comment,
    so only the first word counts)."""
    if b"PKGNAME=" in data:
        return [record.pkgname for record in parse_pkg_summary(data)]
    text = data.decode("utf-8", "surrogateescape")
    return [line.split()[0] for line in text.splitlines() if line.strip() and not line.startswith("#")]
