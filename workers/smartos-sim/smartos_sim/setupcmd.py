"""`python -m smartos_sim setup --root DIR --origins-out OUTDIR [--source URL]`.

Creates (or refreshes: it is idempotent) a simulator state directory: the pkgsrc repositories of
every origin's branch, the pkg-vulnerabilities file (kept if it exists: security fixes extend
it), the simulator's config and imgadm's sources; and writes the upstream origin images to
OUTDIR as <uuid>.imgmanifest + <uuid>.zfs.gz, for an image server to serve.
"""
import argparse
import shutil
import sys
import uuid as uuidlib
from pathlib import Path

from . import advisories, origins, pkgrepo
from .state import State, atomic_write_json, read_json

DEFAULT_SOURCE = "https://images.smartos.org"
DEFAULT_PLATFORM = "20250306T000316Z"


def default_config(existing=None):
    existing = existing or {}
    return {
        "version": 1,
        "server_uuid": existing.get("server_uuid") or str(uuidlib.uuid4()),
        # what `sysinfo` would say: imgadm create's default min_platform comes from here
        "platform": existing.get("platform") or {"sdc_version": "7.0", "live_image": DEFAULT_PLATFORM},
        "zpools": existing.get("zpools") or ["zones"],
        "nic_tags": existing.get("nic_tags") or ["admin", "external"],
        # a site mirror of the real pkgsrc URL; `to` is relative to the state dir (or a URL)
        "pkgsrc_mirrors": existing.get("pkgsrc_mirrors") or [
            {"prefix": pkgrepo.REAL_PKGSRC_PREFIX, "to": "pkgsrc/"}],
    }


def setup(root, origins_out=None, source=None):
    state = State(root)
    state.root.mkdir(parents=True, exist_ok=True)
    existing = read_json(state.config_path) if state.config_path.exists() else None
    for origin in origins.ORIGINS:
        pkgrepo.generate_repository(state.root, origin.branch, origin.arch)
    advisories.seed_vulnerabilities(state.root)
    atomic_write_json(state.config_path, default_config(existing))
    if source or not state.imgadm_conf.exists():
        atomic_write_json(state.imgadm_conf, {"sources": [{"url": (source or DEFAULT_SOURCE).rstrip("/"),
                                                           "type": "imgapi"}]})
    for directory in (state.images_dir, state.zones_dir, state.locks_dir, state.log_dir):
        directory.mkdir(parents=True, exist_ok=True)
    written = []
    if origins_out:
        work = state.mkdtemp("origins-")
        try:
            for origin in origins.ORIGINS:
                manifest_path, _ = origins.write_origin(state.root, origin, origins_out, work)
                written.append(manifest_path)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return state, written


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m smartos_sim setup", description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="simulator state directory (SMARTOS_SIM_ROOT)")
    parser.add_argument("--origins-out", help="where to write <uuid>.imgmanifest and <uuid>.zfs.gz")
    parser.add_argument("--source", help="IMGAPI URL for the simulated imgadm's sources")
    args = parser.parse_args(argv)
    state, written = setup(args.root, args.origins_out, args.source)
    print(f"smartos-sim state: {state.root}")
    for origin in origins.ORIGINS:
        print(f"  pkgsrc {origin.branch}/{origin.arch}: {pkgrepo.repo_dir(state.root, origin.branch, origin.arch)}")
    print(f"  pkg-vulnerabilities: {advisories.vulnerabilities_path(state.root)}")
    for path in written:
        print(f"  origin {Path(path).stem}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
