"""The journal's three references (département, account, organisation) without a key constraint in the
database: the application's PROTECT keeps them (a deletion of a row that events name is refused by Django's
collector), the journal being append-only. The constraints checked, at each commit, every event's three keys
with a row lock (FOR KEY SHARE) on the referenced rows: a list page journals its 25 people, 75 checks, about
a third of PostgreSQL's time for the page (docs/audit.md).

PostgreSQL: the constraints are dropped, nothing else changes (no table rewritten, the indexes kept). SQLite
keeps its table as it is: altering a key there rebuilds the table, which would drop the journal's append-only
triggers (0004); the state alone changes."""

from django.db import migrations, models
import django.db.models.deletion

FIELDS = {"departement": "core.departement", "user": "core.user", "organisation": "core.organisation"}
TABLES = {"departement": "core_departement", "user": "core_user", "organisation": "core_organisation"}


def _constraints(cursor):
    cursor.execute(
        "SELECT conname, a.attname FROM pg_constraint c "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) "
        "WHERE c.conrelid = 'core_auditevent'::regclass AND c.contype = 'f' AND c.conparentid = 0"
    )
    return cursor.fetchall()


def drop_keys(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, _column in _constraints(cursor):
            cursor.execute(f'ALTER TABLE core_auditevent DROP CONSTRAINT "{name}"')


def add_keys(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for field, table in TABLES.items():
            cursor.execute(
                f'ALTER TABLE core_auditevent ADD CONSTRAINT "core_auditevent_{field}_id_fk_{table}_id" '
                f'FOREIGN KEY ("{field}_id") REFERENCES "{table}" ("id") DEFERRABLE INITIALLY DEFERRED'
            )


class Migration(migrations.Migration):
    dependencies = [("core", "0009_audit_ids_registered_once")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_keys, add_keys)],
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name=field,
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to=target,
                    ),
                )
                for field, target in FIELDS.items()
            ],
        )
    ]
