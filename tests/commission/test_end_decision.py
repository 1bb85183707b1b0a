"""The end of a pathway decided by the prefect is a decision of the one register (issue 11, item 5): drafted
by the secretariat with its reasons at the end of the procedure in which the person was heard (issue 14:
the notice's day is required), signed (number, act, letters) or sent back; or recorded from an act signed
outside Parcours, with the day its notice was handed over. The pathway ends on the signature day; the AFIS
is still due that month and stops from the next one."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from parcours.commission import services as cs
from parcours.commission.models import Letter, PrefectDecision
from parcours.core import dates
from parcours.documents.services import pdf_of
from parcours.pathways import services as psp
from parcours.pathways.models import Afis, EndReason, PathwayState
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

MOTIVE = "Les engagements du parcours ne sont plus tenus depuis quatre mois malgré les relances."


def notice_day():
    """The day the notice of the procedure was handed over: before the decision, the time to answer over."""
    return timezone.localdate() - timedelta(days=20)


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


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


def test_the_secretariat_drafts_the_signatory_signs_and_the_pathway_ends_in_the_register(actors, with_afis):
    sec, signatory = actors["secretariat"], actors["signatory"]
    pathway = with_afis
    draft = cs.draft_end_decision(actor=sec, pathway=pathway, motive=MOTIVE, hearing_notice_on=notice_day())
    assert draft.state == PrefectDecision.State.DRAFT and draft.reference == ""
    pathway.refresh_from_db()
    assert pathway.state == PathwayState.ACTIVE  # nothing ends before the signature
    assert "PROJET" in pdf_text(pdf_of(draft.document))
    with pytest.raises(ValidationError, match="déjà préparée"):
        cs.draft_end_decision(actor=sec, pathway=pathway, motive=MOTIVE, hearing_notice_on=notice_day())

    today = timezone.localdate()
    signed = cs.sign_decision(actor=signatory, decision=draft, day=today)
    assert signed.reference == f"{today.year}-0001" and signed.state == PrefectDecision.State.SIGNED
    pathway.refresh_from_db()
    assert pathway.state == PathwayState.ENDED and pathway.end_reason == EndReason.ENDED_BY_PREFECT
    afis = Afis.objects.get(pathway=pathway)
    assert afis.status == Afis.Status.STOPPED
    assert afis.end == dates.first_day_of_next_month(today) - timedelta(days=1)  # due for the month
    text = pdf_text(pdf_of(signed.document))
    assert f"Décision n° {signed.reference}" in text and "Il est mis fin au parcours" in text
    assert "PROJET" not in text and MOTIVE.split(" depuis")[0] in text
    assert "cesse d'être versée à compter du" in text
    # The person (through the association), the AFIS payer and the foreigners' service are told.
    assert set(signed.letters.values_list("addressee", flat=True)) == {
        Letter.Addressee.PERSON,
        Letter.Addressee.AFIS_PAYER,
        Letter.Addressee.IMMIGRATION,
    }
    person_letter = pdf_text(pdf_of(signed.letters.get(addressee=Letter.Addressee.PERSON).document))
    assert "fin à votre parcours" in person_letter and "deux mois" in person_letter


def test_the_same_numbering_as_every_other_decision_and_the_end_form_no_longer_ends_by_prefect(
    actors, active_pathway
):
    sec = actors["secretariat"]
    with pytest.raises(ValidationError, match="est une décision"):
        psp.end_pathway(
            actor=sec, pathway=active_pathway, reason=EndReason.ENDED_BY_PREFECT, day=timezone.localdate()
        )
    today = timezone.localdate()
    outside = cs.record_outside_end_decision(
        actor=sec,
        pathway=active_pathway,
        day=today,
        external_reference="ARR-FIN-12",
        motive=MOTIVE,
        hearing_notice_on=notice_day(),
    )
    assert outside.origin == PrefectDecision.Origin.OUTSIDE and outside.reference == f"{today.year}-0001"
    active_pathway.refresh_from_db()
    assert active_pathway.state == PathwayState.ENDED
    assert "référence ARR-FIN-12" in pdf_text(pdf_of(outside.document))
    with pytest.raises(ValidationError, match="Seul un parcours autorisé"):
        cs.draft_end_decision(
            actor=sec, pathway=active_pathway, motive=MOTIVE, hearing_notice_on=notice_day()
        )


def test_an_end_decision_states_its_reasons_and_cannot_be_dated_in_the_future(actors, active_pathway):
    sec = actors["secretariat"]
    with pytest.raises(ValidationError) as exc:
        cs.draft_end_decision(actor=sec, pathway=active_pathway, motive="  ", hearing_notice_on=notice_day())
    assert "motive" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        cs.record_outside_end_decision(
            actor=sec,
            pathway=active_pathway,
            day=timezone.localdate() + timedelta(days=1),
            external_reference="ARR-1",
            motive=MOTIVE,
            hearing_notice_on=notice_day(),
        )
    assert "day" in exc.value.message_dict
    assert not PrefectDecision.objects.exists()


def test_sent_back_then_revised_then_signed(actors, active_pathway):
    sec, signatory = actors["secretariat"], actors["signatory"]
    draft = cs.draft_end_decision(
        actor=sec, pathway=active_pathway, motive=MOTIVE, hearing_notice_on=notice_day()
    )
    cs.return_decision(actor=signatory, decision=draft, comment="Précisez les relances faites.")
    revised = cs.revise_end_decision(actor=sec, decision=draft, motive=MOTIVE + " Trois relances écrites.")
    assert revised.state == PrefectDecision.State.DRAFT
    with pytest.raises(ValidationError):  # an end decision is signed as drafted, not turned into another
        cs.sign_decision(actor=signatory, decision=revised, day=timezone.localdate(), outcome="authorised")
    cs.sign_decision(actor=signatory, decision=revised, day=timezone.localdate())
    active_pathway.refresh_from_db()
    assert active_pathway.state == PathwayState.ENDED


def test_no_end_without_the_person_heard(actors, active_pathway):
    """An end is an unfavourable decision (CRPA L. 121-1, L. 122-1): no draft without the notice's day, no
    act signed outside Parcours without it or with a notice handed over on or after the decision's day."""
    sec, today = actors["secretariat"], timezone.localdate()
    with pytest.raises(ValidationError, match="procédure contradictoire"):
        cs.draft_end_decision(actor=sec, pathway=active_pathway, motive=MOTIVE, hearing_notice_on=None)
    for notice, expected in ((None, "procédure contradictoire"), (today, "précède celle de la décision")):
        with pytest.raises(ValidationError, match=expected) as exc:
            cs.record_outside_end_decision(
                actor=sec,
                pathway=active_pathway,
                day=today,
                external_reference="ARR-2",
                motive=MOTIVE,
                hearing_notice_on=notice,
            )
        assert "hearing_notice_on" in exc.value.message_dict
    assert not PrefectDecision.objects.exists()
    draft = cs.draft_end_decision(
        actor=sec, pathway=active_pathway, motive=MOTIVE, hearing_notice_on=notice_day()
    )
    text = pdf_text(pdf_of(draft.document))
    assert "Vu le préavis motivé remis à" in text and f"le {notice_day().day}" in text


def test_pages_the_end_is_prepared_through_the_procedure_and_signed_with_confirmation(actors, active_pathway):
    sec, signatory = client_for(actors["secretariat"]), client_for(actors["signatory"])
    page = sec.get(reverse("pathways:detail_decisions", args=[active_pathway.public_id]))
    assert reverse("commission:end_decision", args=[active_pathway.public_id]) in page.content.decode()
    assert 'value="ended_by_prefect"' not in page.content.decode()  # not a fact one records
    url = reverse("commission:end_decision", args=[active_pathway.public_id])
    ways = sec.get(url).content.decode()
    # No draft form here any more: the decision is prepared at the end of the procedure, which the page links.
    assert 'name="projet-motive"' not in ways
    assert reverse("appeals:procedure_start", args=[active_pathway.public_id, "fin"]) in ways
    # The former draft route is now the outside act's form: incomplete, it records nothing.
    old_route = sec.post(url, {"voie": "projet", "projet-motive": MOTIVE})
    assert old_route.status_code == 200 and "Erreur" in old_route.content.decode()
    assert not PrefectDecision.objects.exists()
    decision = cs.draft_end_decision(
        actor=actors["secretariat"], pathway=active_pathway, motive=MOTIVE, hearing_notice_on=notice_day()
    )
    board = signatory.get(reverse("home")).content.decode()
    assert "fin du parcours" in board and active_pathway.person.pseudonym in board
    sign_url = reverse("commission:decision_sign", args=[decision.public_id])
    day = timezone.localdate().strftime("%Y-%m-%d")
    asked = signatory.post(sign_url, {"day": day})
    assert "Le parcours de" in asked.content.decode() and "prend fin" in asked.content.decode()
    decision.refresh_from_db()
    assert decision.state == PrefectDecision.State.DRAFT  # nothing before the confirmation
    signatory.post(sign_url, {"day": day, "confirmation": "oui"})
    decision.refresh_from_db()
    assert decision.state == PrefectDecision.State.SIGNED
    detail = sec.get(reverse("commission:decision_detail", args=[decision.public_id])).content.decode()
    assert f"Décision n° {decision.reference}" in detail and "Fin du parcours" in detail
    assert f"préavis remis à la personne le {notice_day():%d/%m/%Y}" in detail


def test_an_outside_act_is_confirmed_before_it_is_registered(actors, active_pathway):
    sec = client_for(actors["secretariat"])
    url = reverse("commission:end_decision", args=[active_pathway.public_id])
    data = {
        "acte-external_reference": "ARR-77",
        "acte-hearing_notice_on": notice_day().strftime("%Y-%m-%d"),
        "acte-day": timezone.localdate().strftime("%Y-%m-%d"),
        "acte-motive": MOTIVE,
    }
    bad = sec.post(url, {**data, "acte-day": "pas une date", "confirmation": "oui"})
    assert bad.status_code == 200 and "Erreur" in bad.content.decode()
    late = sec.post(url, {**data, "acte-hearing_notice_on": data["acte-day"]})  # checked before the question
    assert late.status_code == 200 and "précède celle de la décision" in late.content.decode()
    assert not PrefectDecision.objects.exists()
    asked = sec.post(url, data)
    assert "Oui, enregistrer la décision" in asked.content.decode()
    assert not PrefectDecision.objects.exists()
    sec.post(url, {**data, "confirmation": "oui"})
    assert PrefectDecision.objects.get().external_reference == "ARR-77"
    again = sec.post(url, {**data, "confirmation": "oui"}, follow=True)  # the pathway has ended
    assert "Seul un parcours autorisé" in again.content.decode()
    assert PrefectDecision.objects.count() == 1


def test_out_of_scope_roles_do_not_reach_the_page(actors, active_pathway):
    url = reverse("commission:end_decision", args=[active_pathway.public_id])
    for role in ("association_worker", "commission_member", "partner_advisor", "admin", "national_analyst"):
        assert client_for(actors[role]).get(url).status_code in (403, 404), role
