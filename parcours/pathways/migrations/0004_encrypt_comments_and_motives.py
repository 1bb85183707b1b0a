"""Free text about a person's file (secretariat's comment, commission's motive, timeline motives) encrypted.

The columns stay text: only the state changes (no table rebuild on SQLite)."""

from django.db import migrations

from parcours.core.maintenance import encrypt_columns_in_place

import parcours.core.crypto


COLUMNS = [
    ("pathways_pathwayevent", "motive"),
    ("pathways_request", "check_comment"),
    ("pathways_request", "opinion_motive"),
]


class Migration(migrations.Migration):
    dependencies = [("pathways", "0003_period_may_end_on_its_first_day")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="pathwayevent",
                    name="motive",
                    field=parcours.core.crypto.EncryptedTextField(blank=True, verbose_name="motif"),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="request",
                    name="check_comment",
                    field=parcours.core.crypto.EncryptedTextField(
                        blank=True, verbose_name="commentaire du secrétariat"
                    ),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="request",
                    name="opinion_motive",
                    field=parcours.core.crypto.EncryptedTextField(blank=True, verbose_name="motif de l'avis"),
                ),
            ],
        ),
        encrypt_columns_in_place(COLUMNS),
    ]
