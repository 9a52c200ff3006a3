"""A build publishes to an IMGAPI (private, signed writes) as well as the local store; the image
is then listed, fetched with its sha1 verified, and promoted to another channel by a build."""
import hashlib
import json
import os
import urllib.request

from tests.e2e.service import properties

IMAGE = "triton-origin-x86_64-24.4.1"
SUCCESS = 0


def fetch(url, version):
    """The image as the IMGAPI lists it (any channel), and the sha1 and size of its file."""
    listing = urllib.request.Request(f"{url}/images?name={IMAGE}&channel=*",
                                     headers={"Accept-Version": "~2"})  # IMGAPI shows channels to v2 clients
    with urllib.request.urlopen(listing, timeout=30) as response:
        [image] = [i for i in json.load(response) if i["version"] == version]
    with urllib.request.urlopen(f"{url}/images/{image['uuid']}/file?channel={image['channels'][0]}", timeout=30) as response:
        body = response.read()
    return image, hashlib.sha1(body).hexdigest(), len(body)


def test_build_publishes_to_imgapi_and_promotion_adds_a_channel(service):
    admin = service.admin()
    build = admin.wait_build(admin.force(IMAGE, channel="dev", dry_run=False))
    assert build["results"] == SUCCESS, build["state_string"]
    version = properties(build)["image_version"]
    assert properties(build)["published_to"] == ["local", "updates"]

    image, sha1, size = fetch(service.updates_url, version)
    with open(os.path.join(service.images_dir, f"{IMAGE}-{version}.imgmanifest")) as handle:
        local = json.load(handle)
    assert image["uuid"] == local["uuid"]
    assert image["files"][0]["sha1"] == local["files"][0]["sha1"] == sha1
    assert size == local["files"][0]["size"]
    assert image["channels"] == ["dev"]
    assert image["public"] is False and image["state"] == "active"

    body = {"jsonrpc": "2.0", "id": 1, "method": "force",
            "params": {"builderid": admin.builder_id("promote"), "reason": "release it",
                       "image_name": IMAGE, "version": version, "to_channel": "staging"}}
    reply = admin.request("POST", "api/v2/forceschedulers/promote", body)
    promotion = admin.wait_build(list(reply["result"][1].values())[0])
    assert promotion["results"] == SUCCESS, promotion["state_string"]
    assert "staging" in admin.log_text(promotion, "promote", "promotion")
    image, _, _ = fetch(service.updates_url, version)
    assert sorted(image["channels"]) == ["dev", "staging"]


def test_anonymous_users_cannot_promote(service):
    anonymous = service.client()
    body = {"jsonrpc": "2.0", "id": 1, "method": "force",
            "params": {"builderid": anonymous.builder_id("promote"), "image_name": IMAGE,
                       "version": "1.0.0", "to_channel": "release"}}
    try:
        anonymous.request("POST", "api/v2/forceschedulers/promote", body)
    except Exception as error:
        assert getattr(error, "status", None) == 403
    else:
        raise AssertionError("anonymous promotion was accepted")
