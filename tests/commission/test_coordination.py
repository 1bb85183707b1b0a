"""The coordination formation of minors' individual pathways (décret du 30 décembre 2025): its members,
the situations on its agenda, the coordinated plan and its follow-up, the secretariat's board."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parcours.commission import rules
from parcours.commission import services as cs
from parcours.commission.models import AgendaItem, MeetingKind, PlanAction, Situation
from parcours.commission.rules import SeatCategory
from parcours.commission.selectors import coordination_categories, overdue_actions
from parcours.core.models import RuleSetting
from parcours.deadlines.selectors import board_for
from tests.factories import DepartementFactory, DetectionFactory, ProtectionReportFactory

from .coordination import (
    add_child_protection_seats,
    coordination_meeting,
    hold_now,
    in_days,
    transmitted_minor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sec(actors):
    return actors["secretariat"]


@pytest.fixture
def child_protection(sec, commission):
    return add_child_protection_seats(sec, commission.arrete)


@pytest.fixture
def detection(departement):
    return transmitted_minor(departement)


# --- Who sits in which formation ---


@pytest.mark.parametrize(
    ("category", "plenary", "restricted", "coordination"),
    [
        (SeatCategory.DEPARTMENT_PRESIDENT, True, False, True),
        (SeatCategory.CHILD_PROTECTION, True, False, True),
        (SeatCategory.MAGISTRATE, True, True, True),
        (SeatCategory.ASSOCIATION, True, True, True),
        (SeatCategory.PUBLIC_SECURITY, True, True, False),
        (SeatCategory.DOCTOR, True, True, False),
        (SeatCategory.FOREIGNERS, True, True, False),
    ],
)
def test_which_categories_sit_in_which_formation(category, plenary, restricted, coordination):
    assert rules.sits_in_formation(category, MeetingKind.PLENARY) is plenary
    assert rules.sits_in_formation(category, MeetingKind.RESTRICTED) is restricted
    assert (
        rules.sits_in_formation(category, MeetingKind.COORDINATION, rules.COORDINATION_CATEGORIES)
        is coordination
    )


def test_the_coordination_categories_are_a_dated_setting(db):
    day = date(2026, 6, 1)
    assert coordination_categories(day) == rules.COORDINATION_CATEGORIES
    RuleSetting.objects.create(
        key=rules.COORDINATION_CATEGORIES_SETTING,
        effective_from=date(2026, 5, 1),
        value=["department_president", "child_protection", "magistrate", "association", "education"],
        source="Texte vérifié (exemple)",
    )
    assert SeatCategory.EDUCATION in coordination_categories(day)
    assert SeatCategory.EDUCATION not in coordination_categories(date(2026, 4, 30))


def test_a_coordination_meeting_convenes_only_its_formation(sec, commission, child_protection, detection):
    meeting, _ = coordination_meeting(sec, detections=[detection])
    cs.convene(actor=sec, meeting=meeting)
    labels = set(meeting.convocations.values_list("mandate__seat__label", flat=True))
    assert labels == {
        "Magistrat du parquet",
        "Association L'Escale",
        "Président du conseil départemental",
        *(seat.label for seat, _, _ in child_protection.values()),
    }
    assert "DDSP" not in labels and "Médecin" not in labels


def test_a_restricted_meeting_never_convenes_child_protection_seats(
    sec, commission, child_protection, actors, pathway
):
    from .conftest import ready_request

    meeting = cs.schedule_meeting(
        actor=sec, kind=MeetingKind.RESTRICTED, starts_at=in_days(9), place="Préfecture"
    )
    cs.add_request_item(actor=sec, meeting=meeting, request=ready_request(actors, pathway))
    cs.convene(actor=sec, meeting=meeting)
    categories = set(meeting.convocations.values_list("mandate__seat__category", flat=True))
    assert SeatCategory.CHILD_PROTECTION not in categories
    assert SeatCategory.DEPARTMENT_PRESIDENT not in categories


# --- Situations on the agenda ---


def test_a_transmitted_minor_goes_on_the_agenda_under_its_code(sec, commission, detection):
    meeting, [item] = coordination_meeting(sec, detections=[detection])
    assert item.kind == AgendaItem.Kind.SITUATION
    assert item.title == f"Situation {detection.pseudonym}"
    assert item.situation.state == Situation.State.OPEN


def test_the_summary_is_pseudonymised(sec, commission, departement):
    detection = transmitted_minor(departement, identified=True)
    meeting, _ = coordination_meeting(sec)
    item = cs.add_situation_item(
        actor=sec,
        meeting=meeting,
        detection=detection,
        summary=f"{detection.first_name} {detection.last_name.upper()} fugue depuis mars.",
    )
    assert detection.last_name not in item.situation.summary
    assert detection.first_name not in item.situation.summary
    assert item.situation.summary.startswith(detection.pseudonym)
    cs.update_situation_summary(
        actor=sec, situation=item.situation, summary=f"Vue avec {detection.first_name}."
    )
    item.situation.refresh_from_db()
    assert item.situation.summary == f"Vue avec {detection.pseudonym}."


@pytest.mark.parametrize(
    "build",
    [
        lambda dep: DetectionFactory(organisation__departement=dep),  # an adult
        lambda dep: DetectionFactory(minor=True, organisation__departement=dep),  # no transmission
    ],
    ids=["adult", "minor-without-transmission"],
)
def test_only_a_transmitted_minor_goes_on_the_agenda(sec, commission, departement, build):
    meeting, _ = coordination_meeting(sec)
    with pytest.raises(ValidationError):
        cs.add_situation_item(actor=sec, meeting=meeting, detection=build(departement))
    assert not Situation.objects.exists()


def test_another_departements_detection_is_refused(sec, commission):
    other = ProtectionReportFactory(
        detection__organisation__departement=DepartementFactory(code="98", name="Autre")
    ).detection
    meeting, _ = coordination_meeting(sec)
    with pytest.raises(PermissionDenied):
        cs.add_situation_item(actor=sec, meeting=meeting, detection=other)


def test_a_situation_is_open_once_and_only_in_coordination(sec, commission, detection):
    meeting, _ = coordination_meeting(sec, detections=[detection])
    with pytest.raises(ValidationError):
        cs.add_situation_item(actor=sec, meeting=meeting, detection=detection)
    restricted = cs.schedule_meeting(
        actor=sec, kind=MeetingKind.RESTRICTED, starts_at=in_days(9), place="Préfecture"
    )
    with pytest.raises(ValidationError, match="formation de coordination"):
        cs.add_situation_item(
            actor=sec, meeting=restricted, detection=transmitted_minor(detection.departement)
        )


def test_removing_a_new_situation_puts_the_detection_back(sec, commission, detection):
    meeting, [item] = coordination_meeting(sec, detections=[detection])
    cs.remove_item(actor=sec, item=item)
    assert not Situation.objects.exists()
    cs.add_situation_item(actor=sec, meeting=meeting, detection=detection)


# --- The plan and its follow-up ---


@pytest.fixture
def held(sec, commission, child_protection, detection):
    meeting, [item] = coordination_meeting(sec, detections=[detection])
    cs.convene(actor=sec, meeting=meeting)
    return hold_now(sec, meeting), item, child_protection


def test_the_plan_is_recorded_at_the_held_meeting(sec, commission, child_protection, detection):
    meeting, [item] = coordination_meeting(sec, detections=[detection])
    ase = child_protection["ase"][0]
    with pytest.raises(ValidationError, match="en séance"):
        cs.record_plan_action(actor=sec, item=item, owner=ase, what="Évaluation", due_on=meeting.day)
    cs.convene(actor=sec, meeting=meeting)
    hold_now(sec, meeting)
    action = cs.record_plan_action(
        actor=sec,
        item=item,
        owner=ase,
        what="Évaluation de la situation",
        due_on=meeting.day + timedelta(days=30),
    )
    assert action.status == PlanAction.Status.ONGOING and action.owner == ase


@pytest.mark.parametrize(
    ("what", "due", "field"),
    [("", 30, "what"), ("Évaluation", -1, "due_on"), ("x" * 501, 30, "what")],
)
def test_bad_plan_input_is_refused(sec, held, what, due, field):
    meeting, item, seats = held
    with pytest.raises(ValidationError) as exc:
        cs.record_plan_action(
            actor=sec, item=item, owner=seats["ase"][0], what=what, due_on=meeting.day + timedelta(days=due)
        )
    assert field in exc.value.message_dict
    assert not PlanAction.objects.exists()


def test_an_organisation_of_another_departement_cannot_own_an_action(sec, held):
    from tests.factories import OrganisationFactory

    meeting, item, _ = held
    with pytest.raises(ValidationError):
        cs.record_plan_action(
            actor=sec,
            item=item,
            owner=OrganisationFactory(departement=DepartementFactory(code="98", name="Autre")),
            what="Accueil",
            due_on=meeting.day,
        )


def test_the_next_meeting_brings_open_situations_back_with_their_unfinished_actions(sec, held, departement):
    meeting, item, seats = held
    done = cs.record_plan_action(
        actor=sec, item=item, owner=seats["ase"][0], what="Placement", due_on=meeting.day + timedelta(days=5)
    )
    ongoing = cs.record_plan_action(
        actor=sec, item=item, owner=seats["pjj"][0], what="Audition", due_on=meeting.day + timedelta(days=20)
    )
    cs.set_action_status(actor=sec, action=done, status=PlanAction.Status.DONE)
    next_meeting, _ = coordination_meeting(sec, days=60)
    follow_up = next_meeting.items.get()
    assert follow_up.situation == item.situation
    assert follow_up.title == f"Suivi — situation {item.situation.detection.pseudonym}"
    unfinished = item.situation.actions.filter(status=PlanAction.Status.ONGOING)
    assert list(unfinished) == [ongoing]
    # Closed with a reason, a situation does not come back.
    cs.close_situation(actor=sec, situation=item.situation, reason="Mesure de protection en place")
    assert not next_meeting.items.exists()
    third, _ = coordination_meeting(sec, days=90)
    assert not third.items.exists()


def test_closing_needs_a_reason_and_happens_once(sec, held):
    _, item, _ = held
    with pytest.raises(ValidationError):
        cs.close_situation(actor=sec, situation=item.situation, reason="  ")
    cs.close_situation(actor=sec, situation=item.situation, reason="Majorité atteinte")
    with pytest.raises(ValidationError):
        cs.close_situation(actor=sec, situation=item.situation, reason="Encore")
    item.situation.refresh_from_db()
    with pytest.raises(ValidationError):
        cs.update_situation_summary(actor=sec, situation=item.situation, summary="Nouveau")


def test_bad_status_is_refused(sec, held):
    meeting, item, seats = held
    action = cs.record_plan_action(
        actor=sec, item=item, owner=seats["ase"][0], what="Visite", due_on=meeting.day
    )
    with pytest.raises(ValidationError):
        cs.set_action_status(actor=sec, action=action, status="finished")


def test_overdue_actions_are_on_the_secretariats_board_once_per_situation(sec, held, actors):
    meeting, item, seats = held
    for what in ("Visite", "Audition"):
        action = cs.record_plan_action(
            actor=sec, item=item, owner=seats["ase"][0], what=what, due_on=meeting.day
        )
    later = timezone.localdate() + timedelta(days=3)
    assert overdue_actions(sec.departement, later).count() == 2
    sections = {s.key: s for s in board_for(sec, later)}
    section = sections["coordination_overdue_actions"]
    assert len(section.items) == 1
    assert item.situation.detection.pseudonym in section.items[0].label
    cs.set_action_status(actor=sec, action=action, status=PlanAction.Status.DONE)
    assert overdue_actions(sec.departement, later).count() == 1
    assert "coordination_overdue_actions" not in {s.key for s in board_for(actors["signatory"], later)}
