"""People pages over HTTP: creation through the form, who sees the identity, exact search, list paging,
sorting and query budgets."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parcours.core.models import AuditEvent
from parcours.people import services as people_services
from parcours.people.models import ConsentPurpose, Person
from tests.conftest import client_for
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

CODE = re.compile(r">(\d{2,3}-[A-Z0-9]{6})</a>")


def codes(response) -> list[str]:
    """Pseudonymous codes listed on a people page, in display order."""
    return CODE.findall(response.content.decode())


def person_form(**overrides) -> dict:
    data = {
        "last_name": "Dubreuilhac",
        "first_name": "Awa",
        "usual_name": "",
        "birth_date": "1998-06-02",
        "sex": "F",
        "nationality": "ivoirienne",
        "nationality_group": "non_eu",
        "languages": "français",
        "phone": "",
        "email": "",
        "address": "",
        "housing": "emergency",
        "resources": "none",
        "health_coverage": "ame",
        "administrative_status": "undocumented",
        "children": "0",
        "situation_notes": "",
        "accompaniment_consent_on": timezone.localdate().isoformat(),
    }
    data.update(overrides)
    return data


def letters(i: int) -> str:
    """A distinct letters-only suffix: blind indexes keep only the letters of a name."""
    out = ""
    for _ in range(3):
        i, r = divmod(i, 26)
        out += chr(ord("a") + r)
    return out


def make_people(association, actors, n: int) -> list[Person]:
    start = Person.objects.count()
    return [
        PersonFactory(
            organisation=association,
            created_by=actors["association_worker"].user,
            last_name=f"Kervadec{letters(start + i)}",
        )
        for i in range(n)
    ]


# --- Creation and detail ----------------------------------------------------------------------------------


def test_association_worker_creates_a_person_through_the_form(clients, association):
    client = clients["association_worker"]
    form_page = client.get(reverse("people:create"))
    assert form_page.status_code == 200
    assert "Nouvelle personne accompagnée" in form_page.content.decode()

    response = client.post(reverse("people:create"), person_form(), follow=True)

    person = Person.objects.get()
    assert response.redirect_chain[-1][0] == reverse("people:detail", args=[person.public_id])
    page = response.content.decode()
    assert "DUBREUILHAC Awa" in page
    assert f"Personne enregistrée sous le code {person.pseudonym}" in page
    assert person.organisation == association
    assert person.consents.filter(
        purpose=ConsentPurpose.ACCOMPANIMENT, given_on=timezone.localdate()
    ).exists()
    # Identity is encrypted at rest: the stored column does not hold the name.
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_name FROM people_person WHERE id = %s", [person.pk])
        assert "Dubreuilhac" not in cursor.fetchone()[0]


def test_detail_shows_the_identity_to_the_association_and_the_secretariat(clients, person):
    url = reverse("people:detail", args=[person.public_id])
    for role in ("association_worker", "association_manager", "secretariat"):
        response = clients[role].get(url)
        assert response.status_code == 200, role
        assert person.display_name in response.content.decode(), role
        assert person.pseudonym in response.content.decode(), role


def test_detail_is_audited(clients, person):
    clients["secretariat"].get(reverse("people:detail", args=[person.public_id]))
    assert AuditEvent.objects.filter(
        action="view", object_id=str(person.public_id), role="secretariat"
    ).exists()


def test_partner_sees_the_person_only_once_shared(clients, actors, person):
    url = reverse("people:detail", args=[person.public_id])
    partner = actors["partner_advisor"]
    assert clients["partner_advisor"].get(url).status_code == 404

    worker = actors["association_worker"]
    people_services.record_consent(
        actor=worker,
        person=person,
        purpose=ConsentPurpose.SHARING,
        given_on=timezone.localdate(),
        partner=partner.organisation,
    )
    people_services.share_with_partner(
        actor=worker, person=person, partner=partner.organisation, reason="Emploi"
    )

    response = clients["partner_advisor"].get(url)
    assert response.status_code == 200
    assert person.display_name in response.content.decode()
    # ... but not the association's follow-up tools.
    assert "Modifier la fiche" not in response.content.decode()


def test_other_association_gets_404(other_association, person):
    from tests.factories import make_actor

    outsider = client_for(make_actor("association_worker", other_association))
    assert outsider.get(reverse("people:detail", args=[person.public_id])).status_code == 404
    assert person.pseudonym not in outsider.get(reverse("people:list")).content.decode()


def test_association_edits_the_person(clients, person):
    url = reverse("people:edit", args=[person.public_id])
    data = person_form(
        last_name=person.last_name, first_name="Ilona-Maria", birth_date=person.birth_date.isoformat()
    )
    del data["accompaniment_consent_on"]
    response = clients["association_worker"].post(url, data, follow=True)
    assert response.status_code == 200
    assert "Fiche mise à jour." in response.content.decode()
    person.refresh_from_db()
    assert person.first_name == "Ilona-Maria"


def test_alias_and_note_added_from_the_detail_page(clients, person):
    client = clients["association_worker"]
    response = client.post(
        reverse("people:alias_add", args=[person.public_id]), {"kind": "alias", "name": "Zaza"}, follow=True
    )
    assert "Alias ajouté." in response.content.decode()
    assert "Zaza" in response.content.decode()
    response = client.post(
        reverse("people:note_add", args=[person.public_id]),
        {"date": timezone.localdate().isoformat(), "kind": "interview", "text": "Premier entretien"},
        follow=True,
    )
    assert "Note de suivi ajoutée." in response.content.decode()
    assert "Premier entretien" in response.content.decode()


# --- Search -----------------------------------------------------------------------------------------------


def test_search_by_last_name_and_birth_date(clients, association, actors):
    target, other = make_people(association, actors, 2)
    url = reverse("people:list")
    client = clients["secretariat"]

    response = client.post(url, {"nom": target.last_name, "naissance": target.birth_date.isoformat()})
    assert response.status_code == 200
    assert codes(response) == [target.pseudonym]

    # Case and accents of the typed name do not matter; the birth date alone finds both (same date).
    assert codes(client.post(url, {"nom": target.last_name.upper()})) == [target.pseudonym]
    assert set(codes(client.post(url, {"naissance": "1995-03-14"}))) == {target.pseudonym, other.pseudonym}
    # A wrong birth date finds nobody.
    empty = client.post(url, {"nom": target.last_name, "naissance": "1990-01-01"})
    assert codes(empty) == []
    assert "Aucune personne ne correspond à cette recherche." in empty.content.decode()
    assert AuditEvent.objects.filter(action="search", role="secretariat").count() == 4


def test_search_finds_the_alias(clients, actors, person):
    people_services.add_alias(
        actor=actors["association_worker"], person=person, kind="alias", name="Princesse Kayla"
    )
    response = clients["association_worker"].post(reverse("people:list"), {"nom": "princesse kayla"})
    assert codes(response) == [person.pseudonym]


def test_search_with_a_bad_date_says_so_next_to_the_field(clients, person):
    response = clients["association_worker"].post(reverse("people:list"), {"naissance": "31/02/x"})
    assert response.status_code == 200
    assert "Saisissez une date valide." in response.content.decode()
    assert codes(response) == []  # nothing is searched with a date that does not exist


def test_the_search_never_puts_a_name_in_a_url(clients, thirty_people):
    person = thirty_people[0]
    client = clients["secretariat"]
    page = client.get(reverse("people:list")).content.decode()
    assert '<form method="post" role="search"' in page
    # A name typed in the address bar (or an old bookmark) searches nothing: the full list is shown.
    response = client.get(reverse("people:list"), {"nom": person.last_name})
    assert len(codes(response)) > 1
    assert not AuditEvent.objects.filter(action="search").exists()
    found = client.post(reverse("people:list"), {"nom": person.last_name}).content.decode()
    assert person.pseudonym in found
    assert all(person.last_name not in href for href in re.findall(r'(?:href|action)="([^"]*)"', found))


def test_a_broad_search_is_capped_and_says_so(clients, association, actors, monkeypatch):
    from parcours.people.views import PersonListView

    monkeypatch.setattr(PersonListView, "search_limit", 2)
    make_people(association, actors, 3)  # same birth date
    response = clients["secretariat"].post(reverse("people:list"), {"naissance": "1995-03-14"})
    assert len(codes(response)) == 2
    assert "seules les 2 premières sont affichées" in response.content.decode()


def test_sensitive_person_hidden_from_partner_lists(clients, actors, association):
    sensitive = PersonFactory(
        organisation=association, created_by=actors["association_worker"].user, sensitive=True
    )
    partner = actors["partner_advisor"].organisation
    worker = actors["association_worker"]
    people_services.record_consent(
        actor=worker,
        person=sensitive,
        purpose=ConsentPurpose.SHARING,
        given_on=timezone.localdate(),
        partner=partner,
    )
    people_services.share_with_partner(actor=worker, person=sensitive, partner=partner, reason="Emploi")
    assert sensitive.pseudonym in codes(clients["association_worker"].get(reverse("people:list")))
    assert sensitive.pseudonym in codes(clients["secretariat"].get(reverse("people:list")))
    assert sensitive.pseudonym not in codes(clients["partner_advisor"].get(reverse("people:list")))


# --- Paging and sorting -----------------------------------------------------------------------------------


@pytest.fixture
def thirty_people(association, actors):
    return make_people(association, actors, 30)


def test_list_is_paginated(clients, thirty_people):
    client = clients["association_worker"]
    url = reverse("people:list")
    first = client.get(url)
    assert len(codes(first)) == 25
    assert "Page 1 sur 2" in first.content.decode()
    assert "30 résultats" in first.content.decode()

    second = client.get(url, {"page": 2})
    assert len(codes(second)) == 5
    assert set(codes(first)).isdisjoint(codes(second))
    assert set(codes(first)) | set(codes(second)) == {p.pseudonym for p in thirty_people}

    beyond = client.get(url, {"page": 999})
    assert beyond.status_code == 200
    assert codes(beyond) == codes(second)  # the last page

    garbage = client.get(url, {"page": "abc"})
    assert garbage.status_code == 200
    assert codes(garbage) == codes(first)


def test_list_is_sortable_and_ignores_unknown_keys(clients, thirty_people):
    client = clients["secretariat"]
    url = reverse("people:list")
    descending = codes(client.get(url, {"tri": "-code"}))
    assert descending == sorted((p.pseudonym for p in thirty_people), reverse=True)[:25]
    ascending = codes(client.get(url, {"tri": "code"}))
    assert ascending == sorted(p.pseudonym for p in thirty_people)[:25]

    default = client.get(url)
    unknown = client.get(url, {"tri": "xyz"})
    assert unknown.status_code == 200
    assert codes(unknown) == codes(default)
    injection = client.get(url, {"tri": "-last_name_bidx"})
    assert injection.status_code == 200
    assert codes(injection) == codes(default)


def test_search_results_show_no_pagination_links_carrying_the_search(clients, thirty_people):
    person = thirty_people[0]
    response = clients["secretariat"].post(reverse("people:list"), {"nom": person.last_name})
    assert codes(response) == [person.pseudonym]
    assert "nom=" not in response.content.decode()


# --- Query budgets ----------------------------------------------------------------------------------------

PEOPLE_LIST_BUDGET = 12


@pytest.mark.parametrize("role", ["association_worker", "secretariat"])
def test_people_list_query_count_does_not_grow_with_rows(
    role, association, actors, django_assert_max_num_queries
):
    client = client_for(actors[role])
    url = reverse("people:list")
    counts = []
    for total in (5, 25):
        make_people(association, actors, total - Person.objects.count())
        client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert len(codes(response)) == total
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], f"requêtes : {counts[0]} pour 5 lignes, {counts[1]} pour 25"
    with django_assert_max_num_queries(PEOPLE_LIST_BUDGET):
        client.get(url)


def test_people_detail_query_budget(clients, actors, person, django_assert_max_num_queries):
    worker = actors["association_worker"]
    for i in range(5):
        people_services.add_note(
            actor=worker,
            person=person,
            day=timezone.localdate() - timedelta(days=i),
            kind="interview",
            text=f"Entretien {i}",
        )
        people_services.add_alias(actor=worker, person=person, kind="alias", name=f"Alias{i}")
    with django_assert_max_num_queries(25):
        response = clients["association_worker"].get(reverse("people:detail", args=[person.public_id]))
    assert response.status_code == 200


def test_future_birth_date_refused(clients):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = clients["association_worker"].post(reverse("people:create"), person_form(birth_date=tomorrow))
    assert response.status_code == 200
    assert "La date de naissance ne peut pas être dans le futur." in response.content.decode()
    assert not Person.objects.exists()
    assert date.fromisoformat(tomorrow) > timezone.localdate()
