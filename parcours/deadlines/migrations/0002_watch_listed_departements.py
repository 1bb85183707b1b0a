"""The board reads the listed départements of multi-département agréments (approvals 0006): their writes
raise the board's version too (parcours.deadlines.cache.SOURCE_TABLES)."""

from django.db import migrations

from parcours.core import data_version

TABLES = ("approvals_listeddepartement",)
FUNCTION = "parcours_board_data_changed"


def create(apps, schema_editor):
    data_version.watch(schema_editor, FUNCTION, TABLES)


def drop(apps, schema_editor):
    data_version.unwatch(schema_editor, FUNCTION, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0001_board_version"),
        ("approvals", "0006_multi_departement_and_complete_file"),
    ]

    operations = [migrations.RunPython(create, drop)]
