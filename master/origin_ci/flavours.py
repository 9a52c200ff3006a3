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

_SETTINGS_PROPERTIES = {
    "packages": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    "upgrade": {"type": "boolean"},
    "version": {"type": "string"},
    "description": {"type": "string", "minLength": 1},
    "audit_policy": {"enum": list(AUDIT_POLICIES)},
}
SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["flavours"],
    "properties": {
        "defaults": {"type": "object", "additionalProperties": False,
                     "properties": _SETTINGS_PROPERTIES},
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


def _flavour_from(entry, defaults, index, problems):
    settings = {**defaults, **entry}
    where = f"flavours[{index}]"
    before = len(problems)
    try:
        naming.pkgsrc_arch(entry["origin_name"])
    except naming.NamingError as error:
        problems.append((f"{where}.origin_name", str(error)))
    try:
        naming.pkgsrc_branch(entry["origin_version"])
    except naming.NamingError as error:
        problems.append((f"{where}.origin_version", str(error)))
    try:
        versions.check_series(settings.get("version", DEFAULT_SERIES))
    except versions.VersionError as error:
        key = f"{where}.version" if "version" in entry else "defaults.version"
        problems.append((key, str(error)))
    packages = settings.get("packages", list(DEFAULT_PACKAGES))
    source = f"{where}.packages" if "packages" in entry else "defaults.packages"
    for position, package in enumerate(packages):
        problem = _package_problem(package)
        if problem:
            problems.append((f"{source}[{position}]", problem))
    if len(problems) > before:
        return None
    return Flavour(
        origin_name=entry["origin_name"],
        origin_version=entry["origin_version"],
        origin_uuid=entry["origin_uuid"],
        packages=tuple(packages),
        upgrade=settings.get("upgrade", True),
        version_series=settings.get("version", DEFAULT_SERIES),
        description=settings.get(
            "description",
            f"Triton/Manta core image origin: {entry['origin_name']}@{entry['origin_version']} "
            f"plus {' '.join(packages)}"),
        audit_policy=settings.get("audit_policy", "warn"),
    )


def parse_flavours(text, path="flavours.yaml"):
    """Parse and validate a flavour file's text; returns Flavours in file order."""
    document = parse_yaml(text, path, SCHEMA)
    problems = []
    defaults = document.get("defaults", {})
    flavours, seen = [], {}
    for index, entry in enumerate(document["flavours"]):
        flavour = _flavour_from(entry, defaults, index, problems)
        if flavour is None:
            continue
        if flavour.image_name in seen:
            problems.append((f"flavours[{index}]",
                             f"duplicate flavour {flavour.image_name} (also flavours[{seen[flavour.image_name]}])"))
            continue
        seen[flavour.image_name] = index
        flavours.append(flavour)
    if problems:
        raise ConfigFileError(path, problems)
    return flavours


def load_flavours(path):
    return parse_flavours(read_text(path), path)
