"""The audit trail: every read of a person is recorded, nothing can rewrite it, and it holds no identity."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.core import audit
from parcours.core.models import AuditAction, AuditEvent
from parcours.people.models import Person

pytestmark = pytest.mark.django_db


def test_viewing_a_person_page_writes_an_audit_event(clients, actors, person):
    worker = actors["association_worker"]
    before = AuditEvent.objects.count()

    response = clients["association_worker"].get(f"/personnes/{person.public_id}/")

    assert response.status_code == 200
    event = AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(person.public_id)).get()
    assert AuditEvent.objects.count() == before + 1
    assert event.user == worker.user
    assert event.role == "association_worker"
    assert event.organisation == worker.organisation
    assert event.departement == worker.departement
    assert event.object_type == "people.person"


def test_secretariat_view_is_recorded_with_its_own_role(clients, actors, person):
    clients["secretariat"].get(f"/personnes/{person.public_id}/")
    event = AuditEvent.objects.get(action=AuditAction.VIEW, object_id=str(person.public_id))
    assert (event.user, event.role, event.organisation) == (
        actors["secretariat"].user,
        "secretariat",
        actors["secretariat"].organisation,
    )


def test_a_refused_access_to_another_association_s_person_leaves_no_view_event_but_a_refusal(
    clients, other_association, actors
):
    from tests.factories import PersonFactory

    stranger = PersonFactory(organisation=other_association, created_by=actors["secretariat"].user)
    response = clients["association_worker"].get(f"/personnes/{stranger.public_id}/")
    assert response.status_code == 404
    events = AuditEvent.objects.filter(object_id=str(stranger.public_id))
    assert list(events.values_list("action", flat=True)) == ["refused"]


# --- Append-only ---


@pytest.fixture
def event(actors, person):
    return audit.record(actors["association_worker"], "view", person, detail="fiche personne")


def test_model_refuses_to_update_an_existing_event(event):
    event.detail = "réécrit"
    with pytest.raises(ValidationError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).detail == "fiche personne"


def test_model_refuses_to_delete_an_event(event):
    with pytest.raises(ValidationError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_an_account_organisation_or_departement_named_by_the_journal_cannot_be_deleted(actors, event):
    """The journal's references are kept by the application (PROTECT), without a key of the database
    (migration 0010): deleting what an event names is refused and changes nothing."""
    from django.db.models import ProtectedError

    actor = actors["association_worker"]
    for obj in (actor.user, actor.organisation, actor.departement):
        with pytest.raises(ProtectedError) as refused, transaction.atomic():
            obj.delete()
        assert type(obj).objects.filter(pk=obj.pk).exists()
        assert any(isinstance(o, AuditEvent) for o in refused.value.protected_objects)
    assert AuditEvent.objects.filter(pk=event.pk, user=actor.user).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps its table (migration 0010)")
def test_the_journal_keys_are_not_database_constraints():
    """No key check (with its row locks) at each commit of a page that journals its rows; the other
    tables keep theirs."""
    with connection.cursor() as cursor:
        keys = connection.introspection.get_constraints(cursor, AuditEvent._meta.db_table)
        links = connection.introspection.get_constraints(cursor, "core_membership")
    assert not [name for name, c in keys.items() if c["foreign_key"]]
    assert [name for name, c in links.items() if c["foreign_key"]]


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditevent SET detail = 'réécrit' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ],
)
def test_database_refuses_raw_update_and_delete(event, sql):
    """Enforced by the database itself: SQLite triggers (migration 0002) or pgtrigger on PostgreSQL."""
    with pytest.raises(DatabaseError):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).detail == "fiche personne"


def test_queryset_bulk_update_and_delete_are_refused_by_the_database(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(detail="réécrit")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).detail == "fiche personne"


def test_inserting_remains_possible_after_a_refused_rewrite(actors, person, event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
    audit.record(actors["secretariat"], "view", person)
    assert AuditEvent.objects.count() >= 2


# --- No identity in the audit trail nor in the logs ---

NAME, FIRST_NAME, ALIAS = "Vantablanc", "Ismérie", "Corvinelle"


def test_no_identity_reaches_audit_rows_or_logs(clients, actors, caplog):
    caplog.set_level(logging.DEBUG)
    worker = clients["association_worker"]
    response = worker.post(
        "/personnes/nouvelle/",
        {
            "last_name": NAME,
            "first_name": FIRST_NAME,
            "usual_name": "",
            "birth_date": "1991-06-02",
            "sex": "F",
            "nationality": "sildavienne",
            "nationality_group": "non_eu",
            "languages": "",
            "phone": "06 19 28 37 46",
            "email": "",
            "address": "",
            "housing": "emergency",
            "resources": "none",
            "health_coverage": "ame",
            "administrative_status": "undocumented",
            "children": "0",
            "situation_notes": "",
            "accompaniment_consent_on": "2024-05-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get()
    assert person.last_name == NAME
    worker.post(f"/personnes/{person.public_id}/alias/", {"kind": "alias", "name": ALIAS})
    assert person.aliases.get().name == ALIAS

    for client, url, params in [
        (worker, f"/personnes/{person.public_id}/", None),
        (worker, "/personnes/", {"nom": NAME, "naissance": "1991-06-02"}),
        (worker, "/personnes/", {"nom": ALIAS}),
        (clients["secretariat"], "/personnes/", {"nom": NAME.lower()}),
        (clients["secretariat"], f"/personnes/{person.public_id}/", None),
    ]:
        response = client.get(url) if params is None else client.post(url, params)
        assert response.status_code == 200
        assert person.pseudonym in response.content.decode()

    rows = [" ".join(str(v) for v in row) for row in AuditEvent.objects.values_list()]
    assert any(str(person.public_id) in row for row in rows)
    searches = AuditEvent.objects.filter(action=AuditAction.SEARCH)
    assert searches.count() == 4  # the three searches and the duplicate check at creation (an oracle too)
    assert searches.filter(detail__startswith="contrôle des doublons").count() == 1
    log_text = caplog.text + " ".join(str(r.args) for r in caplog.records)
    for needle in (NAME, FIRST_NAME, ALIAS, "06 19 28 37 46", "1991-06-02", "sildavienne"):
        assert not any(needle.lower() in row.lower() for row in rows), needle
        assert needle.lower() not in log_text.lower(), needle


def test_the_journal_page_pages_without_counting_the_journal(clients, actors):
    """The journal grows with every page viewed: its page reads one more row than it shows to know whether a
    next page exists, and never counts the whole journal."""
    secretariat = actors["secretariat"]
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                departement=secretariat.departement,
                user=secretariat.user,
                role="secretariat",
                organisation=secretariat.organisation,
                action=AuditAction.SEARCH,
                detail=f"événement {n}",
            )
            for n in range(60)
        ]
    )
    client = clients["secretariat"]
    with CaptureQueriesContext(connection) as queries:
        first = client.get(reverse("core:audit"), {"action": "search"})
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    page = first.content.decode()
    assert page.count("<tr><td") == 50
    assert "Page suivante" in page and "Page précédente" not in page and "Dernière page" not in page
    second = client.get(reverse("core:audit"), {"action": "search", "page": 2}).content.decode()
    assert second.count("<tr><td") == 10
    assert "Page suivante" not in second and "Page précédente" in second
    # A page number out of range or malformed is not an error.
    assert client.get(reverse("core:audit"), {"page": "x"}).status_code == 200
    far = client.get(reverse("core:audit"), {"action": "search", "page": 99}).content.decode()
    assert "Aucun événement." in far


def test_a_list_page_writes_one_view_event_per_person_it_shows_and_nothing_else(clients, actors):
    """The people list's rows are audited in one statement (record_many: unnested arrays on PostgreSQL,
    bulk_create elsewhere): one event per person shown, with the reader's role, organisation and
    département, the person's opaque id and the list's name, as a single read would write."""
    from tests.factories import PersonFactory

    secretariat = actors["secretariat"]
    shown = [
        PersonFactory(organisation=actors["association_worker"].organisation, created_by=secretariat.user)
        for _ in range(3)
    ]
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    response = clients["secretariat"].get("/personnes/")

    assert response.status_code == 200
    written = AuditEvent.objects.exclude(pk__in=before)
    views = written.filter(action=AuditAction.VIEW)
    assert sorted(views.values_list("object_id", flat=True)) == sorted(str(p.public_id) for p in shown)
    assert {
        (e.user_id, e.role, e.organisation_id, e.departement_id, e.object_type, e.detail) for e in views
    } == {
        (
            secretariat.user.pk,
            "secretariat",
            secretariat.organisation.pk,
            secretariat.departement.pk,
            "people.person",
            "liste des personnes",
        )
    }
    assert audit.record_many(secretariat, "view", []) is None
    assert written.count() == views.count()
