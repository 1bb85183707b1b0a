"""Outgoing e-mails' subject and body (a name, a link's token) encrypted with the field keys."""

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


COLUMNS = [("outbox_outgoingemail", "subject"), ("outbox_outgoingemail", "body")]


class Migration(migrations.Migration):
    dependencies = [("outbox", "0001_outgoing_emails")]

    operations = [
        migrations.AlterField(
            model_name="outgoingemail",
            name="subject",
            field=parcours.core.crypto.EncryptedTextField(verbose_name="objet"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="outgoingemail",
                    name="body",
                    field=parcours.core.crypto.EncryptedTextField(verbose_name="texte"),
                ),
            ],
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
