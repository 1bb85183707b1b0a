"""Who may do what on appeals and procedures: registered into the permission matrix; `abilities` for pages."""

from __future__ import annotations

from parcours.core.access import Actor
from parcours.core.policies import AM, AW, SG, S, can, register

PERMISSIONS = {
    # The appeals and procedures of the département (the association: those about its people, its agrément).
    "appeals.view": {S, SG, AW, AM},
    # The secretariat records an appeal, its outcome, and opens the re-examination after an annulment.
    "appeals.record": {S},
    # The prior adversarial procedure: started and followed by the secretariat...
    "procedures.manage": {S},
    # ...the notice and the decision handed over to the person by the association that accompanies her
    # (the secretariat records the notification of a withdrawal to the association itself)...
    "procedures.handover": {S, AW, AM},
    # ...and decided by the prefect (or the secretariat recording an act signed on paper).
    "procedures.decide": {S, SG},
}


def register_permissions() -> None:
    register(PERMISSIONS)


def is_own(actor: Actor, procedure) -> bool:
    """The association concerned by a procedure: the one accompanying the person, or the agrément's holder."""
    if not actor.is_association:
        return False
    if procedure.pathway_id:
        return procedure.pathway.association_id == actor.organisation.pk
    return procedure.agrement.organisation_id == actor.organisation.pk


def appeal_abilities(actor: Actor, appeal) -> dict[str, bool]:
    from .models import AppealOutcome, AppealTarget

    return {
        "outcome": can(actor, "appeals.record") and appeal.outcome == AppealOutcome.PENDING,
        "reexamine": can(actor, "appeals.record") and appeal.awaits_reexamination,
        "reopens_request": appeal.target == AppealTarget.REFUSAL,
    }


def procedure_abilities(actor: Actor, procedure) -> dict[str, bool]:
    from .models import OPEN_PROCEDURE_STATES, ProcedureKind, ProcedureState

    state = procedure.state
    handover_notice = state == ProcedureState.NOTICE and can(actor, "procedures.handover")
    handover_decision = (
        state == ProcedureState.DECIDED
        and procedure.kind != ProcedureKind.END
        and can(actor, "procedures.handover")
    )
    if procedure.kind == ProcedureKind.WITHDRAWAL:
        # The notice and the decision are sent to the association: the secretariat records their receipt.
        handover_notice = handover_notice and actor.is_secretariat
        handover_decision = handover_decision and actor.is_secretariat
    else:
        handover_notice = handover_notice and is_own(actor, procedure)
        handover_decision = handover_decision and is_own(actor, procedure)
    return {
        "handover_notice": handover_notice,
        "observations": can(actor, "procedures.manage") and state == ProcedureState.OBSERVATIONS,
        "opinion": can(actor, "procedures.manage") and state == ProcedureState.OPINION,
        "decide": can(actor, "procedures.decide")
        and state == ProcedureState.READY
        and (procedure.kind != ProcedureKind.END or can(actor, "procedures.manage")),
        "handover_decision": handover_decision,
        "abandon": can(actor, "procedures.manage") and state in OPEN_PROCEDURE_STATES,
        "appeal": can(actor, "appeals.record")
        and procedure.kind == ProcedureKind.AFIS_STOP
        and state in (ProcedureState.DECIDED, ProcedureState.NOTIFIED),
    }
