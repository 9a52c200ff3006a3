"""The host's installed images (what `imgadm` manages under /zones on SmartOS).

images/<uuid>/
  manifest.json   the image manifest
  info.json       {"zpool", "source"} as `imgadm get` reports them
  layer/          the files of the image's own stream (for an incremental image: what differs
                  from its origin)
  deleted.json    paths of the origin that the image removes
  index.json      file index of the complete dataset (origin chain + this layer)

Images are installed into a temporary directory and renamed into place, so a reader never sees
half an image; installs of one uuid are serialized with a lock.
"""
import json
import shutil
from pathlib import Path

from . import streams
from .state import atomic_write_json, read_json


class ImageStore:
    def __init__(self, state):
        self.state = state

    def path(self, uuid):
        return self.state.image_dir(uuid)

    def is_installed(self, uuid):
        return (self.path(uuid) / "manifest.json").is_file()

    def manifest(self, uuid):
        if not self.is_installed(uuid):
            return None
        return read_json(self.path(uuid) / "manifest.json")

    def info(self, uuid):
        """{"manifest", "zpool", "source"?} as `imgadm get` prints it, or None."""
        manifest = self.manifest(uuid)
        if manifest is None:
            return None
        extra = read_json(self.path(uuid) / "info.json")
        info = {"manifest": manifest, "zpool": extra.get("zpool", "zones")}
        if extra.get("source"):
            info["source"] = extra["source"]
        return info

    def list(self):
        if not self.state.images_dir.is_dir():
            return []
        return [self.info(p.name) for p in sorted(self.state.images_dir.iterdir())
                if not p.name.startswith(".") and self.is_installed(p.name)]

    def chain(self, uuid):
        """The image and its origins, root-most first."""
        chain = []
        while uuid:
            manifest = self.manifest(uuid)
            if manifest is None:
                raise KeyError(uuid)
            chain.insert(0, uuid)
            uuid = manifest.get("origin")
        return chain

    def full_index(self, uuid):
        return read_json(self.path(uuid) / "index.json")

    def install(self, manifest, file_bytes, source=None, zpool="zones"):
        """Install an image from its manifest and (compressed) file. The caller holds the
        image's lock and has checked that it is not installed and that its origin is."""
        uuid = manifest["uuid"]
        stream = streams.decompress(file_bytes)
        work = self.state.mkdtemp(f"image-{uuid}-")
        try:
            header = streams.apply_stream(stream, work / "layer")
            origin = manifest.get("origin")
            if header.get("incremental") and not origin:
                raise ValueError("incremental stream for an image without an origin")
            index = dict(self.full_index(origin)) if origin else {}
            for path in header.get("deleted", []):
                index.pop(path, None)
            index.update(streams.file_index(work / "layer"))
            atomic_write_json(work / "index.json", index)
            atomic_write_json(work / "deleted.json", header.get("deleted", []))
            atomic_write_json(work / "info.json", {"zpool": zpool, "source": source})
            atomic_write_json(work / "manifest.json", manifest)
            target = self.path(uuid)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                shutil.rmtree(target)
            work.rename(target)
        finally:
            if work.exists():
                shutil.rmtree(work, ignore_errors=True)

    def materialize(self, uuid, target):
        """Lay the complete dataset of an image (origin chain applied in order) into target."""
        target = Path(target)
        target.mkdir(parents=True, exist_ok=True)
        for layer_uuid in self.chain(uuid):
            base = self.path(layer_uuid)
            for rel in read_json(base / "deleted.json"):
                victim = target / rel
                if victim.is_dir() and not victim.is_symlink():
                    shutil.rmtree(victim)
                elif victim.exists() or victim.is_symlink():
                    victim.unlink()
            shutil.copytree(base / "layer", target, symlinks=True, dirs_exist_ok=True,
                            copy_function=shutil.copy)
        return target

    def delete(self, uuid):
        trash = self.state.mkdtemp(f"deleted-{uuid}-")
        self.path(uuid).rename(trash / uuid)
        shutil.rmtree(trash, ignore_errors=True)

    def children(self, uuid):
        return [info["manifest"]["uuid"] for info in self.list()
                if info["manifest"].get("origin") == uuid]


def dumps(obj):
    return json.dumps(obj, indent=2)
