"""vmadm: payload validation as VM.js does it, lifecycle commands and their messages."""
import json

ORIGIN = "41bd4100-eb86-409a-85b0-e649aadf6f62"
MISSING_VM = "00000000-0000-4000-8000-000000000000"


def payload(**extra):
    body = {"brand": "joyent-minimal", "image_uuid": ORIGIN, "alias": "origin-build-x-1",
            "hostname": "origin-build", "max_physical_memory": 1024, "quota": 10, "autoboot": True,
            "resolvers": ["8.8.8.8", "8.8.4.4"], "nics": [{"nic_tag": "admin", "ips": ["dhcp"], "primary": True}]}
    body.update(extra)
    return body


def create(sim, body, *args):
    return sim.run("vmadm", "create", *args, input=json.dumps(body))


def test_create_from_stdin_and_file(simi, tmp_path):
    uuid = "7b3d6b2e-4c37-4c8a-9c3e-0d0c2f3b9a11"
    result = create(simi, payload(uuid=uuid))
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr.strip() == f"Successfully created VM {uuid}"
    vm = json.loads(simi.run("vmadm", "get", uuid, check=True).stdout)
    assert (vm["state"], vm["brand"], vm["alias"], vm["zonename"]) == ("running", "joyent-minimal", "origin-build-x-1", uuid)
    assert vm["nics"][0]["interface"] == "net0" and vm["nics"][0]["mac"]
    path = tmp_path / "zone.json"
    path.write_text(json.dumps(payload(alias="second", autoboot=False)))
    second = simi.run("vmadm", "create", "-f", str(path), check=True).stderr.split()[-1]
    assert json.loads(simi.run("vmadm", "get", second).stdout)["state"] == "stopped"


def test_missing_image_is_an_invalid_value(sim):
    result = create(sim, payload())
    assert result.returncode == 1
    assert result.stderr.strip() == "Invalid value(s) for: image_uuid"


def test_bad_types_are_refused(simi):
    assert create(simi, payload(quota="ten")).stderr.strip() == "Invalid value for quota: null:number"
    assert create(simi, payload(autoboot="maybe")).stderr.strip() == "Invalid value(s) for: autoboot"
    assert create(simi, payload(resolvers=["not-an-ip"])).stderr.strip() == "Invalid value(s) for: resolvers"
    assert create(simi, payload(max_physical_memory=-5)).stderr.strip() == "Invalid value(s) for: max_physical_memory"
    assert create(simi, payload(customer_metadata={"a": {"nested": 1}})).stderr.strip() == \
        "Invalid value(s) for: customer_metadata"
    assert create(simi, payload(brand="solaris")).stderr.strip() == "Unsupported brand: solaris"
    assert simi.run("vmadm", "list", "-H").stdout == ""


def test_missing_image_uuid_and_bad_nics(simi):
    body = payload()
    del body["image_uuid"]
    assert create(simi, body).stderr.strip() == "Missing required properties: image_uuid"
    assert create(simi, payload(nics=[{"nic_tag": "nosuchtag", "ips": ["dhcp"]}])).stderr.strip() == \
        'Invalid nic tag "nosuchtag"'
    assert "Invalid IP for NIC" in create(simi, payload(nics=[{"nic_tag": "admin", "ips": ["10.0.0.5"]}])).stderr


def test_unknown_property_is_dropped_with_a_warning_as_vmadm_does(simi):
    result = create(simi, payload(frobnicate=True))
    assert result.returncode == 0
    vm_uuid = result.stderr.split()[-1]
    assert "frobnicate" not in json.loads(simi.run("vmadm", "get", vm_uuid).stdout)
    log = (simi.root / "log" / "vmadm.log").read_text()
    assert "Warning, invalid create property: [frobnicate] removing from payload." in log


def test_unknown_property_is_rejected_by_validate_and_in_strict_mode(simi, tmp_path):
    path = tmp_path / "zone.json"
    path.write_text(json.dumps(payload(frobnicate=True)))
    validate = simi.run("vmadm", "validate", "create", "-f", str(path))
    assert validate.returncode == 1
    assert json.loads(validate.stderr) == {"bad_properties": ["frobnicate"]}
    path.write_text(json.dumps(payload()))
    ok = simi.run("vmadm", "validate", "create", "-f", str(path))
    assert ok.returncode == 0 and ok.stderr.strip() == "VALID 'create' payload for joyent-minimal brand VMs."
    strict = simi.run("vmadm", "create", input=json.dumps(payload(frobnicate=True)),
                     env={"SMARTOS_SIM_STRICT_PAYLOAD": "1"})
    assert strict.returncode == 1 and "frobnicate" in strict.stderr


def test_duplicate_uuid_is_refused(simi):
    uuid = "11111111-2222-4333-8444-555555555555"
    create(simi, payload(uuid=uuid))
    assert create(simi, payload(uuid=uuid)).stderr.strip() == f"VM with UUID {uuid} already exists"


def test_lifecycle_and_messages(simi):
    vm = create(simi, payload()).stderr.split()[-1]
    assert simi.run("vmadm", "stop", vm).stderr.strip() == f"Successfully completed stop for VM {vm}"
    assert simi.run("vmadm", "stop", "-F", vm).stderr.strip() == \
        f"VM {vm} is already not 'running' (currently: stopped)"
    assert simi.run("vmadm", "start", vm).stderr.strip() == f"Successfully started VM {vm}"
    assert simi.run("vmadm", "start", vm).stderr.strip() == f"VM {vm} is already 'running'"
    assert simi.run("vmadm", "lookup", "alias=origin-build-x-1").stdout.split() == [vm]
    assert simi.run("vmadm", "lookup", "-1", "alias=nope").returncode == 1
    assert json.loads(simi.run("vmadm", "lookup", "-j", "-o", "uuid,alias", "alias=~^origin-build-").stdout) == [
        {"uuid": vm, "alias": "origin-build-x-1"}]
    assert simi.run("vmadm", "list", "-H", "-p", "-o", "uuid,alias,state").stdout == f"{vm}:origin-build-x-1:running\n"
    assert simi.run("vmadm", "list", "bogus=1").stderr.strip() == 'Invalid filter key: "bogus"'
    assert simi.run("vmadm", "delete", vm).stderr.strip() == f"Successfully deleted VM {vm}"
    assert simi.run("vmadm", "list", "-H").stdout == ""


def test_missing_vm_errors(simi):
    deleted = simi.run("vmadm", "delete", MISSING_VM)
    assert deleted.returncode == 1
    assert deleted.stderr.strip() == (f"Failed to delete VM {MISSING_VM}: zoneadm: {MISSING_VM}: "
                                      "No such zone configured")
    got = simi.run("vmadm", "get", MISSING_VM)
    assert got.returncode == 1 and got.stderr.strip() == f"zoneadm: {MISSING_VM}: No such zone configured"


def test_usage_errors_exit_2(simi):
    bad_uuid = simi.run("vmadm", "stop", "nope")
    assert bad_uuid.returncode == 2 and bad_uuid.stderr.startswith("Invalid or missing UUID for stop")
    # nopt: an unknown option swallows the next token, here the uuid
    swallowed = simi.run("vmadm", "stop", "-Q", MISSING_VM)
    assert swallowed.returncode == 2 and "Invalid or missing UUID for stop" in swallowed.stderr
    unknown = simi.run("vmadm", "frobnicate")
    assert unknown.returncode == 2 and unknown.stderr.startswith('Invalid command: "frobnicate".')
    tty_less = simi.run("vmadm", "create", "-f", "/nonexistent.json")
    assert tty_less.returncode == 1 and tty_less.stderr.strip() == "File: /nonexistent.json does not exist."
    assert simi.run("vmadm", "create", input="{not json").stderr.startswith("Invalid JSON payload: ")
