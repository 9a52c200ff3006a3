"""The service on PostgreSQL instead of SQLite: what production runs, several masters included.

Runs when ORIGIN_CI_TEST_POSTGRES_URL names an empty database (`.ci/run` starts a local
PostgreSQL and sets it); without it there is no PostgreSQL here to test against.
"""
import json
import os

import pytest
import sqlalchemy as sa

from origin_ci.discovered import UPSTREAM_STATE_CLASS
from tests.e2e.conftest import TEST_FLAVOURS
from tests.e2e.service import Service, properties, wait_until

POSTGRES_URL = os.environ.get("ORIGIN_CI_TEST_POSTGRES_URL")
IMAGE = "triton-origin-x86_64-24.4.1"

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="ORIGIN_CI_TEST_POSTGRES_URL is not set")


@pytest.fixture(scope="module")
def service(tmp_path_factory, sim_template):
    running = Service(str(tmp_path_factory.mktemp("postgres")), TEST_FLAVOURS, sim_template,
                      master_settings={"db_url": POSTGRES_URL})
    try:
        yield running.start()
    finally:
        running.stop()


def test_a_build_and_poller_state_live_in_postgresql(service):
    wait_until(lambda: "upstream-origins: first poll, recorded" in service.master_log(), 30,
               "the upstream poller's first poll")
    admin = service.admin()
    build = admin.wait_build(admin.force(IMAGE))
    assert build["results"] == 0, build["state_string"]
    assert properties(build)["image_version"] == "1.0.0"
    engine = sa.create_engine(POSTGRES_URL)
    try:
        with engine.connect() as connection:
            builds = connection.execute(sa.text("SELECT count(*) FROM builds")).scalar()
            recorded = connection.execute(sa.text(
                "SELECT s.value_json FROM object_state s JOIN objects o ON s.objectid = o.id "
                "WHERE o.name = 'upstream-origins' AND o.class_name = :key AND s.name = 'known_origin_uuids'"),
                {"key": UPSTREAM_STATE_CLASS}).scalar()
    finally:
        engine.dispose()
    assert builds >= 1
    assert "41bd4100-eb86-409a-85b0-e649aadf6f62" in json.loads(recorded)
