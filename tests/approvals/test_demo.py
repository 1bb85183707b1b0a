"""The demo's agrément histories: every step shown, and the PSP requests sent under a valid agrément."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from parcours.approvals import rules
from parcours.approvals.board import approvals_board
from parcours.approvals.models import Agrement, AgrementApplication, AgrementStatus
from parcours.approvals.selectors import agrement_status, has_valid_agrement
from parcours.core.access import Actor
from parcours.core.models import Departement, Membership, Organisation
from parcours.pathways.models import Request

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        yield Departement.objects.get(code="99")
        transaction.set_rollback(True)


def test_every_step_of_the_procedure_is_in_the_demo(demo):
    states = set(AgrementApplication.objects.filter(departement=demo).values_list("state", flat=True))
    assert {"granted", "submitted", "incomplete", "awaiting_opinion", "withdrawn"} <= states
    today = timezone.localdate()
    statuses = {
        org.name: agrement_status(org, today)[0]
        for org in Organisation.objects.filter(departement=demo, kind="association")
    }
    assert statuses["Association Horizons Solidaires"] == AgrementStatus.EXPIRING
    assert statuses["Association L'Escale"] == AgrementStatus.VALID
    assert statuses["Association Nouvelle Rive (agrément expiré)"] == AgrementStatus.EXPIRED
    assert statuses["Association La Passerelle (agrément retiré)"] == AgrementStatus.WITHDRAWN
    assert statuses["Association Le Fil d'Ariane"] == AgrementStatus.NONE


def test_agrements_last_three_years(demo):
    for agrement in Agrement.objects.filter(organisation__departement=demo):
        assert agrement.valid_until == rules.agrement_end(agrement.valid_from), agrement.reference


def test_psp_requests_were_sent_under_a_valid_agrement(demo):
    sent = Request.objects.filter(pathway__departement=demo, submitted_on__isnull=False).select_related(
        "pathway"
    )
    assert sent.exists()
    for request in sent:
        assert has_valid_agrement(request.pathway.association, request.submitted_on)


def test_the_secretariat_board_shows_the_procedure(demo):
    membership = Membership.objects.get(user__username="ddfe", role="secretariat")
    sections = {s.key: s for s in approvals_board(Actor(membership.user, membership), timezone.localdate())}
    assert sections["approvals_to_check"].items
    assert sections["approvals_opinion"].items
    assert any("Horizons" in i.label for i in sections["approvals_expiring"].items)
