"""The board reads the rights requests (parcours.datarights.board): their writes raise the board's version
too (parcours.deadlines.cache.SOURCE_TABLES), as deadlines 0001 to 0004 do for the other tables."""

from django.db import migrations

from parcours.core import data_version

TABLES = ("datarights_rightsrequest",)
FUNCTION = "parcours_board_data_changed"


def create(apps, schema_editor):
    data_version.watch(schema_editor, FUNCTION, TABLES)


def drop(apps, schema_editor):
    data_version.unwatch(schema_editor, FUNCTION, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("datarights", "0001_rights_register_rectifications_notices_exports"),
        ("deadlines", "0004_watch_afis_notices_and_transfers"),
    ]

    operations = [migrations.RunPython(create, drop)]
