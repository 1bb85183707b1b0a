"""The commission at work through its services: composition, agenda, convocations, quorum, opinions."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parcours.commission import rules
from parcours.commission import services as cs
from parcours.commission.models import (
    AgendaItem,
    Arrete,
    Convocation,
    Mandate,
    MeetingKind,
    MeetingState,
    Recusal,
)
from parcours.commission.selectors import mandates_ending, request_pool, visible_items
from parcours.pathways.models import RequestState

from .conftest import in_days, ready_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def sec(actors):
    return actors["secretariat"]


@pytest.fixture
def ready(actors, pathway):
    return ready_request(actors, pathway)


def restricted_meeting(sec, days=10):
    return cs.schedule_meeting(
        actor=sec, kind=MeetingKind.RESTRICTED, starts_at=in_days(days), place="Préfecture, salle 2"
    )


# --- Composition ---


def test_three_year_mandates_by_default(sec):
    day = timezone.localdate().replace(month=3, day=1)
    arrete = cs.create_arrete(
        actor=sec, reference="A-1", signed_on=day - timedelta(days=400), mandate_start=day
    )
    assert arrete.mandate_end == day.replace(year=day.year + rules.MANDATE_YEARS) - timedelta(days=1)


def test_an_arrete_reference_is_unique_and_dates_are_checked(sec, commission):
    with pytest.raises(ValidationError, match="déjà cette référence"):
        cs.create_arrete(
            actor=sec,
            reference=commission.arrete.reference,
            signed_on=timezone.localdate(),
            mandate_start=timezone.localdate(),
        )
    with pytest.raises(ValidationError, match="suivre leur début"):
        cs.create_arrete(
            actor=sec,
            reference="B",
            signed_on=timezone.localdate(),
            mandate_start=timezone.localdate(),
            mandate_end=timezone.localdate() - timedelta(days=1),
        )


def test_a_seat_has_one_titular_at_a_time(sec, commission, departement):
    from .conftest import member

    other = member(departement)
    with pytest.raises(ValidationError, match="déjà un·e titulaire"):
        cs.appoint(actor=sec, seat=commission.seats["doctor"], member=other.user, kind=Mandate.Kind.TITULAR)


def test_only_commission_members_can_be_appointed(sec, commission, actors):
    with pytest.raises(ValidationError, match="membre de la commission"):
        cs.appoint(
            actor=sec,
            seat=commission.seats["doctor"],
            member=actors["association_worker"].user,
            kind=Mandate.Kind.TITULAR,
        )


def test_mandates_ending_within_90_days_without_successor(sec, commission, departement):
    from .conftest import member

    today = timezone.localdate()
    doctor = commission.mandates["doctor"]
    Mandate.objects.filter(pk=doctor.pk).update(end=today + timedelta(days=30))
    Mandate.objects.filter(pk=commission.mandates["police"].pk).update(end=today + timedelta(days=120))
    ending = list(mandates_ending(departement, today))
    assert ending == [Mandate.objects.get(pk=doctor.pk)]
    successor = member(departement)
    cs.appoint(
        actor=sec,
        seat=commission.seats["doctor"],
        member=successor.user,
        kind=Mandate.Kind.TITULAR,
        start=today + timedelta(days=31),
        end=today + timedelta(days=31 + 3 * 365),
    )
    assert list(mandates_ending(departement, today)) == []


# --- Agenda ---


def test_ready_request_goes_on_the_agenda_once(sec, commission, ready):
    meeting = restricted_meeting(sec)
    assert list(request_pool(sec.departement)) == [ready]
    item = cs.add_request_item(actor=sec, meeting=meeting, request=ready)
    assert item.title.endswith(ready.pathway.person.pseudonym)
    assert list(request_pool(sec.departement)) == []
    other = restricted_meeting(sec, days=20)
    with pytest.raises(ValidationError, match="déjà inscrite"):
        cs.add_request_item(actor=sec, meeting=other, request=ready)


def test_requests_go_to_restricted_meetings_only(sec, commission, ready):
    plenary = cs.schedule_meeting(
        actor=sec, kind=MeetingKind.PLENARY, starts_at=in_days(10), video_link="https://visio.example/x"
    )
    with pytest.raises(ValidationError, match="formation restreinte"):
        cs.add_request_item(actor=sec, meeting=plenary, request=ready)


def test_a_draft_request_cannot_be_put_on_the_agenda(sec, commission, pathway):
    meeting = restricted_meeting(sec)
    with pytest.raises(ValidationError, match="prête pour la commission"):
        cs.add_request_item(actor=sec, meeting=meeting, request=pathway.requests.get())


def test_a_meeting_cannot_be_in_the_past_nor_without_place(sec):
    with pytest.raises(ValidationError, match="dans le passé"):
        cs.schedule_meeting(actor=sec, kind=MeetingKind.PLENARY, starts_at=in_days(-1), place="Salle")
    with pytest.raises(ValidationError, match="lieu ou un lien"):
        cs.schedule_meeting(actor=sec, kind=MeetingKind.PLENARY, starts_at=in_days(3))


def test_the_presenting_association_is_recused_automatically(sec, commission, ready):
    meeting = restricted_meeting(sec)
    item = cs.add_request_item(actor=sec, meeting=meeting, request=ready)
    recused = set(item.recusals.values_list("mandate", flat=True))
    assert recused == {commission.mandates["association"].pk, commission.mandates["association-sub"].pk}


def test_only_the_secretariat_manages_the_commission(actors, commission, ready):
    for role in ("association_worker", "signatory", "commission_member"):
        with pytest.raises(PermissionDenied):
            cs.schedule_meeting(
                actor=actors[role], kind=MeetingKind.PLENARY, starts_at=in_days(9), place="Salle"
            )


# --- Convocations ---


def test_convene_titulars_of_seats_on_individual_files(sec, commission, ready):
    meeting = restricted_meeting(sec)
    cs.add_request_item(actor=sec, meeting=meeting, request=ready)
    convocations = cs.convene(actor=sec, meeting=meeting)
    convened = {c.mandate_id for c in convocations}
    expected = {commission.mandates[n].pk for n in ("magistrate", "police", "doctor", "association")}
    assert convened == expected  # titulars only; the département's president does not sit on individual files
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CONVENED and meeting.convened_at is not None


def test_convocation_needs_an_agenda_and_five_days_notice(sec, commission, ready):
    meeting = restricted_meeting(sec, days=3)
    with pytest.raises(ValidationError, match="ordre du jour est vide"):
        cs.convene(actor=sec, meeting=meeting)
    cs.add_request_item(actor=sec, meeting=meeting, request=ready)
    with pytest.raises(ValidationError, match="5 jours au moins"):
        cs.convene(actor=sec, meeting=meeting)
    assert cs.convene(actor=sec, meeting=meeting, urgent=True)


def test_a_titular_sends_the_substitute(sec, commission, ready):
    meeting = restricted_meeting(sec)
    cs.add_request_item(actor=sec, meeting=meeting, request=ready)
    cs.convene(actor=sec, meeting=meeting)
    doctor = Convocation.objects.get(meeting=meeting, mandate=commission.mandates["doctor"])
    cs.answer_convocation(
        actor=commission.members["doctor"], convocation=doctor, answer=Convocation.Answer.SUBSTITUTE
    )
    assert meeting.convocations.filter(mandate=commission.mandates["doctor-sub"]).exists()
    # The association's substitute inherits the automatic recusal.
    asso = Convocation.objects.get(meeting=meeting, mandate=commission.mandates["association"])
    cs.answer_convocation(actor=commission.members["association"], convocation=asso, answer="substitute")
    assert Recusal.objects.filter(mandate=commission.mandates["association-sub"]).exists()


def test_a_member_answers_only_their_own_convocation(sec, commission, ready):
    meeting = restricted_meeting(sec)
    cs.add_request_item(actor=sec, meeting=meeting, request=ready)
    cs.convene(actor=sec, meeting=meeting)
    doctor = Convocation.objects.get(meeting=meeting, mandate=commission.mandates["doctor"])
    with pytest.raises(PermissionDenied):
        cs.answer_convocation(actor=commission.members["police"], convocation=doctor, answer="present")


# --- Quorum, recusals, opinions ---


@pytest.fixture
def convened(sec, commission, ready):
    meeting = restricted_meeting(sec, days=7)
    item = cs.add_request_item(actor=sec, meeting=meeting, request=ready)
    cs.convene(actor=sec, meeting=meeting)
    return meeting, item


def present(meeting, *names, commission):
    ids = {
        c.pk
        for c in meeting.convocations.all()
        if any(c.mandate_id == commission.mandates[n].pk for n in names)
    }
    return ids


def test_attendance_cannot_be_recorded_before_the_meeting(sec, commission, convened):
    meeting, _ = convened
    with pytest.raises(ValidationError, match="pas encore eu lieu"):
        cs.record_attendance(actor=sec, meeting=meeting, present_ids=set())


def test_no_opinion_without_quorum(sec, commission, convened):
    meeting, item = convened
    with time_machine.travel(meeting.starts_at + timedelta(hours=1)):
        status = cs.record_attendance(
            actor=sec, meeting=meeting, present_ids=present(meeting, "doctor", commission=commission)
        )
        assert (status["filled"], status["total"], status["needed"], status["reached"]) == (1, 4, 2, False)
        with pytest.raises(ValidationError, match="quorum n'est pas atteint"):
            cs.record_item_opinion(actor=sec, item=item, opinion="favourable", motive="Projet solide")


def test_opinion_moves_the_request_and_postponed_goes_back_to_the_pool(sec, commission, convened):
    meeting, item = convened
    with time_machine.travel(meeting.starts_at + timedelta(hours=1)):
        ids = present(meeting, "doctor", "police", commission=commission)
        assert cs.record_attendance(actor=sec, meeting=meeting, present_ids=ids)["reached"]
        cs.record_item_opinion(
            actor=sec, item=item, opinion="postponed", motive="Audition de la personne à prévoir"
        )
        item.request.refresh_from_db()
        assert item.request.state == RequestState.POSTPONED
        assert list(request_pool(sec.departement)) == [item.request]
        with pytest.raises(ValidationError, match="déjà enregistré"):
            cs.record_item_opinion(actor=sec, item=item, opinion="favourable", motive="x")


def test_an_arrete_without_quorum_lets_the_commission_deliberate(sec, commission, convened):
    meeting, item = convened
    # The quorum is the arrêté's (décret n° 2006-665, art. 8), not the code's: this one sets none.
    Arrete.objects.filter(pk=commission.arrete.pk).update(quorum_percent=0)
    with time_machine.travel(meeting.starts_at + timedelta(hours=1)):
        cs.record_attendance(actor=sec, meeting=meeting, present_ids=set())
        cs.record_item_opinion(actor=sec, item=item, opinion="favourable", motive="Projet solide")
    item.request.refresh_from_db()
    assert item.request.state == RequestState.REVIEWED


def test_a_recused_member_does_not_see_the_item(sec, commission, convened):
    meeting, item = convened
    doctor = meeting.convocations.get(mandate=commission.mandates["doctor"])
    assert item in visible_items(doctor)
    cs.declare_recusal(actor=sec, item=item, mandate=commission.mandates["doctor"], reason="Médecin traitant")
    assert item not in visible_items(doctor)
    asso = meeting.convocations.get(mandate=commission.mandates["association"])
    assert item not in visible_items(asso)


def test_agenda_is_frozen_once_held(sec, commission, convened, actors, association):
    meeting, item = convened
    with time_machine.travel(meeting.starts_at + timedelta(hours=1)):
        cs.record_attendance(actor=sec, meeting=meeting, present_ids=set())
        with pytest.raises(ValidationError, match="ne peut plus changer"):
            cs.add_free_item(actor=sec, meeting=meeting, title="Bilan annuel")
        with pytest.raises(ValidationError, match="ne peut plus changer"):
            cs.remove_item(actor=sec, item=item)


def test_cancelling_a_meeting_frees_its_requests(sec, commission, convened):
    meeting, item = convened
    request = item.request
    cs.cancel_meeting(actor=sec, meeting=meeting)
    assert list(request_pool(sec.departement)) == [request]
    assert not AgendaItem.objects.filter(pk=item.pk).exists()


def test_items_can_be_reordered(sec, commission, ready):
    meeting = restricted_meeting(sec)
    first = cs.add_request_item(actor=sec, meeting=meeting, request=ready)
    second = cs.add_free_item(actor=sec, meeting=meeting, title="Point d'information sur les maraudes")
    cs.move_item(actor=sec, item=second, up=True)
    assert list(meeting.items.values_list("pk", flat=True)) == [second.pk, first.pk]


def test_quorum_arithmetic():
    rule = rules.quorum_rule_of(50)
    assert rules.seats_needed(4, rule) == 2 and rules.seats_needed(5, rule) == 3
    assert rules.quorum_reached(2, 4, rule) and not rules.quorum_reached(2, 5, rule)
    assert not rules.quorum_reached(0, 0, rule)


def test_each_convened_member_gets_one_email_with_the_convocation(sec, commission, ready):

    from parcours.outbox.models import OutgoingEmail

    meeting = restricted_meeting(sec)
    cs.add_request_item(actor=sec, meeting=meeting, request=ready)
    convocations = cs.convene(actor=sec, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.convocation_document.is_frozen
    emails = OutgoingEmail.objects.order_by("to")
    assert sorted(e.to for e in emails) == sorted(c.mandate.member.email for c in convocations)
    assert all(list(e.attachments.all()) == [meeting.convocation_document] for e in emails)
    doctor = Convocation.objects.get(meeting=meeting, mandate=commission.mandates["doctor"])
    cs.answer_convocation(actor=commission.members["doctor"], convocation=doctor, answer="substitute")
    substitute_email = commission.members["doctor-sub"].user.email
    assert OutgoingEmail.objects.filter(to=substitute_email).count() == 1


def test_an_agrement_application_goes_on_the_agenda_and_gets_its_opinion(
    sec, actors, commission, association
):
    from datetime import timedelta as td

    from parcours.approvals.models import ApplicationState
    from tests.approvals import helpers as approvals_helpers

    application = approvals_helpers.awaiting_opinion(actors["association_manager"], sec)
    meeting = cs.schedule_meeting(
        actor=sec, kind=MeetingKind.PLENARY, starts_at=in_days(9), place="Salle d'honneur"
    )
    item = cs.add_agrement_item(actor=sec, meeting=meeting, application=application)
    # The association whose agrément is examined does not deliberate on it.
    assert set(item.recusals.values_list("mandate", flat=True)) == {
        commission.mandates["association"].pk,
        commission.mandates["association-sub"].pk,
    }
    other = cs.schedule_meeting(actor=sec, kind=MeetingKind.PLENARY, starts_at=in_days(20), place="Salle")
    with pytest.raises(ValidationError, match="déjà inscrite"):
        cs.add_agrement_item(actor=sec, meeting=other, application=application)
    cs.convene(actor=sec, meeting=meeting)
    with time_machine.travel(meeting.starts_at + td(hours=1)):
        present = {c.pk for c in meeting.convocations.all()}
        cs.record_attendance(actor=sec, meeting=meeting, present_ids=present)
        cs.record_item_opinion(actor=sec, item=item, opinion="favourable", motive="Équipe qualifiée")
    application.refresh_from_db()
    assert application.state == ApplicationState.REVIEWED and application.opinion_motive == "Équipe qualifiée"
