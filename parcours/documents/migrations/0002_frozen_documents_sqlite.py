"""On SQLite (embedded default), the same guarantee as the PostgreSQL trigger: a frozen document never changes."""

from django.db import migrations

TRIGGERS = [
    ("generated_document_frozen_no_update", "UPDATE"),
    ("generated_document_frozen_no_delete", "DELETE"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, operation in TRIGGERS:
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {operation} ON documents_generateddocument "
            "WHEN OLD.state = 'frozen' "
            "BEGIN SELECT RAISE(ABORT, 'frozen documents are immutable'); END;"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, _ in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_templates_and_generated_documents")]
    operations = [migrations.RunPython(create, drop)]
