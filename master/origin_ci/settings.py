"""The master's settings: `master.yaml` and `workers.yaml` in the config directory.

Relative paths in them resolve against the var directory (runtime state, never in git), so the
same config directory serves the local default and a test's temporary master.
"""
import dataclasses
import os

from origin_ci.configfile import ConfigFileError, read_yaml
from origin_ci.imgapi.channels import CHANNEL_NAMES as CHANNELS
from origin_ci.report import DEFAULT_USB_KEY_BUDGET_BYTES

TRY_USERS_SECRET = "try-users"
NAME_RE = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
URL_RE = r"^(https?://|file:)"
URL_HELP = "is not an http(s) URL or a file: URL (file:relative/to/var or file:///absolute)"

MASTER_SCHEMA = {
    "type": ["object", "null"],  # an empty file: every default
    "additionalProperties": False,
    "properties": {
        "title": {"type": "string"},
        "url": {"type": "string", "pattern": r"^https?://.+/$",
                "description_of_pattern": "must be an http(s) URL ending in /"},
        "www_port": {"type": ["integer", "string"]},
        "worker_port": {"type": ["integer", "string"]},
        "db_url": {"type": "string"},
        "image_definitions": {
            "type": "object", "additionalProperties": False,
            "properties": {"repo_url": {"type": "string"}, "branch": {"type": "string"}},
        },
        "secrets_dir": {"type": "string"},
        "artifacts_dir": {"type": "string"},
        "images_dir": {"type": "string"},
        "default_channel": {"enum": list(CHANNELS)},
        "nightly": {"type": "object", "additionalProperties": False,
                    "properties": {"hour": {"type": "integer", "minimum": 0, "maximum": 23},
                                   "minute": {"type": "integer", "minimum": 0, "maximum": 59}}},
        "admins": {"type": "array", "items": {"type": "string", "pattern": NAME_RE}},
        "try_port": {"type": ["integer", "string"]},
        "publish": {
            "type": "object", "additionalProperties": False,
            "properties": {
                "local_store": {"type": "boolean"},
                "imgapi": {"type": "array", "items": {
                    "type": "object", "additionalProperties": False,
                    "required": ["name", "url", "user", "key_secret"],
                    "properties": {
                        "name": {"type": "string", "pattern": NAME_RE},
                        "url": {"type": "string", "pattern": r"^https?://"},
                        "user": {"type": "string", "minLength": 1},
                        "key_secret": {"type": "string", "pattern": NAME_RE,
                                       "description_of_pattern": "is not a file name in secrets_dir"},
                        "import_origins_from": {"type": "string", "pattern": r"^https?://"},
                    }}},
            },
        },
        "upstream": {"type": "object", "additionalProperties": False,
                     "properties": {"source_url": {"type": "string", "pattern": r"^https?://"},
                                    "poll_interval": {"type": "integer", "minimum": 10}}},
        "security": {"type": "object", "additionalProperties": False,
                     "properties": {"vulnerabilities_url": {"type": "string", "pattern": URL_RE,
                                                            "description_of_pattern": URL_HELP},
                                    "pkgsrc_url": {"type": "string", "pattern": URL_RE,
                                                   "description_of_pattern": URL_HELP},
                                    "poll_interval": {"type": "integer", "minimum": 10}}},
        "usb_key_budget_bytes": {"type": "integer", "minimum": 1},
        "janitor_interval": {"type": "integer", "minimum": 60},
    },
}

WORKERS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["workers"],
    "properties": {
        "workers": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "pattern": NAME_RE,
                             "description_of_pattern": "is not a worker name (letters, digits, . _ -)"},
                    "max_builds": {"type": "integer", "minimum": 1},
                    "build_zone": {
                        "type": "object", "additionalProperties": False,
                        "properties": {
                            "brand": {"enum": ["joyent", "joyent-minimal"]},
                            "max_physical_memory": {"type": "integer", "minimum": 256},
                            "quota": {"type": "integer", "minimum": 1},
                            "nic_tag": {"type": "string"},
                            "ip": {"type": "string", "pattern": r"^(dhcp|\d{1,3}(\.\d{1,3}){3}/\d{1,2})$",
                                   "description_of_pattern": "is not dhcp or an IPv4 address/prefix such as 10.1.2.3/24"},
                            "gateway": {"type": "string"},
                            "resolvers": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                },
            },
        },
    },
}

DEFAULT_MAX_BUILDS = 2
BUILD_ZONE_DEFAULTS = {
    "brand": "joyent-minimal",
    "max_physical_memory": 2048,
    "quota": 10,
    "nic_tag": "admin",
    "ip": "dhcp",
    "resolvers": ["8.8.8.8", "8.8.4.4"],
}


@dataclasses.dataclass(frozen=True)
class WorkerSettings:
    name: str
    password_secret: str
    max_builds: int
    build_zone: dict


@dataclasses.dataclass(frozen=True)
class Settings:
    config_dir: str
    var_dir: str
    title: str
    url: str
    www_port: object
    worker_port: object
    db_url: str
    repo_url: str
    branch: str
    secrets_dir: str
    artifacts_dir: str
    images_dir: str
    default_channel: str
    nightly: dict
    admins: tuple
    try_port: object
    imgapi_targets: tuple  # dicts: name, url, user, key_path, import_origins_from
    upstream: dict
    security: dict
    usb_key_budget_bytes: int  # what the newest image of every flavour and their origins may take
    janitor_interval: int  # seconds between janitor runs on each worker
    workers: tuple

    @property
    def flavours_file(self):
        return os.path.join(self.config_dir, "flavours.yaml")

    def try_users(self):
        """(user, password) pairs from `<secrets_dir>/try-users` ("user:password" lines); none
        without the file. Try_Userpass needs them at config time, so no secrets provider here."""
        try:
            with open(os.path.join(self.secrets_dir, TRY_USERS_SECRET), encoding="utf-8") as handle:
                lines = handle.read().splitlines()
        except FileNotFoundError:
            return []
        return [tuple(line.split(":", 1)) for line in lines if ":" in line and not line.startswith("#")]


def load_settings(config_dir, var_dir, repo_dir):
    """Settings from `config_dir`; `repo_dir` is the default source of image definitions."""
    master = read_yaml(os.path.join(config_dir, "master.yaml"), MASTER_SCHEMA) or {}
    workers_path = os.path.join(config_dir, "workers.yaml")
    workers = read_yaml(workers_path, WORKERS_SCHEMA)
    shared_static_ips = [
        (f"workers[{index}].build_zone.ip", f"{entry['build_zone']['ip']} would be given to each of "
         f"the {entry.get('max_builds', DEFAULT_MAX_BUILDS)} builds the host runs at once: use dhcp, "
         "or max_builds: 1")
        for index, entry in enumerate(workers["workers"])
        if entry.get("build_zone", {}).get("ip", "dhcp") != "dhcp" and entry.get("max_builds", DEFAULT_MAX_BUILDS) > 1]
    if shared_static_ips:
        raise ConfigFileError(workers_path, shared_static_ips)

    def in_var(path):
        return os.path.normpath(os.path.join(var_dir, path))

    def url(value):
        """`file:relative` URLs name files under the var directory."""
        if value.startswith("file:") and not value.startswith("file:/"):
            return "file://" + in_var(value[len("file:"):])
        return value

    publish = master.get("publish", {})
    if not publish.get("local_store", True):
        # The store keeps each image's inventory and report, which IMGAPI cannot hold.
        raise ConfigFileError(os.path.join(config_dir, "master.yaml"), [(
            "publish.local_store", "cannot be false: the local store is the record of what each "
            "image contains (nightly, security and diff decisions read it)")])
    definitions = master.get("image_definitions", {})
    secrets_dir = in_var(master.get("secrets_dir", "secrets"))
    missing_keys = [(f"publish.imgapi[{index}].key_secret",
                     f"{os.path.join(secrets_dir, entry['key_secret'])} does not exist "
                     "(make one with: origin-ci imgapi keygen)")
                    for index, entry in enumerate(publish.get("imgapi", []))
                    if not os.path.exists(os.path.join(secrets_dir, entry["key_secret"]))]
    if missing_keys:
        raise ConfigFileError(os.path.join(config_dir, "master.yaml"), missing_keys)
    return Settings(
        config_dir=config_dir,
        var_dir=var_dir,
        title=master.get("title", "triton-origin-ci"),
        url=master.get("url", "http://127.0.0.1:8010/"),
        www_port=master.get("www_port", "tcp:8010:interface=127.0.0.1"),
        worker_port=master.get("worker_port", "tcp:9989:interface=127.0.0.1"),
        db_url=master.get("db_url", "sqlite:///state.sqlite"),
        repo_url=definitions.get("repo_url", repo_dir),
        branch=definitions.get("branch", "main"),
        secrets_dir=secrets_dir,
        artifacts_dir=in_var(master.get("artifacts_dir", "artifacts")),
        images_dir=in_var(master.get("images_dir", "images")),
        default_channel=master.get("default_channel", "dev"),
        nightly={"hour": 3, "minute": 0, **master.get("nightly", {})},
        admins=tuple(master.get("admins", ["admin"])),
        try_port=master.get("try_port", "tcp:8031:interface=127.0.0.1"),

        imgapi_targets=tuple(
            {"name": entry["name"], "url": entry["url"], "user": entry["user"],
             "key_path": os.path.join(secrets_dir, entry["key_secret"]),
             "import_origins_from": entry.get("import_origins_from")}
            for entry in publish.get("imgapi", [])),
        upstream={"source_url": "https://images.smartos.org", "poll_interval": 300,
                  **master.get("upstream", {})},
        security={
            "vulnerabilities_url": url(master.get("security", {}).get(
                "vulnerabilities_url", "https://cdn.netbsd.org/pub/NetBSD/packages/vulns/pkg-vulnerabilities.gz")),
            "pkgsrc_url": url(master.get("security", {}).get(
                "pkgsrc_url", "https://pkgsrc.smartos.org/packages/SmartOS")),
            "poll_interval": master.get("security", {}).get("poll_interval", 3600),
        },
        usb_key_budget_bytes=master.get("usb_key_budget_bytes", DEFAULT_USB_KEY_BUDGET_BYTES),
        janitor_interval=master.get("janitor_interval", 3600),
        workers=tuple(
            WorkerSettings(
                name=entry["name"],
                password_secret=f"worker-{entry['name']}",
                max_builds=entry.get("max_builds", DEFAULT_MAX_BUILDS),
                build_zone={**BUILD_ZONE_DEFAULTS, **entry.get("build_zone", {})},
            )
            for entry in workers["workers"]
        ),
    )
