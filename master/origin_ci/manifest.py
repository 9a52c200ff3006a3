"""Image manifests: what we hand to `imgadm create -m`, and what we publish afterwards.

`imgadm create` fills v, uuid, type, os, origin and files; it would also default
`requirements.min_platform` to the *build host's* platform, which makes images uninstallable on
older platforms, so the origin's value is always passed explicitly.
"""
import hashlib

HOMEPAGE = "https://github.com/TritonDataCenter/triton-origin-image"
UNOWNED = "00000000-0000-0000-0000-000000000000"


def build_manifest(plan, version, min_platform, tags):
    """The manifest fragment for `imgadm create -m`."""
    return {
        "name": plan["image_name"],
        "version": version,
        "description": plan["description"],
        "homepage": HOMEPAGE,
        "requirements": {"min_platform": dict(min_platform)},
        "tags": dict(tags),
    }


def image_problems(created, plan, version, min_platform, file_sha1, file_size):
    """What is wrong with the manifest `imgadm create` wrote, given the plan and the file."""
    problems = []
    expected = {
        "name": plan["image_name"],
        "version": version,
        "origin": plan["origin_uuid"],
        "type": "zone-dataset",
        "os": "smartos",
    }
    for field, value in expected.items():
        if created.get(field) != value:
            problems.append(f"{field} is {created.get(field)!r}, expected {value!r}")
    actual_min_platform = created.get("requirements", {}).get("min_platform")
    if actual_min_platform != min_platform:
        problems.append(f"requirements.min_platform is {actual_min_platform!r}, expected the "
                        f"origin's {min_platform!r}")
    files = created.get("files") or []
    if len(files) != 1:
        problems.append(f"files has {len(files)} entries, expected exactly 1")
    else:
        if files[0].get("sha1") != file_sha1:
            problems.append(f"files[0].sha1 is {files[0].get('sha1')!r}, the file's is {file_sha1!r}")
        if files[0].get("size") != file_size:
            problems.append(f"files[0].size is {files[0].get('size')!r}, the file has {file_size} bytes")
        if files[0].get("compression") != "gzip":
            problems.append(f"files[0].compression is {files[0].get('compression')!r}, expected 'gzip'")
    return problems


def published_manifest(created, published_at):
    """The manifest of the activated image, as a private IMGAPI (updates.tritondatacenter.com) holds it."""
    manifest = dict(created)
    manifest.update({
        "owner": UNOWNED,
        "public": False,
        "state": "active",
        "disabled": False,
        "published_at": published_at.strftime("%Y-%m-%dT%H:%M:%S.") +
        f"{published_at.microsecond // 1000:03d}Z",
    })
    return manifest


def file_digest(path, chunk_size=1 << 20):
    """(sha1 hex, size) of a file, read in chunks: image files run to hundreds of MB."""
    sha1, size = hashlib.sha1(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            sha1.update(chunk)
            size += len(chunk)
    return sha1.hexdigest(), size
