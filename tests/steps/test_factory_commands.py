"""The exact command lines a flavour's build runs on a SmartOS worker."""
import json

import pytest
from buildbot.process.properties import Properties
from twisted.internet import defer

from origin_ci.factory import make_factory
from origin_ci.flavours import load_flavours
from origin_ci.paths import DEFAULT_CONFIG_DIR
from origin_ci.plan import make_plan
from origin_ci.settings import BUILD_ZONE_DEFAULTS, load_settings

VM = "0b5cbd39-1f7b-4cd3-9a5e-3d4c0a1f2b6e"


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    """The shipped configuration, with a var directory holding the secret files it names."""
    var_dir = tmp_path_factory.mktemp("var")
    (var_dir / "secrets").mkdir()
    (var_dir / "secrets" / "imgapi-origin-ci.key").touch()
    return load_settings(DEFAULT_CONFIG_DIR, str(var_dir), "/repo")


def rendered(value, props):
    result = []
    defer.maybeDeferred(props.render, value).addCallback(result.append)
    assert result, f"{value!r} did not render synchronously"
    return result[0]


def flavour_properties(image_name, published=()):
    with open(f"{DEFAULT_CONFIG_DIR}/flavours.yaml", encoding="utf-8") as handle:
        plan = make_plan(handle.read(), "flavours.yaml", image_name, list(published), build_number=7,
                         vm_uuid=VM, channel="dev", is_try=False)
    props = Properties()
    for key, value in {**plan, "buildername": image_name, "buildnumber": 7,
                       "build_zone": BUILD_ZONE_DEFAULTS, "got_revision": "abc123",
                       "origin_min_platform": {"7.0": "20141030T081701Z"}}.items():
        props.setProperty(key, value, "test")
    return props


def shell_commands(settings, image_name, published=()):
    props = flavour_properties(image_name, published)
    commands = {}
    for step in make_factory(settings, targets=[], feeds=None).steps:
        if "command" in step.kwargs:
            commands[step.kwargs["name"]] = rendered(step.kwargs["command"], props)
    return commands, props


def test_pinned_multiarch_flavour_commands(settings):
    commands, _ = shell_commands(settings, "triton-origin-multiarch-15.4.1")
    assert commands == {
        "import origin": ["imgadm", "import", "-q", "ede31770-e19c-11e5-bb6e-3b7de3cca9ce"],
        "create zone": ["vmadm", "create", "-f", "build-zone.json"],
        "origin inventory": f"zlogin {VM} /opt/local/sbin/pkg_info -X -a > origin-inventory.pkg_summary",
        "pkgin update": ["zlogin", VM, "/opt/local/bin/pkgin", "-y", "update"],
        "install packages": ["zlogin", VM, "/opt/local/bin/pkgin", "-y", "install",
                             ["coreutils-8.23nb2", "curl-7.51.0", "gsed-4.2.2nb4", "patch-2.7.5",
                              "sudo-1.8.15"]],
        "full upgrade": ["zlogin", VM, "/opt/local/bin/pkgin", "-y", "full-upgrade"],
        "origin inventory": ["sh", "-c", 'zlogin "$1" /opt/local/sbin/pkg_info -X -a > "$2"', "sh", VM,
                             "origin-inventory.pkg_summary"],
        "inventory": ["sh", "-c", 'zlogin "$1" /opt/local/sbin/pkg_info -X -a > "$2"', "sh", VM,
                      "inventory.pkg_summary"],
        "clean pkgin cache": ["zlogin", VM, "/opt/local/bin/pkgin", "-y", "clean"],
        "stop zone": ["vmadm", "stop", VM],
        "create image": ["imgadm", "create", "-i", "-c", "gzip", "-m", "image-manifest.json",
                         "-o", "triton-origin-multiarch-15.4.1-1.0.0", VM],
        # on the master
        "remove artifacts": ["rm", "-rf", f"{settings.var_dir}/artifacts/triton-origin-multiarch-15.4.1/7"],
    }


def test_package_patterns_are_quoted_for_the_zones_shell(settings):
    props = flavour_properties("triton-origin-x86_64-24.4.1")
    props.setProperty("packages", ["curl>=7.50", "sudo", "{gsed,sed}-[0-9]*"], "test")
    install = steps_by_name(settings)["install packages"].kwargs["command"]
    assert rendered(install, props) == ["zlogin", VM, "/opt/local/bin/pkgin", "-y", "install",
                                        ["'curl>=7.50'", "sudo", "'{gsed,sed}-[0-9]*'"]]


def test_version_follows_what_is_published(settings):
    commands, _ = shell_commands(settings, "triton-origin-x86_64-24.4.1", published=["1.0.0", "1.0.4"])
    assert commands["create image"][8] == "triton-origin-x86_64-24.4.1-1.0.5"


def steps_by_name(settings):
    return {step.kwargs.get("name", step.step_class.name): step for step in make_factory(settings, [], feeds=None).steps}


def test_upgrade_step_runs_only_when_the_flavour_asks(settings):
    upgrade_if = steps_by_name(settings)["full upgrade"].kwargs["doStepIf"]

    class Step:
        def __init__(self, props):
            self.getProperty = props.getProperty

    assert upgrade_if(Step(flavour_properties("triton-origin-x86_64-24.4.1"))) is True
    assert upgrade_if(Step(flavour_properties("triton-origin-multiarch-15.4.1"))) is False


def test_cleanup_always_runs(settings):
    steps = steps_by_name(settings)
    assert steps["delete zone"].kwargs["alwaysRun"] is True
    assert steps["remove output"].kwargs["alwaysRun"] is True
    names = list(steps)
    assert names.index("publish") < names.index("delete zone")


@pytest.mark.parametrize("name", ["zone payload", "image manifest"])
def test_payloads(settings, name):
    props = flavour_properties("triton-origin-x86_64-24.4.1")
    document = rendered(steps_by_name(settings)[name].args[0], props)
    if name == "zone payload":
        assert document == {
            "uuid": VM, "alias": "origin-build-triton-origin-x86_64-24.4.1-7",
            "hostname": "origin-build", "brand": "joyent-minimal",
            "image_uuid": "41bd4100-eb86-409a-85b0-e649aadf6f62", "max_physical_memory": 2048,
            "quota": 10, "autoboot": True, "resolvers": ["8.8.8.8", "8.8.4.4"],
            "nics": [{"nic_tag": "admin", "ips": ["dhcp"], "primary": True}]}
    else:
        assert document["name"] == "triton-origin-x86_64-24.4.1"
        assert document["version"] == "1.0.0"
        assert document["requirements"] == {"min_platform": {"7.0": "20141030T081701Z"}}
        assert document["tags"]["triton_origin_ci_git"] == "abc123"
        json.dumps(document)
