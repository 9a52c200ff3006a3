"""The upstream origin images: minimal-*-lts as images.smartos.org serves them.

Names, versions and uuids are the real ones. `published_at` follows the time in each (v1)
uuid. `requirements.min_platform` is the real `{"7.0": "20141030T081701Z"}` for 15.4.x; for
later origins the values are plausible stand-ins (see docs/simulator.md). The image file is a
gzip'd smartos-sim stream (see `streams`) of the origin's root: the branch's bootstrap
packages installed in /opt/local (with their pkgdb in /opt/local/pkg) and pkgin's
repositories.conf pointing at the real pkgsrc URL of the branch.
"""
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from . import catalog, pkgrepo, streams
from .pkgdb import PkgDb

JOYENT_OWNER = "930896af-bf8c-48d4-885c-6573a94b1853"
DESCRIPTIONS = {
    "minimal-multiarch-lts": "A 32-bit and 64-bit SmartOS image with just bootstrap packages "
                             "installed. Ideal for users who want the smallest possible image "
                             "upon which to build.",
    "minimal-64-lts": "A 64-bit SmartOS image with just bootstrap packages installed. Ideal for "
                      "users who want the smallest possible image upon which to build.",
}
HOMEPAGE = "https://docs.tritondatacenter.com/public-cloud/instances/infrastructure/images/smartos/minimal"


@dataclass(frozen=True)
class Origin:
    name: str
    version: str
    uuid: str
    branch: str
    arch: str
    published_at: str
    min_platform: str
    installed: tuple           # PKGNAMEs of the bootstrap packages installed in the image

    @property
    def title(self):
        return f"{self.name}@{self.version}"


def _shipped(name, version, uuid, branch, arch, published_at, min_platform):
    """A real origin: it installs what the catalogue says its branch's origin had."""
    return Origin(name, version, uuid, branch, arch, published_at, min_platform,
                  catalog.branch(branch, arch).origin_installed)


ORIGINS = (
    _shipped("minimal-multiarch-lts", "15.4.1", "ede31770-e19c-11e5-bb6e-3b7de3cca9ce", "2015Q4",
             "multiarch", "2016-03-04T00:12:05Z", "20141030T081701Z"),
    _shipped("minimal-64-lts", "18.4.0", "c2c31b00-1d60-11e9-9a77-ff9f06554b0f", "2018Q4", "x86_64",
             "2019-01-21T09:48:17Z", "20151126T062538Z"),
    _shipped("minimal-64-lts", "19.4.0", "5417ab20-3156-11ea-8b19-2b66f5e7a439", "2019Q4", "x86_64",
             "2020-01-07T14:09:51Z", "20151126T062538Z"),
    _shipped("minimal-64-lts", "21.4.0", "a7199134-7e94-11ec-be67-db6f482136c2", "2021Q4", "x86_64",
             "2022-01-26T10:49:02Z", "20210826T002459Z"),
    _shipped("minimal-64-lts", "23.4.0", "5e4c3f98-aca4-11ee-9db8-00151714048c", "2023Q4", "x86_64",
             "2024-01-06T15:07:33Z", "20210826T002459Z"),
    _shipped("minimal-64-lts", "24.4.1", "41bd4100-eb86-409a-85b0-e649aadf6f62", "2024Q4", "x86_64",
             "2025-02-11T13:21:40Z", "20210826T002459Z"),
)


def by_uuid(uuid):
    for origin in ORIGINS:
        if origin.uuid == uuid:
            return origin
    raise KeyError(uuid)


def repositories_conf(origin):
    return ("# $NetBSD: repositories.conf,v 1.3 2012/06/13 13:50:17 imil Exp $\n"
            "#\n# Pkgin repositories list\n#\n"
            "# Simply add repositories URIs one below the other\n#\n"
            f"{pkgrepo.repo_url(origin.branch, origin.arch)}\n")


def build_root(state_root, origin, target):
    """Lay out an origin's root filesystem in `target`, installing its packages from the
    simulated repository of its branch."""
    target = Path(target)
    machine_arch = pkgrepo.repository_meta(state_root, origin.branch, origin.arch)["machine_arch"]
    repo = pkgrepo.repo_dir(state_root, origin.branch, origin.arch)
    db = PkgDb(target)
    for pkgname in origin.installed:
        db.install((repo / f"{pkgname}.tgz").read_bytes())
    etc = target / "opt" / "local" / "etc" / "pkgin"
    etc.mkdir(parents=True, exist_ok=True)
    (etc / "repositories.conf").write_text(repositories_conf(origin), encoding="utf-8")
    (target / "etc").mkdir(exist_ok=True)
    (target / "etc" / "motd").write_text(
        f"   __        .                   .\n _|  |_      | .-. .  . .-. :--. |-\n"
        f"|_    _|     ;|   ||  |(.-' |  | |\n  |__|   `--'  `-' `;-| `-' '  ' `-'\n"
        f"                   /  ;  Instance ({origin.name} {origin.version})\n"
        f"                   `-'   {DESCRIPTIONS[origin.name].split('.')[0]}\n", encoding="utf-8")
    (target / "etc" / "pkgsrc_version").write_text(
        f"release: {origin.branch}\nmachine_arch: {machine_arch}\n", encoding="utf-8")
    (target / "var" / "db" / "pkgin").mkdir(parents=True, exist_ok=True)
    for directory in ("root", "tmp", "var/tmp", "var/log", "home"):
        (target / directory).mkdir(parents=True, exist_ok=True)
    (target / "root" / ".profile").write_text(
        "PATH=/usr/local/sbin:/usr/local/bin:/opt/local/sbin:/opt/local/bin:/usr/sbin:/usr/bin:/sbin\n"
        "export PATH\n", encoding="utf-8")
    return target


def manifest(origin, file_bytes):
    """The origin's manifest as images.smartos.org serves it."""
    return {
        "v": 2,
        "uuid": origin.uuid,
        "owner": JOYENT_OWNER,
        "name": origin.name,
        "version": origin.version,
        "state": "active",
        "disabled": False,
        "public": True,
        "published_at": origin.published_at,
        "type": "zone-dataset",
        "os": "smartos",
        "files": [{"sha1": streams.sha1_of(file_bytes), "size": len(file_bytes),
                   "compression": "gzip"}],
        "description": DESCRIPTIONS[origin.name],
        "homepage": HOMEPAGE,
        "urn": f"sdc:sdc:{origin.name}:{origin.version}",
        "requirements": {
            "networks": [{"name": "net0", "description": "public"}],
            "min_platform": {"7.0": origin.min_platform},
        },
        "tags": {"role": "os", "group": origin.name},
    }


def write_origin(state_root, origin, outdir, workdir):
    """Build an origin image and write OUTDIR/<uuid>.imgmanifest and OUTDIR/<uuid>.zfs.gz
    -> (manifest path, file path)."""
    root = Path(workdir) / origin.uuid
    if root.exists():
        shutil.rmtree(root)
    build_root(state_root, origin, root)
    data = streams.compress(streams.make_stream(root, mtime=pkgrepo.TAR_MTIME), "gzip")
    shutil.rmtree(root)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    file_path = outdir / f"{origin.uuid}.zfs.gz"
    manifest_path = outdir / f"{origin.uuid}.imgmanifest"
    file_path.write_bytes(data)
    manifest_path.write_text(json.dumps(manifest(origin, data), indent=2) + "\n", encoding="utf-8")
    return manifest_path, file_path
