"""The agréments measure reads the listed départements (an agrément valid in several départements counts in
each): on PostgreSQL, a write to that table raises the indicators' data version too (parcours.stats.cache,
same trigger function as stats/0002)."""

from django.db import migrations

TABLE = "approvals_listeddepartement"
FUNCTION = "parcours_stats_data_changed"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE TRIGGER {FUNCTION} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{TABLE}" '
        f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP TRIGGER IF EXISTS {FUNCTION} ON "{TABLE}"')


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0006_multi_departement_and_complete_file"),
        ("stats", "0002_data_version"),
    ]

    operations = [migrations.RunPython(create, drop)]
