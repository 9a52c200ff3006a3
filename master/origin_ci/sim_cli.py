"""`origin-ci sim`: play upstream events in the local default's SmartOS simulator.

`release-origin` plays Joyent publishing a new minimal-*-lts origin, which the upstream-origins
poller watches the origin source for; `security-fix` plays pkgsrc fixing a vulnerability, which
the pkgsrc-security poller watches pkg-vulnerabilities and the repositories for. Both change the
simulator's state (var/sim); a release is also added to the local origin source's store
(var/upstream), which a running `origin-ci imgapi serve` serves at once.
"""
import json
import os
import sys

from origin_ci.imgapi.errors import ImgapiError
from origin_ci.imgapi.store import ImageStore
from origin_ci.paths import DEFAULT_VAR_DIR
from smartos_sim.advisories import security_fix, vulnerabilities_path
from smartos_sim.errors import RequestError
from smartos_sim.pkgrepo import repo_dir
from smartos_sim.releases import release_origin, released_origins

DEFAULT_SIM_ROOT = os.path.join(DEFAULT_VAR_DIR, "sim")
DEFAULT_SOURCE_DIR = os.path.join(DEFAULT_VAR_DIR, "upstream")
# Where the origin files go by default: beside the store, as scripts/run lays var/ out.
ORIGINS_OUT_NAME = "upstream-origins"


class InputError(Exception):
    """A request the command refuses: reported on stderr with exit status 2."""


def register(subparsers):
    parser = subparsers.add_parser("sim", help="play upstream events in the SmartOS simulator "
                                               "(a new origin release, a pkgsrc security fix)")
    commands = parser.add_subparsers(dest="sim_command", required=True)

    release = commands.add_parser(
        "release-origin", help="publish a new upstream origin release in the local origin source")
    release.add_argument("name", metavar="NAME", help="origin series, e.g. minimal-64-lts")
    release.add_argument("version", metavar="VERSION", help="LTS version YY.4.N, e.g. 25.4.0")
    release.add_argument("--uuid", help="image uuid (default: a new one)")
    release.add_argument("--published-at", help="published_at, YYYY-MM-DDTHH:MM:SSZ (default: now)")
    _add_sim_root(release)
    release.add_argument("--source-dir", default=DEFAULT_SOURCE_DIR,
                         help="the origin source's image store (default: %(default)s)")
    release.add_argument("--origins-out",
                         help="where the <uuid>.imgmanifest and <uuid>.zfs.gz files go, beside the "
                              f"shipped origins' (default: {ORIGINS_OUT_NAME}/ beside --source-dir)")
    release.set_defaults(func=_guarded(release_command))

    fix = commands.add_parser(
        "security-fix", help="add a fixed package to a pkgsrc repository and its advisory to "
                             "pkg-vulnerabilities")
    fix.add_argument("--repo", required=True, metavar="BRANCH/ARCH", help="e.g. 2024Q4/x86_64")
    fix.add_argument("--package", required=True, metavar="PKGNAME-VERSION", help="e.g. sudo-1.9.16p3")
    fix.add_argument("--advisory", required=True, metavar="'PATTERN TYPE URL'",
                     help="e.g. 'sudo<1.9.16p3 privilege-escalation https://nvd.nist.gov/...'")
    _add_sim_root(fix)
    fix.set_defaults(func=_guarded(security_fix_command))


def _add_sim_root(parser):
    parser.add_argument("--sim-root", default=DEFAULT_SIM_ROOT,
                        help="the simulator's state directory (default: %(default)s)")


def _guarded(command):
    def run(args):
        try:
            return command(args)
        except (InputError, RequestError) as error:
            print(f"origin-ci sim: error: {error}", file=sys.stderr)
            return 2
    return run


def _source_store(source_dir, name, version, uuid):
    """The origin source's store, refused if it is missing or already has the release."""
    if not os.path.isdir(source_dir):
        raise InputError(f"{source_dir} is not an image store directory "
                         "(the local default makes var/upstream: run scripts/run)")
    store = ImageStore(source_dir)
    for image in store.all():
        manifest = image.manifest
        if (manifest.get("name"), manifest.get("version")) == (name, version) or manifest["uuid"] == uuid:
            raise InputError(f"the origin source already has {manifest.get('name')}@"
                             f"{manifest.get('version')} ({manifest['uuid']})")
    return store


def release_command(args):
    store = _source_store(args.source_dir, args.name, args.version, args.uuid)
    origins_out = args.origins_out or os.path.join(
        os.path.dirname(os.path.abspath(args.source_dir)), ORIGINS_OUT_NAME)
    manifest_path, file_path = release_origin(args.sim_root, args.name, args.version, origins_out,
                                              uuid=args.uuid, published_at=args.published_at)
    with open(manifest_path, encoding="utf-8") as handle:
        manifest = json.load(handle)
    origin = next(o for o in released_origins(args.sim_root) if o.uuid == manifest["uuid"])
    print(f"released {origin.title} as image {origin.uuid} (pkgsrc {origin.branch}/{origin.arch})")
    print(f"  written: {manifest_path} and {file_path}")
    try:
        store.add(manifest, file_path)
    except ImgapiError as error:
        raise InputError(f"the simulator has the release but the origin source refused it "
                         f"({error.code}: {error.message}); add it with `origin-ci imgapi seed "
                         f"--dir {args.source_dir} {origins_out}`") from None
    print(f"  origin source: added to {args.source_dir}")
    return 0


def security_fix_command(args):
    branch, slash, arch = args.repo.partition("/")
    if not (branch and slash and arch) or "/" in arch:
        raise InputError(f"--repo {args.repo!r}: expected BRANCH/ARCH, e.g. 2024Q4/x86_64")
    pattern, kind, url = security_fix(args.sim_root, branch, arch, args.package, args.advisory)
    print(f"added {args.package} to pkgsrc {branch}/{arch} ({repo_dir(args.sim_root, branch, arch)})")
    print(f"advisory {pattern} {kind} {url} appended to {vulnerabilities_path(args.sim_root)}")
    return 0
