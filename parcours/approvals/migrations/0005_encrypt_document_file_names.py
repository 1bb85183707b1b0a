"""The uploaded file's original name (it may name someone) encrypted with the field keys."""

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


COLUMNS = [("approvals_applicationdocument", "original_name")]


class Migration(migrations.Migration):
    dependencies = [("approvals", "0004_applications_for_existing_agrements")]

    operations = [
        migrations.AlterField(
            model_name="applicationdocument",
            name="original_name",
            field=parcours.core.crypto.EncryptedTextField(verbose_name="nom du fichier"),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
