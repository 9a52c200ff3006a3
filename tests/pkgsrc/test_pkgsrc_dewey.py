"""dewey_cmp against pkg_install's dewey.c, using other implementations' test vectors."""
import pytest
from hypothesis import given, settings, strategies as st

from origin_ci.pkgsrc.dewey import DeweyVersion, dewey_cmp, parse_version

# pkg_summary-utils' pkgsrc-dewey-test.txt (an awk reimplementation's tests): "A B relation".
# Where that awk code and dewey.c disagree, dewey.c is the authority and the relation here
# is dewey.c's, marked "dewey.c:" with the awk claim after it.
PKG_SUMMARY_UTILS_VECTORS = """
1 1 =
1 2 <
1.1 2.1 <
1.1 1.2 <
1.1 1.1.1 <
1.1alpha1 1.1alpha2 <
1.1beta3 1.1beta10 <
1.1alpha3 1.1beta1 <
1.1beta3 1.1rc1 <
1.1rc3 1.1pre3 =
1.1pre3 1.1 <
1.1 1pl1 =
1.1 1.1nb1 <
1.1nb1 1.1nb1 =
1.1nb1 1.1nb10 <
1.1nb2 1.1nb10 <
1.1alpha1 1.1.2 <
1.1beta3 1.1.2 <
1.1rc3 1.1.2 <
1.1pre3 1.1.2 <
1.1nb3 1.1.2 <
1.1beta1 1.1BETA1 =
1.1b 1.1B =
1.1stable 1.1StAbLe =
1.1A 1.1.a >  dewey.c: [1,0,1,0,1] vs [1,0,1,0,0,1]; awk says =
1.1 1_1 =
1.stable2.3 1_stable2_3 =
1a2 1_1_2 >  dewey.c: [1,0,1,2] vs [1,0,1,0,2]; awk says =
1zzz 1.26.26.26 =
1znb5 1.26nb5 =
1z 1.26nb5 <
1.26nb5 1z5 <
0001.00023.000456 1.23.456 =
0001beta00023rc000456 1beta23rc456 =
1.0.4nb1 1.2nb1 <
1.0.4nb1 1.1nb1 <
1.1nb1 1.2nb1 <
22 101 <
101 202 <
22 10001 <
22 1001 <
1.0alpha1 1.0.0.0alpha1 <  dewey.c: -3 meets a padding 0; awk says =
1.0beta1 1.0.0.0beta1 <  dewey.c; awk says =
1.0rc1 1.0.0.0rc1 <  dewey.c; awk says =
1.0pre1 1.0.0.0pre1 <  dewey.c; awk says =
1.0nb1 1.0.0.0nb1 =
1.0pl1 1.0.0.0pl1 >
0.0alpha1 0.0.0.0alpha1 <  dewey.c; awk says =
0.0pl1 0.0.0.0pl1 >
"""
RELATION = {"<": -1, "=": 0, ">": 1}


@pytest.mark.parametrize(
    "a,b,relation", [line.split()[:3] for line in PKG_SUMMARY_UTILS_VECTORS.strip().splitlines()]
)
def test_pkg_summary_utils_vectors(a, b, relation):
    assert dewey_cmp(a, b) == RELATION[relation]
    assert dewey_cmp(b, a) == -RELATION[relation]


# pkglint's pkgver Test_Compare: groups in ascending order, members of a group equal.
PKGLINT_ORDERED_GROUPS = [
    ["0pre20160620"],
    ["0"],
    ["nb1"],
    ["0.0.1-SNAPSHOT"],
    ["1.0alpha"],
    ["1.0alpha3"],
    ["1", "1.0", "1.0.0"],
    ["1.0nb1"],
    ["1.0nb2", "1_0nb2"],
    ["1.0.aa"],
    ["1.0.a1"],
    ["1.0.k"],
    ["1.0.1a"],
    ["1.0.1z"],
    ["1.0.11", "1.0k"],
    ["1.2", "1.2nb0", "1.2nb17nb0"],
    ["2.0pre", "2.0rc"],
    ["2.0", "2.0pl"],
    ["2.0.1nb4"],
    ["2.0.1nb17"],
    ["2.5beta"],
    ["5.0"],
    ["5.0nb5"],
    ["5.5", "5.005"],
    ["2021.06.17", "2021.6.17"],
    ["2021.12.01", "2021.12.1"],
    ["20151110"],
]


def test_pkglint_total_order():
    for i, group_i in enumerate(PKGLINT_ORDERED_GROUPS):
        for j, group_j in enumerate(PKGLINT_ORDERED_GROUPS):
            expected = (i > j) - (i < j)
            for a in group_i:
                for b in group_j:
                    assert dewey_cmp(a, b) == expected, (a, b)


# pkglint's Test_newVersion: the integer list (trailing zeros are insignificant, so
# compared here without them) and the nb revision.
PKGLINT_PARSES = [
    ("5.0", [5, 0, 0], 0),
    ("5.0nb5", [5, 0, 0], 5),
    ("0.0.1-SNAP", [0, 0, 0, 0, 1, 0, 19, 0, 14, 0, 1, 0, 16], 0),
    ("1.0alpha3", [1, 0, 0, -3, 3], 0),
    ("1_0alpha3", [1, 0, 0, -3, 3], 0),
    ("2.5beta", [2, 0, 5, -2], 0),
    ("20151110", [20151110], 0),
    ("0", [0], 0),
    ("nb1", [], 1),
    ("1.0.1a", [1, 0, 0, 0, 1, 0, 1], 0),
    ("1.1.1dnb2", [1, 0, 1, 0, 1, 0, 4], 2),
    ("1.0.1z", [1, 0, 0, 0, 1, 0, 26], 0),
    ("0pre20160620", [0, -1, 20160620], 0),
    ("1.2nb0", [1, 0, 2], 0),
    ("1.2nb5nb7", [1, 0, 2], 7),
    ("3.5.DEV1710", [3, 0, 5, 0, 0, 4, 0, 5, 0, 22, 1710], 0),
    # "nb" wins over the "b" of "beta" that overlaps it (pkglint's comment on dewey.c).
    ("1.0nonbeta", [1, 0, 0, 0, 14, 0, 15, 0, 5, 0, 20, 0, 1], 0),
    # pkgsrc-rs dewey.rs: modifiers (letters there are ASCII codes, here dewey.c's
    # alphabet positions) and an empty nb revision.
    ("1.0alpha1beta2rc3pl4_5nb17", [1, 0, 0, -3, 1, -2, 2, -1, 3, 0, 4, 0, 5], 17),
    ("100nb", [100], 0),
    ("", [], 0),
    ("é", [], 0),
]


@pytest.mark.parametrize("version,components,revision", PKGLINT_PARSES)
def test_parse_version(version, components, revision):
    assert parse_version(version) == DeweyVersion(components, revision)


def test_non_ascii_is_neither_letter_nor_digit():
    # C's isalpha/isdigit in the C locale: "²" and the Kelvin sign are skipped.
    assert dewey_cmp("1²", "1") == 0
    assert dewey_cmp("1\u212a", "1") == 0
    assert dewey_cmp("1K", "1.11") == 0


def test_numbers_do_not_overflow():
    assert dewey_cmp("20251208143052123456", "20251208143052123455") == 1


def test_reference_examples():
    # REFERENCE.md §4.
    assert dewey_cmp("1.0", "1.0.0") == 0
    assert dewey_cmp("1a", "1.1") == 0
    assert dewey_cmp("1.0alpha", "1") == -1


def test_equal_versions_hash_alike():
    assert hash(parse_version("1.0")) == hash(parse_version("1.0.0"))
    assert len({parse_version("1"), parse_version("1.0"), parse_version("1_0")}) == 1


# Versions built from the pieces dewey.c distinguishes, to exercise the ordering laws.
version_text = st.lists(
    st.one_of(
        st.integers(0, 30).map(str),
        st.sampled_from([".", "_", "alpha", "beta", "pre", "rc", "pl", "nb", "a", "z", "-", "B"]),
    ),
    max_size=7,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(version_text, version_text)
def test_antisymmetric(a, b):
    assert dewey_cmp(a, b) == -dewey_cmp(b, a)


@settings(max_examples=150, deadline=None)
@given(version_text, version_text, version_text)
def test_transitive(a, b, c):
    if dewey_cmp(a, b) <= 0 and dewey_cmp(b, c) <= 0:
        assert dewey_cmp(a, c) <= 0


@settings(max_examples=100, deadline=None)
@given(version_text)
def test_reflexive_and_zero_padding(a):
    assert dewey_cmp(a, a) == 0
    # Appending ".0" adds the components 0, 0: never a different version (unless the
    # string ends inside an "nb" revision, which would absorb the digit).
    if not a.rstrip("0123456789").endswith("nb"):
        assert dewey_cmp(a, a + ".0") == 0


@settings(max_examples=100, deadline=None)
@given(st.lists(version_text, min_size=1, max_size=8))
def test_sort_agrees_with_cmp(versions):
    ordered = sorted(versions, key=parse_version)
    for earlier, later in zip(ordered, ordered[1:]):
        assert dewey_cmp(earlier, later) <= 0
