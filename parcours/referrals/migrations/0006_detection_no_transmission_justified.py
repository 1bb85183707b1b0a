"""A minor's detection says in clear whether its absence of transmission was justified, so that the board
selects the detections awaiting a transmission in SQL (its reason stays encrypted).

The historical model decrypts the reasons recorded before (its field is the encrypted field of
parcours.core.crypto): only minors' detections can have one. Reversing drops the column.
"""

from django.db import migrations, models

BATCH_SIZE = 500


def fill(apps, schema_editor):
    Detection = apps.get_model("referrals", "Detection")
    detections = Detection.objects.filter(is_minor=True).only("pk", "no_transmission_reason")
    justified = [d.pk for d in detections.order_by("pk").iterator(chunk_size=BATCH_SIZE) if d.no_transmission_reason]
    for start in range(0, len(justified), BATCH_SIZE):
        Detection.objects.filter(pk__in=justified[start : start + BATCH_SIZE]).update(
            no_transmission_justified=True
        )


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0005_referral_withdrawal"),
    ]

    operations = [
        migrations.AddField(
            model_name="detection",
            name="no_transmission_justified",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="absence de transmission justifiée"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
