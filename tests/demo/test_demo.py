"""The demo département, built from services: every state of the workflow, and a working commission."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from parcours.commission.models import Convocation, Meeting, MeetingKind, MeetingState
from parcours.commission.selectors import mandates_ending, member_convocations, request_pool
from parcours.core.access import Actor
from parcours.core.models import Departement, Membership
from parcours.pathways.models import PathwayState, RequestState

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Built once for the module, in a transaction rolled back at the end (audit rows cannot be deleted)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        yield Departement.objects.get(code="99")
        transaction.set_rollback(True)


def test_every_state_of_the_workflow_is_shown(demo):
    from parcours.pathways.models import Pathway, Request

    pathway_states = set(Pathway.objects.filter(departement=demo).values_list("state", flat=True))
    request_states = set(Request.objects.filter(pathway__departement=demo).values_list("state", flat=True))
    assert set(PathwayState.values) <= pathway_states
    assert set(RequestState.values) - {RequestState.ABANDONED} <= request_states


def test_the_commission_has_met_and_meets_again(demo):
    meetings = Meeting.objects.filter(departement=demo)
    assert meetings.filter(state=MeetingState.CLOSED).count() >= 4
    upcoming = meetings.get(state=MeetingState.CONVENED, kind=MeetingKind.RESTRICTED, mode="session")
    assert upcoming.items.filter(kind="request").exists()
    assert not request_pool(demo).exists(), "every request waiting for the commission is on the next agenda"
    assert mandates_ending(demo, upcoming.starts_at.date()).exists()
    membership = Membership.objects.get(user__username="membre.sante")
    assert member_convocations(Actor(membership.user, membership)).filter(meeting=upcoming).exists()
    assert Convocation.objects.filter(meeting=upcoming, answer="present").exists()


def test_the_commission_votes_consults_in_writing_and_records_dissent(demo):
    """Issue 14: past opinions carry their vote, a disagreement is in the last minutes, a written
    consultation is open with two votes cast."""
    from parcours.commission.models import AgendaItem, Ballot, Dissent, MeetingMode

    assert AgendaItem.objects.filter(meeting__departement=demo, votes_for__isnull=False).exists()
    assert Dissent.objects.filter(item__meeting__departement=demo).count() == 1
    written = Meeting.objects.get(departement=demo, mode=MeetingMode.WRITTEN)
    assert written.state == MeetingState.CONVENED and written.starts_at < timezone.now() < written.closes_at
    assert Ballot.objects.filter(item__meeting=written).count() == 2


def test_the_coordination_formation_has_met_and_follows_up(demo):
    """A held coordination meeting with situations and plans; the next one, convened, brings the open
    situations back for follow-up and membre.ase reads them in « Mes séances »."""
    from parcours.commission.models import PlanAction

    meetings = Meeting.objects.filter(departement=demo, kind=MeetingKind.COORDINATION)
    held = meetings.get(state=MeetingState.CLOSED)
    assert held.items.filter(kind="situation").count() >= 3
    assert PlanAction.objects.filter(item__meeting=held).count() >= 5
    upcoming = meetings.get(state=MeetingState.CONVENED)
    assert upcoming.items.filter(title__startswith="Suivi").count() >= 3
    membership = Membership.objects.get(user__username="membre.ase")
    assert member_convocations(Actor(membership.user, membership)).filter(meeting=upcoming).exists()
    police = Membership.objects.get(user__username="membre.police")
    assert not member_convocations(Actor(police.user, police)).filter(meeting=upcoming).exists()


def test_the_coordination_examines_the_minors_the_referrals_demo_transmitted(demo):
    """One story: each situation followed in coordination comes from a minor's detection that a partner of
    the referrals demo recorded and transmitted to child protection, both journaled by that partner; the
    CRIP's seat is held by the CRIP the partners transmit to."""
    from parcours.commission.models import Seat, Situation
    from parcours.core.models import AuditEvent

    situations = Situation.objects.filter(departement=demo).select_related("detection")
    assert situations.count() >= 4
    for situation in situations:
        detection = situation.detection
        assert detection.is_minor
        journal = AuditEvent.objects.filter(user=detection.created_by, action="create")
        assert journal.filter(object_type="referrals.detection", object_id=str(detection.public_id)).exists()
        reports = [str(report.public_id) for report in detection.protection_reports.all()]
        assert journal.filter(
            object_type="referrals.protectionreport", object_id__in=reports, detail__startswith="transmission"
        ).exists()
    crip = Seat.objects.get(arrete__departement=demo, label__contains="(CRIP)").organisation
    assert crip.name.startswith("Cellule de recueil des informations préoccupantes (CRIP)")
    assert crip.kind == "child_welfare"


def test_the_prefect_has_a_decision_to_sign(demo):
    from parcours.commission.models import PrefectDecision

    assert PrefectDecision.objects.filter(departement=demo, state=PrefectDecision.State.DRAFT).count() == 1


def test_recent_closed_meetings_have_frozen_minutes(demo):
    from parcours.commission.models import Minutes

    minutes = Minutes.objects.filter(meeting__departement=demo).select_related("document")
    assert minutes.exists() and all(m.document.is_frozen for m in minutes)


def test_demo_diagnostic_has_a_campaign_under_way_with_linked_lists(demo):
    from parcours.diagnostic import selectors
    from parcours.diagnostic.models import Campaign, CampaignState

    current = Campaign.objects.get(state=CampaignState.OPEN)
    assert Campaign.objects.filter(state=CampaignState.CLOSED).count() == 1
    assert current.participants.filter(answered_at__isnull=False).count() == 6
    assert current.participants.exclude(answered_at__isnull=False).count() == 4
    summary = selectors.linkage_summary(current)
    assert len(summary.lists) == 5 and 0 < summary.distinct < summary.records
    assert summary.rows_set_aside > 0  # some rows without a birth date, counted, not linked
    outcome = selectors.estimate(summary)
    assert outcome.ok, outcome.error
    assert outcome.result.estimate > summary.distinct
    # Last year's campaign is closed: its keys are gone, its figures remain.
    from parcours.diagnostic.models import LinkageRecord

    closed = Campaign.objects.get(state=CampaignState.CLOSED)
    assert not LinkageRecord.objects.filter(campaign=closed).exists()
    frozen = selectors.linkage_summary(closed)
    assert frozen.frozen and len(frozen.lists) == 5 and frozen.distinct > 0
    # Its report is frozen (BCa at closure) and published; this year's campaign has none.
    from parcours.diagnostic.models import ReportState

    report = closed.reports.get()
    assert report.state == ReportState.PUBLISHED and report.document.is_frozen
    assert "bootstrap BCa" in report.document.html
    assert not Campaign.objects.get(state=CampaignState.OPEN).reports.exists()


def test_the_secretariat_has_one_probable_duplicate_pair_to_review(demo):
    from parcours.people.merge import probable_duplicates

    membership = Membership.objects.get(user__username="ddfe", role="secretariat")
    groups = probable_duplicates(Actor(membership.user, membership))
    assert len(groups) == 1 and len(groups[0]) == 2
    assert groups[0][0].organisation != groups[0][1].organisation  # two associations, as in real life


def test_the_convention_and_the_strategy(demo):
    """The Rhône 2023 convention's four axes, adapted; its indicators (some of other apps' codes); a review
    meeting; the strategy 2026–2028 with an overdue action on the secretariat's board."""
    from django.utils import timezone

    from parcours.conventions.models import Convention, Indicator, Strategy
    from parcours.deadlines.selectors import board_for

    convention = Convention.objects.get(departement=demo)
    assert convention.axes.count() == 4 and convention.reviews.count() == 1
    assert convention.parties.filter(organisation__kind="mission_locale").count() >= 3
    codes = set(
        Indicator.objects.filter(commitment__convention=convention).values_list("measure_code", flat=True)
    )
    assert {"referrals.detections", "actions.trainings", "pathways.authorisations"} <= codes
    strategy = Strategy.objects.get(departement=demo)
    assert (strategy.first_year, strategy.last_year) == (2026, 2028)
    secretariat = Membership.objects.get(user__username="ddfe")
    sections = {s.key: s for s in board_for(Actor(secretariat.user, secretariat), timezone.localdate())}
    assert sections["strategy_overdue"].items


def test_demo_network_actions_cover_25_of_40_colleges(demo):
    from django.utils import timezone

    from parcours.actions.coverage import school_year_bounds, school_year_of
    from parcours.actions.models import ClientCourseSession, OutreachRound, Training
    from parcours.stats import registry
    from parcours.stats.registry import Scope

    today = timezone.localdate()
    start, end = school_year_bounds(school_year_of(today))
    scope = Scope(departement=demo, start=start, end=min(end, today))
    assert registry.get("actions.prevention_college_coverage").value(scope) == 62.5  # 25 of 40
    assert registry.get("actions.prevention_college_coverage").population(scope) == 40
    kinds = set(OutreachRound.objects.filter(departement=demo).values_list("kind", flat=True))
    assert kinds == {"street", "online"}
    assert Training.objects.filter(departement=demo).count() == 2
    assert ClientCourseSession.objects.filter(departement=demo).count() == 4


def test_the_national_analyst_sees_the_demo_departements_published_figures(demo):
    """seed_demo publishes the national figures of the past years: the analyst's page is not empty."""
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from parcours.national.models import Origin, Release

    today = timezone.localdate()
    releases = Release.objects.filter(departement_code="99").order_by("year")
    assert [r.year for r in releases] == list(range(today.year - 3, today.year))
    assert {r.origin for r in releases} == {Origin.LOCAL}
    client = Client()
    client.force_login(Membership.objects.get(user__username="analyste").user)
    page = client.get(
        reverse("national:ranking"), {"indicateur": "commission.meetings_held"}
    ).content.decode()
    assert "1 département sur 101 a transmis ses chiffres" in page


def test_the_demo_shows_an_appeal_and_hearings(demo):
    from parcours.appeals.models import Appeal, Procedure

    assert Appeal.objects.filter(departement=demo, target="refusal", outcome="pending").count() == 1
    assert set(Procedure.objects.filter(departement=demo).values_list("kind", "state")) == {
        ("afis_stop", "observations"),
        ("end", "notice"),
        ("end", "decided"),  # the pathways ended by the prefect: heard first, then the decision signed
    }


def test_issue_14_languages_housing_and_attestations_are_shown(demo):
    from datetime import date

    from parcours.attestations.models import Attestation
    from parcours.housing.models import HousingRequest, SiaoRequest
    from parcours.people.models import InterpretingSession, Person
    from parcours.stats import registry
    from parcours.stats.registry import Scope

    assert (
        Person.objects.filter(departement=demo, needs_interpreter=True)
        .exclude(document_language="fr")
        .count()
        >= 4
    )
    assert InterpretingSession.objects.filter(person__departement=demo, occasion="consent").count() >= 4
    assert SiaoRequest.objects.filter(departement=demo, status="placed").exists()
    housed = HousingRequest.objects.filter(departement=demo, housed_on__isnull=False)
    assert (
        housed.count() == 3
        and HousingRequest.objects.filter(departement=demo).exclude(dalo_decision="").exists()
    )
    delay = registry.get("housing.delay_to_housing").evaluate(
        Scope(demo, date(2016, 1, 1), date(2099, 12, 31))
    )
    assert delay.value is not None and delay.population == 3
    states = set(Attestation.objects.filter(departement=demo).values_list("state", flat=True))
    assert states == {"issued", "requested"}


def test_the_payer_answered_old_notices_and_passports_are_held(demo):
    """Issue 14: the AFIS notices of more than a month ago are answered by the payer, recent ones wait on the
    board; two people's passports are held by their exploiters (one with a police receipt)."""
    from parcours.pathways.models import Notice
    from parcours.people.models import IdentityDocument

    notices = Notice.objects.filter(departement=demo)
    assert notices.filter(payment_effective_on__isnull=False).exists()
    assert notices.filter(sent_on__isnull=True).exists()
    held = IdentityDocument.objects.filter(
        person__departement=demo, available=False, unavailable_motive="held"
    )
    assert held.count() == 2 and held.filter(substitute="police_receipt").exists()


def test_every_request_carries_the_agrement_in_force_when_it_was_sent(demo):
    """The file shows « Agrément n° …, valable du … au … » beside the request: never one that had ended, nor
    not yet begun, on the day the request was sent (or started, before it is sent)."""
    from parcours.pathways.models import Request

    requests = Request.objects.filter(departement=demo, agrement__isnull=False).select_related("agrement")
    assert requests.exists()
    for request in requests:
        sent = request.submitted_on or timezone.localtime(request.created_at).date()
        assert request.agrement.valid_from <= sent <= request.agrement.valid_until, (
            request.agrement.reference,
            sent,
        )


def test_each_timeline_starts_with_the_request_being_started(demo):
    """The demo's dates keep the order of the acts: no request is sent before it was started (the timeline
    of a file is ordered by date)."""
    from parcours.pathways.models import PathwayEvent

    started = dict(
        PathwayEvent.objects.filter(pathway__departement=demo, name="start").values_list("request_id", "at")
    )
    sent = PathwayEvent.objects.filter(pathway__departement=demo, name="submit", request_id__in=started)
    assert sent.exists()
    for request_id, at in sent.values_list("request_id", "at"):
        assert started[request_id] <= at


def test_each_act_signed_outside_parcours_has_its_own_number(demo):
    """The decisions tab shows « acte hors Parcours : PSP-99-2026-… » beside each register number: two
    decisions never share one (it was the person's rank, the same for each of her renewals in a year)."""
    from parcours.commission.models import PrefectDecision

    references = list(
        PrefectDecision.objects.filter(departement=demo)
        .exclude(external_reference="")
        .values_list("external_reference", flat=True)
    )
    assert len(references) > 10
    assert len(references) == len(set(references))
