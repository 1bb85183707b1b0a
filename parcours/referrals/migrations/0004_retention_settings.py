"""Dated retention settings of detections (minors, adults): see parcours/referrals/rules.py and
docs/reperage.md. Values in years, to confirm against the CNIL reference frameworks."""

from datetime import date

from django.db import migrations

SETTINGS = [
    (
        "referrals.retention_minor_years",
        2,
        "CNIL, référentiel « protection de l'enfance et jeunes majeurs de moins de 21 ans » adopté le "
        "20 janvier 2022 — 2 ans après la dernière intervention, à confirmer",
    ),
    (
        "referrals.retention_adult_years",
        2,
        "CNIL, référentiel « secteur social et médico-social » (2021) — 2 ans après le dernier contact, "
        "à confirmer",
    ),
]


def seed(apps, schema_editor):
    RuleSetting = apps.get_model("core", "RuleSetting")
    for key, years, source in SETTINGS:
        RuleSetting.objects.get_or_create(
            key=key,
            effective_from=date(2022, 1, 20),
            defaults={"value": {"years": years}, "source": source, "confirmed": False},
        )


def unseed(apps, schema_editor):
    RuleSetting = apps.get_model("core", "RuleSetting")
    RuleSetting.objects.filter(key__in=[key for key, _, _ in SETTINGS], effective_from=date(2022, 1, 20)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("referrals", "0003_detection_search_tokens_and_contact_consent"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
