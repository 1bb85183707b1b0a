"""Fixtures of the appeals tests: a refusal signed in the register and notified, a pathway with the AFIS."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from parcours.commission import services as cs
from parcours.commission.models import Letter
from parcours.pathways import services as psp
from parcours.pathways.models import Afis
from tests.conftest import complete_request

REFUSAL_MOTIVE = "Le projet d'insertion ne comporte pas encore d'engagement réaliste."


def refuse_in_register(actors, pathway, *, day):
    """Submit, check, unfavourable opinion, then a refusal signed on paper recorded in the register."""
    asso, sec = actors["association_worker"], actors["secretariat"]
    request = complete_request(asso, pathway, day=day)
    psp.submit_request(actor=asso, request=request, today=day)
    psp.mark_ready(actor=sec, request=request)
    psp.record_opinion(actor=sec, request=request, opinion="unfavourable", day=day, motive="Projet fragile")
    return cs.record_outside_decision(
        actor=sec,
        request=request,
        outcome="refused",
        day=day,
        external_reference="ARR-REF-1",
        motive=REFUSAL_MOTIVE,
    )


@pytest.fixture
def refused(actors, pathway):
    """A refusal signed 20 days ago, its letter not yet handed over."""
    return refuse_in_register(actors, pathway, day=timezone.localdate() - timedelta(days=20))


@pytest.fixture
def notified(actors, refused):
    """The refusal's letter handed over to the person 10 days ago."""
    letter = refused.letters.get(addressee=Letter.Addressee.PERSON)
    cs.record_letter_handover(
        actor=actors["association_worker"],
        letter=letter,
        day=timezone.localdate() - timedelta(days=10),
        acknowledgement="signed_receipt",
    )
    return refused


@pytest.fixture
def with_afis(actors, active_pathway):
    afis = Afis.objects.get(pathway=active_pathway)
    start = active_pathway.periods.get().start
    psp.grant_afis(
        actor=actors["secretariat"],
        afis=afis,
        granted_on=start,
        start=start,
        paying_body="MSA fictive",
        dependent_children=0,
    )
    return active_pathway
