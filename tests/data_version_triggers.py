"""The tables whose writes increase a cache's version, read from the database's own catalogue
(parcours.core.data_version): PostgreSQL's statement-level triggers, or SQLite's row-level ones (a table
counts when it has all three: INSERT, UPDATE and DELETE)."""

from __future__ import annotations

from collections import defaultdict

from django.db import connection

from parcours.core import data_version


def watched_tables(function: str) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = %s",
                [function],
            )
            return {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        rows = cursor.fetchall()
    events = defaultdict(set)
    for table, name in rows:
        for event in data_version.SQLITE_EVENTS:
            if name == data_version.sqlite_trigger_name(function, table, event):
                events[table].add(event)
    return {table for table, seen in events.items() if seen == set(data_version.SQLITE_EVENTS)}
