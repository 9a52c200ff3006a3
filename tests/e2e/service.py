"""A real triton-origin-ci service for end-to-end tests: Buildbot master, a Buildbot worker whose
PATH holds the SmartOS simulator, and the local image server with the upstream origins.

Everything runs as separate processes on loopback ports picked at random, in a temporary
directory; the tests talk to it over HTTP only, as an operator's tools would.
"""
import base64
import http.cookiejar
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
SIM_BIN = os.path.join(REPO, "workers", "smartos-sim", "bin")
ADMIN_PASSWORD = "e2e-admin-password"
TRY_PASSWORD = "e2e-try-password"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(*command, **kwargs):
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class ApiError(Exception):
    def __init__(self, status, body):
        super().__init__(f"HTTP {status}: {body[:300]}")
        self.status = status
        self.body = body


class Client:
    """The Buildbot REST API, anonymous until `login`."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with self.opener.open(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raise ApiError(error.code, error.read().decode("utf-8", "replace")) from None

    def login(self, user, password):
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        request = urllib.request.Request(self.base_url + "auth/login",
                                         headers={"Authorization": f"Basic {token}"})
        with self.opener.open(request, timeout=30):
            pass
        return self

    def get(self, path):
        return self.request("GET", "api/v2/" + path)

    def builder_id(self, name):
        [builder] = self.get(f"builders?name={name}")["builders"]
        return builder["builderid"]

    def force(self, builder, scheduler="force", **params):
        body = {"jsonrpc": "2.0", "id": 1, "method": "force",
                "params": {"builderid": self.builder_id(builder), "reason": "e2e test", **params}}
        reply = self.request("POST", f"api/v2/forceschedulers/{scheduler}", body)
        if "error" in reply:
            raise ApiError(200, json.dumps(reply["error"]))
        _bsid, brids = reply["result"]
        return list(brids.values())[0]

    def wait_build(self, buildrequest_id, timeout=120):
        """The request's build, once finished; a build that lost its worker (RETRY) does not count,
        Buildbot builds the request again."""
        def finished():
            builds = self.get(f"builds?buildrequestid={buildrequest_id}&property=*")["builds"]
            last = max(builds, key=lambda build: build["buildid"]) if builds else None
            return last if last and last["complete"] and last["results"] != RETRY else None
        return wait_until(finished, timeout, f"build of request {buildrequest_id}")

    def steps(self, build):
        return {step["name"]: step for step in self.get(f"builds/{build['buildid']}/steps")["steps"]}

    def log_text(self, build, step_name, log_slug):
        step = self.steps(build)[step_name]
        logs = self.get(f"steps/{step['stepid']}/logs/{log_slug}/contents")["logchunks"]
        return "".join(chunk["content"] for chunk in logs)


RETRY = 4  # Buildbot's result of a build whose worker was lost


def properties(build):
    return {name: value for name, (value, _source) in build["properties"].items()}


class Service:
    def __init__(self, directory, flavours_text, sim_template, master_settings=None, worker_env=None):
        """`master_settings`: master.yaml keys to set besides the test defaults; `worker_env`: what
        the worker's environment adds when it first starts (SMARTOS_SIM_SLOW_SECONDS, ...)."""
        self.directory = directory
        self.master_settings = master_settings or {}
        self.worker_env = worker_env
        self.flavours_text = flavours_text
        self.sim_template = sim_template
        self.config_dir = os.path.join(directory, "config")
        self.var_dir = os.path.join(directory, "var")
        self.repo_dir = os.path.join(directory, "image-definitions")
        self.www_port, self.pb_port, self.try_port = free_port(), free_port(), free_port()
        self.updates_port = free_port()
        self.updates_url = f"http://127.0.0.1:{self.updates_port}"
        self.sim_root = os.path.join(directory, "sim")
        self.url = f"http://127.0.0.1:{self.www_port}/"
        self.processes = {}

    # -- setup -------------------------------------------------------------------------------
    def write_config(self):
        os.makedirs(self.config_dir)
        shutil.copy(os.path.join(REPO, "config", "workers.yaml"), self.config_dir)
        with open(os.path.join(self.config_dir, "flavours.yaml"), "w") as handle:
            handle.write(self.flavours_text)
        with open(os.path.join(self.config_dir, "master.yaml"), "w") as handle:
            json.dump({
                "url": self.url,
                "www_port": f"tcp:{self.www_port}:interface=127.0.0.1",
                "worker_port": f"tcp:{self.pb_port}:interface=127.0.0.1",
                "try_port": f"tcp:{self.try_port}:interface=127.0.0.1",
                "image_definitions": {"repo_url": self.repo_dir, "branch": "main"},
                "admins": ["admin"],
                # The pollers run when a test asks through the poller change hook.
                "upstream": {"source_url": self.sim_template.source_url, "poll_interval": 86400},
                "security": {"vulnerabilities_url": f"file://{self.vulnerabilities_file}",
                             "pkgsrc_url": f"file://{self.sim_root}/pkgsrc", "poll_interval": 86400},
                "publish": {"local_store": True, "imgapi": [{
                    "name": "updates", "url": self.updates_url, "user": "origin-ci",
                    "key_secret": "imgapi.key", "import_origins_from": self.sim_template.source_url}]},
                **self.master_settings,
            }, handle)
        secrets = os.path.join(self.var_dir, "secrets")
        os.makedirs(secrets, mode=0o700)
        for name, value in {"admin-password": ADMIN_PASSWORD, "worker-local-sim": "e2e-worker",
                            "try-users": f"author:{TRY_PASSWORD}"}.items():
            path = os.path.join(secrets, name)
            with open(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "w") as handle:
                handle.write(value + "\n")

    def start_updates_server(self):
        """A private IMGAPI, like updates.tritondatacenter.com, accepting the master's key."""
        keys = os.path.join(self.directory, "updates-keys")
        os.makedirs(keys)
        run(os.path.join(BIN, "origin-ci"), "imgapi", "keygen",
            "--private", os.path.join(self.var_dir, "secrets", "imgapi.key"),
            "--public", os.path.join(keys, "origin-ci.keys"))
        self.spawn("updates", [os.path.join(BIN, "origin-ci"), "imgapi", "serve", "--host", "127.0.0.1",
                               "--port", str(self.updates_port), "--dir",
                               os.path.join(self.directory, "updates"), "--mode", "private",
                               "--keys", keys])

    def write_image_definitions(self):
        """A git repository holding the image definitions the builds check out."""
        os.makedirs(os.path.join(self.repo_dir, "config"))
        shutil.copy(os.path.join(self.config_dir, "flavours.yaml"),
                    os.path.join(self.repo_dir, "config", "flavours.yaml"))
        git = ["git", "-C", self.repo_dir, "-c", "user.name=e2e", "-c", "user.email=e2e@example.com"]
        run(*git, "init", "-q", "-b", "main")
        run(*git, "add", "-A")
        run(*git, "commit", "-q", "-m", "image definitions")

    def spawn(self, name, command, env=None):
        log = open(os.path.join(self.directory, f"{name}.log"), "ab")
        self.processes[name] = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
            start_new_session=True)

    def start(self):
        self.write_config()
        self.start_updates_server()
        self.write_image_definitions()
        shutil.copytree(self.sim_template.root, self.sim_root, symlinks=True)
        master_dir = os.path.join(self.directory, "master")
        run(os.path.join(BIN, "buildbot"), "create-master", "-q", "-r",
            f"--db={self.master_settings.get('db_url', 'sqlite:///state.sqlite')}",
            f"--config={os.path.join(REPO, 'master', 'master.cfg')}", master_dir)
        with open(os.path.join(master_dir, "origin-ci.yaml"), "w") as handle:
            json.dump({"config_dir": self.config_dir, "var_dir": self.var_dir}, handle)
        self.spawn("master", [os.path.join(BIN, "buildbot"), "start", "--nodaemon", master_dir])
        run(os.path.join(BIN, "buildbot-worker"), "create-worker", "-q", self.worker_dir,
            f"127.0.0.1:{self.pb_port}", "local-sim", "e2e-worker")
        anonymous = self.client()
        wait_until(lambda: self._answers(anonymous), 60, f"web UI at {self.url}")
        self.start_worker(self.worker_env)
        return self

    @property
    def worker_dir(self):
        return os.path.join(self.directory, "worker")

    def start_worker(self, env=None):
        """(Re)start the worker and wait until it is connected; `env` adds to its environment."""
        self.spawn("worker", [os.path.join(BIN, "buildbot-worker"), "start", "--nodaemon", self.worker_dir],
                   env={"PATH": f"{SIM_BIN}:{BIN}:{os.environ['PATH']}",
                        "SMARTOS_SIM_ROOT": self.sim_root, "SMARTOS_SIM_PYTHON": sys.executable,
                        **(env or {})})
        wait_until(lambda: any(w["connected_to"] for w in self.client().get("workers")["workers"]),
                   60, "the worker to connect")

    def kill_worker(self):
        """SIGKILL the worker and every command it runs, as a crash of its host would."""
        worker = self.processes.pop("worker")
        for entry in os.listdir("/proc"):
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    session = int(handle.read().rpartition(")")[2].split()[3])
            except (OSError, ValueError, IndexError):
                continue
            if session == worker.pid:  # the worker leads its own session (start_new_session)
                try:
                    os.kill(int(entry), signal.SIGKILL)
                except ProcessLookupError:
                    pass
        worker.wait()
        wait_until(lambda: not any(w["connected_to"] for w in self.client().get("workers")["workers"]),
                   30, "the master to notice the worker is gone")

    def _answers(self, client):
        self.check_alive()
        try:
            return client.get("builders")
        except (OSError, ApiError):
            return None

    def check_alive(self):
        for name, process in self.processes.items():
            if process.poll() is not None:
                with open(os.path.join(self.directory, f"{name}.log"), errors="replace") as handle:
                    raise AssertionError(f"{name} exited with {process.returncode}:\n{handle.read()[-3000:]}")

    # -- use ---------------------------------------------------------------------------------
    def client(self):
        return Client(self.url)

    def admin(self):
        return self.client().login("admin", ADMIN_PASSWORD)

    def sim_zones(self):
        """Zones the simulated host has, as `vmadm list` prints them."""
        output = run(os.path.join(SIM_BIN, "vmadm"), "list", "-H", "-o", "uuid,alias,state",
                     env={**os.environ, "SMARTOS_SIM_ROOT": self.sim_root,
                          "SMARTOS_SIM_PYTHON": sys.executable}).stdout
        return [line.split() for line in output.splitlines() if line.strip()]

    @property
    def vulnerabilities_file(self):
        return os.path.join(self.sim_root, "pkgsrc", "vulns", "pkg-vulnerabilities.gz")

    def poll(self, poller):
        """Poll a poller now, through Buildbot's poller change hook."""
        request = urllib.request.Request(f"{self.url}change_hook/poller?poller={poller}", data=b"",
                                         method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status

    @property
    def images_dir(self):
        return os.path.join(self.var_dir, "images")

    def restart_master(self):
        """Stop the master (SIGTERM, as `buildbot stop`) and start it again on the same database."""
        master = self.processes.pop("master")
        os.killpg(master.pid, signal.SIGTERM)
        master.wait(timeout=30)
        self.spawn("master", [os.path.join(BIN, "buildbot"), "start", "--nodaemon",
                              os.path.join(self.directory, "master")])
        wait_until(lambda: self._answers(self.client()), 60, f"web UI at {self.url}")
        wait_until(lambda: any(w["connected_to"] for w in self.client().get("workers")["workers"]),
                   60, "the worker to reconnect")

    def master_log(self):
        with open(os.path.join(self.directory, "master", "twistd.log"), errors="replace") as handle:
            return handle.read()

    def stop(self):
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
