"""Who may do what on agréments: registered into the permission matrix, and `abilities` for templates."""

from __future__ import annotations

from datetime import date

from parcours.core.access import Actor
from parcours.core.policies import AM, AW, SG, S, can, register

PERMISSIONS = {
    # The register of the département's associations and their agrément status.
    "approvals.list": {S, SG},
    # An application's page (scoped: an association sees only its own).
    "approvals.view": {S, SG, AW, AM},
    # The association's own "Agrément" page.
    "approvals.own": {AW, AM},
    # The file: the worker may prepare it, the manager sends it.
    "approvals.prepare": {AW, AM},
    "approvals.submit": {AM},
    # Instruction by the secretariat; decision by the prefect or recorded by the secretariat.
    "approvals.check": {S},
    "approvals.opinion": {S},
    "approvals.decide": {S, SG},
    "approvals.withdraw": {S},
    "approvals.download": {S, SG, AW, AM},
    # A département named in a file instructed at another seat: its secretariat's reasoned opinion, and the
    # association's establishment there (the organisation that files PSP requests under the agrément).
    "approvals.other_opinion": {S},
}


def register_permissions() -> None:
    register(PERMISSIONS)


def abilities(actor: Actor, application, today: date) -> dict[str, bool]:
    from .models import ApplicationState as St
    from .settings_store import commission_opinion_required

    own = actor.is_association and application.organisation_id == actor.organisation.pk
    # The seat's prefecture instructs and decides; another listed département only gives its opinion.
    seat = not actor.is_association and application.departement_id == actor.departement.pk
    state = application.state
    required = commission_opinion_required(today)
    decidable = state == St.REVIEWED or (state == St.COMPLETE and not required)
    waiting = any(row.opinion_pending(today) for row in application.others)
    tacit_on = application.tacit_approval_on(today)
    return {
        "edit": own and can(actor, "approvals.prepare") and application.is_editable,
        "submit": own and can(actor, "approvals.submit") and application.is_editable,
        "check": seat and can(actor, "approvals.check") and state == St.SUBMITTED,
        "ask_commission": seat and can(actor, "approvals.check") and state == St.COMPLETE and not required,
        "return_incomplete": seat
        and can(actor, "approvals.check")
        and state == St.SUBMITTED
        and application.completeness_deadline is not None
        and today < application.completeness_deadline,
        "opinion": seat and can(actor, "approvals.opinion") and state == St.AWAITING_OPINION,
        "decide": seat and can(actor, "approvals.decide") and decidable and not waiting,
        "waiting_others": seat and decidable and waiting,
        "tacit": seat
        and can(actor, "approvals.check")
        and tacit_on is not None
        and tacit_on <= today
        and state in (St.SUBMITTED, St.COMPLETE, St.AWAITING_OPINION, St.REVIEWED),
        "withdraw": seat
        and can(actor, "approvals.withdraw")
        and state == St.GRANTED
        and application.agrement is not None
        and application.agrement.withdrawn_on is None,
        "documents": can(actor, "approvals.download"),
    }


def listed_abilities(actor: Actor, listed) -> dict[str, bool]:
    """What the actor may do on one département named in a file: its own département's secretariat only."""
    from .models import ApplicationState as St

    here = not actor.is_association and listed.departement_id == actor.departement.pk
    allowed = here and can(actor, "approvals.other_opinion")
    application = listed.application
    closed = application.state in (St.REFUSED, St.WITHDRAWN) or (
        listed.agrement is not None and listed.agrement.withdrawn_on is not None
    )
    return {
        "opinion": allowed
        and not listed.opinion
        and listed.requested_on is not None
        and application.decided_on is None,
        "establishment": allowed and not closed,
    }
