"""Where the master publishes images, behind one asynchronous interface for the steps.

A target answers `published_versions(name)` (for the next patch number),
`last_published(name)` (version and installed packages of the newest image, for the security
poller and nightly builds), `last_report(name)` (the newest image's report.json, for the USB-key
total) and `publish(manifest, image_file, artifacts, channel)`; all return Deferreds so that a remote IMGAPI and
the local store look alike to the steps. The local store's disk work runs in a thread because
image files are hundreds of MB.
"""
import json
import os

from twisted.internet import defer, threads

from origin_ci import inventory
from origin_ci.imgapi.channels import ALL_CHANNELS
from origin_ci.imgapi.client import ImgapiClient
from origin_ci.local_store import LocalImageStore, file_name


class LocalStoreTarget:
    name = "local"
    has_channels = False  # one flat directory: what is in it counts as released

    def __init__(self, directory, url=None):
        """`url`: where the web server serves `directory` (www_images), if it does."""
        self.store = LocalImageStore(directory)
        self.description = directory
        self.url = url

    def published_versions(self, image_name):
        return threads.deferToThread(self.store.published_versions, image_name)

    def last_published(self, image_name):
        return threads.deferToThread(self._last_published, image_name)

    def _last_published(self, image_name):
        manifest = self.store.latest(image_name)
        if manifest is None:
            return None
        recorded = self.store.artifact(manifest, "inventory")
        return manifest["version"], (inventory.installed_packages(recorded) if recorded else None)

    def last_report(self, image_name):
        return threads.deferToThread(self._last_report, image_name)

    def _last_report(self, image_name):
        manifest = self.store.latest(image_name)
        recorded = self.store.artifact(manifest, "report.json") if manifest else None
        return json.loads(recorded) if recorded else None

    def publish(self, manifest, image_file, artifacts, channel):
        """Links (or copies) the files, which stay for the other targets; returns where they went."""
        return threads.deferToThread(self.store.publish, manifest, image_file, artifacts)

    def links(self, manifest, artifact_suffixes):
        """(file name, URL) of each file published for `manifest`, for the build page."""
        names = [file_name(manifest["name"], manifest["version"], suffix)
                 for suffix in ("imgmanifest", "zfs.gz", *artifact_suffixes)]
        base = self.url or f"file://{os.path.abspath(self.store.directory)}/"
        return [(name, base + name) for name in names]


_clients = {}


def shared_client(url, user=None, key_path=None):
    """One client, and so one connection pool, per IMGAPI and identity for the master's life:
    every reconfig makes new targets, and must not leave pools behind. A key file that changed
    gets a new client."""
    identity = (url, user, key_path, os.stat(key_path).st_mtime_ns if key_path else None)
    if identity not in _clients:
        _clients[identity] = ImgapiClient(url, user=user, key_path=key_path)
    return _clients[identity]


class ImgapiTarget:
    """An IMGAPI (updates.tritondatacenter.com or a site's own), published to with the master's
    key; the key file never leaves the master. A missing origin is copied from
    `import_origins_from` first when configured (TOOLS-2196: an incremental image needs it)."""

    has_channels = True

    def __init__(self, name, url, user, key_path, import_origins_from=None):
        self.name = name
        self.description = url
        self.client = shared_client(url, user=user, key_path=key_path)
        self.origin_source = shared_client(import_origins_from) if import_origins_from else None

    def _images(self, image_name):
        return defer.Deferred.fromCoroutine(self.client.list_images(name=image_name, channel=ALL_CHANNELS))

    @defer.inlineCallbacks
    def published_versions(self, image_name):
        return [image["version"] for image in (yield self._images(image_name))]

    @defer.inlineCallbacks
    def last_published(self, image_name):
        images = yield self._images(image_name)
        # IMGAPI keeps no inventory beside an image; (version, None) says "unknown content".
        return (images[-1]["version"], None) if images else None

    def last_report(self, image_name):
        # Nor any report: the USB-key total counts what the local store has.
        return defer.succeed(None)

    @defer.inlineCallbacks
    def find(self, image_name, version):
        """The uuid of `image_name@version`, or None."""
        for image in (yield self._images(image_name)):
            if image["version"] == version:
                return image["uuid"]
        return None

    @defer.inlineCallbacks
    def publish(self, manifest, image_file, artifacts, channel):
        result = yield defer.Deferred.fromCoroutine(self.client.publish(
            manifest, image_file, channel=channel, import_origin_from=self.origin_source))
        state = "already there" if result.already_published else "published"
        return f"{self.description}/images/{manifest['uuid']} ({state}, channel {channel})"

    def links(self, manifest, artifact_suffixes):
        return [(f"{self.name}: {manifest['name']}@{manifest['version']}",
                 f"{self.description}/images/{manifest['uuid']}")]

    def add_to_channel(self, uuid, channel):
        return defer.Deferred.fromCoroutine(self.client.channel_add(uuid, channel))
