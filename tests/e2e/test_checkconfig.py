"""`buildbot checkconfig` on a bad flavour file names the file, the key and the reason."""
import os
import shutil
import subprocess

from tests.e2e.service import BIN, REPO


def checkconfig(tmp_path, flavours_text):
    config_dir = tmp_path / "config"
    shutil.copytree(os.path.join(REPO, "config"), config_dir)
    (config_dir / "flavours.yaml").write_text(flavours_text)
    secrets = tmp_path / "var" / "secrets"
    secrets.mkdir(parents=True, mode=0o700)
    subprocess.run([os.path.join(BIN, "origin-ci"), "imgapi", "keygen", "--private",
                    str(secrets / "imgapi-origin-ci.key"), "--public", str(tmp_path / "origin-ci.keys")],
                   check=True, capture_output=True)
    master_dir = tmp_path / "master"
    subprocess.run([os.path.join(BIN, "buildbot"), "create-master", "-q", "-r",
                    f"--config={REPO}/master/master.cfg", str(master_dir)], check=True)
    (master_dir / "origin-ci.yaml").write_text(f"config_dir: {config_dir}\nvar_dir: {tmp_path / 'var'}\n")
    return subprocess.run([os.path.join(BIN, "buildbot"), "checkconfig", str(master_dir)],
                          capture_output=True, text=True), config_dir / "flavours.yaml"


def test_bad_flavour_file_fails_checkconfig_naming_file_and_key(tmp_path):
    with open(os.path.join(REPO, "config", "flavours.yaml")) as handle:
        good = handle.read()
    bad = good.replace("    origin_version: 19.4.0\n", "    origin_version: 19.4.0\n    pakages: [curl]\n")
    result, path = checkconfig(tmp_path, bad)
    assert result.returncode != 0
    assert f"{path}: flavours[2].pakages: unknown key" in result.stdout + result.stderr


def test_missing_imgapi_key_fails_checkconfig_naming_it(tmp_path):
    with open(os.path.join(REPO, "config", "flavours.yaml")) as handle:
        result, path = checkconfig(tmp_path, handle.read())
    assert result.returncode == 0
    (tmp_path / "var" / "secrets" / "imgapi-origin-ci.key").unlink()
    result = subprocess.run([os.path.join(BIN, "buildbot"), "checkconfig", str(tmp_path / "master")],
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "master.yaml: publish.imgapi[0].key_secret: " in result.stdout + result.stderr
    assert "imgapi-origin-ci.key does not exist" in result.stdout + result.stderr


def test_shipped_configuration_passes_checkconfig(tmp_path):
    with open(os.path.join(REPO, "config", "flavours.yaml")) as handle:
        result, _ = checkconfig(tmp_path, handle.read())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Config file is good!" in result.stdout
