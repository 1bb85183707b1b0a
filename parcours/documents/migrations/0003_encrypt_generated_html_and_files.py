"""Generated documents' HTML encrypted with the field keys, and every stored file sealed (encrypted) on disk.

The column keeps its type (text): only the state changes, so SQLite does not rebuild the table (a rebuild
would drop the immutability triggers of migration 0002). Frozen rows are immutable for the application:
their HTML is encrypted with the table's triggers suspended inside this migration's transaction and restored,
identical, before it commits (parcours.core.maintenance.suspended_triggers); the test
tests/documents/test_encryption_at_rest.py checks a frozen document is still immutable afterwards.
"""

from pathlib import Path

from django.core.files.storage import default_storage
from django.db import migrations

import parcours.core.crypto

TABLE = "documents_generateddocument"


def encrypt_html(apps, schema_editor):
    from parcours.core.maintenance import encrypt_column, suspended_triggers

    with suspended_triggers(schema_editor.connection, TABLE):
        encrypt_column(schema_editor.connection, TABLE, "html")


def decrypt_html(apps, schema_editor):
    from parcours.core.maintenance import decrypt_column, suspended_triggers

    with suspended_triggers(schema_editor.connection, TABLE):
        decrypt_column(schema_editor.connection, TABLE, "html")


def seal_stored_files(apps, schema_editor):
    """Files stored before this version (uploads, frozen PDFs) were clear: seal them in place."""
    from parcours.core.storage import EncryptedFileSystemStorage, reseal_tree

    if isinstance(default_storage, EncryptedFileSystemStorage):  # another backend is left alone
        reseal_tree(Path(default_storage.location))


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_frozen_documents_sqlite"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="generateddocument",
                    name="html",
                    field=parcours.core.crypto.EncryptedTextField(verbose_name="contenu (HTML)"),
                ),
            ],
        ),
        migrations.RunPython(encrypt_html, decrypt_html),
        migrations.RunPython(seal_stored_files, migrations.RunPython.noop),
    ]
