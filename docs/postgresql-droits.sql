-- Privileges of the application's PostgreSQL role (docs/audit.md, "Deux rôles en production").
-- Run as the OWNER role (parcours_owner, which ran `manage.py migrate` and owns every table, trigger and
-- function) after every migration:  psql "$DATABASE_OWNER_URL" -f docs/postgresql-droits.sql
-- The application serves with parcours_app: it reads and writes rows, but owns nothing, so it can neither
-- drop nor disable a trigger, nor replace a trigger function; it has no TRUNCATE right anywhere, and no
-- UPDATE or DELETE right on the audit journal.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO parcours_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO parcours_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO parcours_app;
REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM parcours_app;
REVOKE UPDATE, DELETE ON core_auditevent FROM parcours_app;
-- The audit journal's monthly partitions (migration core/0008, ADR 0017): the rows are written through the
-- partitioned tables; no direct UPDATE, DELETE or TRUNCATE on a partition either.
DO $$
DECLARE part regclass;
BEGIN
    FOR part IN SELECT inhrelid::regclass FROM pg_inherits
        WHERE inhparent IN ('core_auditevent'::regclass, 'core_auditlink'::regclass)
    LOOP
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %s FROM parcours_app', part);
    END LOOP;
END $$;
REVOKE UPDATE, DELETE ON core_auditlink, core_auditseal, core_auditanchor FROM parcours_app;
-- The registries of the ids in use (migration core/0009): inserted by the journal's trigger, never removed
-- but by `purge_audit` (owner role) with their month.
REVOKE UPDATE, DELETE ON core_auditevent_ids, core_auditlink_ids FROM parcours_app;
