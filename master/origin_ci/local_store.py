"""The local image store: published images as files in one directory.

Per image: `<name>-<version>.zfs.gz`, any extra artifacts (`<name>-<version>.<suffix>`), and
`<name>-<version>.imgmanifest` written last, so a manifest only ever names a complete image and
an interrupted publish leaves nothing that counts as published.
"""
import glob
import json
import os
import shutil


class StoreError(Exception):
    pass


def _link_or_copy(source, destination):
    """A hard link costs nothing for an image of hundreds of MB; a copy when across filesystems."""
    if os.path.exists(destination):
        os.unlink(destination)
    try:
        os.link(source, destination)
    except OSError:
        shutil.copyfile(source, destination)


def file_name(name, version, suffix):
    return f"{name}-{version}.{suffix}"


class LocalImageStore:
    def __init__(self, directory):
        self.directory = directory

    def _path(self, name, version, suffix):
        return os.path.join(self.directory, file_name(name, version, suffix))

    def manifests(self, name=None):
        """Manifests of the published images, optionally only those called `name`."""
        found = []
        for path in sorted(glob.glob(os.path.join(self.directory, "*.imgmanifest"))):
            with open(path, encoding="utf-8") as handle:
                manifest = json.load(handle)
            if name is None or manifest.get("name") == name:
                found.append(manifest)
        return found

    def published_versions(self, name):
        return [manifest["version"] for manifest in self.manifests(name)]

    def latest(self, name):
        """The manifest of the image called `name` published last, or None."""
        manifests = self.manifests(name)
        return max(manifests, key=lambda m: m["published_at"]) if manifests else None

    def artifact(self, manifest, suffix):
        """The bytes of an artifact published beside the image, or None."""
        try:
            with open(self._path(manifest["name"], manifest["version"], suffix), "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            return None

    def publish(self, manifest, image_file, artifacts=None):
        """Put `image_file` and `artifacts` ({suffix: path}) into the store under the manifest's
        name and version; never replaces a published image. The sources stay where they are."""
        name, version = manifest["name"], manifest["version"]
        manifest_path = self._path(name, version, "imgmanifest")
        if os.path.exists(manifest_path):
            raise StoreError(f"{name}@{version} is already published in {self.directory}; "
                             "refusing to overwrite it")
        os.makedirs(self.directory, exist_ok=True)
        files = {"zfs.gz": image_file, **(artifacts or {})}
        for suffix, source in files.items():
            destination = self._path(name, version, suffix)
            _link_or_copy(source, destination + ".partial")
            os.replace(destination + ".partial", destination)
        partial = manifest_path + ".partial"
        with open(partial, "w", encoding="utf-8") as handle:
            json.dump(manifest, handle, indent=2, sort_keys=True)
            handle.write("\n")
        os.replace(partial, manifest_path)
        return manifest_path
