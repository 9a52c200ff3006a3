"""`buildbot try`: an image author's uncommitted change to the flavour file is what gets built,
and the image never goes beyond the experimental channel."""
import json
import os
import subprocess
import urllib.request

from smartos_sim import pkgrepo
from tests.e2e.service import BIN, TRY_PASSWORD, properties, run

IMAGE = "triton-origin-x86_64-24.4.1"
SUCCESS = 0


def test_try_patch_adding_a_package_is_built_and_not_published(service, tmp_path):
    pkgrepo.add_package(service.sim_root, "2024Q4", "x86_64", "jq-1.7.1", size_pkg=512_000)
    author = tmp_path / "checkout"
    run("git", "clone", "-q", service.repo_dir, str(author))
    flavours = author / "config" / "flavours.yaml"
    flavours.write_text(flavours.read_text().replace(
        "    origin_uuid: 41bd4100-eb86-409a-85b0-e649aadf6f62\n",
        "    origin_uuid: 41bd4100-eb86-409a-85b0-e649aadf6f62\n"
        "    packages: [coreutils, curl, gsed, patch, sudo, jq]\n"))
    tried = subprocess.run(
        [os.path.join(BIN, "buildbot"), "try", "--connect=pb",
         f"--master=127.0.0.1:{service.try_port}", "--username=author", f"--passwd={TRY_PASSWORD}",
         "--vc=git", "--branch=main", f"--builder={IMAGE}", "--wait"],
        cwd=author, capture_output=True, text=True, timeout=180)
    assert tried.returncode == 0, tried.stdout + tried.stderr

    admin = service.admin()
    [build] = admin.get(f"builders/{admin.builder_id(IMAGE)}/builds?property=*")["builds"]
    props = properties(build)
    assert build["results"] == SUCCESS, build["state_string"]
    assert props["scheduler"] == "try"
    assert props["channel"] == "experimental"
    assert props["image_version"] == f"1.0.0-try.{build['number']}"
    assert "jq" in props["packages"]
    assert any(name.startswith("jq-1.7.1") for name in props["installed_packages"])
    # Only the IMGAPI has an experimental channel; the local store (no channels) gets nothing.
    assert props["published_to"] == ["updates"]
    assert not os.path.exists(service.images_dir) or os.listdir(service.images_dir) == []
    listing = urllib.request.Request(f"{service.updates_url}/images?name={IMAGE}&channel=*",
                                     headers={"Accept-Version": "~2"})
    with urllib.request.urlopen(listing, timeout=30) as response:
        [image] = json.load(response)
    assert image["version"] == props["image_version"]
    assert image["channels"] == ["experimental"]
    assert service.sim_zones() == []
