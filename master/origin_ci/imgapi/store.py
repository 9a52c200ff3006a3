"""Images on disk: the image server's storage, and the way to seed it.

Layout under the store directory:
    images/<uuid>/record.json   the manifest as served, plus what GetImageFile needs (Content-MD5)
    images/<uuid>/file          the image file, present only once it was received whole
    tmp/                        request bodies being received (`UploadSpool`)

Every write is a write-to-temporary + rename, so a reader (this process or another) never sees
a half-written record or a partial image file. Pure Python, blocking I/O, no Twisted.
"""
import base64
import copy
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from origin_ci.imgapi.channels import CHANNEL_NAMES
from origin_ci.imgapi.errors import ImgapiError
from origin_ci.imgmanifest import MAX_FILE_SIZE, ManifestError, is_uuid, validate_manifest

UNSET_OWNER_UUID = "00000000-0000-0000-0000-000000000000"
COPY_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredImage:
    manifest: dict
    file_path: Path | None  # None until a file was added
    content_md5: str | None  # base64 MD5 of the file, sent as Content-MD5 (imgadm checks it)


def now_iso():
    """The current time as IMGAPI writes published_at: 2020-01-30T20:08:25.123Z."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class UploadSpool:
    """A request body being written to the store's tmp directory, hashed as it arrives.

    It is the file-like object twisted.web writes a request body into (write/tell/seek/read/
    close). Nothing is created on disk until the first byte. Past `max_size` it stops writing
    and only counts, so a too-large upload cannot fill the disk. Closing it removes the
    temporary file unless `claim` moved it into place first.
    """

    def __init__(self, tmp_dir, max_size=MAX_FILE_SIZE):
        self._tmp_dir = Path(tmp_dir)
        self._max_size = max_size
        self._file = None
        self._path = None
        self._claimed = False
        self.size = 0
        self._sha1 = hashlib.sha1()
        self._md5 = hashlib.md5()

    @property
    def too_large(self):
        return self.size > self._max_size

    @property
    def sha1(self):
        return self._sha1.hexdigest()

    @property
    def content_md5(self):
        return base64.b64encode(self._md5.digest()).decode("ascii")

    def write(self, data):
        self.size += len(data)
        if self.too_large:
            return
        if self._file is None:
            fd, path = tempfile.mkstemp(dir=self._tmp_dir, prefix="upload-")
            self._file, self._path = os.fdopen(fd, "w+b"), path
        self._file.write(data)
        self._sha1.update(data)
        self._md5.update(data)

    def tell(self):
        return self.size

    def seek(self, offset, whence=0):
        return self._file.seek(offset, whence) if self._file else 0

    def read(self, size=-1):
        return self._file.read(size) if self._file else b""

    def claim(self, destination):
        """Move the received file to `destination` (atomically, after syncing it to disk)."""
        if self._file is None or self.too_large:
            raise ValueError("nothing complete to claim")
        self._file.flush()
        os.fsync(self._file.fileno())
        os.replace(self._path, destination)
        self._claimed = True

    def close(self):
        if self._file is not None:
            self._file.close()
            self._file = None
            if not self._claimed:
                Path(self._path).unlink(missing_ok=True)


class ImageStore:
    """The images of one image server, kept in directory `root` (created if missing)."""

    def __init__(self, root):
        self.root = Path(root)
        self._images = self.root / "images"
        self._tmp = self.root / "tmp"
        self._images.mkdir(parents=True, exist_ok=True)
        self._tmp.mkdir(exist_ok=True)

    # ---- reading

    def get(self, uuid):
        """The StoredImage for `uuid`, or None."""
        if not is_uuid(uuid):
            return None
        try:
            record = json.loads((self._images / uuid / "record.json").read_text())
        except FileNotFoundError:
            return None
        file_path = self._images / uuid / "file"
        return StoredImage(record["manifest"], file_path if file_path.exists() else None,
                           record.get("content_md5"))

    def all(self):
        """Every stored image, in no particular order."""
        images = (self.get(entry.name) for entry in self._images.iterdir())
        return [image for image in images if image is not None]

    # ---- writing (the image server's endpoints use these after applying IMGAPI's rules)

    def new_spool(self, max_size=MAX_FILE_SIZE):
        return UploadSpool(self._tmp, max_size)

    def put(self, manifest):
        """Create or replace the record of image manifest["uuid"], keeping its file."""
        uuid = manifest["uuid"]
        existing = self.get(uuid)
        self._write_record(uuid, manifest, existing.content_md5 if existing else None)

    def put_file(self, uuid, spool, file_entry):
        """Make the complete `spool` the file of image `uuid`; `file_entry` is its files[0]."""
        image = self.get(uuid)
        spool.claim(self._images / uuid / "file")
        manifest = dict(image.manifest, files=[file_entry])
        self._write_record(uuid, manifest, spool.content_md5)
        return manifest

    def delete(self, uuid):
        shutil.rmtree(self._images / uuid, ignore_errors=True)

    def _write_record(self, uuid, manifest, content_md5):
        directory = self._images / uuid
        directory.mkdir(exist_ok=True)
        record = {"manifest": manifest, "content_md5": content_md5}
        fd, tmp_path = tempfile.mkstemp(dir=self._tmp, prefix="record-")
        with os.fdopen(fd, "w") as out:
            json.dump(record, out, indent=2)
        os.replace(tmp_path, directory / "record.json")

    # ---- seeding

    def add(self, manifest, file_path, channels=None):
        """Add an activated image (e.g. an upstream origin) with its file; return its manifest.

        Fields IMGAPI sets on import and activation are filled in when missing (owner, state,
        disabled, public, published_at). `channels`: the channels it is listed in; default the
        manifest's own, else every channel, so that an origin is found whichever channel a
        client uses. Adding an image that is already here with the same file is a no-op; with
        another file it is an ImageUuidAlreadyExists error. An incremental image's origin must
        already be here and active.
        """
        manifest = _with_activation_defaults(manifest, channels)
        try:
            # The server's mode rule (public/private) is not applied to seeded images: origins
            # from a public repository are served as they are.
            validate_manifest(manifest, "public" if manifest["public"] in (True, "true")
                              else "private")
        except ManifestError as error:
            raise ImgapiError("ValidationFailed", str(error), error.errors) from None
        declared = manifest["files"][0]
        existing = self.get(manifest["uuid"])
        if existing is not None:
            if existing.file_path and existing.manifest["files"][0]["sha1"] == declared["sha1"]:
                return existing.manifest
            raise ImgapiError("ImageUuidAlreadyExists",
                              f'image uuid "{manifest["uuid"]}" already exists with another file')
        check_origin(self, manifest)
        spool = self.new_spool()
        try:
            with open(file_path, "rb") as source:
                while chunk := source.read(COPY_CHUNK):
                    spool.write(chunk)
            if (spool.size, spool.sha1) != (declared["size"], declared["sha1"]):
                raise ImgapiError("Download", f"{file_path}: size {spool.size} and sha1 "
                                  f"{spool.sha1} do not match the manifest's "
                                  f'{declared["size"]} and {declared["sha1"]}')
            self._write_record(manifest["uuid"], manifest, None)
            return self.put_file(manifest["uuid"], spool, declared)
        finally:
            spool.close()

    def seed_dir(self, from_dir, channels=None):
        """Add every `<uuid>.imgmanifest` + file pair of `from_dir` (the file being the
        `<uuid>.zfs*` next to it); origins are added before the images built on them.
        Returns the manifests added or already present."""
        pending = {}
        for manifest_path in sorted(Path(from_dir).glob("*.imgmanifest")):
            manifest = json.loads(manifest_path.read_text())
            pending[manifest_path] = (manifest, _file_beside(manifest_path))
        added = []
        while pending:
            ready = [path for path, (manifest, _) in pending.items()
                     if manifest.get("origin") is None or self.get(manifest["origin"])
                     or manifest["origin"] not in {m.get("uuid") for m, _ in pending.values()}]
            if not ready:
                raise ImgapiError("OriginDoesNotExist", "origin cycle among "
                                  + ", ".join(str(path) for path in pending))
            for path in ready:
                manifest, file_path = pending.pop(path)
                added.append(self.add(manifest, file_path, channels))
        return added


def check_origin(store, manifest):
    """IMGAPI's rule for an incremental image: its origin exists here and is active."""
    origin_uuid = manifest.get("origin")
    if origin_uuid is None:
        return
    origin = store.get(origin_uuid)
    if origin is None:
        raise ImgapiError("OriginDoesNotExist", f'origin image "{origin_uuid}" does not exist')
    if origin.manifest.get("state") != "active":
        raise ImgapiError("OriginIsNotActive", f'origin image "{origin_uuid}" is not active')


def _with_activation_defaults(manifest, channels):
    manifest = copy.deepcopy(manifest)
    manifest.setdefault("owner", UNSET_OWNER_UUID)
    manifest.setdefault("disabled", False)
    manifest.setdefault("public", False)
    manifest.setdefault("state", "disabled" if manifest["disabled"] is True else "active")
    manifest.setdefault("published_at", now_iso())
    if channels is not None or "channels" not in manifest:
        manifest["channels"] = list(channels or CHANNEL_NAMES)
    return manifest


def _file_beside(manifest_path):
    candidates = sorted(manifest_path.parent.glob(manifest_path.stem + ".zfs*"))
    if len(candidates) != 1:
        raise FileNotFoundError(f"{manifest_path}: expected exactly one "
                                f"{manifest_path.stem}.zfs* file beside it, found "
                                f"{[c.name for c in candidates]}")
    return candidates[0]
