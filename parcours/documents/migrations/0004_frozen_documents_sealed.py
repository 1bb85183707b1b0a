"""Frozen documents sealed in the database itself, on both engines (docs/documents.md, docs/audit.md).

PostgreSQL: plain PL/pgSQL triggers (not django-pgtrigger, whose functions obey the session variable
`pgtrigger.ignore` that any database user may set: ADR 0008) refuse TRUNCATE of the table, and UPDATE or
DELETE of a frozen row (also reached by INSERT ... ON CONFLICT DO UPDATE and MERGE).

SQLite: REPLACE INTO deletes the conflicting row without firing the DELETE trigger of migration 0002
(recursive_triggers is off), then inserts a new row: a frozen document and its SHA-256 could be rewritten.
A BEFORE INSERT trigger refuses any insert whose id or public id is already taken.
"""

from django.db import migrations

POSTGRESQL = """
CREATE OR REPLACE FUNCTION parcours_refuse_frozen_document_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'parcours: frozen documents are immutable (% refused on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER parcours_generated_document_no_truncate BEFORE TRUNCATE ON documents_generateddocument
    FOR EACH STATEMENT EXECUTE FUNCTION parcours_refuse_frozen_document_change();
CREATE TRIGGER parcours_generated_document_frozen BEFORE UPDATE OR DELETE ON documents_generateddocument
    FOR EACH ROW WHEN (OLD.state = 'frozen') EXECUTE FUNCTION parcours_refuse_frozen_document_change();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS parcours_generated_document_no_truncate ON documents_generateddocument;
DROP TRIGGER IF EXISTS parcours_generated_document_frozen ON documents_generateddocument;
DROP FUNCTION IF EXISTS parcours_refuse_frozen_document_change();
"""

SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS generated_document_no_replace BEFORE INSERT ON documents_generateddocument "
    "WHEN EXISTS (SELECT 1 FROM documents_generateddocument WHERE id = NEW.id OR public_id = NEW.public_id) "
    "BEGIN SELECT RAISE(ABORT, 'a generated document cannot be replaced'); END;",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS generated_document_no_replace;"]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_encrypt_generated_html_and_files")]
    operations = [migrations.RunPython(create, drop)]
