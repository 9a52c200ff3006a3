"""`vmadm`: the simulated SmartOS VM tool (joyent and joyent-minimal zones).

As vmadm.js: the command word comes first, options are parsed with nopt after it; success
messages go to stderr, data (get/list/lookup) to stdout; an error prints its message on stderr
and exits 1; a usage error prints the message and the usage text and exits 2.
"""
import json
import os
import re
import sys

from . import argparsing, clidata
from .errors import SetupError, ToolError
from .images import ImageStore
from .payload import PayloadError, normalize_and_validate
from .state import State
from .tables import lookup
from .zones import ZoneStore

DEFAULT_ORDER = "uuid,type,ram,state,alias"
DEFAULT_SORT = "ram,uuid"
LIST_WIDTHS = {
    "alias": ("ALIAS", 10), "autoboot": ("AUTOBOOT", 8), "billing_id": ("BILLING_ID", 36),
    "boot_timestamp": ("BOOT_TIMESTAMP", 24), "brand": ("BRAND", 14), "cpu_cap": ("CPU_CAP", 7),
    "cpu_shares": ("CPU_SHARE", 9), "cpu_type": ("CPU_TYPE", 8),
    "create_timestamp": ("CREATE_TIMESTAMP", 24), "dns_domain": ("DOMAIN", 32),
    "do_not_inventory": ("DNI", 5), "docker": ("DOCKER", 6), "exit_status": ("EXIT_STATUS", 11),
    "exit_timestamp": ("EXIT_TIMESTAMP", 24), "firewall_enabled": ("FIREWALL_ENABLED", 16),
    "flexible_disk_size": ("FLEXIBLE_DISK_SIZE", 18), "free_space": ("FREE_SPACE", 10),
    "hostname": ("HOSTNAME", 32), "hvm": ("HVM", 5), "image_uuid": ("IMAGE_UUID", 36),
    "indestructible_delegated": ("INDESTR_DATA", 12), "indestructible_zoneroot": ("INDESTR_ROOT", 12),
    "ram": ("RAM", 7), "max_locked_memory": ("MAX_LOCKED", 10), "max_lwps": ("MAX_LWP", 7),
    "max_physical_memory": ("MAX_PHYS", 8), "max_swap": ("MAX_SWAP", 8),
    "owner_uuid": ("OWNER_UUID", 36), "package_name": ("PACKAGE_NAME", 32),
    "package_version": ("PACKAGE_VER", 11), "pid": ("PID", 6), "qemu_extra_opts": ("QEMU_EXTRA_OPTS", 15),
    "quota": ("QUOTA", 5), "zone_state": ("ZONE_STATE", 10), "state": ("STATE", 16),
    "tmpfs": ("TMPFS", 5), "type": ("TYPE", 4), "uuid": ("UUID", 36), "vcpus": ("VCPUS", 5),
    "zfs_io_priority": ("IO_PRIORITY", 11), "zpool": ("ZPOOL", 12), "zonename": ("ZONENAME", 12),
    "zonepath": ("ZONEPATH", 40), "zoneid": ("ZONEID", 6),
}
FILTER_RE = re.compile(r"^(disks\.[*0-9]*\.(boot|image_name|image_size|image_uuid|size|media|model|zpool)"
                       r"|nics\.[*0-9]*\.(dhcp_server|gateway|interface|ip|mac|model|netmask|nic_tag|vlan_id)"
                       r"|(tags|customer_metadata|internal_metadata)\..*)$")
USAGE_LINES = [
    "create [-f <filename>]", "create-snapshot <uuid> <snapname>", "console <uuid>", "delete <uuid>",
    "delete-snapshot <uuid> <snapname>", "events [-fjr] [uuid]", "get <uuid>", "info <uuid> [type,...]",
    "install <uuid>", "kill [-s SIGNAL|-SIGNAL] <uuid>",
    "list [-p] [-H] [-o field,...] [-s field,...] [field=value ...]",
    "lookup [-j|-1] [-o field,...] [field=value ...]", "reboot <uuid> [-F]", "receive [-f <filename>]",
    "reprovision <uuid> [-f <filename>]", "rollback-snapshot <uuid> <snapname>", "send <uuid> [target]",
    "start <uuid> [option=value ...]", "stop <uuid> [-F] [-t timeout]", "sysrq <uuid> <nmi|screenshot>",
    "update <uuid> [-f <filename>]", " -or- update <uuid> property=value [property=value ...]",
    "validate create [-f <filename>]", "validate update <brand> [-f <filename>]"]


class Usage(ToolError):
    def __init__(self, message=None, status=2):
        super().__init__(message or "", status)


def usage_text():
    return ("Usage: /usr/vm/sbin/vmadm <command> [-d] [-v] [command-specific arguments]\n\n"
            + "".join(f"  {line}\n" for line in USAGE_LINES))


def no_such_vm(uuid):
    return ToolError(f"zoneadm: {uuid}: No such zone configured")


def valid_filter_key(key):
    return key in LIST_WIDTHS or bool(FILTER_RE.match(key))


def with_fake_fields(vm):
    vm = dict(vm)
    vm["type"] = "OS"
    vm.setdefault("ram", vm.get("max_physical_memory"))
    return vm


def flatten(vm, field):
    return lookup(vm, field)


def matches(vm, filters):
    for key, value in filters.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[1] == "*":
            candidates = [lookup(item, parts[2]) for item in vm.get(parts[0]) or []]
        else:
            candidates = [lookup(vm, key)]
        ok = False
        for actual in candidates:
            text = "" if actual is None else (json.dumps(actual) if isinstance(actual, bool) else str(actual))
            if value.startswith("~"):
                ok = ok or (actual is not None and re.search(value[1:], text) is not None)
            else:
                ok = ok or (actual is not None and text == value)
        if not ok:
            return False
    return True


def key_values(args):
    parsed = {}
    for arg in args:
        key, _, value = arg.partition("=")
        parsed[key] = value
    return parsed


class Vmadm:
    def __init__(self, state, stdin, out, err):
        self.state = state
        self.images = ImageStore(state)
        self.zones = ZoneStore(state)
        self.stdin, self.out, self.err = stdin, out, err

    def get_uuid(self, command, remain):
        if remain:
            uuid = remain.pop(0)
            if len(uuid) == 36 and all(uuid[i] == "-" for i in (8, 13, 18, 23)):
                return uuid
        raise Usage(f"Invalid or missing UUID for {command}")

    def read_payload(self, opts):
        filename = opts.get("file") or "-"
        if filename == "-":
            if self.stdin is None or (hasattr(self.stdin, "isatty") and self.stdin.isatty()):
                raise Usage("Will not create from stdin when stdin is a tty.")
            data = self.stdin.read()
        else:
            if not os.path.exists(filename):
                raise ToolError(f"File: {filename} does not exist.")
            with open(filename, "rb") as handle:
                data = handle.read()
        try:
            return json.loads(data)
        except ValueError as err:
            raise ToolError(f"Invalid JSON payload: {err}") from None

    def validated(self, payload):
        config = self.state.config()
        return normalize_and_validate(
            payload,
            installed_image=self.images.manifest,
            zpools=config.get("zpools", ["zones"]),
            nic_tags=config.get("nic_tags", []),
            existing_uuid=self.zones.exists,
            log=self._log_warning)

    def _log_warning(self, message):
        self.state.log("vmadm", message)
        if os.environ.get("VMADM_DEBUG_LEVEL"):
            self.err.write(message + "\n")

    # -- commands ----------------------------------------------------------------------------
    def do_create(self, opts, remain):
        payload = self.read_payload(opts)
        if os.environ.get("SMARTOS_SIM_STRICT_PAYLOAD"):
            strict_check(payload)
        config = self.state.config()
        with self.state.lock("vms"):
            payload = self.validated(payload)
            platform = config.get("platform", {}).get("live_image", "")
            vm = self.zones.create(payload, self.images, config.get("server_uuid"), platform)
        return f"Successfully created VM {vm['uuid']}"

    def do_validate(self, opts, remain):
        if not remain:
            raise Usage("Will not validate without a valid action.")
        action = remain[0]
        if action == "update" and len(remain) != 2:
            raise Usage("Will not validate without a valid action and brand.")
        payload = self.read_payload(opts)
        brand = remain[1] if action == "update" else (payload.get("brand") if isinstance(payload, dict) else None)
        errors = validation_report(self, payload, brand, action)
        if errors:
            raise ToolError(json.dumps(errors, indent=2))
        return f"VALID '{action}' payload for {brand} brand VMs."

    def _vm(self, uuid):
        vm = self.zones.get(uuid)
        if vm is None:
            raise no_such_vm(uuid)
        return vm

    def do_get(self, opts, remain):
        uuid = self.get_uuid("get", remain)
        self.out.write(json.dumps(self._vm(uuid), indent=2) + "\n")

    def do_start(self, opts, remain):
        uuid = self.get_uuid("start", remain)
        for key in key_values(remain):
            if key not in ("order", "cdrom", "disk"):
                raise Usage(f"Invalid argument to start: {key}")
        with self.state.lock(f"zone-{uuid}"):
            vm = self._vm(uuid)
            if vm.get("state") == "running":
                return f"VM {uuid} is already 'running'"
            self.zones.set_running(vm, True)
        return f"Successfully started VM {uuid}"

    def do_stop(self, opts, remain, command="stop"):
        uuid = self.get_uuid(command, remain)
        with self.state.lock(f"zone-{uuid}"):
            vm = self._vm(uuid)
            if vm.get("state") != "running":
                return f"VM {uuid} is already not 'running' (currently: {vm.get('state')})"
            self.zones.set_running(vm, False)
        return f"Successfully completed {command} for VM {uuid}"

    def do_reboot(self, opts, remain):
        uuid = self.get_uuid("reboot", remain)
        with self.state.lock(f"zone-{uuid}"):
            vm = self._vm(uuid)
            self.zones.set_running(vm, True)
        return f"Successfully completed reboot for VM {uuid}"

    def do_delete(self, opts, remain):
        uuid = self.get_uuid("delete", remain)
        with self.state.lock("vms"), self.state.lock(f"zone-{uuid}"):
            vm = self.zones.get(uuid)
            if vm is None:
                raise ToolError(f"Failed to delete VM {uuid}: zoneadm: {uuid}: No such zone configured")
            if vm.get("indestructible_zoneroot"):
                raise ToolError(f"Failed to delete VM {uuid}: indestructible_zoneroot is set, "
                                "cannot delete")
            self.zones.delete(uuid)
        return f"Successfully deleted VM {uuid}"

    def do_update(self, opts, remain):
        uuid = self.get_uuid("update", remain)
        extra = key_values(remain)
        payload = extra if extra else self.read_payload(opts)
        with self.state.lock(f"zone-{uuid}"):
            vm = self._vm(uuid)
            for key, value in payload.items():
                if key.startswith("set_") and isinstance(value, dict):
                    vm.setdefault(key[4:], {}).update(value)
                elif key.startswith("remove_") and isinstance(value, list):
                    for item in value:
                        vm.setdefault(key[7:], {}).pop(item, None)
                elif key in clidata.payload_properties() and key not in ("uuid", "brand", "image_uuid", "zonename"):
                    vm[key] = value
                else:
                    self._log_warning(f"Warning, invalid update property: [{key}] removing from payload.")
            self.zones.save(vm)
        return f"Successfully updated VM {uuid}"

    def do_list(self, opts, remain):
        filters = key_values(remain)
        for key in filters:
            if not valid_filter_key(key):
                raise ToolError(f'Invalid filter key: "{key}"')
        order = (opts.get("order") or DEFAULT_ORDER).split(",")
        sortby = (opts.get("sortby") or DEFAULT_SORT).split(",")
        for key in order:
            if re.match(r"^(disks|filesystems|nics)\.\*", key):
                raise ToolError(f'Invalid order key: "{key}"')
            if key not in LIST_WIDTHS and not re.match(r"^(nics|disks)\.\d+\.\w+$|^(tags|customer_metadata|internal_metadata)\..+$", key):
                raise ToolError(f"invalid order field: {key}")
        for key in sortby:
            if key.lstrip("+-") not in LIST_WIDTHS and "." not in key:
                raise ToolError(f"invalid sort field: {key}")
        vms = [with_fake_fields(vm) for vm in self.zones.list()]
        vms = [vm for vm in vms if matches(vm, filters)]
        for key in reversed(sortby):
            reverse = key.startswith("-")
            field = key.lstrip("+-")
            vms.sort(key=lambda vm: _sort_key(flatten(vm, field)), reverse=reverse)
        parsable = opts.get("parsable") is True
        header = not parsable
        if "header" in opts:
            header = opts["header"] is True
        if opts.get("H"):
            header = False
        lines = []
        if header:
            lines.append(_list_line(order, None, parsable))
        lines += [_list_line(order, vm, parsable) for vm in vms]
        self.out.write("".join(line + "\n" for line in lines))

    def do_lookup(self, opts, remain):
        filters = key_values(remain)
        if opts.get("output") and not opts.get("json"):
            raise ToolError("Cannot specify -o without -j")
        for key in filters:
            if not valid_filter_key(key):
                raise ToolError(f'Invalid lookup key: "{key}"')
        vms = [vm for vm in (with_fake_fields(v) for v in self.zones.list()) if matches(vm, filters)]
        if opts.get("unique") and len(vms) != 1:
            raise ToolError(f"Requested unique lookup but found {len(vms)} results.")
        if opts.get("json"):
            if opts.get("output"):
                fields = opts["output"].split(",")
                vms = [{f: vm[f] for f in fields if f in vm} for vm in vms]
            self.out.write(json.dumps(vms, indent=2) + "\n")
        else:
            self.out.write("".join(vm["uuid"] + "\n" for vm in vms))


def _sort_key(value):
    if value is None:
        return (1, 0, "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, value, "")
    return (0, 0, str(value))


def _list_line(order, vm, parsable):
    cells = []
    for field in order:
        header, width = LIST_WIDTHS.get(field, (field.upper(), 20))
        if vm is None:
            value = header
        else:
            actual = flatten(vm, field)
            value = ("true" if actual is True else str(actual)) if actual not in (None, False, "", 0) \
                else ("" if parsable else "-")
        cells.append(value if parsable else value.ljust(width))
    return (":" if parsable else "  ").join(cells).rstrip()


def strict_check(payload):
    """SMARTOS_SIM_STRICT_PAYLOAD=1: refuse what vmadm would silently drop (a typo'd property),
    with the report `vmadm validate create` prints."""
    props = clidata.payload_properties()
    if not isinstance(payload, dict):
        return
    brand = payload.get("brand", "joyent")
    unknown = [k for k, facts in ((k, props.get(k)) for k in payload)
               if facts is None or not (facts.get("brands") == "all" or brand in facts.get("brands", []))
               or facts.get(brand) is False]
    if unknown:
        raise ToolError("smartos-sim (SMARTOS_SIM_STRICT_PAYLOAD): vmadm would drop these payload "
                        "properties: " + ",".join(unknown))


def validation_report(vmadm, payload, brand, action):
    """vmadm validate's JSON report ({} when valid)."""
    from .payload import KNOWN_BRANDS
    if not brand or brand not in KNOWN_BRANDS:
        return {"bad_brand": str(brand) if brand else "undefined"}
    props = clidata.payload_properties()
    report = {"bad_values": [], "bad_properties": [], "missing_properties": []}
    if not isinstance(payload, dict):
        report["bad_values"].append("payload")
        return report
    for key, value in payload.items():
        facts = props.get(key)
        if facts is None or not (facts.get("brands") == "all" or brand in facts.get("brands", [])) \
                or facts.get(brand) is False:
            report["bad_properties"].append(key)
            continue
        if isinstance(value, list) and facts.get("subproperties"):
            for element in value:
                for sub in (element if isinstance(element, dict) else {}):
                    subfacts = facts["subproperties"].get(sub)
                    if subfacts is None or subfacts.get(brand) is False:
                        name = f"{key}.*.{sub}"
                        if name not in report["bad_properties"]:
                            report["bad_properties"].append(name)
    if action == "create":
        for key, facts in props.items():
            if facts.get("required") and key not in payload and key != "brand":
                report["missing_properties"].append(key)
        trial = {k: v for k, v in payload.items() if k not in report["bad_properties"]}
        trial.pop("uuid", None)
        try:
            normalize_and_validate(trial, installed_image=vmadm.images.manifest,
                                   zpools=vmadm.state.config().get("zpools", ["zones"]),
                                   nic_tags=vmadm.state.config().get("nic_tags", []),
                                   existing_uuid=lambda u: False, log=lambda m: None)
        except PayloadError as error:
            if error.message.startswith("Invalid value(s) for: "):
                report["bad_values"] = error.message.split(": ", 1)[1].split(",")
    if not any(report.values()):
        return {}
    return {k: v for k, v in report.items() if v}


def main(argv, stdin=None, out=None, err=None):
    stdin = stdin if stdin is not None else getattr(sys.stdin, "buffer", sys.stdin)
    out = out or sys.stdout
    err = err or sys.stderr
    if not argv:
        err.write(usage_text())
        return 2
    command = argv[0]
    if command in ("-h", "-?"):
        out.write(usage_text())
        return 0
    if command not in clidata.vmadm_commands():
        err.write(f'Invalid command: "{command}".\n' + usage_text())
        return 2
    opts, remain = argparsing.nopt_parse(clidata.vmadm_options(command), argv[1:])
    try:
        state = State.from_env()
    except SetupError as error:
        err.write(f"FATAL: cannot run because: {error}\n")
        return 2
    vmadm = Vmadm(state, stdin, out, err)
    name = {"boot": "start", "halt": "stop", "destroy": "delete", "json": "get"}.get(command, command)
    handler = getattr(vmadm, f"do_{name}", None)
    try:
        if command == "help":
            out.write(usage_text())
            return 0
        if handler is None:
            raise ToolError(f"smartos-sim does not emulate `vmadm {command}`")
        message = handler(opts, remain) if name != "stop" else handler(opts, remain, command)
        if message:
            err.write(message + "\n")
        return 0
    except Usage as error:
        if error.message:
            err.write(error.message + "\n")
        err.write(usage_text())
        return error.status
    except ToolError as error:
        err.write(error.message + "\n")
        return error.status
