"""The national list of detection indicators, from the national plan against the prostitution of minors
(15 November 2021, axis 2 « repérer et signaler ») and DOMAIN.md. A département adds its own beside it."""

from django.db import migrations

NATIONAL_INDICATORS = [
    ("fugues", "Fugues répétées"),
    ("argent", "Argent, vêtements ou téléphone sans explication"),
    ("petit-ami", "« Petit ami » plus âgé ou entourage nouveau plus âgé"),
    ("annonces", "Annonces ou contacts en ligne à caractère sexuel"),
    ("hotels", "Nuits à l'hôtel ou en location meublée de courte durée"),
    ("decrochage", "Décrochage scolaire ou de formation"),
    ("sante-sexuelle", "Consultations répétées en santé sexuelle"),
    ("entourage", "Changement soudain d'entourage"),
    ("absences", "Absences inexpliquées, rentrées tardives"),
    ("substances", "Consommation de produits"),
]


def seed(apps, schema_editor):
    Indicator = apps.get_model("referrals", "DetectionIndicator")
    for order, (code, label) in enumerate(NATIONAL_INDICATORS, start=1):
        Indicator.objects.get_or_create(departement=None, code=code, defaults={"label": label, "order": order})


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
