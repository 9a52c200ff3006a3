"""New upstream origin releases, from an origin source's ListImages answer.

Only what passes IMGAPI's own manifest validation (public mode: the origin source is a public
image server such as images.smartos.org) and is an active LTS release of a tracked series counts;
the rest is reported, never built.
"""
import dataclasses

from origin_ci import naming
from origin_ci.imgmanifest import ManifestError, validate_manifest


@dataclasses.dataclass(frozen=True, order=True)
class Release:
    origin_name: str
    origin_version: str
    origin_uuid: str

    @property
    def image_name(self):
        return naming.image_name(self.origin_name, self.origin_version)

    def as_dict(self):
        return dataclasses.asdict(self)


def tracked_releases(images, tracked_names):
    """(releases, rejected): LTS releases of tracked series, and why other entries were ignored.

    Entries of series we do not track are ignored silently: the source serves thousands.
    """
    releases, rejected = [], []
    if not isinstance(images, list):
        return [], [f"expected a JSON array of images, got {type(images).__name__}"]
    for image in images:
        if not isinstance(image, dict) or image.get("name") not in tracked_names:
            continue
        label = f"{image.get('name')}@{image.get('version')} ({image.get('uuid')})"
        try:
            validate_manifest(image, mode="public")
        except ManifestError as error:
            rejected.append(f"{label}: invalid manifest: " +
                            "; ".join(f"{e['field']}: {e['message']}" for e in error.errors))
            continue
        if image["state"] != "active" or image.get("disabled"):
            continue
        try:
            naming.pkgsrc_branch(image["version"])
        except naming.NamingError:
            continue  # a non-LTS version in an -lts series: not ours to build
        releases.append(Release(image["name"], image["version"], image["uuid"]))
    return sorted(releases), rejected


def new_releases(releases, known_uuids, existing_image_names):
    """Releases not seen before whose image is not already a flavour."""
    return [release for release in releases
            if release.origin_uuid not in known_uuids and release.image_name not in existing_image_names]
