"""Free text through the pages: 100,000 characters get a French error next to the field; markup in a phone
number and a malformed e-mail are refused; bidirectional and control characters are stripped from names
before they are stored. Every refusal leaves the database unchanged and nothing answers 500."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.commission import services as commission_services
from parcours.core import inputs
from parcours.core.models import Organisation
from parcours.core.roles import Role
from parcours.people.models import Person
from tests.views.helpers import World
from tests.views.test_bad_input import days, person_data, post_refused, text

pytestmark = pytest.mark.django_db

AW, S, ADMIN = Role.ASSOCIATION_WORKER, Role.SECRETARIAT, Role.ADMIN
HUGE = "A" * 100_000
TOO_LONG = "Assurez-vous que cette valeur comporte au plus"


@pytest.fixture
def w(departement, association, other_association, actors):
    return World(departement, association, other_association, actors)


def edit_data():
    data = person_data()
    del data["accompaniment_consent_on"]
    return data


def draft_meeting(w):
    starts_at = timezone.now() + timedelta(days=10)
    return commission_services.schedule_meeting(
        actor=w.actors[S], kind="restricted", starts_at=starts_at, place="Préfecture"
    )


@dataclass
class Page:
    """A form endpoint: who posts, where, which valid data, and the name of the form in the context."""

    role: str
    url: Callable[[World], str]
    data: Callable[[World], dict]
    form: str | None = "form"


PAGES = {
    "person-create": Page(AW, lambda w: reverse("people:create"), lambda w: person_data()),
    "person-edit": Page(
        AW, lambda w: reverse("people:edit", args=[w.person.public_id]), lambda w: edit_data()
    ),
    "alias": Page(
        AW,
        lambda w: reverse("people:alias_add", args=[w.person.public_id]),
        lambda w: {"kind": "alias", "name": "Zaza"},
        form=None,
    ),
    "note": Page(
        AW,
        lambda w: reverse("people:note_add", args=[w.person.public_id]),
        lambda w: {"date": days(0), "kind": "interview", "text": "Entretien."},
        form=None,
    ),
    "objective": Page(
        AW,
        lambda w: reverse("pathways:objective_add", args=[w.draft_pathway.public_id]),
        lambda w: {"domain": "housing", "objective": "Trouver un logement", "actions": "", "target_date": ""},
        form="objective_form",
    ),
    "request": Page(
        AW,
        lambda w: reverse("pathways:request_edit", args=[w.draft_pathway.public_id]),
        lambda w: {"association_opinion": "Avis", "prostitution_stopped": "on"},
    ),
    "psp-opinion": Page(
        S,
        lambda w: reverse("pathways:opinion", args=[w.ready_pathway.public_id]),
        lambda w: {"opinion": "favourable", "day": days(0), "motive": "Projet cohérent"},
        form="opinion_form",
    ),
    "free-item": Page(
        S,
        lambda w: reverse("commission:item_add_free", args=[draft_meeting(w).public_id]),
        lambda w: {"title": "Bilan des maraudes", "description": ""},
        form="free_item_form",
    ),
    "organisation": Page(
        ADMIN,
        lambda w: reverse("core:organisation_create"),
        lambda w: {"name": "Association Nouvelle", "kind": "association", "address": "", "email": ""},
    ),
}

# (page, field, limit): every kind of free text, each refused at its limit plus one and at 100,000.
LONG_TEXT = [
    ("person-create", "last_name", inputs.NAME_MAX_LENGTH),
    ("person-create", "first_name", inputs.NAME_MAX_LENGTH),
    ("person-create", "usual_name", inputs.NAME_MAX_LENGTH),
    ("person-create", "nationality", inputs.NAME_MAX_LENGTH),
    ("person-create", "languages", inputs.LINE_MAX_LENGTH),
    ("person-create", "address", inputs.ADDRESS_MAX_LENGTH),
    ("person-create", "situation_notes", inputs.TEXT_MAX_LENGTH),
    ("person-edit", "last_name", inputs.NAME_MAX_LENGTH),
    ("alias", "name", inputs.NAME_MAX_LENGTH),
    ("note", "text", inputs.NOTE_MAX_LENGTH),
    ("objective", "objective", inputs.LINE_MAX_LENGTH),
    ("objective", "actions", inputs.TEXT_MAX_LENGTH),
    ("request", "association_opinion", inputs.TEXT_MAX_LENGTH),
    ("psp-opinion", "motive", inputs.TEXT_MAX_LENGTH),
    ("free-item", "description", inputs.TEXT_MAX_LENGTH),
    ("organisation", "name", 200),
]


@pytest.mark.parametrize(("page", "field", "limit"), LONG_TEXT, ids=[f"{p}-{f}" for p, f, _ in LONG_TEXT])
def test_text_beyond_its_limit_is_refused_in_french(page, field, limit, clients, w):
    spec = PAGES[page]
    url, data = spec.url(w), spec.data(w)
    for value in (HUGE, "é" * (limit + 1)):
        data[field] = value
        response = post_refused(clients[spec.role], url, data, TOO_LONG, form=spec.form, field=field)
        assert f"au plus {limit} caractères" in text(response)


def test_text_at_its_limit_is_accepted(clients, w):
    client = clients[AW]
    response = client.post(reverse("people:create"), person_data(last_name="Z" * inputs.NAME_MAX_LENGTH))
    assert response.status_code == 302
    assert any(p.last_name == "Z" * inputs.NAME_MAX_LENGTH for p in Person.objects.all())


def test_the_browser_is_told_the_limit(clients):
    page = text(clients[AW].get(reverse("people:create")))
    assert f'maxlength="{inputs.NAME_MAX_LENGTH}"' in page
    assert f'maxlength="{inputs.TEXT_MAX_LENGTH}"' in page  # situation notes, a text area


@pytest.mark.parametrize(
    "phone",
    [
        "<script>alert(1)</script>",
        '06 12 34 56 78"><img src=x onerror=alert(1)>',
        "06 12 34",
        "appelez-moi",
        "+33 6",
        "06 12 34 56 78 90 12",
        "+1234567890123456",
    ],
)
def test_a_phone_number_that_is_not_one_is_refused(phone, clients):
    post_refused(
        clients[AW],
        reverse("people:create"),
        person_data(phone=phone),
        inputs.PHONE_MESSAGE,
        form="form",
        field="phone",
    )


@pytest.mark.parametrize("email", ["pas-un-courriel", "<script>@x.fr", "a@b", "jeanne@exemple.fr<b>"])
def test_a_person_email_that_is_not_one_is_refused(email, clients):
    post_refused(
        clients[AW],
        reverse("people:create"),
        person_data(email=email),
        "Saisissez une adresse de courriel valide.",
        form="form",
        field="email",
    )


def test_a_valid_phone_and_email_are_stored(clients):
    response = clients[AW].post(
        reverse("people:create"),
        person_data(last_name="Contactable", phone="+33 6 12 34 56 78", email="b.okonkwo@exemple.fr"),
    )
    assert response.status_code == 302
    person = next(p for p in Person.objects.all() if p.last_name == "Contactable")
    assert (person.phone, person.email) == ("+33 6 12 34 56 78", "b.okonkwo@exemple.fr")


def test_bidi_and_control_characters_are_stripped_from_names(clients):
    """A right-to-left override makes « Okonkwo » display as « owknokO » and defeats the duplicate check
    (the blind index of the name differs): what is stored is the name as typed, without them."""
    response = clients[AW].post(
        reverse("people:create"),
        person_data(
            last_name="\u202eOkon\u200bkwo\u202c",
            first_name="Bless\x07ing\u2066\u2069",
            usual_name="\u200fBee\x1b[31m",
            address="12 rue\u202e Fictive\n75000\x0bParis",
        ),
    )
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.last_name, person.first_name, person.usual_name) == ("Okonkwo", "Blessing", "Bee[31m")
    assert person.address == "12 rue Fictive\n75000 Paris"  # a multi-line field keeps its line break
    found = clients[AW].post(reverse("people:list"), {"nom": "Okonkwo"})  # exact search, by blind index
    assert str(person.public_id) in text(found)


def test_a_name_made_only_of_invisible_characters_is_refused(clients):
    post_refused(
        clients[AW],
        reverse("people:create"),
        person_data(last_name="\u202e\u202c\u200b\x07"),
        "Ce champ est obligatoire.",
        form="form",
        field="last_name",
    )


def test_an_organisation_name_is_stored_without_bidi_characters(clients, actors):
    response = clients[ADMIN].post(
        reverse("core:organisation_create"),
        {"name": "Asso\u202eciation\u2069 Test\x1f", "kind": "association", "address": "", "email": ""},
    )
    assert response.status_code == 302
    assert Organisation.objects.filter(name="Association Test").exists()


def test_a_note_keeps_its_lines_and_loses_its_controls(clients, w):
    response = clients[AW].post(
        reverse("people:note_add", args=[w.person.public_id]),
        {"date": days(0), "kind": "interview", "text": "Premier point.\r\n\tSecond\x1b point.\u202e"},
    )
    assert response.status_code == 302
    note = w.person.notes.get()
    assert note.text == "Premier point.\r\n\tSecond point."
