"""The audit journal and frozen documents resist raw SQL on both databases (finding 8).

Every attack is the SQL someone holding the application's database connection could type. SQLite runs by
default; PostgreSQL with CI=true PARCOURS_TEST_DB=... (see the common brief). Each attack runs in a
savepoint, so that a refused statement leaves the test's transaction usable.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from parcours.core import audit
from parcours.core.models import AuditEvent
from parcours.documents import services as documents
from parcours.documents.models import GeneratedDocument

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
GRANTS = Path(settings.BASE_DIR) / "docs" / "postgresql-droits.sql"


@pytest.fixture
def event(departement):
    return audit.record(None, "view", detail="fiche personne", departement=departement)


@pytest.fixture
def frozen(actors):
    return documents.create_document(
        actor=actors["secretariat"],
        kind="documents.courrier",
        context={"objet": "Essai", "corps": "Texte", "destinataire": {"nom": "Madame Essai"}},
        title="Courrier",
        freeze=True,
    )


def execute(*statements, params=None):
    """Run statements in a savepoint (rolled back if one of them is refused)."""
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, params if "%s" in sql else None)


def forged_copy(table: str, pk: int, name: str, changes: str):
    """A temporary table holding a copy of one row with `changes` applied (robust to new columns)."""
    execute(
        f"CREATE TEMP TABLE {name} AS SELECT * FROM {table} WHERE id = %s",  # noqa: S608
        f"UPDATE {name} SET {changes}",  # noqa: S608
        params=[pk],
    )


def audit_row(pk: int):
    with connection.cursor() as cursor:
        cursor.execute("SELECT at, detail, action FROM core_auditevent WHERE id = %s", [pk])
        return cursor.fetchone()


def document_row(pk: int):
    with connection.cursor() as cursor:
        cursor.execute("SELECT title, sha256, state FROM documents_generateddocument WHERE id = %s", [pk])
        return cursor.fetchone()


# --- Both databases ---


def test_an_upsert_cannot_rewrite_an_audit_event(event):
    before = audit_row(event.pk)
    forged_copy("core_auditevent", event.pk, "forged_event", "detail = 'réécrit'")
    # On PostgreSQL the journal is partitioned by month (ADR 0017): its primary key is (id, at).
    target = "(id, at)" if connection.vendor == "postgresql" else "(id)"
    with pytest.raises(DatabaseError, match="append-only"):
        execute(
            "INSERT INTO core_auditevent SELECT * FROM forged_event WHERE true "
            f"ON CONFLICT {target} DO UPDATE SET detail = excluded.detail"
        )
    assert audit_row(event.pk) == before
    # Nor a second row with the same id at another date.
    forged_copy(
        "core_auditevent",
        event.pk,
        "forged_later",
        "at = at + interval '1 day'"
        if (connection.vendor == "postgresql")
        else "at = datetime(at, '+1 day')",
    )
    with pytest.raises(DatabaseError, match="append-only"):
        execute("INSERT INTO core_auditevent SELECT * FROM forged_later")


def test_an_upsert_cannot_rewrite_a_frozen_document(frozen):
    before = document_row(frozen.pk)
    forged_copy("documents_generateddocument", frozen.pk, "forged_doc", f"sha256 = '{'0' * 64}'")
    with pytest.raises(DatabaseError, match="immutable|replaced"):
        execute(
            "INSERT INTO documents_generateddocument SELECT * FROM forged_doc WHERE true "
            "ON CONFLICT (id) DO UPDATE SET sha256 = excluded.sha256"
        )
    assert document_row(frozen.pk) == before


@pytest.mark.parametrize("age", [timedelta(minutes=10), timedelta(days=400)])
def test_a_back_dated_audit_event_is_refused(event, age):
    forged_copy(
        "core_auditevent",
        event.pk,
        "backdated",
        f"id = id + 100000, at = '{(timezone.now() - age).isoformat()}'",
    )
    with pytest.raises(DatabaseError, match="back-dated"):
        execute("INSERT INTO core_auditevent SELECT * FROM backdated")
    assert AuditEvent.objects.count() == 1


def test_the_application_s_own_writes_still_work(departement):
    # An event stamped a moment ago (the time between stamping and inserting) is accepted.
    AuditEvent.objects.create(
        at=timezone.now() - timedelta(minutes=1), action="view", departement=departement
    )
    audit.record(None, "view", detail="fiche", departement=departement)
    assert AuditEvent.objects.count() == 2


# --- SQLite: REPLACE deletes the old row without firing the DELETE trigger ---


@sqlite_only
def test_replace_into_cannot_rewrite_an_audit_event_on_sqlite(event):
    before = audit_row(event.pk)
    forged_copy("core_auditevent", event.pk, "forged_event", "detail = 'réécrit'")
    with pytest.raises(DatabaseError, match="append-only"):
        execute("REPLACE INTO core_auditevent SELECT * FROM forged_event")
    assert audit_row(event.pk) == before


@sqlite_only
@pytest.mark.parametrize("same", ["id", "public_id"])
def test_replace_into_cannot_rewrite_a_frozen_document_on_sqlite(frozen, same):
    before = document_row(frozen.pk)
    changes = f"sha256 = '{'0' * 64}', title = 'Faux'"
    if same == "public_id":  # a new row that takes the frozen one's public id: REPLACE deletes the old one
        changes += ", id = id + 100000"
    forged_copy("documents_generateddocument", frozen.pk, "forged_doc", changes)
    with pytest.raises(DatabaseError, match="replaced"):
        execute("REPLACE INTO documents_generateddocument SELECT * FROM forged_doc")
    assert document_row(frozen.pk) == before
    assert GeneratedDocument.objects.count() == 1


# --- PostgreSQL: TRUNCATE, pgtrigger's escape hatch, and the application's role ---


@postgresql_only
@pytest.mark.parametrize("table", ["core_auditevent", "documents_generateddocument"])
def test_truncate_is_refused_on_postgresql(event, frozen, table):
    execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's pending foreign-key checks would refuse it first
    with pytest.raises(DatabaseError, match="append-only|immutable"):
        execute(f"TRUNCATE {table} CASCADE")
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert GeneratedDocument.objects.filter(pk=frozen.pk).exists()


@postgresql_only
def test_pgtrigger_ignore_does_not_unseal_the_journal_on_postgresql(event, frozen):
    """django-pgtrigger's triggers step aside when the session variable `pgtrigger.ignore` names them;
    any database user may set it. The sealing triggers have no such escape hatch."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'pgtrigger_%%'")
        names = ",".join(row[0] for row in cursor.fetchall())
    with pytest.raises(DatabaseError, match="append-only"):
        execute(
            f"SET LOCAL pgtrigger.ignore = '{{{names}}}'",
            "UPDATE core_auditevent SET detail = 'réécrit'",
        )
    with pytest.raises(DatabaseError, match="immutable"):
        execute(
            f"SET LOCAL pgtrigger.ignore = '{{{names}}}'",
            "DELETE FROM documents_generateddocument",
        )
    assert audit_row(event.pk)[1] == "fiche personne"
    assert document_row(frozen.pk)[2] == "frozen"


@postgresql_only
def test_the_application_role_can_neither_truncate_nor_drop_nor_disable_the_triggers(event, frozen):
    """The documented grants (docs/postgresql-droits.sql) give the serving role rows, not the schema."""
    app_role = f"parcours_app_{connection.settings_dict['NAME']}"[:60]
    execute(f'CREATE ROLE "{app_role}" NOLOGIN', GRANTS.read_text().replace("parcours_app", f'"{app_role}"'))

    def as_app(*statements):
        try:
            execute(f'SET LOCAL ROLE "{app_role}"', *statements)
        finally:
            execute("RESET ROLE")

    # What the application does keeps working under this role.
    count = AuditEvent.objects.count()
    as_app(
        "INSERT INTO core_auditevent (at, role, action, object_type, object_id, detail) "
        "VALUES (now(), '', 'view', '', '', 'en tant qu''application')"
    )
    attacks = {
        "TRUNCATE core_auditevent": "permission denied",
        "TRUNCATE documents_generateddocument CASCADE": "permission denied",
        "UPDATE core_auditevent SET detail = 'x'": "permission denied",
        "DELETE FROM core_auditevent": "permission denied",
        "DROP TRIGGER parcours_audit_no_truncate ON core_auditevent": "must be owner",
        "ALTER TABLE core_auditevent DISABLE TRIGGER ALL": "must be owner",
        "ALTER TABLE documents_generateddocument DISABLE TRIGGER parcours_generated_document_frozen": (
            "must be owner"
        ),
        "CREATE OR REPLACE FUNCTION parcours_refuse_audit_change() RETURNS trigger LANGUAGE plpgsql "
        "AS 'BEGIN RETURN NEW; END'": "must be owner|permission denied for schema",
        "SET session_replication_role = replica": "permission denied",
        "DELETE FROM documents_generateddocument": "immutable",
    }
    execute("SET CONSTRAINTS ALL IMMEDIATE")
    for sql, refusal in attacks.items():
        with pytest.raises(DatabaseError, match=refusal):
            as_app(sql)
    assert audit_row(event.pk)[1] == "fiche personne"
    assert AuditEvent.objects.count() == count + 1
    assert document_row(frozen.pk)[2] == "frozen"
