"""The board reads the appeals and procedures (appeals), the attestations of engagement (attestations) and
the written consultations' ballots (commission 0011): their writes raise the board's version too
(parcours.deadlines.cache.SOURCE_TABLES)."""

from django.db import migrations

TABLES = ("appeals_appeal", "appeals_procedure", "attestations_attestation", "commission_ballot")
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
        ("deadlines", "0002_watch_listed_departements"),
        ("appeals", "0002_rule_settings"),
        ("attestations", "0001_attestations_of_engagement"),
        ("commission", "0011_quorum_votes_written_consultation"),
    ]

    operations = [migrations.RunPython(create, drop)]
