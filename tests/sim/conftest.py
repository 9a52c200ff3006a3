"""Fixtures for the SmartOS simulator's tests: a state dir made once per session (copied per
test), and a minimal image server for `imgadm import` (GET /images/UUID, GET /images/UUID/file)."""
import http.server
import io
import json
import os
import shlex
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from origin_ci.pkgsrc.summary import parse_pkg_summary

from smartos_sim.setupcmd import setup

REPO = Path(__file__).resolve().parents[2]
SIM_BIN = REPO / "workers" / "smartos-sim" / "bin"
PKGIN = "/opt/local/bin/pkgin"
PKG_INFO = "/opt/local/sbin/pkg_info"


class ImageServer:
    """Serves <uuid>.imgmanifest and <uuid>.zfs.gz from a directory, as an IMGAPI would."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.requests = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                path = self.path.split("?", 1)[0].rstrip("/")
                parts = path.split("/")
                if path == "/ping":
                    return self._send(200, b'{"ping": "pong"}')
                if len(parts) in (3, 4) and parts[1] == "images":
                    uuid = parts[2]
                    manifest = server.directory / f"{uuid}.imgmanifest"
                    if manifest.is_file():
                        if len(parts) == 3:
                            return self._send(200, manifest.read_bytes())
                        if parts[3] == "file":
                            return self._send(200, (server.directory / f"{uuid}.zfs.gz").read_bytes(),
                                              "application/octet-stream")
                body = json.dumps({"code": "ResourceNotFound", "message": f"{path} does not exist"})
                self._send(404, body.encode())

            def _send(self, status, body, content_type="application/json"):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


ORIGINS = ("ede31770-e19c-11e5-bb6e-3b7de3cca9ce", "c2c31b00-1d60-11e9-9a77-ff9f06554b0f",
           "5417ab20-3156-11ea-8b19-2b66f5e7a439", "a7199134-7e94-11ec-be67-db6f482136c2",
           "5e4c3f98-aca4-11ee-9db8-00151714048c", "41bd4100-eb86-409a-85b0-e649aadf6f62")


@pytest.fixture(scope="session")
def sim_template(tmp_path_factory):
    """A fresh state dir (no image installed) and, beside it, one with every origin imported."""
    base = tmp_path_factory.mktemp("sim-template")
    origins = base / "origins"
    origins.mkdir()
    server = ImageServer(origins)
    setup(base / "root", origins, server.url)
    shutil.copytree(base / "root", base / "imported", symlinks=True,
                    ignore=lambda d, names: ["pkgsrc"] if Path(d) == base / "root" else [])
    (base / "imported" / "pkgsrc").symlink_to(base / "root" / "pkgsrc")
    importer = Sim(base / "imported", server, origins)
    for uuid in ORIGINS:
        importer.run("imgadm", "import", "-q", uuid, check=True)
    server.requests.clear()
    yield {"root": base / "root", "imported": base / "imported", "origins": origins, "server": server}
    server.stop()


class Sim:
    """A simulator state dir for one test, and helpers to run its tools as a worker would."""

    def __init__(self, root, server, origins):
        self.root = root
        self.server = server
        self.origins = origins
        self.env = {**os.environ, "PATH": f"{SIM_BIN}:{os.environ['PATH']}",
                    "SMARTOS_SIM_ROOT": str(root), "SMARTOS_SIM_PYTHON": sys.executable}
        self.env.pop("SMARTOS_SIM_SLOW_SECONDS", None)
        self.env.pop("SMARTOS_SIM_STRICT_PAYLOAD", None)
        self.in_process = True

    def _run_here(self, argv, input, env, cwd):
        from smartos_sim import imgadm, vmadm, zlogin
        data = input.encode() if isinstance(input, str) else (input or b"")
        saved_env, saved_cwd, saved_stdin = dict(os.environ), os.getcwd(), sys.stdin
        os.environ.clear()
        os.environ.update({**self.env, **(env or {})})
        if cwd:
            os.chdir(cwd)
        sys.stdin = io.TextIOWrapper(io.BytesIO(data))
        out, err = io.BytesIO(), io.BytesIO()
        try:
            tool, args = argv[0], list(argv[1:])
            if tool == "zlogin":
                status = zlogin.main(args, stdin=io.BytesIO(data), out=out, err=err)
                stdout, stderr = out.getvalue().decode(), err.getvalue().decode()
            else:
                out_text, err_text = io.StringIO(), io.StringIO()
                if tool == "imgadm":
                    status = imgadm.main(args, out=out_text, err=err_text)
                else:
                    status = vmadm.main(args, stdin=io.BytesIO(data), out=out_text, err=err_text)
                stdout, stderr = out_text.getvalue(), err_text.getvalue()
        finally:
            os.environ.clear()
            os.environ.update(saved_env)
            os.chdir(saved_cwd)
            sys.stdin = saved_stdin
        return subprocess.CompletedProcess(argv, status, stdout, stderr)

    def run(self, *argv, input=None, env=None, cwd=None, check=False, process=False):
        """Run a tool: in this process (fast; the default) or, with process=True, as the worker
        would, through workers/smartos-sim/bin/<tool> in a child process."""
        if not process and self.in_process:
            result = self._run_here(argv, input, env, cwd)
        else:
            result = subprocess.run([str(SIM_BIN / argv[0]), *argv[1:]], input=input,
                                    capture_output=True, cwd=cwd, timeout=60,
                                    text=isinstance(input, str) or input is None,
                                    env={**self.env, **(env or {})})
        if check and result.returncode != 0:
            raise AssertionError(f"{argv} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def own_repositories(self):
        link = self.root / "pkgsrc"
        if link.is_symlink():
            target = link.resolve()
            link.unlink()
            shutil.copytree(target, link)

    def build_flavour(self, origin_uuid, packages, upgrade):
        """The SmartOS part of a flavour's build, with the factory's command lines: a zone of the
        (imported) origin, pkgin update, install, full-upgrade if asked -> (vm, its packages)."""
        vm = self.create_zone(origin_uuid)
        self.run("zlogin", vm, PKGIN, "-y", "update", check=True)
        self.run("zlogin", vm, PKGIN, "-y", "install", *(shlex.quote(p) for p in packages), check=True)
        if upgrade:
            self.run("zlogin", vm, PKGIN, "-y", "full-upgrade", check=True)
        return vm, self.installed(vm)

    def installed(self, vm):
        """The PKGNAMEs installed in a zone, from `pkg_info -X -a` as the inventory step reads it."""
        inventory = self.run("zlogin", vm, PKG_INFO, "-X", "-a", check=True).stdout
        return {record.pkgname for record in parse_pkg_summary(inventory.encode())}

    def popen(self, *argv, env=None, **kwargs):
        return subprocess.Popen([str(SIM_BIN / argv[0]), *argv[1:]], env={**self.env, **(env or {})},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)

    def create_zone(self, image_uuid, **extra):
        payload = {"brand": "joyent-minimal", "image_uuid": image_uuid, "alias": "origin-build-test",
                   "max_physical_memory": 1024, "quota": 10, "autoboot": True,
                   "resolvers": ["8.8.8.8"], "nics": [{"nic_tag": "admin", "ips": ["dhcp"], "primary": True}]}
        payload.update(extra)
        result = self.run("vmadm", "create", input=json.dumps(payload), check=True)
        return result.stderr.strip().rsplit(" ", 1)[1]


def _state_copy(template, root):
    """Copy a template state dir quickly: its pkgsrc repositories are shared by a symlink
    (`Sim.own_repositories()` makes a private copy for tests that change them) and its other
    files are hard links, which is safe because the simulator replaces state files atomically
    and never writes into an installed image (logs, appended to, are copied)."""
    def link_or_copy(source, target):
        if "/log/" in source:
            return shutil.copy2(source, target)
        return os.link(source, target)
    shutil.copytree(template, root, symlinks=True, copy_function=link_or_copy,
                    ignore=lambda d, names: ["pkgsrc"] if Path(d) == template else [])
    (root / "pkgsrc").symlink_to(template / "pkgsrc")


@pytest.fixture
def sim(sim_template, tmp_path):
    """A state dir with no image installed yet."""
    root = tmp_path / "sim"
    _state_copy(sim_template["root"], root)
    return Sim(root, sim_template["server"], sim_template["origins"])


@pytest.fixture
def simi(sim_template, tmp_path):
    """A state dir with every origin image already imported."""
    root = tmp_path / "sim"
    _state_copy(sim_template["imported"], root)
    return Sim(root, sim_template["server"], sim_template["origins"])
