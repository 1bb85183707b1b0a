"""Free-text motives about a person's request (commission opinion, prefect's refusal) encrypted.

The column stays text: only the state changes (no table rebuild on SQLite)."""

from django.db import migrations

from parcours.core.maintenance import encrypt_columns_in_place

import parcours.core.crypto


COLUMNS = [("commission_agendaitem", "motive"), ("commission_prefectdecision", "motive")]


class Migration(migrations.Migration):
    dependencies = [("commission", "0003_agenda_items_for_agrement_applications")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="agendaitem",
                    name="motive",
                    field=parcours.core.crypto.EncryptedTextField(blank=True, verbose_name="motif"),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="prefectdecision",
                    name="motive",
                    field=parcours.core.crypto.EncryptedTextField(blank=True, verbose_name="motifs (refus)"),
                ),
            ],
        ),
        encrypt_columns_in_place(COLUMNS),
    ]
