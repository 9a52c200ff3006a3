"""ImgapiClient against real image servers on 127.0.0.1: signed publishing, idempotency,
retries, dropped connections, origins, listing."""
import json
import os
import sys

import pytest
import pytest_twisted
from twisted.internet import reactor, task, utils
from twisted.protocols import portforward
from twisted.web import resource

from origin_ci.imgapi.client import (
    ImgapiClientError, OriginMissingError, PublishConflictError)
from origin_ci.imgapi.errors import ImgapiError
from tests.imgapi.conftest import (
    IMAGE_UUID, ORIGIN_UUID, USER, built_manifest, make_image_file)


async def eventually(predicate, timeout=5.0):
    """Wait for the server side of a dropped connection to have cleaned up."""
    for _ in range(int(timeout / 0.02)):
        if predicate():
            return True
        await task.deferLater(reactor, 0.02, lambda: None)
    return predicate()


@pytest_twisted.ensureDeferred
async def test_publish_with_signatures(client, server, image, tmp_path):
    manifest, file_path = image
    result = await client.publish(manifest, file_path)
    assert not result.already_published
    published = result.manifest
    assert published["state"] == "active" and published["files"] == manifest["files"]
    assert published["channels"] == ["dev"] and published["owner"] == "0" * 8 + "-0000-0000-0000-" + "0" * 12

    downloaded = await client.get_image_file(IMAGE_UUID, tmp_path / "downloaded")
    assert downloaded["uuid"] == IMAGE_UUID
    assert (tmp_path / "downloaded").read_bytes() == file_path.read_bytes()
    assert (await client.ping())["user"] == USER
    assert server.tmp_entries() == []


@pytest_twisted.ensureDeferred
async def test_publishing_again_is_a_no_op_and_can_add_a_channel(client, server, image):
    manifest, file_path = image
    first = await client.publish(manifest, file_path)
    again = await client.publish(manifest, file_path)
    assert again.already_published and again.manifest == first.manifest
    promoted = await client.publish(manifest, file_path, channel="staging")
    assert promoted.already_published and promoted.manifest["channels"] == ["dev", "staging"]
    assert promoted.manifest["published_at"] == first.manifest["published_at"]


@pytest_twisted.ensureDeferred
async def test_a_uuid_with_another_file_is_never_overwritten(client, server, image, tmp_path):
    manifest, file_path = image
    await client.publish(manifest, file_path)
    other_path, sha1, size = make_image_file(tmp_path / "other.gz", seed=b"other")
    other = built_manifest(sha1, size)
    with pytest.raises(PublishConflictError, match="never replaced"):
        await client.publish(other, other_path)
    assert server.store.get(IMAGE_UUID).manifest["files"] == manifest["files"]


@pytest_twisted.ensureDeferred
async def test_an_unactivated_image_with_another_file_is_not_touched(client, server, image,
                                                                      tmp_path):
    manifest, file_path = image
    await client._import(manifest, "dev")
    await client._upload(IMAGE_UUID, file_path, manifest["files"][0], "dev")
    other_path, sha1, size = make_image_file(tmp_path / "other.gz", seed=b"other")
    with pytest.raises(PublishConflictError, match="unactivated"):
        await client.publish(built_manifest(sha1, size), other_path)
    stored = server.store.get(IMAGE_UUID)
    assert stored.manifest["state"] == "unactivated"
    assert stored.file_path.read_bytes() == file_path.read_bytes()


@pytest_twisted.ensureDeferred
async def test_wrong_key_is_refused_with_a_clear_message(clients, server, wrong_key_path, image):
    manifest, file_path = image
    intruder = clients(server.url, USER, wrong_key_path)
    with pytest.raises(ImgapiError) as error:
        await intruder.publish(manifest, file_path)
    assert error.value.status == 401 and error.value.code == "Unauthorized"
    assert 'does not verify with any key on file for user "alice"' in error.value.message
    assert server.store.get(IMAGE_UUID) is None


@pytest_twisted.ensureDeferred
async def test_missing_origin_is_a_clear_error(clients, servers, tmp_path, keys_dir, key_path,
                                               image):
    empty = servers(tmp_path / "empty", keys_dir=keys_dir)
    client = clients(empty.url, USER, key_path)
    manifest, file_path = image
    with pytest.raises(OriginMissingError, match=f"origin image {ORIGIN_UUID} .*does not exist"):
        await client.publish(manifest, file_path)
    assert empty.store.all() == []


@pytest_twisted.ensureDeferred
async def test_origin_imported_from_a_source_when_asked(clients, servers, server, tmp_path,
                                                        keys_dir, key_path, image):
    target = servers(tmp_path / "target", keys_dir=keys_dir)
    client = clients(target.url, USER, key_path, channel="staging")
    source = clients(server.url)  # anonymous: reads only
    manifest, file_path = image
    result = await client.publish(manifest, file_path, import_origin_from=source)
    assert result.manifest["state"] == "active"
    origin = target.store.get(ORIGIN_UUID).manifest
    assert origin["state"] == "active" and origin["public"] is False
    assert origin["published_at"] == "2020-01-07T17:00:00Z" and origin["channels"] == ["staging"]


@pytest_twisted.ensureDeferred
async def test_5xx_on_the_file_upload_is_retried(clients, servers, tmp_path, keys_dir, key_path,
                                                 origin, image):
    class FailFirstUpload(resource.Resource):
        isLeaf = True
        failures = 1

        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def render(self, request):
            if request.method == b"PUT" and self.failures:
                self.failures -= 1
                request.setResponseCode(503)
                request.setHeader(b"content-type", b"application/json")
                return b'{"code": "ServiceUnavailable", "message": "storage busy"}'
            return self.inner.render(request)

    flaky = servers(tmp_path / "flaky", keys_dir=keys_dir, seed_dir=origin.directory,
                    wrap=FailFirstUpload)
    client = clients(flaky.url, USER, key_path)
    manifest, file_path = image
    result = await client.publish(manifest, file_path)
    assert result.manifest["state"] == "active"
    assert flaky.site.resource.failures == 0
    assert flaky.tmp_entries() == []


@pytest_twisted.ensureDeferred
async def test_5xx_every_time_gives_up_and_rolls_back(clients, servers, tmp_path, keys_dir,
                                                       key_path, origin, image):
    def always_503(inner):
        class Broken(resource.Resource):
            isLeaf = True

            def render(self, request):
                if request.method == b"PUT":
                    request.setResponseCode(503)
                    return b""
                return inner.render(request)
        return Broken()

    broken = servers(tmp_path / "broken", keys_dir=keys_dir, seed_dir=origin.directory,
                     wrap=always_503)
    client = clients(broken.url, USER, key_path, retries=2)
    manifest, file_path = image
    with pytest.raises(ImgapiError) as error:
        await client.publish(manifest, file_path)
    assert error.value.status == 503
    assert broken.store.get(IMAGE_UUID) is None


class DropFirstUpload(portforward.ProxyServer):
    """A TCP proxy that cuts the first connection carrying a PUT after ~100 kB of it."""

    def connectionMade(self):
        self.upload_bytes = None
        super().connectionMade()

    def dataReceived(self, data):
        factory = self.factory
        if self.upload_bytes is None and b"PUT /images/" in data and factory.drops:
            self.upload_bytes = 0
        if self.upload_bytes is not None:
            self.upload_bytes += len(data)
            if self.upload_bytes > 100_000:
                factory.drops -= 1
                self.upload_bytes = None
                self.transport.abortConnection()
                if self.peer is not None:
                    self.peer.transport.abortConnection()
                return
        super().dataReceived(data)


@pytest.fixture
def dropping_proxy(server):
    factory = portforward.ProxyFactory("127.0.0.1", server.port.getHost().port)
    factory.protocol = DropFirstUpload
    factory.drops = 1
    port = reactor.listenTCP(0, factory, interface="127.0.0.1")
    factory.url = f"http://127.0.0.1:{port.getHost().port}"
    yield factory
    pytest_twisted.blockon(port.stopListening())


@pytest_twisted.ensureDeferred
async def test_connection_dropped_mid_upload_leaves_no_partial_image(
        clients, server, dropping_proxy, key_path, tmp_path):
    file_path, sha1, size = make_image_file(tmp_path / "big.gz", size=2_000_000, seed=b"big")
    manifest = built_manifest(sha1, size)
    client = clients(dropping_proxy.url, USER, key_path, retries=0)
    with pytest.raises(ImgapiClientError, match="PUT .* failed after 1 attempt"):
        await client.publish(manifest, file_path)
    assert dropping_proxy.drops == 0
    assert server.store.get(IMAGE_UUID) is None  # rolled back: no unactivated leftover
    assert await eventually(lambda: server.tmp_entries() == [])  # the partial body is gone


@pytest_twisted.ensureDeferred
async def test_connection_dropped_mid_upload_is_retried(clients, server, dropping_proxy,
                                                        key_path, tmp_path):
    file_path, sha1, size = make_image_file(tmp_path / "big.gz", size=2_000_000, seed=b"big")
    manifest = built_manifest(sha1, size)
    client = clients(dropping_proxy.url, USER, key_path)
    result = await client.publish(manifest, file_path)
    assert dropping_proxy.drops == 0 and result.manifest["state"] == "active"
    stored = server.store.get(IMAGE_UUID)
    assert stored.file_path.read_bytes() == file_path.read_bytes()


@pytest_twisted.ensureDeferred
async def test_an_interrupted_publish_is_finished_by_the_next(client, server, image):
    manifest, file_path = image
    await client._import(manifest, "dev")  # as if the publisher died right after the import
    result = await client.publish(manifest, file_path)
    assert not result.already_published and result.manifest["state"] == "active"


@pytest_twisted.ensureDeferred
async def test_local_file_not_matching_the_manifest(client, server, image, tmp_path):
    manifest, file_path = image
    with pytest.raises(ImgapiClientError, match="bytes but the manifest says"):
        await client.publish(dict(manifest, files=[dict(manifest["files"][0], size=1)]),
                             file_path)
    corrupt = tmp_path / "corrupt.gz"
    corrupt.write_bytes(b"\0" * manifest["files"][0]["size"])
    with pytest.raises(ImgapiClientError, match="has sha1 .* but the manifest says"):
        await client.publish(manifest, corrupt)
    assert server.store.get(IMAGE_UUID) is None


@pytest_twisted.ensureDeferred
async def test_manifest_without_files_is_hashed_first(client, server, image):
    manifest, file_path = image
    declared = manifest.pop("files")[0]
    result = await client.publish(manifest, file_path)
    assert result.manifest["files"] == [declared]


@pytest_twisted.ensureDeferred
async def test_download_checks_the_sha1(client, server, tmp_path):
    stored = server.store.get(ORIGIN_UUID).file_path
    stored.write_bytes(stored.read_bytes()[:-1] + b"!")
    with pytest.raises(ImgapiClientError, match="expected .* bytes with sha1"):
        await client.get_image_file(ORIGIN_UUID, tmp_path / "origin")
    assert os.listdir(tmp_path).count("origin") == 0


@pytest_twisted.ensureDeferred
async def test_list_images_pages_through_everything(clients, server, client, tmp_path):
    for n in range(5):
        file_path, sha1, size = make_image_file(tmp_path / f"{n}.gz", size=1000,
                                                seed=str(n).encode())
        manifest = built_manifest(sha1, size, uuid=f"2d74d0fb-8402-4e10-a145-86864b14bca{n}",
                                  version=f"1.0.{n}")
        manifest["published_at"] = f"2024-01-0{n + 1}T00:00:00.000Z"
        await client.publish(manifest, file_path)
    paging = clients(server.url, channel="dev", page_size=2)
    images = await paging.list_images(name="triton-origin-x86_64-19.4.0")
    assert [i["version"] for i in images] == [f"1.0.{n}" for n in range(5)]
    assert len(await paging.list_images(name="~x86_64")) == 5
    assert [i["version"] for i in await paging.list_images(limit=2, marker=images[3]["uuid"])
            ] == ["1.0.3", "1.0.4"]
    assert await paging.list_images(name="~x86_64", channel="release") == []
    assert len(await paging.list_images(public=False)) == 5


@pytest_twisted.ensureDeferred
async def test_channel_add(client, server, image):
    manifest, file_path = image
    await client.publish(manifest, file_path)
    image_manifest = await client.channel_add(IMAGE_UUID, "release")
    assert image_manifest["channels"] == ["dev", "release"]
    assert (await client.channel_add(IMAGE_UUID, "release"))["channels"] == ["dev", "release"]
    with pytest.raises(ImgapiError) as error:
        await client.channel_add("6417ab20-3156-11ea-8b19-2b66f5e7a439", "release")
    assert error.value.code == "ResourceNotFound"


@pytest_twisted.ensureDeferred
async def test_unreachable_server_gives_up_after_the_retries(clients):
    client = clients("http://127.0.0.1:1", retries=2)
    with pytest.raises(ImgapiClientError, match="failed after 3 attempt"):
        await client.ping()


def test_client_needs_user_and_key_together(key_path):
    from origin_ci.imgapi.client import ImgapiClient
    with pytest.raises(ValueError):
        ImgapiClient("http://127.0.0.1:1", user=USER)


# ---- the command line, as an operator runs it

async def origin_ci(*args, env=None):
    out, err, code = await utils.getProcessOutputAndValue(
        sys.executable, ["-m", "origin_ci.cli", "imgapi", *args],
        env={**os.environ, **(env or {})}, path=os.getcwd())
    return code, out.decode(), err.decode()


@pytest_twisted.ensureDeferred
async def test_cli_publish_list_channel_add(server, key_path, image, tmp_path):
    manifest, file_path = image
    manifest_path = tmp_path / "image.imgmanifest"
    manifest_path.write_text(json.dumps(manifest))
    env = {"ORIGIN_CI_IMGAPI_URL": server.url, "ORIGIN_CI_IMGAPI_USER": USER,
           "ORIGIN_CI_IMGAPI_IDENTITY": str(key_path)}
    code, out, err = await origin_ci("publish", "-m", str(manifest_path), "-f", str(file_path),
                                     "-C", "staging", env=env)
    assert code == 0, err
    assert out.startswith(f"Published image {IMAGE_UUID} (triton-origin-x86_64-19.4.0@1.0.0)")
    code, out, err = await origin_ci("channel-add", IMAGE_UUID, "release", env=env)
    assert code == 0 and "release" in out
    code, out, err = await origin_ci("list", "name=~triton-origin", "-C", "release", "-j",
                                     env=env)
    assert code == 0 and [i["uuid"] for i in json.loads(out)] == [IMAGE_UUID]
    code, out, err = await origin_ci("get", ORIGIN_UUID, "--url", server.url)
    assert code == 0 and json.loads(out)["name"] == "minimal-64-lts"
    code, out, err = await origin_ci("publish", "-m", str(manifest_path), "-f",
                                     str(file_path), env=dict(env, ORIGIN_CI_IMGAPI_USER="eve"))
    assert code == 1 and "error (Unauthorized)" in err
