"""Seed the dated AFIS scale (amounts still to confirm, DOMAIN.md) so that it can be corrected without code."""

from datetime import date

from django.db import migrations

SCALE = [
    (date(2017, 4, 15), "330.00", "102.00", "Décret n° 2017-542 du 13 avril 2017, art. D. 121-12-16 CASF", False),
    (date(2022, 7, 1), "343.20", "106.08", "Décret n° 2022-1340 (revalorisation de 4 % au 1er juillet 2022) — à confirmer", False),
]


def seed(apps, schema_editor):
    RuleSetting = apps.get_model("core", "RuleSetting")
    for effective_from, base, per_child, source, confirmed in SCALE:
        RuleSetting.objects.get_or_create(
            key="afis_scale", effective_from=effective_from,
            defaults={"value": {"base": base, "per_child": per_child}, "source": source, "confirmed": confirmed},
        )


def unseed(apps, schema_editor):
    apps.get_model("core", "RuleSetting").objects.filter(key="afis_scale").delete()


class Migration(migrations.Migration):
    dependencies = [("pathways", "0001_initial"), ("core", "0002_audit_append_only_sqlite")]
    operations = [migrations.RunPython(seed, unseed)]
