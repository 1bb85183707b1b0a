"""One register of the prefect's decisions (ADR 0014): every decision, signed in Parcours or taken outside
it, gets its number in the same yearly sequence, its act (PDF) and its letters; the signatory may send a
draft back or decide otherwise than the opinion, with the reasons; the hand-recorded decisions of before
are migrated into the register."""

from __future__ import annotations

import importlib
import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from parcours.commission import services as cs
from parcours.commission.models import Letter, MeetingKind, PrefectDecision
from parcours.demo.generator import ModelsAt0008
from parcours.documents.services import pdf_of
from parcours.pathways import services as psp
from parcours.pathways.models import RequestState
from tests.conftest import client_for, complete_request, drive_to_decision
from tests.factories import PersonFactory, started_ago

from .conftest import in_days, ready_request

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def reviewed_outside(actors, pathway, *, opinion="favourable", day=None):
    """The request of `pathway` with the commission's opinion recorded outside a Parcours meeting."""
    asso, sec = actors["association_worker"], actors["secretariat"]
    day = day or timezone.localdate()
    request = complete_request(asso, pathway, day=day)
    psp.submit_request(actor=asso, request=request, today=day)
    psp.mark_ready(actor=sec, request=request)
    psp.record_opinion(actor=sec, request=request, opinion=opinion, day=day, motive="Motif de test")
    request.refresh_from_db()
    return request


@pytest.fixture
def held_item(actors, commission, pathway):
    sec = actors["secretariat"]
    meeting = cs.schedule_meeting(actor=sec, kind=MeetingKind.RESTRICTED, starts_at=in_days(6), place="Salle")
    item = cs.add_request_item(actor=sec, meeting=meeting, request=ready_request(actors, pathway))
    cs.convene(actor=sec, meeting=meeting)
    meeting.__class__.objects.filter(pk=meeting.pk).update(starts_at=started_ago(2))
    meeting.refresh_from_db()
    cs.record_attendance(actor=sec, meeting=meeting, present_ids={c.pk for c in meeting.convocations.all()})
    cs.record_item_opinion(actor=sec, item=item, opinion="favourable", motive="Projet solide")
    item.refresh_from_db()
    return item


def test_a_decision_taken_outside_parcours_enters_the_same_register(actors, held_item, association):
    sec, signatory = actors["secretariat"], actors["signatory"]
    other = PersonFactory(organisation=association, created_by=actors["association_worker"].user)
    active_pathway = psp.start_pathway(actor=actors["association_worker"], person=other)
    drive_to_decision(actors, active_pathway, day=timezone.localdate() - timedelta(days=10))
    today = timezone.localdate()
    signed = cs.sign_decision(
        actor=signatory,
        decision=cs.draft_decision(actor=sec, item=held_item, outcome="authorised"),
        day=today,
    )
    # The renewal of another pathway, decided on paper and recorded by hand.
    psp.start_renewal(actor=actors["association_worker"], pathway=active_pathway)
    renewal = reviewed_outside(actors, active_pathway)
    outside = cs.record_outside_decision(
        actor=sec, request=renewal, outcome="authorised", day=today, external_reference="ARR-2026-117"
    )
    assert (signed.reference, outside.reference) == (f"{today.year}-0001", f"{today.year}-0002")
    assert outside.origin == PrefectDecision.Origin.OUTSIDE and outside.state == PrefectDecision.State.SIGNED
    renewal.refresh_from_db()
    assert renewal.state == RequestState.AUTHORISED and renewal.decision_reference == outside.reference
    assert active_pathway.periods.count() == 2
    text = pdf_text(pdf_of(outside.document))
    assert f"Décision n° {outside.reference}" in text and "référence ARR-2026-117" in text
    assert "en renouvellement" in text and "PROJET" not in text
    assert set(outside.letters.values_list("addressee", flat=True)) == {
        Letter.Addressee.PERSON,
        Letter.Addressee.AFIS_PAYER,
        Letter.Addressee.IMMIGRATION,
    }
    with pytest.raises(ValidationError):  # the request is decided: no second entry
        cs.record_outside_decision(
            actor=sec, request=renewal, outcome="authorised", day=today, external_reference="ARR-2"
        )


def test_an_outside_decision_needs_its_reference_and_a_refusal_its_reasons(actors, pathway):
    sec = actors["secretariat"]
    request = reviewed_outside(actors, pathway, opinion="unfavourable")
    day = timezone.localdate()
    with pytest.raises(ValidationError, match="référence de l'acte"):
        cs.record_outside_decision(
            actor=sec, request=request, outcome="refused", day=day, external_reference=" "
        )
    with pytest.raises(ValidationError, match="Un refus est motivé"):
        cs.record_outside_decision(
            actor=sec, request=request, outcome="refused", day=day, external_reference="A-1"
        )
    with pytest.raises(ValidationError, match="contre l'avis"):
        cs.record_outside_decision(
            actor=sec, request=request, outcome="authorised", day=day, external_reference="A-1"
        )
    with pytest.raises(PermissionDenied):
        cs.record_outside_decision(
            actor=actors["association_worker"],
            request=request,
            outcome="refused",
            day=day,
            external_reference="A-1",
            motive="Motif",
        )
    assert not PrefectDecision.objects.exists()
    decision = cs.record_outside_decision(
        actor=sec,
        request=request,
        outcome="refused",
        day=day,
        external_reference="A-1",
        motive="Dossier vide",
    )
    assert decision.reference == f"{day.year}-0001"
    assert set(decision.letters.values_list("addressee", flat=True)) == {Letter.Addressee.PERSON}


def test_the_signatory_sends_back_then_signs_the_revised_draft(actors, held_item):
    sec, signatory = actors["secretariat"], actors["signatory"]
    draft = cs.draft_decision(actor=sec, item=held_item, outcome="authorised")
    with pytest.raises(ValidationError, match="Dites au secrétariat"):
        cs.return_decision(actor=signatory, decision=draft, comment="  ")
    returned = cs.return_decision(actor=signatory, decision=draft, comment="Préciser les droits ouverts.")
    assert returned.state == PrefectDecision.State.RETURNED and returned.number is None
    with pytest.raises(ValidationError, match="renvoyée au secrétariat"):
        cs.sign_decision(actor=signatory, decision=returned, day=timezone.localdate())
    page = (
        client_for(sec).get(reverse("commission:decision_detail", args=[returned.public_id])).content.decode()
    )
    assert "Préciser les droits ouverts." in page and 'data-testid="revise-decision"' in page
    revised = cs.revise_decision(actor=sec, decision=returned, outcome="authorised")
    assert revised.state == PrefectDecision.State.DRAFT
    signed = cs.sign_decision(actor=signatory, decision=revised, day=timezone.localdate())
    assert signed.reference.endswith("-0001")


def test_the_prefect_may_decide_otherwise_than_the_opinion_with_reasons(actors, held_item):
    sec, signatory = actors["secretariat"], actors["signatory"]
    draft = cs.draft_decision(actor=sec, item=held_item, outcome="authorised")
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="contre l'avis"):
        cs.sign_decision(actor=signatory, decision=draft, day=today, outcome="refused")
    assert PrefectDecision.objects.get(pk=draft.pk).outcome == "authorised"  # nothing changed
    signed = cs.sign_decision(
        actor=signatory,
        decision=draft,
        day=today,
        outcome="refused",
        divergence_motive="la personne a quitté le département",
    )
    assert signed.outcome == "refused" and signed.request.state == RequestState.REFUSED
    text = pdf_text(pdf_of(signed.document))
    assert "contrairement à l'avis de la commission, la personne a quitté le département" in text
    assert "est refusée" in text


def test_migration_puts_hand_recorded_decisions_in_the_register(actors, active_pathway):
    """A decision recorded by hand before the register (PSP-99-…): migration 0006 numbers it, keeps its
    reference as the external one; its act and letters are produced from its page."""
    request = active_pathway.requests.get()
    assert not PrefectDecision.objects.exists() and request.decision_reference == "REF-1"
    migration = importlib.import_module(
        "parcours.commission.migrations.0008_hand_recorded_decisions_into_register"
    )
    migration.into_register(ModelsAt0008(), None)
    decision = PrefectDecision.objects.get(request=request)
    year = request.decision_date.year
    assert (decision.reference, decision.external_reference) == (f"{year}-0001", "REF-1")
    assert decision.origin == "outside" and decision.state == "signed" and decision.document is None
    request.refresh_from_db()
    assert request.decision_reference == decision.reference
    migration.into_register(ModelsAt0008(), None)  # run twice: nothing more
    assert PrefectDecision.objects.count() == 1
    client = client_for(actors["secretariat"])
    response = client.post(reverse("commission:decision_issue", args=[decision.public_id]), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "L'acte et les courriers de notification sont produits."
    ]
    decision.refresh_from_db()
    assert decision.document.is_frozen and decision.letters.filter(addressee="person").exists()
    assert "référence REF-1" in pdf_text(pdf_of(decision.document))


def test_each_case_once_on_each_board(actors, held_item):
    from parcours.deadlines.selectors import board_for

    sec, signatory = actors["secretariat"], actors["signatory"]
    pseudonym = held_item.request.pathway.person.pseudonym

    def where(actor):
        today = timezone.localdate()
        # The board names the person in `item.person` (the code or, for an association, the name), never in
        # the label; a person's other tasks are folded under their most urgent one (`also`).
        return [
            s.key
            for s in board_for(actor, today)
            for i in s.items
            for j in (i, *i.also)
            if j.person is not None and j.person.pseudonym == pseudonym
        ]

    assert where(sec) == ["decisions_to_prepare"]
    decision = cs.draft_decision(actor=sec, item=held_item, outcome="authorised")
    assert where(sec) == []
    assert where(signatory) == ["decisions_to_sign"]
    cs.return_decision(actor=signatory, decision=decision, comment="À revoir")
    assert where(sec) == ["decisions_returned"] and where(signatory) == []


def test_file_names_are_french_and_name_nobody(actors, pathway):
    sec = actors["secretariat"]
    request = reviewed_outside(actors, pathway)
    decision = cs.record_outside_decision(
        actor=sec, request=request, outcome="authorised", day=timezone.localdate(), external_reference="A-9"
    )
    client = client_for(sec)
    letter = decision.letters.get(addressee="person")
    response = client.get(reverse("commission:letter_download", args=[letter.public_id]))
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="notification-{decision.reference}-personne.pdf"'
    )
    response = client.get(reverse("commission:decision_pdf", args=[decision.public_id]))
    assert response["Content-Disposition"] == f'attachment; filename="decision-{decision.reference}.pdf"'
    assert letter.document.title == "Notification de la décision"  # no internal label in a title
