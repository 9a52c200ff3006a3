import textwrap

import pytest

from origin_ci.configfile import ConfigFileError
from origin_ci.flavours import DEFAULT_PACKAGES, load_flavours, parse_flavours
from origin_ci.paths import DEFAULT_CONFIG_DIR

ORIGIN_24 = """
  - origin_name: minimal-64-lts
    origin_version: 24.4.1
    origin_uuid: 41bd4100-eb86-409a-85b0-e649aadf6f62
"""


def problems_of(text):
    with pytest.raises(ConfigFileError) as caught:
        parse_flavours(textwrap.dedent(text), "test/flavours.yaml")
    return caught.value.problems


def test_the_shipped_matrix_is_the_rfd_46_set():
    flavours = load_flavours(f"{DEFAULT_CONFIG_DIR}/flavours.yaml")
    assert [f.image_name for f in flavours] == [
        "triton-origin-multiarch-15.4.1", "triton-origin-x86_64-18.4.0",
        "triton-origin-x86_64-19.4.0", "triton-origin-x86_64-21.4.0",
        "triton-origin-x86_64-23.4.0", "triton-origin-x86_64-24.4.1"]
    pinned = flavours[0]
    assert pinned.packages == ("coreutils-8.23nb2", "curl-7.51.0", "gsed-4.2.2nb4", "patch-2.7.5",
                               "sudo-1.8.15")
    assert (pinned.upgrade, pinned.pkgsrc_branch, pinned.pkgsrc_arch) == (False, "2015Q4", "multiarch")
    assert pinned.origin_uuid == "ede31770-e19c-11e5-bb6e-3b7de3cca9ce"
    newest = flavours[-1]
    assert (newest.packages, newest.upgrade, newest.version_series) == (DEFAULT_PACKAGES, True, "1.0")
    assert newest.origin_uuid == "41bd4100-eb86-409a-85b0-e649aadf6f62"


def test_flavour_settings_override_defaults():
    [flavour] = parse_flavours("defaults: {packages: [curl], version: '2.3'}\nflavours:" + ORIGIN_24 +
                               "    packages: [sudo, 'patch>=2.7']\n    upgrade: false\n")
    assert flavour.packages == ("sudo", "patch>=2.7")
    assert (flavour.version_series, flavour.upgrade) == ("2.3", False)
    assert flavour.to_plan()["pkgsrc_branch"] == "2024Q4"


def test_unknown_key_is_named_with_its_path():
    assert problems_of("flavours:" + ORIGIN_24 + "    pakages: [curl]\n") == [
        ("flavours[0].pakages", "unknown key (allowed: audit_policy, description, origin_name, "
                                "origin_uuid, origin_version, packages, size_policy, upgrade, version)")]


def test_report_policies_default_to_warn_and_are_checked():
    [flavour] = parse_flavours("defaults: {size_policy: fail}\nflavours:" + ORIGIN_24)
    assert (flavour.to_plan()["audit_policy"], flavour.to_plan()["size_policy"]) == ("warn", "fail")
    [(key, message)] = problems_of("flavours:" + ORIGIN_24 + "    size_policy: ignore\n")
    assert key == "flavours[0].size_policy" and "'ignore'" in message


@pytest.mark.parametrize("field, value, reason", [
    ("origin_name", "minimal-65-lts", "is not a pkgsrc LTS origin series"),
    ("origin_name", "minimal-64", "is not a pkgsrc LTS origin series"),
    ("origin_version", "'24.1.0'", "is not an LTS origin version"),
    ("origin_version", "24.4", "must be a string: quote it in YAML"),
    ("origin_uuid", "41BD4100-EB86-409A-85B0-E649AADF6F62", "is not a lowercase UUID"),
])
def test_bad_origin_fields(field, value, reason):
    text = "flavours:" + ORIGIN_24.replace(f"{field}: ", f"{field}: {value} #", 1)
    [(key, message)] = problems_of(text)
    assert key == f"flavours[0].{field}"
    assert reason in message


@pytest.mark.parametrize("package", ["cur l", "curl;rm -rf /", "$(id)", "'curl'", "{curl,wget",
                                     "curl}", "-curl", ""])
def test_packages_that_are_not_pkgsrc_names_or_patterns_are_refused(package):
    [(key, message)] = problems_of("flavours:" + ORIGIN_24 + f"    packages: [curl, {package!r}]\n")
    assert key == "flavours[0].packages[1]"
    assert repr(package) in message


@pytest.mark.parametrize("package", ["curl", "curl-7.51.0", "curl>=7.40<8", "{curl,wget}-[0-9]*",
                                     "py311-yaml", "gtk2+", "perl-5.*"])
def test_pkgsrc_patterns_are_accepted(package):
    [flavour] = parse_flavours("flavours:" + ORIGIN_24 + f"    packages: [{package!r}]\n")
    assert flavour.packages == (package,)


def test_bad_default_is_blamed_on_defaults():
    [(key, _)] = problems_of("defaults: {version: '1'}\nflavours:" + ORIGIN_24)
    assert key == "defaults.version"


def test_duplicate_flavour():
    assert problems_of("flavours:" + ORIGIN_24 + ORIGIN_24) == [
        ("flavours[1]", "duplicate flavour triton-origin-x86_64-24.4.1 (also flavours[0])")]


def test_yaml_syntax_error_names_the_line():
    [(key, message)] = problems_of("flavours: [\n")
    assert key.startswith("line 2")
    assert "not valid YAML" in message


def test_error_text_names_file_key_and_reason():
    with pytest.raises(ConfigFileError, match=r"^test/flavours.yaml: flavours\[0\].upgrade: 'yes' is not of type 'boolean'$"):
        parse_flavours("flavours:" + ORIGIN_24 + "    upgrade: 'yes'\n", "test/flavours.yaml")


def test_missing_file():
    with pytest.raises(ConfigFileError, match="nowhere.yaml: \\(file\\): cannot be read"):
        load_flavours("/nowhere.yaml")
