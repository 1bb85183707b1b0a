"""The audit journal split by month so that its purge drops whole months, never deletes rows (ADR 0017).

PostgreSQL: `core_auditevent` becomes a table partitioned by range of `at`, and `core_auditlink` one
partitioned by range of `event_at` (the event's date, copied on its link), one partition per month from the
oldest event to PARTITION_MONTHS_AHEAD months ahead, plus a default partition. The existing rows are copied
into the new tables (an INSERT: the refusing triggers do not fire), then the old tables are dropped. The
tables' own indexes, foreign keys, triggers (the append-only ones of 0001, 0004 and 0007) and their comments
are read from the catalogue before and created again, identical, on the partitioned tables; a unique index
that does not hold the partition key gets it (PostgreSQL requires it: `event_id` stays unique, an event having
one date). The identity columns become sequences owned by the new columns (partitioned tables cannot take an
identity column before PostgreSQL 17). Run by the owner role, like every migration.

SQLite (embedded default): no partitions; the link table is rebuilt by the schema operations above (which
drops its triggers), `event_at` is filled from the events, then the triggers of 0007 are created again.
The purge there is a maintenance transaction (parcours.core.audit_purge).

Anchors (`core_auditanchor`) are append-only like the seals.
"""

from __future__ import annotations

from datetime import UTC, date

import django.db.models.deletion
import django.utils.timezone
from psycopg import sql as psycopg_sql
from django.db import migrations, models

from parcours.core.partitions import PARTITION_MONTHS_AHEAD, PARTITIONED, add_months, create_partitions


def _catalogue(cursor, table: str) -> dict:
    """The table's own indexes, foreign keys, triggers and trigger comments, as SQL to run again."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
        "AND i.tablename = %s AND i.indexname NOT IN (SELECT conname FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'p')",
        [table, table],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
        "AND contype IN ('f', 'c')",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT tgname, pg_get_triggerdef(oid), obj_description(oid, 'pg_trigger') FROM pg_trigger "
        "WHERE tgrelid = %s::regclass AND NOT tgisinternal ORDER BY tgname",
        [table],
    )
    triggers = cursor.fetchall()
    return {"indexes": indexes, "constraints": constraints, "triggers": triggers}


def _partition(cursor, table: str, key: str, pk: str) -> None:
    old = f"{table}_unpartitioned"
    catalogue = _catalogue(cursor, table)
    cursor.execute(f'ALTER TABLE "{table}" RENAME TO "{old}"')
    cursor.execute(
        f'CREATE TABLE "{table}" (LIKE "{old}" INCLUDING DEFAULTS, PRIMARY KEY ("{pk}", "{key}")) '
        f'PARTITION BY RANGE ("{key}")'
    )
    cursor.execute(f'SELECT min("{key}"), max("{pk}") FROM "{old}"')
    oldest, highest = cursor.fetchone()
    today = django.utils.timezone.now().astimezone(UTC).date()
    start = oldest.astimezone(UTC) if oldest else today
    first = min(date(start.year, start.month, 1), date(today.year, today.month, 1))
    create_partitions(cursor, table, first, add_months(date(today.year, today.month, 1), PARTITION_MONTHS_AHEAD))
    cursor.execute(f'CREATE TABLE "{table}_default" PARTITION OF "{table}" DEFAULT')
    cursor.execute(f'INSERT INTO "{table}" SELECT * FROM "{old}"')
    cursor.execute(f'DROP TABLE "{old}"')
    cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'", [table])
    cursor.execute(f'ALTER TABLE "{table}" RENAME CONSTRAINT "{cursor.fetchone()[0]}" TO "{table}_pkey"')
    sequence = f"{table}_{pk}_seq"
    cursor.execute(f'CREATE SEQUENCE "{sequence}" AS bigint OWNED BY "{table}"."{pk}"')
    if highest:
        cursor.execute("SELECT setval(%s, %s)", [sequence, highest])
    cursor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{pk}" SET DEFAULT nextval(\'"{sequence}"\')')
    for _name, definition in catalogue["indexes"]:
        if definition.startswith("CREATE UNIQUE INDEX") and f"({key})" not in definition:
            definition = definition[: definition.rindex(")")] + f", {key})"
        cursor.execute(definition)
    for name, definition in catalogue["constraints"]:
        cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    for name, definition, comment in catalogue["triggers"]:
        cursor.execute(definition)
        if comment is not None:
            # A utility statement binds no parameter (server-side binding): the comment as a quoted literal.
            literal = psycopg_sql.Literal(comment).as_string(cursor.connection)
            cursor.execute(f'COMMENT ON TRIGGER "{name}" ON "{table}" IS {literal}')


REUSED_ID = """
CREATE OR REPLACE FUNCTION parcours_refuse_reused_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM {table} WHERE {pk} = NEW.{pk}) THEN
        RAISE EXCEPTION 'parcours: the audit journal is append-only (% reuses an id on %)', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER parcours_no_reused_id BEFORE INSERT ON {table}
    FOR EACH ROW EXECUTE FUNCTION parcours_refuse_reused_{table}();
"""


SQLITE_LINK_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS core_auditlink_no_update BEFORE UPDATE ON core_auditlink "
    "BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;",
    "CREATE TRIGGER IF NOT EXISTS core_auditlink_no_delete BEFORE DELETE ON core_auditlink "
    "BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;",
    "CREATE TRIGGER IF NOT EXISTS core_auditlink_no_replace BEFORE INSERT ON core_auditlink "
    "WHEN EXISTS (SELECT 1 FROM core_auditlink WHERE position = NEW.position) "
    "BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;",
]


def anchor_triggers(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE TRIGGER parcours_no_truncate BEFORE TRUNCATE ON core_auditanchor "
            "FOR EACH STATEMENT EXECUTE FUNCTION parcours_refuse_audit_change()"
        )
        schema_editor.execute(
            "CREATE TRIGGER parcours_no_update_delete BEFORE UPDATE OR DELETE ON core_auditanchor "
            "FOR EACH ROW EXECUTE FUNCTION parcours_refuse_audit_change()"
        )
    elif vendor == "sqlite":
        for operation in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER IF NOT EXISTS core_auditanchor_no_{operation.lower()} BEFORE {operation} "
                "ON core_auditanchor BEGIN SELECT RAISE(ABORT, 'the audit anchors are append-only'); END;"
            )
        schema_editor.execute(
            "CREATE TRIGGER IF NOT EXISTS core_auditanchor_no_replace BEFORE INSERT ON core_auditanchor "
            "WHEN EXISTS (SELECT 1 FROM core_auditanchor WHERE id = NEW.id) "
            "BEGIN SELECT RAISE(ABORT, 'the audit anchors are append-only'); END;"
        )


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The links first: their event_at is copied from the events' dates.
            cursor.execute(
                "ALTER TABLE core_auditlink DISABLE TRIGGER USER; "
                "UPDATE core_auditlink l SET event_at = e.at FROM core_auditevent e WHERE e.id = l.event_id; "
                "ALTER TABLE core_auditlink ENABLE TRIGGER USER;"
            )
            for table, (key, pk) in PARTITIONED.items():
                _partition(cursor, table, key, pk)
                # The primary key now holds the partition key: a row reusing an id with another date would
                # be a second row, not a conflict. Refused, as on SQLite (0004), so that an upsert or a forged
                # copy meets the same append-only refusal.
                cursor.execute(REUSED_ID.format(table=table, pk=pk))
        elif connection.vendor == "sqlite":
            for name in ("no_update", "no_delete", "no_replace"):
                cursor.execute(f"DROP TRIGGER IF EXISTS core_auditlink_{name}")
            cursor.execute(
                "UPDATE core_auditlink SET event_at = "
                "(SELECT at FROM core_auditevent WHERE core_auditevent.id = core_auditlink.event_id)"
            )
            for statement in SQLITE_LINK_TRIGGERS:
                cursor.execute(statement)
    anchor_triggers(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("core", "0007_audit_chain_and_seals")]

    operations = [
        migrations.AlterField(
            model_name="auditlink",
            name="event",
            field=models.OneToOneField(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="link",
                to="core.auditevent",
            ),
        ),
        migrations.AddField(
            model_name="auditlink",
            name="event_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="AuditAnchor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("purged_before", models.DateTimeField()),
                ("position", models.BigIntegerField()),
                ("previous_digest", models.CharField(max_length=64)),
                ("signature", models.CharField(max_length=128)),
                ("key_id", models.CharField(max_length=16)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "verbose_name": "ancre du journal d'audit",
                "ordering": ["position"],
                "constraints": [
                    models.UniqueConstraint(fields=("position",), name="audit_anchor_one_per_link")
                ],
            },
        ),
        migrations.AlterField(
            model_name="alert",
            name="kind",
            field=models.CharField(
                choices=[
                    ("sensitive_access", "Accès à un dossier sensible"),
                    ("shared_after_withdrawal", "Partage antérieur à un retrait de consentement"),
                    ("grant_requested", "Habilitation demandée"),
                    ("grant_confirmed", "Habilitation confirmée"),
                    ("grant_refused", "Habilitation refusée"),
                    ("reads_anomaly", "Lectures de dossiers inhabituelles"),
                    ("retention_report", "Durées de conservation appliquées"),
                ],
                max_length=40,
                verbose_name="type",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
