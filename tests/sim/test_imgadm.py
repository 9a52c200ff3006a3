"""imgadm: real command lines, outputs and failures."""
import json

ORIGIN = "41bd4100-eb86-409a-85b0-e649aadf6f62"
ORIGIN_2015 = "ede31770-e19c-11e5-bb6e-3b7de3cca9ce"
MISSING = "00000000-1111-2222-3333-444444444444"


def test_sources_lists_the_configured_imgapi(sim):
    assert sim.run("imgadm", "sources").stdout.strip() == sim.server.url
    assert json.loads(sim.run("imgadm", "sources", "-j").stdout) == [
        {"url": sim.server.url, "type": "imgapi", "insecure": False}]


def test_import_then_get_list_and_idempotent_reimport(sim):
    first = sim.run("imgadm", "import", ORIGIN, check=True)
    assert f'Importing {ORIGIN} (minimal-64-lts@24.4.1) from "{sim.server.url}"' in first.stdout
    assert f"Imported image {ORIGIN} (minimal-64-lts@24.4.1)" in first.stdout
    again = sim.run("imgadm", "import", "-q", ORIGIN)
    assert again.returncode == 0
    assert again.stdout.strip() == f"Image {ORIGIN} (minimal-64-lts 24.4.1) is already installed, skipping"
    info = json.loads(sim.run("imgadm", "get", ORIGIN, check=True).stdout)
    assert info["zpool"] == "zones" and info["source"] == sim.server.url
    assert info["manifest"]["name"] == "minimal-64-lts" and info["manifest"]["version"] == "24.4.1"
    listing = sim.run("imgadm", "list", "-H", "-o", "uuid,name,version", check=True).stdout.split()
    assert listing == [ORIGIN, "minimal-64-lts", "24.4.1"]
    assert [i["manifest"]["uuid"] for i in json.loads(sim.run("imgadm", "list", "-j").stdout)] == [ORIGIN]
    assert sim.run("imgadm", "list", "-H", "name=minimal-multiarch-lts").stdout == ""


def test_import_with_explicit_source_and_channel(sim):
    result = sim.run("imgadm", "import", "-S", sim.server.url, "-C", "dev", ORIGIN_2015, check=True)
    assert ', channel "dev"' in result.stdout
    assert any("channel=dev" in r for r in sim.server.requests)


def test_origin_manifests_are_the_real_ones(sim):
    manifest = json.loads((sim.origins / f"{ORIGIN_2015}.imgmanifest").read_text())
    assert (manifest["name"], manifest["version"]) == ("minimal-multiarch-lts", "15.4.1")
    assert manifest["requirements"]["min_platform"] == {"7.0": "20141030T081701Z"}
    assert (manifest["v"], manifest["type"], manifest["os"], manifest["state"]) == (2, "zone-dataset", "smartos", "active")
    assert manifest["public"] is True and manifest["disabled"] is False
    assert manifest["files"][0]["compression"] == "gzip"
    data = (sim.origins / f"{ORIGIN_2015}.zfs.gz").read_bytes()
    assert manifest["files"][0]["size"] == len(data)


def test_import_of_unknown_image_fails_like_imgadm(sim):
    result = sim.run("imgadm", "import", MISSING)
    assert result.returncode == 1
    assert result.stderr.strip() == (f'imgadm import: error (ActiveImageNotFound): an active image '
                                     f'"{MISSING}" was not found')


def test_bad_arguments_are_refused(sim):
    bad_uuid = sim.run("imgadm", "import", "not-a-uuid!")
    assert bad_uuid.returncode == 1 and "error (Usage)" in bad_uuid.stderr
    unknown_option = sim.run("imgadm", "import", "--frob", ORIGIN)
    assert unknown_option.returncode == 1
    assert unknown_option.stderr.strip() == 'imgadm import: error (Option): unknown option: "--frob"'
    unknown_command = sim.run("imgadm", "frobnicate")
    assert unknown_command.returncode == 1
    assert unknown_command.stderr.strip() == 'imgadm: error (UnknownCommand): unknown command: "frobnicate"'


def test_get_of_an_image_not_installed_exits_3(sim):
    result = sim.run("imgadm", "get", MISSING)
    assert result.returncode == 3
    assert result.stderr.strip() == (f'imgadm get: error (ImageNotInstalled): image "{MISSING}" was '
                                     'not found on zpool "zones"')


def test_delete_refuses_an_image_a_zone_uses(sim):
    sim.run("imgadm", "import", ORIGIN, check=True)
    vm = sim.create_zone(ORIGIN)
    refused = sim.run("imgadm", "delete", ORIGIN)
    assert refused.returncode == 1
    assert f"error (ImageHasDependentClones): image \"{ORIGIN}\" has dependent clones: zones/{vm}" in refused.stderr
    sim.run("vmadm", "delete", vm, check=True)
    deleted = sim.run("imgadm", "delete", ORIGIN, check=True)
    assert deleted.stdout.strip() == f"Deleted image {ORIGIN}"
    assert sim.run("imgadm", "list", "-H").stdout == ""


def test_install_from_local_files(sim):
    result = sim.run("imgadm", "install", "-m", str(sim.origins / f"{ORIGIN}.imgmanifest"),
                     "-f", str(sim.origins / f"{ORIGIN}.zfs.gz"), check=True)
    assert f"Installed image {ORIGIN} (minimal-64-lts@24.4.1)" in result.stdout


def test_without_state_dir_imgadm_cannot_run(sim):
    result = sim.run("imgadm", "list", env={"SMARTOS_SIM_ROOT": ""}, process=True)
    assert result.returncode == 2
    assert result.stderr.startswith("imgadm: error: cannot run: SMARTOS_SIM_ROOT is not set")
