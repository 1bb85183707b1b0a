"""The version of the « À traiter » board's data, increased by PostgreSQL at every write to the tables it
reads (parcours.deadlines.cache). On SQLite, row-level triggers do the same
(parcours.core.data_version)."""

from django.db import migrations, models

from parcours.core import data_version

# Frozen copy of parcours.deadlines.cache.SOURCE_TABLES at this migration.
TABLES = (
    "approvals_agrement",
    "approvals_agrementapplication",
    "commission_agendaitem",
    "commission_arrete",
    "commission_convocation",
    "commission_letter",
    "commission_mandate",
    "commission_meeting",
    "commission_planaction",
    "commission_prefectdecision",
    "commission_seat",
    "commission_situation",
    "conventions_objective",
    "conventions_strategy",
    "conventions_strategyaction",
    "core_alert",
    "core_departement",
    "core_membership",
    "core_organisation",
    "core_rulesetting",
    "core_user",
    "diagnostic_campaign",
    "diagnostic_participant",
    "documents_generateddocument",
    "pathways_endreport",
    "pathways_pathway",
    "pathways_period",
    "pathways_request",
    "pathways_residencepermit",
    "people_person",
    "referrals_detection",
    "referrals_protectionreport",
    "referrals_referral",
)
FUNCTION = "parcours_board_data_changed"


def create(apps, schema_editor):
    apps.get_model("deadlines", "BoardVersion").objects.create(pk=1, version=0)
    data_version.create_function(schema_editor, FUNCTION, "deadlines_boardversion")
    data_version.watch(schema_editor, FUNCTION, TABLES)


def drop(apps, schema_editor):
    data_version.unwatch(schema_editor, FUNCTION, TABLES)
    data_version.drop_function(schema_editor, FUNCTION)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("approvals", "0005_encrypt_document_file_names"),
        ("commission", "0010_coordination_of_minors_pathways"),
        ("conventions", "0001_conventions_and_strategy"),
        ("core", "0006_audit_departement_date_index"),
        ("diagnostic", "0007_frozen_report"),
        ("documents", "0005_letterhead"),
        ("pathways", "0007_request_departement"),
        ("people", "0004_fill_person_search_tokens"),
        ("referrals", "0006_detection_no_transmission_justified"),
    ]

    operations = [
        migrations.CreateModel(
            name="BoardVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "version des données du tableau « À traiter »"},
        ),
        migrations.RunPython(create, drop),
    ]
