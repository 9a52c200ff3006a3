"""The image server over HTTP: IMGAPI's endpoints, rules, error codes and auth."""
import hashlib
import io
import json

import pytest
import pytest_twisted
import treq
from twisted.internet import reactor
from twisted.web.client import Agent, FileBodyProducer
from twisted.web.http_headers import Headers
from twisted.web.iweb import UNKNOWN_LENGTH

from origin_ci.imgapi.signature import authorization_header, http_date, load_private_key
from tests.imgapi.conftest import (
    IMAGE_UUID, ORIGIN_UUID, USER, built_manifest, make_image_file, wait)


class Http:
    """Raw HTTP to a server, signed with `key_path` when given."""

    def __init__(self, url, key_path=None, user=USER):
        self.url = url
        self.key = load_private_key(key_path) if key_path else None
        self.user = user

    async def call(self, method, path, body=None, headers=None, accept_version="~2"):
        date = http_date()
        all_headers = {"Date": date}
        if accept_version:
            all_headers["Accept-Version"] = accept_version
        if self.key is not None:
            all_headers["Authorization"] = authorization_header(self.user, self.key, date)
        all_headers.update(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        if isinstance(body, bytes):
            body = FileBodyProducer(io.BytesIO(body))
        # A bare Agent: treq's would ask for gzip and rewrite the response headers.
        response = await Agent(reactor).request(
            method.encode(), (self.url + path).encode(),
            Headers({k: [v] for k, v in all_headers.items()}), body)
        content = await treq.content(response)
        return response, (json.loads(content) if content and response.headers.getRawHeaders(
            "content-type", [""])[0] == "application/json" else content)


@pytest.fixture
def http(server, key_path):
    return Http(server.url, key_path)


@pytest.fixture
def anonymous(server):
    return Http(server.url)


async def import_image(http, manifest, channel="dev"):
    return await http.call("POST", f"/images/{manifest['uuid']}?action=import&channel={channel}",
                           manifest)


async def publish_by_hand(http, manifest, file_path, channel="dev"):
    response, body = await import_image(http, manifest, channel)
    assert response.code == 200, body
    sha1 = manifest["files"][0]["sha1"]
    response, body = await http.call(
        "PUT", f"/images/{manifest['uuid']}/file?compression=gzip&sha1={sha1}&channel={channel}",
        file_path.read_bytes())
    assert response.code == 200, body
    response, body = await http.call("POST",
                                     f"/images/{manifest['uuid']}?action=activate&channel={channel}")
    assert response.code == 200, body
    return body


# ---- reads

@pytest_twisted.ensureDeferred
async def test_ping_says_it_is_an_imgapi(anonymous, http):
    response, pong = await anonymous.call("GET", "/ping")
    assert response.code == 200
    assert pong["ping"] == "pong" and pong["imgapi"] is True and "user" not in pong
    _, pong = await http.call("GET", "/ping")
    assert pong["user"] == USER


@pytest_twisted.ensureDeferred
async def test_ping_can_simulate_an_error(anonymous):
    response, body = await anonymous.call("GET", "/ping?error=ServiceUnavailable")
    assert response.code == 503 and body["code"] == "ServiceUnavailable"


@pytest_twisted.ensureDeferred
async def test_channels(anonymous):
    _, channels = await anonymous.call("GET", "/channels")
    assert [c["name"] for c in channels] == ["experimental", "dev", "staging", "release",
                                             "support"]
    assert [c["name"] for c in channels if c.get("default")] == ["dev"]


@pytest_twisted.ensureDeferred
async def test_get_image_and_its_file_as_imgadm_does(anonymous, origin):
    response, manifest = await anonymous.call("GET", f"/images/{ORIGIN_UUID}",
                                              accept_version=None)
    assert response.code == 200
    assert manifest["files"] == origin.manifest["files"] and "channels" not in manifest
    _, manifest = await anonymous.call("GET", f"/images/{ORIGIN_UUID}")
    assert "dev" in manifest["channels"]

    response, data = await anonymous.call("GET", f"/images/{ORIGIN_UUID}/file")
    assert response.code == 200
    assert data == origin.file_path.read_bytes()
    headers = response.headers
    assert headers.getRawHeaders("etag") == [origin.manifest["files"][0]["sha1"]]
    assert response.length == len(data)
    assert headers.getRawHeaders("content-type") == ["application/octet-stream"]
    assert headers.getRawHeaders("content-md5")

    response, data = await anonymous.call("HEAD", f"/images/{ORIGIN_UUID}/file")
    assert response.code == 200 and data == b""


@pytest_twisted.ensureDeferred
async def test_missing_things_are_404_json(anonymous):
    for path in (f"/images/{IMAGE_UUID}", f"/images/{IMAGE_UUID}/file", "/images/not-a-uuid",
                 "/nothing"):
        response, body = await anonymous.call("GET", path)
        assert (response.code, body["code"]) == (404, "ResourceNotFound"), path
    response, body = await anonymous.call("PATCH", "/ping")
    assert (response.code, body["code"]) == (405, "MethodNotAllowed")
    response, body = await anonymous.call("GET", "/images?channel=nightly")
    assert (response.code, body["code"]) == (422, "ValidationFailed")


@pytest_twisted.ensureDeferred
async def test_image_without_file_has_no_file_yet(http, image):
    manifest, _ = image
    await import_image(http, manifest)
    response, body = await http.call("GET", f"/images/{IMAGE_UUID}/file")
    assert (response.code, body["code"]) == (404, "ResourceNotFound")


# ---- ListImages

@pytest.fixture
def five_images(server, http, tmp_path):
    """Five published images: versions 1.0.0 .. 1.0.4, published in that order."""
    uuids = []
    for n in range(5):
        file_path, sha1, size = make_image_file(tmp_path / f"i{n}.zfs.gz", size=2000,
                                                seed=str(n).encode())
        manifest = built_manifest(sha1, size, uuid=f"2d74d0fb-8402-4e10-a145-86864b14bca{n}",
                                  version=f"1.0.{n}")
        manifest["published_at"] = f"2024-01-0{n + 1}T00:00:00.000Z"
        manifest["tags"] = {"flavour": "even" if n % 2 == 0 else "odd"}
        wait(publish_by_hand(http, manifest, file_path))
        uuids.append(manifest["uuid"])
    return uuids


async def names(anonymous, query):
    response, body = await anonymous.call("GET", "/images" + query)
    assert response.code == 200, body
    return [image.get("version") for image in body]


@pytest_twisted.ensureDeferred
async def test_list_filters(anonymous, five_images):
    assert await names(anonymous, "") == ["19.4.0", "1.0.0", "1.0.1", "1.0.2", "1.0.3",
                                          "1.0.4"]
    assert await names(anonymous, "?name=triton-origin-x86_64-19.4.0&version=1.0.3") == ["1.0.3"]
    assert len(await names(anonymous, "?name=~origin-x86")) == 5
    assert await names(anonymous, "?name=~ORIGIN") == []
    assert await names(anonymous, "?version=~.0.4") == ["1.0.4"]
    assert await names(anonymous, "?name=minimal-64-lts&os=smartos&type=zone-dataset") == [
        "19.4.0"]
    assert await names(anonymous, "?type=!zone-dataset") == []
    assert await names(anonymous, "?public=true") == ["19.4.0"]
    assert len(await names(anonymous, "?owner=00000000-0000-0000-0000-000000000000")) == 5
    assert await names(anonymous, "?tag.flavour=odd") == ["1.0.1", "1.0.3"]
    assert await names(anonymous, "?sort=published_at.desc&limit=2") == ["1.0.4", "1.0.3"]


@pytest_twisted.ensureDeferred
async def test_list_paging_with_an_inclusive_marker(anonymous, five_images):
    assert await names(anonymous, "?limit=2") == ["19.4.0", "1.0.0"]
    assert await names(anonymous, f"?limit=2&marker={five_images[0]}") == ["1.0.0", "1.0.1"]
    assert await names(anonymous, "?marker=2024-01-04T00:00:00Z") == ["1.0.3", "1.0.4"]
    for query in ("?limit=x", "?marker=yesterday", "?sort=name", "?state=gone"):
        response, body = await anonymous.call("GET", "/images" + query)
        assert (response.code, body["code"]) == (422, "InvalidParameter"), query
    response, body = await anonymous.call("GET", f"/images?marker={IMAGE_UUID}")
    assert response.code == 404


@pytest_twisted.ensureDeferred
async def test_list_by_channel_and_state(http, anonymous, image):
    manifest, _ = image
    await import_image(http, manifest, channel="staging")
    # The seeded origin is in every channel; the import only in staging.
    assert await names(anonymous, "?channel=staging") == ["19.4.0"]
    assert await names(anonymous, "?channel=staging&state=unactivated") == []
    assert await names(anonymous, "?channel=staging&state=all") == ["19.4.0"]
    assert await names(http, "?channel=staging&state=unactivated") == ["1.0.0"]
    assert await names(http, "?channel=staging&state=all") == ["1.0.0", "19.4.0"]
    assert await names(http, "?channel=*&state=all") == ["1.0.0", "19.4.0"]
    assert await names(http, "?channel=release&state=all") == ["19.4.0"]


# ---- import

@pytest_twisted.ensureDeferred
async def test_import_creates_an_unactivated_image_owned_by_nobody(http, image):
    manifest, _ = image
    response, body = await import_image(http, dict(manifest, owner=ORIGIN_UUID,
                                                   state="active", channels=["release"]))
    assert response.code == 200, body
    assert body["state"] == "unactivated" and body["owner"] == "0" * 8 + "-0000-0000-0000-" + "0" * 12
    assert body["public"] is False and body["disabled"] is False
    assert body["channels"] == ["dev"] and "published_at" not in body
    response, body = await import_image(http, manifest)
    assert (response.code, body["code"]) == (409, "ImageUuidAlreadyExists")


@pytest.mark.parametrize("change,code,fields", [
    ({"color": "blue", "activated": True}, "InvalidParameter", ["activated", "color"]),
    ({"nic_driver": "virtio"}, "InvalidParameter", ["nic_driver"]),
    ({"name": "triton origin:1"}, "ValidationFailed", ["name"]),
    ({"version": "x" * 129}, "ValidationFailed", ["version"]),
    ({"public": True}, "ValidationFailed", ["public"]),
    ({"requirements": {"min_platform": {"7.0": "2014"}}}, "ValidationFailed",
     ["requirements.min_platform"]),
])
@pytest_twisted.ensureDeferred
async def test_import_applies_imgapi_validation(http, image, change, code, fields):
    manifest, _ = image
    response, body = await import_image(http, dict(manifest, **change))
    assert (response.code, body["code"]) == (422, code), body
    assert [e["field"] for e in body["errors"]] == fields


@pytest_twisted.ensureDeferred
async def test_import_needs_an_active_origin(http, image, tmp_path):
    manifest, _ = image
    missing = dict(manifest, origin="6417ab20-3156-11ea-8b19-2b66f5e7a439")
    response, body = await import_image(http, missing)
    assert (response.code, body["code"]) == (422, "OriginDoesNotExist")
    assert "6417ab20-3156-11ea-8b19-2b66f5e7a439" in body["message"]

    await import_image(http, manifest)  # unactivated, then used as an origin
    file_path, sha1, size = make_image_file(tmp_path / "child.gz", seed=b"child")
    child = built_manifest(sha1, size, uuid="3d74d0fb-8402-4e10-a145-86864b14bca7",
                           origin=IMAGE_UUID)
    response, body = await import_image(http, child)
    assert (response.code, body["code"]) == (422, "OriginIsNotActive")


@pytest_twisted.ensureDeferred
async def test_import_uuid_must_match_the_url(http, image):
    manifest, _ = image
    response, body = await http.call("POST", f"/images/{ORIGIN_UUID}?action=import", manifest)
    assert (response.code, body["code"]) == (422, "InvalidParameter")
    response, body = await http.call("POST", f"/images/{IMAGE_UUID}?action=import", b"{nope")
    assert (response.code, body["code"]) == (400, "BadRequest")
    response, body = await http.call("POST", f"/images/{IMAGE_UUID}?action=frobnicate")
    assert (response.code, body["code"]) == (422, "InvalidParameter")
    response, body = await http.call("POST", f"/images/{IMAGE_UUID}?action=update")
    assert (response.code, body["code"]) == (501, "NotAvailable")


# ---- file upload and activation

@pytest_twisted.ensureDeferred
async def test_full_publish_by_hand(http, anonymous, image, server):
    manifest, file_path = image
    body = await publish_by_hand(http, manifest, file_path)
    assert body["state"] == "active" and body["published_at"].endswith("Z")
    assert body["files"] == manifest["files"]
    _, data = await anonymous.call("GET", f"/images/{IMAGE_UUID}/file")
    assert hashlib.sha1(data).hexdigest() == manifest["files"][0]["sha1"]
    response, body = await http.call(
        "PUT", f"/images/{IMAGE_UUID}/file?compression=gzip", file_path.read_bytes())
    assert (response.code, body["code"]) == (422, "ImageFilesImmutable")
    response, body = await http.call("POST", f"/images/{IMAGE_UUID}?action=activate")
    assert (response.code, body["code"]) == (422, "ImageAlreadyActivated")
    assert server.tmp_entries() == []


@pytest_twisted.ensureDeferred
async def test_upload_checks(http, image, server):
    manifest, file_path = image
    await import_image(http, manifest)
    data = file_path.read_bytes()
    put = f"/images/{IMAGE_UUID}/file"
    for query, body, code, status in [
        ("?sha1=" + "0" * 40 + "&compression=gzip", data, "Download", 400),
        ("?compression=gzip", b"", "Download", 400),
        ("", data, "InvalidParameter", 422),
        ("?compression=lz4", data, "InvalidParameter", 422),
    ]:
        response, answer = await http.call("PUT", put + query, body)
        assert (response.code, answer["code"]) == (status, code), (query, answer)
    response, answer = await http.call("POST", f"/images/{IMAGE_UUID}?action=activate")
    assert (response.code, answer["code"]) == (422, "NoActivationNoFile")
    assert not (server.store.root / "images" / IMAGE_UUID / "file").exists()
    assert server.tmp_entries() == []


@pytest_twisted.ensureDeferred
async def test_upload_needs_a_content_length(http, image, server):
    manifest, file_path = image
    await import_image(http, manifest)
    # A producer of unknown length makes the agent send the body chunked.
    producer = FileBodyProducer(file_path.open("rb"))
    producer.length = UNKNOWN_LENGTH
    response, answer = await http.call("PUT", f"/images/{IMAGE_UUID}/file?compression=gzip",
                                       producer)
    assert (response.code, answer["code"]) == (400, "InvalidHeader")
    assert server.tmp_entries() == []


# ---- auth

@pytest_twisted.ensureDeferred
async def test_writes_need_a_signature(anonymous, server, wrong_key_path, image):
    manifest, _ = image
    response, body = await import_image(anonymous, manifest)
    assert (response.code, body["code"]) == (401, "Unauthorized")
    assert "HTTP Signature" in body["message"]

    response, body = await import_image(Http(server.url, wrong_key_path), manifest)
    assert (response.code, body["code"]) == (401, "Unauthorized")
    assert 'does not verify with any key on file for user "alice"' in body["message"]

    impostor = Http(server.url, wrong_key_path, user="mallory")
    response, body = await impostor.call("GET", "/images")
    assert response.code == 401  # a signature that is sent must verify, even on reads
    assert server.store.get(IMAGE_UUID) is None


@pytest_twisted.ensureDeferred
async def test_stale_dates_and_other_algorithms_are_refused(http, key_path, image):
    manifest, _ = image
    key = load_private_key(key_path)
    old = "Tue, 08 Jan 2013 20:21:17 GMT"
    response, body = await http.call("GET", "/ping", headers={
        "Date": old, "Authorization": authorization_header(USER, key, old)})
    assert response.code == 401 and "clock skew" in body["message"]
    date = http_date()
    hmac = authorization_header(USER, key, date).replace("rsa-sha256", "hmac-sha256")
    response, body = await http.call("GET", "/ping", headers={"Date": date,
                                                              "Authorization": hmac})
    assert response.code == 401 and "not a supported" in body["message"]


@pytest_twisted.ensureDeferred
async def test_without_keys_writes_are_open(servers, tmp_path, image, origin):
    server = servers(tmp_path / "open", seed_dir=origin.directory)
    manifest, file_path = image
    body = await publish_by_hand(Http(server.url), manifest, file_path)
    assert body["state"] == "active"


@pytest_twisted.ensureDeferred
async def test_public_mode_refuses_private_images(servers, tmp_path, image, origin, keys_dir,
                                                  key_path):
    server = servers(tmp_path / "public", mode="public", keys_dir=keys_dir,
                     seed_dir=origin.directory)
    manifest, _ = image
    response, body = await import_image(Http(server.url, key_path), manifest)
    assert (response.code, body["code"]) == (422, "ValidationFailed")
    response, body = await import_image(Http(server.url, key_path), dict(manifest, public=True))
    assert response.code == 200 and body["public"] is True


# ---- channels and deletion

@pytest_twisted.ensureDeferred
async def test_channel_add_and_delete(http, anonymous, image, server):
    manifest, file_path = image
    await publish_by_hand(http, manifest, file_path)
    response, body = await http.call("POST", f"/images/{IMAGE_UUID}?action=channel-add",
                                     {"channel": "staging"})
    assert response.code == 200 and body["channels"] == ["dev", "staging"]
    response, body = await http.call("POST", f"/images/{IMAGE_UUID}?action=channel-add",
                                     {"channel": "nightly"})
    assert (response.code, body["code"]) == (422, "ValidationFailed")
    response, body = await anonymous.call("GET", f"/images/{IMAGE_UUID}?channel=release")
    assert response.code == 404

    response, body = await http.call("DELETE", f"/images/{ORIGIN_UUID}?channel=dev")
    assert (response.code, body["code"]) == (422, "ImageHasDependentImages")
    response, _ = await http.call("DELETE", f"/images/{IMAGE_UUID}?channel=dev")
    assert response.code == 204
    _, body = await anonymous.call("GET", f"/images/{IMAGE_UUID}?channel=*")
    assert body["channels"] == ["staging"]
    response, _ = await http.call("DELETE", f"/images/{IMAGE_UUID}?channel=staging")
    assert response.code == 204
    assert server.store.get(IMAGE_UUID) is None
    assert not (server.store.root / "images" / IMAGE_UUID).exists()
