"""Fixtures for the SmartOS simulator's tests: a state dir made once per session (copied per
test), and a minimal image server for `imgadm import` (GET /images/UUID, GET /images/UUID/file)."""
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from smartos_sim.setupcmd import setup

REPO = Path(__file__).resolve().parents[2]
SIM_BIN = REPO / "workers" / "smartos-sim" / "bin"


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


@pytest.fixture(scope="session")
def sim_template(tmp_path_factory):
    base = tmp_path_factory.mktemp("sim-template")
    origins = base / "origins"
    origins.mkdir()
    server = ImageServer(origins)
    setup(base / "root", origins, server.url)
    yield {"root": base / "root", "origins": origins, "server": server}
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

    def run(self, *argv, input=None, env=None, cwd=None, check=False):
        result = subprocess.run([str(SIM_BIN / argv[0]), *argv[1:]], input=input, capture_output=True,
                                text=isinstance(input, str) or input is None, cwd=cwd,
                                env={**self.env, **(env or {})}, timeout=60)
        if check and result.returncode != 0:
            raise AssertionError(f"{argv} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

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


@pytest.fixture
def sim(sim_template, tmp_path):
    root = tmp_path / "sim"
    shutil.copytree(sim_template["root"], root, symlinks=True)
    return Sim(root, sim_template["server"], sim_template["origins"])
