"""The rights requests register (RGPD art. 12.3: one month), the rectification log (art. 16) and the
information notice (art. 13-14) handed over in the person's language."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from parcours.core.models import AuditEvent
from parcours.datarights import notice, rules, services
from parcours.datarights.models import NoticeDelivery, Rectification
from parcours.deadlines.selectors import board_for
from parcours.people import services as people
from parcours.people.translations import BLANK, LANGUAGES
from tests.conftest import client_for
from tests.factories import make_actor

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def worker(actors):
    return actors["association_worker"]


def test_the_deadline_is_one_month_and_three_when_extended():
    assert rules.answer_due(date(2026, 1, 31)) == date(2026, 2, 28)
    assert rules.answer_due(date(2026, 3, 15)) == date(2026, 4, 15)
    assert rules.answer_due(date(2026, 3, 15), extended=True) == date(2026, 6, 15)


def test_a_request_not_answered_in_time_is_overdue_on_the_board_of_both(worker, actors, person):
    late = services.record_request(
        actor=worker, person=person, kind="rectification", received_on=TODAY - timedelta(days=40)
    )
    services.record_request(actor=worker, person=person, kind="access", received_on=TODAY)
    for actor in (worker, actors["secretariat"]):
        section = {s.key: s for s in board_for(actor, TODAY)}["rights_requests"]
        (first,) = section.items  # each person once on the board: the overdue request first
        assert len(first.also) == 1 and "Demande d'accès" in first.also[0].label
        assert "Demande de rectification" in first.label and first.due == late.due_on
        assert first.overdue_on(TODAY) and first.person == person
    page = client_for(worker).get(reverse("datarights:person", args=[person.public_id])).content.decode()
    assert page.count('data-testid="overdue"') == 1
    # Nobody else's board has them.
    assert "rights_requests" not in {s.key for s in board_for(actors["partner_advisor"], TODAY)}


def test_an_answered_request_leaves_the_board(worker, person, actors):
    request = services.record_request(
        actor=worker, person=person, kind="rectification", received_on=TODAY - timedelta(days=3)
    )
    services.answer_request(
        actor=actors["secretariat"], rights_request=request, answered_on=TODAY, answer="granted"
    )
    assert {s.key: s for s in board_for(worker, TODAY)}["rights_requests"].count == 0


def test_a_refusal_needs_its_motive_and_dates_are_checked(worker, person):
    request = services.record_request(actor=worker, person=person, kind="erasure", received_on=TODAY)
    with pytest.raises(ValidationError) as refused:
        services.answer_request(actor=worker, rights_request=request, answered_on=TODAY, answer="refused")
    assert "motivé" in str(refused.value)
    with pytest.raises(ValidationError):
        services.answer_request(
            actor=worker, rights_request=request, answered_on=TODAY - timedelta(days=1), answer="granted"
        )
    with pytest.raises(ValidationError):
        services.record_request(
            actor=worker, person=person, kind="access", received_on=TODAY + timedelta(days=1)
        )


def test_the_deadline_is_extended_once(worker, person):
    request = services.record_request(actor=worker, person=person, kind="access", received_on=TODAY)
    request = services.extend_request(actor=worker, rights_request=request)
    assert request.due_on == rules.answer_due(TODAY, extended=True)
    with pytest.raises(ValidationError):
        services.extend_request(actor=worker, rights_request=request)


def test_bad_input_on_the_page_comes_back_in_french_and_nothing_is_recorded(worker, person):
    url = reverse("datarights:request_add", args=[person.public_id])
    response = client_for(worker).post(url, {"kind": "access", "received_on": "31/02/2026"})
    assert response.status_code == 200 and "Saisissez une date valide" in response.content.decode()
    assert not person.rights_requests.exists()


def test_another_association_cannot_record_nor_read(person, other_association):
    other = make_actor("association_worker", organisation=other_association)
    with pytest.raises(PermissionDenied):
        services.record_request(actor=other, person=person, kind="access", received_on=TODAY)
    for name in ("datarights:person", "datarights:notice"):
        assert client_for(other).get(reverse(name, args=[person.public_id])).status_code == 404


def test_correcting_the_identity_logs_the_fields_never_the_values(worker, person):
    request = services.record_request(
        actor=worker, person=person, kind="rectification", received_on=TODAY - timedelta(days=5)
    )
    old_name = person.last_name
    person.last_name = "Rectifiée"
    person.phone = "06 00 00 00 01"
    person.housing = "emergency"  # a change of situation, not a rectification of identity
    people.update_person(actor=worker, person=person)
    lines = Rectification.objects.filter(person=person)
    assert sorted(lines.values_list("field", flat=True)) == ["last_name", "phone"]
    assert all(line.request == request for line in lines)
    services.answer_request(actor=worker, rights_request=request, answered_on=TODAY, answer="granted")
    page = client_for(worker).get(reverse("datarights:person", args=[person.public_id])).content.decode()
    table = page.split('data-testid="rectifications"')[1].split("</table>")[0]
    assert "Nom de naissance" in table and "Téléphone" in table
    assert TODAY.strftime("%d/%m/%Y") in table and (TODAY - timedelta(days=5)).strftime("%d/%m/%Y") in table
    assert "Rectifiée" not in table and old_name not in table
    details = " ".join(AuditEvent.objects.values_list("detail", flat=True))
    assert (
        "Rectifiée" not in details
        and old_name not in details
        and "rectification : last_name, phone" in details
    )


def test_a_correction_without_a_request_is_logged_too(worker, person):
    person.first_name = "Autre"
    people.update_person(actor=worker, person=person)
    (line,) = Rectification.objects.filter(person=person)
    assert line.field == "first_name" and line.request is None


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_each_translation_of_the_notice_has_the_paragraphs_and_blanks_of_the_french(language):
    fr_title, fr_paragraphs = notice.TEXTS["fr"]
    title, paragraphs = notice.TEXTS[language]
    assert len(paragraphs) == len(fr_paragraphs) and title
    for fr, other in zip(fr_paragraphs, paragraphs, strict=True):
        assert re.findall(r"\{(\w+)\}", fr) == re.findall(r"\{(\w+)\}", other)
        for key in ("6.1", "9.2", "L. 121-9", "CNIL", "80715"):
            assert (key in fr) == (key in other), (language, key)


def test_the_notice_page_is_filled_for_the_person_in_her_language(worker, person, settings):
    settings.PARCOURS_DPO_CONTACT = "dpo@association.example"
    person.document_language = "ro"
    person.save()
    page = client_for(worker).get(reverse("datarights:notice", args=[person.public_id])).content.decode()
    assert 'lang="ro"' in page and "Asociația" in page
    assert person.organisation.name.replace("'", "&#x27;") in page and "dpo@association.example" in page
    assert "aucune décision automatique" in page.lower() and "www.cnil.fr" in page
    assert person.last_name not in page  # the notice is general: it names no one
    settings.PARCOURS_DPO_CONTACT = ""
    chinese = client_for(worker).get(reverse("datarights:notice", args=[person.public_id]) + "?langue=zh")
    assert 'lang="zh-Hans"' in chinese.content.decode() and BLANK in chinese.content.decode()


def test_the_notice_handed_over_is_recorded_with_its_language_and_interpreter(worker, person):
    url = reverse("datarights:notice_given", args=[person.public_id])
    data = {
        "given_on": TODAY.isoformat(),
        "language": "pcm",
        "with_interpreter": "on",
        "interpreter": "M. Interprète",
    }
    assert client_for(worker).post(url, data).status_code == 302
    delivery = NoticeDelivery.objects.get()
    assert (delivery.language, delivery.with_interpreter, delivery.interpreter) == (
        "pcm",
        True,
        "M. Interprète",
    )
    page = client_for(worker).get(reverse("people:detail", args=[person.public_id])).content.decode()
    assert f"Notice d'information remise le {TODAY:%d/%m/%Y} (pidgin nigérian, interprète)" in page
    refused = client_for(worker).post(url, {**data, "with_interpreter": "", "given_on": TODAY.isoformat()})
    assert refused.status_code == 200 and NoticeDelivery.objects.count() == 1
