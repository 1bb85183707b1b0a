"""Pages cached until the records they are computed from change: one version number per cache, increased by
PostgreSQL in the same transaction as any statement that writes a table the pages read.

A one-row table holds the version (a model built on `DataVersionRow`); a PL/pgSQL function increases it and a
statement-level trigger calls the function after every INSERT, UPDATE, DELETE or TRUNCATE of each watched
table, whatever wrote (a service, a bulk update, an import, raw SQL). A page cached under a version is valid
exactly as long as the version has not changed.

Used by the « À traiter » board (parcours.deadlines.cache) and the indicators (parcours.stats.cache). Their
migrations create the function and the triggers with `create_function`, `watch`, `unwatch` and
`drop_function`, each a no-op outside PostgreSQL.

On the embedded SQLite, row-level triggers do the same: one per watched table and per INSERT, UPDATE and
DELETE, named after the function, each increasing the version in the writer's transaction; `watch`,
`unwatch` and `drop_function` create and drop them in the migrations as on PostgreSQL. Django rebuilds a
SQLite table to alter it (a new table copied then renamed: its triggers are lost), so each cache's app also
puts back the missing ones after every `migrate` (`watch_after_migrate`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from django.db import connections, models
from django.db.models.signals import post_migrate

from .sql_shapes import fixed_shape


class DataVersionRow(models.Model):
    """One row (pk 1): the number the triggers increase."""

    version = models.BigIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"version {self.version}"


def current_version(model: type[DataVersionRow], seconds: int) -> int | None:
    """The version (one query); None where nothing is cached: a cache time of 0 seconds, or no version row
    (a database emptied by `flush`)."""
    if not seconds:
        return None
    return fixed_shape(model.objects.values_list("version", flat=True).filter(pk=1)).first()


def cache_key(prefix: str, version: int, *parts) -> str:
    """A cache key: the version first, then everything the page depends on, hashed under `prefix`."""
    digest = hashlib.sha256(repr((version, *parts)).encode()).hexdigest()
    return f"{prefix}:{digest}"


# --- For migrations --------------------------------------------------------------------------------------

# The version table each trigger function increases (the migrations' FUNCTION constants). SQLite has no
# trigger functions: its triggers are named after the function and write this table themselves.
VERSION_TABLES = {
    "parcours_board_data_changed": "deadlines_boardversion",
    "parcours_stats_data_changed": "stats_dataversion",
}
SQLITE_EVENTS = ("INSERT", "UPDATE", "DELETE")


def _checked(*names: str) -> None:
    """The names go into the SQL as identifiers, so they must be plain ones (the migrations' constants)."""
    for name in names:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"not a plain SQL identifier: {name!r}")


def _postgresql(schema_editor, *names: str) -> bool:
    """Whether to run the PostgreSQL SQL."""
    _checked(*names)
    return schema_editor.connection.vendor == "postgresql"


def _sqlite(schema_editor, *names: str) -> bool:
    _checked(*names)
    return schema_editor.connection.vendor == "sqlite"


def create_function(schema_editor, function: str, version_table: str) -> None:
    """The trigger function that increases the version held in `version_table` (PostgreSQL)."""
    if _postgresql(schema_editor, function, version_table):
        body = f"BEGIN UPDATE {version_table} SET version = version + 1 WHERE id = 1; RETURN NULL; END;"  # noqa: S608 (checked identifiers)
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$"
        )


def drop_function(schema_editor, function: str) -> None:
    """The function and, on SQLite, every trigger named after it (none may outlive its version table)."""
    if _postgresql(schema_editor, function):
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}()")
    elif _sqlite(schema_editor, function):
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            names = [row[0] for row in cursor.fetchall() if row[0].startswith(f"{function}__")]
        for name in names:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


def watch(schema_editor, function: str, tables: Iterable[str]) -> None:
    """A write to any of `tables` increases the version (a trigger named after the function on each)."""
    tables = tuple(tables)
    if _postgresql(schema_editor, function, *tables):
        for table in tables:
            schema_editor.execute(
                f'CREATE TRIGGER {function} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
                f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
    elif _sqlite(schema_editor, function, *tables):
        for sql in _sqlite_watch_sql(schema_editor.connection, function, tables):
            schema_editor.execute(sql)


def unwatch(schema_editor, function: str, tables: Iterable[str]) -> None:
    tables = tuple(tables)
    if _postgresql(schema_editor, function, *tables):
        for table in tables:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS {function} ON "{table}"')
    elif _sqlite(schema_editor, function, *tables):
        for table in tables:
            for event in SQLITE_EVENTS:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {sqlite_trigger_name(function, table, event)}")


def sqlite_trigger_name(function: str, table: str, event: str) -> str:
    return f"{function}__{table}__{event.lower()}"


def _sqlite_watch_sql(conn, function: str, tables: tuple[str, ...]) -> list[str]:
    """SQLite's row-level triggers for `function` on `tables`, where missing: one per INSERT, UPDATE and
    DELETE, each increasing the version in the writer's transaction. Tables not created yet are skipped;
    nothing without the version table."""
    version_table = VERSION_TABLES[function]
    _checked(function, version_table, *tables)
    existing = set(conn.introspection.table_names())
    if version_table not in existing:
        return []
    return [
        f"CREATE TRIGGER IF NOT EXISTS {sqlite_trigger_name(function, table, event)} "  # noqa: S608 (checked identifiers)
        f'AFTER {event} ON "{table}" '
        f'BEGIN UPDATE "{version_table}" SET version = version + 1 WHERE id = 1; END'
        for table in tables
        if table in existing
        for event in SQLITE_EVENTS
    ]


def watch_on_sqlite(conn, function: str, tables: Iterable[str]) -> None:
    """The SQLite triggers of `function` on `tables`, where missing. Django alters a SQLite table by copying
    it into a new one, which loses its triggers: this puts them back. A no-op on other databases."""
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        for sql in _sqlite_watch_sql(conn, function, tuple(tables)):
            cursor.execute(sql)


def watch_after_migrate(app_config, function: str, tables: Iterable[str]) -> None:
    """From the cache's app `ready()`: after every `migrate`, `watch_on_sqlite` on the migrated database."""
    tables = tuple(tables)

    def receiver(sender, using, **kwargs) -> None:
        watch_on_sqlite(connections[using], function, tables)

    post_migrate.connect(receiver, sender=app_config, weak=False, dispatch_uid=f"{function}.watch_on_sqlite")
