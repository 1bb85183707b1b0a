"""The demo's coordination formation of minors' individual pathways (décret du 30 décembre 2025): the CRIP
and PJJ seats next to the ASE and the president of the conseil départemental, a few minors detected by the
Mission Locale and transmitted to child protection, a coordination meeting held six weeks ago with its
situations and plans (minutes frozen), and the next one, convened, with the follow-up and a new situation.

The detections are pseudonymous (no identity) and are created here with the referrals models directly; the
referrals demo may later create its own, this module only needs minors' detections with a transmission.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from parcours.commission import services as cs
from parcours.commission.models import (
    AgendaItem,
    Arrete,
    Convocation,
    Mandate,
    Meeting,
    MeetingKind,
    MeetingState,
    Minutes,
    PlanAction,
    Seat,
    Situation,
)
from parcours.commission.rules import SeatCategory
from parcours.commission.selectors import current_mandates, formation_of
from parcours.core.models import Membership, Organisation, OrganisationKind, User
from parcours.core.roles import Role
from parcours.people.models import Sex
from parcours.referrals.models import (
    AgeBand,
    Detection,
    DetectionIndicator,
    PlaceType,
    PlatformType,
    ProtectionReport,
    new_detection_pseudonym,
)

# (seat label, organisation name, titular's first and last name): synthetic members.
SEATS = [
    (
        "Cellule de recueil des informations préoccupantes (CRIP)",
        "CRIP — Conseil départemental de démonstration",
        ("Coralie", "Recueil"),
    ),
    (
        "Protection judiciaire de la jeunesse (PJJ)",
        "Direction territoriale de la PJJ de démonstration",
        ("Jules", "Éducateur"),
    ),
]

# (days ago detected, age band, sex, indicator codes' positions, place, platform, transmission, feedback)
DETECTIONS = [
    (80, AgeBand.FROM_15_TO_17, Sex.FEMALE, (0, 3, 4), PlaceType.SHORT_LET, PlatformType.SOCIAL_NETWORK,
     ProtectionReport.Kind.INFORMATION_PREOCCUPANTE, ProtectionReport.Feedback.ADMINISTRATIVE),
    (70, AgeBand.UNDER_15, Sex.FEMALE, (1, 2), PlaceType.HOTEL, PlatformType.MESSAGING,
     ProtectionReport.Kind.SIGNALEMENT, ProtectionReport.Feedback.JUDICIAL),
    (60, AgeBand.FROM_15_TO_17, Sex.MALE, (3, 5), PlaceType.ONLINE_ONLY, PlatformType.AD_SITE,
     ProtectionReport.Kind.INFORMATION_PREOCCUPANTE, ProtectionReport.Feedback.EVALUATION),
    (12, AgeBand.FROM_15_TO_17, Sex.FEMALE, (0, 4), PlaceType.PLACEMENT, PlatformType.SOCIAL_NETWORK,
     ProtectionReport.Kind.INFORMATION_PREOCCUPANTE, ""),
]  # fmt: skip

SUMMARIES = [
    "Fugues répétées du foyer depuis l'automne ; hébergée par intermittence chez un majeur. "
    "Scolarité interrompue.",
    "Annonces en ligne repérées par la Mission Locale ; enquête en cours au parquet des mineurs.",
    "Contacts réguliers avec un adulte rencontré en ligne ; suivi par l'ASE en évaluation.",
]

# (situation index, seat label or organisation name, what, days after the meeting, status)
PLAN = [
    (0, "Aide sociale à l'enfance (ASE)", "Proposer une mise à l'abri spécialisée", 7, "done"),
    (0, "Association agréée (L'Escale)", "Accompagnement éducatif renforcé", 30,
     "ongoing"),
    (0, "Cellule de recueil des informations préoccupantes (CRIP)", "Transmettre l'évaluation à la PJJ", 20,
     "ongoing"),
    (1, "Magistrat du parquet", "Audition en salle adaptée (UAPED)", 14, "done"),
    (1, "Protection judiciaire de la jeunesse (PJJ)", "Mesure éducative : premier entretien", 35,
     "ongoing"),
    (2, "Aide sociale à l'enfance (ASE)", "Évaluation de la situation familiale", 45, "ongoing"),
]  # fmt: skip


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def build(builder) -> None:
    sec = builder.secretariat
    departement = sec.departement
    today = builder.today
    arrete = Arrete.objects.filter(departement=departement).order_by("-mandate_start").first()
    for label, org_name, (first, last) in SEATS:
        org = Organisation.objects.create(departement=departement, name=org_name, kind=OrganisationKind.OTHER)
        seat = cs.add_seat(
            actor=sec, arrete=arrete, category=SeatCategory.CHILD_PROTECTION, label=label, organisation=org
        )
        username = f"{first}.{last}".lower().replace("é", "e")
        user = User.objects.create_user(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.invalid",
            password=None,
        )
        Membership.objects.create(user=user, organisation=org, role=Role.COMMISSION_MEMBER)
        cs.appoint(actor=sec, seat=seat, member=user, kind=Mandate.Kind.TITULAR)

    detections = _detections(builder, departement, today)
    held = _held_meeting(sec, departement, today, detections[:3])
    _minutes(sec, held)
    _next_meeting(sec, today, detections[3])


def _detections(builder, departement, today) -> list[Detection]:
    advisor = builder.actors["mission.locale"]
    indicators = list(DetectionIndicator.objects.filter(departement__isnull=True).order_by("order"))
    result = []
    for days, band, sex, picks, place, platform, kind, feedback in DETECTIONS:
        detected_on = today - timedelta(days=days)
        detection = Detection.objects.create(
            departement=departement,
            organisation=advisor.organisation,
            created_by=advisor.user,
            pseudonym=new_detection_pseudonym(departement.code),
            detected_on=detected_on,
            state="protected",
            age_band=band,
            is_minor=True,
            sex=sex,
            place_type=place,
            platform_type=platform,
        )
        detection.indicators.set([indicators[i] for i in picks if i < len(indicators)])
        sent_on = detected_on + timedelta(days=1)
        ProtectionReport.objects.create(
            detection=detection,
            kind=kind,
            sent_on=sent_on,
            recipient="CRIP du département"
            if kind == ProtectionReport.Kind.INFORMATION_PREOCCUPANTE
            else "Parquet des mineurs",
            reference=f"{'IP' if kind == 'ip' else 'SIG'}-{sent_on.year}-{len(result) + 41:04d}",
            created_by=advisor.user,
            feedback=feedback,
            feedback_on=sent_on + timedelta(days=9) if feedback else None,
        )
        result.append(detection)
    return result


def _held_meeting(sec, departement, today, detections) -> Meeting:
    """Six weeks ago: the situations were presented and each got its plan; all formation members present."""
    day = today - timedelta(days=42)
    meeting = Meeting.objects.create(
        departement=departement,
        kind=MeetingKind.COORDINATION,
        starts_at=_at(day),
        place="Hôtel du département de démonstration, salle Simone-Veil",
        state=MeetingState.HELD,
        convened_at=_at(day - timedelta(days=14), 9),
        held_on=day,
        chaired_by="La directrice de cabinet du préfet et la vice-présidente chargée de l'enfance",
    )
    sits = formation_of(meeting)
    for mandate in current_mandates(departement, day):
        if mandate.kind == Mandate.Kind.TITULAR and sits(mandate.seat):
            Convocation.objects.create(
                meeting=meeting,
                mandate=mandate,
                answer=Convocation.Answer.PRESENT,
                answered_at=_at(day - timedelta(days=6), 11),
                present=True,
            )
    seats = {seat.label: seat for seat in Seat.objects.filter(arrete__departement=departement)}
    items = []
    for order, (detection, summary) in enumerate(zip(detections, SUMMARIES, strict=True), start=1):
        situation = Situation.objects.create(
            departement=departement, detection=detection, summary=summary, opened_by=sec.user
        )
        items.append(
            AgendaItem.objects.create(
                meeting=meeting,
                kind=AgendaItem.Kind.SITUATION,
                situation=situation,
                order=order,
                title=f"Situation {detection.pseudonym}",
            )
        )
    for index, label, what, days, status in PLAN:
        PlanAction.objects.create(
            situation=items[index].situation,
            item=items[index],
            seat=seats[label],
            what=what,
            due_on=day + timedelta(days=days),
            status=status,
            status_changed_on=today - timedelta(days=3) if status == "done" else None,
        )
    return meeting


def _minutes(sec, meeting) -> None:
    from parcours.documents import services as documents

    document = documents.create_document(
        actor=sec,
        kind="commission.pv",
        context=cs.minutes_context(meeting),
        title=f"Procès-verbal — {meeting}",
        related=meeting,
        freeze=True,
    )
    Minutes.objects.create(meeting=meeting, document=document)
    Meeting.objects.filter(pk=meeting.pk).update(state=MeetingState.CLOSED)


def _next_meeting(sec, today, new_detection) -> None:
    """In three weeks: the open situations come back for follow-up, a new one is put on the agenda; convened
    (membre.ase reads the situations in « Mes séances »)."""
    meeting = cs.schedule_meeting(
        actor=sec,
        kind=MeetingKind.COORDINATION,
        starts_at=_at(today + timedelta(days=21)),
        place="Hôtel du département de démonstration, salle Simone-Veil",
        chaired_by="La directrice de cabinet du préfet et la vice-présidente chargée de l'enfance",
    )
    cs.add_situation_item(
        actor=sec,
        meeting=meeting,
        detection=new_detection,
        summary="Repérée par la Mission Locale lors d'un atelier ; information préoccupante transmise, "
        "retour de la CRIP attendu.",
    )
    cs.convene(actor=sec, meeting=meeting)
