"""A client of an IMGAPI (this project's image server, updates.tritondatacenter.com, or
images.smartos.org), on treq.

Methods are coroutines: ``await`` them from a coroutine, or wrap them with
``Deferred.fromCoroutine(...)`` in Deferred-based code (Buildbot steps). Requests are signed
(HTTP Signature, see `signature`) when a user and key are given; reads also work anonymously.
Connection errors and 5xx answers are retried with exponential backoff; an IMGAPI error answer
raises `ImgapiError` (its `code` is IMGAPI's, e.g. "OriginDoesNotExist"); a failure of the
client's own checks raises `ImgapiClientError`.

`publish` is idempotent: it can be re-run after any failure, and never overwrites an image.
"""
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import treq
from treq.client import HTTPClient
from twisted.internet import defer, task, threads
from twisted.internet import error as net_error
from twisted.logger import Logger
from twisted.web.client import (
    Agent, FileBodyProducer, HTTPConnectionPool, RequestTransmissionFailed, ResponseFailed,
    ResponseNeverReceived)

from origin_ci.imgapi.channels import ALL_CHANNELS
from origin_ci.imgapi.errors import ImgapiError
from origin_ci.imgapi.signature import authorization_header, http_date, load_private_key
from origin_ci.imgmanifest import ACTIVATED_STATES, is_uuid

log = Logger()

PAGE_SIZE = 1000
TRANSFER_CHUNK = 1024 * 1024
MAX_RETRY_DELAY = 30.0
COMPRESSION_FOR_SUFFIX = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz"}
# Failures of the connection (not answers of the server): worth another try.
RETRYABLE_ERRORS = (net_error.ConnectError, net_error.ConnectionClosed,
                    net_error.DNSLookupError, ResponseFailed, ResponseNeverReceived,
                    RequestTransmissionFailed, defer.TimeoutError)
# Fields of a manifest read from another IMGAPI that the target sets itself on import.
SERVER_SET_FIELDS = ("state", "channels", "public")


class ImgapiClientError(Exception):
    """The client could not do what was asked (unreachable server, checksum mismatch, ...)."""


class PublishConflictError(ImgapiClientError):
    """The image uuid already exists on the server with another file: it is never replaced."""


class OriginMissingError(ImgapiClientError):
    """An incremental image's origin is not active on the server, and was not imported."""


@dataclass(frozen=True)
class PublishResult:
    manifest: dict  # the image as the server now has it (active)
    already_published: bool  # True: it was already there with this file; nothing was uploaded


class ImgapiClient:
    """Client of the IMGAPI at `url`.

    user, key_path: sign requests as `user` (the HTTP Signature keyId) with the RSA private key
    in `key_path` (PEM or OpenSSH format); without them requests are anonymous.
    channel: the channel used when a call does not name one (None: the server's default).
    retries, retry_delay: how many times to retry a request that failed on a connection error
    or a 5xx answer, first waiting `retry_delay` seconds, doubling each time.
    timeout: seconds allowed for a request other than a file transfer.
    """

    def __init__(self, url, user=None, key_path=None, channel=None, *, retries=4,
                 retry_delay=1.0, timeout=60.0, page_size=PAGE_SIZE, reactor=None):
        if reactor is None:
            from twisted.internet import reactor
        if bool(user) != bool(key_path):
            raise ValueError("give both a user and a key to sign requests, or neither")
        self.url = url.rstrip("/")
        self.user = user
        self.channel = channel
        self.retries = retries
        self.retry_delay = retry_delay
        self.timeout = timeout
        self.page_size = page_size
        self._key = load_private_key(key_path) if key_path else None
        self._reactor = reactor
        self._pool = HTTPConnectionPool(reactor, persistent=True)
        self._http = HTTPClient(Agent(reactor, pool=self._pool, connectTimeout=timeout))

    def __repr__(self):
        return f"ImgapiClient({self.url!r}, user={self.user!r}, channel={self.channel!r})"

    async def close(self):
        """Close the kept-alive connections."""
        await self._pool.closeCachedConnections()

    # ---- reads

    async def ping(self):
        return await self._request("GET", "/ping", channel=None)

    async def get_image(self, uuid, channel=None):
        """The manifest of image `uuid` (ImgapiError "ResourceNotFound" if it is not there)."""
        return await self._request("GET", f"/images/{uuid}", channel=channel or self.channel)

    async def list_images(self, **filters):
        """The images matching `filters`, oldest published first.

        filters: IMGAPI ListImages parameters: name and version (exact, or "~substring"), os,
        type, state ("active" by default, "all" needs authentication), owner, public (bool),
        channel (default: the client's). Every page is fetched (`page_size` images at a time,
        paging with the inclusive `marker`), unless `limit`, `marker` or `sort` is given: then
        exactly that one request is made.
        """
        params = {key: (str(value).lower() if isinstance(value, bool) else str(value))
                  for key, value in filters.items() if value is not None}
        channel = params.pop("channel", None) or self.channel
        if {"limit", "marker", "sort"} & set(params):
            return await self._request("GET", "/images", params=params, channel=channel)
        images, seen, marker = [], set(), None
        while True:
            page_params = dict(params, limit=str(self.page_size))
            if marker:
                page_params["marker"] = marker
            page = await self._request("GET", "/images", params=page_params, channel=channel)
            new = [image for image in page if image["uuid"] not in seen]
            if len(page) == self.page_size and not new:
                raise ImgapiClientError(f"cannot page past {marker}: more than {self.page_size} "
                                        "images share its published_at")
            images.extend(new)
            seen.update(image["uuid"] for image in new)
            if len(page) < self.page_size:
                return images
            marker = page[-1]["uuid"]

    async def get_image_file(self, uuid, path, channel=None):
        """Download the file of image `uuid` to `path`, checking its size and SHA-1; return the
        image's manifest. `path` only appears once the file is complete and verified."""
        manifest = await self.get_image(uuid, channel)
        expected = manifest["files"][0]
        path = Path(path)
        partial = path.with_name(path.name + ".part")

        async def receive(response):
            sha1, size = hashlib.sha1(), 0
            with open(partial, "wb") as out:
                def write(data):
                    nonlocal size
                    out.write(data)
                    sha1.update(data)
                    size += len(data)
                await treq.collect(response, write)
            if (size, sha1.hexdigest()) != (expected["size"], expected["sha1"]):
                partial.unlink()
                raise ImgapiClientError(
                    f"image {uuid} file from {self.url}: got {size} bytes with sha1 "
                    f"{sha1.hexdigest()}, expected {expected['size']} bytes with sha1 "
                    f"{expected['sha1']}")
            os.replace(partial, path)

        try:
            await self._request("GET", f"/images/{uuid}/file", channel=channel or self.channel,
                                receive=receive)
        finally:
            partial.unlink(missing_ok=True)
        return manifest

    # ---- publishing

    async def publish(self, manifest, file_path, channel=None, import_origin_from=None):
        """Publish the image `manifest` (which has its uuid, as `imgadm create` makes it) with
        the image file at `file_path` into `channel` (default: the client's): import, upload
        the file (streamed, SHA-1 checked), activate. Returns a PublishResult.

        - Already there, active, same SHA-1: nothing is uploaded; it is only added to `channel`
          if needed (`already_published` is True).
        - Already there with another file (active or not): PublishConflictError; the server is
          left untouched.
        - Left unactivated by an earlier attempt (no file, or this file): it is finished.
        - The origin (for an incremental image) is not on the server: OriginMissingError,
          unless `import_origin_from` (an ImgapiClient, e.g. of images.smartos.org) is given:
          then the origin is first copied from there (as a private image).
        - Any failure after the import deletes the unactivated image again.
        """
        channel = channel or self.channel
        uuid = manifest.get("uuid")
        if not is_uuid(uuid):
            raise ImgapiClientError(f"the manifest has no valid uuid: {uuid!r}")
        declared = await _declared_file(manifest, file_path, self._reactor)
        existing = await self._find(uuid)
        if existing is not None:
            self._check_same_file(existing, declared)
            if existing.get("state") in ACTIVATED_STATES:
                return await self._already_published(existing, channel)
        await self._ensure_origin(manifest, channel, import_origin_from)
        try:
            if existing is None:
                existing = await self._import(manifest, channel)
                # Someone else's image when a concurrent publisher imported it first.
                self._check_same_file(existing, declared)
                if existing.get("state") in ACTIVATED_STATES:
                    return await self._already_published(existing, channel)
            work_channel = _channel_holding(existing, channel)
            if not _has_file(existing, declared["sha1"]):
                await self._upload(uuid, file_path, declared, work_channel)
            image = await self._activate(uuid, declared["sha1"], work_channel)
            image = await self._ensure_in_channel(image, channel)
        except PublishConflictError:
            raise  # not ours to roll back
        except BaseException:
            await self._roll_back(uuid)
            raise
        log.info("published {uuid} ({name}@{version}) to {url} channel {channel}", uuid=uuid,
                 name=image.get("name"), version=image.get("version"), url=self.url,
                 channel=channel or "(default)")
        return PublishResult(image, already_published=False)

    async def channel_add(self, uuid, channel):
        """Add image `uuid` (found in any channel) to `channel`; return its manifest."""
        image = await self._find(uuid)
        if image is None:
            raise ImgapiError("ResourceNotFound", f'image "{uuid}" was not found on {self.url}')
        return await self._ensure_in_channel(image, channel)

    # ---- publishing steps

    async def _find(self, uuid):
        """The image in whichever channel it is, or None."""
        try:
            return await self.get_image(uuid, ALL_CHANNELS)
        except ImgapiError as error:
            if error.code == "ResourceNotFound":
                return None
            raise

    def _check_same_file(self, image, declared):
        """Refuse an image that has a file, and not this one."""
        files = image.get("files") or []
        if files and files[0].get("sha1") != declared["sha1"]:
            raise PublishConflictError(
                f"image {image['uuid']} ({image.get('name')}@{image.get('version')}, "
                f"{image.get('state')}) already exists on {self.url} with another file (sha1 "
                f"{files[0].get('sha1')}, ours {declared['sha1']}); an image is never "
                "replaced: build it with a new uuid")

    async def _already_published(self, image, channel):
        image = await self._ensure_in_channel(image, channel)
        log.info("{uuid} is already published on {url}", uuid=image["uuid"], url=self.url)
        return PublishResult(image, already_published=True)

    async def _ensure_origin(self, manifest, channel, source):
        origin_uuid = manifest.get("origin")
        if not origin_uuid:
            return
        origin = await self._find(origin_uuid)
        if origin is not None and origin.get("state") == "active":
            await self._ensure_in_channel(origin, channel)
            return
        if origin is not None:
            raise OriginMissingError(f"origin image {origin_uuid} of {manifest.get('name')}@"
                                     f"{manifest.get('version')} is {origin.get('state')} on "
                                     f"{self.url}; it must be active")
        if source is None:
            raise OriginMissingError(
                f"origin image {origin_uuid} of {manifest.get('name')}@{manifest.get('version')}"
                f" does not exist on {self.url}; import it first (publish with "
                "import_origin_from=<client of the IMGAPI that has it>, e.g. "
                "https://images.smartos.org)")
        log.info("importing origin {origin} from {source} into {url}", origin=origin_uuid,
                 source=source.url, url=self.url)
        with tempfile.TemporaryDirectory(prefix="origin-ci-origin-") as tmp:
            file_path = Path(tmp) / origin_uuid
            origin_manifest = await source.get_image_file(origin_uuid, file_path)
            importable = {k: v for k, v in origin_manifest.items() if k not in SERVER_SET_FIELDS}
            await self.publish(importable, file_path, channel, import_origin_from=source)

    async def _import(self, manifest, channel):
        try:
            return await self._request("POST", f"/images/{manifest['uuid']}",
                                       params={"action": "import"}, channel=channel,
                                       json_body=manifest)
        except ImgapiError as error:
            # A retried import whose first attempt succeeded, or a concurrent publisher.
            found = (await self._find(manifest["uuid"])
                     if error.code == "ImageUuidAlreadyExists" else None)
            if found is None:
                raise
            return found

    async def _upload(self, uuid, file_path, declared, channel):
        params = {"compression": declared["compression"], "sha1": declared["sha1"]}
        if declared.get("dataset_guid"):
            params["dataset_guid"] = declared["dataset_guid"]
        sent = []

        def body():
            sent.append(_HashingReader(file_path))
            return FileBodyProducer(sent[-1], readSize=TRANSFER_CHUNK)

        try:
            image = await self._request("PUT", f"/images/{uuid}/file", params=params,
                                        channel=channel, body=body)
        except ImgapiError as error:
            if sent and sent[-1].complete and sent[-1].sha1 != declared["sha1"]:
                raise ImgapiClientError(f"{file_path} has sha1 {sent[-1].sha1} but the manifest "
                                        f"says {declared['sha1']}") from error
            raise
        if not _has_file(image, declared["sha1"]):
            raise ImgapiClientError(f"{self.url} recorded image {uuid} file as "
                                    f"{image.get('files')}, expected sha1 {declared['sha1']}")

    async def _activate(self, uuid, sha1, channel):
        try:
            return await self._request("POST", f"/images/{uuid}", params={"action": "activate"},
                                       channel=channel)
        except ImgapiError as error:
            # A retried activation whose first attempt succeeded.
            found = await self._find(uuid) if error.code == "ImageAlreadyActivated" else None
            if found is None or not _has_file(found, sha1):
                raise
            return found

    async def _ensure_in_channel(self, image, channel):
        channels = image.get("channels")
        if not channel or channels is None or channel in channels:
            return image
        return await self._request("POST", f"/images/{image['uuid']}",
                                   params={"action": "channel-add"}, channel=channels[0],
                                   json_body={"channel": channel})

    async def _roll_back(self, uuid):
        """Delete the image if it is (still) unactivated; never raise over the real error."""
        try:
            image = await self._find(uuid)
            if image is not None and image.get("state") not in ACTIVATED_STATES:
                await self._request("DELETE", f"/images/{uuid}",
                                    params={"force_all_channels": "true"},
                                    channel=image.get("channels", [None])[0])
                log.info("rolled back unactivated image {uuid} on {url}", uuid=uuid,
                         url=self.url)
        except Exception as error:
            log.warn("could not roll back unactivated image {uuid} on {url}: {error}",
                     uuid=uuid, url=self.url, error=error)

    # ---- HTTP

    async def _request(self, method, path, *, params=None, channel=None, json_body=None,
                       body=None, receive=None):
        """One IMGAPI call, retried on connection errors and 5xx answers.

        json_body: sent as JSON; body: a function returning a fresh IBodyProducer for each
        attempt; receive: a coroutine function consuming the (unbuffered) response body,
        default: parse it as JSON (None when empty).
        """
        query = dict(params or {})
        if channel:
            query["channel"] = channel
        url = self.url + path + ("?" + urlencode(query) if query else "")
        streaming = body is not None or receive is not None
        for attempt in range(self.retries + 1):
            last_attempt = attempt == self.retries
            try:
                request = self._http.request(
                    method, url, headers=self._headers(json_body is not None),
                    data=json.dumps(json_body).encode() if json_body is not None
                    else body() if body else None,
                    unbuffered=receive is not None)
                if not streaming:
                    request.addTimeout(self.timeout, self._reactor)
                response = await request
                if response.code < 400:
                    return await (receive or _json_content)(response)
                if response.code < 500 or last_attempt:
                    raise ImgapiError.from_response(response.code, await _json_or_none(response))
                reason = f"HTTP {response.code} {await _error_text(response)}"
            except RETRYABLE_ERRORS as error:
                if last_attempt:
                    raise ImgapiClientError(f"{method} {self.url}{path} failed after "
                                            f"{attempt + 1} attempt(s): {_describe(error)}"
                                            ) from error
                reason = _describe(error)
            delay = min(self.retry_delay * 2 ** attempt, MAX_RETRY_DELAY)
            log.warn("{method} {url}{path}: {reason}; retry {n}/{retries} in {delay:.1f}s",
                     method=method, url=self.url, path=path, reason=reason, n=attempt + 1,
                     retries=self.retries, delay=delay)
            await task.deferLater(self._reactor, delay, lambda: None)

    def _headers(self, sends_json):
        date = http_date()
        headers = {"Accept": "application/json", "Accept-Version": "~2", "Date": date}
        if sends_json:
            headers["Content-Type"] = "application/json"
        if self._key is not None:
            headers["Authorization"] = authorization_header(self.user, self._key, date)
        return headers


class _HashingReader:
    """The file being uploaded, as FileBodyProducer reads it; its SHA-1 is computed on the
    way, so the file is read once and never held in memory."""

    def __init__(self, path):
        self._file = open(path, "rb")
        self._sha1 = hashlib.sha1()
        self._size = os.fstat(self._file.fileno()).st_size
        self._read = 0

    @property
    def complete(self):
        return self._read == self._size

    @property
    def sha1(self):
        return self._sha1.hexdigest()

    def read(self, size=-1):
        data = self._file.read(size)
        self._sha1.update(data)
        self._read += len(data)
        return data

    def seek(self, offset, whence=0):
        return self._file.seek(offset, whence)

    def tell(self):
        return self._file.tell()

    def close(self):
        self._file.close()


async def _declared_file(manifest, file_path, reactor):
    """files[0] of the manifest (sha1, size, compression), checked against the file's size; for
    a manifest without files, computed from the file (read once, in a thread)."""
    size = os.path.getsize(file_path)
    files = manifest.get("files") or []
    if files:
        declared = dict(files[0])
        if declared.get("size") != size:
            raise ImgapiClientError(f"{file_path} is {size} bytes but the manifest says "
                                    f"{declared.get('size')}")
        if not declared.get("sha1"):
            raise ImgapiClientError("the manifest's files[0] has no sha1")
    else:
        declared = {"sha1": await threads.deferToThreadPool(
            reactor, reactor.getThreadPool(), _sha1_of, file_path), "size": size}
    declared.setdefault("compression",
                        COMPRESSION_FOR_SUFFIX.get(Path(file_path).suffix, "none"))
    return declared


def _sha1_of(path):
    sha1 = hashlib.sha1()
    with open(path, "rb") as source:
        while chunk := source.read(TRANSFER_CHUNK):
            sha1.update(chunk)
    return sha1.hexdigest()


def _has_file(image, sha1):
    files = image.get("files") or []
    return bool(files) and files[0].get("sha1") == sha1


def _channel_holding(image, channel):
    """The channel to address `image` in: `channel` if it is there, else one it is in."""
    channels = image.get("channels")
    return channel if not channels or channel in channels else channels[0]


async def _json_content(response):
    content = await response.content()
    return json.loads(content) if content else None


async def _json_or_none(response):
    try:
        return await _json_content(response)
    except ValueError:
        return None


async def _error_text(response):
    body = await _json_or_none(response)
    return body.get("message", "") if isinstance(body, dict) else ""


def _describe(error):
    reasons = getattr(error, "reasons", None)
    if reasons:
        return f"{type(error).__name__}: " + "; ".join(
            r.getErrorMessage() for r in reasons)
    return f"{type(error).__name__}: {error}"
