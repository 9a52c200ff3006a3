"""Validation of IMGAPI image manifests (v2), following node-imgmanifest.

`validate_manifest(manifest, mode)` checks a manifest the way an IMGAPI in "private" or
"public" mode validates the images it holds (node-imgmanifest's validatePrivateManifest /
validatePublicManifest), for an *activated* image by default: published_at and exactly one file
are then required. The image server also calls it with ``activated=False`` to check a manifest
given to AdminImportImage, whose image is not activated yet.

Rules and limits are node-imgmanifest's (lib/imgmanifest.js, releases up to 2.3): name <= 512
characters, version <= 128 (``+`` allowed since 2.3.0, OS-5798), file compression one of
gzip/bzip2/xz/none (xz since 2.2.0), tags <= 10 KiB of JSON, `urn` tolerated (1.4.0). Every error
names the field, a code (``MissingParameter`` or ``Invalid``, as IMGAPI reports them in a
ValidationFailed error) and a readable message. Pure: no Twisted, no I/O.
"""
import json
import re
from urllib.parse import urlparse

MANIFEST_VERSION = 2

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
NAME_RE = re.compile(r"^[A-Za-z0-9._/ -]+$")
VERSION_RE = re.compile(r"^[A-Za-z0-9._/+-]+$")
PUBLISHED_AT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$")
PLATFORM_VERSION_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$")
SHA1_RE = re.compile(r"^[0-9a-f]{40}$")

MAX_NAME_LENGTH = 512
MAX_VERSION_LENGTH = 128
MAX_DESCRIPTION_LENGTH = 512
MAX_URL_LENGTH = 128
MAX_BILLING_TAG_LENGTH = 128
MAX_TAGS_JSON_LENGTH = 10 * 1024
# IMGAPI refuses larger uploads (MAX_IMAGE_SIZE in sdc-imgapi lib/images.js).
MAX_FILE_SIZE = 20 * 1024 ** 3
# node-imgmanifest's validPlatformVersion refuses platforms older than this year.
MIN_PLATFORM_YEAR = 2012

VALID_TYPES = ("zone-dataset", "lx-dataset", "lxd", "zvol", "docker", "other")
VALID_OSES = ("smartos", "linux", "windows", "bsd", "illumos", "other")
VALID_STATES = ("active", "unactivated", "disabled", "creating", "failed")
ACTIVATED_STATES = ("active", "disabled")
VALID_COMPRESSIONS = ("gzip", "bzip2", "xz", "none")
VALID_BOOTROMS = ("bios", "uefi")
MODES = ("private", "public")
# Fields that only a KVM (zvol) image may, and must, carry.
ZVOL_ONLY_FIELDS = ("nic_driver", "disk_driver", "cpu_type", "image_size")

KNOWN_FIELDS = frozenset((
    "v", "uuid", "owner", "name", "version", "description", "homepage", "eula", "icon",
    "disabled", "activated", "published_at", "state", "public", "type", "os", "origin",
    "error", "files", "acl", "requirements", "users", "billing_tags", "traits", "tags",
    "generate_passwords", "inherited_directories", "nic_driver", "disk_driver", "cpu_type",
    "image_size", "channels", "urn",
))


class ManifestError(ValueError):
    """A manifest broke one or more rules; `errors` lists them as {field, code, message}."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("invalid image manifest: " + "; ".join(
            f"{e['field']}: {e['message']}" for e in self.errors))


def validate_manifest(manifest, mode="private", *, activated=True):
    """Raise ManifestError unless `manifest` is valid for an IMGAPI in `mode`.

    mode: "private" refuses ``public: true``, "public" refuses ``public: false``.
    activated: validate as an activated image (published_at and one file required, state
    active or disabled); False validates an image being imported (not yet activated).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if not isinstance(manifest, dict):
        raise ManifestError([_invalid("manifest", "a manifest must be a JSON object")])
    errors = _Errors()
    for check in _CHECKS:
        check(manifest, errors, mode, activated)
    for field in sorted(set(manifest) - KNOWN_FIELDS):
        errors.invalid(field, f'unknown manifest field "{field}"')
    if errors:
        raise ManifestError(errors)


def is_uuid(value):
    """True for a lowercase UUID string, the only form IMGAPI accepts."""
    return isinstance(value, str) and UUID_RE.match(value) is not None


def is_platform_version(value):
    """True for a SmartOS platform stamp YYYYMMDDTHHMMSSZ that node-imgmanifest accepts."""
    match = PLATFORM_VERSION_RE.match(value) if isinstance(value, str) else None
    if not match:
        return False
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    return (year >= MIN_PLATFORM_YEAR and 1 <= month <= 12 and 1 <= day <= 31
            and hour <= 23 and minute <= 59 and second <= 59)


# ---- helpers

class _Errors(list):
    def missing(self, field, message=None):
        self.append({"field": field, "code": "MissingParameter",
                     "message": message or f'"{field}" is required'})

    def invalid(self, field, message):
        self.append(_invalid(field, message))


def _invalid(field, message):
    return {"field": field, "code": "Invalid", "message": message}


def _as_bool(value):
    """IMGAPI's boolFromString: a boolean or the strings "true"/"false"; None if neither."""
    if isinstance(value, bool):
        return value
    return {"true": True, "false": False}.get(value) if isinstance(value, str) else None


def _is_positive_int(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _check_string(manifest, errors, field, *, max_length, pattern=None, pattern_help=None):
    value = manifest[field]
    if not isinstance(value, str) or not value:
        errors.invalid(field, f'"{field}" must be a non-empty string')
    elif len(value) > max_length:
        errors.invalid(field, f'image {field} is too long, max {max_length} characters')
    elif pattern is not None and not pattern.match(value):
        errors.invalid(field, f"image {field} has invalid characters ({pattern_help})")


def _check_url(manifest, errors, field):
    value = manifest[field]
    if not isinstance(value, str) or urlparse(value).scheme not in ("http", "https"):
        errors.invalid(field, f"invalid image {field} URL (must be http: or https:)")
    elif len(value) > MAX_URL_LENGTH:
        errors.invalid(field, f"image {field} URL is too long (max {MAX_URL_LENGTH} characters)")


def _check_bool(manifest, errors, field):
    if _as_bool(manifest[field]) is None:
        errors.invalid(field, f'"{field}" must be a boolean')


def _check_required(field, check):
    """Wrap `check(manifest, errors, mode, activated)`: report a missing field, else run it."""
    def required(manifest, errors, mode, activated):
        if field not in manifest:
            errors.missing(field)
        else:
            check(manifest, errors, mode, activated)
    return required


def _check_optional(field, check):
    def optional(manifest, errors, mode, activated):
        if field in manifest:
            check(manifest, errors, mode, activated)
    return optional


# ---- one check per field

def _v(manifest, errors, mode, activated):
    if manifest["v"] != MANIFEST_VERSION:
        errors.invalid("v", f'"v" must be {MANIFEST_VERSION} (only manifest v2 is supported)')


def _uuid_field(field):
    def check(manifest, errors, mode, activated):
        if not is_uuid(manifest[field]):
            errors.invalid(field, f'"{field}" must be a lowercase UUID')
    return check


def _name(manifest, errors, mode, activated):
    _check_string(manifest, errors, "name", max_length=MAX_NAME_LENGTH, pattern=NAME_RE,
                  pattern_help='only alphanumeric characters and " ", ".", "-", "_" and "/" '
                               'are allowed')


def _version(manifest, errors, mode, activated):
    _check_string(manifest, errors, "version", max_length=MAX_VERSION_LENGTH,
                  pattern=VERSION_RE,
                  pattern_help='only alphanumeric characters and ".", "-", "_", "/" and "+" '
                               'are allowed')


def _description(manifest, errors, mode, activated):
    value = manifest["description"]
    if not isinstance(value, str):
        errors.invalid("description", '"description" must be a string')
    elif len(value) > MAX_DESCRIPTION_LENGTH:
        errors.invalid("description", "image description is too long, max "
                       f"{MAX_DESCRIPTION_LENGTH} characters")


def _url_field(field):
    def check(manifest, errors, mode, activated):
        _check_url(manifest, errors, field)
    return check


def _bool_field(field):
    def check(manifest, errors, mode, activated):
        _check_bool(manifest, errors, field)
    return check


def _activated(manifest, errors, mode, activated):
    value = _as_bool(manifest["activated"])
    if value is None:
        errors.invalid("activated", '"activated" must be a boolean')
    elif value != activated:
        errors.invalid("activated", f'"activated" is {str(value).lower()} for an image that is '
                       + ("activated" if activated else "not activated yet"))


def _published_at(manifest, errors, mode, activated):
    if "published_at" not in manifest:
        if activated:
            errors.missing("published_at", "an activated image must have published_at")
        return
    value = manifest["published_at"]
    if not isinstance(value, str) or not PUBLISHED_AT_RE.match(value):
        errors.invalid("published_at",
                       'published_at date not in "YYYY-MM-DDTHH:MM:SS(.SSS)Z" format')


def _state(manifest, errors, mode, activated):
    state = manifest["state"]
    if state not in VALID_STATES:
        errors.invalid("state", f"invalid image state {state!r}, must be one of: "
                       + ", ".join(VALID_STATES))
    elif activated and state not in ACTIVATED_STATES:
        errors.invalid("state", f'an activated image has state "active" or "disabled", '
                       f'not "{state}"')
    elif activated and (state == "disabled") != (_as_bool(manifest.get("disabled")) is True):
        errors.invalid("state", f'state "{state}" contradicts disabled='
                       f'{manifest.get("disabled")!r}')


def _public(manifest, errors, mode, activated):
    public = _as_bool(manifest["public"])
    if public is None:
        errors.invalid("public", '"public" must be a boolean')
    elif mode == "public" and not public:
        errors.invalid("public", "private images are not allowed on a public Images API")
    elif mode == "private" and public:
        errors.invalid("public", "public images are not allowed on a private Images API")


def _enum_field(field, valid):
    def check(manifest, errors, mode, activated):
        if manifest[field] not in valid:
            errors.invalid(field, f"invalid image {field} {manifest[field]!r}, must be one of: "
                           + ", ".join(valid))
    return check


def _zvol_fields(manifest, errors, mode, activated):
    is_zvol = manifest.get("type") == "zvol"
    for field in ZVOL_ONLY_FIELDS:
        if field not in manifest:
            if is_zvol:
                errors.missing(field, f'a zvol image must have "{field}"')
        elif not is_zvol:
            errors.invalid(field, f'"{field}" is only allowed on a zvol image')
        elif field == "image_size":
            if not _is_positive_int(manifest[field]):
                errors.invalid(field, '"image_size" must be a positive integer (MiB)')
        elif not isinstance(manifest[field], str):
            errors.invalid(field, f'"{field}" must be a string')


def _files(manifest, errors, mode, activated):
    if "files" not in manifest:
        if activated:
            errors.missing("files", "an activated image must have exactly one file")
        return
    files = manifest["files"]
    if not isinstance(files, list):
        errors.invalid("files", '"files" must be an array')
    elif len(files) > 1:
        errors.invalid("files", 'invalid image "files": too many files (only one is supported)')
    elif not files:
        if activated:
            errors.invalid("files", "an activated image must have exactly one file")
    elif not isinstance(files[0], dict):
        errors.invalid("files", 'invalid image "files": the file must be an object')
    else:
        _file_entry(files[0], errors)


def _file_entry(file, errors):
    if not isinstance(file.get("sha1"), str) or not SHA1_RE.match(file["sha1"]):
        errors.invalid("files", 'invalid image "files": file "sha1" must be 40 lowercase hex '
                       "digits")
    size = file.get("size")
    if not _is_positive_int(size):
        errors.invalid("files", 'invalid image "files": file "size" must be a positive integer')
    elif size > MAX_FILE_SIZE:
        errors.invalid("files", f'invalid image "files": file size {size} exceeds the 20 GiB '
                       "maximum")
    if file.get("compression") not in VALID_COMPRESSIONS:
        errors.invalid("files", f'invalid image "files": compression {file.get("compression")!r} '
                       f"must be one of: {', '.join(VALID_COMPRESSIONS)}")


def _error(manifest, errors, mode, activated):
    if not isinstance(manifest["error"], dict):
        errors.invalid("error", 'invalid image "error" (not an object)')


def _acl(manifest, errors, mode, activated):
    acl = manifest["acl"]
    if not isinstance(acl, list):
        errors.invalid("acl", 'invalid image "acl" (not an array)')
        return
    for index, item in enumerate(acl):
        if not is_uuid(item):
            errors.invalid("acl", f'invalid image "acl" (item {index} is not a UUID): {item!r}')
            return


def _requirements(manifest, errors, mode, activated):
    reqs = manifest["requirements"]
    if not isinstance(reqs, dict):
        errors.invalid("requirements", 'invalid image "requirements" (not an object)')
        return
    for key in reqs:
        check = _REQUIREMENT_CHECKS.get(key)
        if check is None:
            errors.invalid(f"requirements.{key}", f'unsupported requirement "{key}"')
        else:
            check(reqs, errors)
    min_ram, max_ram = reqs.get("min_ram"), reqs.get("max_ram")
    if _is_positive_int(min_ram) and _is_positive_int(max_ram) and max_ram < min_ram:
        errors.invalid("requirements.max_ram",
                       f"min_ram must be <= max_ram, but: min_ram={min_ram}, max_ram={max_ram}")


def _req_networks(reqs, errors):
    networks = reqs["networks"]
    if not isinstance(networks, list):
        errors.invalid("requirements.networks", 'invalid "requirements.networks" (not an array)')
        return
    for network in networks:
        if not isinstance(network, dict) or set(network) != {"name", "description"}:
            errors.invalid("requirements.networks",
                           f'invalid "requirements.networks" entry: {network!r} '
                           '(must be {"name": ..., "description": ...})')


def _req_type(key, expected, label):
    def check(reqs, errors):
        if not isinstance(reqs[key], expected) or (expected is not bool
                                                   and isinstance(reqs[key], bool)):
            errors.invalid(f"requirements.{key}", f'invalid "requirements.{key}" (not {label})')
    return check


def _req_ram(key):
    def check(reqs, errors):
        if not _is_positive_int(reqs[key]):
            errors.invalid(f"requirements.{key}",
                           f'invalid "requirements.{key}" (not a positive integer)')
    return check


def _req_platform(key):
    def check(reqs, errors):
        value = reqs[key]
        if not isinstance(value, dict) or not value:
            errors.invalid(f"requirements.{key}",
                           f'invalid "requirements.{key}" (not a non-empty object)')
            return
        for sdc_version, platform in value.items():
            if not is_platform_version(platform):
                errors.invalid(f"requirements.{key}",
                               f'invalid "requirements.{key}" entry "{sdc_version}: {platform}" '
                               "(not a platform version YYYYMMDDTHHMMSSZ)")
    return check


def _req_bootrom(reqs, errors):
    if reqs["bootrom"] not in VALID_BOOTROMS:
        errors.invalid("requirements.bootrom",
                       f'invalid "requirements.bootrom" {reqs["bootrom"]!r} (bios or uefi)')
    elif reqs.get("brand") != "bhyve":
        errors.invalid("requirements.bootrom", '"requirements.bootrom" is only valid with brand '
                       '"bhyve"')


_REQUIREMENT_CHECKS = {
    "networks": _req_networks,
    "brand": _req_type("brand", str, "a string"),
    "ssh_key": _req_type("ssh_key", bool, "a boolean"),
    "min_ram": _req_ram("min_ram"),
    "max_ram": _req_ram("max_ram"),
    "min_platform": _req_platform("min_platform"),
    "max_platform": _req_platform("max_platform"),
    "bootrom": _req_bootrom,
}


def _users(manifest, errors, mode, activated):
    users = manifest["users"]
    if not isinstance(users, list):
        errors.invalid("users", 'invalid image "users" (not an array)')
        return
    for user in users:
        if not isinstance(user, dict) or set(user) != {"name"}:
            errors.invalid("users", f'invalid image "users" entry: {user!r} '
                           '(must be {"name": ...})')


def _billing_tags(manifest, errors, mode, activated):
    tags = manifest["billing_tags"]
    if not isinstance(tags, list):
        errors.invalid("billing_tags", 'invalid image "billing_tags" (not an array)')
        return
    for tag in tags:
        if not isinstance(tag, str) or len(tag) > MAX_BILLING_TAG_LENGTH:
            errors.invalid("billing_tags", f'invalid image "billing_tags" entry: {tag!r}')


def _traits(manifest, errors, mode, activated):
    traits = manifest["traits"]
    if not isinstance(traits, dict):
        errors.invalid("traits", 'invalid image "traits" (not an object)')
        return
    for key, value in traits.items():
        if not isinstance(value, (str, bool, list)):
            errors.invalid("traits", f'invalid image "traits" entry: ({key}, {value!r}) '
                           "(only strings, booleans and arrays)")


def _tags(manifest, errors, mode, activated):
    tags = manifest["tags"]
    if not isinstance(tags, dict):
        errors.invalid("tags", 'invalid image "tags" (not an object)')
    elif len(json.dumps(tags, separators=(",", ":"))) > MAX_TAGS_JSON_LENGTH:
        errors.invalid("tags", 'image "tags" string length is too long, max '
                       f"{MAX_TAGS_JSON_LENGTH} characters")


def _inherited_directories(manifest, errors, mode, activated):
    dirs = manifest["inherited_directories"]
    if manifest.get("type") != "zone-dataset":
        errors.invalid("inherited_directories",
                       '"inherited_directories" is only valid for a zone-dataset image')
    elif not isinstance(dirs, list) or not all(isinstance(d, str) for d in dirs):
        errors.invalid("inherited_directories",
                       'invalid image "inherited_directories" (not an array of strings)')


def _channels(manifest, errors, mode, activated):
    channels = manifest["channels"]
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        errors.invalid("channels", 'invalid image "channels" (not an array of strings)')


def _urn(manifest, errors, mode, activated):
    if not isinstance(manifest["urn"], str):
        errors.invalid("urn", '"urn" (deprecated) must be a string')


_CHECKS = (
    _check_required("v", _v),
    _check_required("uuid", _uuid_field("uuid")),
    _check_required("owner", _uuid_field("owner")),
    _check_required("name", _name),
    _check_required("version", _version),
    _check_optional("description", _description),
    _check_optional("homepage", _url_field("homepage")),
    _check_optional("eula", _url_field("eula")),
    _check_optional("icon", _bool_field("icon")),
    _check_required("disabled", _bool_field("disabled")),
    _check_optional("activated", _activated),
    _published_at,
    _check_required("state", _state),
    _check_required("public", _public),
    _check_required("type", _enum_field("type", VALID_TYPES)),
    _check_required("os", _enum_field("os", VALID_OSES)),
    _check_optional("origin", _uuid_field("origin")),
    _check_optional("error", _error),
    _files,
    _check_optional("acl", _acl),
    _check_optional("requirements", _requirements),
    _check_optional("users", _users),
    _check_optional("billing_tags", _billing_tags),
    _check_optional("traits", _traits),
    _check_optional("tags", _tags),
    _check_optional("generate_passwords", _bool_field("generate_passwords")),
    _check_optional("inherited_directories", _inherited_directories),
    _zvol_fields,
    _check_optional("channels", _channels),
    _check_optional("urn", _urn),
)
