"""``pkg-vulnerabilities`` reader (verifying its checksums) and writer.

The rules are those of pkg_install's ``lib/vulnerabilities-file.c``:

- the file may be gzip/bzip2/xz-compressed, must not contain NUL bytes, and every line
  that is read must end with a newline (a truncated file fails this check);
- an optional ``-----BEGIN PGP SIGNED MESSAGE-----`` line opens a clear-signed wrapper,
  whose ``-----BEGIN PGP SIGNATURE-----`` line ends the content (without a wrapper a
  ``-----BEGIN PKCS7-----`` line ends it);
- before ``#FORMAT`` only empty lines, ``Hash:`` lines, ``# $NetBSD`` lines and lines
  of ``#`` followed by nothing but whitespace are allowed; ``#FORMAT`` must say 1.1.0;
- after it: comments (``#`` then whitespace), ``#CHECKSUM ALGORITHM HEX`` lines, other
  ``#`` lines (ignored), and data lines ``PATTERN TYPE URL``;
- a checksum (SHA1 or SHA512, lowercase hex) covers every content line except empty
  lines and those starting with ``Hash:``, ``# $NetBSD`` or ``#CHECKSUM``.

Two deliberate differences, both refusing what pkg_install would accept, because this
module exists to decide on security rebuilds: a file must carry at least one
``#CHECKSUM`` line in a supported algorithm (pkg_install accepts a file with none, and
only warns about unknown algorithms), and every pattern's braces must balance (pkg_install
only fails when a malformed pattern is matched against a package it could concern).
The PGP signature itself is not verified (as ``pkg_admin audit`` without ``-s``).
"""
import hashlib
from dataclasses import dataclass

from .compression import CompressionError, decompress
from .match import PatternError, check_pattern

PGP_MESSAGE_START = b"-----BEGIN PGP SIGNED MESSAGE-----\n"
PGP_SIGNATURE_START = b"-----BEGIN PGP SIGNATURE-----\n"
PKCS7_START = b"-----BEGIN PKCS7-----\n"
UNHASHED_LINE_PREFIXES = (b"Hash:", b"# $NetBSD", b"#CHECKSUM")
ALGORITHMS = {"SHA512": "sha512", "SHA1": "sha1"}
# C's isspace() in the C locale.
WHITESPACE = b" \t\n\r\x0b\x0c"
_WHITESPACE_BYTES = {bytes([byte]) for byte in WHITESPACE}
END_OF_LIFE = "eol"


class VulnerabilitiesError(ValueError):
    """A pkg-vulnerabilities file that is malformed, truncated or fails verification."""


@dataclass(frozen=True)
class VulnerabilityEntry:
    pattern: str
    type: str
    url: str


@dataclass(frozen=True)
class Vulnerabilities:
    """A verified pkg-vulnerabilities file: its entries in file order."""

    entries: tuple[VulnerabilityEntry, ...]
    verified_with: tuple[str, ...]  # the algorithms of the checksums that matched
    netbsd_id: str | None  # the "# $NetBSD: ... $" line, naming the file's revision
    pgp_wrapped: bool


def parse_vulnerabilities(data: bytes) -> Vulnerabilities:
    """Parse and verify; raises ``VulnerabilitiesError`` on any failure."""
    try:
        data = decompress(data)
    except CompressionError as error:
        raise VulnerabilitiesError(str(error)) from error
    if b"\0" in data:
        raise VulnerabilitiesError("invalid input: NUL character found")
    pgp_wrapped = data.startswith(PGP_MESSAGE_START)
    content_start = len(PGP_MESSAGE_START) if pgp_wrapped else 0
    lines = _Lines(data, content_start)
    netbsd_id = _read_header(lines)
    entries = []
    verified_with = []
    end_marker = PGP_SIGNATURE_START if pgp_wrapped else PKCS7_START
    for line in lines:
        if line == b"\n":
            continue
        if line.startswith(end_marker):
            break
        if line.startswith(b"#CHECKSUM"):
            algorithm = _verify_checksum(data, content_start, lines.start + len(b"#CHECKSUM"), end_marker)
            if algorithm:
                verified_with.append(algorithm)
            continue
        if line.startswith(b"#"):
            # Comments, and other "#" lines which pkg_install also tolerates.
            continue
        entries.append(_entry(line, lines))
    if not verified_with:
        raise VulnerabilitiesError("no #CHECKSUM line with a supported algorithm (SHA1, SHA512)")
    for entry in entries:
        try:
            check_pattern(entry.pattern)
        except PatternError as error:
            raise VulnerabilitiesError(f"entry for {entry.url}: {error}") from None
    return Vulnerabilities(tuple(entries), tuple(verified_with), netbsd_id, pgp_wrapped)


class _Lines:
    """The lines of ``data`` from offset ``start``, each with its newline; a line
    without one means the file is truncated."""

    def __init__(self, data, start=0):
        self.data = data
        self.start = start  # offset of the current line
        self.next_start = start

    def __iter__(self):
        return self

    def __next__(self):
        if self.next_start >= len(self.data):
            raise StopIteration
        self.start = self.next_start
        end = self.data.find(b"\n", self.start)
        if end < 0:
            raise VulnerabilitiesError(
                f"line {self.line_number()}: missing newline at its end: the file is truncated")
        self.next_start = end + 1
        return self.data[self.start:self.next_start]

    def line_number(self):
        """The current line's number in the file (counted only for messages)."""
        return self.data.count(b"\n", 0, self.start) + 1


def _read_header(lines):
    netbsd_id = None
    for line in lines:
        if line == b"\n" or line.startswith(b"Hash:"):
            continue
        if line.startswith(b"# $NetBSD"):
            netbsd_id = netbsd_id or _text(line.rstrip(b"\n"))
            continue
        if line[:1] == b"#" and line[1:2] in _WHITESPACE_BYTES:
            if line[1:].strip(WHITESPACE):
                raise VulnerabilitiesError(f"line {lines.line_number()}: invalid header (comment before #FORMAT)")
            continue
        if not line.startswith(b"#FORMAT"):
            raise VulnerabilitiesError(f"line {lines.line_number()}: input header is malformed (expected #FORMAT)")
        _check_format_version(line, lines.line_number())
        return netbsd_id
    raise VulnerabilitiesError("missing #FORMAT line: no content")



def _check_format_version(line, line_number):
    """``#FORMAT`` then one whitespace character then 1.1.0, read as strtol() does."""
    rest = line[len(b"#FORMAT"):]
    if rest[:1] not in _WHITESPACE_BYTES:
        raise VulnerabilitiesError(f"line {line_number}: invalid #FORMAT")
    rest = rest[1:]
    for expected, separator in ((1, b"."), (1, b"."), (0, b"")):
        number, rest = _strtol(rest)
        if number != expected or not rest.startswith(separator):
            raise VulnerabilitiesError(
                f"line {line_number}: unsupported {_text(line.strip())!r} (only #FORMAT 1.1.0 is accepted)"
            )
        rest = rest[len(separator):]
    if rest.strip(WHITESPACE):
        raise VulnerabilitiesError(f"line {line_number}: trailing characters after #FORMAT 1.1.0")


def _strtol(text):
    """(value, rest) like C's strtol base 10: leading whitespace, a sign, digits.
    The value is None when no digits were read."""
    stripped = text.lstrip(WHITESPACE)
    sign = 1
    if stripped[:1] in (b"+", b"-"):
        sign = -1 if stripped[:1] == b"-" else 1
        stripped = stripped[1:]
    digits = len(stripped) - len(stripped.lstrip(b"0123456789"))
    if not digits:
        return None, text
    return sign * int(stripped[:digits]), stripped[digits:]


def _verify_checksum(data, content_start, position, end_marker):
    """Check the ``#CHECKSUM`` whose text follows ``position``; the algorithm's name,
    or None for an algorithm pkg_install does not know (it skips those)."""
    if data[position:position + 1] not in _WHITESPACE_BYTES:
        raise VulnerabilitiesError("invalid #CHECKSUM line")
    # Like pkg_install, skip any whitespace, even a newline, to reach the algorithm.
    while data[position:position + 1] in _WHITESPACE_BYTES:
        position += 1
    algorithm = next(
        (name for name in ALGORITHMS
         if data.startswith(name.encode(), position)
         and data[position + len(name):position + len(name) + 1] in _WHITESPACE_BYTES),
        None,
    )
    if algorithm is None:
        return None
    position = _skip_blanks(data, position + len(algorithm))
    if data[position:position + 1] == b"\n":
        raise VulnerabilitiesError(f"invalid #CHECKSUM {algorithm} line: no hash value")
    expected = _digest(_Lines(data, content_start), algorithm, end_marker).encode()
    if not data.startswith(expected, position):
        raise VulnerabilitiesError(f"{algorithm} hash doesn't match: the file was altered or damaged")
    position = _skip_blanks(data, position + len(expected))
    if data[position:position + 1] not in _WHITESPACE_BYTES:
        raise VulnerabilitiesError(f"invalid #CHECKSUM {algorithm} line: trailing characters")
    return algorithm


def _skip_blanks(data, position):
    """The position of the first character from ``position`` on that is not
    whitespace other than a newline."""
    while data[position:position + 1] in _WHITESPACE_BYTES and data[position:position + 1] != b"\n":
        position += 1
    return position


def content_digest(content: bytes, algorithm: str, end_marker: bytes = PKCS7_START) -> str:
    """Lowercase hex digest of exactly the lines pkg_install hashes.

    ``content`` starts after any PGP message header; hashing stops at ``end_marker``.
    """
    return _digest(_Lines(content), algorithm, end_marker)


def _digest(lines, algorithm, end_marker):
    digest = hashlib.new(ALGORITHMS[algorithm])
    for line in lines:
        if line.startswith(end_marker):
            break
        if line == b"\n" or line.startswith(UNHASHED_LINE_PREFIXES):
            continue
        digest.update(line)
    return digest.hexdigest()


def _entry(line, lines):
    """``PATTERN TYPE URL`` split as pkg_install's add_vulnerability() does; ``lines``
    (positioned on ``line``) numbers the line for an error message."""
    fields = line.split(None, 3)
    if line[:1] in _WHITESPACE_BYTES:
        # A leading blank gives an empty pattern, and the first word is the type.
        fields.insert(0, b"")
    pattern, kind, url = (fields + [b"", b""])[:3]
    # pkg_install tests the first character against '0' where it means NUL, so a type
    # or URL starting with the digit 0 is refused there: refuse it here as well.
    if not kind or kind.startswith(b"0"):
        raise VulnerabilitiesError(f"line {lines.line_number()}: missing classification")
    if not url or url.startswith(b"0"):
        raise VulnerabilitiesError(f"line {lines.line_number()}: missing URL")
    return VulnerabilityEntry(_text(pattern), _text(kind), _text(url))


def _text(raw):
    return raw.decode("utf-8", "surrogateescape")


def render_vulnerabilities(entries, algorithm: str = "SHA512", netbsd_id: str | None = None) -> bytes:
    """A pkg-vulnerabilities file (unsigned, uncompressed) with a valid ``#CHECKSUM``.

    ``entries``: ``VulnerabilityEntry`` objects or ``(pattern, type, url)`` tuples.
    ``netbsd_id`` is the ``# $NetBSD: ... $`` revision line. Raises ``ValueError`` when
    the result would not read back as the same entries (a field with a blank in it, an
    unbalanced pattern, ...).
    """
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unsupported algorithm {algorithm!r}; use one of {sorted(ALGORITHMS)}")
    entries = tuple(entry if isinstance(entry, VulnerabilityEntry) else VulnerabilityEntry(*entry)
                    for entry in entries)
    netbsd_id = netbsd_id or "# $NetBSD: pkg-vulnerabilities,v 1.1 origin-ci $"
    head = f"{netbsd_id}\n#\n#FORMAT 1.1.0\n".encode("utf-8", "surrogateescape")
    body = "#\n# package-pattern type-of-exploit URL\n" + "".join(
        f"{entry.pattern} {entry.type} {entry.url}\n" for entry in entries
    )
    body = body.encode("utf-8", "surrogateescape")
    checksum = f"#CHECKSUM {algorithm} {content_digest(head + body, algorithm)}\n".encode()
    rendered = head + checksum + body
    try:
        read_back = parse_vulnerabilities(rendered).entries
    except VulnerabilitiesError as error:
        raise ValueError(f"these entries cannot be written: {error}") from None
    if read_back != entries:
        raise ValueError("these entries cannot be written: a field is empty or contains a blank")
    return rendered
