"""`vmadm create` payload handling, following VM.js (normalizePayload, validate, checkPayload...).

Driven by the property table of smartos-cli.json (from proptable.js). What the real vmadm does,
and so what this does:

- integers are converted with JavaScript's Number(); one that is not a number fails with
  "Invalid value for <prop>: null:number";
- a property the brand does not allow (or that does not exist) is *not* an error: it is logged
  ("Warning, invalid create property: [foo] removing from payload.") and dropped;
- wrong types, values below the minimum, an image that is not installed -> "Invalid value(s)
  for: <props>"; required properties absent -> "Missing required properties: <props>";
- NIC checks (nic tag known to the host, CIDR/dhcp IPs, IPv4 gateways) and an already used uuid.
"""
import ipaddress
import json
import math
import random
import re
import uuid as uuidlib

from . import clidata
from .errors import ToolError

SUPPORTED_BRANDS = ("joyent", "joyent-minimal")
KNOWN_BRANDS = ("bhyve", "builder", "joyent", "joyent-minimal", "kvm", "lx")
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
NIC_TAG_RE = re.compile(r"^[a-zA-Z0-9_/]+$")
ATTR_RE = re.compile(r"^[a-zA-Z0-9\-._]+$")


class PayloadError(ToolError):
    pass


def js_number(value):
    """JavaScript's Number(value) for JSON values (NaN as float('nan'))."""
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, (int, float)):
        return value
    if value is None:
        return 0
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return 0
        try:
            if re.fullmatch(r"0[xX][0-9a-fA-F]+", text):
                return int(text, 16)
            number = float(text)
            return int(number) if number.is_integer() and "e" not in text.lower() and "." not in text else number
        except ValueError:
            return math.nan
    if isinstance(value, list):
        if not value:
            return 0
        if len(value) == 1:
            return js_number(value[0] if not isinstance(value[0], list) else str(value[0]))
        return math.nan
    return math.nan


def _js_typeof(value):
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object"  # dict, list and null alike


def _allowed(facts, brand):
    brands = facts.get("brands")
    if facts.get(brand) is False:
        return False
    return brands == "all" or brand in (brands or [])


def _fix_boolean(value):
    if value in (True, "true"):
        return True
    if value in (False, "false"):
        return False
    return None


def _valid_ip(text):
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


VALUE_VALIDATORS = {
    "utils.validResolver": lambda v: isinstance(v, str) and _valid_ip(v),
    "utils.validAttrValue": lambda v: isinstance(v, str) and bool(ATTR_RE.match(v)),
    "utils.validMacAddress": lambda v: isinstance(v, str) and bool(
        re.fullmatch(r"([0-9a-fA-F]{1,2}:){5}[0-9a-fA-F]{1,2}", v)),
    "utils.validCID": lambda v: isinstance(v, str) and bool(re.fullmatch(r"0x([0-9a-fA-F]{2})+", v)),
}


def _check_value(prop, facts, value, zpools, bad):
    """validateProperty()'s type checks; appends `prop` to `bad` on a bad value."""
    kind = facts.get("type")
    validator = VALUE_VALIDATORS.get(facts.get("valueValidator"), lambda v: True)
    if kind == "uuid":
        if not (isinstance(value, str) and UUID_RE.match(value)):
            bad.append(prop)
    elif kind == "boolean":
        if value not in (1, "1") and _fix_boolean(value) is None:
            bad.append(prop)
    elif kind == "string":
        if value is None or (not isinstance(value, (dict, list)) and str(value).strip() == ""):
            return
        if not isinstance(value, str) or not validator(value):
            bad.append(prop)
    elif kind == "integer":
        if value is None or (isinstance(value, str) and value.strip() == ""):
            return
        if isinstance(value, bool):
            bad.append(prop)
            return
        number = js_number(value)
        if isinstance(number, float) and (math.isnan(number) or not number.is_integer()):
            bad.append(prop)
        elif "min" in facts and number < facts["min"]:
            bad.append(prop)
        elif "max" in facts and number > facts["max"]:
            bad.append(prop)
    elif kind == "zpool":
        if not isinstance(value, str) or value not in zpools:
            bad.append(prop)
    elif kind == "flat-object":
        if _js_typeof(value) != "object" or (isinstance(value, dict) and any(
                _js_typeof(v) == "object" for v in value.values())):
            bad.append(prop)
    elif kind == "list":
        if isinstance(value, str):
            value = [v for v in value.split(",") if v]
        if not isinstance(value, list) or any(
                _js_typeof(v) not in ("string", "number") or not validator(v) or "," in str(v)
                for v in value):
            bad.append(prop)
    elif kind == "object-array":
        if not isinstance(value, list) or any(_js_typeof(v) != "object" for v in value):
            bad.append(prop)


def normalize_and_validate(payload, *, installed_image, zpools, nic_tags, existing_uuid, log):
    """Validate a create payload as VM.create does -> the normalized payload.

    installed_image(uuid) -> manifest or None; existing_uuid(uuid) -> bool; log(message).
    Raises PayloadError with the real message on failure.
    """
    if not isinstance(payload, dict):
        raise PayloadError("Invalid JSON payload: payload is not an object")
    payload = json.loads(json.dumps(payload))
    props = clidata.payload_properties()

    for prop, facts in props.items():
        if prop in payload and facts.get("type") == "integer" and payload[prop] is not None:
            if payload[prop] == "":
                payload[prop] = None
                continue
            number = js_number(payload[prop])
            if isinstance(number, float) and math.isnan(number):
                raise PayloadError(f"Invalid value for {prop}: null:number")
            payload[prop] = number
        elif prop in payload and facts.get("type") == "list" and isinstance(payload[prop], str):
            payload[prop] = [v for v in payload[prop].split(",") if v]

    # applyZoneDefaults (the ones that matter before validation)
    payload.setdefault("brand", "joyent")
    brand = payload["brand"]
    if not isinstance(brand, str) or brand not in KNOWN_BRANDS:
        raise PayloadError(f"Unsupported brand: {brand}")
    if brand not in SUPPORTED_BRANDS:
        raise PayloadError(f"smartos-sim: brand {brand} is not emulated (only "
                           f"{', '.join(SUPPORTED_BRANDS)})")
    payload.setdefault("uuid", str(uuidlib.uuid4()))
    if "dataset_uuid" in payload and "image_uuid" not in payload:
        payload["image_uuid"] = payload.pop("dataset_uuid")

    bad_values, bad_properties, missing = [], [], []
    for prop, value in list(payload.items()):
        facts = props.get(prop)
        if facts is None or not _allowed(facts, brand):
            bad_properties.append(prop)
            continue
        _check_value(prop, facts, value, zpools, bad_values)
        subprops = facts.get("subproperties")
        if facts.get("type") == "object-array" and isinstance(value, list) and subprops:
            for element in value:
                if not isinstance(element, dict):
                    continue
                for sub, subvalue in element.items():
                    name = f"{prop}.*.{sub}"
                    subfacts = subprops.get(sub)
                    if subfacts is None or subfacts.get(brand) is False:
                        if name not in bad_properties:
                            bad_properties.append(name)
                        continue
                    _check_value(name, subfacts, subvalue, zpools, bad_values)
    for prop, facts in props.items():
        if facts.get("required") and _allowed(facts, brand) and prop not in payload:
            missing.append(prop)
    image = None
    if isinstance(payload.get("image_uuid"), str) and UUID_RE.match(payload["image_uuid"]):
        image = installed_image(payload["image_uuid"])
        if image is None or image.get("type") != "zone-dataset":
            bad_values.append("image_uuid")
    bad_values = list(dict.fromkeys(bad_values))
    if bad_values:
        raise PayloadError("Invalid value(s) for: " + ",".join(bad_values))
    if missing:
        raise PayloadError("Missing required properties: " + ",".join(missing))
    for bad in bad_properties:
        log(f"Warning, invalid create property: [{bad}] removing from payload.")
        if ".*." in bad:
            prop, _, sub = bad.partition(".*.")
            for element in payload.get(prop) or []:
                if isinstance(element, dict):
                    element.pop(sub, None)
        else:
            payload.pop(bad, None)

    # fix booleans given as strings, as normalizePayload does after validation
    for prop, value in list(payload.items()):
        if props.get(prop, {}).get("type") == "boolean":
            payload[prop] = value in (True, "true", 1, "1")
    payload["image"] = image
    _check_nics(payload, nic_tags)
    if existing_uuid(payload["uuid"]):
        raise PayloadError(f"VM with UUID {payload['uuid']} already exists")
    return payload


def _check_nics(payload, nic_tags):
    seen_ips = set()
    nics = payload.get("nics") or []
    for index, nic in enumerate(nics):
        text = json.dumps(nic)
        tag = nic.get("nic_tag")
        if not isinstance(tag, str) or not NIC_TAG_RE.match(tag):
            raise PayloadError(f"invalid or missing .nic_tag option for NIC: {text}")
        if tag not in nic_tags:
            raise PayloadError(f'Invalid nic tag "{tag}"')
        ips = list(nic.get("ips") or [])
        if "ip" in nic:
            ip = nic.pop("ip")
            if ip in ("dhcp", "addrconf"):
                ips.append(ip)
            else:
                netmask = nic.get("netmask")
                if not netmask:
                    raise PayloadError(f"Missing .netmask option for NIC: {text}")
                try:
                    network = ipaddress.ip_network(f"{ip}/{netmask}", strict=False)
                except ValueError:
                    raise PayloadError(f"Specified netmask value is invalid: {netmask}") from None
                ips.append(f"{ip}/{network.prefixlen}")
        for ip in ips:
            if ip in ("dhcp", "addrconf"):
                continue
            try:
                ipaddress.ip_interface(ip)
                if "/" not in ip:
                    raise ValueError(ip)
            except ValueError:
                raise PayloadError(f"Invalid IP for NIC: {text}") from None
            if ip.split("/")[0] in seen_ips:
                raise PayloadError(f"Invalid IP for NIC: {text}")
            seen_ips.add(ip.split("/")[0])
        if "gateway" in nic:
            nic.setdefault("gateways", [nic.pop("gateway")])
        for gateway in nic.get("gateways") or []:
            try:
                ipaddress.IPv4Address(gateway)
            except ValueError:
                raise PayloadError(f"Static gateways must be IPv4 addresses: {gateway}") from None
        if ips:
            nic["ips"] = ips
        nic.setdefault("mac", "90:b8:d0:" + ":".join(f"{random.randrange(256):02x}" for _ in range(3)))
        nic["interface"] = nic.pop("interface", f"net{index}")
        if not nic.get("primary"):
            nic.pop("primary", None)
    if nics and not any(n.get("primary") for n in nics):
        nics[0]["primary"] = True
