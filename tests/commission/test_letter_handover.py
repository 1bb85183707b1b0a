"""The association records the day it handed the person's letter over: the notification date, from which
the two-month appeal deadline (CJA R. 421-1) counts. The letter then leaves its board."""

from __future__ import annotations

import html
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.commission import rules
from parcours.commission import services as cs
from parcours.core.models import AuditEvent
from parcours.deadlines.selectors import board_for
from tests.conftest import client_for
from tests.factories import make_actor

from .test_decisions import favourable, held  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(actors, held):  # noqa: F811
    item = favourable(actors, held)
    decision = cs.draft_decision(actor=actors["secretariat"], item=item, outcome="authorised")
    decision = cs.sign_decision(actor=actors["signatory"], decision=decision, day=timezone.localdate())
    return decision.letters.get(addressee="person")


def _letters_on_board(actor):
    sections = {s.key: s for s in board_for(actor, timezone.localdate())}
    return sections["letters_to_hand"].items


def test_the_appeal_deadline_is_two_months_counted_clear_and_never_on_a_weekend():
    assert rules.APPEAL_DEADLINE_MONTHS == 2
    # Notified on Friday 3 January 2025: two months clear → Tuesday 4 March 2025.
    assert rules.appeal_deadline(date(2025, 1, 3)) == date(2025, 3, 4)
    # Notified on 31 December 2024: 28 February 2025 + 1 day = Saturday 1 March → Monday 3 March.
    assert rules.appeal_deadline(date(2024, 12, 31)) == date(2025, 3, 3)


def test_the_handed_over_letter_leaves_the_board_with_its_notification_date(actors, letter):
    worker = actors["association_worker"]
    assert len(_letters_on_board(worker)) == 1
    client = client_for(worker)
    url = reverse("commission:letter_handover", args=[letter.public_id])
    page = html.unescape(client.get(reverse("home")).content.decode())
    assert url in page  # the small form sits on the board
    today = timezone.localdate()
    response = client.post(
        url, {"day": f"{today:%Y-%m-%d}", "acknowledgement": "signed_receipt"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    letter.refresh_from_db()
    assert letter.notified_on == today
    assert letter.acknowledgement == "signed_receipt"
    assert letter.notified_recorded_by == worker.user
    assert letter.appeal_deadline == rules.appeal_deadline(today)
    assert f"recours possible jusqu'au {letter.appeal_deadline:%d/%m/%Y}" in html.unescape(
        response.content.decode()
    )
    assert _letters_on_board(worker) == []
    event = AuditEvent.objects.filter(object_id=str(letter.public_id), action="update").get()
    assert "remis le" in event.detail and letter.decision.request.pathway.person.last_name not in event.detail
    # The pathway page states the notification date and the appeal deadline.
    pathway_page = html.unescape(
        client.get(
            reverse("pathways:detail", args=[letter.decision.request.pathway.public_id])
        ).content.decode()
    )
    assert f"remis le {today:%d/%m/%Y}" in pathway_page
    assert f"recours possible jusqu'au {letter.appeal_deadline:%d/%m/%Y}" in pathway_page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "", "acknowledgement": "signed_receipt"}, "Ce champ est obligatoire."),
        ({"day": "{tomorrow}", "acknowledgement": "signed_receipt"}, "ne peut pas être dans le futur"),
        ({"day": "{before}", "acknowledgement": "signed_receipt"}, "ne peut pas précéder la signature"),
        ({"day": "{today}", "acknowledgement": "pigeon"}, "Sélectionnez un choix valide"),
        ({"day": "31/02/2026", "acknowledgement": "signed_receipt"}, "Saisissez une date valide"),
    ],
)
def test_bad_input_says_why_in_french_and_changes_nothing(actors, letter, data, message):
    today = timezone.localdate()
    dates = {
        "{tomorrow}": f"{today + timedelta(days=1):%Y-%m-%d}",
        "{before}": f"{today - timedelta(days=1):%Y-%m-%d}",
        "{today}": f"{today:%Y-%m-%d}",
    }
    data = {k: dates.get(v, v) for k, v in data.items()}
    client = client_for(actors["association_worker"])
    response = client.post(reverse("commission:letter_handover", args=[letter.public_id]), data)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert message in page
    assert "<title>Erreur :" in page
    letter.refresh_from_db()
    assert letter.notified_on is None and letter.acknowledgement == ""
    assert len(_letters_on_board(actors["association_worker"])) == 1


def test_recorded_once(actors, letter):
    worker = actors["association_worker"]
    today = timezone.localdate()
    cs.record_letter_handover(actor=worker, letter=letter, day=today, acknowledgement="registered_mail")
    client = client_for(worker)
    response = client.post(
        reverse("commission:letter_handover", args=[letter.public_id]),
        {"day": f"{today:%Y-%m-%d}", "acknowledgement": "signed_receipt"},
    )
    assert "déjà enregistrée" in html.unescape(response.content.decode())
    letter.refresh_from_db()
    assert letter.acknowledgement == "registered_mail"


def test_only_the_persons_association_records_the_handover(actors, letter, other_association):
    url = reverse("commission:letter_handover", args=[letter.public_id])
    data = {"day": f"{timezone.localdate():%Y-%m-%d}", "acknowledgement": "signed_receipt"}
    outsider = make_actor("association_worker", other_association)
    assert client_for(outsider).post(url, data).status_code == 404
    assert client_for(actors["secretariat"]).post(url, data).status_code == 403
    letter.refresh_from_db()
    assert letter.notified_on is None
