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


def drop_keys(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'core_auditevent'::regclass "
            "AND contype = 'f' AND conparentid = 0"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'ALTER TABLE core_auditevent DROP CONSTRAINT "{name}"')


def add_keys(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for field, target in FIELDS.items():
            table = target.replace(".", "_")
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
