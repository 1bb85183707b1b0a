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
}


def register_permissions() -> None:
    register(PERMISSIONS)


def abilities(actor: Actor, application, today: date) -> dict[str, bool]:
    from .models import ApplicationState as St
    from .settings_store import commission_opinion_required

    own = actor.is_association and application.organisation_id == actor.organisation.pk
    state = application.state
    decidable = state == St.REVIEWED or (state == St.COMPLETE and not commission_opinion_required(today))
    tacit_on = application.tacit_approval_on(today)
    return {
        "edit": own and can(actor, "approvals.prepare") and application.is_editable,
        "submit": own and can(actor, "approvals.submit") and application.is_editable,
        "check": can(actor, "approvals.check") and state == St.SUBMITTED,
        "return_incomplete": can(actor, "approvals.check")
        and state == St.SUBMITTED
        and application.completeness_deadline is not None
        and today < application.completeness_deadline,
        "opinion": can(actor, "approvals.opinion") and state == St.AWAITING_OPINION,
        "decide": can(actor, "approvals.decide") and decidable,
        "tacit": can(actor, "approvals.check")
        and tacit_on is not None
        and tacit_on <= today
        and state in (St.SUBMITTED, St.COMPLETE, St.AWAITING_OPINION, St.REVIEWED),
        "withdraw": can(actor, "approvals.withdraw")
        and state == St.GRANTED
        and application.agrement is not None
        and application.agrement.withdrawn_on is None,
        "documents": can(actor, "approvals.download"),
    }
