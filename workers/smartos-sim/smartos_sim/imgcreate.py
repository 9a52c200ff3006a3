"""`imgadm create [-m MANIFEST|-] [-o PREFIX] [-c COMP] [-i] [-s PREPARE] VM [field=value...]`.

Follows imgadm's createImage: the VM must be stopped unless -s is given; -i needs the VM to
have an origin image; the manifest gets v, a new uuid, the fields inherited from the origin
(type, os, requirements, ...), requirements.min_platform = the *host's* platform unless the
given manifest has one, and origin for -i; name and version are required. Output:
PREFIX.imgmanifest and PREFIX.zfs[.gz|.bz2|.xz] (files[0] = {size, compression, sha1}).

With -s the VM is snapshotted, booted with the prepare script as its operator-script (run by the
simulator's zone shell), must signal prepare-image:state running then success and shut down;
the image is made from the prepared VM, which is then rolled back (and restarted if it ran).
"""
import json
import os
import re
import shutil
import sys
import uuid as uuidlib
from pathlib import Path

from . import streams
from .state import atomic_write_bytes

INHERITED_FIELDS = ("type", "os", "requirements", "users", "billing_tags", "traits",
                    "generate_passwords", "inherited_directories", "nic_driver", "disk_driver",
                    "cpu_type", "image_size")
COMPRESSIONS = ("none", "bzip2", "gzip", "xz")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def slugify(text):
    text = re.sub(r"[^\w\s._-]", "", str(text)).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def _indent(text, prefix="    "):
    return "\n".join(prefix + line for line in text.splitlines())


def create_image(imgadm, opts, args):
    from .imgadm import ImgadmError, usage
    if not args:
        raise usage('incorrect number of args (0): ""')
    vm_uuid, field_args = args[0], args[1:]
    compression = opts.get("compression")
    if compression is not None and compression not in COMPRESSIONS:
        raise usage(f'invalid -c,--compression "{compression}": must be one of "none", "bzip2", '
                    '"gzip", "xz"')
    if opts.get("output_template") and opts.get("publish"):
        raise usage("cannot specify both -o,--output-template and -p,--publish")
    if "max_origin_depth" in opts and opts["max_origin_depth"] < 2:
        raise usage(f'invalid max-origin-depth "{opts["max_origin_depth"]}": must be greater than 1')
    fields = {}
    for arg in field_args:
        if "=" not in arg:
            raise usage(f'invalid manifest field arg "{arg}": must match "<field>=<value>"')
        key, _, value = arg.partition("=")
        try:
            fields[key] = json.loads(value)
        except ValueError:
            fields[key] = value
    manifest_in = {}
    if opts.get("m"):
        source = opts["m"]
        try:
            text = sys.stdin.read() if source == "-" else Path(source).read_text()
            manifest_in = json.loads(text)
        except FileNotFoundError:
            raise usage(f'manifest path does not exist: "{source}"') from None
        except ValueError as err:
            where = "on stdin" if source == "-" else f'in "{source}"'
            raise usage(f"invalid manifest JSON {where}: {err}") from None
    manifest_in.update(fields)
    if opts.get("publish"):
        raise ImgadmError("NotSupported", "smartos-sim does not emulate `imgadm create -p` "
                                          "(publish with the image server's client instead)")
    if not UUID_RE.match(vm_uuid):
        raise ImgadmError("InvalidUUID", f'invalid uuid: "{vm_uuid}"')

    state, zones, images = imgadm.state, imgadm.zones, imgadm.images
    prepare = opts.get("s")
    prepare_text = None
    if prepare:
        try:
            prepare_text = Path(prepare).read_text()
        except OSError as err:
            raise ImgadmError("FileSystem", f'could not read prepare-image script "{prepare}": '
                                            f"{err.strerror}") from None
    with state.lock(f"zone-{vm_uuid}"):
        vm = zones.get(vm_uuid)
    if vm is None:
        raise ImgadmError("VmNotFound", f'vm "{vm_uuid}" was not found')
    if not prepare and vm.get("state") != "stopped":
        raise ImgadmError("VmNotStopped", f'vm "{vm_uuid}" is not stopped')
    origin_info = images.info(vm["image_uuid"]) if vm.get("image_uuid") else None
    if vm.get("image_uuid") and origin_info is None:
        raise ImgadmError("OriginNotInstalled", f'origin image "{vm["image_uuid"]}" was not found '
                                                f'on zpool "{vm.get("zpool", "zones")}"', 3)
    m = {"v": 2, "uuid": str(uuidlib.uuid4())}
    m.update(manifest_in)
    if origin_info:
        om = origin_info["manifest"]
        imgadm.say(f"Inheriting from origin image {om['uuid']} ({om['name']} {om['version']})")
        for field in INHERITED_FIELDS:
            if field not in m and field in om:
                if not isinstance(om[field], list) or om[field]:
                    m[field] = json.loads(json.dumps(om[field]))
    if not (isinstance(manifest_in.get("requirements"), dict)
            and "min_platform" in manifest_in["requirements"]):
        platform = state.config().get("platform", {})
        m.setdefault("requirements", {})
        m["requirements"]["min_platform"] = {platform.get("sdc_version", "7.0"): platform.get("live_image")}
    incremental = bool(opts.get("incremental"))
    if incremental:
        if not origin_info:
            raise ImgadmError("VmHasNoOrigin", f'cannot create an incremental image: vm "{vm_uuid}" has no origin')
        if origin_info["manifest"].get("origin"):
            raise ImgadmError("NotSupported", f"cannot create incremental image for VM {vm_uuid}: "
                                              "incremental images of incremental images are not currently supported")
        m["origin"] = origin_info["manifest"]["uuid"]
    imgadm.say("Manifest:\n" + _indent(json.dumps(m, indent=2)))
    problems = [f'{field} ("{field}" is required)' for field in ("v", "uuid", "name", "version", "type", "os")
                if m.get(field) in (None, "")]
    if problems:
        raise ImgadmError("ManifestValidation", "invalid manifest: " + ", ".join(problems))

    prefix = _save_prefix(opts.get("output_template"), m)
    zone_root = zones.root(vm_uuid)
    snapshot = None
    was_running = vm.get("state") == "running"
    try:
        if prepare:
            snapshot = _prepare(imgadm, vm, prepare_text)
        imgadm.say(f'Snapshotting to "{vm.get("zfs_filesystem", "zones/" + vm_uuid)}@final"')
        base_index = images.full_index(m["origin"]) if incremental else None
        stream = streams.make_stream(zone_root, base_index)
        compression = compression or "none"
        data = streams.compress(stream, compression)
        file_path = prefix + ".zfs"
        imgadm.say(f'Sending image file to "{file_path}"')
        file_path += streams.COMPRESSORS[compression][1]
        atomic_write_bytes(file_path, data)
        m["files"] = [{"size": len(data), "compression": compression, "sha1": streams.sha1_of(data)}]
        imgadm.say(f'Saving manifest to "{prefix}.imgmanifest"')
        atomic_write_bytes(prefix + ".imgmanifest", (json.dumps(m, indent=2) + "\n").encode())
    finally:
        if snapshot is not None:
            imgadm.say(f"Rollback VM {vm_uuid} to pre-prepare snapshot (cleanup)")
            _rollback(imgadm, vm_uuid, snapshot, was_running)


def _save_prefix(template, manifest):
    name = f"{slugify(manifest.get('name'))}-{slugify(manifest.get('version'))}"
    if not template:
        return os.path.join(os.getcwd(), name)
    if os.path.isdir(template):
        return os.path.join(template, name)
    return template


def _prepare(imgadm, vm, script):
    """Run the prepare-image script in the VM as imgadm's -s does -> the snapshot dir."""
    from .imgadm import ImgadmError
    from .zonecmds import ZoneContext, make_shell
    state, zones = imgadm.state, imgadm.zones
    uuid = vm["uuid"]
    if vm.get("state") != "stopped":
        imgadm.say(f"Stopping VM {uuid} to snapshot it")
        with state.lock(f"zone-{uuid}"):
            zones.set_running(zones.get(uuid), False)
    imgadm.say(f'Snapshotting VM "{uuid}" to @imgadm-create-pre-prepare')
    snapshot = state.mkdtemp(f"snapshot-{uuid}-") / "root"
    shutil.copytree(zones.root(uuid), snapshot, symlinks=True)
    snapshot_vm = zones.get(uuid)
    (snapshot.parent / "vm.json").write_text(json.dumps(snapshot_vm))
    try:
        _run_prepare(imgadm, uuid, script)
    except BaseException:
        imgadm.say(f"Rollback VM {uuid} to pre-prepare snapshot (cleanup)")
        _rollback(imgadm, uuid, snapshot, vm.get("state") == "running")
        raise
    return snapshot


def _run_prepare(imgadm, uuid, script):
    from .imgadm import ImgadmError
    from .zonecmds import ZoneContext, make_shell
    state, zones = imgadm.state, imgadm.zones

    def boot(vm_now):
        vm_now.setdefault("internal_metadata", {})["operator-script"] = script
        for key in ("prepare-image:state", "prepare-image:error"):
            vm_now.setdefault("customer_metadata", {}).pop(key, None)
    with state.lock(f"zone-{uuid}"):
        current = zones.get(uuid)
        boot(current)
        zones.set_running(current, True)
    imgadm.say(f"Preparing VM {uuid} (starting it)")
    ctx = ZoneContext(state, zones, zones.get(uuid))
    shell = make_shell(ctx)
    sink = _Collect()
    shell.run(script, b"", sink, sink)
    state.log("imgadm", f"prepare-image script output for {uuid}:\n{sink.text()}")
    metadata = (zones.get(uuid) or {}).get("customer_metadata", {})
    if "prepare-image:state" not in metadata:
        imgadm.say("Timeout waiting for prepare-image script to signal it started")
        raise ImgadmError("PrepareImageDidNotRun", f"prepare-image script did not indicate it was run "
                                                   f"(old guest tools in VM {uuid}?)")
    imgadm.say("Prepare script is running")
    if metadata.get("prepare-image:state") == "error":
        detail = metadata.get("prepare-image:error", "")
        raise ImgadmError("PrepareImageError", f"prepare-image script error while preparing VM {uuid}"
                                               + (f": {detail}" if detail else ""))
    if metadata.get("prepare-image:state") != "success":
        raise ImgadmError("PrepareImageError", f"prepare-image script error while preparing VM {uuid}: "
                                               "prepare-image script did not complete")
    imgadm.say("Prepare script succeeded")
    if not ctx.shutdown_requested:
        raise ImgadmError("PrepareImageError", f"prepare-image script error while preparing VM {uuid}: "
                                               "VM did not shutdown")
    with state.lock(f"zone-{uuid}"):
        zones.set_running(zones.get(uuid), False)
    imgadm.say(f"Prepare script stopped VM {uuid}")


def _rollback(imgadm, uuid, snapshot, was_running):
    state, zones = imgadm.state, imgadm.zones
    with state.lock(f"zone-{uuid}"):
        if zones.get(uuid) is None:
            shutil.rmtree(snapshot.parent, ignore_errors=True)
            return
        root = zones.root(uuid)
        trash = state.mkdtemp(f"rollback-{uuid}-")
        root.rename(trash / "root")
        snapshot.rename(root)
        vm = json.loads((snapshot.parent / "vm.json").read_text())
        zones.save(vm)
        shutil.rmtree(trash, ignore_errors=True)
        shutil.rmtree(snapshot.parent, ignore_errors=True)
        if was_running:
            imgadm.say(f"Restarting VM {uuid} (cleanup)")
            zones.set_running(vm, True)
        else:
            zones.set_running(vm, False)


class _Collect:
    def __init__(self):
        self.chunks = []

    def write(self, data):
        self.chunks.append(data if isinstance(data, bytes) else data.encode())

    def flush(self):
        pass

    def text(self):
        return b"".join(self.chunks).decode(errors="replace")
