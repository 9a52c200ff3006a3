"""Where the master publishes images, behind one asynchronous interface for the steps.

A target answers `published_versions(name)` (for the next patch number) and
`publish(manifest, image_file, artifacts)`; both return Deferreds so that a remote IMGAPI and
the local store look alike to the steps. The local store's disk work runs in a thread because
image files are hundreds of MB.
"""
from twisted.internet import threads

from origin_ci.local_store import LocalImageStore


class LocalStoreTarget:
    name = "local"

    def __init__(self, directory):
        self.store = LocalImageStore(directory)
        self.description = directory

    def published_versions(self, image_name):
        return threads.deferToThread(self.store.published_versions, image_name)

    def publish(self, manifest, image_file, artifacts):
        return threads.deferToThread(self.store.publish, manifest, image_file, artifacts)
