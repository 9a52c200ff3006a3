"""origin_ci.imgmanifest: node-imgmanifest's rules for activated (and importing) manifests."""
import copy

import pytest

from origin_ci.imgmanifest import ManifestError, is_platform_version, validate_manifest

ORIGIN = "5417ab20-3156-11ea-8b19-2b66f5e7a439"


def activated_manifest(**changes):
    manifest = {
        "v": 2,
        "uuid": "2d74d0fb-8402-4e10-a145-86864b14bca7",
        "owner": "00000000-0000-0000-0000-000000000000",
        "name": "triton-origin-x86_64-19.4.0",
        "version": "master-20200130T200825Z-gbb45b8d",
        "state": "active",
        "disabled": False,
        "public": False,
        "published_at": "2020-01-30T20:08:25.123Z",
        "type": "zone-dataset",
        "os": "smartos",
        "origin": ORIGIN,
        "files": [{"sha1": "e6a828afa242ecad289f3114e6e2856ef2404a48", "size": 69223039,
                   "compression": "gzip"}],
        "description": "triton-origin image",
        "homepage": "https://github.com/TritonDataCenter/triton-origin-image",
        "requirements": {"min_platform": {"7.0": "20141030T081701Z"},
                         "networks": [{"name": "net0", "description": "admin"}]},
        "tags": {"smartdc_service": True, "git": "bb45b8d"},
    }
    manifest.update(changes)
    return manifest


def errors_of(manifest, **kwargs):
    with pytest.raises(ManifestError) as info:
        validate_manifest(manifest, **kwargs)
    return info.value.errors


def without(manifest, *fields):
    manifest = copy.deepcopy(manifest)
    for field in fields:
        del manifest[field]
    return manifest


def test_a_valid_private_manifest_passes():
    validate_manifest(activated_manifest())
    validate_manifest(activated_manifest(public=True), mode="public")


def test_every_error_names_field_code_and_message():
    errors = errors_of(without(activated_manifest(), "uuid", "owner"))
    assert {(e["field"], e["code"]) for e in errors} == {
        ("uuid", "MissingParameter"), ("owner", "MissingParameter")}
    assert all(e["message"] for e in errors)


@pytest.mark.parametrize("field", ["v", "uuid", "owner", "name", "version", "disabled", "state",
                                   "public", "type", "os", "published_at", "files"])
def test_required_fields_of_an_activated_image(field):
    errors = errors_of(without(activated_manifest(), field))
    assert [(e["field"], e["code"]) for e in errors] == [(field, "MissingParameter")]


def test_import_of_an_unactivated_image_needs_neither_files_nor_published_at():
    manifest = without(activated_manifest(state="unactivated"), "files", "published_at")
    validate_manifest(manifest, activated=False)
    assert [e["field"] for e in errors_of(manifest)] == ["published_at", "state", "files"]


@pytest.mark.parametrize("field,value", [
    ("uuid", "2D74D0FB-8402-4E10-A145-86864B14BCA7"),
    ("uuid", "not-a-uuid"),
    ("owner", 42),
    ("origin", "5417ab20"),
    ("v", 1),
    ("name", "bad:name"),
    ("name", "x" * 513),
    ("name", ""),
    ("version", "1.0 beta"),
    ("version", "v" * 129),
    ("type", "zone"),
    ("os", "freebsd"),
    ("state", "gone"),
    ("state", "unactivated"),
    ("state", "disabled"),
    ("disabled", "yes"),
    ("public", "maybe"),
    ("published_at", "2020-01-30T20:08Z"),
    ("published_at", "2020-01-30 20:08:25Z"),
    ("homepage", "ftp://example.com/"),
    ("homepage", "https://example.com/" + "x" * 120),
    ("description", "d" * 513),
    ("icon", "no"),
    ("acl", ["nope"]),
    ("tags", ["a"]),
    ("tags", {"big": "x" * 10240}),
    ("users", [{"name": "root", "password": "x"}]),
    ("billing_tags", ["x" * 129]),
    ("traits", {"n": 5}),
    ("channels", "dev"),
    ("error", "boom"),
    ("generate_passwords", 1),
])
def test_invalid_values(field, value):
    errors = errors_of(activated_manifest(**{field: value}))
    assert [(e["field"], e["code"]) for e in errors] == [(field, "Invalid")], errors


def test_version_allows_plus_since_os_5798():
    validate_manifest(activated_manifest(version="1.0.0+build.5"))


def test_maximum_lengths_are_inclusive():
    validate_manifest(activated_manifest(name="n" * 512, version="v" * 128))


def test_public_flag_must_match_the_server_mode():
    assert "private Images API" in errors_of(activated_manifest(public=True))[0]["message"]
    assert "public Images API" in errors_of(activated_manifest(), mode="public")[0]["message"]


def test_string_booleans_are_accepted_like_boolfromstring():
    validate_manifest(activated_manifest(disabled="false", public="false"))


def test_disabled_image_has_state_disabled():
    validate_manifest(activated_manifest(disabled=True, state="disabled"))


def test_unknown_top_level_fields_are_rejected():
    errors = errors_of(activated_manifest(creator_uuid=ORIGIN, color="blue"))
    assert [(e["field"], e["code"]) for e in errors] == [("color", "Invalid"),
                                                        ("creator_uuid", "Invalid")]


def test_deprecated_urn_is_tolerated():
    validate_manifest(activated_manifest(urn="sdc:sdc:base:1.0.0"))


@pytest.mark.parametrize("files", [
    [],
    "file",
    [{"sha1": "e6a828afa242ecad289f3114e6e2856ef2404a48", "size": 1, "compression": "gzip"}] * 2,
    [{"size": 1, "compression": "gzip"}],
    [{"sha1": "E6A8", "size": 1, "compression": "gzip"}],
    [{"sha1": "e6a828afa242ecad289f3114e6e2856ef2404a48", "size": 0, "compression": "gzip"}],
    [{"sha1": "e6a828afa242ecad289f3114e6e2856ef2404a48", "size": 21 * 1024 ** 3,
      "compression": "gzip"}],
    [{"sha1": "e6a828afa242ecad289f3114e6e2856ef2404a48", "size": 1, "compression": "zstd"}],
    [{"sha1": "e6a828afa242ecad289f3114e6e2856ef2404a48", "size": 1}],
])
def test_files_must_be_exactly_one_complete_file(files):
    assert {e["field"] for e in errors_of(activated_manifest(files=files))} == {"files"}


@pytest.mark.parametrize("compression", ["gzip", "bzip2", "xz", "none"])
def test_valid_compressions(compression):
    files = [{"sha1": "e6a828afa242ecad289f3114e6e2856ef2404a48", "size": 7,
              "compression": compression, "dataset_guid": "123"}]
    validate_manifest(activated_manifest(files=files))


@pytest.mark.parametrize("requirements,field", [
    ({"min_platform": {"7.0": "20141030T081701"}}, "requirements.min_platform"),
    ({"min_platform": {"7.0": "20111030T081701Z"}}, "requirements.min_platform"),
    ({"min_platform": {"7.0": "20141330T081701Z"}}, "requirements.min_platform"),
    ({"min_platform": {}}, "requirements.min_platform"),
    ({"max_platform": "20141030T081701Z"}, "requirements.max_platform"),
    ({"networks": [{"name": "net0"}]}, "requirements.networks"),
    ({"networks": {"name": "net0"}}, "requirements.networks"),
    ({"brand": 5}, "requirements.brand"),
    ({"ssh_key": "yes"}, "requirements.ssh_key"),
    ({"min_ram": -1}, "requirements.min_ram"),
    ({"min_ram": 512, "max_ram": 256}, "requirements.max_ram"),
    ({"bootrom": "uefi", "brand": "joyent"}, "requirements.bootrom"),
    ({"color": "blue"}, "requirements.color"),
    ("none", "requirements"),
])
def test_requirements(requirements, field):
    errors = errors_of(activated_manifest(requirements=requirements))
    assert [e["field"] for e in errors] == [field]


def test_valid_requirements():
    validate_manifest(activated_manifest(requirements={
        "min_platform": {"6.5": "20120901T113025Z", "7.1": "20130308T102805Z"},
        "max_platform": {"7.0": "20991231T235959Z"}, "ssh_key": True, "brand": "bhyve",
        "bootrom": "uefi", "min_ram": 256, "max_ram": 256, "networks": []}))


def test_zvol_fields_are_required_on_zvol_and_refused_elsewhere():
    zvol = activated_manifest(type="zvol", os="linux")
    zvol.pop("requirements")
    assert {e["field"] for e in errors_of(zvol)} == {
        "nic_driver", "disk_driver", "cpu_type", "image_size"}
    validate_manifest(dict(zvol, nic_driver="virtio", disk_driver="virtio", cpu_type="host",
                           image_size=10240))
    assert [e["field"] for e in errors_of(activated_manifest(nic_driver="virtio"))] == [
        "nic_driver"]


def test_inherited_directories_only_for_zone_datasets():
    validate_manifest(activated_manifest(inherited_directories=["/opt/support"]))
    errors = errors_of(activated_manifest(type="other", inherited_directories=["/opt"]))
    assert [e["field"] for e in errors] == ["inherited_directories"]


def test_activated_flag_must_agree():
    validate_manifest(activated_manifest(activated=True))
    assert [e["field"] for e in errors_of(activated_manifest(activated=False))] == ["activated"]


def test_not_an_object():
    assert errors_of(["nope"])[0]["field"] == "manifest"


def test_unknown_mode_is_a_programming_error():
    with pytest.raises(ValueError):
        validate_manifest(activated_manifest(), mode="dc")


def test_error_message_lists_every_problem():
    with pytest.raises(ManifestError, match="name: .*version: "):
        validate_manifest(activated_manifest(name="a:b", version="c d"))


def test_platform_version():
    assert is_platform_version("20141030T081701Z")
    assert not is_platform_version("20141030T246000Z")
    assert not is_platform_version(20141030)
