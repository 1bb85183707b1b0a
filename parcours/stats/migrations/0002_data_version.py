"""The version of the indicators' data, increased by PostgreSQL at every write to the tables they read
(parcours.stats.cache). On SQLite, row-level triggers do the same (parcours.core.data_version)."""

from django.db import migrations, models

from parcours.core import data_version

# Frozen copy of parcours.stats.cache.SOURCE_TABLES at this migration.
TABLES = (
    "actions_clientcoursesession",
    "actions_establishment",
    "actions_outreachround",
    "actions_preventionaction",
    "actions_preventionaction_establishments",
    "actions_training",
    "approvals_agrement",
    "commission_convocation",
    "commission_meeting",
    "commission_prefectdecision",
    "core_organisation",
    "pathways_afis",
    "pathways_pathway",
    "pathways_period",
    "pathways_request",
    "pathways_residencepermit",
    "people_person",
    "referrals_detection",
    "referrals_protectionreport",
    "referrals_referral",
)
FUNCTION = "parcours_stats_data_changed"


def create(apps, schema_editor):
    apps.get_model("stats", "DataVersion").objects.create(pk=1, version=0)
    data_version.create_function(schema_editor, FUNCTION, "stats_dataversion")
    data_version.watch(schema_editor, FUNCTION, TABLES)


def drop(apps, schema_editor):
    data_version.unwatch(schema_editor, FUNCTION, TABLES)
    data_version.drop_function(schema_editor, FUNCTION)


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0001_exports_and_annual_report"),
        ("actions", "0001_outreach_prevention_trainings_courses"),
        ("approvals", "0005_encrypt_document_file_names"),
        ("commission", "0010_coordination_of_minors_pathways"),
        ("core", "0006_audit_departement_date_index"),
        ("pathways", "0007_request_departement"),
        ("people", "0004_fill_person_search_tokens"),
        ("referrals", "0006_detection_no_transmission_justified"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "version des données des indicateurs"},
        ),
        migrations.RunPython(create, drop),
    ]
