"""Flavours discovered by the upstream poller, read from Buildbot's database at config time.

The poller keeps them in its state (table `object_state`), which every master sharing the
database sees; master.cfg runs synchronously, so it reads that row with SQLAlchemy directly.
"""
import json
import os

import sqlalchemy as sa

from origin_ci.upstream import Release

UPSTREAM_POLLER_NAME = "upstream-origins"
UPSTREAM_STATE_CLASS = "triton-origin-ci/upstream-origins"
DISCOVERED_KEY = "discovered"


SQLITE_PREFIX = "sqlite:///"


def sqlite_path(db_url, basedir):
    """The file of an SQLite URL (Buildbot resolves relative ones against the master's basedir)."""
    return os.path.join(os.path.abspath(basedir), db_url[len(SQLITE_PREFIX):])


def read_discovered(db_url, basedir):
    """Releases the upstream poller recorded; none for a new or unreachable database."""
    if db_url.startswith(SQLITE_PREFIX):
        path = sqlite_path(db_url, basedir)
        if not os.path.exists(path):
            return []  # connecting would create an empty database that Buildbot then refuses
        db_url = SQLITE_PREFIX + path
    engine = sa.create_engine(db_url)
    query = sa.text(
        "SELECT s.value_json FROM object_state s JOIN objects o ON s.objectid = o.id "
        "WHERE o.name = :name AND o.class_name = :class_name AND s.name = :key")
    try:
        with engine.connect() as connection:
            row = connection.execute(query, {"name": UPSTREAM_POLLER_NAME,
                                             "class_name": UPSTREAM_STATE_CLASS,
                                             "key": DISCOVERED_KEY}).first()
    except sa.exc.SQLAlchemyError:
        return []
    finally:
        engine.dispose()
    return [Release(**entry) for entry in json.loads(row[0])] if row else []
