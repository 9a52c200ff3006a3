"""pkg-vulnerabilities reader: header rules, checksums, wrappers, truncation."""
import bz2
import gzip
import hashlib
import lzma

import pytest

from origin_ci.pkgsrc.vulnerabilities import (
    VulnerabilitiesError,
    VulnerabilityEntry,
    content_digest,
    parse_vulnerabilities,
    render_vulnerabilities,
)

ENTRIES = [
    ("openssl<1.1.1t", "denial-of-service", "https://nvd.nist.gov/vuln/detail/CVE-2023-0286"),
    ("curl>=7.7<8.4.0", "heap-overflow", "https://curl.se/docs/CVE-2023-38545.html"),
    ("php{56,70,71}-[0-9]*", "eol", "https://www.php.net/eol.php"),
    ("sudo<1.9.12p2", "privilege-escalation", "https://www.sudo.ws/security/advisories/sudoedit_any/"),
]

# Laid out like NetBSD's file: revision line, "#" lines, #FORMAT, comment block,
# checksums, then data. The checksum lines are filled in by sign().
TEMPLATE = b"""# $NetBSD: pkg-vulnerabilities,v 1.9000 2023/10/11 08:00:00 leot Exp $
#
#FORMAT 1.1.0
#
# Please note the following:
#
# package-pattern  type-of-exploit  URL
@CHECKSUMS@
openssl<1.1.1t\tdenial-of-service\thttps://nvd.nist.gov/vuln/detail/CVE-2023-0286
curl>=7.7<8.4.0 heap-overflow   https://curl.se/docs/CVE-2023-38545.html
#this data-looking line starting with "#" is ignored, as by pkg_install
php{56,70,71}-[0-9]* eol https://www.php.net/eol.php
sudo<1.9.12p2 privilege-escalation https://www.sudo.ws/security/advisories/sudoedit_any/ extra words ignored
"""


def sign(template, algorithms=("SHA1", "SHA512"), end_marker=b"-----BEGIN PKCS7-----\n"):
    """Fill @CHECKSUMS@ with correct checksums, computed independently with hashlib over
    the lines pkg_install hashes (all but empty, Hash:, # $NetBSD and #CHECKSUM lines)."""
    content = template[len(b"-----BEGIN PGP SIGNED MESSAGE-----\n"):] if template.startswith(b"-----BEGIN PGP") else template
    covered = b""
    for line in content.splitlines(keepends=True):
        if line.startswith(end_marker):
            break
        if line == b"\n" or line.startswith((b"Hash:", b"# $NetBSD", b"#CHECKSUM", b"@CHECKSUMS@")):
            continue
        covered += line
    lines = b"".join(
        b"#CHECKSUM %s %s\n" % (name.encode(), hashlib.new(name.lower(), covered).hexdigest().encode())
        for name in algorithms
    )
    return template.replace(b"@CHECKSUMS@\n", lines)


VALID = sign(TEMPLATE)


def checksum_line(algorithm):
    return next(line for line in VALID.splitlines() if line.startswith(b"#CHECKSUM " + algorithm.encode()))


def test_valid_file():
    vulns = parse_vulnerabilities(VALID)
    assert [tuple(vars(e).values()) for e in vulns.entries] == ENTRIES
    assert vulns.verified_with == ("SHA1", "SHA512")
    assert vulns.netbsd_id.startswith("# $NetBSD: pkg-vulnerabilities,v 1.9000")
    assert not vulns.pgp_wrapped


@pytest.mark.parametrize("compress", [gzip.compress, bz2.compress, lzma.compress])
def test_compressed(compress):
    assert len(parse_vulnerabilities(compress(VALID)).entries) == 4


def test_pgp_signed_wrapper():
    wrapped = (
        b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n"
        + TEMPLATE
        + b"-----BEGIN PGP SIGNATURE-----\n\niQIzBAEBCgAdFiEE\n=abcd\n-----END PGP SIGNATURE-----\n"
    )
    vulns = parse_vulnerabilities(sign(wrapped, end_marker=b"-----BEGIN PGP SIGNATURE-----\n"))
    assert vulns.pgp_wrapped and len(vulns.entries) == 4


def test_pgp_signature_block_need_not_end_with_newline():
    # Reading stops at the signature; pkg_install never looks past it.
    wrapped = b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA1\n\n" + TEMPLATE + (
        b"-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----"
    )
    assert len(parse_vulnerabilities(sign(wrapped, end_marker=b"-----BEGIN PGP SIGNATURE-----\n")).entries) == 4


def test_pkcs7_block_ends_an_unwrapped_file():
    data = VALID + b"-----BEGIN PKCS7-----\nnot data lines\n-----END PKCS7-----\n"
    assert len(parse_vulnerabilities(data).entries) == 4


class TestWhatTheChecksumCovers:
    def test_blank_lines_revision_and_checksum_lines_are_not_covered(self):
        changed = VALID.replace(b"#FORMAT 1.1.0\n", b"#FORMAT 1.1.0\n\n\n")
        changed = changed.replace(b"v 1.9000 2023/10/11", b"v 1.9001 2024/01/01")
        changed = changed.replace(b"#CHECKSUM SHA1", b"#CHECKSUM SHA1 ")  # still one hash
        assert len(parse_vulnerabilities(changed).entries) == 4

    @pytest.mark.parametrize(
        "old,new",
        [
            (b"sudo<1.9.12p2", b"sudo<1.9.12p1"),  # a pattern
            (b"https://www.php.net/eol.php", b"https://evil.example/"),  # a URL
            (b"# Please note", b"# Please NOTE"),  # a comment is covered too
            (b"curl>=7.7<8.4.0 heap", b"curl>=7.7<8.4.0  heap"),  # even spacing
        ],
    )
    def test_tampering_is_detected(self, old, new):
        assert old in VALID
        with pytest.raises(VulnerabilitiesError, match="hash doesn't match"):
            parse_vulnerabilities(VALID.replace(old, new))

    def test_a_wrong_checksum_among_right_ones_fails(self):
        line = checksum_line("SHA1")
        wrong = line[:-1] + (b"0" if line[-1:] != b"0" else b"1")
        with pytest.raises(VulnerabilitiesError, match="SHA1 hash doesn't match"):
            parse_vulnerabilities(VALID.replace(line, wrong))

    def test_uppercase_hex_does_not_match(self):
        line = checksum_line("SHA512")
        upper = b"#CHECKSUM SHA512 " + line.split()[2].upper()
        with pytest.raises(VulnerabilitiesError, match="SHA512 hash doesn't match"):
            parse_vulnerabilities(VALID.replace(line, upper))

    def test_trailing_characters_after_hash(self):
        line = checksum_line("SHA512")
        with pytest.raises(VulnerabilitiesError, match="trailing"):
            parse_vulnerabilities(VALID.replace(line, line + b"ff"))

    def test_checksum_without_value(self):
        with pytest.raises(VulnerabilitiesError, match="no hash value"):
            parse_vulnerabilities(sign(TEMPLATE, ("SHA1",)) + b"#CHECKSUM SHA512  \n")

    def test_checksum_keyword_glued_to_text(self):
        with pytest.raises(VulnerabilitiesError, match="invalid #CHECKSUM"):
            parse_vulnerabilities(VALID + b"#CHECKSUMSHA1 abc\n")


class TestVerificationIsRequired:
    def test_no_checksum_at_all(self):
        with pytest.raises(VulnerabilitiesError, match="no #CHECKSUM"):
            parse_vulnerabilities(TEMPLATE.replace(b"@CHECKSUMS@\n", b""))

    def test_only_unsupported_algorithms(self):
        with pytest.raises(VulnerabilitiesError, match="supported algorithm"):
            parse_vulnerabilities(TEMPLATE.replace(b"@CHECKSUMS@\n", b"#CHECKSUM SHA256 abcdef\n"))

    def test_unsupported_algorithm_next_to_a_supported_one_is_skipped(self):
        data = VALID.replace(b"#CHECKSUM SHA1", b"#CHECKSUM SHA256 0123\n#CHECKSUM SHA1")
        assert parse_vulnerabilities(data).verified_with == ("SHA1", "SHA512")


class TestHeader:
    @pytest.mark.parametrize("version", [b"1.0.0", b"1.1.1", b"2.0.0", b"1.1", b"1.1.0x", b"one"])
    def test_only_format_1_1_0(self, version):
        with pytest.raises(VulnerabilitiesError, match="FORMAT"):
            parse_vulnerabilities(VALID.replace(b"#FORMAT 1.1.0", b"#FORMAT " + version))

    @pytest.mark.parametrize("spelling", [b"#FORMAT\t1.1.0", b"#FORMAT  1.1.0", b"#FORMAT 1.1.0  ", b"#FORMAT 01.1.00"])
    def test_format_spellings_strtol_accepts(self, spelling):
        # Not covered by the checksum? It is: re-sign after the change.
        assert parse_vulnerabilities(sign(TEMPLATE.replace(b"#FORMAT 1.1.0", spelling))).entries

    def test_format_needs_a_blank(self):
        with pytest.raises(VulnerabilitiesError, match="invalid #FORMAT"):
            parse_vulnerabilities(sign(TEMPLATE.replace(b"#FORMAT 1.1.0", b"#FORMAT1.1.0")))

    def test_words_in_a_comment_before_format(self):
        bad = TEMPLATE.replace(b"#\n#FORMAT", b"# generated by hand\n#FORMAT")
        with pytest.raises(VulnerabilitiesError, match="invalid header"):
            parse_vulnerabilities(sign(bad))

    def test_data_before_format(self):
        bad = TEMPLATE.replace(b"#FORMAT 1.1.0\n", b"foo<1 bar http://x/\n#FORMAT 1.1.0\n")
        with pytest.raises(VulnerabilitiesError, match="header is malformed"):
            parse_vulnerabilities(sign(bad))

    @pytest.mark.parametrize("data", [b"", b"# $NetBSD$\n#\n", b"hello"])
    def test_no_format_line(self, data):
        with pytest.raises(VulnerabilitiesError):
            parse_vulnerabilities(data)

    def test_format_as_last_line(self):
        with pytest.raises(VulnerabilitiesError):
            parse_vulnerabilities(b"#FORMAT 1.1.0\n")


class TestTruncationAndDamage:
    def test_missing_final_newline(self):
        with pytest.raises(VulnerabilitiesError, match="missing newline"):
            parse_vulnerabilities(VALID[:-1])

    @pytest.mark.parametrize("cut", [0.3, 0.6, 0.9])
    def test_truncated_anywhere(self, cut):
        truncated = VALID[: int(len(VALID) * cut)]
        with pytest.raises(VulnerabilitiesError):
            parse_vulnerabilities(truncated)

    def test_truncated_gzip(self):
        with pytest.raises(VulnerabilitiesError, match="corrupt"):
            parse_vulnerabilities(gzip.compress(VALID)[:-30])

    def test_nul_byte(self):
        with pytest.raises(VulnerabilitiesError, match="NUL"):
            parse_vulnerabilities(VALID.replace(b"# Please", b"#\0Please"))


class TestDataLines:
    def entries(self, data_lines):
        return parse_vulnerabilities(sign(b"#FORMAT 1.1.0\n@CHECKSUMS@\n" + data_lines)).entries

    def test_missing_fields(self):
        with pytest.raises(VulnerabilitiesError, match="missing classification"):
            self.entries(b"foo<1\n")
        with pytest.raises(VulnerabilitiesError, match="missing URL"):
            self.entries(b"foo<1 remote-code-execution   \n")

    def test_pkg_install_zero_quirk(self):
        # pkg_install compares with '0' where it means '\0': a type or URL starting
        # with the digit 0 is refused there, so it is refused here.
        with pytest.raises(VulnerabilitiesError, match="missing classification"):
            self.entries(b"foo<1 0day http://x/\n")
        with pytest.raises(VulnerabilitiesError, match="missing URL"):
            self.entries(b"foo<1 overflow 0http://x/\n")

    def test_leading_blank_gives_an_empty_pattern(self):
        assert self.entries(b" overflow http://x/ ignored\n") == (VulnerabilityEntry("", "overflow", "http://x/"),)

    def test_unbalanced_pattern_fails_the_file(self):
        with pytest.raises(VulnerabilitiesError, match="unbalanced"):
            self.entries(b"foo{bar<1 overflow http://x/\n")

    def test_bytes_are_kept(self):
        (entry,) = self.entries(b"caf\xe9<1 overflow http://x/\xff\n")
        assert entry.pattern.encode("utf-8", "surrogateescape") == b"caf\xe9<1"


class TestRender:
    @pytest.mark.parametrize("algorithm", ["SHA1", "SHA512"])
    def test_round_trip(self, algorithm):
        data = render_vulnerabilities(ENTRIES, algorithm=algorithm)
        vulns = parse_vulnerabilities(data)
        assert [tuple(vars(e).values()) for e in vulns.entries] == ENTRIES
        assert vulns.verified_with == (algorithm,)

    def test_checksum_matches_an_independent_computation(self):
        data = render_vulnerabilities(ENTRIES)
        assert sign(b"".join(
            b"@CHECKSUMS@\n" if line.startswith(b"#CHECKSUM") else line for line in data.splitlines(keepends=True)
        ), ("SHA512",)) == data

    def test_empty_file_is_valid(self):
        assert parse_vulnerabilities(render_vulnerabilities([])).entries == ()

    @pytest.mark.parametrize(
        "entry", [("foo<1", "two words", "http://x/"), ("foo{<1", "t", "u"), ("f<1", "t", "")]
    )
    def test_unwritable_entries(self, entry):
        with pytest.raises(ValueError):
            render_vulnerabilities([entry])

    def test_unknown_algorithm(self):
        with pytest.raises(ValueError):
            render_vulnerabilities(ENTRIES, algorithm="MD5")

    def test_content_digest_is_public_for_other_writers(self):
        assert content_digest(b"a\n\n# $NetBSD x\nb\n", "SHA1") == hashlib.sha1(b"a\nb\n").hexdigest()


def test_messages_give_file_line_numbers_inside_a_pgp_wrapper():
    wrapped = b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n#FORMAT 1.1.0\n@CHECKSUMS@\nfoo<1\n"
    signed = sign(wrapped, ("SHA512",), end_marker=b"-----BEGIN PGP SIGNATURE-----\n")
    with pytest.raises(VulnerabilitiesError, match="line 6: missing classification"):
        parse_vulnerabilities(signed)
