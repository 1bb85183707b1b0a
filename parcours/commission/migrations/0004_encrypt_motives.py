"""Free-text motives about a person's request (commission opinion, prefect's refusal) encrypted.

The column stays text: only the state changes (no table rebuild on SQLite)."""

from django.db import migrations

import parcours.core.crypto


def encrypt(apps, schema_editor):
    from parcours.core.maintenance import encrypt_column

    for table, column in COLUMNS:
        encrypt_column(schema_editor.connection, table, column)


def decrypt(apps, schema_editor):
    from parcours.core.maintenance import decrypt_column

    for table, column in COLUMNS:
        decrypt_column(schema_editor.connection, table, column)


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
        migrations.RunPython(encrypt, decrypt),
    ]
