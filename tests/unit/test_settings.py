import shutil

import pytest

from origin_ci.configfile import ConfigFileError
from origin_ci.paths import DEFAULT_CONFIG_DIR
from origin_ci.settings import load_settings


@pytest.fixture
def config(tmp_path):
    """The shipped configuration in a directory of its own, with the secrets it names."""
    shutil.copytree(DEFAULT_CONFIG_DIR, tmp_path / "config")
    (tmp_path / "var" / "secrets").mkdir(parents=True)
    (tmp_path / "var" / "secrets" / "imgapi-origin-ci.key").touch()
    return tmp_path


def load(config):
    return load_settings(str(config / "config"), str(config / "var"), "/repo")


def problems(config):
    with pytest.raises(ConfigFileError) as caught:
        load(config)
    return caught.value.problems


def test_shipped_settings(config):
    settings = load(config)
    assert settings.repo_url == "/repo"
    assert settings.images_dir == str(config / "var" / "images")
    assert settings.security["vulnerabilities_url"] == f"file://{config}/var/sim/pkgsrc/vulns/pkg-vulnerabilities.gz"
    assert [t["name"] for t in settings.imgapi_targets] == ["updates"]
    assert settings.imgapi_targets[0]["key_path"] == str(config / "var" / "secrets" / "imgapi-origin-ci.key")


def test_an_empty_master_yaml_means_every_default(config):
    (config / "config" / "master.yaml").write_text("")
    settings = load(config)
    assert (settings.url, settings.default_channel, settings.imgapi_targets) == (
        "http://127.0.0.1:8010/", "dev", ())
    assert settings.upstream["source_url"] == "https://images.smartos.org"


def test_the_local_store_cannot_be_switched_off(config):
    (config / "config" / "master.yaml").write_text("publish: {local_store: false}\n")
    [(key, reason)] = problems(config)
    assert key == "publish.local_store" and "record of what each image contains" in reason


def test_a_missing_signing_key_is_named(config):
    (config / "var" / "secrets" / "imgapi-origin-ci.key").unlink()
    [(key, reason)] = problems(config)
    assert key == "publish.imgapi[0].key_secret"
    assert "imgapi-origin-ci.key does not exist" in reason


def test_a_static_ip_cannot_serve_concurrent_builds(config):
    (config / "config" / "workers.yaml").write_text(
        "workers:\n  - name: cn1\n    max_builds: 3\n    build_zone: {ip: 10.1.2.3/24, gateway: 10.1.2.1}\n")
    [(key, reason)] = problems(config)
    assert key == "workers[0].build_zone.ip" and "each of the 3 builds" in reason
    (config / "config" / "workers.yaml").write_text(
        "workers:\n  - name: cn1\n    max_builds: 1\n    build_zone: {ip: 10.1.2.3/24, gateway: 10.1.2.1}\n")
    assert load(config).workers[0].build_zone["ip"] == "10.1.2.3/24"


@pytest.mark.parametrize("ip", ["10.1.2.3", "dhcp6", "10.1.2.3/24; rm -rf /"])
def test_bad_build_zone_ips(config, ip):
    (config / "config" / "workers.yaml").write_text(f"workers:\n  - name: cn1\n    build_zone: {{ip: '{ip}'}}\n")
    [(key, reason)] = problems(config)
    assert key == "workers[0].build_zone.ip" and "is not dhcp or an IPv4 address" in reason
