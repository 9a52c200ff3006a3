"""Where the master publishes images, behind one asynchronous interface for the steps.

A target answers `published_versions(name)` (for the next patch number),
`last_published(name)` (version and installed packages of the newest image, for the security
poller and nightly builds) and `publish(manifest, image_file, artifacts)`; all return Deferreds so that a remote IMGAPI and
the local store look alike to the steps. The local store's disk work runs in a thread because
image files are hundreds of MB.
"""
from twisted.internet import threads

from origin_ci import inventory
from origin_ci.local_store import LocalImageStore


class LocalStoreTarget:
    name = "local"
    has_channels = False  # one flat directory: what is in it counts as released

    def __init__(self, directory):
        self.store = LocalImageStore(directory)
        self.description = directory

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

    def publish(self, manifest, image_file, artifacts, channel):
        """Copies, since other targets may need the same files; returns where it went."""
        return threads.deferToThread(self.store.publish, manifest, image_file, artifacts)
