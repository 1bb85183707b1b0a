"""The embedded default (SQLite) holds concurrent requests that read then write (a page and its audit event).

Two transactions on one SQLite file, each reading then writing, as two page loads of a person's file do
(select the person, insert the audit event, in the request's transaction). With SQLite's default deferred
transactions, the second one's write fails at once with "database is locked"; with the settings' options
(WAL, immediate transactions, busy timeout) it waits for the first and both succeed. The speed under 16
clients is measured by bench/bench_concurrency.py, not here.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.db import connection
from django.db.utils import ConnectionHandler

from config.settings import base


def _handler(path) -> ConnectionHandler:
    """A SQLite file with the options the settings give the embedded default."""
    database = base.for_a_team({"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)})
    return ConnectionHandler({"default": database})


def _read_then_write(handler, name, before_write: threading.Event, after_read: threading.Event, errors):
    conn = handler["default"]
    try:
        conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        with conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM page_load")
            after_read.set()
            before_write.wait(timeout=1)  # the other one reads meanwhile, unless it waits for our lock
            cursor.execute("INSERT INTO page_load (name) VALUES (%s)", [name])
        conn.commit()
    except Exception as exc:  # noqa: BLE001 (the failure is the finding)
        errors.append(str(exc))
        conn.rollback()
    finally:
        conn.set_autocommit(True)
        conn.close()


def test_two_page_loads_that_read_then_write_both_succeed(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():  # our own SQLite file, not the test database
        _two_page_loads(_handler(tmp_path / "equipe.sqlite3"))


def _two_page_loads(handler):
    setup = handler["default"]
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE page_load (id INTEGER PRIMARY KEY, name TEXT)")
    setup.close()

    first_read, second_read, errors = threading.Event(), threading.Event(), []
    first = threading.Thread(target=_read_then_write, args=(handler, "a", second_read, first_read, errors))
    first.start()
    first_read.wait(timeout=10)
    second = threading.Thread(
        target=_read_then_write, args=(handler, "b", threading.Event(), second_read, errors)
    )
    second.start()
    first.join()
    second.join()

    assert errors == []
    check = handler["default"]
    with check.cursor() as cursor:
        cursor.execute("SELECT name FROM page_load ORDER BY name")
        assert [row[0] for row in cursor.fetchall()] == ["a", "b"]
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    check.close()


def test_the_test_settings_on_sqlite_use_the_same_options():
    if connection.vendor == "sqlite":
        options = settings.DATABASES["default"]["OPTIONS"]
        assert options["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in options["init_command"]
