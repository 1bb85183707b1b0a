"""The audit journal sealed in the database itself, on both engines (docs/audit.md).

PostgreSQL: plain PL/pgSQL triggers refuse TRUNCATE (statement level), UPDATE and DELETE (row level, also
reached by INSERT ... ON CONFLICT DO UPDATE and MERGE), and a back-dated INSERT. They are written here
rather than with django-pgtrigger because pgtrigger's functions obey the session variable `pgtrigger.ignore`,
which any database user may set: a guard the application's own role can switch off is no guard (ADR 0008).

SQLite: REPLACE INTO and INSERT ... ON CONFLICT DO UPDATE delete or rewrite a row without firing the
DELETE/UPDATE triggers of migration 0002 (recursive_triggers is off): a BEFORE INSERT trigger refuses any
insert whose id is already taken, and another refuses a back-dated event.

Back-dating: an event's `at` may not be older than the database's clock minus 5 minutes (BACKDATING_SECONDS):
the application stamps `at` just before inserting, inside the transaction; 5 minutes absorbs waiting for a
lock and clock differences between the application and database hosts, and no more.
"""

from django.db import migrations

BACKDATING_SECONDS = 300

POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION parcours_refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'parcours: the audit journal is append-only (% refused on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE OR REPLACE FUNCTION parcours_refuse_backdated_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.at IS NULL OR NEW.at < clock_timestamp() - interval '{BACKDATING_SECONDS} seconds' THEN
        RAISE EXCEPTION 'parcours: an audit event cannot be back-dated'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER parcours_audit_no_truncate BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION parcours_refuse_audit_change();
CREATE TRIGGER parcours_audit_no_update_delete BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION parcours_refuse_audit_change();
CREATE TRIGGER parcours_audit_not_backdated BEFORE INSERT ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION parcours_refuse_backdated_audit();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS parcours_audit_no_truncate ON core_auditevent;
DROP TRIGGER IF EXISTS parcours_audit_no_update_delete ON core_auditevent;
DROP TRIGGER IF EXISTS parcours_audit_not_backdated ON core_auditevent;
DROP FUNCTION IF EXISTS parcours_refuse_audit_change();
DROP FUNCTION IF EXISTS parcours_refuse_backdated_audit();
"""

SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS audit_no_replace BEFORE INSERT ON core_auditevent "
    "WHEN EXISTS (SELECT 1 FROM core_auditevent WHERE id = NEW.id) "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
    "CREATE TRIGGER IF NOT EXISTS audit_not_backdated BEFORE INSERT ON core_auditevent "
    f"WHEN julianday(NEW.at) IS NULL OR julianday(NEW.at) < julianday('now') - {BACKDATING_SECONDS}.0 / 86400 "
    "BEGIN SELECT RAISE(ABORT, 'an audit event cannot be back-dated'); END;",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_no_replace;", "DROP TRIGGER IF EXISTS audit_not_backdated;"]


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
    dependencies = [("core", "0003_membership_confirmation_and_account_events")]
    operations = [migrations.RunPython(create, drop)]
