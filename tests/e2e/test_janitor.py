"""A worker killed mid-build: the janitor leaves running builds' zones alone, reaps the dead build's
zone once the worker is back, and the build Buildbot retries then succeeds."""
import os

import pytest

from tests.e2e.service import Service, properties, wait_until

SUCCESS = 0
IMAGE = "triton-origin-x86_64-24.4.1"
JANITOR = "janitor-local-sim"
FLAVOURS = """
flavours:
  - origin_name: minimal-64-lts
    origin_version: 24.4.1
    origin_uuid: 41bd4100-eb86-409a-85b0-e649aadf6f62
"""


@pytest.fixture(scope="module")
def service(tmp_path_factory, sim_template):
    # Slow installs, so that a build is surely in the middle of one when its worker dies.
    running = Service(str(tmp_path_factory.mktemp("janitor")), FLAVOURS, sim_template,
                      worker_env={"SMARTOS_SIM_SLOW_SECONDS": "1"})
    try:
        yield running.start()
    finally:
        running.stop()


def janitor_logs(admin):
    builds = admin.get(f"builds?builderid={admin.builder_id(JANITOR)}&complete=true")["builds"]
    return [admin.log_text(build, "reap orphan zones", "janitor") for build in builds]


def test_lost_worker_leaves_no_zone_once_back_and_running_builds_keep_theirs(service):
    admin = service.admin()
    request = admin.force(IMAGE)

    def installing():
        builds = admin.get(f"builds?buildrequestid={request}&property=vm_uuid")["builds"]
        if builds and "install packages" in admin.steps(builds[0]):
            return builds[0]
        return None
    build = wait_until(installing, 60, "the build to install packages")
    zone = properties(build)["vm_uuid"]
    assert zone in [uuid for uuid, *_ in service.sim_zones()]

    janitor = admin.wait_build(admin.force(JANITOR, scheduler="janitor"))
    assert janitor["results"] == SUCCESS, janitor["state_string"]
    log = admin.log_text(janitor, "reap orphan zones", "janitor")
    assert f"kept build zone {zone} (origin-build-{IMAGE}-{build['number']}): its build is running" in log
    assert zone in [uuid for uuid, *_ in service.sim_zones()]

    service.kill_worker()
    assert zone in [uuid for uuid, *_ in service.sim_zones()], "a dead worker deletes nothing"
    # what a build lost after its upload leaves on the master
    stale_upload = os.path.join(service.var_dir, "artifacts", IMAGE, str(build["number"]))
    os.makedirs(stale_upload, exist_ok=True)
    open(os.path.join(stale_upload, f"{IMAGE}-1.0.0.zfs.gz"), "wb").close()
    service.start_worker()  # at normal speed
    reaped = f"reaped orphan build zone {zone} (origin-build-{IMAGE}-{build['number']})"
    wait_until(lambda: any(reaped in text for text in janitor_logs(admin)), 60,
               "the janitor to reap the dead build's zone when the worker connects")
    assert zone not in [uuid for uuid, *_ in service.sim_zones()]
    wait_until(lambda: not os.path.exists(stale_upload), 30, "the janitor to remove the lost build's uploads")

    retried = admin.wait_build(request, timeout=180)
    assert retried["number"] != build["number"]
    assert retried["results"] == SUCCESS, retried["state_string"]
    assert service.sim_zones() == []
