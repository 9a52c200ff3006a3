import os
import subprocess
import sys
import urllib.request

import pytest

from tests.e2e.service import BIN, REPO, Service, free_port, run, wait_until

TEST_FLAVOURS = """
defaults:
  packages: [coreutils, curl, gsed, patch, sudo]
track:
  - origin_name: minimal-64-lts
flavours:
  - origin_name: minimal-64-lts
    origin_version: 24.4.1
    origin_uuid: 41bd4100-eb86-409a-85b0-e649aadf6f62
  # A package the 2023Q4 repository does not have: the build must fail at install.
  - origin_name: minimal-64-lts
    origin_version: 23.4.0
    origin_uuid: 5e4c3f98-aca4-11ee-9db8-00151714048c
    packages: [coreutils, no-such-package]
"""


class SimTemplate:
    """Simulator state and the upstream image server, made once per test session."""

    def __init__(self, directory):
        self.root = os.path.join(directory, "sim")
        self.port = free_port()
        self.source_url = f"http://127.0.0.1:{self.port}"
        origins = os.path.join(directory, "upstream-origins")
        self.store = store = os.path.join(directory, "upstream")
        run(sys.executable, "-m", "smartos_sim", "setup", "--root", self.root,
            "--origins-out", origins, "--source", self.source_url)
        run(os.path.join(BIN, "origin-ci"), "imgapi", "seed", "--dir", store, origins)
        self.log = open(os.path.join(directory, "images.log"), "ab")
        self.server = subprocess.Popen(
            [os.path.join(BIN, "origin-ci"), "imgapi", "serve", "--host", "127.0.0.1",
             "--port", str(self.port), "--dir", store, "--mode", "public"],
            stdout=self.log, stderr=subprocess.STDOUT)
        wait_until(self._pings, 30, "the upstream image server")

    def _pings(self):
        try:
            with urllib.request.urlopen(self.source_url + "/ping", timeout=5):
                return True
        except OSError:
            return False

    def stop(self):
        self.server.terminate()
        self.server.wait(timeout=10)


@pytest.fixture(scope="session")
def sim_template(tmp_path_factory):
    template = SimTemplate(str(tmp_path_factory.mktemp("sim-template")))
    yield template
    template.stop()


@pytest.fixture(scope="module")
def service(tmp_path_factory, sim_template):
    running = Service(str(tmp_path_factory.mktemp("service")), TEST_FLAVOURS, sim_template)
    try:
        yield running.start()
    finally:
        running.stop()


__all__ = ["REPO"]
