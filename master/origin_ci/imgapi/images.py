"""IMGAPI's rules for the image endpoints, over an ImageStore (sdc-imgapi lib/images.js).

`ImageService` takes already-parsed request values and returns manifests or raises ImgapiError
with the code and status IMGAPI uses; HTTP lives in `server`. Pure Python, no Twisted.
"""
import copy
from datetime import datetime

from origin_ci.imgapi.channels import CHANNEL_NAMES
from origin_ci.imgapi.errors import ImgapiError, invalid_parameter, not_found
from origin_ci.imgapi.store import UNSET_OWNER_UUID, check_origin, now_iso
from origin_ci.imgmanifest import (
    ACTIVATED_STATES, KNOWN_FIELDS, VALID_COMPRESSIONS, ZVOL_ONLY_FIELDS, ManifestError,
    is_uuid, validate_manifest)

MAX_LIMIT = 1000
LIST_FILTERS = ("name", "version", "os", "type", "owner")
# Fields AdminImportImage drops or sets itself rather than rejecting (Image.create, isImport).
IMPORT_IGNORED_FIELDS = ("files", "state", "channels")
# What Image.create accepts besides those: every manifest field but the server-computed
# `activated` (and the zvol-only fields only on a zvol image, see import_image).
IMPORT_FIELDS = KNOWN_FIELDS - {"activated"}


def is_activated(manifest):
    return manifest.get("state") in ACTIVATED_STATES


def without_channels(manifest):
    """The manifest as IMGAPI serves it to a client that did not ask for API version 2."""
    manifest = dict(manifest)
    manifest.pop("channels", None)
    return manifest


class ImageService:
    """The image endpoints of an IMGAPI in `mode` ("private" or "public") over `store`.

    `channel` arguments are already resolved (see channels.resolve_channel); None means every
    channel, which only ListImages and GetImage accept.
    """

    def __init__(self, store, mode):
        self.store = store
        self.mode = mode

    # ---- reads

    def get(self, uuid, channel):
        return self._image(uuid, channel).manifest

    def file(self, uuid, channel):
        """The StoredImage whose file GetImageFile streams."""
        image = self._image(uuid, channel)
        if image.file_path is None:
            raise not_found(f'image "{uuid}" has no file')
        return image

    def list(self, query, channel, authenticated):
        """ListImages: `query` maps parameter names to (single) string values."""
        limit = _parse_limit(query.get("limit"))
        descending = _parse_sort(query.get("sort"))
        since = self._marker_time(query.get("marker"))
        state_test = _state_test(query.get("state"), authenticated)
        public = _parse_bool("public", query.get("public"))
        tags = {key[len("tag."):]: value for key, value in query.items()
                if key.startswith("tag.")}
        selected = [
            image.manifest for image in self.store.all()
            if state_test(image.manifest)
            and (channel is None or channel in image.manifest.get("channels", ()))
            and (public is None or image.manifest.get("public") == public)
            and all(_matches(field, query.get(field), image.manifest.get(field))
                    for field in LIST_FILTERS)
            and all(_tag_text(image.manifest.get("tags", {}).get(key)) == value
                    for key, value in tags.items())
            and (since is None or _published(image.manifest) >= since)
        ]
        selected.sort(key=lambda m: (_published(m), m["uuid"]), reverse=descending)
        return selected[:limit]

    # ---- writes

    def import_image(self, uuid, data, channel):
        """AdminImportImage (POST /images/UUID?action=import): a new, unactivated image."""
        if not isinstance(data, dict):
            raise ImgapiError("InvalidParameter", "the request body must be an image manifest "
                              "object", [{"field": "body", "code": "Invalid"}])
        if data.get("uuid") != uuid:
            raise invalid_parameter("uuid", f'URL UUID, "{uuid}" and body UUID, '
                                    f'"{data.get("uuid")}" do not match')
        if self.store.get(uuid) is not None:
            raise ImgapiError("ImageUuidAlreadyExists", f'image uuid "{uuid}" already exists')
        manifest = {k: copy.deepcopy(v) for k, v in data.items()
                    if k not in IMPORT_IGNORED_FIELDS}
        extra = set(manifest) - IMPORT_FIELDS
        if manifest.get("type") != "zvol":
            extra |= set(ZVOL_ONLY_FIELDS) & set(manifest)
        extra = sorted(extra)
        if extra:
            raise ImgapiError("InvalidParameter", 'invalid extra parameters: "%s"'
                              % '", "'.join(extra), [{"field": f, "code": "Invalid"}
                                                     for f in extra])
        check_origin(self.store, manifest)
        # Outside "dc" mode there is no user database: IMGAPI owns imports by the unset owner
        # (IMGAPI-408), so that a later import into a DC makes the admin their owner.
        manifest.update(owner=UNSET_OWNER_UUID, state="unactivated", channels=[channel])
        manifest.setdefault("public", False)
        manifest.setdefault("disabled", False)
        self._validate(manifest, activated=False)
        # Stored as booleans whichever form validation accepted ("true" or true), as IMGAPI does.
        manifest.update(public=manifest["public"] in (True, "true"),
                        disabled=manifest["disabled"] in (True, "true"))
        self.store.put(manifest)
        return manifest

    def add_file(self, uuid, channel, spool, *, compression, sha1, content_length,
                 dataset_guid=None):
        """AddImageFile (PUT /images/UUID/file): make the received `spool` the image file."""
        manifest = self._image(uuid, channel).manifest
        if is_activated(manifest):
            raise ImgapiError("ImageFilesImmutable",
                              f"cannot modify files on activated image {uuid}")
        if not compression:
            raise invalid_parameter("compression", 'missing "compression"', code="Missing")
        if compression not in VALID_COMPRESSIONS:
            raise invalid_parameter("compression", f'invalid compression "{compression}" '
                                    f"(must be one of {', '.join(VALID_COMPRESSIONS)})")
        if content_length is None:
            raise ImgapiError("InvalidHeader", "a Content-Length header is required to upload "
                              "an image file")
        if spool.too_large:
            raise ImgapiError("Upload", "image file size exceeds the maximum allowed size, "
                              "20 GiB")
        if spool.size == 0:
            raise ImgapiError("Download", "image file size is 0 bytes, empty files are not "
                              "allowed")
        if spool.size != content_length:
            raise ImgapiError("Download", f'"Content-Length" header, {content_length}, does not '
                              f"match uploaded size, {spool.size}")
        if sha1 and sha1 != spool.sha1:
            raise ImgapiError("Download", f'"sha1" hash, {sha1}, does not match the uploaded '
                              f"file sha1 hash, {spool.sha1}")
        file_entry = {"sha1": spool.sha1, "size": spool.size, "compression": compression}
        if dataset_guid:
            file_entry["dataset_guid"] = dataset_guid
        return self.store.put_file(uuid, spool, file_entry)

    def activate(self, uuid, channel):
        """ActivateImage: make an image with a file active (published_at set unless imported
        with one)."""
        manifest = self._image(uuid, channel).manifest
        if is_activated(manifest):
            raise ImgapiError("ImageAlreadyActivated", f'image "{uuid}" is already activated')
        if not manifest.get("files"):
            raise ImgapiError("NoActivationNoFile",
                              f'image "{uuid}" cannot be activated: it has no file')
        manifest = dict(manifest, state="disabled" if manifest["disabled"] else "active")
        manifest.setdefault("published_at", now_iso())
        self._validate(manifest, activated=True)
        self.store.put(manifest)
        return manifest

    def channel_add(self, uuid, channel, new_channel):
        """ChannelAddImage: list an image of `channel` in `new_channel` too."""
        manifest = self._image(uuid, channel).manifest
        if new_channel not in CHANNEL_NAMES:
            raise ImgapiError("ValidationFailed", f"unknown channel: {new_channel}",
                              [{"field": "channel", "code": "Invalid"}])
        if new_channel not in manifest["channels"]:
            manifest = dict(manifest, channels=manifest["channels"] + [new_channel])
            self.store.put(manifest)
        return manifest

    def delete(self, uuid, channel, force_all_channels=None):
        """DeleteImage: remove the image from `channel`; delete it (and its file) when that was
        its last channel or `force_all_channels`."""
        manifest = self._image(uuid, channel).manifest
        force = _parse_bool("force_all_channels", force_all_channels)
        dependents = sorted(image.manifest["uuid"] for image in self.store.all()
                            if image.manifest.get("origin") == uuid
                            and channel in image.manifest.get("channels", ()))
        if dependents:
            raise ImgapiError("ImageHasDependentImages",
                              f'image "{uuid}" has {len(dependents)} dependent incremental '
                              f"image(s): {', '.join(dependents)}")
        if len(manifest["channels"]) > 1 and not force:
            self.store.put(dict(manifest, channels=[c for c in manifest["channels"]
                                                    if c != channel]))
        else:
            self.store.delete(uuid)

    # ---- helpers

    def _image(self, uuid, channel):
        image = self.store.get(uuid)
        if image is None or (channel is not None
                             and channel not in image.manifest.get("channels", ())):
            raise not_found(f'image "{uuid}" was not found'
                            + (f' in channel "{channel}"' if image and channel else ""))
        return image

    def _validate(self, manifest, activated):
        try:
            validate_manifest(manifest, self.mode, activated=activated)
        except ManifestError as error:
            fields = ", ".join(e["field"] for e in error.errors)
            raise ImgapiError("ValidationFailed", f"invalid image data: {fields}",
                              error.errors) from None

    def _marker_time(self, marker):
        """ListImages' inclusive marker: an image UUID (its published_at) or a date."""
        if not marker:
            return None
        if is_uuid(marker):
            image = self.store.get(marker)
            if image is None:
                raise not_found(f'marker image "{marker}" was not found')
            return _published(image.manifest)
        try:
            return _parse_time(marker)
        except ValueError:
            raise invalid_parameter("marker", f'invalid value for "marker" param: "{marker}" is '
                                    "not a UUID or date string") from None


# ---- ListImages parameter parsing and matching

_BEFORE_EVERYTHING = datetime.fromisoformat("0001-01-01T00:00:00+00:00")


def _parse_time(text):
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError("no time zone")
    return parsed


def _published(manifest):
    """Sort key of an image: its published_at; unactivated images come first, as in IMGAPI."""
    published_at = manifest.get("published_at")
    return _parse_time(published_at) if published_at else _BEFORE_EVERYTHING


def _parse_limit(text):
    if not text:
        return MAX_LIMIT
    if not text.isdigit():
        raise invalid_parameter("limit", f'invalid limit: "{text}"')
    return min(int(text), MAX_LIMIT) or MAX_LIMIT


def _parse_sort(text):
    """True for descending published_at order; published_at is the only sort attribute."""
    orders = {None: False, "": False, "published_at": False, "published_at.asc": False,
              "published_at.desc": True}
    if text not in orders:
        raise invalid_parameter("sort", f"invalid 'sort': not a valid sorting attribute: "
                                f"'{text}'")
    return orders[text]


def _parse_bool(field, text):
    if text is None:
        return None
    if text not in ("true", "false"):
        raise invalid_parameter(field, f'invalid value for "{field}": "{text}"')
    return text == "true"


def _state_test(state, authenticated):
    """ListImages' `state` filter. Anonymous requests only ever see active images, as on an
    IMGAPI in a mode other than "dc"."""
    tests = {
        "active": lambda m: m.get("state") == "active",
        "disabled": lambda m: m.get("state") == "disabled",
        "unactivated": lambda m: m.get("state") == "unactivated",
        "all": lambda m: True,
    }
    state = state or "active"
    if state not in tests:
        raise invalid_parameter("state", f'invalid state: "{state}"')
    if not authenticated and state != "active":
        return tests["active"] if state == "all" else (lambda m: False)
    return tests[state]


def _matches(field, wanted, value):
    """A ListImages filter: exact, `~substring` (name, version), `!excluded` (type)."""
    if wanted is None:
        return True
    if field in ("name", "version") and wanted.startswith("~"):
        return isinstance(value, str) and wanted[1:] in value
    if field == "type" and wanted.startswith("!"):
        return value != wanted[1:]
    return value == wanted


def _tag_text(value):
    """How IMGAPI indexes a tag value for `tag.KEY=VALUE` searches."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None else str(value)
