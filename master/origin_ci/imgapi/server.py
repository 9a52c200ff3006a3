"""The image server: IMGAPI endpoints over an ImageStore, on twisted.web.

    GET /ping, GET /channels, GET /images, GET /images/UUID, GET|HEAD /images/UUID/file
    POST /images/UUID?action=import|activate|channel-add, PUT /images/UUID/file,
    DELETE /images/UUID

Reads are anonymous (an Authorization header, when sent, must verify); writes need an HTTP
Signature from a user with a key in the keys directory. Without a keys directory every request
is anonymous and writes are open (IMGAPI's authType "none"), which `serve` only allows on a
loopback address. Request bodies go straight to the store's tmp directory while they arrive
(`ImgapiSite.getContentFile`), so an image upload is streamed to disk, never held in memory.
"""
import ipaddress
import json
import os
from importlib import metadata
from urllib.parse import unquote

from twisted.internet.interfaces import IPullProducer
from twisted.logger import Logger
from twisted.web import http, resource, server
from zope.interface import implementer

from origin_ci.imgapi.channels import CHANNELS, resolve_channel
from origin_ci.imgapi.errors import STATUS_FOR_CODE, ImgapiError, invalid_parameter, not_found
from origin_ci.imgapi.images import ImageService, without_channels
from origin_ci.imgapi.signature import AuthKeys, RequestAuthenticator, SignatureError
from origin_ci.imgapi.store import ImageStore
from origin_ci.imgmanifest import MODES, is_uuid

log = Logger()

VERSION = metadata.version("triton-origin-ci")
SERVER_NAME = f"origin-ci-imgapi/{VERSION}"
MAX_JSON_BODY = 1024 * 1024
# IMGAPI actions this server does not implement, answered 501 rather than "not a valid action".
UNIMPLEMENTED_ACTIONS = ("update", "enable", "disable", "export", "import-remote",
                         "import-from-datacenter", "import-docker-image", "change-stor")


class ImgapiResource(resource.Resource):
    """All endpoints; routing is by path shape, as there are only a handful of them."""

    isLeaf = True

    def __init__(self, service, authenticator):
        super().__init__()
        self._service = service
        self._authenticator = authenticator
        self._routes = {
            "ping": {b"GET": self._ping},
            "channels": {b"GET": self._channels},
            "images": {b"GET": self._list, b"POST": self._create},
            "image": {b"GET": self._get, b"POST": self._action, b"DELETE": self._delete},
            "file": {b"GET": self._get_file, b"HEAD": self._get_file, b"PUT": self._put_file},
        }

    def render(self, request):
        request.setHeader(b"Server", SERVER_NAME.encode())
        try:
            route, uuid = self._route(request)
            handler = self._routes[route].get(request.method)
            if handler is None:
                raise ImgapiError("MethodNotAllowed",
                                  f"{request.method.decode(errors='replace')} is not allowed")
            return handler(request, _query(request), uuid)
        except ImgapiError as error:
            if request.method != b"GET" or error.status >= 500:
                log.info("{method} {uri} -> {status} {code}: {message}",
                         method=request.method.decode(errors="replace"),
                         uri=request.uri.decode(errors="replace"), status=error.status,
                         code=error.code, message=error.message)
            return _json(request, error.status, error.body())
        except Exception:
            log.failure("internal error on {method} {uri}",
                        method=request.method.decode(errors="replace"),
                        uri=request.uri.decode(errors="replace"))
            return _json(request, 500, {"code": "InternalError", "message": "internal error"})

    def _route(self, request):
        path = unquote(request.path.decode("utf-8", errors="replace"))
        parts = path.strip("/").split("/")
        if parts in (["ping"], ["channels"], ["images"]):
            return parts[0], None
        if parts[0] == "images" and len(parts) in (2, 3) and is_uuid(parts[1]):
            if len(parts) == 2:
                return "image", parts[1]
            if parts[2] == "file":
                return "file", parts[1]
        raise not_found(f"{path} does not exist")

    # ---- authentication

    def _user(self, request, required):
        """The user who signed the request; None if unsigned and `required` is false."""
        authorization = request.getHeader(b"authorization")
        if self._authenticator is None:
            return None
        if authorization is None:
            if required:
                raise ImgapiError("Unauthorized", "Unauthorized: this endpoint needs an HTTP "
                                  'Signature ("Authorization: Signature keyId=...")')
            return None
        try:
            return self._authenticator.authenticate(
                authorization.decode("latin-1"), request.method.decode(),
                request.uri.decode("latin-1"), lambda name: _header(request, name))
        except SignatureError as error:
            raise ImgapiError("Unauthorized", f"Unauthorized: {error}") from None

    def _authorize_write(self, request):
        """Writes need a valid signature (when the server has keys); log who writes what."""
        user = self._user(request, required=True)
        log.info("{user} {method} {uri}", user=user or "(no auth)",
                 method=request.method.decode(), uri=request.uri.decode("latin-1"))

    # ---- endpoints

    def _ping(self, request, query, uuid):
        user = self._user(request, required=False)
        if query.get("error"):
            code = query["error"]
            if code not in STATUS_FOR_CODE:
                raise invalid_parameter("error", f"unknown error: {code}")
            raise ImgapiError(code, query.get("message", "pong"))
        pong = {"ping": "pong", "version": VERSION, "imgapi": True}
        if self._service.mode != "public" or user:
            pong["pid"] = os.getpid()
        if user:
            pong["user"] = user
        return _json(request, 200, pong)

    def _channels(self, request, query, uuid):
        self._user(request, required=False)
        return _json(request, 200, list(CHANNELS))

    def _list(self, request, query, uuid):
        user = self._user(request, required=False)
        channel = resolve_channel(query.get("channel"), allow_all=True)
        images = self._service.list(query, channel, authenticated=user is not None)
        return _json(request, 200, [_view(request, m) for m in images])

    def _get(self, request, query, uuid):
        self._user(request, required=False)
        channel = resolve_channel(query.get("channel"), allow_all=True)
        return _json(request, 200, _view(request, self._service.get(uuid, channel)))

    def _get_file(self, request, query, uuid):
        self._user(request, required=False)
        image = self._service.file(uuid, resolve_channel(query.get("channel")))
        source = open(image.file_path, "rb")
        stat = os.fstat(source.fileno())
        request.setHeader(b"Content-Type", b"application/octet-stream")
        request.setHeader(b"Content-Length", str(stat.st_size).encode())
        request.setHeader(b"Last-Modified", http.datetimeToString(stat.st_mtime))
        request.setHeader(b"ETag", image.manifest["files"][0]["sha1"].encode())
        if image.content_md5:
            request.setHeader(b"Content-MD5", image.content_md5.encode())
        if request.method == b"HEAD":
            source.close()
            return b""
        _FileProducer(source, request)
        return server.NOT_DONE_YET

    def _create(self, request, query, uuid):
        self._authorize_write(request)
        raise ImgapiError("NotAvailable", "CreateImage (a new uuid) is not implemented: "
                          "import the image with POST /images/UUID?action=import")

    def _action(self, request, query, uuid):
        self._authorize_write(request)
        channel = resolve_channel(query.get("channel"))
        action = query.get("action")
        if action == "import":
            if query.get("source"):
                raise ImgapiError("NotAvailable", "import from a source is not implemented")
            manifest = self._service.import_image(uuid, _json_body(request), channel)
        elif action == "activate":
            manifest = self._service.activate(uuid, channel)
        elif action == "channel-add":
            body = _json_body(request)
            manifest = self._service.channel_add(
                uuid, channel, body.get("channel") if isinstance(body, dict) else None)
        elif action in UNIMPLEMENTED_ACTIONS:
            raise ImgapiError("NotAvailable", f'action "{action}" is not implemented by this '
                              "image server")
        elif action:
            raise invalid_parameter("action", f'"{action}" is not a valid action')
        else:
            raise invalid_parameter("action", 'no image "action" was specified',
                                    code="MissingParameter")
        return _json(request, 200, _view(request, manifest))

    def _put_file(self, request, query, uuid):
        self._authorize_write(request)
        length = request.getHeader(b"content-length")
        if length is not None and not length.isdigit():
            raise ImgapiError("InvalidHeader", "invalid Content-Length header")
        manifest = self._service.add_file(
            uuid, resolve_channel(query.get("channel")), request.content,
            compression=query.get("compression"), sha1=query.get("sha1"),
            content_length=None if length is None else int(length),
            dataset_guid=query.get("dataset_guid"))
        return _json(request, 200, _view(request, manifest))

    def _delete(self, request, query, uuid):
        self._authorize_write(request)
        self._service.delete(uuid, resolve_channel(query.get("channel")),
                             query.get("force_all_channels"))
        request.setResponseCode(204)
        return b""


@implementer(IPullProducer)
class _FileProducer:
    """Streams an image file into a response a chunk at a time, as the connection takes it,
    so a download never holds more than a chunk in memory."""

    CHUNK = 1024 * 1024

    def __init__(self, source, request):
        self._source = source
        self._request = request
        request.registerProducer(self, False)

    def resumeProducing(self):
        data = self._source.read(self.CHUNK)
        if data:
            self._request.write(data)
            return
        self._source.close()
        self._request.unregisterProducer()
        self._request.finish()

    def stopProducing(self):
        """The client went away."""
        self._source.close()


class ImgapiSite(server.Site):
    """A Site whose request bodies are spooled into the image store as they arrive."""

    def __init__(self, root, store):
        # Form parsing would read a whole (image-sized) body into memory: never do it.
        super().__init__(root, parsePOSTFormSubmission=False)
        self.displayTracebacks = False
        self._store = store

    def getContentFile(self, length):
        """twisted.web hook: where a request body is written while it is received."""
        return self._store.new_spool()


def make_site(store, mode="private", keys_dir=None):
    """The IMGAPI site for `store` (an ImageStore or a directory) in `mode` ("private" refuses
    public images, "public" private ones); writes need a signature from a key in `keys_dir`
    (None: no authentication)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    if not isinstance(store, ImageStore):
        store = ImageStore(store)
    authenticator = None
    if keys_dir is not None:
        authenticator = RequestAuthenticator(
            AuthKeys(keys_dir, warn=lambda message: log.warn("auth keys: {m}", m=message)))
    return ImgapiSite(ImgapiResource(ImageService(store, mode), authenticator), store)


def serve(port, store_dir, mode="private", keys_dir=None, host="127.0.0.1", seed_dir=None,
          reactor=None):
    """Run the image server until the process is stopped (used by `origin-ci imgapi serve`)."""
    if reactor is None:
        from twisted.internet import reactor
    if keys_dir is None and not ipaddress.ip_address(host).is_loopback:
        raise SystemExit(f"refusing to serve {host} without --keys: writes would be open to "
                         "anyone who can reach it")
    store = ImageStore(store_dir)
    if seed_dir is not None:
        for manifest in store.seed_dir(seed_dir):
            log.info("seeded {uuid} ({name}@{version})", uuid=manifest["uuid"],
                     name=manifest["name"], version=manifest["version"])
    listening = reactor.listenTCP(port, make_site(store, mode, keys_dir), interface=host)
    address = listening.getHost()
    print(f"origin-ci imgapi: serving {store_dir} ({mode} mode, "
          f"{'signature auth' if keys_dir else 'NO auth'}) on "
          f"http://{address.host}:{address.port}", flush=True)
    reactor.run()


# ---- request/response helpers

def _query(request):
    try:
        return {key.decode(): values[0].decode() for key, values in request.args.items()}
    except UnicodeDecodeError:
        raise ImgapiError("BadRequest", "query parameters must be UTF-8") from None


def _header(request, name):
    value = request.getHeader(name.encode())
    return None if value is None else value.decode("latin-1")


def _json_body(request):
    body = request.content
    if body.tell() > MAX_JSON_BODY:
        raise ImgapiError("BadRequest", f"request body larger than {MAX_JSON_BODY} bytes")
    body.seek(0)
    try:
        return json.loads(body.read() or b"null")
    except ValueError as error:
        raise ImgapiError("BadRequest", f"invalid JSON body: {error}") from None


def _wants_api_v2(request):
    """IMGAPI serves `channels` only to clients asking for API version 2 (Accept-Version)."""
    accept = _header(request, "accept-version")
    if accept is None:
        return False
    if accept.strip() == "*":
        return True
    digits = "".join(c if c.isdigit() else " " for c in accept).split()
    return bool(digits) and int(digits[0]) >= 2


def _view(request, manifest):
    return manifest if _wants_api_v2(request) else without_channels(manifest)


def _json(request, status, body):
    request.setResponseCode(status)
    request.setHeader(b"Content-Type", b"application/json")
    return json.dumps(body, indent=2).encode() + b"\n"
