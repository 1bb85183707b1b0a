"""Unfavourable decisions with a hearing (issue 14, items 2 and 18): the notice of intent handed over, the
time to present observations (CRPA L. 121-1, L. 122-1), the commission's opinion where the setting asks for
it, then the reasoned decision (L. 211-2) with its act and letters; the AFIS stops from the month after the
decision; a withdrawal takes effect no earlier than its notification and lists the pathways to hand over."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pypdf import PdfReader

from parcours.appeals import rules
from parcours.appeals import services as appeals
from parcours.appeals.models import Procedure, ProcedureKind, ProcedureState
from parcours.approvals import rules as approvals_rules
from parcours.approvals.models import Agrement
from parcours.commission import services as cs
from parcours.core import dates
from parcours.core.models import RuleSetting
from parcours.documents.services import pdf_of
from parcours.pathways.models import Afis, PathwayState
from tests.factories import make_actor

pytestmark = pytest.mark.django_db

GROUNDS = "Les engagements du document de suivi ne sont plus tenus depuis quatre mois malgré les relances."


def pdf_text(document) -> str:
    content = pdf_of(document)
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())


def _hand_notice(actors, procedure, day):
    return appeals.record_notice_handover(
        actor=actors["association_worker"], procedure=procedure, day=day, acknowledgement="signed_receipt"
    )


def test_ending_a_pathway_goes_through_notice_observations_opinion_then_the_register(actors, with_afis):
    sec, worker = actors["secretariat"], actors["association_worker"]
    pathway = with_afis
    person = pathway.person
    procedure = appeals.start_procedure(actor=sec, kind=ProcedureKind.END, pathway=pathway, grounds=GROUNDS)
    assert procedure.state == ProcedureState.NOTICE and procedure.opinion_required
    notice = pdf_text(procedure.notice_document)
    assert person.first_name in notice and "mettre fin à votre parcours" in notice
    assert "15 jours" in notice and "L. 122-1" in notice and "commission départementale" in notice
    assert "Les engagements du document de suivi" in notice
    with pytest.raises(ValidationError, match="déjà en cours"):
        appeals.start_procedure(actor=sec, kind=ProcedureKind.END, pathway=pathway, grounds=GROUNDS)

    # Nothing can be decided before the notice is handed over.
    with pytest.raises(ValidationError, match="fin de la procédure contradictoire"):
        appeals.decide_procedure(actor=sec, procedure=procedure, day=timezone.localdate(), motive=GROUNDS)
    # Another association cannot record the handover.
    other = make_actor("association_worker")
    with pytest.raises(PermissionDenied):
        appeals.record_notice_handover(
            actor=other, procedure=procedure, day=timezone.localdate(), acknowledgement="signed_receipt"
        )
    today = timezone.localdate()
    handed = today
    procedure = _hand_notice(actors, procedure, handed)
    assert procedure.observations_until == handed + timedelta(days=15)
    # No observations yet and the time still runs: « none » cannot be recorded.
    with pytest.raises(ValidationError, match="délai d'observations court jusqu'au"):
        appeals.record_observations(actor=sec, procedure=procedure, day=None, text="")
    procedure = appeals.record_observations(
        actor=sec, procedure=procedure, day=today, text="La personne explique une hospitalisation."
    )
    assert procedure.state == ProcedureState.OPINION
    procedure = appeals.record_procedure_opinion(
        actor=sec, procedure=procedure, opinion="favourable", day=today
    )
    assert procedure.state == ProcedureState.READY
    procedure = appeals.decide_procedure(actor=sec, procedure=procedure, day=today, motive=GROUNDS)
    assert procedure.state == ProcedureState.DECIDED and procedure.end_decision is not None
    pathway.refresh_from_db()
    assert pathway.state == PathwayState.ACTIVE  # nothing ends before the signature

    decision = cs.sign_decision(actor=actors["signatory"], decision=procedure.end_decision, day=today)
    pathway.refresh_from_db()
    assert pathway.state == PathwayState.ENDED
    afis = Afis.objects.get(pathway=pathway)
    assert afis.end == dates.first_day_of_next_month(today) - timedelta(days=1)
    assert set(decision.letters.values_list("addressee", flat=True)) == {
        "person",
        "afis_payer",
        "immigration",
    }
    assert worker  # the association hands the letter over from its board (commission tests)


def test_observations_none_after_the_time_and_opinion_not_required_by_the_setting(actors, with_afis):
    sec = actors["secretariat"]
    RuleSetting.objects.create(
        key=rules.COMMISSION_OPINION_SETTING,
        effective_from=date(2020, 1, 1),
        value={"required": False},
        source="test",
    )
    procedure = appeals.start_procedure(
        actor=sec, kind=ProcedureKind.AFIS_STOP, pathway=with_afis, grounds=GROUNDS
    )
    assert not procedure.opinion_required
    today = timezone.localdate()
    procedure = _hand_notice(actors, procedure, today)
    last = procedure.observations_until
    with time_machine.travel(last, tick=False):  # the last day: still open
        with pytest.raises(ValidationError):
            appeals.record_observations(actor=sec, procedure=procedure, day=None, text="")
    with time_machine.travel(last + timedelta(days=1), tick=False):
        procedure = appeals.record_observations(actor=sec, procedure=procedure, day=None, text="")
        assert procedure.state == ProcedureState.READY  # no opinion asked
        assert appeals.earliest_decision_day(procedure) == last + timedelta(days=1)


def _next_month(day: date) -> date:
    return dates.first_day_of_next_month(day)


@pytest.mark.parametrize(
    "when",
    [
        lambda today: _next_month(today),  # the first day of a month: the AFIS stops a month later
        lambda today: _next_month(_next_month(today)) - timedelta(days=1),  # the last day of a month
        lambda today: _next_month(today) + timedelta(days=14),
    ],
    ids=["first-of-month", "last-of-month", "mid-month"],
)
def test_the_afis_stops_from_the_month_after_the_decision_with_act_and_letters(actors, with_afis, when):
    sec, signatory = actors["secretariat"], actors["signatory"]
    today = timezone.localdate()
    decided_on = when(today)
    afis = Afis.objects.get(pathway=with_afis)
    afis.end = decided_on + timedelta(days=120)
    afis.save()
    procedure = appeals.start_procedure(
        actor=sec, kind=ProcedureKind.AFIS_STOP, pathway=with_afis, grounds=GROUNDS
    )
    procedure = _hand_notice(actors, procedure, today)
    procedure = appeals.record_observations(
        actor=sec, procedure=procedure, day=today, text="Observations de la personne."
    )
    procedure = appeals.record_procedure_opinion(
        actor=sec, procedure=procedure, opinion="favourable", day=today
    )
    with time_machine.travel(decided_on, tick=False):
        with pytest.raises(ValidationError, match="motivée"):
            appeals.decide_procedure(actor=signatory, procedure=procedure, day=decided_on, motive=" ")
        procedure = appeals.decide_procedure(
            actor=signatory, procedure=procedure, day=decided_on, motive=GROUNDS
        )
    stop = dates.first_day_of_next_month(decided_on)
    afis.refresh_from_db()
    assert afis.status == Afis.Status.STOPPED and afis.end == stop - timedelta(days=1)
    assert stop.day == 1 and stop > decided_on and (stop - decided_on).days <= 31
    assert afis.end.month == decided_on.month  # due for the whole month of the decision
    assert procedure.decision_reference == f"{decided_on.year}-0001"
    act = pdf_text(procedure.decision_document)
    assert f"Décision n° {procedure.decision_reference}" in act and "L. 211-2" in act
    assert "cesse d'être versée à compter du" in act and "Considérant que Les engagements" in act
    assert "observations présentées" in act and "Vu l'avis de la commission" in act
    person_letter = pdf_text(procedure.letter_document)
    assert with_afis.person.first_name in person_letter and "deux mois" in person_letter
    payer = pdf_text(procedure.payer_letter_document)
    assert "MSA fictive" in payer and "reste due pour le mois de la décision" in payer
    assert "engagements" not in payer  # the payer learns the stop, not its reasons
    with_afis.refresh_from_db()
    assert with_afis.state == PathwayState.ACTIVE  # the pathway goes on
    # The person's letter handed over: the appeal deadline runs; an appeal can be recorded against it.
    handed = decided_on + timedelta(days=2)
    with time_machine.travel(handed, tick=False):
        procedure = appeals.record_decision_handover(
            actor=actors["association_worker"],
            procedure=procedure,
            day=handed,
            acknowledgement="handed_unsigned",
        )
        assert procedure.appeal_deadline == rules.appeal_deadline(handed)
        appeal = appeals.record_appeal(
            actor=sec,
            obj=procedure,
            kind="gracieux",
            author="person",
            lodged_on=handed,
            grounds="La personne conteste.",
        )
    assert appeal.target == "afis_stop"


def test_a_decision_before_the_end_of_the_time_to_observe_is_refused(actors, with_afis):
    sec = actors["secretariat"]
    RuleSetting.objects.create(
        key=rules.COMMISSION_OPINION_SETTING,
        effective_from=date(2020, 1, 1),
        value={"required": False},
        source="test",
    )
    procedure = appeals.start_procedure(
        actor=sec, kind=ProcedureKind.AFIS_STOP, pathway=with_afis, grounds=GROUNDS
    )
    procedure = _hand_notice(actors, procedure, timezone.localdate())
    with time_machine.travel(procedure.observations_until + timedelta(days=1), tick=False):
        procedure = appeals.record_observations(actor=sec, procedure=procedure, day=None, text="")
        with pytest.raises(ValidationError, match="précéder la fin de la procédure"):
            appeals.decide_procedure(
                actor=sec, procedure=procedure, day=procedure.observations_until, motive=GROUNDS
            )
    assert Afis.objects.get(pathway=with_afis).status == Afis.Status.GRANTED


def test_withdrawal_of_an_agrement_with_a_hearing_then_the_pathways_to_hand_over(
    actors, association, active_pathway
):
    sec = actors["secretariat"]
    agrement = Agrement.objects.get(organisation=association)
    procedure = appeals.start_procedure(
        actor=sec, kind=ProcedureKind.WITHDRAWAL, agrement=agrement, grounds=GROUNDS
    )
    notice = pdf_text(procedure.notice_document)
    assert association.name in notice and "retirer cet agrément" in notice and "notification" in notice
    # The association does not record the receipt of its own notice: the secretariat does.
    with pytest.raises(PermissionDenied):
        appeals.record_notice_handover(
            actor=actors["association_manager"],
            procedure=procedure,
            day=timezone.localdate(),
            acknowledgement="registered_mail",
        )
    received = timezone.localdate()
    procedure = appeals.record_notice_handover(
        actor=sec, procedure=procedure, day=received, acknowledgement="registered_mail"
    )
    decided = procedure.observations_until + timedelta(days=1)
    with time_machine.travel(decided, tick=False):
        procedure = appeals.record_observations(actor=sec, procedure=procedure, day=None, text="")
        # The commission's opinion on an agrément is optional by default (approvals'
        # commission_opinion_required): the decision follows the observations.
        assert not procedure.opinion_required
        procedure = appeals.decide_procedure(actor=sec, procedure=procedure, day=decided, motive=GROUNDS)
    agrement.refresh_from_db()
    assert agrement.withdrawn_on is None  # no effect before the notification
    assert list(appeals.pathways_to_hand_over(procedure)) == []
    act = pdf_text(procedure.decision_document)
    assert "L'agrément de" in act and "date de notification" in act and "autre association agréée" in act
    notified_on = decided + timedelta(days=3)
    with time_machine.travel(notified_on, tick=False):
        with pytest.raises(ValidationError, match="précéder la décision"):
            appeals.record_decision_handover(
                actor=sec,
                procedure=procedure,
                day=decided - timedelta(days=1),
                acknowledgement="registered_mail",
            )
        procedure = appeals.record_decision_handover(
            actor=sec, procedure=procedure, day=notified_on, acknowledgement="registered_mail"
        )
    agrement.refresh_from_db()
    assert agrement.withdrawn_on == notified_on == procedure.effective_on
    assert notified_on == approvals_rules.earliest_withdrawal_effect(notified_on)  # the rule both paths share
    # The hearing is kept on the agrément, as for a withdrawal decided outside Parcours.
    assert (agrement.hearing_notice_on, agrement.withdrawal_notified_on) == (received, notified_on)
    assert list(appeals.pathways_to_hand_over(procedure)) == [active_pathway]
    # The agrément's page offers the same list (appeals' block, whichever way the agrément was withdrawn).
    assert list(appeals.pathways_after_withdrawal(association, agrement, notified_on)) == [active_pathway]
    assert not appeals.pathways_after_withdrawal(association, agrement, notified_on - timedelta(days=1))
    with time_machine.travel(notified_on, tick=False):
        appeal = appeals.record_appeal(
            actor=sec,
            obj=agrement,
            kind="contentieux",
            author="association",
            lodged_on=notified_on,
            grounds="Conteste",
            court_reference="2609999",
        )
    assert appeal.target == "agrement_withdrawn"


def test_an_abandoned_measure_closes_the_procedure(actors, with_afis):
    sec = actors["secretariat"]
    procedure = appeals.start_procedure(actor=sec, kind=ProcedureKind.END, pathway=with_afis, grounds=GROUNDS)
    with pytest.raises(ValidationError, match="pourquoi"):
        appeals.abandon_procedure(actor=sec, procedure=procedure, reason="")
    procedure = appeals.abandon_procedure(
        actor=sec, procedure=procedure, reason="La personne a repris contact."
    )
    assert procedure.state == ProcedureState.ABANDONED
    labels = [e.label for e in with_afis.events.all()]
    assert "Mesure envisagée (fin du parcours de sortie) : préavis à remettre" in labels
    assert "Mesure abandonnée (fin du parcours de sortie)" in labels
    assert not any("repris contact" in label for label in labels)  # the reasons stay off the timeline
    # A new procedure can start again later.
    assert appeals.start_procedure(actor=sec, kind=ProcedureKind.END, pathway=with_afis, grounds=GROUNDS)
    assert Procedure.objects.filter(pathway=with_afis).count() == 2


def test_start_refused_without_grounds_or_afis(actors, active_pathway):
    sec = actors["secretariat"]
    with pytest.raises(ValidationError, match="motivée"):
        appeals.start_procedure(actor=sec, kind=ProcedureKind.END, pathway=active_pathway, grounds=" ")
    Afis.objects.filter(pathway=active_pathway).update(status=Afis.Status.REQUESTED)
    with pytest.raises(ValidationError, match="ne perçoit pas l'AFIS"):
        appeals.start_procedure(
            actor=sec, kind=ProcedureKind.AFIS_STOP, pathway=active_pathway, grounds=GROUNDS
        )
    assert not Procedure.objects.exists()


def test_no_withdrawal_recorded_outside_parcours_while_its_procedure_is_under_way(actors, association):
    """The direct form would take the decision out of the procedure Parcours holds: refused in French,
    nothing withdrawn; once the procedure is abandoned, the withdrawal decided outside can be recorded."""
    from parcours.approvals import services as approvals

    sec = actors["secretariat"]
    agrement = Agrement.objects.get(organisation=association)
    procedure = appeals.start_procedure(
        actor=sec, kind=ProcedureKind.WITHDRAWAL, agrement=agrement, grounds=GROUNDS
    )
    today = timezone.localdate()
    outside = {
        "day": today,
        "motive": "Conditions de l'agrément plus remplies",
        "hearing_notice_on": max(agrement.valid_from, today - timedelta(days=30)),
        "notified_on": today,
    }
    with pytest.raises(ValidationError, match="procédure contradictoire de retrait est en cours"):
        approvals.withdraw_agrement(actor=sec, agrement=agrement, **outside)
    agrement.refresh_from_db()
    assert agrement.withdrawn_on is None
    appeals.abandon_procedure(actor=sec, procedure=procedure, reason="Mesure abandonnée")
    approvals.withdraw_agrement(actor=sec, agrement=agrement, **outside)
    agrement.refresh_from_db()
    assert agrement.withdrawn_on == today
