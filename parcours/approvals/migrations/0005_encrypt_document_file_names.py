"""The uploaded file's original name (it may name someone) encrypted with the field keys."""

from django.db import migrations

from parcours.core.maintenance import encrypt_columns_in_place

import parcours.core.crypto


COLUMNS = [("approvals_applicationdocument", "original_name")]


class Migration(migrations.Migration):
    dependencies = [("approvals", "0004_applications_for_existing_agrements")]

    operations = [
        migrations.AlterField(
            model_name="applicationdocument",
            name="original_name",
            field=parcours.core.crypto.EncryptedTextField(verbose_name="nom du fichier"),
        ),
        encrypt_columns_in_place(COLUMNS),
    ]
