"""Audit: findings as pkg_admin audit-pkg, fixability, and the index against brute force."""
from hypothesis import given, settings, strategies as st

from origin_ci.pkgsrc.audit import Auditor, Finding, audit
from origin_ci.pkgsrc.match import NameIndex, pkg_match
from origin_ci.pkgsrc.summary import SummaryRecord
from origin_ci.pkgsrc.vulnerabilities import parse_vulnerabilities, render_vulnerabilities

ENTRIES = [
    ("openssl<1.1.1t", "denial-of-service", "https://example.org/CVE-2023-0286"),
    ("openssl>=1.1.1<1.1.1w", "information-leak", "https://example.org/CVE-2023-5678"),
    ("curl>=7.7<8.4.0", "heap-overflow", "https://curl.se/docs/CVE-2023-38545.html"),
    ("php{56,70,71}-[0-9]*", "eol", "https://www.php.net/eol.php"),
    ("*-gtk2-[0-9]*", "unmaintained", "https://example.org/gtk2"),  # not indexable
    ("py{27,38}-django<3.2.20", "sql-injection", "https://example.org/django"),
    ("sudo<1.9.12p2", "privilege-escalation", "https://example.org/sudo"),
]
VULNS = parse_vulnerabilities(render_vulnerabilities(ENTRIES))


def records(*pkgnames):
    return [SummaryRecord([("PKGNAME", name)]) for name in pkgnames]


def test_findings_in_package_then_file_order():
    findings = audit(["sudo-1.9.12p1", "zlib-1.2.13", "openssl-1.1.1s", "php70-7.0.33nb1"], VULNS)
    assert [(f.package, f.pattern) for f in findings] == [
        ("sudo-1.9.12p1", "sudo<1.9.12p2"),
        ("openssl-1.1.1s", "openssl<1.1.1t"),
        ("openssl-1.1.1s", "openssl>=1.1.1<1.1.1w"),
        ("php70-7.0.33nb1", "php{56,70,71}-[0-9]*"),
    ]
    assert findings[0] == Finding("sudo-1.9.12p1", "sudo<1.9.12p2", "privilege-escalation",
                                  "https://example.org/sudo", None, None)
    assert findings[-1].end_of_life and not findings[0].end_of_life


def test_clean_inventory():
    assert audit(["openssl-3.0.12", "curl-8.4.0", "py311-django-4.2", "sudo-1.9.15"], VULNS) == []


def test_unindexable_patterns_still_count():
    assert [f.pattern for f in audit(["py39-gtk2-2.24"], VULNS)] == ["*-gtk2-[0-9]*"]


def test_braces_expand_before_indexing():
    assert [f.package for f in audit(["py38-django-3.2.19", "py39-django-3.2.19"], VULNS)] == ["py38-django-3.2.19"]


class TestFixable:
    def test_newest_available_no_longer_matches(self):
        repo = records("openssl-1.1.1s", "openssl-1.1.1w", "openssl-1.1.1v", "sudo-1.9.12p1", "curl-8.3.0nb1")
        findings = audit(["openssl-1.1.1s", "sudo-1.9.12p1", "curl-8.0.1", "php56-5.6.40"], VULNS, repo)
        summary = [(f.package, f.pattern, f.fixable, f.newest_available) for f in findings]
        assert summary == [
            ("openssl-1.1.1s", "openssl<1.1.1t", True, "openssl-1.1.1w"),
            ("openssl-1.1.1s", "openssl>=1.1.1<1.1.1w", True, "openssl-1.1.1w"),
            ("sudo-1.9.12p1", "sudo<1.9.12p2", False, "sudo-1.9.12p1"),
            ("curl-8.0.1", "curl>=7.7<8.4.0", False, "curl-8.3.0nb1"),
            ("php56-5.6.40", "php{56,70,71}-[0-9]*", False, None),  # not in the repository
        ]

    def test_fix_for_one_entry_not_the_other(self):
        repo = records("openssl-1.1.1v")
        findings = audit(["openssl-1.1.1s"], VULNS, repo)
        assert [(f.pattern, f.fixable) for f in findings] == [
            ("openssl<1.1.1t", True), ("openssl>=1.1.1<1.1.1w", False)]


def test_auditor_reuse_gives_the_same_answers():
    auditor = Auditor(VULNS)
    first = auditor.audit(["openssl-1.1.1s", "curl-8.0.1"])
    assert auditor.audit(["curl-8.0.1", "openssl-1.1.1s"]) == first[2:] + first[:2]


# Index against brute force: patterns and names built from the same small alphabet so
# that they often collide, including dashes, globs, braces, backslashes and ranges.
name_part = st.sampled_from(["a", "ab", "b", "py3", "x.y"])
version = st.sampled_from(["1", "1.0", "2.0nb1", "1.0rc1", "0.9", "10"])
pkgnames = st.builds(lambda parts, v: "-".join(parts + [v]), st.lists(name_part, min_size=1, max_size=3), version)
pattern_piece = st.sampled_from(
    ["a", "ab", "b", "py3", "-", "*", "?", "[ab]", "{a,b}", "{,-b}", "\\a", ">=1", "<2", ">1<2", "-[0-9]*", "x.y"]
)
patterns = st.lists(pattern_piece, min_size=1, max_size=4).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(patterns, min_size=1, max_size=6), st.lists(pkgnames, min_size=1, max_size=6))
def test_auditor_equals_brute_force(entry_patterns, names):
    entries = [(pattern, "t", f"http://x/{i}") for i, pattern in enumerate(entry_patterns)]
    try:
        vulns = parse_vulnerabilities(render_vulnerabilities(entries))
    except ValueError:
        return  # an unbalanced brace: no file to audit
    expected = [(name, pattern) for name in names for pattern in entry_patterns if pkg_match(pattern, name)]
    assert [(f.package, f.pattern) for f in audit(names, vulns)] == expected


@settings(max_examples=200, deadline=None)
@given(patterns, st.lists(pkgnames, max_size=8))
def test_name_index_equals_brute_force(pattern, names):
    try:
        expected = [name for name in names if pkg_match(pattern, name)]
    except ValueError:
        return
    assert NameIndex(names).matches(pattern) == list(dict.fromkeys(expected))
