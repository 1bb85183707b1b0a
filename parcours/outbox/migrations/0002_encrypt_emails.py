"""Outgoing e-mails' subject and body (a name, a link's token) encrypted with the field keys."""

from django.db import migrations

from parcours.core.maintenance import encrypt_columns_in_place

import parcours.core.crypto


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
        encrypt_columns_in_place(COLUMNS),
    ]
