"""The simulator's state directory: where things live, file locks and atomic writes.

Every tool invocation is a separate process and builds run in parallel, so state changes are
made under `fcntl` locks (released by the kernel if a process is killed) and files are replaced
atomically (write to a temporary file, then `os.replace`).
"""
import contextlib
import fcntl
import json
import os
import tempfile
from pathlib import Path

from .errors import RequestError, SetupError

ENV_ROOT = "SMARTOS_SIM_ROOT"
CONFIG_NAME = "sim.json"
# held while a release or a security fix changes repositories and the vulnerabilities file
ADMIN_LOCK = "pkgsrc-admin"


class State:
    """Paths of one state directory (see docs/simulator.md, "State layout")."""

    def __init__(self, root):
        self.root = Path(root).resolve()

    @classmethod
    def from_env(cls, environ=None):
        environ = os.environ if environ is None else environ
        root = environ.get(ENV_ROOT)
        if not root:
            raise SetupError(f"{ENV_ROOT} is not set: point it at a state directory made by "
                             "`python -m smartos_sim setup --root DIR --origins-out OUTDIR`")
        state = cls(root)
        if not state.config_path.is_file():
            raise SetupError(f"{ENV_ROOT}={root} is not a simulator state directory "
                             f"(no {CONFIG_NAME}); run `python -m smartos_sim setup --root {root} "
                             "--origins-out OUTDIR` first")
        return state

    @classmethod
    def existing(cls, root):
        """The state directory `root`, refused (RequestError) unless `setup` made it."""
        state = cls(root)
        if not state.config_path.is_file():
            raise RequestError(f"{root} is not a simulator state directory (no {CONFIG_NAME}); "
                               f"run `python -m smartos_sim setup --root {root}` first")
        return state

    # -- layout -------------------------------------------------------------------------------
    @property
    def config_path(self):
        return self.root / CONFIG_NAME

    @property
    def imgadm_conf(self):
        return self.root / "var" / "imgadm" / "imgadm.conf"

    @property
    def images_dir(self):
        return self.root / "images"

    @property
    def zones_dir(self):
        return self.root / "zones"

    @property
    def pkgsrc_dir(self):
        return self.root / "pkgsrc"

    @property
    def locks_dir(self):
        return self.root / "locks"

    @property
    def log_dir(self):
        return self.root / "log"

    @property
    def tmp_dir(self):
        return self.root / "tmp"

    def image_dir(self, uuid):
        return self.images_dir / uuid

    def zone_dir(self, uuid):
        return self.zones_dir / uuid

    # -- config -------------------------------------------------------------------------------
    def config(self):
        return read_json(self.config_path)

    def log(self, tool, message):
        """Append a line to the simulator's log (what the real tools log, e.g. stripped
        payload properties)."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_dir / f"{tool}.log", "a", encoding="utf-8") as handle:
            handle.write(f"[{os.getpid()}] {message}\n")

    @contextlib.contextmanager
    def lock(self, name, shared=False):
        """Hold the named lock (a file under locks/) for the duration of the block."""
        self.locks_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.locks_dir / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def mkdtemp(self, prefix):
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=prefix, dir=self.tmp_dir))


def read_json(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def atomic_write_bytes(path, data):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_json(path, obj):
    atomic_write_bytes(path, (json.dumps(obj, indent=2, sort_keys=False) + "\n").encode())
