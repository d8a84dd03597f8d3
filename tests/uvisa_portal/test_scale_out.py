"""Scale-out: nothing the portal does needs a PostgreSQL session to itself, so it runs unchanged
through PgBouncer in transaction mode (where each transaction may get another server
connection) and with any number of web and worker processes against one database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

from agencies.models import County
from tests.role_pages import read_every_roles_pages
from tests.security.canary import seed_canary_request

ROOT = Path(__file__).resolve().parents[2]

# The parameters PgBouncer keeps per client and sets again on whichever server connection the
# client's next transaction gets (they are reported to the client whenever they change).
POOLER_TRACKED_SETTINGS = {
    "client_encoding",
    "DateStyle",
    "TimeZone",
    "standard_conforming_strings",
    "application_name",
}


def _database_settings_with(**env: str) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'], default=str))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "uvisa_portal.settings", **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_postgresql_runs_without_server_side_cursors_directly_and_through_the_pooler():
    for url in ("postgres://portal@db:5432/portal", "postgres://portal@pgbouncer:6432/portal"):
        database = _database_settings_with(DATABASE_URL=url)
        assert database["DISABLE_SERVER_SIDE_CURSORS"] is True, url
        assert database["CONN_MAX_AGE"] == 60, url


def test_conn_max_age_comes_from_the_environment():
    database = _database_settings_with(
        DATABASE_URL="postgres://portal@pgbouncer:6432/portal", CONN_MAX_AGE="0"
    )
    assert database["CONN_MAX_AGE"] == 0


def test_an_iterator_keeps_no_cursor_open_on_the_server_between_its_chunks(db):
    for fips, name in enumerate(("Aitkin", "Anoka", "Becker", "Beltrami", "Benton"), start=1):
        County.objects.create(name=name, fips=f"27{fips:03}")
    expected = list(County.objects.order_by("pk"))
    rows = County.objects.order_by("pk").iterator(chunk_size=2)
    first = next(rows)
    if connection.vendor == "postgresql":
        # A server-side cursor would stay open here, between two chunks, on this one server
        # connection: through a transaction pool the next chunk may be asked of another.
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM pg_cursors")
            assert cursor.fetchone() == (0,)
    assert [first, *rows] == expected


def _session_state() -> dict[str, list]:
    """What this PostgreSQL session holds that a transaction pool would not carry over."""
    queries = {
        "prepared statements": "SELECT name FROM pg_prepared_statements",
        "advisory locks": (
            "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        ),
        "listened channels": "SELECT * FROM pg_listening_channels()",
        "temporary tables": "SELECT relname FROM pg_class WHERE relnamespace = pg_my_temp_schema()",
        "settings set in the session": "SELECT name FROM pg_settings WHERE source = 'session'",
    }
    state = {}
    with connection.cursor() as cursor:
        for what, sql in queries.items():
            cursor.execute(sql)
            state[what] = sorted(row[0] for row in cursor.fetchall())
    return state


def test_every_roles_pages_leave_nothing_on_the_database_session(client, personas):
    """Each role signs in and reads its pages; afterwards the session holds no prepared
    statement, advisory lock, LISTEN, temporary table or setting the pooler does not track.
    (On SQLite nothing of the kind exists; the pages must still answer.)"""
    cert_request, _, _ = seed_canary_request(personas)
    read_every_roles_pages(client, personas, cert_request)
    assert client.get("/healthz").status_code == 200

    if connection.vendor == "postgresql":
        state = _session_state()
        settings_set = set(state.pop("settings set in the session"))
        assert settings_set <= POOLER_TRACKED_SETTINGS
        assert state == {
            "prepared statements": [],
            "advisory locks": [],
            "listened channels": [],
            "temporary tables": [],
        }
