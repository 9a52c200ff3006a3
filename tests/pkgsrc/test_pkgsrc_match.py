"""pkg_match / best_match against pkg_install's opattern.c and dewey.c."""
import pytest
from hypothesis import given, settings, strategies as st

from origin_ci.pkgsrc.dewey import dewey_cmp
from origin_ci.pkgsrc.match import (
    PatternError,
    best_match,
    compile_pattern,
    dash_prefixes,
    expand_alternatives,
    pkg_match,
)

# (pattern, pkgname, expected). Sources are named per block.
CASES = [
    # pkg_info(1) PACKAGE WILDCARDS and pkg_admin(1) lsall/lsbest examples.
    ("name>=1.3", "name-1.3", True),
    ("name>=1.3", "name-1.2.9", False),
    ("name>=1.3", "name-1.3rc3", False),
    ("name>=1.3<2.0", "name-1.3", True),
    ("name>=1.3<2.0", "name-1.99", True),
    ("name>=1.3<2.0", "name-2.0", False),
    ("unzip*", "unzip-5.40", True),
    ("unzip>=5.40", "unzip-5.40", True),
    ("unzip>=5.41", "unzip-5.40", False),
    ("unzip>=5.41", "unzip-5.41", True),
    ("{mit,unproven}-pthread*", "mit-pthreads-1.60b6", True),
    ("{mit,unproven}-pthread*", "unproven-pthreads-0.15", True),
    ("{mit,unproven}-pthread*", "proven-pthreads-0.15", False),
    # REFERENCE.md §4.
    ("foo", "foo-1.0", True),
    ("foo", "foobar-1.0", False),
    ("foo<2.0", "foo-2.0nb1", False),
    ("foo>=1.0<2.0", "foo-2.0rc1", True),
    # pkgsrc-rs pattern.rs tests.
    ("a-{b,c}-{d{e,f},g}-h>=1", "a-b-de-h-2", True),
    ("a-{b,c}-{d{e,f},g}-h>=1", "a-b-df-h-2", True),
    ("a-{b,c}-{d{e,f},g}-h>=1", "a-b-g-h-2", True),
    ("a-{b,c}-{d{e,f},g}-h>=1", "a-c-de-h-2", True),
    ("a-{b,c}-{d{e,f},g}-h>=1", "a-c-df-h-2", True),
    ("a-{b,c}-{d{e,f},g}-h>=1", "a-c-g-h-2", True),
    ("a-{b,c}-{d{e,f},g}-h>=1", "a-a-g-h-2", False),
    ("a-{b,c}-{d{e,f},g}-h>=1", "a-b-d-h-2", False),
    ("foo*{a,b}-[0-9]*", "fooxa-1", True),
    ("abc{d,e}-[0-9]*", "abz-1.0", False),
    ("{mysql,mariadb,percona}-client-[0-9]*", "mariadb-client-11.4.3", True),
    ("{mysql,mariadb,percona}-client-[0-9]*", "postgresql-client-16.4", False),
    ("foo>1", "foo-1.1", True),
    ("foo>1", "foo-1.0pl1", True),
    ("foo<1", "foo-1.0alpha1", True),
    ("foo>=1", "foo-1.0", True),
    ("foo>=1<2", "foo-1.0", True),
    ("foo>1<2", "foo-1.0nb2", True),
    ("foo>1.1.1<2", "foo-1.22b2", True),
    ("librsvg>=2.12<2.41", "librsvg-2.13", True),
    ("librsvg>=2.12<2.41", "librsvg-2.11", False),
    ("librsvg>=2.12<2.41", "librsvg-2.12alpha", False),
    ("librsvg>=2.12<2.41", "librsvg-2.41", False),
    ("librsvg>=2.12<2.41", "librsvg", False),
    ("pkg>=0", "pkg-", True),
    ("pkg>=0", "pkg", False),
    ("foo>1.1", "foo-1.1blah2", True),
    ("foo>1.1a2", "foo-1.1blah2", True),
    ("foo>1.1c2", "foo-1.1blah2", False),
    ("foo>1alpha<2beta", "foo-2.5", False),
    ("foo>1", "foo-0.5", False),
    ("foo>1", "foo-1.0", False),
    ("foo>1", "foo-1.0alpha1", False),
    ("foo>1nb3", "foo-1.0nb2", False),
    ("bar>=1", "foo-1.0", False),
    ("foo>=1", "foo", False),
    ("pkg>1.0alpha3nb2<2.0beta4nb7", "pkg-1.0alpha3nb3", True),
    ("pkg>1.0alpha3nb2<2.0beta4nb7", "pkg-2.0beta3nb8", True),
    ("pkg>1.0alpha3nb2<2.0beta4nb7", "pkg-2.0beta4nb7", False),
    ("pkg>1.0.0.0alphanb1", "pkg-1", True),
    ("pkg>1.0.0.0alphanb1", "pkg-1.0alpha", False),
    ("pkg>", "pkg-0", False),
    ("pkg>", "pkg-0nb1", True),
    ("spandsp>=0.0.6pre18", "spandsp-0.0.6rc18", True),
    ("spandsp>=0.0.6pre18", "spandsp-0.0.6rc17", False),
    ("my-package>=1.0", "other-package-1.0", False),
    ("pkg>=1.0", "pkg1.0", False),
    ("foo-[0-9]*", "foo-1.0", True),
    ("fo?-[0-9]*", "foo-1.0", True),
    ("*oo-[0-9]*", "foo-1.0", True),
    ("foo-[0-9]", "foo-1", True),
    ("foo-[2-9]*", "foo-1.0", False),
    ("fo-[0-9]*", "foo-1.0", False),
    ("mutt-[0-9]*", "mutt-vid-1.1", False),
    ("foo-1.0", "foo-1.0", True),
    ("foo-1.1", "foo-1.0", False),
    # pkgsrc-rs rejects these; pkg_install does not, and pkg_install is the authority.
    ("foo<1>0", "foo-0.5", True),  # after "<" the rest ("1>0") is all version: [1, 0]
    ("foo<1>0", "foo-1", False),
    ("foo>1<2<3", "foo-1.5", True),  # upper bound "2<3": the "<" is skipped, [2, 3]
    ("foo>1<2<3", "foo-2.9", True),  # [2, 0, 9] < [2, 3]
    ("foo>1<2<3", "foo-3", False),
    ("{foo,bar}}>=1", "foo}-1", True),  # a stray "}" is an ordinary character
    ("foo}>=1", "foo}-2", True),
    # Globs are not interpreted in dewey patterns.
    ("foo*>=1", "foox-2", False),
    ("foo*>=1", "foo*-2", True),
    # Empty and nested alternatives.
    ("mpg123{,-esound,-nas}>=0.59.18", "mpg123-0.60", True),
    ("mpg123{,-esound,-nas}>=0.59.18", "mpg123-nas-0.60", True),
    ("mpg123{,-esound,-nas}>=0.59.18", "mpg123-esd-0.60", False),
    ("foo{}-1", "foo-1", True),
    ("{a,{b,{c,d}}}-1", "d-1", True),
    # The -[0-9]* fallback applies to globs and exact names, not to dewey or braces.
    ("py*-foo", "py311-foo-1.0", True),
    ("py3?-foo", "py311-foo-1.0", False),
    ("foo-1", "foo-1-2", True),  # foo-1 + -[0-9]*
    ("foo", "foo-bar-1", False),
    ("foo", "foo-1-bar", True),
    ("foo", "foo", True),
    ("foo", "foo-", False),
    ("foo", "foo-x1", False),
    # FNM_PERIOD: a leading period is only matched literally; "/" is ordinary.
    ("*", ".foo-1", False),
    ("?foo-1", ".foo-1", False),
    ("[.]foo-1", ".foo-1", False),
    (".foo-[0-9]*", ".foo-1", True),
    ("\\.foo-[0-9]*", ".foo-1", True),
    ("*-1", "a/b-1", True),
    ("*.1", "foo-1.1", True),
    # Bracket expressions: negation with ! and ^, leading ], ranges, escapes.
    ("foo-[!0-9]*", "foo-x", True),
    ("foo-[!0-9]*", "foo-1", False),
    ("foo-[^0-9]*", "foo-x", True),
    ("foo-[]]", "foo-]", True),
    ("foo-[!]]", "foo-]", False),
    ("foo-[a-]", "foo--", True),
    ("foo-[z-a]", "foo-m", False),
    ("foo-[\\]]", "foo-]", True),
    ("foo-[", "foo-[", True),  # unterminated: "[" is literal (POSIX, illumos)
    ("foo-\\*", "foo-*", True),
    ("foo-\\*", "foo-1", False),
    ("foo\\", "foo\\", True),  # a trailing backslash is literal
    ("foo-?", "foo-\n", True),
]


@pytest.mark.parametrize("pattern,pkgname,expected", CASES)
def test_pkg_match(pattern, pkgname, expected):
    assert pkg_match(pattern, pkgname) is expected


@pytest.mark.parametrize(
    "pattern", ["{", "foo{", "{foo,bar", "{{foo,bar}>=1", "}{", "{a}{b", "a-{b,{c}-1", "{x,y}z{"]
)
def test_unclosed_brace_is_an_error_whatever_the_package(pattern):
    for pkgname in ("foo-1.0", "zzz-1", "x"):
        with pytest.raises(PatternError):
            pkg_match(pattern, pkgname)


def test_expand_alternatives_order():
    assert expand_alternatives("a{b,c{d,e}}f{,g}") == ["abf", "abfg", "acdf", "acdfg", "acef", "acefg"]
    assert expand_alternatives("{,}") == ["", ""]


def test_man_page_collation_examples():
    # pkg_info(1): rc before release and after the previous version; alpha < beta < rc;
    # letters sort as their numeric counterparts; "pl" is a dot.
    assert dewey_cmp("1.2.9", "1.3rc3") < 0 < dewey_cmp("1.3", "1.3rc3")
    assert dewey_cmp("1.3alpha2", "1.3beta1") < 0 < dewey_cmp("1.3rc1", "1.3beta1")
    assert dewey_cmp("1.2e", "1.2.5") == 0
    assert dewey_cmp("1.2pl3", "1.2.3") == 0


class TestBestMatch:
    def test_highest_version_wins(self):
        names = ["unzip-5.40", "unzip-5.41", "zip-9"]
        assert best_match("unzip>=5.40", names) == "unzip-5.41"  # pkg_admin(1) lsbest
        assert best_match("pkg>1<3", ["pkg-0.5", "pkg-1.1", "pkg-2.0", "pkg-3.0"]) == "pkg-2.0"

    def test_no_match(self):
        assert best_match("foo>=2", ["foo-1", "bar-3"]) is None
        assert best_match("foo-[0-9]*", []) is None

    def test_ties_go_to_the_smaller_name_like_pkg_order(self):
        # pkgsrc-rs best_match_order / best_match_alternate.
        names = ["mpg123-nas-1", "mpg123-esound-1", "mpg123-1"]
        assert best_match("mpg123{,-esound,-nas}>=0.59.18", names) == "mpg123-1"
        assert best_match("{foo,bar}-[0-9]*", ["foo-1.0", "bar-1.0"]) == "bar-1.0"
        assert best_match("{foo,bar}-[0-9]*", ["bar-1.0", "foo-1.1"]) == "foo-1.1"
        assert best_match("foo-[0-9]*", ["foo-1.0.0", "foo-1.0"]) == "foo-1.0"

    def test_nb_revision_counts(self):
        assert best_match("foo-[0-9]*", ["foo-1.0nb2", "foo-1.0nb10", "foo-1.0"]) == "foo-1.0nb10"

    def test_versionless_name_loses(self):
        assert best_match("foo*", ["foo", "foo-0.1"]) == "foo-0.1"
        assert best_match("foo*", ["foo"]) == "foo"

    def test_order_independent(self):
        names = ["p-1.0", "p-1.0.0", "p-0.9", "p-1.0rc1", "p-1.0nb1"]
        assert best_match("p-[0-9]*", names) == best_match("p-[0-9]*", reversed(names)) == "p-1.0nb1"


versions = st.lists(
    st.one_of(st.integers(0, 12).map(str), st.sampled_from([".", "alpha", "rc", "nb", "pl", "b"])),
    min_size=1,
    max_size=5,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(versions, versions, versions)
def test_range_is_the_conjunction_of_its_bounds(low, high, candidate):
    pkgname = f"pkg-{candidate}"
    both = pkg_match(f"pkg>={low}<{high}", pkgname)
    assert both == (pkg_match(f"pkg>={low}", pkgname) and pkg_match(f"pkg<{high}", pkgname))
    assert pkg_match(f"pkg>={low}", pkgname) == (dewey_cmp(candidate, low) >= 0)
    assert pkg_match(f"pkg<={high}", pkgname) == (dewey_cmp(candidate, high) <= 0)


@settings(max_examples=100, deadline=None)
@given(st.lists(versions, min_size=1, max_size=6))
def test_best_match_is_a_maximum(candidate_versions):
    names = [f"pkg-{v}" for v in candidate_versions]
    best = best_match("pkg-[0-9]*", names)
    matching = [n for n in names if pkg_match("pkg-[0-9]*", n)]
    if not matching:
        assert best is None
    else:
        assert all(dewey_cmp(best[4:], other[4:]) >= 0 for other in matching)


# The index keys and required substrings that audits and NameIndex rely on: for every
# name a brace-free pattern matches, its key is one of the name's dash prefixes and its
# required text is a substring of the name.
glob_piece = st.sampled_from(["a", "b-", "-", "1", ".", "*", "?", "[ab]", "[!a]", "[", "]", "\\", "\\*", "-[0-9]*", "x"])
glob_text = st.lists(glob_piece, min_size=1, max_size=5).map("".join)
name_text = st.lists(st.sampled_from(["a", "b", "-", "1", ".", "[", "]", "\\", "*", "x"]), max_size=7).map("".join)


@settings(max_examples=400, deadline=None)
@given(glob_text, name_text)
def test_index_key_and_required_text_hold_for_every_match(pattern, pkgname):
    for alternative in compile_pattern(pattern).alternatives:
        if alternative.matches(pkgname):
            key = alternative.index_key()
            assert key is None or key in dash_prefixes(pkgname)
            assert alternative.required_text in pkgname
