"""The host's zones (VMs): zones/<uuid>/vm.json (the VM object `vmadm get` prints) and
zones/<uuid>/root/ (the zone's root filesystem: its image's dataset plus what was done in it).

A zone is created in a temporary directory and renamed into place under the "vms" lock, so a
uuid is only ever taken once and a half-made zone is never seen.
"""
import datetime
import shutil
import uuid as uuidlib

from .state import atomic_write_json, read_json

DEFAULTS = {
    "autoboot": True, "billing_id": "00000000-0000-0000-0000-000000000000",
    "cpu_shares": 100, "dns_domain": "local", "firewall_enabled": False, "limit_priv": "default",
    "max_lwps": 2000, "max_msg_ids": 4096, "max_physical_memory": 256, "max_sem_ids": 4096,
    "max_shm_ids": 4096, "owner_uuid": "00000000-0000-0000-0000-000000000000", "quota": 10,
    "resolvers": [], "zfs_io_priority": 100, "zpool": "zones",
}
INTERNAL = ("image",)


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class ZoneStore:
    def __init__(self, state):
        self.state = state

    def dir(self, uuid):
        return self.state.zone_dir(uuid)

    def root(self, uuid):
        return self.dir(uuid) / "root"

    def exists(self, uuid):
        return (self.dir(uuid) / "vm.json").is_file()

    def get(self, uuid):
        try:
            return read_json(self.dir(uuid) / "vm.json")
        except (FileNotFoundError, NotADirectoryError):
            return None

    def find(self, zonename):
        """A VM by zonename (zlogin's argument; the uuid unless the payload set one)."""
        vm = self.get(zonename) if "/" not in zonename and zonename not in (".", "..") else None
        if vm is not None:
            return vm
        return next((vm for vm in self.list() if vm.get("zonename") == zonename), None)

    def list(self):
        if not self.state.zones_dir.is_dir():
            return []
        vms = []
        for path in sorted(self.state.zones_dir.iterdir()):
            if path.name.startswith("."):
                continue
            vm = self.get(path.name)
            if vm is not None:
                vms.append(vm)
        return vms

    def save(self, vm):
        vm["last_modified"] = now_iso()
        ordered = {key: vm[key] for key in sorted(vm)}
        vm.clear()
        vm.update(ordered)
        atomic_write_json(self.dir(vm["uuid"]) / "vm.json", vm)

    def create(self, payload, images, server_uuid, platform):
        """Make a zone from a validated payload -> the VM object. The caller holds "vms"."""
        uuid = payload["uuid"]
        vm = dict(DEFAULTS)
        vm.update({k: v for k, v in payload.items() if k not in INTERNAL and v is not None})
        max_phys = vm.get("max_physical_memory", 256)
        vm.setdefault("max_locked_memory", max_phys)
        vm.setdefault("max_shm_memory", max_phys)
        vm.setdefault("max_swap", max(max_phys, 256))
        vm.setdefault("tmpfs", max_phys)
        vm.setdefault("zonename", uuid)
        vm.setdefault("hostname", vm["zonename"])
        vm.setdefault("customer_metadata", {})
        vm.setdefault("internal_metadata", {})
        vm.setdefault("tags", {})
        vm.setdefault("routes", {})
        vm.update({
            "zonepath": f"/{vm['zpool']}/{vm['zonename']}",
            "zfs_filesystem": f"{vm['zpool']}/{vm['zonename']}",
            "datasets": [], "snapshots": [],
            "create_timestamp": now_iso(),
            "server_uuid": server_uuid,
            "platform_buildstamp": platform,
            "state": "stopped", "zone_state": "installed",
        })
        work = self.state.mkdtemp(f"zone-{uuid}-")
        try:
            images.materialize(payload["image_uuid"], work / "root")
            vm = {key: vm[key] for key in sorted(vm)}
            atomic_write_json(work / "vm.json", vm)
            self.state.zones_dir.mkdir(parents=True, exist_ok=True)
            work.rename(self.dir(uuid))
        finally:
            if work.exists():
                shutil.rmtree(work, ignore_errors=True)
        if vm.get("autoboot", True):
            self.set_running(vm)
        return vm

    def set_running(self, vm, running=True):
        if running:
            vm.update(state="running", zone_state="running",
                      zoneid=abs(hash(vm["uuid"])) % 1000 + 1, pid=abs(hash(vm["uuid"] + "p")) % 90000 + 1000,
                      boot_timestamp=now_iso())
            vm.pop("exit_status", None)
        else:
            vm.update(state="stopped", zone_state="installed", exit_status=0,
                      exit_timestamp=now_iso())
            for key in ("zoneid", "pid", "boot_timestamp"):
                vm.pop(key, None)
        self.save(vm)
        return vm

    def delete(self, uuid):
        trash = self.state.mkdtemp(f"deleted-zone-{uuid}-")
        self.dir(uuid).rename(trash / uuid)
        shutil.rmtree(trash, ignore_errors=True)


def new_uuid():
    return str(uuidlib.uuid4())
