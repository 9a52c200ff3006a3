"""``pkg_summary(5)`` reader and writer.

A pkg_summary is ``VAR=VALUE`` lines, one record per package, records separated by an
empty line (the last record may or may not be followed by one). Multi-valued fields
(DEPENDS, CONFLICTS, DESCRIPTION, PROVIDES, REQUIRES, SUPERSEDES, ...) repeat their
``VAR=`` line. The format declares no encoding, so the bytes are decoded as UTF-8 with
``surrogateescape``: any byte sequence survives a read and a ``render_pkg_summary``
round trip unchanged. Repositories publish it gzip-, bzip2- or xz-compressed; the
compression is recognised from the data, not from a file name.
"""
import re

from .compression import CompressionError, decompress

ENCODING = "utf-8"
ERRORS = "surrogateescape"
_LINE_WITHOUT_EQUALS = re.compile(r"^[^=\n]+$", re.MULTILINE)


def split_pkgname(pkgname):
    """(PKGBASE, version) of a PKGNAME; a PKGNAME without a dash has no version part."""
    base, dash, version = pkgname.rpartition("-")
    return (base, version) if dash else (pkgname, "")


class SummaryError(ValueError):
    """Data that is not a pkg_summary (or not a compressed one it claims to be)."""


class SummaryRecord:
    """One package of a pkg_summary.

    ``get`` answers single-valued fields (for a repeated field such as DESCRIPTION it
    joins the lines with newlines); ``getall`` answers multi-valued ones.
    """

    __slots__ = ("_text", "_fields", "pkgname", "pkgbase", "version")

    def __init__(self, pairs):
        """A record from ``(name, value)`` pairs, in file order."""
        fields = {}
        for name, value in pairs:
            _add_field(fields, name, value)
        if "PKGNAME" not in fields:
            raise SummaryError("record has no PKGNAME")
        self._text = None
        self._fields = fields
        pkgname = fields["PKGNAME"]
        self._set_pkgname(pkgname[0] if isinstance(pkgname, list) else pkgname)

    @classmethod
    def _from_text(cls, text, pkgname):
        # A repository holds 20,000 records of which a caller reads a few fields of a
        # few: splitting every line up front would dominate the parse, so a record
        # keeps its text and splits it on first use.
        record = cls.__new__(cls)
        record._text = text
        record._fields = None
        record._set_pkgname(pkgname)
        return record

    def _set_pkgname(self, pkgname):
        self.pkgname = pkgname
        self.pkgbase, self.version = split_pkgname(pkgname)

    def _parsed(self):
        if self._fields is None:
            fields = {}
            for line in self._text.split("\n"):
                name, _, value = line.partition("=")
                _add_field(fields, name, value)
            self._fields = fields
        return self._fields

    def get(self, field: str) -> str | None:
        value = self._parsed().get(field)
        return "\n".join(value) if isinstance(value, list) else value

    def getall(self, field: str) -> list[str]:
        value = self._parsed().get(field)
        if value is None:
            return []
        return list(value) if isinstance(value, list) else [value]

    def fields(self) -> list[tuple[str, str]]:
        """Every ``(name, value)`` pair (repeated fields grouped, in first-seen order)."""
        return [(name, value) for name in self._parsed() for value in self.getall(name)]

    def __repr__(self):
        return f"SummaryRecord({self.pkgname!r})"


def _add_field(fields, name, value):
    # A field seen once is kept as a plain string and only a repeated one as a list:
    # strings are not tracked by the garbage collector, and a repository's worth of
    # per-field lists made collections dominate the cost of reading every record.
    previous = fields.get(name)
    if previous is None:
        fields[name] = value
    elif isinstance(previous, list):
        previous.append(value)
    else:
        fields[name] = [previous, value]


def parse_pkg_summary(data: bytes) -> list[SummaryRecord]:
    """Every record of a pkg_summary (compressed or plain), in file order.

    Raises ``SummaryError`` on a line without ``=`` or a record without PKGNAME.
    """
    try:
        text = decompress(data).decode(ENCODING, ERRORS)
    except CompressionError as error:
        raise SummaryError(str(error)) from error
    not_a_field = _LINE_WITHOUT_EQUALS.search(text)
    if not_a_field:
        line_number = text.count("\n", 0, not_a_field.start()) + 1
        raise SummaryError(f"line {line_number}: not a VAR=VALUE line: {not_a_field.group()[:80]!r}")
    records = []
    # Records are separated by one empty line; tolerate several, and none after the last.
    for chunk in text.split("\n\n"):
        chunk = chunk.strip("\n")
        if chunk:
            records.append(SummaryRecord._from_text(chunk, _pkgname_of(chunk, len(records) + 1)))
    return records


def _pkgname_of(chunk, record_number):
    if chunk.startswith("PKGNAME="):
        start = 0
    else:
        start = chunk.find("\nPKGNAME=") + 1
        if start == 0:
            raise SummaryError(f"record {record_number} ({chunk[:60]!r}...) has no PKGNAME")
    start += len("PKGNAME=")
    end = chunk.find("\n", start)
    return chunk[start:] if end < 0 else chunk[start:end]


def render_pkg_summary(records) -> bytes:
    """The plain pkg_summary text of ``records`` (each ends with an empty line)."""
    chunks = []
    for record in records:
        chunks.extend(f"{name}={value}\n" for name, value in record.fields())
        chunks.append("\n")
    return "".join(chunks).encode(ENCODING, ERRORS)
