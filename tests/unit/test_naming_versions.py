import pytest

from origin_ci import naming, versions


@pytest.mark.parametrize("origin, version, name, branch", [
    ("minimal-multiarch-lts", "15.4.1", "triton-origin-multiarch-15.4.1", "2015Q4"),
    ("minimal-64-lts", "24.4.1", "triton-origin-x86_64-24.4.1", "2024Q4"),
    ("minimal-32-lts", "16.4.0", "triton-origin-i386-16.4.0", "2016Q4"),
    ("base-64-lts", "18.4.12", "triton-origin-x86_64-18.4.12", "2018Q4"),
])
def test_rfd_46_names(origin, version, name, branch):
    assert naming.image_name(origin, version) == name
    assert naming.pkgsrc_branch(version) == branch


@pytest.mark.parametrize("origin, version", [
    ("minimal-64", "19.1.0"), ("minimal-64-lts", "19.1.0"), ("minimal-64-lts", "24.4"),
    ("minimal-arm64-lts", "24.4.1"), ("minimal-64-lts", "24.4.1-rc1")])
def test_non_lts_origins_are_refused(origin, version):
    with pytest.raises(naming.NamingError):
        naming.image_name(origin, version)


@pytest.mark.parametrize("published, expected", [
    ([], "1.0.0"),
    (["1.0.0"], "1.0.1"),
    (["1.0.0", "1.0.9", "1.0.10", "1.0.2"], "1.0.11"),
    (["1.1.5", "2.0.0", "1.0.3"], "1.0.4"),
    (["master-20200130T200825Z-gbb45b8d", "1.0.01", "1.0.x"], "1.0.0"),
])
def test_next_version_is_one_above_the_highest_published_patch(published, expected):
    assert versions.next_version("1.0", published) == expected


@pytest.mark.parametrize("series", ["1", "1.0.0", "01.0", "a.b", "", None, 1.0])
def test_bad_series(series):
    with pytest.raises(versions.VersionError):
        versions.check_series(series)
