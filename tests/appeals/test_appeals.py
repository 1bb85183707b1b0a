"""Appeals against a refusal: recorded against the register's decision, answered, and after an annulment the
request examined again (issue 14, item 1). Bad input is refused in French and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parcours.appeals import rules
from parcours.appeals import services as appeals
from parcours.appeals.board import appeal_deadlines, appeals_board
from parcours.appeals.models import Appeal, AppealOutcome, AppealTarget
from parcours.commission import services as cs
from parcours.commission.models import Letter
from parcours.pathways import services as psp
from parcours.pathways.models import PathwayState, RequestState
from tests.appeals.conftest import refuse_in_register
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

GROUNDS = "La personne conteste l'appréciation de son projet d'insertion."


def _appeal(actors, decision, **kw):
    data = {"kind": "gracieux", "author": "person", "lodged_on": timezone.localdate(), "grounds": GROUNDS}
    data.update(kw)
    return appeals.record_appeal(actor=actors["secretariat"], obj=decision, **data)


def test_a_refusal_appealed_annulled_and_reexamined(actors, notified):
    sec = actors["secretariat"]
    appeal = _appeal(actors, notified, kind="contentieux", court_reference="2601234")
    assert appeal.target == AppealTarget.REFUSAL and appeal.outcome == AppealOutcome.PENDING
    today = timezone.localdate()
    appeal = appeals.record_outcome(
        actor=sec, appeal=appeal, outcome="annulled", day=today, note="Erreur d'appréciation"
    )
    assert appeal.awaits_reexamination
    # The board of the secretariat shows the re-examination to open.
    sections = {s.key: s for s in appeals_board(sec, today)}
    assert sections["appeals_to_reexamine"].count == 1 and sections["appeals_pending"].count == 0

    old = notified.request
    appeal = appeals.open_reexamination(actor=sec, appeal=appeal, day=today)
    pathway = old.pathway
    pathway.refresh_from_db()
    again = appeal.reexamination_request
    assert pathway.state == PathwayState.IN_INSTRUCTION
    assert again.state == RequestState.READY and again.submitted_on == today and again != old
    assert again.association_opinion == old.association_opinion
    assert again.objectives.count() == old.objectives.count()
    assert sorted(again.documents.values_list("kind", flat=True)) == sorted(
        old.documents.values_list("kind", flat=True)
    )
    copied = again.documents.first()
    with copied.file.open("rb") as f:
        assert f.read().startswith(b"%PDF")
    assert any(
        e.label.startswith("Demande réexaminée après annulation du refus") for e in pathway.events.all()
    )
    # The refused request keeps its refusal and its register number: the history is kept.
    old.refresh_from_db()
    assert old.state == RequestState.REFUSED
    # Once only.
    with pytest.raises(ValidationError, match="une fois"):
        appeals.open_reexamination(actor=sec, appeal=appeal, day=today)
    # The new request goes the ordinary way: opinion, then a decision in the register.
    psp.record_opinion(actor=sec, request=again, opinion="favourable", day=today, motive="Projet repris")
    decision = cs.record_outside_decision(
        actor=sec, request=again, outcome="authorised", day=today, external_reference="ARR-2"
    )
    pathway.refresh_from_db()
    assert pathway.state == PathwayState.ACTIVE and decision.reference


def test_what_cannot_be_appealed_and_bad_input(actors, notified, active_pathway):
    sec = actors["secretariat"]
    before = Appeal.objects.count()
    authorised = active_pathway.requests.get()
    signed_authorisation = cs.record_outside_decision  # an authorisation is not an unfavourable decision
    assert signed_authorisation
    with pytest.raises(ValidationError, match="futur"):
        _appeal(actors, notified, lodged_on=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError, match="précéder la décision contestée"):
        _appeal(actors, notified, lodged_on=notified.signed_on - timedelta(days=1))
    with pytest.raises(ValidationError, match="numéro de la requête"):
        _appeal(actors, notified, kind="refere")
    with pytest.raises(ValidationError, match="moyens"):
        _appeal(actors, notified, grounds="   ")
    with pytest.raises(PermissionDenied):
        appeals.record_appeal(
            actor=actors["association_worker"],
            obj=notified,
            kind="gracieux",
            author="person",
            lodged_on=timezone.localdate(),
            grounds=GROUNDS,
        )
    assert Appeal.objects.count() == before
    assert authorised.state == RequestState.AUTHORISED

    appeal = _appeal(actors, notified)
    with pytest.raises(ValidationError, match="référé"):
        appeals.record_outcome(actor=sec, appeal=appeal, outcome="suspended", day=timezone.localdate())
    with pytest.raises(ValidationError, match="précéder le recours"):
        appeals.record_outcome(
            actor=sec, appeal=appeal, outcome="rejected", day=appeal.lodged_on - timedelta(days=1)
        )
    appeals.record_outcome(actor=sec, appeal=appeal, outcome="rejected", day=timezone.localdate())
    with pytest.raises(ValidationError, match="déjà enregistrée"):
        appeals.record_outcome(actor=sec, appeal=appeal, outcome="annulled", day=timezone.localdate())
    with pytest.raises(ValidationError, match="après l'annulation"):
        appeals.open_reexamination(actor=sec, appeal=appeal, day=timezone.localdate())


def test_an_administrative_appeal_unanswered_is_rejected_after_two_months(actors, notified):
    appeal = _appeal(actors, notified, lodged_on=timezone.localdate() - timedelta(days=3))
    assert appeal.implicit_rejection_on == rules.implicit_decision_on(appeal.lodged_on)
    court = _appeal(actors, notified, kind="contentieux", court_reference="2600001")
    assert court.implicit_rejection_on is None


def test_reexamination_refused_when_the_person_has_another_open_pathway(actors, notified, association):
    sec = actors["secretariat"]
    appeal = _appeal(actors, notified)
    appeals.record_outcome(actor=sec, appeal=appeal, outcome="annulled", day=timezone.localdate())
    psp.start_pathway(actor=actors["association_worker"], person=notified.pathway.person)
    with pytest.raises(ValidationError, match="autre parcours"):
        appeals.open_reexamination(actor=sec, appeal=appeal, day=timezone.localdate())
    appeal.refresh_from_db()
    assert appeal.reexamined_on is None


def test_the_deadline_is_on_the_board_until_its_last_day_and_not_after(actors, refused):
    sec, worker = actors["secretariat"], actors["association_worker"]
    letter = refused.letters.get(addressee=Letter.Addressee.PERSON)
    day = timezone.localdate() - timedelta(days=5)
    assert appeal_deadlines(sec, timezone.localdate()) == []  # not notified: no deadline runs
    cs.record_letter_handover(actor=worker, letter=letter, day=day, acknowledgement="signed_receipt")
    deadline = rules.appeal_deadline(day)
    for actor in (sec, worker):
        rows = appeal_deadlines(actor, deadline)
        assert [r.deadline for r in rows] == [deadline]
        assert appeal_deadlines(actor, deadline + timedelta(days=1)) == []
    section = {s.key: s for s in appeals_board(worker, timezone.localdate())}["appeal_deadlines"]
    assert section.items[0].due == deadline and section.items[0].due_label == "recours possible jusqu'au"
    # Another association does not see it.
    from tests.factories import make_actor

    other = make_actor("association_worker", organisation=_other_association(refused))
    assert appeal_deadlines(other, timezone.localdate()) == []


def _other_association(decision):
    from parcours.core.models import OrganisationKind
    from tests.factories import OrganisationFactory

    return OrganisationFactory(departement=decision.departement, kind=OrganisationKind.ASSOCIATION)


def test_the_notification_date_cannot_precede_the_signature_nor_be_in_the_future(actors, refused):
    worker = actors["association_worker"]
    letter = refused.letters.get(addressee=Letter.Addressee.PERSON)
    with pytest.raises(ValidationError, match="précéder la signature"):
        cs.record_letter_handover(
            actor=worker,
            letter=letter,
            day=refused.signed_on - timedelta(days=1),
            acknowledgement="signed_receipt",
        )
    with pytest.raises(ValidationError, match="futur"):
        cs.record_letter_handover(
            actor=worker,
            letter=letter,
            day=timezone.localdate() + timedelta(days=1),
            acknowledgement="signed_receipt",
        )
    # The signature day itself is the earliest notification: the deadline counts from it.
    cs.record_letter_handover(
        actor=worker, letter=letter, day=refused.signed_on, acknowledgement="signed_receipt"
    )
    letter.refresh_from_db()
    assert letter.appeal_deadline == rules.appeal_deadline(refused.signed_on)


def test_a_time_travel_across_the_deadline(actors, notified):
    """Seen from the last day the decision is still appealable; the next day the pathway page says the
    deadline passed."""
    import html

    from tests.conftest import client_for

    letter = notified.letters.get(addressee=Letter.Addressee.PERSON)
    deadline = letter.appeal_deadline
    url = f"/parcours/{notified.pathway.public_id}/decisions-et-fin/"
    with time_machine.travel(deadline, tick=False):
        page = html.unescape(client_for(actors["secretariat"]).get(url).content.decode())
        shown = f'<strong data-testid="decision-appeal-deadline">{deadline:%d/%m/%Y}</strong>.'
        assert "recours possible jusqu'au " + shown in page
        assert "délai échu" not in page
    with time_machine.travel(deadline + timedelta(days=1), tick=False):
        page = html.unescape(client_for(actors["secretariat"]).get(url).content.decode())
        assert "(délai échu)" in page


def test_another_refusal_in_the_same_departement_is_independent(actors, association, notified):
    person = PersonFactory(organisation=association, created_by=actors["association_worker"].user)
    pathway = psp.start_pathway(actor=actors["association_worker"], person=person)
    other = refuse_in_register(actors, pathway, day=timezone.localdate())
    appeal = _appeal(actors, other)
    assert appeal.decision == other and Appeal.objects.filter(decision=notified).count() == 0


def test_an_end_annulled_is_reexamined_with_what_is_done(actors, active_pathway):
    sec = actors["secretariat"]
    end = cs.record_outside_end_decision(
        actor=sec,
        pathway=active_pathway,
        day=timezone.localdate(),
        external_reference="ARR-F",
        motive="Motifs",
        hearing_notice_on=timezone.localdate() - timedelta(days=20),
    )
    appeal = _appeal(actors, end)
    assert appeal.target == AppealTarget.END
    appeal = appeals.record_outcome(actor=sec, appeal=appeal, outcome="annulled", day=timezone.localdate())
    with pytest.raises(ValidationError, match="suite donnée"):
        appeals.open_reexamination(actor=sec, appeal=appeal, day=timezone.localdate())
    appeal = appeals.open_reexamination(
        actor=sec,
        appeal=appeal,
        day=timezone.localdate(),
        note="Nouvelle demande préparée avec l'association.",
    )
    assert appeal.reexamined_on == timezone.localdate() and appeal.reexamination_request is None


def test_a_refused_agrement_can_be_appealed_by_the_association(actors, association):
    from parcours.approvals import services as approvals
    from parcours.approvals.models import AgrementApplication, ApplicationState

    application = approvals.start_application(actor=actors["association_manager"])
    with pytest.raises(ValidationError, match="refus d'agrément"):
        _appeal(actors, application)
    AgrementApplication.objects.filter(pk=application.pk).update(
        state=ApplicationState.REFUSED, decided_on=timezone.localdate(), decision="refused"
    )
    application.refresh_from_db()
    appeal = _appeal(actors, application, author="association")
    assert appeal.target == AppealTarget.AGREMENT_REFUSED
    from parcours.appeals.selectors import appeals_visible_to

    assert list(appeals_visible_to(actors["association_manager"])) == [appeal]
