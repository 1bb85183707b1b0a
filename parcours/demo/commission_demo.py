"""The demo commission: its composition, three years of meetings matching the opinions already given, and
the next meetings (one convened, one plenary being prepared)."""

from __future__ import annotations

from collections import defaultdict
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
)
from parcours.commission.rules import SeatCategory
from parcours.core.access import Actor
from parcours.core.models import Membership, Organisation, OrganisationKind, User
from parcours.core.roles import Role
from parcours.pathways.models import Request

# (category, seat label, organisation name or index in the generator's ORGANISATIONS, titular, substitute)
SEATS = [
    (SeatCategory.MAGISTRATE, "Magistrat du parquet", 10, ("membre", None), ("Bastien", "Parquetier")),
    (
        SeatCategory.SOCIAL_COHESION,
        "DDETS — pôle cohésion sociale",
        "DDETS",
        ("Hélène", "Cohésion"),
        ("Karim", "Solidarités"),
    ),
    (
        SeatCategory.PUBLIC_SECURITY,
        "Direction départementale de la police nationale",
        8,
        ("membre.police", None),
        ("Luc", "Brigadier"),
    ),
    (SeatCategory.GENDARMERIE, "Groupement de gendarmerie", 9, ("Armelle", "Gendarme"), ("Yves", "Adjudant")),
    (SeatCategory.FOREIGNERS, "Service des étrangers de la préfecture", 2, ("Odile", "Titres"), None),
    (SeatCategory.LABOUR, "DDETS — pôle travail", "DDETS", ("Raphaël", "Emploi"), None),
    (
        SeatCategory.EDUCATION,
        "Direction des services départementaux de l'éducation nationale",
        "DSDEN",
        ("Mireille", "Académie"),
        None,
    ),
    (SeatCategory.DOCTOR, "Médecin désigné par l'ordre", 11, ("membre.sante", None), ("Simon", "Praticien")),
    (SeatCategory.LOCAL_AUTHORITY, "Ville de Démoville", "Ville de Démoville", ("Julie", "Adjointe"), None),
    (SeatCategory.ASSOCIATION, "Association agréée (L'Escale)", 3, ("Marc", "Délégué-Escale"), None),
    (
        SeatCategory.ASSOCIATION,
        "Association agréée (Horizons Solidaires)",
        4,
        ("Sarah", "Déléguée-Horizons"),
        None,
    ),
    (
        SeatCategory.DEPARTMENT_PRESIDENT,
        "Président du conseil départemental",
        7,
        ("Gérard", "Président"),
        None,
    ),
    (
        SeatCategory.CHILD_PROTECTION,
        "Aide sociale à l'enfance (ASE)",
        7,
        ("membre.ase", None),
        ("Fanny", "Protection"),
    ),
]

EXTRA_ORGS = {
    "DDETS": "Direction départementale de l'emploi, du travail et des solidarités",
    "DSDEN": "Direction des services départementaux de l'éducation nationale",
    "Ville de Démoville": "Ville de Démoville",
}


def _at(day, hour=14):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


SIGNED_DECISIONS = 2


def build(builder) -> None:
    sec = builder.secretariat
    departement = sec.departement
    today = builder.today
    extra = {
        key: Organisation.objects.create(departement=departement, name=name, kind=OrganisationKind.OTHER)
        for key, name in EXTRA_ORGS.items()
    }

    def organisation(ref):
        return builder.orgs[ref] if isinstance(ref, int) else extra[ref]

    def member(person, org) -> User:
        first, last = person
        if last is None:  # a demo login of the generator's ACCOUNTS
            return builder.actors[first].user
        username = (
            f"{first}.{last}".lower().replace("é", "e").replace("è", "e").replace("ë", "e").replace("ï", "i")
        )
        user = User.objects.create_user(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.invalid",
            password=None,
        )
        Membership.objects.create(user=user, organisation=org, role=Role.COMMISSION_MEMBER)
        return user

    # The composition set by the current arrêté (mandates of three years, started 14 months ago).
    start = today - timedelta(days=420)
    arrete = cs.create_arrete(
        actor=sec,
        reference=f"ARR-99-{start.year}-117",
        signed_on=start - timedelta(days=10),
        mandate_start=start,
    )
    previous_start = start - timedelta(days=3 * 365)
    Arrete.objects.create(
        departement=departement,
        reference=f"ARR-99-{previous_start.year}-042",
        signed_on=previous_start - timedelta(days=7),
        mandate_start=previous_start,
        mandate_end=start - timedelta(days=1),
    )
    mandates = []
    for category, label, org_ref, titular, substitute in SEATS:
        org = organisation(org_ref)
        seat = cs.add_seat(actor=sec, arrete=arrete, category=category, label=label, organisation=org)
        mandates.append(
            cs.appoint(actor=sec, seat=seat, member=member(titular, org), kind=Mandate.Kind.TITULAR)
        )
        if substitute:
            mandates.append(
                cs.appoint(actor=sec, seat=seat, member=member(substitute, org), kind=Mandate.Kind.SUBSTITUTE)
            )
    # A substitute leaves in six weeks: on the board (mandates ending within 90 days).
    leaving = next(
        m
        for m in mandates
        if m.kind == Mandate.Kind.SUBSTITUTE and m.seat.category == SeatCategory.GENDARMERIE
    )
    Mandate.objects.filter(pk=leaving.pk).update(end=today + timedelta(days=45))

    _past_meetings(departement, today, mandates)
    _dissent(sec, departement, today)
    _minutes(sec, departement)
    _decisions_to_sign(sec, builder.prefect, departement)
    _next_meetings(sec, today)


def _past_meetings(departement, today, mandates) -> None:
    """One restricted meeting per date on which the commission gave opinions, with those items."""
    by_day = defaultdict(list)
    for request in (
        Request.objects.filter(departement=departement)
        .exclude(opinion="")
        .select_related("pathway__person")
        .order_by("opinion_date")
    ):
        by_day[request.opinion_date].append(request)
    seated = [m for m in mandates if m.kind == Mandate.Kind.TITULAR and m.seat.sits_on_individual_files]
    for number, (day, requests) in enumerate(sorted(by_day.items())):
        meeting = Meeting.objects.create(
            departement=departement,
            kind=MeetingKind.RESTRICTED,
            starts_at=_at(day),
            place="Préfecture de démonstration, salle Marianne",
            state=MeetingState.CLOSED if day < today - timedelta(days=30) else MeetingState.HELD,
            convened_at=_at(day - timedelta(days=12), 9),
            held_on=day,
            chaired_by="La sous-préfète, directrice de cabinet",
        )
        for order, request in enumerate(requests, start=1):
            kind = "Renouvellement" if request.kind == "renewal" else "Demande d'engagement"
            AgendaItem.objects.create(
                meeting=meeting,
                kind=AgendaItem.Kind.REQUEST,
                request=request,
                order=order,
                title=f"{kind} — {request.pathway.person.pseudonym}",
                opinion=request.opinion,
                motive=request.opinion_motive,
                opinion_recorded_at=_at(day, 16),
            )
        present = 0
        for index, mandate in enumerate(seated):
            if mandate.start > day:  # before the current arrêté: the previous members (not kept in the demo)
                continue
            Convocation.objects.create(
                meeting=meeting,
                mandate=mandate,
                answer=Convocation.Answer.PRESENT,
                answered_at=_at(day - timedelta(days=5), 11),
                present=(index + number) % 5 != 0,
            )
            present += (index + number) % 5 != 0
        _votes(meeting, present)


def _votes(meeting, voters: int) -> None:
    """Each opinion with its vote (issue 14): a large majority, one abstention; no vote on a postponement."""
    if voters < 2:
        return
    for item in meeting.items.exclude(opinion=AgendaItem.Opinion.POSTPONED):
        majority, minority = voters - 1, 0
        votes = (
            (majority, minority) if item.opinion == AgendaItem.Opinion.FAVOURABLE else (minority, majority)
        )
        AgendaItem.objects.filter(pk=item.pk).update(
            votes_for=votes[0], votes_against=votes[1], abstentions=1
        )


def _dissent(sec: Actor, departement, today) -> None:
    """At the last closed meeting, a member asked that her disagreement with the first opinion be mentioned
    in the minutes (décret n° 2006-672, art. 14)."""
    from parcours.commission.models import Dissent

    meeting = (
        Meeting.objects.filter(
            departement=departement, state=MeetingState.CLOSED, kind=MeetingKind.RESTRICTED
        )
        .filter(held_on__gte=today - timedelta(days=365), items__votes_for__isnull=False)
        .order_by("-starts_at")
        .first()
    )
    if meeting is None:
        return
    item = meeting.items.exclude(opinion=AgendaItem.Opinion.POSTPONED).filter(votes_for__isnull=False).first()
    present = meeting.convocations.filter(present=True).select_related("mandate").first()
    if item is None or present is None:
        return
    Dissent.objects.create(
        item=item,
        mandate=present.mandate,
        statement="L'hébergement proposé reste provisoire : un point d'étape aurait été utile avant l'avis.",
        recorded_by=sec.user,
    )


def _minutes(sec: Actor, departement) -> None:
    """The closed meetings' minutes, frozen (the last year's: older ones were kept on paper)."""
    from parcours.commission.models import Minutes
    from parcours.documents import services as documents

    for meeting in Meeting.objects.filter(
        departement=departement,
        state=MeetingState.CLOSED,
        held_on__gte=timezone.localdate() - timedelta(days=365),  # by date: the same at any hour
    ):
        document = documents.create_document(
            actor=sec,
            kind="commission.pv",
            context=cs.minutes_context(meeting),
            title=f"Procès-verbal — {meeting}",
            related=meeting,
            freeze=True,
        )
        Minutes.objects.create(meeting=meeting, document=document)


def _decisions_to_sign(sec: Actor, prefect: Actor, departement) -> None:
    """The secretariat has prepared the decision of the first request awaiting the prefect: on his board.
    The next ones (up to SIGNED_DECISIONS) are signed, with their notification letters (frozen PDFs naming
    the person, stored encrypted)."""
    from parcours.commission.selectors import decisions_to_prepare

    items = list(decisions_to_prepare(departement)[: 1 + SIGNED_DECISIONS])
    for index, item in enumerate(items):
        outcome = "authorised" if item.opinion == AgendaItem.Opinion.FAVOURABLE else "refused"
        motive = "" if outcome == "authorised" else "Le projet d'insertion reste à construire."
        decision = cs.draft_decision(actor=sec, item=item, outcome=outcome, motive=motive)
        if index > 0:
            cs.sign_decision(actor=prefect, decision=decision, day=timezone.localdate())


def _written_consultation(sec: Actor, today) -> None:
    """A written consultation opened yesterday, closing in four days (issue 14): a renewal that falls due
    before the next meeting; two members have voted in their portal."""
    from parcours.commission.models import Ballot
    from parcours.commission.selectors import request_pool

    pool = request_pool(sec.departement)
    request = pool.filter(kind="renewal").first()
    reason = "Renouvellement arrivant à échéance avant la prochaine séance restreinte"
    if request is None and pool.count() >= 2:  # the next meeting keeps the others
        request = pool.last()
        reason = "Demande urgente : l'hébergement de la personne dépend de l'avis avant la prochaine séance"
    if request is None:
        return
    now = timezone.now()
    meeting = cs.schedule_written_consultation(
        actor=sec,
        opens_at=now + timedelta(hours=1),
        closes_at=_at(today + timedelta(days=4), 18),
        reason=reason,
        chaired_by="La sous-préfète, directrice de cabinet",
    )
    item = cs.add_request_item(actor=sec, meeting=meeting, request=request)
    convocations = cs.convene(actor=sec, meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=_at(today - timedelta(days=1), 9))
    recused = set(item.recusals.values_list("mandate_id", flat=True))
    voters = [c for c in convocations if c.mandate_id not in recused][:2]
    for convocation in voters:
        Ballot.objects.create(item=item, convocation=convocation, choice=Ballot.Choice.FAVOURABLE)


def _next_meetings(sec: Actor, today) -> None:
    """A restricted meeting in 12 days (convened, with the requests waiting for the commission) and a plenary
    meeting in six weeks being prepared."""
    from parcours.commission.selectors import request_pool

    restricted = cs.schedule_meeting(
        actor=sec,
        kind=MeetingKind.RESTRICTED,
        starts_at=_at(today + timedelta(days=12)),
        place="Préfecture de démonstration, salle Marianne",
        video_link="https://visio.demo.invalid/commission-99",
        chaired_by="La sous-préfète, directrice de cabinet",
    )
    _written_consultation(sec, today)
    for request in request_pool(sec.departement):
        cs.add_request_item(actor=sec, meeting=restricted, request=request)
    cs.add_free_item(actor=sec, meeting=restricted, title="Questions diverses")
    convocations = cs.convene(actor=sec, meeting=restricted)
    for convocation in convocations[:4]:
        Convocation.objects.filter(pk=convocation.pk).update(
            answer=Convocation.Answer.PRESENT, answered_at=timezone.now()
        )

    plenary = cs.schedule_meeting(
        actor=sec,
        kind=MeetingKind.PLENARY,
        starts_at=_at(today + timedelta(days=45), 10),
        place="Préfecture de démonstration, salon d'honneur",
        chaired_by="Le préfet",
    )
    for title, description in [
        (
            "Bilan annuel des parcours de sortie",
            "Indicateurs de l'année, délais de décision, droits ouverts.",
        ),
        ("Diagnostic territorial : lancement de l'enquête auprès des structures", ""),
        ("Stratégie départementale pluriannuelle (stratégie nationale du 2 mai 2024)", ""),
    ]:
        cs.add_free_item(actor=sec, meeting=plenary, title=title, description=description)
