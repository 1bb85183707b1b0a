"""Languages and interpreting: the person's document language and need of an interpreter, interpreters present
at the consent, the commitments and a notification, their costs summed per association and year, and the
documents translated side by side with the French."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from parcours.people import services, translations
from parcours.people.models import ConsentPurpose, InterpretingSession
from parcours.stats import registry
from parcours.stats.registry import Scope
from tests.conftest import client_for
from tests.factories import PersonFactory, make_actor

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def worker(actors):
    return actors["association_worker"]


def _session(worker, person, **kwargs):
    values = {
        "day": TODAY,
        "occasion": "interview",
        "language": "roumain",
        "interpreter": "Interprète Fictive (service Exemple)",
        "mode": "phone",
        "duration_minutes": 45,
        "cost": Decimal("60.00"),
        **kwargs,
    }
    return services.record_interpreting(actor=worker, person=person, **values)


def test_the_interpreter_present_at_the_consent_is_shown_with_it(worker, person):
    consent = services.record_consent(
        actor=worker, person=person, purpose=ConsentPurpose.PSP_REQUEST, given_on=TODAY
    )
    client = client_for(worker)
    response = client.post(
        reverse("people:interpreting_add", args=[person.public_id]),
        {
            "day": TODAY.isoformat(),
            "occasion": "consent",
            "consent": consent.pk,
            "language": "anglais (pidgin)",
            "interpreter": "Interprète Fictive",
            "mode": "in_person",
            "duration_minutes": "30",
            "cost": "42.50",
        },
    )
    assert response.status_code == 302
    page = unescape(client.get(reverse("people:detail", args=[person.public_id])).content.decode())
    assert "Recueil du consentement (Demande de parcours de sortie)" in page
    assert "Interprète Fictive" in page and "42,50 €" in page


def test_a_consent_is_attached_only_to_a_consent_session_of_the_same_person(worker, person, association):
    other = PersonFactory(organisation=association, created_by=worker.user)
    consent = other.consents.first()
    with pytest.raises(ValidationError) as error:
        _session(worker, person, occasion="consent", consent=consent)
    assert "consent" in error.value.message_dict
    own = person.consents.first()
    with pytest.raises(ValidationError):
        _session(worker, person, occasion="notification", consent=own)
    assert not InterpretingSession.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cost", Decimal("-1")),
        ("cost", Decimal("5000.01")),
        ("duration_minutes", 0),
        ("duration_minutes", 1441),
    ],
)
def test_implausible_cost_or_duration_is_refused(worker, person, field, value):
    with pytest.raises(ValidationError) as error:
        _session(worker, person, **{field: value})
    assert field in error.value.message_dict


def test_bounds_are_accepted(worker, person):
    _session(worker, person, cost=Decimal("0"), duration_minutes=1)
    _session(worker, person, cost=Decimal("5000"), duration_minutes=1440)
    assert InterpretingSession.objects.count() == 2


def test_bad_input_on_the_page_gives_a_french_error_and_changes_nothing(worker, person):
    response = client_for(worker).post(
        reverse("people:interpreting_add", args=[person.public_id]),
        {
            "day": (TODAY + timedelta(days=1)).isoformat(),
            "occasion": "interview",
            "language": "",
            "interpreter": "X",
            "mode": "phone",
            "duration_minutes": "abc",
            "cost": "-3",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "ne peut pas être dans le futur" in body
    assert not InterpretingSession.objects.exists()


def test_another_association_records_nothing_and_does_not_see_them(worker, person, other_association):
    _session(worker, person)
    outsider = make_actor("association_worker", other_association)
    with pytest.raises(PermissionDenied):
        _session(outsider, person)
    response = client_for(outsider).get(reverse("people:detail", args=[person.public_id]))
    assert response.status_code == 404


def test_the_interpreter_and_language_are_encrypted_at_rest(worker, person):
    _session(worker, person, interpreter="Nom Introuvable Quelque", language="roumain")
    with connection.cursor() as cursor:
        cursor.execute("SELECT interpreter, language FROM people_interpretingsession")
        interpreter, language = cursor.fetchone()
    assert "Introuvable" not in interpreter and "roumain" not in language


def test_costs_are_summed_per_association_and_year_with_their_people(
    worker, person, association, other_association, departement
):
    other_worker = make_actor("association_worker", other_association)
    other_person = PersonFactory(organisation=other_association, created_by=other_worker.user)
    _session(worker, person, day=date(2025, 3, 1), cost=Decimal("60.00"))
    _session(worker, person, day=date(2025, 12, 31), cost=Decimal("40.50"))
    _session(worker, person, day=date(2026, 1, 1), cost=Decimal("1000"))  # next year
    _session(other_worker, other_person, day=date(2025, 6, 1), cost=Decimal("25"))
    measure = registry.get("people.interpreting_costs")
    scope = Scope(departement, date(2025, 1, 1), date(2025, 12, 31))
    total = measure.evaluate(scope)
    assert total.value == pytest.approx(125.5) and total.population == 2
    by_org = measure.evaluate(scope, "organisation")
    assert by_org.value[association.name] == pytest.approx(100.5)
    assert by_org.value[other_association.name] == pytest.approx(25)
    assert measure.additive and measure.unit == "euros"
    own = measure.evaluate(Scope(departement, date(2025, 1, 1), date(2025, 12, 31), association))
    assert own.value == pytest.approx(100.5)


def test_the_person_page_offers_the_documents_in_their_language(worker, person):
    person.document_language = "ro"
    person.needs_interpreter = True
    person.save()
    page = client_for(worker).get(reverse("people:detail", args=[person.public_id])).content.decode()
    assert "Interprète nécessaire" in page
    assert reverse("people:translation", args=["consentement-ro"]) in page


@pytest.mark.parametrize("language", sorted(translations.LANGUAGES))
@pytest.mark.parametrize("document", sorted(translations.DOCUMENTS))
def test_every_translated_document_is_shown_beside_the_french(worker, document, language):
    response = client_for(worker).get(
        reverse("people:translation", args=[translations.code_of(document, language)])
    )
    body = unescape(response.content.decode())
    fr_title, fr_paragraphs = translations.TEXTS[document]["fr"]
    title, paragraphs = translations.TEXTS[document][language]
    assert response.status_code == 200
    assert len(paragraphs) == len(fr_paragraphs)
    assert f'lang="{translations.LANGUAGES[language].code}"' in body
    for paragraph in (*fr_paragraphs, *paragraphs):
        assert paragraph in body
    assert "traducteur assermenté" in body


def test_the_translations_say_the_same_key_facts():
    """Spot checks that each translation keeps the figures and names of the French: six months, two months,
    AFIS, and the blanks to fill in."""
    for language in translations.LANGUAGES:
        decision = " ".join(translations.TEXTS["decision"][language][1])
        assert "AFIS" in decision, language
        consent = " ".join(translations.TEXTS["consentement"][language][1])
        assert consent.count(translations.BLANK) == " ".join(
            translations.TEXTS["consentement"]["fr"][1]
        ).count(translations.BLANK), language
    assert "两个月" in " ".join(translations.TEXTS["decision"]["zh"][1])
    assert "six months" in " ".join(translations.TEXTS["decision"]["en"][1])
    assert "două luni" in " ".join(translations.TEXTS["decision"]["ro"][1])


def test_an_unknown_document_code_answers_404(worker):
    for code in ("notice-xx", "inconnu-en", "notice", "-en"):
        assert client_for(worker).get(reverse("people:translation", args=[code])).status_code == 404
