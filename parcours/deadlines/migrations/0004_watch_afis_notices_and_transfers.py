"""The board reads the AFIS, the payer's notices and the transfers (pathways 0008): their writes raise the
board's version too (parcours.deadlines.cache.SOURCE_TABLES)."""

from django.db import migrations

TABLES = ("pathways_afis", "pathways_notice", "pathways_transfer")
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
        ("deadlines", "0003_watch_issue_14_tables"),
        ("pathways", "0008_afis_months_notices_permit_route_transfers"),
    ]

    operations = [migrations.RunPython(create, drop)]
