"""The journal's refusal of a reused id (0008) looked for the id in every month table for every inserted
event: a list that journals 25 people probed the index of each month (150 on a ten-year synthetic country;
15.9 ms of PostgreSQL per display of the pathway list, 5.8 ms without the probe). PostgreSQL has no index
across the months of a partitioned table; a registry of the ids in use, one table with a unique key, is: each
inserted event (each link) registers its id there, and an id already registered — an upsert, a forged copy
at another date — is refused by the registry's key, whose name says why. One index insert per event,
whatever the number of months. The application's role may only insert there (docs/postgresql-droits.sql);
`purge_audit`, run by the owner, removes the ids of the months it drops. PostgreSQL only: SQLite's journal is
one table whose own key refuses a reused id (0004)."""

from django.db import migrations

TABLES = {"core_auditevent": "id", "core_auditlink": "position"}

FORWARDS = """
CREATE TABLE {table}_ids ({pk} bigint CONSTRAINT "{table}_append-only_id_already_used" PRIMARY KEY);
INSERT INTO {table}_ids ({pk}) SELECT {pk} FROM {table};
CREATE OR REPLACE FUNCTION parcours_refuse_reused_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A reused id breaks the registry's key: « duplicate key … "{table}_append-only_id_already_used" ».
    INSERT INTO {table}_ids ({pk}) VALUES (NEW.{pk});
    RETURN NEW;
END;
$$;
"""

BACKWARDS = """
CREATE OR REPLACE FUNCTION parcours_refuse_reused_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM {table} WHERE {pk} = NEW.{pk}) THEN
        RAISE EXCEPTION 'parcours: the audit journal is append-only (%% reuses an id on %%)', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;
DROP TABLE {table}_ids;
"""


def _run(schema_editor, template: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table, pk in TABLES.items():
            cursor.execute(template.format(table=table, pk=pk).replace("%%", "%"))


def forwards(apps, schema_editor):
    _run(schema_editor, FORWARDS)


def backwards(apps, schema_editor):
    _run(schema_editor, BACKWARDS)


class Migration(migrations.Migration):
    dependencies = [("core", "0008_audit_monthly_partitions_and_anchors")]

    operations = [migrations.RunPython(forwards, backwards)]
