"""Maintenance writes on rows the database itself keeps immutable (frozen documents): key rotation and the
migrations that encrypt a column in place change the stored token, never the value.

`suspended_triggers` lifts the table's own triggers for the length of the caller's transaction and puts them
back, identical, before it commits: on PostgreSQL `ALTER TABLE ... DISABLE/ENABLE TRIGGER USER` (the table
is locked ACCESS EXCLUSIVE until the commit, so no other session writes meanwhile; it needs the owner role,
the one that runs migrations); on SQLite each trigger's own `CREATE TRIGGER` text is read from sqlite_master,
dropped, then executed again (SQLite's DDL is transactional and the write lock is held). If anything fails,
the transaction rolls back and the triggers were never gone.
"""

from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def suspended_triggers(connection, table: str):
    if not connection.in_atomic_block:
        raise RuntimeError("suspended_triggers needs a transaction (transaction.atomic).")
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if not has_triggers(connection, table):
            yield
        elif connection.vendor == "postgresql":
            # ALTER TABLE refuses to run with deferred foreign-key checks pending (rows written earlier in the
            # transaction): they are run now, then deferred again as Django declares them.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {quoted} DISABLE TRIGGER USER")
            yield
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {quoted} ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s ORDER BY name",
                [table],
            )
            triggers = cursor.fetchall()
            for name, _ in triggers:
                cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
            yield
            for _, sql in triggers:
                cursor.execute(sql)
        else:  # pragma: no cover (only PostgreSQL and SQLite are supported)
            raise RuntimeError(f"Base de données non prise en charge : {connection.vendor}")


def has_triggers(connection, table: str) -> bool:
    """True if `table` has triggers of its own (not the internal ones of foreign keys)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT 1 FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal LIMIT 1",
                [connection.ops.quote_name(table)],
            )
        else:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
        return cursor.fetchone() is not None


def _is_token(value: str) -> bool:
    from .crypto import fernet

    try:
        fernet().decrypt(value.encode("ascii"))
    except Exception:  # noqa: BLE001 (anything that does not decrypt is a clear value)
        return False
    return True


def encrypt_column(connection, table: str, column: str) -> int:
    """Encrypt in place the clear values of a column that became an Encrypted*Field (a data migration).

    Raw SQL, so that the historical model's field (which would decrypt) is not involved; values that are
    already tokens are left alone, so the migration can run twice. Returns the number of values encrypted."""
    from .crypto import encrypt_str

    return _rewrite_column(connection, table, column, lambda v: None if _is_token(v) else encrypt_str(v))


def decrypt_column(connection, table: str, column: str) -> int:
    """The reverse of `encrypt_column` (migrating backwards)."""
    from .crypto import decrypt_str

    return _rewrite_column(connection, table, column, lambda v: decrypt_str(v) if _is_token(v) else None)


def _rewrite_column(connection, table: str, column: str, change) -> int:
    quote = connection.ops.quote_name
    count = 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, {quote(column)} FROM {quote(table)} "  # noqa: S608
            f"WHERE {quote(column)} IS NOT NULL AND {quote(column)} <> ''"
        )
        rows = cursor.fetchall()
        updates = [(new, pk) for pk, value in rows if (new := change(value)) is not None]
        if updates:
            cursor.executemany(
                f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s",  # noqa: S608
                updates,
            )
            count = len(updates)
    return count


def encrypt_columns_in_place(columns: list[tuple[str, str]]):
    """The migration operation that encrypts each (table, column) in place, and decrypts it when reversed
    (one definition for every app's "encrypt this column" migration)."""
    from django.db import migrations

    def encrypt(apps, schema_editor):
        for table, column in columns:
            encrypt_column(schema_editor.connection, table, column)

    def decrypt(apps, schema_editor):
        for table, column in columns:
            decrypt_column(schema_editor.connection, table, column)

    return migrations.RunPython(encrypt, decrypt)
