"""Dated settings of the appeals app, to confirm against the texts: see parcours/appeals/rules.py and
docs/recours.md. Effective from 1 January 2016 (the CRPA came into force), so that every date has a value."""

from datetime import date

from django.db import migrations

EFFECTIVE = date(2016, 1, 1)
SETTINGS = [
    (
        "appeals.observations_days",
        {"days": 15},
        "CRPA art. L. 122-1 (« délai suffisant », sans nombre de jours) — 15 jours, pratique des préfectures, "
        "à confirmer",
    ),
    (
        "appeals.commission_opinion_required",
        {"required": True},
        "CASF art. R. 121-12-10 (fin du parcours après avis de la commission) ; arrêt de l'AFIS : art. "
        "D. 121-12-14 et suivants — à confirmer",
    ),
    (
        "appeals.silence_rule",
        {"rule": "L. 231-4"},
        "CRPA art. L. 231-1 (silence vaut acceptation) ou L. 231-4 (rejet : demande à caractère financier, "
        "AFIS) — à confirmer",
    ),
]


def seed(apps, schema_editor):
    RuleSetting = apps.get_model("core", "RuleSetting")
    for key, value, source in SETTINGS:
        RuleSetting.objects.get_or_create(
            key=key, effective_from=EFFECTIVE, defaults={"value": value, "source": source, "confirmed": False}
        )


def unseed(apps, schema_editor):
    RuleSetting = apps.get_model("core", "RuleSetting")
    RuleSetting.objects.filter(key__in=[key for key, _, _ in SETTINGS], effective_from=EFFECTIVE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_audit_departement_date_index"),
        ("appeals", "0001_appeals_and_procedures"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
