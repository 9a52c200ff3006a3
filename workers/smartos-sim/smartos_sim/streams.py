"""Image files: the simulator's stand-in for a `zfs send` stream, compressed as imgadm does.

A stream is a tar archive whose first member, `.smartos-sim-stream.json`, says what it is
(`{"format": "smartos-sim-zfs-stream", "version": 1, "incremental": bool, "deleted": [...]}`);
the other members are the dataset's files (a full stream) or the files that differ from the
origin (an incremental stream; `deleted` lists what the origin has and the image does not).
"""
import bz2
import gzip
import hashlib
import io
import json
import lzma
import os
import stat
import tarfile
from pathlib import Path

HEADER = ".smartos-sim-stream.json"
FORMAT = "smartos-sim-zfs-stream"

COMPRESSORS = {
    "none": (lambda data: data, ""),
    "gzip": (lambda data: gzip.compress(data, compresslevel=6, mtime=0), ".gz"),
    "bzip2": (lambda data: bz2.compress(data), ".bz2"),
    "xz": (lambda data: lzma.compress(data), ".xz"),
}


def compress(data, compression):
    return COMPRESSORS[compression][0](data)


def decompress(data):
    """Undo any of imgadm's compressions (detected by magic, like imgadm does)."""
    if data[:2] == b"\x1f\x8b":
        return gzip.decompress(data)
    if data[:3] == b"BZh":
        return bz2.decompress(data)
    if data[:6] == b"\xfd7zXZ\x00":
        return lzma.decompress(data)
    return data


def file_index(root):
    """{relative path: (kind, digest-or-target, mode)} of every file, dir and symlink under root."""
    root = Path(root)
    index = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(dirnames) + sorted(filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            st = path.lstat()
            if stat.S_ISLNK(st.st_mode):
                index[rel] = ("l", os.readlink(path), 0o777)
            elif stat.S_ISDIR(st.st_mode):
                index[rel] = ("d", "", stat.S_IMODE(st.st_mode))
            elif stat.S_ISREG(st.st_mode):
                index[rel] = ("f", hashlib.sha1(path.read_bytes()).hexdigest(),
                              stat.S_IMODE(st.st_mode))
    return index


def make_stream(root, base_index=None, mtime=None):
    """Tar stream of the dataset at `root`: everything, or (with the origin's `base_index`)
    only what changed, plus the list of deleted paths. Files are owned by root; `mtime`
    (optional) pins every member's time so that the stream is reproducible."""
    root = Path(root)
    index = file_index(root)
    if base_index is None:
        changed, deleted = sorted(index), []
    else:
        changed = sorted(p for p, entry in index.items() if tuple(base_index.get(p, ())) != entry)
        deleted = sorted(p for p in base_index if p not in index)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        header = json.dumps({"format": FORMAT, "version": 1, "incremental": base_index is not None,
                             "deleted": deleted}, indent=1).encode()
        info = tarfile.TarInfo(HEADER)
        info.size = len(header)
        info.mtime = mtime or 0
        tar.addfile(info, io.BytesIO(header))
        for rel in changed:
            info = tar.gettarinfo(root / rel, arcname=rel)
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            if mtime is not None:
                info.mtime = mtime
            if info.isreg():
                with open(root / rel, "rb") as handle:
                    tar.addfile(info, handle)
            else:
                tar.addfile(info)
    return buffer.getvalue()


def read_header(stream):
    with tarfile.open(fileobj=io.BytesIO(stream), mode="r:") as tar:
        member = tar.next()
        if member is None or member.name != HEADER:
            raise ValueError("not a smartos-sim image stream")
        header = json.loads(tar.extractfile(member).read())
    if header.get("format") != FORMAT:
        raise ValueError("not a smartos-sim image stream")
    return header


def apply_stream(stream, target):
    """Receive a stream into `target` (a layer directory) -> its header."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(stream), mode="r:") as tar:
        header = None
        members = []
        for member in tar:
            if member.name == HEADER:
                header = json.loads(tar.extractfile(member).read())
                continue
            if member.name.startswith("/") or ".." in Path(member.name).parts:
                raise ValueError(f"unsafe path in image stream: {member.name}")
            members.append(member)
        if header is None or header.get("format") != FORMAT:
            raise ValueError("not a smartos-sim image stream")
        tar.extractall(target, members=members, filter="tar")
    return header


def sha1_of(data):
    return hashlib.sha1(data).hexdigest()
