"""The flavour matrix: `config/flavours.yaml` turned into validated `Flavour` values.

Every error names the file, the key (as a path such as `flavours[2].packages[0]`) and the reason,
because `buildbot checkconfig` output is all an operator sees of a bad edit.
"""
import dataclasses
import re

from origin_ci import naming, versions
from origin_ci.configfile import ConfigFileError, parse_yaml, read_text

DEFAULT_PACKAGES = ("coreutils", "curl", "gsed", "patch", "sudo")
DEFAULT_SERIES = "1.0"
UUID_RE = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
# What a pkgsrc package name or pattern (pkg_match) may contain; anything else, notably
# whitespace, quotes and shell metacharacters, is refused before it can reach a command line.
PACKAGE_RE = re.compile(r"^[A-Za-z0-9{][A-Za-z0-9._+\-<>=*?\[\]{},]*$")
AUDIT_POLICIES = ("warn", "fail")
SIZE_POLICIES = ("warn", "fail")  # over the USB-key budget: warn, or fail the build

_SETTINGS_PROPERTIES = {
    "packages": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    "upgrade": {"type": "boolean"},
    "version": {"type": "string"},
    "description": {"type": "string", "minLength": 1},
    "audit_policy": {"enum": list(AUDIT_POLICIES)},
    "size_policy": {"enum": list(SIZE_POLICIES)},
}
SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["flavours"],
    "properties": {
        "defaults": {"type": "object", "additionalProperties": False,
                     "properties": _SETTINGS_PROPERTIES},
        "track": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["origin_name"],
                "properties": {"origin_name": {"type": "string"}, **_SETTINGS_PROPERTIES},
            },
        },
        "flavours": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["origin_name", "origin_version", "origin_uuid"],
                "properties": {
                    "origin_name": {"type": "string"},
                    "origin_version": {"type": "string"},
                    "origin_uuid": {"type": "string", "pattern": UUID_RE,
                                    "description_of_pattern": "is not a lowercase UUID"},
                    **_SETTINGS_PROPERTIES,
                },
            },
        },
    },
}


@dataclasses.dataclass(frozen=True)
class Flavour:
    origin_name: str
    origin_version: str
    origin_uuid: str
    packages: tuple
    upgrade: bool
    version_series: str
    description: str
    audit_policy: str
    size_policy: str

    @property
    def image_name(self):
        return naming.image_name(self.origin_name, self.origin_version)

    @property
    def pkgsrc_arch(self):
        return naming.pkgsrc_arch(self.origin_name)

    @property
    def pkgsrc_branch(self):
        return naming.pkgsrc_branch(self.origin_version)

    @property
    def origin_ref(self):
        return f"{self.origin_name}@{self.origin_version}"

    def to_plan(self):
        """The JSON-able form a build carries in its properties."""
        return {
            "image_name": self.image_name,
            "origin_name": self.origin_name,
            "origin_version": self.origin_version,
            "origin_uuid": self.origin_uuid,
            "pkgsrc_arch": self.pkgsrc_arch,
            "pkgsrc_branch": self.pkgsrc_branch,
            "packages": list(self.packages),
            "upgrade": self.upgrade,
            "version_series": self.version_series,
            "description": self.description,
            "audit_policy": self.audit_policy,
            "size_policy": self.size_policy,
        }


def _package_problem(package):
    if not PACKAGE_RE.match(package):
        return f"{package!r} is not a pkgsrc package name or pattern"
    depth = 0
    for char in package:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            break
    if depth != 0:
        return f"{package!r} has unbalanced braces"
    return None


def _settings_problems(entry, defaults, where):
    """Problems of the settings a flavour or a tracked series takes from itself or `defaults`."""
    problems = []
    try:
        versions.check_series(entry.get("version", defaults.get("version", DEFAULT_SERIES)))
    except versions.VersionError as error:
        problems.append((f"{where}.version" if "version" in entry else "defaults.version", str(error)))
    packages = entry.get("packages", defaults.get("packages", DEFAULT_PACKAGES))
    source = f"{where}.packages" if "packages" in entry else "defaults.packages"
    for position, package in enumerate(packages):
        problem = _package_problem(package)
        if problem:
            problems.append((f"{source}[{position}]", problem))
    return problems


def _origin_problems(entry, where, with_version=True):
    problems = []
    try:
        naming.pkgsrc_arch(entry["origin_name"])
    except naming.NamingError as error:
        problems.append((f"{where}.origin_name", str(error)))
    if with_version:
        try:
            naming.pkgsrc_branch(entry["origin_version"])
        except naming.NamingError as error:
            problems.append((f"{where}.origin_version", str(error)))
    return problems


def make_flavour(origin_name, origin_version, origin_uuid, settings):
    """A Flavour from an origin and already validated settings (defaults merged in)."""
    packages = tuple(settings.get("packages", DEFAULT_PACKAGES))
    return Flavour(
        origin_name=origin_name,
        origin_version=origin_version,
        origin_uuid=origin_uuid,
        packages=packages,
        upgrade=settings.get("upgrade", True),
        version_series=settings.get("version", DEFAULT_SERIES),
        description=settings.get(
            "description",
            f"Triton/Manta core image origin: {origin_name}@{origin_version} plus {' '.join(packages)}"),
        audit_policy=settings.get("audit_policy", "warn"),
        size_policy=settings.get("size_policy", "warn"),
    )


@dataclasses.dataclass(frozen=True)
class Matrix:
    """The flavours a file lists, and the origin series whose new releases become flavours."""

    flavours: tuple
    tracked: dict  # origin_name -> settings (defaults merged in)

    def discovered(self, origin_name, origin_version, origin_uuid):
        """The flavour of a new release of a tracked series; NamingError if it is no LTS release."""
        naming.image_name(origin_name, origin_version)
        return make_flavour(origin_name, origin_version, origin_uuid, self.tracked[origin_name])


def parse_matrix(text, path="flavours.yaml"):
    """Parse and validate a flavour file's text."""
    document = parse_yaml(text, path, SCHEMA)
    defaults = document.get("defaults", {})
    problems = []
    flavours, seen = [], {}
    for index, entry in enumerate(document["flavours"]):
        where = f"flavours[{index}]"
        entry_problems = _origin_problems(entry, where) + _settings_problems(entry, defaults, where)
        if entry_problems:
            problems += entry_problems
            continue
        flavour = make_flavour(entry["origin_name"], entry["origin_version"], entry["origin_uuid"],
                               {**defaults, **entry})
        if flavour.image_name in seen:
            problems.append((where, f"duplicate flavour {flavour.image_name} (also flavours[{seen[flavour.image_name]}])"))
            continue
        seen[flavour.image_name] = index
        flavours.append(flavour)
    tracked = {}
    for index, entry in enumerate(document.get("track", [])):
        where = f"track[{index}]"
        entry_problems = _origin_problems(entry, where, with_version=False) + \
            _settings_problems(entry, defaults, where)
        if entry["origin_name"] in tracked:
            entry_problems.append((where, f"{entry['origin_name']} is tracked twice"))
        problems += entry_problems
        tracked[entry["origin_name"]] = {**defaults, **entry}
    if problems:
        raise ConfigFileError(path, problems)
    return Matrix(tuple(flavours), tracked)


def parse_flavours(text, path="flavours.yaml"):
    """The flavours a flavour file lists, in file order."""
    return list(parse_matrix(text, path).flavours)


def load_matrix(path):
    return parse_matrix(read_text(path), path)


def load_flavours(path):
    return list(load_matrix(path).flavours)
