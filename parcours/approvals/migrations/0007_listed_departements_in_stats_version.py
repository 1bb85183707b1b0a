"""The agréments measure reads the listed départements (an agrément valid in several départements counts in
each): on PostgreSQL, a write to that table raises the indicators' data version too (parcours.stats.cache,
same trigger function as stats/0002)."""

from django.db import migrations

from parcours.core import data_version

TABLE = "approvals_listeddepartement"
FUNCTION = "parcours_stats_data_changed"


def create(apps, schema_editor):
    data_version.watch(schema_editor, FUNCTION, [TABLE])


def drop(apps, schema_editor):
    data_version.unwatch(schema_editor, FUNCTION, [TABLE])


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0006_multi_departement_and_complete_file"),
        ("stats", "0002_data_version"),
    ]

    operations = [migrations.RunPython(create, drop)]
