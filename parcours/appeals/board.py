"""Sections of the « À traiter » board for appeals and the prior adversarial procedure (registered from
AppConfig.ready). Each section is scoped to the actor's département (and, for an association, to its own
people and its own agrément) and ordered by urgency."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse

from parcours.core.access import Actor
from parcours.core.board import BoardItem, BoardSection, section
from parcours.core.roles import Role
from parcours.people.models import identity_deferred

from . import rules
from .models import Appeal, Procedure, ProcedureKind, ProcedureState

# A notification older than this cannot have an appeal deadline still running (2 months, délai franc,
# report to the Monday): a bound for the query, the exact date is computed per letter.
DEADLINE_WINDOW_DAYS = 70


def _appeal_url(appeal) -> str:
    return reverse("appeals:detail", args=[appeal.public_id])


def _procedure_url(procedure) -> str:
    return reverse("appeals:procedure", args=[procedure.public_id])


def _person_of_procedure(procedure):
    return procedure.pathway.person if procedure.pathway_id else None


def _procedure_item(procedure, today: date) -> BoardItem:
    state = procedure.state
    subject = (
        str(procedure.agrement.organisation)
        if procedure.kind == ProcedureKind.WITHDRAWAL
        else "Procédure contradictoire"
    )
    label = f"{subject} — {procedure.get_kind_display().lower()} : {procedure.get_state_display().lower()}"
    if state == ProcedureState.OBSERVATIONS:
        due, due_label = procedure.observations_until, "observations jusqu'au"
    elif state == ProcedureState.NOTICE:
        due, due_label = procedure.created_at.date(), "préavis prêt le"
    else:
        due, due_label = procedure.opinion_on or procedure.observations_until, "depuis le"
    return BoardItem(
        label=label,
        url=_procedure_url(procedure),
        due=due,
        due_label=due_label,
        person=_person_of_procedure(procedure),
        is_deadline=False,
    )


def _procedures(actor: Actor):
    return (
        Procedure.objects.filter(departement=actor.departement)
        .select_related("pathway__person", "agrement__organisation")
        .defer(*identity_deferred("pathway__person"))
    )


class _DeadlineRow:
    """A notified unfavourable decision whose appeal deadline still runs (one board line)."""

    def __init__(self, label, url, notified_on, person):
        self.label, self.url, self.person = label, url, person
        self.deadline = rules.appeal_deadline(notified_on)


class _Rows(list):
    """A list that answers the two questions `core.board.limited` asks of a queryset."""

    def count(self):
        return len(self)


def appeal_deadlines(actor: Actor, today: date) -> list[_DeadlineRow]:
    """Refusals and ends of pathways (the person's letter handed over) and AFIS stops notified, whose
    two-month appeal deadline (CJA R. 421-1) has not passed, nearest first, for the prefecture or the
    association accompanying the person."""
    from parcours.commission.models import Letter, PrefectDecision

    since = today - timedelta(days=DEADLINE_WINDOW_DAYS)
    letters = (
        Letter.objects.filter(
            addressee=Letter.Addressee.PERSON,
            decision__departement=actor.departement,
            decision__outcome__in=[PrefectDecision.Outcome.REFUSED, PrefectDecision.Outcome.ENDED],
            notified_on__gte=since,
        )
        .select_related("decision__pathway__person")
        .defer(*identity_deferred("decision__pathway__person"))
    )
    procedures = _procedures(actor).filter(
        kind__in=[ProcedureKind.AFIS_STOP, ProcedureKind.WITHDRAWAL], decision_notified_on__gte=since
    )
    if actor.is_association:
        letters = letters.filter(decision__pathway__association=actor.organisation)
        procedures = procedures.filter(
            Q(pathway__association=actor.organisation) | Q(agrement__organisation=actor.organisation)
        )
    rows = [
        _DeadlineRow(
            f"Décision n° {x.decision.reference} ({x.decision.get_outcome_display().lower()}) notifiée le "
            f"{x.notified_on:%d/%m/%Y}",
            reverse("pathways:detail_decisions", args=[x.decision.pathway.public_id]) + "#recours",
            x.notified_on,
            x.decision.pathway.person,
        )
        for x in letters
    ] + [
        _DeadlineRow(
            f"{'Retrait d’agrément' if p.kind == ProcedureKind.WITHDRAWAL else 'Arrêt de l’AFIS'}, décision "
            f"n° {p.decision_reference} notifiée le {p.decision_notified_on:%d/%m/%Y}",
            _procedure_url(p),
            p.decision_notified_on,
            _person_of_procedure(p),
        )
        for p in procedures
    ]
    rows = [r for r in rows if r.deadline >= today]
    rows.sort(key=lambda r: r.deadline)
    return _Rows(rows)


def _deadline_section(actor: Actor, today: date) -> BoardSection:
    return section(
        "appeal_deadlines",
        "Décisions défavorables notifiées : délai de recours en cours",
        appeal_deadlines(actor, today),
        lambda r: BoardItem(
            label=r.label,
            url=r.url,
            due=r.deadline,
            due_label="recours possible jusqu'au",
            person=r.person,
            is_deadline=False,
        ),
        verb="La personne peut former un recours jusqu'à cette date (art. R. 421-1 du code de justice "
        "administrative) : l'informer et l'aider si elle le souhaite",
    )


def _secretariat(actor: Actor, today: date) -> list[BoardSection]:
    appeals = (
        Appeal.objects.filter(departement=actor.departement)
        .select_related("decision__pathway__person", "procedure__pathway__person")
        .defer(
            *identity_deferred("decision__pathway__person"), *identity_deferred("procedure__pathway__person")
        )
    )

    def person(appeal):
        if appeal.decision_id:
            return appeal.decision.pathway.person
        if appeal.procedure_id and appeal.procedure.pathway_id:
            return appeal.procedure.pathway.person
        return None

    return [
        section(
            "appeals_to_reexamine",
            "Décisions annulées ou suspendues : réexamen à ouvrir",
            appeals.awaiting_reexamination().order_by("outcome_on", "pk"),
            lambda a: BoardItem(
                label=f"{a.get_target_display()} — {a.get_outcome_display().lower()}",
                url=_appeal_url(a) + "#reexamen",
                due=a.outcome_on,
                due_label="depuis le",
                person=person(a),
            ),
            verb="Ouvrir le réexamen : la demande refusée revient devant la commission",
        ),
        section(
            "appeals_pending",
            "Recours en cours",
            appeals.pending().order_by("lodged_on", "pk"),
            lambda a: BoardItem(
                label=f"{a.get_kind_display()} — {a.get_target_display().lower()}",
                url=_appeal_url(a) + "#issue",
                due=a.lodged_on,
                due_label="formé le",
                person=person(a),
            ),
            verb="Répondre au recours ou suivre l'instance, puis enregistrer l'issue",
        ),
        section(
            "procedures_open",
            "Procédures contradictoires en cours",
            _procedures(actor).open().order_by("observations_until", "created_at"),
            lambda p: _procedure_item(p, today),
            verb="Recueillir les observations et, si le réglage le prévoit, l'avis de la "
            "commission, puis décider",
        ),
        _deadline_section(actor, today),
    ]


def _association(actor: Actor, today: date) -> list[BoardSection]:
    own = _procedures(actor).filter(pathway__association=actor.organisation)
    return [
        section(
            "notices_to_hand",
            "Préavis d'une mesure défavorable : à remettre à la personne",
            own.filter(state=ProcedureState.NOTICE).order_by("created_at"),
            lambda p: BoardItem(
                label=f"Préavis — {p.get_kind_display().lower()}",
                url=_procedure_url(p) + "#preavis",
                due=p.created_at.date(),
                due_label="prêt le",
                person=p.pathway.person,
            ),
            verb="Remettre le préavis à la personne et l'aider à présenter ses observations, puis "
            "enregistrer "
            "la date de remise",
        ),
        section(
            "afis_stops_to_hand",
            "Arrêt de l'AFIS décidé : courrier à remettre à la personne",
            own.filter(state=ProcedureState.DECIDED, kind=ProcedureKind.AFIS_STOP).order_by("decided_on"),
            lambda p: BoardItem(
                label=f"Décision n° {p.decision_reference} (arrêt de l'AFIS)",
                url=_procedure_url(p) + "#notification",
                due=p.decided_on,
                due_label="décidée le",
                person=p.pathway.person,
            ),
            verb="Remettre le courrier à la personne, puis enregistrer la date de remise (point de départ du "
            "délai de recours)",
        ),
        _deadline_section(actor, today),
    ]


def _signatory(actor: Actor, today: date) -> list[BoardSection]:
    return [
        section(
            "procedures_to_decide",
            "Mesures défavorables prêtes pour la décision (arrêt de l'AFIS, retrait d'agrément)",
            _procedures(actor)
            .filter(state=ProcedureState.READY, kind__in=[ProcedureKind.AFIS_STOP, ProcedureKind.WITHDRAWAL])
            .order_by("created_at"),
            lambda p: _procedure_item(p, today),
            verb="Lire le préavis et les observations, puis signer la décision motivée",
        )
    ]


def appeals_board(actor: Actor, today: date) -> list[BoardSection]:
    if actor.role == Role.SECRETARIAT:
        return _secretariat(actor, today)
    if actor.is_association:
        return _association(actor, today)
    if actor.role == Role.SIGNATORY:
        return _signatory(actor, today)
    return []
