"""The network's directory: one search box, secretariat-only edits, French validation, CSV export."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parcours.core.models import AuditEvent
from parcours.core.roles import Role
from parcours.directory.models import Entry
from parcours.directory.rules import NATIONAL_NUMBERS
from tests.conftest import client_for
from tests.factories import AgrementFactory, DepartementFactory, DirectoryEntryFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

LIST = reverse("directory:list")

VALID = {
    "category": "crip",
    "name": "Cellule départementale des informations préoccupantes",
    "contact_name": "",
    "contact_function": "Cadre d'astreinte",
    "phone": "01 99 00 12 34",
    "email": "crip@demo.invalid",
    "website": "https://crip.demo.invalid",
    "address": "1 rue des Services, 99000 Villefictive",
    "commune": "Villefictive",
    "hours": "Lundi au vendredi, 9 h – 17 h",
    "what_to_send": "Toute information préoccupante concernant un mineur.",
    "audience": "minors",
    "languages": "",
}


def test_a_mission_locale_advisor_finds_the_crip_in_one_search(departement, actors):
    DirectoryEntryFactory(departement=departement, name="CRIP de Villefictive", category="crip")
    DirectoryEntryFactory(
        departement=departement,
        name="CeGIDD de l'hôpital",
        category="cegidd",
        what_to_send="Dépistage",
        audience="both",
    )
    client = client_for(actors[Role.PARTNER_ADVISOR])
    page = client.get(LIST, {"q": "crip"}).content.decode()
    assert "CRIP de Villefictive" in page
    assert "CeGIDD de l&#x27;hôpital" not in page and "CeGIDD de l'hôpital" not in page


def test_search_ignores_accents_and_case_and_looks_in_what_to_send(departement, actors):
    DirectoryEntryFactory(
        departement=departement,
        name="Brigade de protection des familles",
        category="police_referent",
        what_to_send="Signalement d'un MINEUR en danger immédiat",
        commune="Saint-Étienne-Fictif",
    )
    client = client_for(actors[Role.PARTNER_ADVISOR])
    assert "Brigade de protection des familles" in client.get(LIST, {"q": "mineur"}).content.decode()
    assert "Brigade de protection des familles" in client.get(LIST, {"q": "saint etienne"}).content.decode()
    assert "Brigade de protection des familles" in client.get(LIST, {"q": "REFERENT police"}).content.decode()
    assert "Brigade de protection des familles" not in client.get(LIST, {"q": "interprète"}).content.decode()


def test_approved_associations_come_from_the_agrement_register(departement, actors, association):
    lapsed = OrganisationFactory(
        departement=departement, kind="association", name="Association expirée fictive"
    )
    AgrementFactory(organisation=lapsed, valid_from="2019-01-01", valid_until="2022-01-01")
    page = client_for(actors[Role.PARTNER_ADVISOR]).get(LIST, {"q": "association"}).content.decode()
    assert association.name.replace("'", "&#x27;") in page
    assert "Association expirée fictive" not in page


def test_national_numbers_are_listed_each_with_a_source(actors):
    page = client_for(actors[Role.COMMISSION_MEMBER]).get(LIST).content.decode()
    for number in NATIONAL_NUMBERS:
        assert number.source
        assert number.number in page
    assert "119" in client_for(actors[Role.COMMISSION_MEMBER]).get(LIST, {"q": "enfance"}).content.decode()


def test_another_departement_entries_never_show(actors):
    DirectoryEntryFactory(
        name="CRIP lointaine fictive", departement=DepartementFactory(code="98", name="Autre")
    )
    page = client_for(actors[Role.SECRETARIAT]).get(LIST, {"q": "crip"}).content.decode()
    assert "lointaine" not in page


def test_bad_filters_never_fail(actors):
    client = client_for(actors[Role.ASSOCIATION_WORKER])
    for params in ({"categorie": "nope"}, {"public": "\x00"}, {"q": "\x00" * 3}, {"q": "x" * 5000}):
        assert client.get(LIST, params).status_code == 200


def test_the_secretariat_creates_an_entry_with_an_audit_event(actors, departement):
    client = client_for(actors[Role.SECRETARIAT])
    response = client.post(reverse("directory:create"), VALID)
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.departement == departement and entry.search_text
    assert AuditEvent.objects.filter(action="create", object_id=str(entry.public_id)).exists()
    assert "Cellule départementale" in client.get(LIST, {"q": "informations preoccupantes"}).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "numéro de téléphone valide"),
        ("email", "pas-un-courriel", "adresse électronique valide"),
        ("website", "javascript:alert(1)", "adresse de site valide"),
        ("category", "association", "Choisissez une catégorie"),
        ("name", "", "Saisissez le nom du service"),
    ],
)
def test_bad_input_gives_a_french_message_and_saves_nothing(actors, field, value, message):
    client = client_for(actors[Role.SECRETARIAT])
    response = client.post(reverse("directory:create"), {**VALID, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Entry.objects.exists()


def test_edit_then_retire_with_confirmation(actors, departement):
    entry = DirectoryEntryFactory(departement=departement, name="UAPED fictive")
    client = client_for(actors[Role.SECRETARIAT])
    response = client.post(
        reverse("directory:edit", args=[entry.public_id]), {**VALID, "name": "UAPED du CHU fictif"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.name == "UAPED du CHU fictif"
    retire = reverse("directory:retire", args=[entry.public_id])
    first = client.post(retire)
    assert first.status_code == 200 and "Ce qui va se passer" in first.content.decode()
    entry.refresh_from_db()
    assert entry.retired_on is None
    assert client.post(retire, {"confirmation": "oui"}).status_code == 302
    entry.refresh_from_db()
    assert entry.retired_on is not None
    assert "UAPED du CHU fictif" not in client.get(LIST).content.decode().split("</h1>", 1)[1]
    # Retired: neither editable nor retirable again (out of the directory: 404).
    assert client.post(retire, {"confirmation": "oui"}).status_code == 404


def test_only_the_secretariat_edits(actors, departement):
    entry = DirectoryEntryFactory(departement=departement)
    for role in (Role.PARTNER_ADVISOR, Role.ASSOCIATION_MANAGER, Role.COMMISSION_MEMBER, Role.SIGNATORY):
        client = client_for(actors[role])
        assert client.post(reverse("directory:create"), VALID).status_code == 403
        assert (
            client.post(
                reverse("directory:retire", args=[entry.public_id]), {"confirmation": "oui"}
            ).status_code
            == 403
        )
        page = client.get(LIST).content.decode()
        assert reverse("directory:edit", args=[entry.public_id]) not in page
    assert Entry.objects.count() == 1 and Entry.objects.get().retired_on is None


def test_csv_export_is_the_directory_without_formulas(actors, departement, association):
    DirectoryEntryFactory(departement=departement, name='=HYPERLINK("x")', category="other")
    response = client_for(actors[Role.PARTNER_ADVISOR]).get(reverse("directory:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Catégorie;Nom du service")
    assert "'=HYPERLINK" in text
    assert association.name in text
    assert "119 — Allô enfance en danger" in text
    assert AuditEvent.objects.filter(action="download", detail__contains="annuaire").exists()


def test_the_list_costs_the_same_number_of_queries_whatever_its_length(actors, departement, association):
    client = client_for(actors[Role.PARTNER_ADVISOR])
    DirectoryEntryFactory.create_batch(2, departement=departement)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    DirectoryEntryFactory.create_batch(20, departement=departement)
    for n in range(5):
        AgrementFactory(
            organisation=OrganisationFactory(
                departement=departement, kind="association", name=f"Asso fictive {n}"
            )
        )
    with CaptureQueriesContext(connection) as many:
        client.get(LIST)
    assert len(many.captured_queries) == len(few.captured_queries)
