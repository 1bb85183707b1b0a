"""Scoped reads of the commission app."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.utils import timezone

from parcours.core.access import Actor
from parcours.core.models import RuleSetting
from parcours.core.roles import Role
from parcours.pathways.models import Request, RequestState

from . import rules
from .models import AgendaItem, Arrete, Convocation, Mandate, Meeting, MeetingKind, MeetingState, Seat


def _get_or_404(qs, public_id):
    try:
        return qs.get(public_id=public_id)
    except (qs.model.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


# --- Composition ---


def arretes_of(actor: Actor):
    return Arrete.objects.filter(departement=actor.departement)


def get_arrete_or_404(actor: Actor, public_id) -> Arrete:
    return _get_or_404(arretes_of(actor), public_id)


def current_mandates(departement, day: date):
    return (
        Mandate.objects.current(day)
        .filter(seat__arrete__departement=departement)
        .select_related("seat", "member", "seat__organisation")
    )


def get_mandate_or_404(actor: Actor, public_id) -> Mandate:
    return _get_or_404(Mandate.objects.filter(seat__arrete__departement=actor.departement), public_id)


def mandates_ending(departement, today: date, horizon_days: int = rules.MANDATE_WARNING_DAYS):
    """Mandates running today and ending within the horizon, with no successor appointed on the same seat."""
    successor = Mandate.objects.filter(
        seat=OuterRef("seat"), kind=OuterRef("kind"), start__gt=OuterRef("end"), ended_on__isnull=True
    )
    return (
        current_mandates(departement, today)
        .filter(end__lte=today + timedelta(days=horizon_days))
        .annotate(has_successor=Exists(successor))
        .filter(has_successor=False)
        .order_by("end")
    )


# --- Meetings ---


def meetings_of(actor: Actor):
    return Meeting.objects.filter(departement=actor.departement)


def get_meeting_or_404(actor: Actor, public_id) -> Meeting:
    return _get_or_404(meetings_of(actor), public_id)


def get_item_or_404(actor: Actor, meeting: Meeting, public_id) -> AgendaItem:
    return _get_or_404(meeting.items.select_related("request__pathway__person"), public_id)


def request_pool(departement):
    """Requests ready for the commission, or postponed, that are not on an agenda yet."""
    on_agenda = AgendaItem.objects.filter(request=OuterRef("pk")).exclude(
        opinion=AgendaItem.Opinion.POSTPONED
    )
    return (
        Request.objects.filter(
            departement=departement, state__in=[RequestState.READY, RequestState.POSTPONED]
        )
        .annotate(on_agenda=Exists(on_agenda))
        .filter(on_agenda=False)
        .select_related("pathway__person", "pathway__association")
        .order_by("submitted_on", "pk")
    )


def application_pool(departement):
    """Agrément applications waiting for the commission's opinion that are not on an agenda yet."""
    from parcours.approvals.selectors import applications_awaiting_opinion

    on_agenda = AgendaItem.objects.filter(application=OuterRef("pk")).exclude(
        opinion=AgendaItem.Opinion.POSTPONED
    )
    return (
        applications_awaiting_opinion(departement)
        .annotate(on_agenda=Exists(on_agenda))
        .filter(on_agenda=False)
    )


def arrete_in_force(departement, day: date) -> Arrete | None:
    """The arrêté whose mandates run on `day` (the latest signed when two overlap)."""
    return (
        Arrete.objects.filter(departement=departement, mandate_start__lte=day, mandate_end__gte=day)
        .order_by("-signed_on", "-pk")
        .first()
    )


def formation_seats(meeting: Meeting):
    """Every seat of the arrêté in force on the meeting's day that sits in the meeting's formation, whether
    or not its holder has an account (ex officio seats included): the seats the quorum counts."""
    arrete = arrete_in_force(meeting.departement, meeting.day)
    if arrete is None:
        return Seat.objects.none()
    flag = {"plenary": "in_plenary", "restricted": "in_restricted", "coordination": "in_coordination"}
    return arrete.seats.filter(**{flag[meeting.kind]: True}).select_related("organisation")


def counted_seats(meeting: Meeting) -> set[int]:
    """Seats that count for the quorum: every seat of the formation in the arrêté (décret n° 2006-672, art.
    11:
    « la moitié au moins des membres composant la commission »), filled or not."""
    return set(formation_seats(meeting).values_list("pk", flat=True))


def quorum_rule_for(meeting: Meeting) -> rules.QuorumRule:
    arrete = arrete_in_force(meeting.departement, meeting.day)
    return rules.quorum_rule_of(
        arrete.quorum_percent if arrete is not None else None, reconvened=meeting.without_quorum
    )


def filled_seats(meeting: Meeting, seats: set[int] | None = None) -> dict[int, str]:
    """The seats filled at the meeting, each with how: "present" (in person), "remote" (telephone or video),
    "proxy" (its member gave a proxy to a present member), "offline" (an ex officio seat without account,
    ticked present or represented). A written consultation's participants are "remote"."""
    seats = counted_seats(meeting) if seats is None else seats
    filled: dict[int, str] = {}
    for seat_id, remote in meeting.convocations.filter(present=True, mandate__seat_id__in=seats).values_list(
        "mandate__seat_id", "remote"
    ):
        if filled.get(seat_id) != "present":
            filled[seat_id] = "remote" if remote else "present"
    for seat_id in meeting.convocations.filter(
        proxy_holder__isnull=False, proxy_holder__present=True, mandate__seat_id__in=seats
    ).values_list("mandate__seat_id", flat=True):
        filled.setdefault(seat_id, "proxy")
    for seat_id in meeting.offline_present.filter(pk__in=seats).values_list("pk", flat=True):
        filled.setdefault(seat_id, "offline")
    return filled


def quorum_status(meeting: Meeting) -> dict:
    seats = counted_seats(meeting)
    filled = filled_seats(meeting, seats)
    rule = quorum_rule_for(meeting)
    return {
        "filled": len(filled),
        "total": len(seats),
        "needed": rules.seats_needed(len(seats), rule),
        "reached": rules.quorum_reached(len(filled), len(seats), rule),
        "applies": rule.applies,
        "source": rule.source,
        "remote": sum(1 for how in filled.values() if how == "remote"),
        "proxies": sum(1 for how in filled.values() if how == "proxy"),
        "reconvened": meeting.without_quorum,
    }


def voters(meeting: Meeting, item: AgendaItem) -> int:
    """How many may vote on the item: the seats filled (present, remote, represented) less the seats of the
    members who recused themselves from it."""
    filled = filled_seats(meeting)
    recused = set(item.recusals.values_list("mandate__seat_id", flat=True))
    return len(set(filled) - recused)


def tally(item: AgendaItem) -> dict[str, int]:
    """The ballots of a written consultation's item, counted."""
    from .models import Ballot

    counts = {choice: 0 for choice in Ballot.Choice.values}
    for choice in item.ballots.values_list("choice", flat=True):
        counts[choice] += 1
    return counts


def seats_without_account(meeting: Meeting) -> list:
    """The formation's seats with no member in office on the meeting's day: ex officio holders convened
    outside Parcours, whose presence the secretariat ticks."""
    with_member = set(current_mandates(meeting.departement, meeting.day).values_list("seat_id", flat=True))
    return [seat for seat in formation_seats(meeting) if seat.pk not in with_member]


# --- Plenary meetings of the year (décret du 30 décembre 2025) ---


def min_plenaries(day: date) -> rules.PlenaryRule:
    overrides = [
        rules.PlenaryRule(row.effective_from, int(row.value["minimum"]), row.source)
        for row in RuleSetting.objects.filter(key=rules.MIN_PLENARIES_SETTING)
    ]
    return rules.plenary_rule(day, overrides)


def plenaries_of_year(departement, year: int):
    """Plenary meetings of the year held or planned (not cancelled): only plenaries count."""
    return Meeting.objects.filter(
        departement=departement, kind=MeetingKind.PLENARY, starts_at__year=year
    ).exclude(state=MeetingState.CANCELLED)


def plenary_status(departement, today: date) -> dict:
    from django.db.models import Count

    # The year's minimum is the one in force on its 1 January (the décret of 30 December 2025 asks two
    # plenaries from 2026 on).
    rule = min_plenaries(date(today.year, 1, 1))
    counts = plenaries_of_year(departement, today.year).aggregate(
        held=Count("pk", filter=Q(state__in=[MeetingState.HELD, MeetingState.CLOSED])),
        planned=Count("pk", filter=Q(state__in=[MeetingState.SCHEDULED, MeetingState.CONVENED])),
    )
    held, planned = counts["held"], counts["planned"]
    return {
        "year": today.year,
        "held": held,
        "planned": planned,
        "minimum": rule.minimum,
        "source": rule.source,
        "missing": max(rule.minimum - held - planned, 0),
        # Once the commission is composed in Parcours (an arrêté in force): before, Parcours knows no
        # commission
        # to warn about, and the composition comes first.
        "alert": rules.plenary_alert(today, held + planned, rule.minimum)
        and arrete_in_force(departement, today) is not None,
    }


# --- Dated categories of members ---


def categories_in_force(day: date) -> dict:
    """The seat categories of R. 121-12-7 CASF in force on `day`, with their label then (rules.py), or the
    list a dated setting sets instead."""
    version = rules.category_version(day)
    row = RuleSetting.objects.in_force(rules.SEAT_CATEGORIES_SETTING, day)
    if row is not None and row.effective_from > version.effective_from:
        codes = row.value.get("categories", []) if isinstance(row.value, dict) else row.value
        return {rules.SeatCategory(c): version.labels.get(c, rules.SeatCategory(c).label) for c in codes}
    return dict(version.labels)


# --- The member portal ---


def portal_window(meeting: Meeting) -> tuple:
    """From the convocation to a set number of days after the meeting (after its closing, for a written
    consultation)."""
    end = meeting.closes_at or meeting.starts_at
    return meeting.convened_at, end + timedelta(days=rules.PORTAL_DAYS_AFTER_MEETING)


def member_convocations(actor: Actor, now=None):
    """The convocations of the signed-in member whose meetings are within the portal window."""
    now = now or timezone.now()
    if actor is None or actor.role != Role.COMMISSION_MEMBER:
        return Convocation.objects.none()
    return (
        Convocation.objects.filter(
            mandate__member=actor.user,
            meeting__departement=actor.departement,
            meeting__state__in=[MeetingState.CONVENED, MeetingState.HELD, MeetingState.CLOSED],
            meeting__convened_at__lte=now,
        )
        # Until the set number of days after the meeting — after its closing, for a written consultation.
        .filter(
            Q(meeting__starts_at__gte=now - timedelta(days=rules.PORTAL_DAYS_AFTER_MEETING))
            | Q(meeting__closes_at__gte=now - timedelta(days=rules.PORTAL_DAYS_AFTER_MEETING))
        )
        .select_related("meeting", "mandate__seat")
        .order_by("meeting__starts_at")
    )


def get_member_convocation_or_404(actor: Actor, meeting_public_id) -> Convocation:
    convocation = member_convocations(actor).filter(meeting__public_id=meeting_public_id).first()
    if convocation is None:
        raise Http404
    return convocation


def visible_items(convocation: Convocation):
    """The agenda items a convened member may open: all but those they recused themselves from."""
    recused = Q(recusals__mandate=convocation.mandate)
    return convocation.meeting.items.exclude(recused)


# --- Decisions and letters ---


def decisions_of(actor: Actor):
    from .models import PrefectDecision

    return PrefectDecision.objects.filter(departement=actor.departement).select_related(
        "request", "pathway__person", "pathway__association", "item__meeting", "document"
    )


def get_decision_or_404(actor: Actor, public_id):
    return _get_or_404(decisions_of(actor), public_id)


def read_decision(actor: Actor, public_id, *, detail: str, action: str = "view"):
    """A decision's page or PDF: it names the person, so it is read through the audited accessor."""
    from parcours.people.selectors import read_person_data

    return read_person_data(
        actor,
        decisions_of(actor).select_related("pathway__person__departement"),
        public_id,
        person_of=lambda decision: decision.pathway.person,
        detail=detail,
        action=action,
    )


def decisions_to_prepare(departement):
    """Items with a favourable or unfavourable opinion whose request waits for the prefect, undrafted."""
    return (
        AgendaItem.objects.filter(
            meeting__departement=departement,
            kind=AgendaItem.Kind.REQUEST,
            opinion__in=[AgendaItem.Opinion.FAVOURABLE, AgendaItem.Opinion.UNFAVOURABLE],
            request__state=RequestState.REVIEWED,
            decision__isnull=True,
        )
        .select_related("meeting", "request__pathway__person")
        .order_by("meeting__starts_at", "order")
    )


def letters_visible_to(actor: Actor):
    """Notification letters: the prefecture sees them all; an association the letters to its people; the
    immigration service the letters addressed to it. Nobody else."""
    from .models import Letter

    base = Letter.objects.filter(decision__departement=actor.departement).select_related(
        "decision", "document"
    )
    if actor.role in (Role.SECRETARIAT, Role.SIGNATORY):
        return base
    if actor.is_association:
        return base.filter(
            addressee=Letter.Addressee.PERSON, decision__pathway__association=actor.organisation
        )
    if actor.role == Role.IMMIGRATION:
        return base.filter(addressee=Letter.Addressee.IMMIGRATION)
    return base.none()


def get_letter_or_404(actor: Actor, public_id):
    """A notification letter (it names the person), read through the audited accessor."""
    from parcours.people.selectors import read_person_data

    return read_person_data(
        actor,
        letters_visible_to(actor).select_related("decision__pathway__person__departement"),
        public_id,
        person_of=lambda letter: letter.decision.pathway.person,
        detail="courrier de notification",
        action="download",
    )


# --- The coordination of minors' individual pathways ---


def coordination_categories(day: date) -> frozenset:
    """The seat categories that sit in the coordination formation on `day` (dated setting, rules.py)."""
    row = RuleSetting.objects.in_force(rules.COORDINATION_CATEGORIES_SETTING, day)
    if row is None:
        return rules.COORDINATION_CATEGORIES
    return frozenset(rules.SeatCategory(code) for code in row.value)


def formation_of(meeting: Meeting):
    """A test `seat -> bool`: whether the seat is convened to the meeting's formation, as the arrêté sets it
    (`Seat.in_plenary`, `in_restricted`, `in_coordination`; defaults from rules.sits_in_formation)."""
    return lambda seat: seat.sits_in(meeting.kind)


def situation_pool(departement):
    """Minors' detections of the département with a transmission to child protection (information
    préoccupante or signalement) and no situation open in coordination: what the secretariat may put on a
    coordination meeting's agenda."""
    from parcours.referrals.models import Detection

    from .models import Situation

    open_situation = Situation.objects.filter(detection=OuterRef("pk"), state=Situation.State.OPEN)
    return (
        Detection.objects.filter(departement=departement, is_minor=True, protection_reports__isnull=False)
        .annotate(in_coordination=Exists(open_situation))
        .filter(in_coordination=False)
        .distinct()
        .order_by("detected_on", "pk")
    )


def follow_up_pool(departement, meeting: Meeting):
    """Open situations that are not on this meeting's agenda, nor on another coordination meeting still
    to be held: they come back for follow-up."""
    from .models import Situation

    pending = AgendaItem.objects.filter(
        situation=OuterRef("pk"),
        meeting__state__in=[MeetingState.SCHEDULED, MeetingState.CONVENED],
    )
    return (
        Situation.objects.filter(departement=departement, state=Situation.State.OPEN)
        .annotate(pending=Exists(pending))
        .filter(pending=False)
        .exclude(agenda_items__meeting=meeting)
        .select_related("detection")
        .order_by("created_at")
    )


def situations_of(actor: Actor):
    from .models import Situation

    return Situation.objects.filter(departement=actor.departement).select_related("detection")


def get_situation_or_404(actor: Actor, public_id):
    return _get_or_404(situations_of(actor), public_id)


def get_action_or_404(actor: Actor, public_id):
    from .models import PlanAction

    return _get_or_404(
        PlanAction.objects.filter(situation__departement=actor.departement).select_related(
            "situation", "item__meeting"
        ),
        public_id,
    )


def overdue_actions(departement, today: date):
    """Ongoing plan actions past their due date, on situations still open."""
    from .models import PlanAction, Situation

    return (
        PlanAction.objects.filter(
            situation__departement=departement,
            situation__state=Situation.State.OPEN,
            status=PlanAction.Status.ONGOING,
            due_on__lt=today,
        )
        .select_related("situation__detection", "seat", "organisation")
        .order_by("due_on")
    )


def situations_with_overdue_actions(departement, today: date):
    """Open situations with an ongoing plan action past its due date, the one overdue for longest first (one
    line per situation on the board). Each carries `overdue`, its overdue actions (the earliest first), and
    `latest_items`, its agenda items (the latest meeting first): two queries for the rows loaded."""
    from .models import Situation

    overdue = overdue_actions(departement, today)
    own = overdue.filter(situation=OuterRef("pk"))
    return (
        Situation.objects.filter(departement=departement, state=Situation.State.OPEN)
        .filter(Exists(own))
        .annotate(first_due=Subquery(own.order_by("due_on").values("due_on")[:1]))
        .select_related("detection")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=overdue.select_related("item__meeting").order_by("due_on", "created_at"),
                to_attr="overdue",
            ),
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("meeting").order_by("-meeting__starts_at", "-pk"),
                to_attr="latest_items",
            ),
        )
        .order_by("first_due", "pk")
    )


def situation_view(situation, *, upto_meeting: Meeting | None = None) -> dict:
    """What a situation shows to the coordination members and the secretariat: the detection's pseudonym,
    age band, sex, indicators, transmissions (kind, date, feedback) and the secretariat's pseudonymised
    summary, with the plan. Never the identity, the partner's free text (context, actions, notes on the
    feedback) nor the recipient's or the reference's wording."""
    detection = situation.detection
    reports = [
        {
            "kind": report.get_kind_display(),
            "sent_on": report.sent_on,
            "feedback": report.get_feedback_display() if report.feedback else "",
            "feedback_on": report.feedback_on,
        }
        for report in detection.protection_reports.order_by("sent_on", "pk")
    ]
    actions = situation.actions.select_related("seat", "organisation", "item__meeting")
    if upto_meeting is not None:
        actions = actions.filter(item__meeting__starts_at__lte=upto_meeting.starts_at)
    return {
        "pseudonym": detection.pseudonym,
        "age_band": detection.get_age_band_display(),
        "sex": detection.get_sex_display(),
        "detected_on": detection.detected_on,
        "indicators": [indicator.label for indicator in detection.indicators.all()],
        "reports": reports,
        "summary": situation.summary,
        "actions": list(actions),
        "state": situation.get_state_display(),
        "closed": situation.state == situation.State.CLOSED,
        "closed_on": situation.closed_on,
        "closing_reason": situation.closing_reason,
    }


def visible_situation_items(convocation: Convocation):
    """The situations a convened member may open: those of a coordination meeting they are convened to."""
    if convocation.meeting.kind != MeetingKind.COORDINATION:
        return AgendaItem.objects.none()
    return convocation.meeting.items.filter(kind=AgendaItem.Kind.SITUATION).select_related(
        "situation__detection"
    )


# --- The frozen minutes, readable by the members ---


def member_minutes(actor: Actor):
    """The frozen minutes a member may read, for as long as they hold a mandate: those of the meetings they
    were convened to, and those of the meetings of a formation their seat sat in on the meeting's day (the
    minutes go to every member of the formation). Nobody else (404)."""
    from .models import Minutes

    if actor is None or actor.role != Role.COMMISSION_MEMBER:
        return Minutes.objects.none()
    day = OuterRef("meeting__held_on")
    mandates = Mandate.objects.filter(
        member=actor.user,
        seat__arrete__departement=actor.departement,
        start__lte=day,
        end__gte=day,
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
    sat = (
        (Q(meeting__kind=MeetingKind.PLENARY) & Exists(mandates.filter(seat__in_plenary=True)))
        | (Q(meeting__kind=MeetingKind.RESTRICTED) & Exists(mandates.filter(seat__in_restricted=True)))
        | (Q(meeting__kind=MeetingKind.COORDINATION) & Exists(mandates.filter(seat__in_coordination=True)))
    )
    convened = Exists(Convocation.objects.filter(meeting=OuterRef("meeting"), mandate__member=actor.user))
    today = timezone.localdate()
    in_office = Mandate.objects.current(today).filter(
        member=actor.user, seat__arrete__departement=actor.departement
    )
    if not in_office.exists():
        return Minutes.objects.none()
    return (
        Minutes.objects.filter(
            meeting__departement=actor.departement,
            meeting__state=MeetingState.CLOSED,
            document__frozen_at__isnull=False,
        )
        .filter(sat | convened)
        .select_related("meeting", "document")
        .order_by("-meeting__starts_at")
    )


def get_member_minutes_or_404(actor: Actor, public_id):
    return _get_or_404(member_minutes(actor), public_id)
