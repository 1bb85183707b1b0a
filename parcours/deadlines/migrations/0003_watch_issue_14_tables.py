"""The board reads the appeals and procedures (appeals), the attestations of engagement (attestations) and
the written consultations' ballots (commission 0011): their writes raise the board's version too
(parcours.deadlines.cache.SOURCE_TABLES)."""

from django.db import migrations

from parcours.core import data_version

TABLES = ("appeals_appeal", "appeals_procedure", "attestations_attestation", "commission_ballot")
FUNCTION = "parcours_board_data_changed"


def create(apps, schema_editor):
    data_version.watch(schema_editor, FUNCTION, TABLES)


def drop(apps, schema_editor):
    data_version.unwatch(schema_editor, FUNCTION, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0002_watch_listed_departements"),
        ("appeals", "0002_rule_settings"),
        ("attestations", "0001_attestations_of_engagement"),
        ("commission", "0011_quorum_votes_written_consultation"),
    ]

    operations = [migrations.RunPython(create, drop)]
