"""The local image store over the web UI's own server, at `/plugins/images/`, so that a build page
links the published image, manifest, inventory and report, and anyone may browse the store.

A Buildbot www plugin (entry point `images` in the `buildbot.www` group, see pyproject.toml), the
way Buildbot 4.3 lets a master serve more than its UI; `www.www_config` configures it with an
`ImagesDirectory`.
"""
import os

from buildbot.interfaces import IConfigured
from twisted.web import static
from zope.interface import implementer

PLUGIN_NAME = "images"
PATH = f"plugins/{PLUGIN_NAME}/"


class StoreFiles(static.File):
    # A `.zfs.gz` is the image itself: served with "Content-Encoding: gzip", as twisted does by
    # default, a browser would save it decompressed under its .gz name and its sha1 would not match.
    contentEncodings = {}
    contentTypes = {**static.File.contentTypes, ".gz": "application/gzip", ".json": "application/json",
                    ".imgmanifest": "application/json", ".inventory": "text/plain; charset=utf-8"}


@implementer(IConfigured)
class ImagesDirectory:
    """The plugin's configuration. The web UI hands every plugin's configuration to browsers;
    this one says nothing there, since the directory is the master host's business."""

    def __init__(self, directory):
        self.directory = directory

    def getConfigDict(self):
        return {}


class PublishedImagesPlugin:
    """What Buildbot's www service asks of a plugin: setMaster, setConfiguration, a resource."""

    def __init__(self):
        self.master = None
        self.resource = None

    def setMaster(self, master):
        self.master = master

    def setConfiguration(self, config):
        # The store's directory appears with the first published image; serve it from the start.
        os.makedirs(config.directory, exist_ok=True)
        self.resource = StoreFiles(config.directory)
        # The UI loads scripts.js and styles.css of every configured plugin; without these an
        # image store would answer each page load with two 404s.
        self.resource.putChild(b"scripts.js", static.Data(b"", "text/javascript"))
        self.resource.putChild(b"styles.css", static.Data(b"", "text/css"))


ep = PublishedImagesPlugin()
