"""Fixtures: RSA keys, a fake upstream origin image, image servers on 127.0.0.1 ephemeral ports
(in the pytest-twisted reactor), and signed clients."""
import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_twisted
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from twisted.internet import defer, reactor

from origin_ci.imgapi.client import ImgapiClient
from origin_ci.imgapi.server import make_site
from origin_ci.imgapi.store import ImageStore

ORIGIN_UUID = "5417ab20-3156-11ea-8b19-2b66f5e7a439"
IMAGE_UUID = "2d74d0fb-8402-4e10-a145-86864b14bca7"
USER = "alice"


def wait(coroutine_or_deferred):
    """Block (greenlet-style, the reactor keeps running) on a coroutine or Deferred."""
    if not isinstance(coroutine_or_deferred, defer.Deferred):
        coroutine_or_deferred = defer.Deferred.fromCoroutine(coroutine_or_deferred)
    return pytest_twisted.blockon(coroutine_or_deferred)


def write_private_key(key, path, fmt=serialization.PrivateFormat.TraditionalOpenSSL):
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, fmt,
                                       serialization.NoEncryption()))
    return path


def openssh_public_line(key, comment="test@example"):
    return key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                         serialization.PublicFormat.OpenSSH).decode() + " " + comment


@pytest.fixture(scope="session")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def other_rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def keys_dir(tmp_path, rsa_key):
    directory = tmp_path / "keys"
    directory.mkdir()
    (directory / f"{USER}.keys").write_text(f"# {USER}'s keys\n\n{openssh_public_line(rsa_key)}\n")
    return directory


@pytest.fixture
def key_path(tmp_path, rsa_key):
    return write_private_key(rsa_key, tmp_path / "id_rsa")


@pytest.fixture
def wrong_key_path(tmp_path, other_rsa_key):
    return write_private_key(other_rsa_key, tmp_path / "id_rsa_other")


def make_image_file(path, size=300_000, seed=b"x"):
    """A gzip'd pseudo-random payload of about `size` bytes; returns (path, sha1, size)."""
    payload = hashlib.sha256(seed).digest() * (size // 32) + os.urandom(size // 8)
    data = gzip.compress(payload, compresslevel=1)
    path.write_bytes(data)
    return path, hashlib.sha1(data).hexdigest(), len(data)


def origin_manifest(sha1, size, uuid=ORIGIN_UUID):
    """An upstream origin as images.smartos.org serves it (public, active)."""
    return {
        "v": 2, "uuid": uuid, "owner": "9dce1460-0c4c-4417-ab8b-25ca478c5a78",
        "name": "minimal-64-lts", "version": "19.4.0", "state": "active", "disabled": False,
        "public": True, "published_at": "2020-01-07T17:00:00Z", "type": "zone-dataset",
        "os": "smartos", "files": [{"sha1": sha1, "size": size, "compression": "gzip"}],
        "requirements": {"min_platform": {"7.0": "20141030T081701Z"},
                         "networks": [{"name": "net0", "description": "public"}]},
        "description": "A 64-bit SmartOS image with just essential packages installed.",
    }


def built_manifest(sha1, size, uuid=IMAGE_UUID, origin=ORIGIN_UUID, version="1.0.0"):
    """What `imgadm create -i` writes for a triton-origin image."""
    return {
        "v": 2, "uuid": uuid, "name": "triton-origin-x86_64-19.4.0", "version": version,
        "type": "zone-dataset", "os": "smartos", "origin": origin,
        "description": "Triton origin image based on minimal-64-lts 19.4.0",
        "requirements": {"min_platform": {"7.0": "20141030T081701Z"}},
        "tags": {"smartdc_service": True},
        "files": [{"sha1": sha1, "size": size, "compression": "gzip"}],
    }


@dataclass
class Origin:
    directory: Path
    manifest: dict
    file_path: Path


@pytest.fixture
def origin(tmp_path):
    directory = tmp_path / "origins"
    directory.mkdir()
    file_path, sha1, size = make_image_file(directory / f"{ORIGIN_UUID}.zfs.gz", seed=b"origin")
    manifest = origin_manifest(sha1, size)
    (directory / f"{ORIGIN_UUID}.imgmanifest").write_text(json.dumps(manifest))
    return Origin(directory, manifest, file_path)


@dataclass
class Server:
    url: str
    store: ImageStore
    site: object
    port: object

    def tmp_entries(self):
        return sorted(os.listdir(self.store.root / "tmp"))


def start_server(directory, mode="private", keys_dir=None, seed_dir=None, wrap=None):
    store = ImageStore(directory)
    if seed_dir is not None:
        store.seed_dir(seed_dir)
    site = make_site(store, mode, keys_dir)
    if wrap is not None:
        site.resource = wrap(site.resource)
    port = reactor.listenTCP(0, site, interface="127.0.0.1")
    return Server(f"http://127.0.0.1:{port.getHost().port}", store, site, port)


@pytest.fixture
def servers():
    """Start servers with servers(start_server args...); all are stopped after the test."""
    started = []

    def start(*args, **kwargs):
        started.append(start_server(*args, **kwargs))
        return started[-1]

    yield start
    for server in started:
        wait(server.port.stopListening())


@pytest.fixture
def server(servers, tmp_path, keys_dir, origin):
    """A private-mode server with signature auth, seeded with the origin."""
    return servers(tmp_path / "store", keys_dir=keys_dir, seed_dir=origin.directory)


@pytest.fixture
def clients():
    """Make clients with clients(url, ...); their connections are closed after the test."""
    made = []

    def make(*args, **kwargs):
        kwargs.setdefault("retry_delay", 0.01)
        kwargs.setdefault("timeout", 10)
        made.append(ImgapiClient(*args, **kwargs))
        return made[-1]

    yield make
    for client in made:
        wait(client.close())


@pytest.fixture
def client(clients, server, key_path):
    return clients(server.url, USER, key_path, channel="dev")


@pytest.fixture
def image(tmp_path):
    """A built image file and its manifest (incremental on the origin)."""
    file_path, sha1, size = make_image_file(tmp_path / "image.zfs.gz", seed=b"image")
    return built_manifest(sha1, size), file_path
