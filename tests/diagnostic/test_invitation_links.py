"""Invitation links are credentials (finding 7): stored hashed, exchanged at once for a short session,
expiring with the campaign, replaced one structure at a time, never logged.

A refused link (expired, replaced, unknown) answers a French page and writes nothing, not even a session.
"""

from __future__ import annotations

import hashlib
import html
import logging
from datetime import datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parcours.core.logging import mask_secrets
from parcours.core.models import AuditEvent
from parcours.diagnostic import rules, services
from parcours.diagnostic.models import Invitation
from parcours.outbox.models import OutgoingEmail
from tests.conftest import client_for
from tests.views.helpers import db_snapshot

from ..factories import CampaignFactory, ParticipantFactory, link_in

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def everything() -> dict:
    """Every row of the domain, the diagnostic, the outbox and the sessions, and the audit's count."""
    snapshot = db_snapshot()
    for label in ("diagnostic", "outbox", "sessions"):
        for model in apps.get_app_config(label).get_models():
            snapshot[model._meta.label] = list(model.objects.order_by("pk").values())
    snapshot["audit"] = AuditEvent.objects.count()
    return snapshot


@pytest.fixture
def sec(actors):
    return client_for(actors["secretariat"])


@pytest.fixture
def campaign(departement):
    return CampaignFactory(
        departement=departement, draft=True, deadline=timezone.localdate() + timedelta(days=20)
    )


@pytest.fixture
def lycee(campaign, actors):
    participant = ParticipantFactory(campaign=campaign, name="Lycée fictif", email="cpe@lycee.invalid")
    services.open_campaign(actors["secretariat"], campaign, today=timezone.localdate())
    participant.refresh_from_db()
    return participant


def the_link(to="cpe@lycee.invalid") -> str:
    return link_in(OutgoingEmail.objects.filter(to=to).latest("created_at").body)


def token_of(link: str) -> str:
    return link.rstrip("/").split("/")[-1]


# --- Stored hashed, shown only in the e-mail ---


def test_only_the_sha256_of_the_token_is_stored_and_the_token_is_in_the_e_mail_only(lycee):
    token = token_of(the_link())
    assert len(token) >= 43  # 256 random bits, base64url
    invitation = Invitation.objects.get(participant=lycee)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table == "outbox_outgoingemail":  # the e-mail being sent (encrypted at rest by the outbox)
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            dump = repr(cursor.fetchall())
            assert token not in dump, table


# --- Opened once, exchanged for a session; the token leaves the address bar ---


def test_the_link_is_exchanged_for_a_session_and_a_303_to_an_address_without_the_token(lycee):
    structure = Client()
    link = the_link()
    response = structure.get(link)
    assert response.status_code == 303
    assert response["Location"] == reverse("diagnostic:respond")
    assert "no-store" in response["Cache-Control"]
    for page in (reverse("diagnostic:respond"), reverse("diagnostic:key_list")):
        shown = structure.get(page)
        assert shown.status_code == 200 and "Lycée fictif" in text(shown)
        assert token_of(link) not in text(shown)
    answer = structure.post(reverse("diagnostic:respond"), {"total": "2"}, follow=True)
    assert "votre réponse est enregistrée" in text(answer)
    lycee.refresh_from_db()
    assert lycee.answers["total"] == 2


def test_the_session_bound_by_the_link_is_short(lycee):
    structure = Client()
    link = the_link()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        structure.get(link)
        elapsed = timedelta()
        step = timedelta(minutes=10)  # active all along (under the sessions' 15-minute idle limit)
        while elapsed + step < rules.INVITATION_SESSION:
            traveller.shift(step)
            elapsed += step
            assert structure.get(reverse("diagnostic:respond")).status_code == 200
        traveller.shift(rules.INVITATION_SESSION - elapsed + timedelta(minutes=1))
        response = structure.get(reverse("diagnostic:respond"))
    assert response.status_code == 410 and "Session expirée" in text(response)
    assert Client().get(link).status_code == 303  # opening the link again starts a new one


def test_without_the_link_the_structure_pages_are_refused(lycee):
    for page in (reverse("diagnostic:respond"), reverse("diagnostic:key_list")):
        response = Client().get(page)
        assert response.status_code == 403 and "ouvrez votre lien" in text(response)


# --- Expiry: the campaign's deadline plus the grace period ---


def test_the_link_works_until_the_end_of_the_grace_period_then_says_it_has_expired(lycee):
    link = the_link()
    last_day = lycee.campaign.deadline + timedelta(days=rules.INVITATION_GRACE_DAYS)
    evening = timezone.make_aware(datetime.combine(last_day, datetime.min.time())) + timedelta(hours=23)
    with time_machine.travel(evening):
        assert Client().get(link).status_code == 303
    before = everything()
    with time_machine.travel(evening + timedelta(hours=2)):
        response = Client().get(link)
    assert response.status_code == 410
    page = text(response)
    assert "Lien expiré" in page and "Ce lien a expiré" in page
    assert everything() == before  # nothing written: no session, no event


def test_a_later_deadline_extends_the_links(lycee):
    link = the_link()
    after = lycee.campaign.deadline + timedelta(days=rules.INVITATION_GRACE_DAYS + 3)
    lycee.campaign.deadline += timedelta(days=30)
    lycee.campaign.save()
    with time_machine.travel(timezone.make_aware(datetime.combine(after, datetime.min.time()))):
        assert Client().get(link).status_code == 303


def test_a_session_opened_before_the_expiry_stops_with_it(lycee):
    structure = Client()
    expiry = rules.invitation_expiry(lycee.campaign.deadline)
    with time_machine.travel(expiry - timedelta(minutes=10)):
        assert structure.get(the_link()).status_code == 303
        assert structure.get(reverse("diagnostic:respond")).status_code == 200
    with time_machine.travel(expiry + timedelta(seconds=1)):
        response = structure.get(reverse("diagnostic:respond"))
    assert response.status_code == 410 and "Lien expiré" in text(response)


# --- Replaced: one structure at a time ---


def test_the_secretariat_replaces_a_link_the_old_one_says_so_and_writes_nothing(sec, lycee, campaign):
    old = the_link()
    bound_before = Client()
    bound_before.get(old)
    other = ParticipantFactory(campaign=campaign, name="Autre structure", email="autre@exemple.invalid")
    services.send_invitation(other)
    other_link = the_link("autre@exemple.invalid")

    response = sec.post(
        reverse("diagnostic:reissue_link", args=[campaign.public_id, lycee.public_id]), follow=True
    )
    assert "Nouveau lien envoyé à cpe@lycee.invalid" in text(response)
    new = the_link()
    assert new != old
    assert AuditEvent.objects.filter(
        object_id=str(lycee.public_id), detail="nouveau lien d'invitation"
    ).exists()

    before = everything()
    refused = Client().get(old)
    assert refused.status_code == 410
    assert "Lien remplacé" in text(refused) and "a été remplacé" in text(refused)
    assert everything() == before
    # A browser bound by the old link loses its access at once; the new link and other structures' work.
    assert bound_before.get(reverse("diagnostic:respond")).status_code == 410
    assert Client().get(new).status_code == 303
    assert Client().get(other_link).status_code == 303


def test_a_reminder_carries_a_new_link_which_replaces_the_first(actors, lycee, campaign):
    first = the_link()
    services.remind(actors["secretariat"], campaign, today=timezone.localdate())
    (reminder,) = [e for e in OutgoingEmail.objects.all() if e.subject.startswith("Relance")]  # encrypted
    second = link_in(reminder.body)
    assert second != first
    assert Client().get(first).status_code == 410
    assert Client().get(second).status_code == 303


def test_a_structure_without_e_mail_gets_its_link_shown_once_to_the_secretariat(sec, campaign, actors):
    participant = ParticipantFactory(campaign=campaign, name="Sans courriel", email="")
    services.open_campaign(actors["secretariat"], campaign, today=timezone.localdate())
    page_url = reverse("diagnostic:participant", args=[campaign.public_id, participant.public_id])
    assert "Aucun lien en cours" in text(sec.get(page_url))

    response = sec.post(reverse("diagnostic:reissue_link", args=[campaign.public_id, participant.public_id]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    link = link_in(text(response).replace('value="', 'value=" '))
    assert Client().get(link).status_code == 303
    # Shown once: the page, read again, cannot show it (only its hash is kept).
    again = text(sec.get(page_url))
    assert token_of(link) not in again and "Lien en cours émis le" in again
    assert not OutgoingEmail.objects.exists()


def test_no_link_is_issued_for_a_closed_campaign(sec, actors, lycee, campaign):
    services.close_campaign(actors["secretariat"], campaign)
    before = everything()
    response = sec.post(
        reverse("diagnostic:reissue_link", args=[campaign.public_id, lycee.public_id]), follow=True
    )
    assert "s'émettent quand la campagne est ouverte" in text(response)
    after = everything()
    assert after["diagnostic.Invitation"] == before["diagnostic.Invitation"]


# --- Never logged ---


def test_the_token_is_masked_in_the_request_log_lines(lycee, caplog):
    token = token_of(the_link())
    assert token not in mask_secrets(f'"GET /diagnostic/invitation/{token}/ HTTP/1.1" 303 0')

    # runserver's request line (django.server does not propagate: catch it on its own logger).
    lines = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    server = logging.getLogger("django.server")
    handler = Collect()
    server.addHandler(handler)
    try:
        server.info('"%s" %s %s', f"GET /diagnostic/invitation/{token}/ HTTP/1.1", "303", "0")
    finally:
        server.removeHandler(handler)
    assert lines and token not in lines[0] and "/diagnostic/invitation/***/" in lines[0]

    # django.request's line for a refused link (410, logged as a warning).
    services.issue_invitation(lycee)  # the link is now replaced
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert Client().get(f"/diagnostic/invitation/{token}/").status_code == 410
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "/diagnostic/invitation/***/" in logged and token not in logged
