"""Every write of the commission app: composition, meetings, agendas, convocations, attendance, recusals,
opinions. Keyword-only arguments, the actor first; each call is atomic and audited."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from parcours.core import audit, dates
from parcours.core.access import Actor
from parcours.core.policies import can
from parcours.core.roles import Role
from parcours.documents import services as documents
from parcours.outbox import services as outbox
from parcours.pathways import rules as psp_rules
from parcours.pathways import services as psp
from parcours.pathways.models import Request, RequestKind, RequestState

from . import documents as doc_kinds
from . import rules
from .models import (
    AgendaItem,
    Arrete,
    Convocation,
    Mandate,
    Meeting,
    MeetingKind,
    MeetingState,
    Recusal,
    Seat,
)
from .selectors import (
    application_pool,
    current_mandates,
    formation_of,
    quorum_status,
    request_pool,
)


def _require(actor: Actor, permission: str = "commission.manage") -> None:
    if not can(actor, permission):
        raise PermissionDenied


def _same_departement(actor: Actor, departement_id: int) -> None:
    if departement_id != actor.departement.pk:
        raise PermissionDenied


# --- Composition ---


@transaction.atomic
def create_arrete(
    *,
    actor: Actor,
    reference: str,
    signed_on: date,
    mandate_start: date,
    mandate_end: date | None = None,
    quorum_percent: int | None = None,
):
    _require(actor)
    if quorum_percent is None:
        quorum_percent = rules.DEFAULT_QUORUM_PERCENT
    if not 0 <= quorum_percent <= 100:
        raise ValidationError({"quorum_percent": "Le quorum est une part des sièges, de 0 à 100 %."})
    reference = reference.strip()
    if not reference:
        raise ValidationError({"reference": "Indiquez la référence de l'arrêté."})
    mandate_end = mandate_end or _years_later(mandate_start, rules.MANDATE_YEARS)
    if mandate_end <= mandate_start:
        raise ValidationError({"mandate_end": "La fin des mandats doit suivre leur début."})
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": "La date de signature ne peut pas être dans le futur."})
    if Arrete.objects.filter(departement=actor.departement, reference=reference).exists():
        raise ValidationError({"reference": "Un arrêté porte déjà cette référence."})
    arrete = Arrete.objects.create(
        departement=actor.departement,
        reference=reference,
        signed_on=signed_on,
        mandate_start=mandate_start,
        mandate_end=mandate_end,
        quorum_percent=quorum_percent,
    )
    audit.record(actor, "create", arrete, detail="arrêté de composition")
    return arrete


def _years_later(day: date, years: int) -> date:
    """The day before the same date `years` later (3 years from 1 March 2026: 28 February 2029)."""
    try:
        same = day.replace(year=day.year + years)
    except ValueError:  # 29 February
        same = day.replace(year=day.year + years, day=28) + timedelta(days=1)
    return same - timedelta(days=1)


FORMATIONS = ("plenary", "restricted", "coordination")


@transaction.atomic
def add_seat(
    *, actor: Actor, arrete: Arrete, category: str, label: str, organisation=None, formations=None
) -> Seat:
    """A seat of the arrêté, of a category in force today (R. 121-12-7 CASF, dated: selectors.
    categories_in_force), sitting in the formations the arrêté names (`formations`, MeetingKind values;
    empty: the category's defaults, rules.sits_in_formation)."""
    from .selectors import categories_in_force, coordination_categories

    _require(actor)
    _same_departement(actor, arrete.departement_id)
    today = timezone.localdate()
    if category not in categories_in_force(today):
        raise ValidationError(
            {"category": "Cette catégorie de membres ne figure pas à l'article R. 121-12-7 en vigueur."}
        )
    if not label.strip():
        raise ValidationError({"label": "Indiquez l'intitulé du siège."})
    if organisation is not None and organisation.departement_id != actor.departement.pk:
        raise ValidationError({"organisation": "Cet organisme n'est pas du département."})
    if formations:
        unknown = set(formations) - set(FORMATIONS)
        if unknown:
            raise ValidationError({"formations": "Choisissez parmi les formations proposées."})
        if "restricted" in formations and category in rules.NOT_ON_INDIVIDUAL_FILES:
            raise ValidationError(
                {
                    "formations": "Ce membre ne siège pas sur les demandes individuelles de parcours "
                    "(décret du 30 décembre 2025) : il ne peut pas siéger en formation restreinte."
                }
            )
        chosen = set(formations)
    else:
        categories = coordination_categories(today)
        chosen = {k for k in FORMATIONS if rules.sits_in_formation(category, k, categories)}
    order = (arrete.seats.aggregate(m=Max("order"))["m"] or 0) + 1
    seat = Seat.objects.create(
        arrete=arrete,
        category=category,
        label=label.strip(),
        organisation=organisation,
        order=order,
        in_plenary="plenary" in chosen,
        in_restricted="restricted" in chosen,
        in_coordination="coordination" in chosen,
    )
    audit.record(actor, "create", seat, detail="siège de la commission")
    return seat


@transaction.atomic
def appoint(
    *, actor: Actor, seat: Seat, member, kind: str, start: date | None = None, end: date | None = None
) -> Mandate:
    """Appoint a member (an account with the commission-member role in the département) to a seat."""
    _require(actor)
    _same_departement(actor, seat.arrete.departement_id)
    start = start or seat.arrete.mandate_start
    end = end or seat.arrete.mandate_end
    if end <= start:
        raise ValidationError({"end": "La fin du mandat doit suivre son début."})
    if not member.memberships.filter(
        active=True, role=Role.COMMISSION_MEMBER, organisation__departement=actor.departement
    ).exists():
        raise ValidationError(
            {"member": "Ce compte n'a pas de rattachement « membre de la commission » dans le département."}
        )
    overlapping = seat.mandates.filter(kind=kind, ended_on__isnull=True, start__lte=end, end__gte=start)
    if overlapping.exists():
        raise ValidationError(
            {"kind": f"Le siège a déjà un·e {Mandate.Kind(kind).label.lower()} sur cette période."}
        )
    mandate = Mandate.objects.create(seat=seat, member=member, kind=kind, start=start, end=end)
    audit.record(actor, "create", mandate, detail="mandat")
    return mandate


@transaction.atomic
def end_mandate(*, actor: Actor, mandate: Mandate, day: date) -> Mandate:
    _require(actor)
    _same_departement(actor, mandate.seat.arrete.departement_id)
    if mandate.ended_on:
        raise ValidationError("Ce mandat a déjà pris fin.")
    if not mandate.start <= day <= mandate.end:
        raise ValidationError({"day": "La fin anticipée doit tomber pendant le mandat."})
    mandate.ended_on = day
    mandate.save(update_fields=["ended_on", "updated_at"])
    audit.record(actor, "update", mandate, detail="fin anticipée du mandat")
    return mandate


# --- Meetings ---


@transaction.atomic
def schedule_meeting(
    *,
    actor: Actor,
    kind: str,
    starts_at: datetime,
    place: str = "",
    video_link: str = "",
    chaired_by: str = "",
) -> Meeting:
    _require(actor)
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": "Une séance ne peut pas être programmée dans le passé."})
    if not place.strip() and not video_link.strip():
        raise ValidationError({"place": "Indiquez un lieu ou un lien de visioconférence."})
    meeting = Meeting.objects.create(
        departement=actor.departement,
        kind=kind,
        starts_at=starts_at,
        place=place.strip(),
        video_link=video_link.strip(),
        chaired_by=chaired_by.strip(),
    )
    audit.record(actor, "create", meeting, detail="séance programmée")
    if meeting.kind == MeetingKind.COORDINATION:
        # Each situation still open comes back with its unfinished actions (« Suivi »).
        add_open_situations(actor=actor, meeting=meeting)
    return meeting


def _editable_agenda(meeting: Meeting) -> None:
    if meeting.state not in (MeetingState.SCHEDULED, MeetingState.CONVENED):
        raise ValidationError("L'ordre du jour d'une séance tenue, close ou annulée ne peut plus changer.")


def _agenda_changed(meeting: Meeting) -> None:
    """After the convocations, a change of the agenda is dated: the meeting page then offers to send the
    corrected agenda to the convened members (`notify_agenda_change`)."""
    if meeting.state == MeetingState.CONVENED:
        meeting.agenda_changed_at = timezone.now()
        meeting.save(update_fields=["agenda_changed_at", "updated_at"])


def _next_order(meeting: Meeting) -> int:
    return (meeting.items.aggregate(m=Max("order"))["m"] or 0) + 1


def _check_agenda(actor: Actor, meeting: Meeting) -> None:
    """The secretariat of the meeting's département may still change its agenda."""
    _require(actor)
    _same_departement(actor, meeting.departement_id)
    _editable_agenda(meeting)


def _append_item(
    *, actor: Actor, meeting: Meeting, kind: str, title: str, detail: str, journaled=None, **links
) -> AgendaItem:
    """Put an item at the end of the meeting's agenda, date the change of a convened agenda and journal it
    (on the meeting, or on `journaled` when the act creates it)."""
    if meeting.without_quorum:
        raise ValidationError(
            "Cette séance est reconvoquée faute de quorum sur le même ordre du jour : aucun point ne peut y "
            "être ajouté (il faudrait alors réunir le quorum)."
        )
    if meeting.is_written and kind != AgendaItem.Kind.REQUEST:
        raise ValidationError(
            "Une consultation écrite porte sur des demandes de parcours (renouvellements, urgences) : "
            "les autres points attendent une séance."
        )
    item = AgendaItem.objects.create(
        meeting=meeting, kind=kind, title=title, order=_next_order(meeting), **links
    )
    _agenda_changed(meeting)
    if journaled is None:
        audit.record(actor, "update", meeting, detail=detail)
    else:
        audit.record(actor, "create", journaled, detail=detail)
    return item


@transaction.atomic
def add_request_item(*, actor: Actor, meeting: Meeting, request: Request) -> AgendaItem:
    """Put a request that is ready (or was postponed) on the agenda of a restricted meeting."""
    _check_agenda(actor, meeting)
    if meeting.kind != MeetingKind.RESTRICTED:
        raise ValidationError(
            "Les demandes individuelles sont examinées en formation restreinte : "
            "programmez une séance restreinte."
        )
    if request.pathway.departement_id != actor.departement.pk:
        raise PermissionDenied
    if request.state not in (RequestState.READY, RequestState.POSTPONED):
        raise ValidationError(
            f"Seule une demande prête pour la commission (ou ajournée) peut être inscrite ; "
            f"celle-ci est « {request.get_state_display()} »."
        )
    if not request_pool(actor.departement).filter(pk=request.pk).exists():
        raise ValidationError("Cette demande est déjà inscrite à l'ordre du jour d'une autre séance.")
    kind_label = "Renouvellement" if request.kind == RequestKind.RENEWAL else "Demande d'engagement"
    item = _append_item(
        actor=actor,
        meeting=meeting,
        kind=AgendaItem.Kind.REQUEST,
        request=request,
        title=f"{kind_label} — {request.pathway.person.pseudonym}",
        detail="demande inscrite à l'ordre du jour",
    )
    _recuse_presenting_association(item)
    return item


@transaction.atomic
def add_request_items(*, actor: Actor, meeting: Meeting, requests) -> list[AgendaItem]:
    """Put several ready requests on the agenda at once (all or none), in the order given."""
    return [add_request_item(actor=actor, meeting=meeting, request=request) for request in requests]


@transaction.atomic
def add_agrement_item(*, actor: Actor, meeting: Meeting, application) -> AgendaItem:
    """Put an association's agrément application, complete and awaiting the opinion, on the agenda."""
    _check_agenda(actor, meeting)
    if meeting.kind == MeetingKind.COORDINATION:
        raise ValidationError(
            "La formation de coordination examine les situations de mineurs, pas les demandes d'agrément."
        )
    if application.departement_id != actor.departement.pk:
        raise PermissionDenied
    if not application_pool(actor.departement).filter(pk=application.pk).exists():
        raise ValidationError(
            "Cette demande d'agrément n'attend pas l'avis de la commission, ou elle est déjà inscrite "
            "à l'ordre du jour d'une autre séance."
        )
    item = _append_item(
        actor=actor,
        meeting=meeting,
        kind=AgendaItem.Kind.AGREMENT,
        application=application,
        title=f"Agrément ({application.get_kind_display().lower()}) — {application.organisation}",
        detail="demande d'agrément inscrite à l'ordre du jour",
    )
    # The association whose agrément is examined does not deliberate on it.
    for mandate in Mandate.objects.current(meeting.day).filter(
        seat__arrete__departement=meeting.departement, seat__organisation=application.organisation
    ):
        Recusal.objects.get_or_create(
            item=item,
            mandate=mandate,
            defaults={"reason": "Association dont l'agrément est examiné", "automatic": True},
        )
    return item


@transaction.atomic
def add_free_item(*, actor: Actor, meeting: Meeting, title: str, description: str = "") -> AgendaItem:
    _check_agenda(actor, meeting)
    if not title.strip():
        raise ValidationError({"title": "Indiquez l'intitulé du point."})
    return _append_item(
        actor=actor,
        meeting=meeting,
        kind=AgendaItem.Kind.FREE,
        title=title.strip(),
        description=description.strip(),
        detail="point libre inscrit à l'ordre du jour",
    )


@transaction.atomic
def remove_item(*, actor: Actor, item: AgendaItem) -> None:
    _check_agenda(actor, item.meeting)
    meeting = item.meeting
    situation = item.situation
    item.delete()
    if situation is not None and not situation.agenda_items.exists() and not situation.actions.exists():
        # Opened by this item and never examined: the detection goes back to the pool.
        situation.delete()
    _agenda_changed(meeting)
    audit.record(actor, "update", meeting, detail="point retiré de l'ordre du jour")


@transaction.atomic
def move_item(*, actor: Actor, item: AgendaItem, up: bool) -> None:
    _check_agenda(actor, item.meeting)
    items = list(item.meeting.items.all())
    index = items.index(item)
    other = index - 1 if up else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
        for position, each in enumerate(items, start=1):
            if each.order != position:
                each.order = position
                each.save(update_fields=["order", "updated_at"])
        _agenda_changed(item.meeting)


def _recuse_presenting_association(item: AgendaItem) -> None:
    """The association presents the case but its representative may not deliberate on it (DOMAIN.md)."""
    association = item.request.pathway.association
    mandates = Mandate.objects.current(item.meeting.day).filter(
        seat__arrete__departement=item.meeting.departement, seat__organisation=association
    )
    for mandate in mandates:
        Recusal.objects.get_or_create(
            item=item,
            mandate=mandate,
            defaults={"reason": "Association qui accompagne la personne", "automatic": True},
        )


# --- Convocations and answers ---


def check_convene(meeting: Meeting, *, urgent: bool = False) -> None:
    """What makes convening impossible, checked before the confirmation is asked and again when done."""
    if meeting.state != MeetingState.SCHEDULED:
        raise ValidationError("Les convocations de cette séance ont déjà été envoyées.")
    if not meeting.items.exists():
        raise ValidationError("L'ordre du jour est vide : inscrivez au moins un point avant de convoquer.")
    if meeting.is_written:
        if meeting.closes_at - timezone.now() < timedelta(days=rules.WRITTEN_CONSULTATION_MIN_DAYS):
            raise ValidationError(
                f"La consultation écrite doit laisser {rules.WRITTEN_CONSULTATION_MIN_DAYS} jours au moins "
                "aux membres pour voter : reportez sa clôture."
            )
        return
    notice = timedelta(days=rules.CONVOCATION_NOTICE_DAYS)
    if not urgent and meeting.starts_at - timezone.now() < notice:
        raise ValidationError(
            f"La convocation doit parvenir {rules.CONVOCATION_NOTICE_DAYS} jours au moins avant la séance "
            "(sauf urgence, à cocher)."
        )


@transaction.atomic
def convene(*, actor: Actor, meeting: Meeting, urgent: bool = False) -> list[Convocation]:
    """Convene the titular members (or the substitute of a seat without titular) and freeze the agenda list.

    Only the seats of the meeting's formation are convened (rules.sits_in_formation): restricted meetings
    leave out the seats that do not sit on individual files, coordination meetings gather their own. The
    e-mails are sent by `notify_convocations` once the transaction commits.
    """
    _require(actor)
    _same_departement(actor, meeting.departement_id)
    check_convene(meeting, urgent=urgent)
    day = meeting.day
    convocations = []
    by_seat: dict[int, dict[str, Mandate]] = {}
    sits = formation_of(meeting)
    for mandate in current_mandates(meeting.departement, day):
        if not sits(mandate.seat):
            continue
        by_seat.setdefault(mandate.seat_id, {})[mandate.kind] = mandate
    if not by_seat:
        raise ValidationError(
            "Aucun membre n'a de mandat en cours à la date de la séance : complétez la composition."
        )
    for mandates in by_seat.values():
        mandate = mandates.get(Mandate.Kind.TITULAR) or mandates[Mandate.Kind.SUBSTITUTE]
        convocations.append(Convocation.objects.create(meeting=meeting, mandate=mandate))
    meeting.state = MeetingState.CONVENED
    meeting.convened_at = timezone.now()
    meeting.convocation_document = documents.create_document(
        actor=actor,
        kind=doc_kinds.CONVOCATION,
        context=convocation_context(meeting),
        title=f"Convocation — {meeting}",
        related=meeting,
        freeze=True,
    )
    meeting.save(update_fields=["state", "convened_at", "convocation_document", "updated_at"])
    for convocation in convocations:
        _send_convocation(convocation)
    audit.record(actor, "update", meeting, detail=f"{len(convocations)} membres convoqués")
    return convocations


def _meeting_fields(meeting: Meeting) -> dict:
    local = timezone.localtime(meeting.starts_at)
    return {
        "formation": meeting.get_kind_display(),
        "date": local.date(),
        "heure": f"{local:%H}h{local:%M}",
        "lieu": meeting.place,
        "lien": meeting.video_link,
        "presidence": meeting.chaired_by,
    }


def convocation_context(meeting: Meeting) -> dict:
    """What the convocation shows: the meeting and its agenda, pseudonymous codes only."""
    return {
        "seance": _meeting_fields(meeting),
        "ordre_du_jour": [
            {"intitule": item.title, "type": item.get_kind_display()} for item in meeting.items.all()
        ],
        "portail_jours": rules.PORTAL_DAYS_AFTER_MEETING,
        "coordination": meeting.kind == MeetingKind.COORDINATION,
        "base_legale": rules.SHARING_LEGAL_BASIS if meeting.kind == MeetingKind.COORDINATION else "",
        "sans_quorum": meeting.without_quorum,
        "seance_precedente": meeting.reconvened_from.day if meeting.without_quorum else None,
        "consultation_ecrite": _written_fields(meeting),
    }


def _written_fields(meeting: Meeting) -> dict | None:
    if not meeting.is_written:
        return None
    return {
        "ouverture": timezone.localtime(meeting.starts_at),
        "cloture": timezone.localtime(meeting.closes_at),
        "motif": meeting.written_reason,
        "source": rules.WRITTEN_CONSULTATION_SOURCE,
    }


def _plan_lines(actions) -> list[dict]:
    return [
        {
            "qui": str(action.owner),
            "quoi": action.what,
            "echeance": action.due_on,
            "etat": action.get_status_display(),
        }
        for action in actions
    ]


def _send_convocation(convocation: Convocation) -> None:
    """One e-mail per convened member, the convocation attached; the key makes a resend a no-op."""
    member = convocation.mandate.member
    if not member.email:
        return
    meeting = convocation.meeting
    local = timezone.localtime(meeting.starts_at)
    if meeting.is_written:
        _send_written_consultation(convocation)
        return
    body = (
        f"Bonjour {member.get_full_name()},\n\n"
        f"Vous êtes convoqué·e, au titre du siège « {convocation.mandate.seat} » "
        f"({convocation.mandate.get_kind_display().lower()}), à la {meeting.get_kind_display().lower()} "
        f"de la commission départementale du {local:%d/%m/%Y à %Hh%M}"
        + (f", {meeting.place}" if meeting.place else "")
        + ".\n\n"
        + (
            "Le quorum n'ayant pas été atteint à la séance précédente, la commission est convoquée de "
            "nouveau sur le même ordre du jour et délibérera sans condition de quorum.\n\n"
            if meeting.without_quorum
            else ""
        )
        + "La convocation et l'ordre du jour sont joints. Les résumés des demandes (pseudonymisés) et "
        "le formulaire de réponse sont dans votre espace « Mes séances » de Parcours.\n\n"
        "Merci d'indiquer si vous serez présent·e ou si votre suppléant·e vous remplacera.\n\n"
        "Le secrétariat de la commission"
    )
    outbox.queue_email(
        departement=meeting.departement,
        idempotency_key=f"convocation:{convocation.public_id}",
        to=member.email,
        subject=f"Convocation — commission départementale du {local:%d/%m/%Y}",
        body=body,
        attachments=[meeting.convocation_document] if meeting.convocation_document else [],
        related=convocation,
    )


@transaction.atomic
def answer_convocation(*, actor: Actor, convocation: Convocation, answer: str) -> Convocation:
    """The member confirms, sends their substitute (who is then convened) or apologises."""
    _require(actor, "commission.portal")
    if convocation.mandate.member_id != actor.user.pk:
        raise PermissionDenied
    if convocation.meeting.state != MeetingState.CONVENED:
        raise ValidationError("La séance n'attend plus de réponse.")
    if answer not in Convocation.Answer.values or answer == Convocation.Answer.PENDING:
        raise ValidationError({"answer": "Choisissez une réponse."})
    substitute = None
    if answer == Convocation.Answer.SUBSTITUTE:
        if convocation.mandate.kind != Mandate.Kind.TITULAR:
            raise ValidationError({"answer": "Seul·e un·e titulaire peut se faire remplacer."})
        substitute = (
            Mandate.objects.current(convocation.meeting.day)
            .filter(seat=convocation.mandate.seat, kind=Mandate.Kind.SUBSTITUTE)
            .first()
        )
        if substitute is None:
            raise ValidationError({"answer": "Ce siège n'a pas de suppléant·e en fonction : excusez-vous."})
    convocation.answer = answer
    convocation.answered_at = timezone.now()
    convocation.save(update_fields=["answer", "answered_at", "updated_at"])
    if substitute is not None:
        replacement, created = Convocation.objects.get_or_create(
            meeting=convocation.meeting, mandate=substitute
        )
        if created:
            _send_convocation(replacement)
        for recusal in Recusal.objects.filter(item__meeting=convocation.meeting, mandate=convocation.mandate):
            Recusal.objects.get_or_create(
                item=recusal.item, mandate=substitute, defaults={"reason": recusal.reason, "automatic": True}
            )
    audit.record(actor, "update", convocation, detail=f"réponse à la convocation : {answer}")
    return convocation


# --- During the meeting ---


@transaction.atomic
def record_attendance(
    *,
    actor: Actor,
    meeting: Meeting,
    present_ids: set[int],
    remote_ids: set[int] = frozenset(),
    offline_seat_ids: set[int] = frozenset(),
) -> dict:
    """Mark who is present (convocation ids), who of them took part remotely (telephone or video, décret
    n° 2006-672 art. 11), and which ex officio seats without account were present or represented (seat ids);
    the meeting is then held. Proxies that no longer hold (the giver came, the holder did not) are dropped.
    Returns the quorum status."""
    from .selectors import seats_without_account

    _require(actor)
    _same_departement(actor, meeting.departement_id)
    if meeting.is_written:
        raise ValidationError(
            "Une consultation écrite ne relève pas de présences : elle se clôt une fois passée sa date de "
            "clôture, les votants y ont participé."
        )
    if meeting.state not in (MeetingState.CONVENED, MeetingState.HELD):
        raise ValidationError("La présence se relève pour une séance convoquée.")
    if meeting.day > timezone.localdate():
        raise ValidationError("La séance n'a pas encore eu lieu.")
    if meeting.state == MeetingState.HELD and meeting.items.exclude(opinion="").exists():
        raise ValidationError(
            "Des avis sont déjà rendus à cette séance : les présences qui les ont permis ne changent plus."
        )
    convocations = list(meeting.convocations.all())
    unknown = (set(present_ids) | set(remote_ids)) - {c.pk for c in convocations}
    if unknown:
        raise ValidationError("Un membre coché n'est pas convoqué à cette séance.")
    if set(remote_ids) - set(present_ids):
        raise ValidationError({"remote": "Seul un membre présent peut être noté « à distance »."})
    offline = {seat.pk: seat for seat in seats_without_account(meeting)}
    if set(offline_seat_ids) - set(offline):
        raise ValidationError({"offline": "Ce siège n'est pas un siège sans compte de cette formation."})
    now = timezone.now()
    for convocation in convocations:
        convocation.present = convocation.pk in present_ids
        convocation.remote = convocation.pk in remote_ids
        convocation.updated_at = now
    Convocation.objects.bulk_update(convocations, ["present", "remote", "updated_at"])
    present = {c.pk for c in convocations if c.present}
    # A proxy is given by an absent member to a present one (art. 10): drop those attendance undid.
    meeting.convocations.filter(proxy_holder__isnull=False).exclude(proxy_holder__in=present).update(
        proxy_holder=None
    )
    meeting.convocations.filter(pk__in=present).update(proxy_holder=None)
    meeting.offline_present.set([offline[pk] for pk in offline_seat_ids])
    meeting.state = MeetingState.HELD
    meeting.held_on = meeting.day
    meeting.save(update_fields=["state", "held_on", "updated_at"])
    status = quorum_status(meeting)
    audit.record(
        actor,
        "update",
        meeting,
        detail=f"présences relevées ({len(present)} membre(s) présent(s), dont {len(remote_ids)} à distance)",
    )
    return status


@transaction.atomic
def record_proxy(*, actor: Actor, meeting: Meeting, giver: Convocation, holder: Convocation) -> Convocation:
    """An absent member, not replaced by their substitute, gave a proxy to a present member (décret
    n° 2006-672, art. 10): the giver's seat counts as represented; nobody holds more than one proxy."""
    _require(actor)
    _same_departement(actor, meeting.departement_id)
    if meeting.is_written:
        raise ValidationError("Une consultation écrite ne connaît pas de procuration : chacun vote lui-même.")
    if meeting.state != MeetingState.HELD:
        raise ValidationError("Relevez d'abord les présences : une procuration se donne à un membre présent.")
    if meeting.items.exclude(opinion="").exists():
        raise ValidationError("Des avis sont déjà rendus à cette séance : les procurations ne changent plus.")
    if giver.meeting_id != meeting.pk or holder.meeting_id != meeting.pk:
        raise ValidationError("Ces membres ne sont pas convoqués à cette séance.")
    giver = Convocation.objects.select_for_update().select_related("mandate").get(pk=giver.pk)
    holder = Convocation.objects.get(pk=holder.pk)
    if giver.pk == holder.pk:
        raise ValidationError({"holder": "Un membre ne se donne pas procuration à lui-même."})
    if giver.present:
        raise ValidationError({"giver": "Ce membre est présent : il n'a pas à donner procuration."})
    if not holder.present:
        raise ValidationError({"holder": "La procuration se donne à un membre présent à la séance."})
    if giver.proxy_holder_id is not None:
        raise ValidationError({"giver": "Ce membre a déjà donné procuration."})
    seat = giver.mandate.seat_id
    if meeting.convocations.filter(mandate__seat_id=seat, present=True).exists():
        raise ValidationError(
            {"giver": "Son siège est déjà pourvu (son suppléant·e est présent·e) : pas de procuration."}
        )
    if holder.proxies_held.count() >= rules.MAX_PROXIES_HELD:
        raise ValidationError(
            {"holder": "Ce membre détient déjà une procuration : nul n'en détient plus d'une."}
        )
    giver.proxy_holder = holder
    giver.save(update_fields=["proxy_holder", "updated_at"])
    audit.record(actor, "update", giver, detail="procuration donnée à un membre présent")
    return giver


@transaction.atomic
def reconvene(
    *,
    actor: Actor,
    meeting: Meeting,
    starts_at: datetime,
    place: str = "",
    video_link: str = "",
    chaired_by: str = "",
) -> Meeting:
    """The quorum failed: convene the commission again on the same agenda; the new meeting deliberates without
    quorum (décret n° 2006-672, art. 11, al. 2). The items that waited for an opinion move to it (the first
    meeting's minutes say where they went)."""
    _require(actor)
    _same_departement(actor, meeting.departement_id)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state != MeetingState.HELD:
        raise ValidationError("Seule une séance tenue sans quorum peut être reconvoquée.")
    if quorum_status(meeting)["reached"]:
        raise ValidationError("Le quorum est atteint : la commission peut délibérer, rien à reconvoquer.")
    if Meeting.objects.filter(reconvened_from=meeting).exists():
        raise ValidationError("Cette séance est déjà reconvoquée.")
    waiting = list(meeting.items.filter(opinion="").exclude(kind=AgendaItem.Kind.SITUATION))
    if not waiting:
        raise ValidationError("Aucun point n'attend d'avis : rien à reconvoquer.")
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": "Une séance ne peut pas être programmée dans le passé."})
    if not place.strip() and not video_link.strip():
        raise ValidationError({"place": "Indiquez un lieu ou un lien de visioconférence."})
    again = Meeting.objects.create(
        departement=meeting.departement,
        kind=meeting.kind,
        starts_at=starts_at,
        place=place.strip(),
        video_link=video_link.strip(),
        chaired_by=chaired_by.strip() or meeting.chaired_by,
        reconvened_from=meeting,
    )
    for order, item in enumerate(waiting, start=1):
        item.meeting, item.order = again, order
        item.save(update_fields=["meeting", "order", "updated_at"])
    audit.record(actor, "create", again, detail="séance reconvoquée sur le même ordre du jour, sans quorum")
    audit.record(
        actor, "update", meeting, detail=f"quorum non atteint : {len(waiting)} point(s) reconvoqué(s)"
    )
    return again


@transaction.atomic
def declare_recusal(*, actor: Actor, item: AgendaItem, mandate: Mandate, reason: str) -> Recusal:
    _require(actor)
    _same_departement(actor, item.meeting.departement_id)
    if item.opinion:
        raise ValidationError("L'avis sur ce point est déjà rendu.")
    if not item.meeting.convocations.filter(mandate=mandate).exists():
        raise ValidationError({"mandate": "Ce membre n'est pas convoqué à la séance."})
    if not reason.strip():
        raise ValidationError({"reason": "Indiquez le motif du déport."})
    recusal, created = Recusal.objects.get_or_create(
        item=item, mandate=mandate, defaults={"reason": reason.strip()}
    )
    if not created:
        raise ValidationError({"mandate": "Ce membre s'est déjà déporté sur ce point."})
    audit.record(actor, "create", recusal, detail="déport déclaré")
    return recusal


def _counted_vote(item: AgendaItem, opinion: str, counts, casting_vote: str):
    """The vote that gives the opinion: (for, against, abstentions) checked against the number of members
    who may vote and against the opinion recorded (décret n° 2006-672, art. 12), or None (no counted vote)."""
    from .selectors import tally, voters

    meeting = item.meeting
    if meeting.is_written:
        ballots = tally(item)
        counts = (ballots["favourable"], ballots["unfavourable"], ballots["abstention"])
    elif all(c is None for c in counts):
        if casting_vote:
            raise ValidationError(
                {"casting_vote": "La voix prépondérante ne compte qu'en cas de partage égal."}
            )
        return None
    else:
        counts = tuple(c or 0 for c in counts)
    if opinion == AgendaItem.Opinion.POSTPONED:
        if meeting.is_written:
            return counts  # the secretariat may postpone to a meeting whatever the ballots say
        raise ValidationError(
            {
                "votes_for": "Le décompte des voix porte sur un avis favorable ou défavorable : "
                "pour ajourner, laissez-le vide."
            }
        )
    votes_for, votes_against, abstentions = counts
    if casting_vote and votes_for != votes_against:
        raise ValidationError({"casting_vote": "La voix prépondérante ne compte qu'en cas de partage égal."})
    possible = voters(meeting, item) if not meeting.is_written else sum(counts)
    try:
        outcome = rules.vote_outcome(votes_for, votes_against, abstentions, possible, casting_vote)
    except rules.VoteError as exc:
        field = "casting_vote" if votes_for == votes_against and "partage" in str(exc) else "votes_for"
        raise ValidationError({field: str(exc)}) from exc
    if outcome != opinion:
        label = AgendaItem.Opinion(outcome).label.lower()
        raise ValidationError(
            {
                "opinion": f"Le décompte ({votes_for} pour un avis favorable, {votes_against} pour un avis "
                f"défavorable, {abstentions} abstention(s)) donne un avis {label} : corrigez l'avis ou le "
                "décompte."
            }
        )
    return counts


@transaction.atomic
def record_item_opinion(
    *,
    actor: Actor,
    item: AgendaItem,
    opinion: str,
    motive: str,
    votes_for: int | None = None,
    votes_against: int | None = None,
    abstentions: int | None = None,
    casting_vote: str = "",
) -> AgendaItem:
    """The commission's opinion on an item, with its vote (for, against, abstentions, and the chair's casting
    vote on a tie; a written consultation's ballots are counted here); for a PSP request it moves the
    request's
    state machine too — the same workflow whatever the form of the deliberation."""
    _require(actor)
    meeting = item.meeting
    _same_departement(actor, meeting.departement_id)
    if meeting.state != MeetingState.HELD:
        if meeting.is_written:
            raise ValidationError("Clôturez d'abord la consultation écrite : l'avis se donne sur les votes.")
        raise ValidationError("Relevez d'abord les présences : l'avis se donne en séance.")
    status = quorum_status(meeting)
    if not status["reached"]:
        what = "membres ayant participé" if meeting.is_written else "sièges pourvus"
        raise ValidationError(
            f"Le quorum n'est pas atteint ({status['filled']} {what} sur {status['total']}, "
            f"{status['needed']} requis) : la commission ne peut pas rendre d'avis. Reconvoquez-la sur le "
            "même ordre du jour : elle délibérera alors sans condition de quorum."
        )
    if item.kind == AgendaItem.Kind.FREE:
        raise ValidationError("Un point libre n'appelle pas d'avis.")
    if item.opinion:
        raise ValidationError("L'avis sur ce point est déjà enregistré.")
    if opinion not in AgendaItem.Opinion.values:
        raise ValidationError({"opinion": "Choisissez l'avis de la commission."})
    if not motive.strip():
        raise ValidationError({"motive": "Le motif de l'avis est obligatoire."})
    counts = _counted_vote(item, opinion, (votes_for, votes_against, abstentions), casting_vote)
    day = meeting.held_on or meeting.day
    if item.kind == AgendaItem.Kind.REQUEST:
        psp.record_opinion(actor=actor, request=item.request, opinion=opinion, day=day, motive=motive.strip())
    elif item.kind == AgendaItem.Kind.AGREMENT:
        from parcours.approvals import services as approvals

        approvals.record_commission_opinion(
            actor=actor, application=item.application, opinion=opinion, day=day, motive=motive.strip()
        )
    item.opinion, item.motive, item.opinion_recorded_at = opinion, motive.strip(), timezone.now()
    fields = ["opinion", "motive", "opinion_recorded_at", "updated_at"]
    if counts is not None:
        item.votes_for, item.votes_against, item.abstentions = counts
        item.casting_vote = casting_vote if counts[0] == counts[1] and opinion != "postponed" else ""
        fields += ["votes_for", "votes_against", "abstentions", "casting_vote"]
    item.save(update_fields=fields)
    audit.record(
        actor,
        "update",
        item,
        detail=f"avis {opinion}"
        + (f" ({counts[0]} pour, {counts[1]} contre, {counts[2]} abstention(s))" if counts else ""),
    )
    return item


DISSENT_MAX_LENGTH = 1000


@transaction.atomic
def record_dissent(*, actor: Actor, item: AgendaItem, mandate: Mandate, statement: str = ""):
    """At a member's request, their disagreement with the opinion is mentioned in the minutes (décret
    n° 2006-672, art. 14). The member took part in the deliberation (present, remote, represented or, in a
    written consultation, voted) and did not recuse themselves; names typed by mistake are replaced by the
    person's code."""
    from parcours.people.redaction import names_of, strip_names

    from .models import Dissent, Minutes

    _require(actor)
    meeting = item.meeting
    _same_departement(actor, meeting.departement_id)
    if meeting.state != MeetingState.HELD:
        raise ValidationError("Un désaccord se mentionne avant que le procès-verbal soit figé.")
    minutes = Minutes.objects.filter(meeting=meeting).select_related("document").first()
    if minutes is not None and minutes.document.is_frozen:
        raise ValidationError("Le procès-verbal est figé : il ne change plus.")
    if not item.opinion:
        raise ValidationError("L'avis sur ce point n'est pas encore rendu.")
    convocation = meeting.convocations.filter(mandate=mandate).first()
    took_part = convocation is not None and (
        convocation.present
        or convocation.proxy_holder_id is not None
        or (meeting.is_written and convocation.ballots.filter(item=item).exists())
    )
    if not took_part:
        raise ValidationError({"mandate": "Ce membre n'a pas pris part à la délibération sur ce point."})
    if item.recusals.filter(mandate=mandate).exists():
        raise ValidationError({"mandate": "Ce membre s'est déporté sur ce point."})
    statement = statement.strip()
    if len(statement) > DISSENT_MAX_LENGTH:
        raise ValidationError({"statement": f"Le texte ne peut dépasser {DISSENT_MAX_LENGTH} caractères."})
    if statement and item.request_id:
        person = item.request.pathway.person
        statement = strip_names(statement, names_of(person), person.pseudonym)
    dissent, created = Dissent.objects.get_or_create(
        item=item, mandate=mandate, defaults={"statement": statement, "recorded_by": actor.user}
    )
    if not created:
        raise ValidationError({"mandate": "Le désaccord de ce membre est déjà mentionné sur ce point."})
    audit.record(actor, "create", dissent, detail="désaccord mentionné au procès-verbal")
    return dissent


@transaction.atomic
def cancel_meeting(*, actor: Actor, meeting: Meeting, notify: bool = False) -> Meeting:
    """Cancel a meeting that has not been held: its requests go back to the pool. With `notify`, each
    convened member receives an e-mail saying the meeting is cancelled (through the outbox)."""
    _require(actor)
    _same_departement(actor, meeting.departement_id)
    if meeting.state not in (MeetingState.SCHEDULED, MeetingState.CONVENED):
        raise ValidationError("Seule une séance qui n'a pas encore eu lieu peut être annulée.")
    was_convened = meeting.state == MeetingState.CONVENED
    meeting.items.filter(kind__in=[AgendaItem.Kind.REQUEST, AgendaItem.Kind.AGREMENT]).delete()
    meeting.state = MeetingState.CANCELLED
    fields = ["state", "updated_at"]
    sent = 0
    if notify and was_convened:
        sent = _notify_members(
            meeting, key="annulation", subject="Annulation", body=_cancellation_body(meeting)
        )
        meeting.members_notified_at = timezone.now()
        fields.append("members_notified_at")
    meeting.save(update_fields=fields)
    detail = "séance annulée" + (
        f" ; {sent} membres convoqués prévenus par courriel" if notify and was_convened else ""
    )
    audit.record(actor, "update", meeting, detail=detail)
    return meeting


def convened_members_count(meeting: Meeting) -> int:
    return meeting.convocations.count()


def _cancellation_body(meeting: Meeting) -> str:
    local = timezone.localtime(meeting.starts_at)
    return (
        f"La {meeting.get_kind_display().lower()} de la commission départementale prévue le "
        f"{local:%d/%m/%Y à %Hh%M} est annulée. La convocation que vous avez reçue n'a plus d'objet ; "
        "une nouvelle séance vous sera annoncée par une nouvelle convocation.\n\n"
    )


def _notify_members(meeting: Meeting, *, key: str, subject: str, body: str, attachments=()) -> int:
    """One e-mail per convened member who has an address; the key (notice, convocation) makes a resend of the
    same notice a no-op. Returns the number of e-mails queued."""
    local = timezone.localtime(meeting.starts_at)
    sent = 0
    for convocation in meeting.convocations.select_related("mandate__member"):
        member = convocation.mandate.member
        if not member.email:
            continue
        outbox.queue_email(
            departement=meeting.departement,
            idempotency_key=f"{key}:{convocation.public_id}",
            to=member.email,
            subject=f"{subject} — commission départementale du {local:%d/%m/%Y}",
            body=f"Bonjour {member.get_full_name()},\n\n{body}Le secrétariat de la commission",
            attachments=list(attachments),
            related=convocation,
        )
        sent += 1
    return sent


@transaction.atomic
def notify_agenda_change(*, actor: Actor, meeting: Meeting) -> int:
    """Send the corrected agenda to the convened members: a new frozen convocation document (the corrected
    agenda, pseudonymous codes only) replaces the first one and is attached to one e-mail per member."""
    _require(actor)
    _same_departement(actor, meeting.departement_id)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not meeting.agenda_notice_pending:
        raise ValidationError("L'ordre du jour n'a pas changé depuis les convocations : rien à envoyer.")
    meeting.convocation_document = documents.create_document(
        actor=actor,
        kind=doc_kinds.CONVOCATION,
        context=convocation_context(meeting),
        title=f"Convocation (ordre du jour rectifié) — {meeting}",
        related=meeting,
        freeze=True,
    )
    body = (
        "L'ordre du jour de la séance à laquelle vous êtes convoqué·e a changé. "
        "La convocation avec l'ordre du "
        "jour rectifié est jointe ; elle remplace la précédente. Les résumés des demandes sont dans votre "
        "espace « Mes séances » de Parcours.\n\n"
    )
    sent = _notify_members(
        meeting,
        key=f"ordre-du-jour:{meeting.agenda_changed_at:%Y%m%d%H%M%S%f}",
        subject="Ordre du jour rectifié",
        body=body,
        attachments=[meeting.convocation_document],
    )
    meeting.members_notified_at = timezone.now()
    meeting.save(update_fields=["convocation_document", "members_notified_at", "updated_at"])
    audit.record(actor, "update", meeting, detail=f"ordre du jour rectifié envoyé à {sent} membres convoqués")
    return sent


# --- Minutes ---


def _vote_fields(item: AgendaItem) -> dict | None:
    if not item.has_vote:
        return None
    return {
        "pour": item.votes_for,
        "contre": item.votes_against,
        "abstentions": item.abstentions,
        "preponderante": item.get_casting_vote_display() if item.casting_vote else "",
    }


def minutes_context(meeting: Meeting) -> dict:
    """What the minutes record (décret n° 2006-672, art. 14): attendance (in person, remote, proxies, ex
    officio
    seats without account), quorum, each item with its opinion, its vote, the recusals and the disagreements
    members asked to be mentioned (codes only, never an identity)."""
    from .models import Dissent
    from .selectors import filled_seats

    convocations = list(
        meeting.convocations.select_related(
            "mandate__member", "mandate__seat", "proxy_holder__mandate__member"
        )
    )
    status = quorum_status(meeting)
    recusals: dict[int, list[str]] = {}
    for recusal in Recusal.objects.filter(item__meeting=meeting).select_related("mandate__member"):
        recusals.setdefault(recusal.item_id, []).append(
            f"{recusal.mandate.member.get_full_name()} ({recusal.reason})"
        )
    dissents: dict[int, list[dict]] = {}
    for dissent in Dissent.objects.filter(item__meeting=meeting).select_related(
        "mandate__member", "mandate__seat"
    ):
        dissents.setdefault(dissent.item_id, []).append(
            {
                "nom": dissent.mandate.member.get_full_name(),
                "siege": str(dissent.mandate.seat),
                "texte": dissent.statement,
            }
        )
    filled = filled_seats(meeting)
    reconvened = Meeting.objects.filter(reconvened_from=meeting).first()
    return {
        "seance": _meeting_fields(meeting),
        "presents": [
            {
                "nom": c.mandate.member.get_full_name(),
                "siege": str(c.mandate.seat),
                "qualite": c.mandate.get_kind_display(),
                "a_distance": c.remote,
            }
            for c in convocations
            if c.present
        ],
        "absents": [
            {"nom": c.mandate.member.get_full_name(), "siege": str(c.mandate.seat)}
            for c in convocations
            if not c.present
        ],
        "procurations": [
            {
                "mandant": c.mandate.member.get_full_name(),
                "mandataire": c.proxy_holder.mandate.member.get_full_name(),
            }
            for c in convocations
            if c.proxy_holder_id
        ],
        "sieges_sans_compte": [str(seat) for seat in meeting.offline_present.all() if seat.pk in filled],
        "quorum": {
            "exige": status["applies"],
            "pourvus": status["filled"],
            "total": status["total"],
            "requis": status["needed"],
            "atteint": status["reached"],
        },
        "sans_quorum": meeting.without_quorum,
        "seance_precedente": meeting.reconvened_from.day if meeting.without_quorum else None,
        "reconvoquee_le": reconvened.day if reconvened else None,
        "points_reconvoques": [item.title for item in reconvened.items.all()] if reconvened else [],
        "consultation_ecrite": _written_fields(meeting),
        "points": [
            {
                "numero": number,
                "intitule": item.title,
                "avis": item.get_opinion_display() if item.opinion else "",
                "motif": item.motive,
                "deports": " ; ".join(recusals.get(item.pk, [])),
                "vote": _vote_fields(item),
                "desaccords": dissents.get(item.pk, []),
                "situation": item.kind == AgendaItem.Kind.SITUATION,
                "plan": _plan_lines(item.plan_actions.select_related("seat", "organisation")),
                "suivi": _plan_lines(
                    item.situation.actions.exclude(item=item)
                    .filter(item__meeting__starts_at__lt=meeting.starts_at)
                    .select_related("seat", "organisation")
                )
                if item.situation_id
                else [],
            }
            for number, item in enumerate(meeting.items.select_related("situation"), start=1)
        ],
        "coordination": meeting.kind == MeetingKind.COORDINATION,
        "base_legale": rules.SHARING_LEGAL_BASIS if meeting.kind == MeetingKind.COORDINATION else "",
    }


@transaction.atomic
def draft_minutes(*, actor: Actor, meeting: Meeting):
    """Draft the minutes from the recorded meeting (every item with an opinion must have one first)."""
    from .models import Minutes

    _require(actor)
    _same_departement(actor, meeting.departement_id)
    if meeting.state != MeetingState.HELD:
        raise ValidationError("Le procès-verbal se rédige pour une séance tenue et pas encore close.")
    if Minutes.objects.filter(meeting=meeting).exists():
        raise ValidationError("Le procès-verbal de cette séance est déjà rédigé : modifiez le brouillon.")
    # Free items and minors' situations (a plan, not an opinion) wait for no opinion.
    waiting = meeting.items.exclude(kind__in=[AgendaItem.Kind.FREE, AgendaItem.Kind.SITUATION]).filter(
        opinion=""
    )
    if waiting.exists() and quorum_status(meeting)["reached"]:
        raise ValidationError(
            "Des points attendent encore l'avis de la commission : "
            + ", ".join(item.title for item in waiting)
            + "."
        )
    document = documents.create_document(
        actor=actor,
        kind=doc_kinds.MINUTES,
        context=minutes_context(meeting),
        title=f"Procès-verbal — {meeting}",
        related=meeting,
    )
    minutes = Minutes.objects.create(meeting=meeting, document=document)
    audit.record(actor, "create", minutes, detail="procès-verbal rédigé")
    return minutes


@transaction.atomic
def close_meeting(*, actor: Actor, meeting: Meeting) -> Meeting:
    """Freeze the minutes (SHA-256 stored, never changes again) and close the meeting. Items without an
    opinion (quorum not reached) go back to the pool of the next meeting."""
    from .models import Minutes

    _require(actor)
    _same_departement(actor, meeting.departement_id)
    if meeting.state != MeetingState.HELD:
        raise ValidationError("Seule une séance tenue peut être close.")
    minutes = Minutes.objects.filter(meeting=meeting).select_related("document").first()
    if minutes is None:
        raise ValidationError("Rédigez d'abord le procès-verbal.")
    if not minutes.document.is_frozen:
        documents.freeze(actor=actor, document=minutes.document)
    # Requests the commission could not examine leave this agenda.
    meeting.items.filter(kind__in=[AgendaItem.Kind.REQUEST, AgendaItem.Kind.AGREMENT], opinion="").delete()
    meeting.state = MeetingState.CLOSED
    meeting.save(update_fields=["state", "updated_at"])
    minutes.document.refresh_from_db()
    sent = send_minutes(meeting, minutes)
    audit.record(
        actor,
        "transition",
        meeting,
        detail=f"séance close, procès-verbal figé et envoyé à {sent} membre(s)",
    )
    return meeting


def minutes_recipients(meeting: Meeting) -> list:
    """Every member of the formation on the meeting's day (titulars and substitutes of its seats) and every
    member convened to it: the frozen minutes go to all of them (décret n° 2006-672, art. 14; DOMAIN.md)."""
    from .selectors import formation_seats

    seats = set(formation_seats(meeting).values_list("pk", flat=True))
    day = meeting.held_on or meeting.day
    users = {
        m.member_id: m.member
        for m in Mandate.objects.current(day).filter(seat_id__in=seats).select_related("member")
    }
    for convocation in meeting.convocations.select_related("mandate__member"):
        users.setdefault(convocation.mandate.member_id, convocation.mandate.member)
    return sorted(users.values(), key=lambda u: (u.last_name, u.first_name, u.pk))


def send_minutes(meeting: Meeting, minutes) -> int:
    """One e-mail per member with an address, the frozen minutes attached (outbox, idempotency key per
    member):
    the minutes also stay readable in the member's portal (« Procès-verbaux »)."""
    local = timezone.localtime(meeting.starts_at)
    sent = 0
    for user in minutes_recipients(meeting):
        if not user.email:
            continue
        outbox.queue_email(
            departement=meeting.departement,
            idempotency_key=f"proces-verbal:{minutes.public_id}:{user.public_id}",
            to=user.email,
            subject=f"Procès-verbal — commission départementale du {local:%d/%m/%Y}",
            body=(
                f"Bonjour {user.get_full_name()},\n\n"
                f"Le procès-verbal de la {meeting.get_kind_display().lower()} du {local:%d/%m/%Y} est figé "
                ": il est joint et reste consultable dans votre espace « Mes séances », rubrique "
                "« Procès-verbaux », pendant votre mandat.\n\nLe secrétariat de la commission"
            ),
            attachments=[minutes.document],
            related=minutes,
        )
        sent += 1
    minutes.sent_at, minutes.sent_count = timezone.now(), sent
    minutes.save(update_fields=["sent_at", "sent_count", "updated_at"])
    return sent


# --- The prefect's decisions ---


def _civility(person) -> str:
    return {"F": "Madame", "M": "Monsieur"}.get(person.sex, "")


# The outcome an opinion calls for; a decision otherwise is stated and reasoned (issue 11, item 5).
EXPECTED_OUTCOME = {"favourable": "authorised", "unfavourable": "refused"}


def _person_fields(person) -> dict:
    """The person as a prefect's decision and its letters name her or him."""
    feminine = person.sex == "F"
    return {
        "civilite": _civility(person),
        "prenom": person.first_name,
        "nom": person.last_name.upper(),
        "naissance": person.birth_date,
        "nationalite": person.nationality or person.get_nationality_group_display(),
        # Agreements follow the recorded sex: no inclusive writing in an act.
        "feminin": feminine,
        "ne": "née" if feminine else "né",
        "autorise": "autorisée" if feminine else "autorisé",
    }


def goes_against_opinion(request: Request, outcome: str) -> bool:
    expected = EXPECTED_OUTCOME.get(request.opinion, "")
    return bool(expected) and outcome != expected


def decision_context(decision, *, signer: str = "") -> dict:
    """The fields of the decision and of its letters. Holds the person's identity: prefecture documents."""
    request = decision.request
    person = request.pathway.person
    authorised = decision.outcome == decision.Outcome.AUTHORISED
    start = end = None
    if authorised:
        opened = request.pathway.periods.filter(request=request).first()
        if opened is not None:  # signed: the period the PSP workflow opened
            start, end = opened.start, opened.end
        else:  # a draft: the period a signature today would open
            start, end = psp.proposed_period(request, timezone.localdate(), decision.period_start) or (
                None,
                None,
            )
    return {
        "personne": _person_fields(person),
        "association": str(request.pathway.association),
        "avis": {"sens": request.get_opinion_display(), "date": request.opinion_date},
        "decision": {
            "autorisee": authorised,
            "numero": decision.reference,
            "date": decision.signed_on,
            "motif": decision.motive,
            "contraire_avis": goes_against_opinion(request, decision.outcome),
            "motifs_contraires": decision.divergence_motive,
            "reference_externe": decision.external_reference,
            "projet": decision.state != decision.State.SIGNED,
            "preavis": decision.hearing_notice_on,
        },
        "demande": {"renouvellement": request.kind == RequestKind.RENEWAL},
        "periode": {"debut": start, "fin": end},
        "droits": request.rights_labels,
        "signataire": signer,
    }


def _check_outcome(request: Request, outcome: str, motive: str, divergence_motive: str) -> None:
    from .models import PrefectDecision

    if outcome not in PrefectDecision.Outcome.values:
        raise ValidationError({"outcome": "Choisissez la décision."})
    if goes_against_opinion(request, outcome) and not divergence_motive:
        raise ValidationError(
            {
                "divergence_motive": "La décision va contre l'avis de la commission : "
                "indiquez pourquoi le préfet décide autrement."
            }
        )
    if outcome == PrefectDecision.Outcome.REFUSED and not motive:
        raise ValidationError({"motive": "Un refus est motivé : indiquez les motifs."})


def _check_period_possible(request: Request, outcome: str, period_start) -> None:
    if outcome == "authorised" and psp.proposed_period(request, timezone.localdate(), period_start) is None:
        raise ValidationError(
            "Aucune période ne peut être ouverte : le parcours a atteint la durée maximale de "
            f"{psp_rules.MAX_PATHWAY_MONTHS} mois."
        )


def _draft_title(request: Request) -> str:
    kind = "renouvellement" if request.kind == RequestKind.RENEWAL else "engagement"
    return f"Projet de décision — parcours de sortie ({kind})"


@transaction.atomic
def draft_decision(
    *,
    actor: Actor,
    item: AgendaItem,
    outcome: str,
    motive: str = "",
    period_start=None,
    divergence_motive: str = "",
):
    """The secretariat drafts the prefect's decision on an item with an opinion; the signatory signs it."""
    from .models import PrefectDecision

    _require(actor, "commission.decide")
    _same_departement(actor, item.meeting.departement_id)
    if item.kind != AgendaItem.Kind.REQUEST:
        raise ValidationError("Seule une demande de parcours de sortie appelle une décision du préfet.")
    if item.opinion not in (AgendaItem.Opinion.FAVOURABLE, AgendaItem.Opinion.UNFAVOURABLE):
        raise ValidationError(
            "Une décision ne se prépare qu'après l'avis (favorable ou défavorable) de la commission."
        )
    request = item.request
    if request.state != RequestState.REVIEWED:
        raise ValidationError(f"La demande n'attend pas de décision (« {request.get_state_display()} »).")
    if PrefectDecision.objects.filter(request=request).exists():
        raise ValidationError("La décision de cette demande est déjà préparée.")
    motive, divergence_motive = motive.strip(), divergence_motive.strip()
    _check_outcome(request, outcome, motive, divergence_motive)
    _check_period_possible(request, outcome, period_start)
    decision = PrefectDecision(
        departement=actor.departement,
        item=item,
        request=request,
        pathway=request.pathway,
        origin=PrefectDecision.Origin.MEETING,
        outcome=outcome,
        motive=motive,
        divergence_motive=divergence_motive,
        period_start=period_start,
        drafted_by=actor.user,
    )
    decision.document = _draft_document(actor, decision)
    decision.save()
    audit.record(actor, "create", decision, detail="décision préparée")
    return decision


@transaction.atomic
def return_decision(*, actor: Actor, decision, comment: str):
    """The signatory sends a draft back to the secretariat with a comment (nothing is numbered)."""
    from .models import PrefectDecision

    decision = _locked_decision(actor, decision, "commission.sign")
    if decision.state != PrefectDecision.State.DRAFT:
        raise ValidationError("Seule une décision à signer peut être renvoyée au secrétariat.")
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": "Dites au secrétariat ce qui est à reprendre."})
    decision.state = PrefectDecision.State.RETURNED
    decision.return_comment = comment
    decision.save(update_fields=["state", "return_comment", "updated_at"])
    audit.record(actor, "transition", decision, detail="décision renvoyée au secrétariat")
    return decision


@transaction.atomic
def revise_decision(
    *, actor: Actor, decision, outcome: str, motive: str = "", period_start=None, divergence_motive: str = ""
):
    """The secretariat takes a returned draft up again: the draft is rewritten and goes back to signature."""
    from .models import PrefectDecision

    decision = _locked_decision(actor, decision, "commission.decide")
    if decision.state != PrefectDecision.State.RETURNED:
        raise ValidationError("Seule une décision renvoyée par le signataire se reprend.")
    motive, divergence_motive = motive.strip(), divergence_motive.strip()
    _check_outcome(decision.request, outcome, motive, divergence_motive)
    _check_period_possible(decision.request, outcome, period_start)
    decision.outcome, decision.motive, decision.period_start = outcome, motive, period_start
    decision.divergence_motive = divergence_motive
    decision.state = PrefectDecision.State.DRAFT
    _redraft(actor, decision)
    audit.record(actor, "update", decision, detail="décision reprise et renvoyée à la signature")
    return decision


def _locked_decision(actor: Actor, decision, permission: str):
    """The decision, locked for the act `permission` allows, once the actor is checked."""
    from .models import PrefectDecision

    _require(actor, permission)
    _same_departement(actor, decision.departement_id)
    return PrefectDecision.objects.select_for_update().get(pk=decision.pk)


def _draft_document(actor: Actor, decision):
    """The draft of a decision (a request's, or a pathway's end) as the signatory will read it."""
    if decision.outcome == decision.Outcome.ENDED:
        return documents.create_document(
            actor=actor,
            kind=doc_kinds.END_DECISION,
            context=end_decision_context(decision),
            title=END_DRAFT_TITLE,
            related=decision.pathway,
        )
    return documents.create_document(
        actor=actor,
        kind=doc_kinds.DECISION,
        context=decision_context(decision),
        title=_draft_title(decision.request),
        related=decision.request,
    )


def _redraft(actor: Actor, decision) -> None:
    """A returned decision taken up again: a new draft replaces the previous one (kept if it was frozen)."""
    old = decision.document
    decision.document = _draft_document(actor, decision)
    decision.save()
    if old is not None and not old.is_frozen:
        old.delete()


def _next_number(departement, year: int) -> int:
    from .models import DecisionSequence

    sequence, _ = DecisionSequence.objects.select_for_update().get_or_create(
        departement=departement, year=year
    )
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


def _number(decision, day: date) -> None:
    decision.year = day.year
    decision.number = _next_number(decision.departement, day.year)
    decision.reference = f"{day.year}-{decision.number:04d}"


def issue_documents(*, actor: Actor, decision, signer: str = ""):
    """The registered decision's act (frozen PDF) and its notification letters, one per addressee."""
    from .models import Letter, PrefectDecision

    if decision.state != PrefectDecision.State.SIGNED or decision.letters.exists():
        raise ValidationError("L'acte et les courriers de cette décision sont déjà produits.")
    ended = decision.outcome == PrefectDecision.Outcome.ENDED
    context = (
        end_decision_context(decision, signer=signer) if ended else decision_context(decision, signer=signer)
    )
    related = decision.request or decision.pathway
    old = decision.document
    decision.document = documents.create_document(
        actor=actor,
        kind=doc_kinds.END_DECISION if ended else doc_kinds.DECISION,
        context=context,
        title=f"Décision n° {decision.reference}",
        related=related,
        freeze=True,
    )
    decision.save(update_fields=["document", "updated_at"])
    if old is not None and not old.is_frozen:
        old.delete()
    addressees = [Letter.Addressee.PERSON]
    if ended:
        # The payer stops the AFIS and the foreigners' service learns that the pathway (the ground of the
        # APS, CESEDA L. 425-4) has ended.
        if context["fin"]["afis"]:
            addressees.append(Letter.Addressee.AFIS_PAYER)
        if context["fin"]["titre_de_sejour"]:
            addressees.append(Letter.Addressee.IMMIGRATION)
    elif decision.outcome == PrefectDecision.Outcome.AUTHORISED:
        rights = set(decision.request.rights_requested)
        if "afis" in rights:
            addressees.append(Letter.Addressee.AFIS_PAYER)
        if "residence_permit" in rights:
            addressees.append(Letter.Addressee.IMMIGRATION)
    kinds = {
        Letter.Addressee.PERSON: doc_kinds.LETTER_PERSON,
        Letter.Addressee.AFIS_PAYER: doc_kinds.LETTER_AFIS,
        Letter.Addressee.IMMIGRATION: doc_kinds.LETTER_IMMIGRATION,
    }
    end_kinds = {
        Letter.Addressee.PERSON: doc_kinds.END_LETTER_PERSON,
        Letter.Addressee.AFIS_PAYER: doc_kinds.END_LETTER_AFIS,
        Letter.Addressee.IMMIGRATION: doc_kinds.END_LETTER_IMMIGRATION,
    }
    for addressee in addressees:
        document = documents.create_document(
            actor=actor,
            kind=(end_kinds if ended else kinds)[addressee],
            context=context,
            title=Letter.TITLES[addressee],
            related=related,
            freeze=True,
        )
        Letter.objects.create(decision=decision, addressee=addressee, document=document)
    return decision


@transaction.atomic
def issue_register_documents(*, actor: Actor, decision):
    """A decision entered in the register by the migration of the hand-recorded decisions (no act, no
    letter then): the secretariat produces its act and its letters, once."""
    decision = _locked_decision(actor, decision, "commission.decide")
    issue_documents(actor=actor, decision=decision)
    audit.record(actor, "update", decision, detail=f"acte et courriers produits n° {decision.reference}")
    return decision


def _register(actor: Actor, decision, day: date, signer: str) -> None:
    """The one path of every decision into the register: number, PSP workflow, act and letters."""
    decision.signed_on = day
    decision.signed_by = actor.user
    _number(decision, day)
    # The PSP workflow first: it refuses what the law forbids (cap, overlap, an end of what is not under
    # way) before anything is frozen.
    if decision.outcome == decision.Outcome.ENDED:
        psp.end_by_decision(
            actor=actor,
            pathway=decision.pathway,
            day=day,
            reference=decision.reference,
            motive=decision.motive,
        )
        decision.pathway.refresh_from_db()
    else:
        psp.record_decision(
            actor=actor,
            request=decision.request,
            decision=decision.outcome,
            day=day,
            reference=decision.reference,
            period_start=decision.period_start,
            motive=decision.motive or decision.divergence_motive,
        )
        decision.request.refresh_from_db()
    decision.state = decision.State.SIGNED
    decision.save()
    issue_documents(actor=actor, decision=decision, signer=signer)


@transaction.atomic
def sign_decision(
    *,
    actor: Actor,
    decision,
    day: date,
    signer: str = "",
    outcome: str = "",
    divergence_motive: str = "",
):
    """The signatory signs: number in the département's yearly register, document re-rendered and frozen,
    the PSP workflow records the decision (an authorisation opens the period), letters are generated.
    The signatory may decide otherwise than the draft (`outcome`), with the reasons when it goes against
    the commission's opinion."""
    from .models import PrefectDecision

    decision = _locked_decision(actor, decision, "commission.sign")
    if decision.state == PrefectDecision.State.SIGNED:
        raise ValidationError("Cette décision est déjà signée.")
    if decision.state == PrefectDecision.State.RETURNED:
        raise ValidationError("Cette décision a été renvoyée au secrétariat : elle attend d'être reprise.")
    if day > timezone.localdate():
        raise ValidationError({"day": "La date de signature ne peut pas être dans le futur."})
    if decision.outcome == PrefectDecision.Outcome.ENDED:
        if outcome and outcome != decision.outcome:
            raise ValidationError(
                "Une décision de fin de parcours se signe ou se renvoie au secrétariat avec vos observations."
            )
        _register(actor, decision, day, signer.strip())
        audit.record(actor, "transition", decision, detail=f"décision de fin signée n° {decision.reference}")
        return decision
    if decision.request.opinion_date and day < decision.request.opinion_date:
        raise ValidationError({"day": "La décision ne peut pas précéder l'avis de la commission."})
    divergence_motive = divergence_motive.strip()
    if outcome and outcome != decision.outcome:
        decision.outcome = outcome
        if divergence_motive:
            decision.divergence_motive = divergence_motive
        if outcome == PrefectDecision.Outcome.REFUSED and not decision.motive:
            decision.motive = divergence_motive
    elif divergence_motive:
        decision.divergence_motive = divergence_motive
    _check_outcome(decision.request, decision.outcome, decision.motive, decision.divergence_motive)
    _register(actor, decision, day, signer.strip())
    audit.record(actor, "transition", decision, detail=f"décision signée n° {decision.reference}")
    return decision


@transaction.atomic
def record_letter_handover(*, actor: Actor, letter, day: date, acknowledgement: str):
    """The association records the day it handed the person's letter over: the decision's notification
    date, from which the appeal deadline counts (rules.appeal_deadline). Recorded once; audited."""
    from .models import Letter
    from .selectors import letters_visible_to

    _require(actor, "commission.letter_handover")
    letter = letters_visible_to(actor).select_for_update(of=("self",)).filter(pk=letter.pk).first()
    if letter is None or letter.addressee != Letter.Addressee.PERSON:
        raise PermissionDenied
    if letter.notified_on is not None:
        raise ValidationError(
            f"La remise de ce courrier est déjà enregistrée (le {letter.notified_on:%d/%m/%Y})."
        )
    if acknowledgement not in Letter.Acknowledgement.values:
        raise ValidationError({"acknowledgement": "Choisissez la preuve de la remise."})
    if day > timezone.localdate():
        raise ValidationError({"day": "La date de remise ne peut pas être dans le futur."})
    if letter.decision.signed_on and day < letter.decision.signed_on:
        raise ValidationError(
            {
                "day": f"La remise ne peut pas précéder la signature de la décision "
                f"({letter.decision.signed_on:%d/%m/%Y})."
            }
        )
    letter.notified_on = day
    letter.acknowledgement = acknowledgement
    letter.notified_recorded_by = actor.user
    letter.save(update_fields=["notified_on", "acknowledgement", "notified_recorded_by", "updated_at"])
    audit.record(
        actor,
        "update",
        letter,
        detail=f"courrier de la décision n° {letter.decision.reference} remis le {day:%d/%m/%Y} "
        f"({letter.get_acknowledgement_display().lower()})",
    )
    return letter


@transaction.atomic
def record_outside_decision(
    *,
    actor: Actor,
    request: Request,
    outcome: str,
    day: date,
    external_reference: str,
    period_start=None,
    motive: str = "",
    divergence_motive: str = "",
    signer: str = "",
):
    """A decision taken outside Parcours (signed on paper): recorded in the same register, with its own
    external reference, its register number, its act and its letters."""
    from .models import PrefectDecision

    _require(actor, "requests.decide")
    _same_departement(actor, request.pathway.departement_id)
    if request.state != RequestState.REVIEWED:
        raise ValidationError(
            "La décision ne peut être enregistrée qu'après un avis favorable ou défavorable de la commission."
        )
    existing = PrefectDecision.objects.filter(request=request).first()
    if existing is not None:
        raise ValidationError(
            f"Une décision est déjà au registre pour cette demande ({existing.get_state_display().lower()})."
        )
    external_reference = external_reference.strip()
    if not external_reference:
        raise ValidationError({"reference": "Indiquez la référence de l'acte signé hors Parcours."})
    if day > timezone.localdate():
        raise ValidationError({"day": "La date de la décision ne peut pas être dans le futur."})
    if request.opinion_date and day < request.opinion_date:
        raise ValidationError({"day": "La décision ne peut pas précéder l'avis de la commission."})
    motive, divergence_motive = motive.strip(), divergence_motive.strip()
    if outcome not in PrefectDecision.Outcome.values:
        raise ValidationError({"decision": "Choisissez la décision."})
    _check_outcome(request, outcome, motive, divergence_motive)
    decision = PrefectDecision(
        departement=request.pathway.departement,
        request=request,
        pathway=request.pathway,
        origin=PrefectDecision.Origin.OUTSIDE,
        outcome=outcome,
        motive=motive,
        divergence_motive=divergence_motive,
        external_reference=external_reference,
        period_start=period_start,
        drafted_by=actor.user,
    )
    _register(actor, decision, day, signer.strip())
    audit.record(
        actor, "create", decision, detail=f"décision prise hors Parcours enregistrée n° {decision.reference}"
    )
    return decision


# --- The end of a pathway decided by the prefect: the same register, its act and its letters ---


def end_decision_context(decision, *, signer: str = "") -> dict:
    """The fields of an end decision and of its letters. Holds the person's identity: prefecture documents."""
    from parcours.pathways.models import Afis, ResidencePermit

    pathway = decision.pathway
    first = pathway.periods.order_by("start").first()
    afis = Afis.objects.filter(pathway=pathway, granted_on__isnull=False).first()
    permit = ResidencePermit.objects.filter(
        pathway=pathway, status__in=[ResidencePermit.Status.REQUESTED, ResidencePermit.Status.ISSUED]
    ).first()
    day = decision.signed_on or timezone.localdate()
    return {
        "personne": _person_fields(pathway.person),
        "association": str(pathway.association),
        "decision": {
            "numero": decision.reference,
            "date": decision.signed_on,
            "motif": decision.motive,
            "reference_externe": decision.external_reference,
            "projet": decision.state != decision.State.SIGNED,
            "preavis": decision.hearing_notice_on,
        },
        "parcours": {"debut": first.start if first else None},
        "fin": {
            "date": day,
            "afis": afis is not None,
            # The AFIS stops from the month after the decision (core.dates.first_day_of_next_month).
            "afis_arret": dates.first_day_of_next_month(day),
            "titre_de_sejour": permit is not None,
        },
        "signataire": signer,
    }


# An unfavourable individual decision states its reasons (CRPA L. 211-2).
END_MOTIVE_REQUIRED = "Une décision de fin de parcours est motivée : indiquez les motifs."


def _check_end_decision(pathway, motive: str) -> None:
    from parcours.pathways.models import PathwayState

    from .models import PrefectDecision

    if pathway.state != PathwayState.ACTIVE:
        raise ValidationError(
            "Seul un parcours autorisé et en cours peut prendre fin par décision du préfet "
            f"(celui-ci est « {pathway.get_state_display().lower()} »)."
        )
    pending = PrefectDecision.objects.filter(
        pathway=pathway,
        outcome=PrefectDecision.Outcome.ENDED,
        state__in=[PrefectDecision.State.DRAFT, PrefectDecision.State.RETURNED],
    ).first()
    if pending is not None:
        raise ValidationError(
            "Une décision de fin de ce parcours est déjà préparée : elle attend la signature."
        )
    if not motive:
        raise ValidationError({"motive": END_MOTIVE_REQUIRED})


END_DRAFT_TITLE = "Projet de décision — fin du parcours de sortie"
END_WITHOUT_HEARING = (
    "Mettre fin à un parcours est une décision défavorable : elle n'est prise qu'après que la personne a "
    "reçu un préavis motivé et a pu présenter ses observations (CRPA L. 121-1 et L. 122-1). Engagez la "
    "procédure contradictoire depuis la page du parcours, ou indiquez la date du préavis remis hors Parcours."
)


@transaction.atomic
def draft_end_decision(*, actor: Actor, pathway, motive: str, hearing_notice_on: date | None):
    """The secretariat drafts the prefect's decision to end a pathway (its reasons stated); the signatory
    signs it (number, act, letters) or sends it back. Nothing ends before the signature.

    Only at the end of the procedure in which the person was heard (appeals.services.decide_procedure gives
    the day its notice was handed over): an end is an unfavourable decision (CRPA L. 121-1, L. 122-1)."""
    from .models import PrefectDecision

    _require(actor, "commission.decide")
    _same_departement(actor, pathway.departement_id)
    motive = motive.strip()
    _check_end_decision(pathway, motive)
    if hearing_notice_on is None:
        raise ValidationError(END_WITHOUT_HEARING)
    decision = PrefectDecision(
        departement=pathway.departement,
        pathway=pathway,
        origin=PrefectDecision.Origin.SECRETARIAT,
        outcome=PrefectDecision.Outcome.ENDED,
        motive=motive,
        drafted_by=actor.user,
        hearing_notice_on=hearing_notice_on,
    )
    decision.document = _draft_document(actor, decision)
    decision.save()
    audit.record(actor, "create", decision, detail="décision de fin de parcours préparée")
    return decision


def check_outside_end_decision(
    *, pathway, day: date, external_reference: str, motive: str, hearing_notice_on: date | None, signer=""
) -> None:
    """What an act signed outside Parcours must say before it is registered (asked before the confirmation,
    and again by the service)."""
    _check_end_decision(pathway, motive.strip())
    if not external_reference.strip():
        raise ValidationError({"external_reference": "Indiquez la référence de l'acte signé hors Parcours."})
    if day > timezone.localdate():
        raise ValidationError({"day": "La date de la décision ne peut pas être dans le futur."})
    if hearing_notice_on is None:
        raise ValidationError({"hearing_notice_on": END_WITHOUT_HEARING})
    if hearing_notice_on >= day:
        raise ValidationError(
            {
                "hearing_notice_on": "Le préavis est remis à la personne avant la décision, pour qu'elle "
                "puisse présenter ses observations : la date du préavis précède celle de la décision."
            }
        )


@transaction.atomic
def record_outside_end_decision(
    *,
    actor: Actor,
    pathway,
    day: date,
    external_reference: str,
    motive: str,
    hearing_notice_on: date | None,
    signer: str = "",
):
    """The prefect's decision to end a pathway, signed outside Parcours: recorded in the same register,
    with its external reference, its number, its act and its letters; the pathway ends on that day. The
    day the notice of intent was handed over to the person (the procedure held outside Parcours) is
    required and precedes the decision (CRPA L. 121-1, L. 122-1)."""
    from .models import PrefectDecision

    _require(actor, "requests.decide")
    _same_departement(actor, pathway.departement_id)
    motive, external_reference = motive.strip(), external_reference.strip()
    check_outside_end_decision(
        pathway=pathway,
        day=day,
        external_reference=external_reference,
        motive=motive,
        hearing_notice_on=hearing_notice_on,
    )
    decision = PrefectDecision(
        departement=pathway.departement,
        pathway=pathway,
        origin=PrefectDecision.Origin.OUTSIDE,
        outcome=PrefectDecision.Outcome.ENDED,
        motive=motive,
        external_reference=external_reference,
        drafted_by=actor.user,
        hearing_notice_on=hearing_notice_on,
    )
    _register(actor, decision, day, signer.strip())
    audit.record(
        actor,
        "create",
        decision,
        detail=f"décision de fin prise hors Parcours enregistrée n° {decision.reference}",
    )
    return decision


@transaction.atomic
def revise_end_decision(*, actor: Actor, decision, motive: str):
    """The secretariat takes a returned end decision up again (its reasons) and sends it back to signature."""
    from .models import PrefectDecision

    decision = _locked_decision(actor, decision, "commission.decide")
    if decision.state != PrefectDecision.State.RETURNED or decision.outcome != PrefectDecision.Outcome.ENDED:
        raise ValidationError("Seule une décision de fin renvoyée par le signataire se reprend ici.")
    motive = motive.strip()
    if not motive:
        raise ValidationError({"motive": END_MOTIVE_REQUIRED})
    decision.motive, decision.state = motive, PrefectDecision.State.DRAFT
    _redraft(actor, decision)
    audit.record(actor, "update", decision, detail="décision de fin reprise et renvoyée à la signature")
    return decision


# --- The coordination of minors' individual pathways (décret du 30 décembre 2025) ---


def _coordination_meeting(meeting: Meeting) -> None:
    if meeting.kind != MeetingKind.COORDINATION:
        raise ValidationError(
            "Les situations de mineurs s'examinent en formation de coordination des parcours des mineurs : "
            "programmez une séance de cette formation."
        )


def pseudonymise(detection, text: str) -> str:
    """The secretariat's text with the detection's names (if any were recorded) replaced by its pseudonym."""
    from parcours.people.redaction import strip_names

    names = [name for name in (detection.last_name, detection.first_name) if name]
    return strip_names(text.strip(), names, detection.pseudonym)


SUMMARY_MAX_LENGTH = 4000
ACTION_MAX_LENGTH = 500


@transaction.atomic
def add_situation_item(*, actor: Actor, meeting: Meeting, detection, summary: str = "") -> AgendaItem:
    """Open a minor's situation in coordination and put it on a coordination meeting's agenda, from a
    detection that was transmitted to child protection (selectors.situation_pool)."""
    from .models import Situation
    from .selectors import situation_pool

    _check_agenda(actor, meeting)
    _coordination_meeting(meeting)
    if detection.departement_id != actor.departement.pk:
        raise PermissionDenied
    if not situation_pool(actor.departement).filter(pk=detection.pk).exists():
        raise ValidationError(
            "Ce repérage ne peut pas être inscrit : il ne concerne pas un mineur, il n'a pas été transmis "
            "à la protection de l'enfance, ou sa situation est déjà suivie en coordination."
        )
    if len(summary) > SUMMARY_MAX_LENGTH:
        raise ValidationError({"summary": f"Le résumé ne peut dépasser {SUMMARY_MAX_LENGTH} caractères."})
    situation = Situation.objects.create(
        departement=actor.departement,
        detection=detection,
        summary=pseudonymise(detection, summary),
        opened_by=actor.user,
    )
    return _append_item(
        actor=actor,
        meeting=meeting,
        kind=AgendaItem.Kind.SITUATION,
        situation=situation,
        title=f"Situation {detection.pseudonym}",
        detail="situation d'un mineur inscrite en coordination",
        journaled=situation,
    )


@transaction.atomic
def add_follow_up_item(*, actor: Actor, meeting: Meeting, situation) -> AgendaItem:
    """Put an open situation back on a coordination meeting's agenda for its follow-up (« Suivi »)."""
    from .selectors import follow_up_pool

    _check_agenda(actor, meeting)
    _coordination_meeting(meeting)
    if situation.departement_id != actor.departement.pk:
        raise PermissionDenied
    if not follow_up_pool(actor.departement, meeting).filter(pk=situation.pk).exists():
        raise ValidationError(
            "Cette situation est close, déjà inscrite à cette séance ou à une autre séance à venir."
        )
    return _append_item(
        actor=actor,
        meeting=meeting,
        kind=AgendaItem.Kind.SITUATION,
        situation=situation,
        title=f"Suivi — situation {situation.detection.pseudonym}",
        detail="situation inscrite en suivi",
    )


def add_open_situations(*, actor: Actor, meeting: Meeting) -> list[AgendaItem]:
    """Every open situation not yet on an agenda comes back on this coordination meeting for follow-up."""
    from .selectors import follow_up_pool

    return [
        add_follow_up_item(actor=actor, meeting=meeting, situation=situation)
        for situation in follow_up_pool(actor.departement, meeting)
    ]


@transaction.atomic
def update_situation_summary(*, actor: Actor, situation, summary: str):
    """The secretariat's summary for the members, names taken out (people.redaction)."""
    _require(actor)
    _same_departement(actor, situation.departement_id)
    if situation.state != situation.State.OPEN:
        raise ValidationError("Cette situation est close : son résumé ne change plus.")
    if len(summary) > SUMMARY_MAX_LENGTH:
        raise ValidationError({"summary": f"Le résumé ne peut dépasser {SUMMARY_MAX_LENGTH} caractères."})
    situation.summary = pseudonymise(situation.detection, summary)
    situation.save(update_fields=["summary", "updated_at"])
    audit.record(actor, "update", situation, detail="résumé pseudonymisé de la situation")
    return situation


@transaction.atomic
def record_plan_action(*, actor: Actor, item: AgendaItem, owner, what: str, due_on: date):
    """An action of the situation's coordinated plan, decided at the (held) coordination meeting: who (a seat
    of the arrêté or an organisation of the département), what, by when."""
    from .models import PlanAction

    _require(actor)
    meeting = item.meeting
    _same_departement(actor, meeting.departement_id)
    if item.kind != AgendaItem.Kind.SITUATION:
        raise ValidationError("Un plan coordonné se décide pour une situation de mineur.")
    if meeting.state != MeetingState.HELD:
        raise ValidationError("Le plan se décide en séance : relevez d'abord les présences.")
    situation = item.situation
    if situation.state != situation.State.OPEN:
        raise ValidationError("Cette situation est close.")
    what = what.strip()
    if not what:
        raise ValidationError({"what": "Dites ce qui est à faire."})
    if len(what) > ACTION_MAX_LENGTH:
        raise ValidationError({"what": f"L'action ne peut dépasser {ACTION_MAX_LENGTH} caractères."})
    if due_on < meeting.day:
        raise ValidationError({"due_on": "L'échéance ne peut pas précéder la séance."})
    seat = owner if isinstance(owner, Seat) else None
    organisation = None if seat is not None else owner
    if seat is not None and seat.arrete.departement_id != actor.departement.pk:
        raise PermissionDenied
    if organisation is not None and organisation.departement_id != actor.departement.pk:
        raise ValidationError({"owner": "Cet organisme n'est pas du département."})
    if seat is None and organisation is None:
        raise ValidationError({"owner": "Dites qui fait l'action."})
    action = PlanAction.objects.create(
        situation=situation,
        item=item,
        seat=seat,
        organisation=organisation,
        what=pseudonymise(situation.detection, what),
        due_on=due_on,
    )
    audit.record(actor, "create", action, detail="action du plan coordonné")
    return action


@transaction.atomic
def set_action_status(*, actor: Actor, action, status: str):
    """Where an action of the plan stands (done, not done, ongoing), said at the follow-up."""
    from .models import PlanAction

    _require(actor)
    _same_departement(actor, action.situation.departement_id)
    if status not in PlanAction.Status.values:
        raise ValidationError({"status": "Choisissez l'état de l'action."})
    if action.situation.state != action.situation.State.OPEN:
        raise ValidationError("Cette situation est close : son plan ne change plus.")
    action.status = status
    action.status_changed_on = timezone.localdate()
    action.save(update_fields=["status", "status_changed_on", "updated_at"])
    audit.record(actor, "update", action, detail=f"action du plan : {action.get_status_display().lower()}")
    return action


@transaction.atomic
def close_situation(*, actor: Actor, situation, reason: str):
    """The secretariat ends the coordination of a situation, with the reason: it no longer comes back."""
    from .models import Situation

    _require(actor)
    _same_departement(actor, situation.departement_id)
    situation = Situation.objects.select_for_update().get(pk=situation.pk)
    if situation.state != Situation.State.OPEN:
        raise ValidationError("Cette situation est déjà close.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Indiquez le motif de la clôture."})
    if len(reason) > ACTION_MAX_LENGTH:
        raise ValidationError({"reason": f"Le motif ne peut dépasser {ACTION_MAX_LENGTH} caractères."})
    situation.state = Situation.State.CLOSED
    situation.closed_on = timezone.localdate()
    situation.closing_reason = pseudonymise(situation.detection, reason)
    situation.save(update_fields=["state", "closed_on", "closing_reason", "updated_at"])
    # Pending agenda items of meetings still to be held go: there is nothing left to follow.
    for item in situation.agenda_items.filter(
        meeting__state__in=[MeetingState.SCHEDULED, MeetingState.CONVENED], plan_actions__isnull=True
    ).select_related("meeting"):
        item.delete()
        _agenda_changed(item.meeting)
    audit.record(actor, "transition", situation, detail="situation close en coordination")
    return situation


# --- Written consultation between meetings (ordonnance n° 2014-1329, décret n° 2014-1627) ---


@transaction.atomic
def schedule_written_consultation(
    *, actor: Actor, opens_at: datetime, closes_at: datetime, reason: str, chaired_by: str = ""
) -> Meeting:
    """A written consultation of the restricted formation on individual requests (renewals, urgent cases),
    so that a late meeting does not leave a person without rights: the members vote in their portal from
    `opens_at` to `closes_at`; its opinions follow the same path as a meeting's."""
    from .models import MeetingMode

    _require(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": "Dites pourquoi la commission est consultée par écrit (renouvellement, urgence)."}
        )
    if len(reason) > 300:
        raise ValidationError({"reason": "Le motif ne peut dépasser 300 caractères."})
    if opens_at <= timezone.now():
        raise ValidationError({"opens_at": "L'ouverture de la consultation ne peut pas être dans le passé."})
    length = closes_at - opens_at
    if length < timedelta(days=rules.WRITTEN_CONSULTATION_MIN_DAYS):
        raise ValidationError(
            {
                "closes_at": f"La consultation dure {rules.WRITTEN_CONSULTATION_MIN_DAYS} jours au moins, "
                "pour que chaque membre puisse voter."
            }
        )
    if length > timedelta(days=rules.WRITTEN_CONSULTATION_MAX_DAYS):
        raise ValidationError(
            {
                "closes_at": f"La consultation dure {rules.WRITTEN_CONSULTATION_MAX_DAYS} jours au plus : "
                "au-delà, programmez une séance."
            }
        )
    meeting = Meeting.objects.create(
        departement=actor.departement,
        kind=MeetingKind.RESTRICTED,
        mode=MeetingMode.WRITTEN,
        starts_at=opens_at,
        closes_at=closes_at,
        written_reason=reason,
        chaired_by=chaired_by.strip(),
    )
    audit.record(actor, "create", meeting, detail="consultation écrite programmée")
    return meeting


def _send_written_consultation(convocation: Convocation) -> None:
    member = convocation.mandate.member
    meeting = convocation.meeting
    opens = timezone.localtime(meeting.starts_at)
    closes = timezone.localtime(meeting.closes_at)
    outbox.queue_email(
        departement=meeting.departement,
        idempotency_key=f"convocation:{convocation.public_id}",
        to=member.email,
        subject=f"Consultation écrite — commission départementale, jusqu'au {closes:%d/%m/%Y}",
        body=(
            f"Bonjour {member.get_full_name()},\n\n"
            "La présidence consulte par écrit la formation restreinte de la commission départementale, au "
            f"titre du siège « {convocation.mandate.seat} », du {opens:%d/%m/%Y à %Hh%M} au "
            f"{closes:%d/%m/%Y à %Hh%M} "
            f"({rules.WRITTEN_CONSULTATION_SOURCE}).\n\nLes demandes et leurs résumés (pseudonymisés) sont "
            "dans votre espace « Mes séances » de Parcours, où vous votez sur chacune : "
            "pour un avis favorable, pour un avis défavorable, ou abstention. "
            "La consultation n'est valable que si la moitié au moins des membres y prend part."
            "\n\nLe secrétariat de la commission"
        ),
        attachments=[meeting.convocation_document] if meeting.convocation_document else [],
        related=convocation,
    )


def voting_open(meeting: Meeting, now=None) -> bool:
    now = now or timezone.now()
    return (
        meeting.is_written
        and meeting.state == MeetingState.CONVENED
        and meeting.starts_at <= now < meeting.closes_at
    )


@transaction.atomic
def cast_ballot(*, actor: Actor, convocation: Convocation, item: AgendaItem, choice: str):
    """A member's vote on an item of a written consultation, in their portal, until it closes (a later vote
    replaces the earlier one). A member who recused themselves, or whose substitute replaces them, does not
    vote."""
    from .models import Ballot

    _require(actor, "commission.portal")
    if convocation.mandate.member_id != actor.user.pk:
        raise PermissionDenied
    meeting = Meeting.objects.get(pk=convocation.meeting_id)  # its window as stored, not a cached copy
    if item.meeting_id != meeting.pk or item.kind != AgendaItem.Kind.REQUEST:
        raise PermissionDenied
    if not voting_open(meeting):
        raise ValidationError("La consultation écrite n'est pas ouverte : votre vote n'a pas été enregistré.")
    if choice not in Ballot.Choice.values:
        raise ValidationError({"choice": "Choisissez votre vote."})
    if convocation.answer == Convocation.Answer.SUBSTITUTE:
        raise ValidationError(
            "Vous vous êtes fait remplacer par votre suppléant·e : c'est lui ou elle qui vote."
        )
    if item.recusals.filter(mandate=convocation.mandate).exists():
        raise ValidationError("Vous vous êtes déporté·e sur cette demande : vous ne votez pas.")
    ballot, created = Ballot.objects.update_or_create(
        item=item, convocation=convocation, defaults={"choice": choice}
    )
    audit.record(actor, "create" if created else "update", ballot, detail="vote en consultation écrite")
    return ballot


@transaction.atomic
def close_written_consultation(*, actor: Actor, meeting: Meeting) -> dict:
    """Once its closing time has passed, the consultation is closed: the members who voted took part (counted
    as present, at a distance, for the quorum: half at least must have taken part); the opinions are then
    recorded item by item from the ballots (record_item_opinion). Returns the quorum status."""
    _require(actor)
    _same_departement(actor, meeting.departement_id)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not meeting.is_written:
        raise ValidationError("Seule une consultation écrite se clôt ainsi.")
    if meeting.state != MeetingState.CONVENED:
        raise ValidationError("Cette consultation n'est pas en cours.")
    if timezone.now() < meeting.closes_at:
        raise ValidationError(
            "La consultation est ouverte jusqu'au "
            f"{timezone.localtime(meeting.closes_at):%d/%m/%Y à %Hh%M} : "
            "elle ne peut pas être close avant."
        )
    convocations = list(meeting.convocations.all())
    voted = set(meeting.convocations.filter(ballots__isnull=False).values_list("pk", flat=True))
    for convocation in convocations:
        convocation.present = convocation.pk in voted
        convocation.remote = convocation.pk in voted
    Convocation.objects.bulk_update(convocations, ["present", "remote"])
    meeting.state = MeetingState.HELD
    meeting.held_on = timezone.localdate(meeting.closes_at)
    meeting.save(update_fields=["state", "held_on", "updated_at"])
    status = quorum_status(meeting)
    audit.record(actor, "transition", meeting, detail=f"consultation écrite close ({len(voted)} votant(s))")
    return status
