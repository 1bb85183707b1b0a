"""The demo's coordination formation of minors' individual pathways (décret du 30 décembre 2025): the CRIP
and PJJ seats next to the ASE and the president of the conseil départemental, a coordination meeting held six
weeks ago with its situations and plans (minutes frozen), and the next one, convened, with the follow-up and a
new situation.

The situations are those of the referrals demo (referrals_demo): minors' detections its partners transmitted
to the CRIP or the prosecutor, put on the agenda by the secretariat from the pool of transmitted detections
(selectors.situation_pool) with the commission's service, as in the application. The CRIP's seat is held by
the CRIP the partners transmit to.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from parcours.commission import services as cs
from parcours.commission.models import (
    Arrete,
    Convocation,
    Mandate,
    Meeting,
    MeetingKind,
    MeetingState,
    Minutes,
    PlanAction,
    Seat,
)
from parcours.commission.rules import SeatCategory
from parcours.commission.selectors import current_mandates, formation_of, situation_pool
from parcours.core.models import Membership, Organisation, OrganisationKind, User
from parcours.core.roles import Role
from parcours.demo.referrals_demo import PARTNERS
from parcours.referrals.models import ProtectionReport

CRIP = PARTNERS[1][0]  # the CRIP organisation created by the referrals demo

# (seat label, organisation name, titular's first and last name): synthetic members.
SEATS = [
    ("Cellule de recueil des informations préoccupantes (CRIP)", CRIP, ("Coralie", "Recueil")),
    (
        "Protection judiciaire de la jeunesse (PJJ)",
        "Direction territoriale de la PJJ de démonstration",
        ("Jules", "Éducateur"),
    ),
]

# The held meeting's situations, in agenda order: the kind of transmission each one comes from, its summary.
SITUATIONS = [
    (
        ProtectionReport.Kind.INFORMATION_PREOCCUPANTE,
        "Fugues répétées du foyer depuis l'automne ; hébergement par intermittence chez un majeur. "
        "Scolarité interrompue.",
    ),
    (
        ProtectionReport.Kind.SIGNALEMENT,
        "Annonces en ligne repérées par le partenaire ; enquête en cours au parquet des mineurs.",
    ),
    (
        ProtectionReport.Kind.INFORMATION_PREOCCUPANTE,
        "Contacts réguliers avec un adulte rencontré en ligne ; suivi par l'ASE en évaluation.",
    ),
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

PLACE = "Hôtel du département de démonstration, salle Simone-Veil"
CHAIR = "La directrice de cabinet du préfet et la vice-présidente chargée de l'enfance"


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def build(builder) -> None:
    sec = builder.secretariat
    departement = sec.departement
    today = builder.today
    arrete = Arrete.objects.filter(departement=departement).order_by("-mandate_start").first()
    for label, org_name, (first, last) in SEATS:
        org, _ = Organisation.objects.get_or_create(
            departement=departement, name=org_name, defaults={"kind": OrganisationKind.OTHER}
        )
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

    held = _held_meeting(sec, departement, today)
    _minutes(sec, held)
    _next_meeting(sec, today)


def _transmitted(departement, kind: str, *, sent_by, taken=()):
    """The latest minor's detection of the referrals demo transmitted (this kind) by `sent_by` and not yet
    in coordination: what the secretariat picks in the pool of its coordination page."""
    return (
        situation_pool(departement)
        .filter(protection_reports__kind=kind, protection_reports__sent_on__lte=sent_by)
        .exclude(pk__in=[d.pk for d in taken])
        .last()
    )


def _held_meeting(sec, departement, today) -> Meeting:
    """Six weeks ago: the secretariat put three transmitted situations on the agenda before convening; they
    were presented and each got its plan; all formation members present."""
    day = today - timedelta(days=42)
    convened_on = day - timedelta(days=14)
    meeting = Meeting.objects.create(  # in the past: schedule_meeting only programs meetings to come
        departement=departement,
        kind=MeetingKind.COORDINATION,
        starts_at=_at(day),
        place=PLACE,
        chaired_by=CHAIR,
    )
    items, taken = [], []
    for kind, summary in SITUATIONS:
        detection = _transmitted(departement, kind, sent_by=convened_on, taken=taken)
        taken.append(detection)
        items.append(cs.add_situation_item(actor=sec, meeting=meeting, detection=detection, summary=summary))
    Meeting.objects.filter(pk=meeting.pk).update(
        state=MeetingState.HELD, convened_at=_at(convened_on, 9), held_on=day
    )
    meeting.refresh_from_db()
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


def _next_meeting(sec, today) -> None:
    """In three weeks: the open situations come back for follow-up, the latest information préoccupante still
    awaiting the CRIP's answer is put on the agenda; convened (membre.ase reads the situations in « Mes
    séances »)."""
    meeting = cs.schedule_meeting(
        actor=sec,
        kind=MeetingKind.COORDINATION,
        starts_at=_at(today + timedelta(days=21)),
        place=PLACE,
        chaired_by=CHAIR,
    )
    detection = (
        situation_pool(sec.departement)
        .filter(
            protection_reports__kind=ProtectionReport.Kind.INFORMATION_PREOCCUPANTE,
            protection_reports__feedback="",
        )
        .select_related("organisation")
        .last()
    )
    cs.add_situation_item(
        actor=sec,
        meeting=meeting,
        detection=detection,
        summary=f"Repérage par {detection.organisation} ; information préoccupante transmise, "
        "retour de la CRIP attendu.",
    )
    cs.convene(actor=sec, meeting=meeting)
