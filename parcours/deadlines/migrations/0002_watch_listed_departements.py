"""The board reads the listed départements of multi-département agréments (approvals 0006): their writes
raise the board's version too (parcours.deadlines.cache.SOURCE_TABLES)."""

from django.db import migrations

TABLES = ("approvals_listeddepartement",)
FUNCTION = "parcours_board_data_changed"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f'CREATE TRIGGER {FUNCTION} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS {FUNCTION} ON "{table}"')


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0001_board_version"),
        ("approvals", "0006_multi_departement_and_complete_file"),
    ]

    operations = [migrations.RunPython(create, drop)]
