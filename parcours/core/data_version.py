"""Pages cached until the records they are computed from change: one version number per cache, increased by
PostgreSQL in the same transaction as any statement that writes a table the pages read.

A one-row table holds the version (a model built on `DataVersionRow`); a PL/pgSQL function increases it and a
statement-level trigger calls the function after every INSERT, UPDATE, DELETE or TRUNCATE of each watched
table, whatever wrote (a service, a bulk update, an import, raw SQL). A page cached under a version is valid
exactly as long as the version has not changed.

Used by the « À traiter » board (parcours.deadlines.cache) and the indicators (parcours.stats.cache). Their
migrations create the function and the triggers with `create_function`, `watch`, `unwatch` and
`drop_function`, each a no-op outside PostgreSQL.

On the embedded SQLite, row-level triggers do the same (`watch_on_sqlite`: one trigger per watched table and
per INSERT, UPDATE and DELETE, each increasing the version in the writer's transaction). Django rebuilds a
SQLite table to alter it (a new table copied then renamed: its triggers are lost), so they are not created by
a migration but after every `migrate` (the `post_migrate` signal, each cache's app), where missing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from django.db import models

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


def _postgresql(schema_editor, *names: str) -> bool:
    """Whether to run the SQL (PostgreSQL only); the names go into it as identifiers, so they must be plain
    ones (the migrations' constants)."""
    for name in names:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"not a plain SQL identifier: {name!r}")
    return schema_editor.connection.vendor == "postgresql"


def create_function(schema_editor, function: str, version_table: str) -> None:
    """The trigger function that increases the version held in `version_table`."""
    if _postgresql(schema_editor, function, version_table):
        body = f"BEGIN UPDATE {version_table} SET version = version + 1 WHERE id = 1; RETURN NULL; END;"  # noqa: S608 (checked identifiers)
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$"
        )


def drop_function(schema_editor, function: str) -> None:
    if _postgresql(schema_editor, function):
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}()")


def watch(schema_editor, function: str, tables: Iterable[str]) -> None:
    """A write to any of `tables` increases the version (a trigger named after the function on each)."""
    tables = tuple(tables)
    if _postgresql(schema_editor, function, *tables):
        for table in tables:
            schema_editor.execute(
                f'CREATE TRIGGER {function} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
                f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )


def unwatch(schema_editor, function: str, tables: Iterable[str]) -> None:
    tables = tuple(tables)
    if _postgresql(schema_editor, function, *tables):
        for table in tables:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS {function} ON "{table}"')


SQLITE_EVENTS = ("INSERT", "UPDATE", "DELETE")


def sqlite_trigger_name(version_table: str, table: str, event: str) -> str:
    return f"parcours_v__{version_table}__{table}__{event.lower()}"


def watch_on_sqlite(conn, version_model: type[DataVersionRow], tables: Iterable[str]) -> None:
    """On SQLite, the triggers that increase `version_model`'s version at every write to `tables`, created
    where missing (idempotent; tables not created yet are skipped). A no-op on other databases."""
    if conn.vendor != "sqlite":
        return
    version_table = version_model._meta.db_table
    existing = set(conn.introspection.table_names())
    if version_table not in existing:
        return
    names = (version_table, *tables)
    for name in names:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"not a plain SQL identifier: {name!r}")
    with conn.cursor() as cursor:
        for table in tables:
            if table not in existing:
                continue
            for event in SQLITE_EVENTS:
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {sqlite_trigger_name(version_table, table, event)} "  # noqa: S608 (checked identifiers)
                    f'AFTER {event} ON "{table}" BEGIN '
                    f'UPDATE "{version_table}" SET version = version + 1 WHERE id = 1; END'
                )
