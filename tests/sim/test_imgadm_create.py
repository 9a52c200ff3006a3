"""imgadm create: validation as smartos-cli.json describes it, outputs, -s prepare scripts."""
import json

ORIGIN = "5e4c3f98-aca4-11ee-9db8-00151714048c"


def zone(sim, stopped=True):
    vm = sim.create_zone(ORIGIN)
    if stopped:
        sim.run("vmadm", "stop", vm, check=True)
    return vm


def test_running_vm_without_s_is_refused(simi, tmp_path):
    vm = zone(simi, stopped=False)
    result = simi.run("imgadm", "create", "-i", vm, "name=foo", "version=1.0.0", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == f'imgadm create: error (VmNotStopped): vm "{vm}" is not stopped'


def test_bad_compression_is_a_usage_error(simi, tmp_path):
    vm = zone(simi)
    result = simi.run("imgadm", "create", "-c", "lz4", vm, "name=foo", "version=1.0.0", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == ('imgadm create: error (Usage): invalid -c,--compression "lz4": '
                                     'must be one of "none", "bzip2", "gzip", "xz"')


def test_name_and_version_are_required(simi, tmp_path):
    vm = zone(simi)
    out = tmp_path / "out"
    out.mkdir()
    result = simi.run("imgadm", "create", "-i", vm, cwd=out)
    assert result.returncode == 1
    assert "error (ManifestValidation): invalid manifest: name" in result.stderr
    assert "version" in result.stderr
    assert list(out.iterdir()) == []


def test_other_usage_errors(simi, tmp_path):
    vm = zone(simi)
    assert 'incorrect number of args (0): ""' in simi.run("imgadm", "create").stderr
    assert "must match" in simi.run("imgadm", "create", vm, "name").stderr
    assert "cannot specify both" in simi.run("imgadm", "create", "-o", "x", "-p", "http://h", vm).stderr
    assert 'vm "00000000-0000-4000-8000-000000000000" was not found' in simi.run(
        "imgadm", "create", "00000000-0000-4000-8000-000000000000", "name=a", "version=1").stderr


def test_defaults_min_platform_to_the_host_platform_and_names_files_by_slug(simi, tmp_path):
    vm = zone(simi)
    simi.run("imgadm", "create", "-o", str(tmp_path), vm, "name=My Image", "version=1.0.0", check=True)
    manifest = json.loads((tmp_path / "my-image-1.0.0.imgmanifest").read_text())
    assert (tmp_path / "my-image-1.0.0.zfs").is_file()          # -c defaults to none
    assert manifest["files"][0]["compression"] == "none"
    config = json.loads((simi.root / "sim.json").read_text())
    assert manifest["requirements"]["min_platform"] == {"7.0": config["platform"]["live_image"]}
    assert manifest["requirements"]["networks"] == [{"name": "net0", "description": "public"}]
    assert "origin" not in manifest                              # not incremental without -i
    assert (manifest["type"], manifest["os"], manifest["v"]) == ("zone-dataset", "smartos", 2)


def test_manifest_from_stdin_and_xz(simi, tmp_path):
    vm = zone(simi)
    manifest_in = json.dumps({"name": "foo", "version": "2.0", "description": "d",
                              "requirements": {"min_platform": {"7.0": "20210826T002459Z"}}})
    simi.run("imgadm", "create", "-i", "-c", "xz", "-m", "-", "-o", str(tmp_path / "out"), vm,
            input=manifest_in, check=True)
    manifest = json.loads((tmp_path / "out.imgmanifest").read_text())
    assert (tmp_path / "out.zfs.xz").is_file()
    assert manifest["origin"] == ORIGIN and manifest["description"] == "d"
    assert manifest["requirements"] == {"min_platform": {"7.0": "20210826T002459Z"}}


PREPARE = """#!/bin/bash
# a prepare-image script as imgadm -s runs it
mdata-put prepare-image:state running
rm -rf /var/db/pkgin
echo 'built by triton-origin-ci' > /etc/motd
mdata-put prepare-image:state success
/usr/sbin/shutdown -y -g0 -i5
"""


def test_prepare_script_runs_in_the_zone_and_is_rolled_back(simi, tmp_path):
    vm = zone(simi, stopped=False)
    simi.run("zlogin", vm, "/opt/local/bin/pkgin", "-y", "install", "sudo", check=True)
    script = tmp_path / "prepare"
    script.write_text(PREPARE)
    result = simi.run("imgadm", "create", "-i", "-c", "gzip", "-s", str(script), "-o",
                     str(tmp_path / "img"), vm, "name=foo", "version=1.0.0", check=True)
    for line in ("Stopping VM", "Prepare script is running", "Prepare script succeeded",
                 "Rollback VM", "Restarting VM"):
        assert line in result.stdout
    import gzip, io, tarfile
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress((tmp_path / "img.zfs.gz").read_bytes()))) as tar:
        assert tar.extractfile("etc/motd").read() == b"built by triton-origin-ci\n"
        header = json.loads(tar.extractfile(".smartos-sim-stream.json").read())
    assert "var/db/pkgin" in header["deleted"]
    assert json.loads(simi.run("vmadm", "get", vm).stdout)["state"] == "running"
    # rolled back: the zone has its pkgin db again and its old motd
    assert simi.run("zlogin", vm, "test", "-d", "/var/db/pkgin").returncode == 0


def test_prepare_script_that_reports_an_error(simi, tmp_path):
    vm = zone(simi)
    script = tmp_path / "prepare"
    script.write_text("mdata-put prepare-image:state running\n"
                      "mdata-put prepare-image:error 'no space left'\n"
                      "mdata-put prepare-image:state error\nshutdown -y -g0 -i5\n")
    result = simi.run("imgadm", "create", "-s", str(script), "-o", str(tmp_path / "x"), vm,
                     "name=foo", "version=1")
    assert result.returncode == 1
    assert (f"imgadm create: error (PrepareImageError): prepare-image script error while preparing "
            f"VM {vm}: no space left") in result.stderr
    assert json.loads(simi.run("vmadm", "get", vm).stdout)["state"] == "stopped"
