"""Sections of the "À traiter" board for the agrément procedure (registered from AppConfig.ready)."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse

from parcours.core.access import Actor
from parcours.core.roles import Role
from parcours.deadlines.selectors import BoardItem, BoardSection

from . import rules
from .models import Agrement, AgrementApplication, ApplicationState
from .settings_store import commission_opinion_required


def _app_url(application) -> str:
    return reverse("approvals:application", args=[application.public_id])


def _item(application, label, due, due_label) -> BoardItem:
    return BoardItem(
        label=f"{application.organisation} — {label}",
        url=_app_url(application),
        due=due,
        due_label=due_label,
        extra=application.get_state_display(),
    )


def _expiring(qs, today: date) -> list[Agrement]:
    horizon = rules.add_months(today, rules.EXPIRY_WARNING_MONTHS)
    agrements = (
        qs.valid_on(today)
        .filter(valid_until__lte=horizon)
        .select_related("organisation")
        .order_by("valid_until")
    )
    # An association that already has a later agrément or a renewal under way has nothing to do.
    result = []
    for agrement in agrements[:200]:
        later = Agrement.objects.filter(
            organisation=agrement.organisation, valid_from__gt=agrement.valid_until, withdrawn_on=None
        ).exists()
        renewing = AgrementApplication.objects.open().filter(organisation=agrement.organisation).exists()
        if not later and not renewing:
            result.append(agrement)
    return result


def _secretariat(actor: Actor, today: date) -> list[BoardSection]:
    apps = AgrementApplication.objects.filter(departement=actor.departement).select_related("organisation")
    to_check = apps.filter(state=ApplicationState.SUBMITTED).order_by("received_on")
    completeness_soon, tacit_soon = [], []
    for a in to_check:
        deadline = a.completeness_deadline
        if deadline and deadline <= today + timedelta(days=rules.COMPLETENESS_WARNING_DAYS):
            completeness_soon.append(_item(a, "complétude réputée acquise", deadline, "le"))
    for a in apps.filter(state__in=ApplicationState.values).exclude(decided_on__isnull=False).order_by("pk"):
        if a.state in (ApplicationState.DRAFT, ApplicationState.INCOMPLETE):
            continue
        tacit_on = a.tacit_approval_on(today)
        if tacit_on and tacit_on <= today + timedelta(days=rules.TACIT_WARNING_DAYS):
            tacit_soon.append(_item(a, "agrément tacite si aucune décision", tacit_on, "le"))
    decidable = [ApplicationState.REVIEWED]
    if not commission_opinion_required(today):
        decidable.append(ApplicationState.COMPLETE)
    expiring = _expiring(Agrement.objects.filter(organisation__departement=actor.departement), today)
    return [
        BoardSection(
            "approvals_to_check",
            "Demandes d'agrément à vérifier (complétude)",
            verb="Vérifier les pièces du dossier d'agrément",
            items=[_item(a, a.get_kind_display().lower(), a.received_on, "reçue le") for a in to_check[:200]],
        ),
        BoardSection(
            "approvals_clocks",
            "Agréments : délais légaux qui arrivent à échéance",
            verb="Agir avant l'échéance légale",
            items=sorted(completeness_soon + tacit_soon, key=lambda i: i.due),
        ),
        BoardSection(
            "approvals_opinion",
            "Demandes d'agrément en attente de l'avis de la commission",
            verb="Inscrire à une séance de la commission",
            items=[
                _item(a, a.get_kind_display().lower(), a.complete_on, "complète le")
                for a in apps.filter(state=ApplicationState.AWAITING_OPINION).order_by("complete_on")[:200]
            ],
        ),
        BoardSection(
            "approvals_to_decide",
            "Demandes d'agrément en attente de décision",
            verb="Préparer ou prendre la décision",
            items=[
                _item(a, a.get_kind_display().lower(), a.opinion_date or a.complete_on, "depuis le")
                for a in apps.filter(state__in=decidable).order_by("pk")[:200]
            ],
        ),
        BoardSection(
            "approvals_expiring",
            f"Agréments expirant dans les {rules.EXPIRY_WARNING_MONTHS} mois",
            verb="Rappeler à l'association de demander le renouvellement",
            items=[
                BoardItem(
                    label=f"{g.organisation} — agrément {g.reference}",
                    url=reverse("approvals:association", args=[g.organisation.public_id]),
                    due=g.valid_until,
                    due_label="expire le",
                )
                for g in expiring
            ],
        ),
    ]


def _signatory(actor: Actor, today: date) -> list[BoardSection]:
    decidable = [ApplicationState.REVIEWED]
    if not commission_opinion_required(today):
        decidable.append(ApplicationState.COMPLETE)
    apps = AgrementApplication.objects.filter(departement=actor.departement, state__in=decidable)
    return [
        BoardSection(
            "approvals_to_decide",
            "Demandes d'agrément en attente de décision",
            verb="Prendre la décision",
            items=[
                _item(a, a.get_kind_display().lower(), a.opinion_date or a.complete_on, "depuis le")
                for a in apps.select_related("organisation").order_by("pk")[:200]
            ],
        )
    ]


def _association(actor: Actor, today: date) -> list[BoardSection]:
    own = AgrementApplication.objects.filter(organisation=actor.organisation)
    to_complete = own.filter(state__in=[ApplicationState.INCOMPLETE, ApplicationState.DRAFT]).order_by("pk")
    expiring = _expiring(Agrement.objects.filter(organisation=actor.organisation), today)
    return [
        BoardSection(
            "approvals_to_complete",
            "Demande d'agrément à compléter",
            verb="Compléter puis déposer la demande d'agrément",
            items=[
                _item(
                    a,
                    "pièces demandées par la préfecture"
                    if a.state == ApplicationState.INCOMPLETE
                    else "à déposer",
                    a.received_on,
                    "déposée le",
                )
                for a in to_complete
            ],
        ),
        BoardSection(
            "approvals_renew",
            "Agrément expirant : préparez le renouvellement",
            verb="Déposer la demande de renouvellement de l'agrément",
            items=[
                BoardItem(
                    label=f"Agrément {g.reference} — préparez le renouvellement",
                    url=reverse("approvals:own"),
                    due=g.valid_until,
                    due_label="expire le",
                )
                for g in expiring
            ],
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
