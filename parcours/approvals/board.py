"""Sections of the "À traiter" board for the agrément procedure (registered from AppConfig.ready).

Each section loads its most urgent items only (core.board.section), says the true count and links to
the list of associations filtered on that kind of item (?a_traiter=<key>, selectors.TO_HANDLE)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from parcours.core.access import Actor
from parcours.core.board import BoardItem, BoardSection, merged_section, section
from parcours.core.roles import Role

from . import rules
from .models import Agrement, AgrementApplication, ApplicationState
from .selectors import (
    agrements_expiring,
    applications_awaiting_opinion,
    applications_to_check,
    applications_to_decide,
    completeness_clocks,
    opinions_asked,
    tacit_clocks,
)


def _app_url(application) -> str:
    return reverse("approvals:application", args=[application.public_id])


def _list_url(key: str) -> str:
    return reverse("approvals:list") + f"?a_traiter={key}"


def _item(application, label, due, due_label) -> BoardItem:
    return BoardItem(
        label=f"{application.organisation} — {label}",
        url=_app_url(application),
        due=due,
        due_label=due_label,
        extra=application.get_state_display(),
    )


def _received(a) -> BoardItem:
    return _item(a, a.get_kind_display().lower(), a.received_on, "reçue le")


def _to_decide(a) -> BoardItem:
    return _item(a, a.get_kind_display().lower(), a.opinion_date or a.complete_on, "depuis le")


def _to_decide_section(actor: Actor, today: date, *, verb: str) -> BoardSection:
    return section(
        "approvals_to_decide",
        "Demandes d'agrément en attente de décision",
        applications_to_decide(actor.departement, today).select_related("organisation"),
        _to_decide,
        verb=verb,
        more_url=_list_url("a-decider"),
    )


def _secretariat(actor: Actor, today: date) -> list[BoardSection]:
    dep = actor.departement
    declared, deemed = tacit_clocks(dep, today)
    tacit_label = "agrément tacite si aucune décision"
    expiring = section(
        "approvals_expiring",
        f"Agréments expirant dans les {rules.EXPIRY_WARNING_MONTHS} mois",
        agrements_expiring(Agrement.objects.filter(organisation__departement=dep), today).select_related(
            "organisation"
        ),
        lambda g: BoardItem(
            label=f"{g.organisation} — agrément {g.reference}",
            url=reverse("approvals:association", args=[g.organisation.public_id]),
            due=g.valid_until,
            due_label="expire le",
        ),
        verb="Rappeler à l'association de demander le renouvellement",
        more_url=_list_url("expirant"),
    )
    return [
        section(
            "approvals_to_check",
            "Demandes d'agrément à vérifier (complétude)",
            applications_to_check(dep).select_related("organisation"),
            _received,
            verb="Vérifier les pièces du dossier d'agrément",
            more_url=_list_url("a-verifier"),
        ),
        merged_section(
            "approvals_clocks",
            "Agréments : délais légaux qui arrivent à échéance",
            [
                (
                    completeness_clocks(dep, today).select_related("organisation"),
                    lambda a: _item(a, "complétude réputée acquise", a.completeness_deadline, "le"),
                ),
                (
                    declared.select_related("organisation"),
                    lambda a: _item(a, tacit_label, a.tacit_approval_on(today), "le"),
                ),
                (
                    deemed.select_related("organisation"),
                    lambda a: _item(a, tacit_label, a.tacit_approval_on(today), "le"),
                ),
            ],
            verb="Agir avant l'échéance légale",
            more_url=_list_url("delais"),
        ),
        section(
            "approvals_opinion",
            "Demandes d'agrément en attente de l'avis de la commission",
            applications_awaiting_opinion(dep),
            lambda a: _item(a, a.get_kind_display().lower(), a.complete_on, "complète le"),
            verb="Inscrire à une séance de la commission",
            more_url=_list_url("avis-commission"),
        ),
        _to_decide_section(actor, today, verb="Préparer ou prendre la décision"),
        expiring,
        section(
            "approvals_other_opinions",
            "Demandes d'agrément d'un autre département : avis demandé",
            opinions_asked(dep),
            lambda row: BoardItem(
                label=f"{row.application.organisation} (siège : {row.application.departement.code}) — "
                f"{row.application.get_kind_display().lower()}",
                url=_app_url(row.application) + "#departements",
                due=row.due_on,
                due_label="avis attendu au plus tard le",
                extra=row.application.get_state_display(),
            ),
            verb="Donner l'avis motivé du département",
        ),
    ]


def _signatory(actor: Actor, today: date) -> list[BoardSection]:
    return [_to_decide_section(actor, today, verb="Prendre la décision")]


def _association(actor: Actor, today: date) -> list[BoardSection]:
    # One association's own files: an open application at most, its agréments; its page shows them all.
    own = AgrementApplication.objects.filter(organisation=actor.organisation).select_related("organisation")
    to_complete = own.filter(state__in=[ApplicationState.INCOMPLETE, ApplicationState.DRAFT]).order_by("pk")
    return [
        section(
            "approvals_to_complete",
            "Demande d'agrément à compléter",
            to_complete,
            lambda a: _item(
                a,
                "pièces demandées par la préfecture"
                if a.state == ApplicationState.INCOMPLETE
                else "à déposer",
                a.received_on,
                "déposée le",
            ),
            verb="Compléter puis déposer la demande d'agrément",
            more_url=reverse("approvals:own"),
        ),
        section(
            "approvals_renew",
            "Agrément expirant : préparez le renouvellement",
            agrements_expiring(Agrement.objects.filter(organisation=actor.organisation), today),
            lambda g: BoardItem(
                label=f"Agrément {g.reference} — préparez le renouvellement",
                url=reverse("approvals:own"),
                due=g.valid_until,
                due_label="expire le",
            ),
            verb="Déposer la demande de renouvellement de l'agrément",
            more_url=reverse("approvals:own"),
        ),
    ]


def approvals_board(actor: Actor, today: date) -> list[BoardSection]:
    if actor.role == Role.SECRETARIAT:
        return _secretariat(actor, today)
    if actor.role == Role.SIGNATORY:
        return _signatory(actor, today)
    if actor.is_association:
        return _association(actor, today)
    return []
