"""The board reads the AFIS, the payer's notices and the transfers (pathways 0008): their writes raise the
board's version too (parcours.deadlines.cache.SOURCE_TABLES)."""

from django.db import migrations

from parcours.core import data_version

TABLES = ("pathways_afis", "pathways_notice", "pathways_transfer")
FUNCTION = "parcours_board_data_changed"


def create(apps, schema_editor):
    data_version.watch(schema_editor, FUNCTION, TABLES)


def drop(apps, schema_editor):
    data_version.unwatch(schema_editor, FUNCTION, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0003_watch_issue_14_tables"),
        ("pathways", "0008_afis_months_notices_permit_route_transfers"),
    ]

    operations = [migrations.RunPython(create, drop)]
