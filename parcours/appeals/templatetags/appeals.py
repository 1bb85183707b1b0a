"""The appeals block of a pathway's page (its procedures, the appeals against its decisions and the appeal
deadlines) and the silence rule of its open request (`request_silence`, shown with the request). Tags, so
that the pathways template only includes them."""

from __future__ import annotations

from django import template
from django.utils import timezone

from parcours.core.policies import can
from parcours.core.sql_shapes import fixed_shape

from .. import rules, settings_store
from ..models import Procedure, ProcedureKind

register = template.Library()

# The states in which a request waits for the administration (the silence clock runs from its receipt).
WAITING_STATES = ("submitted", "ready", "postponed", "reviewed")


def silence_of(request) -> dict | None:
    """The implicit decision a waiting request would get (date and rule), or None."""
    if request is None or request.state not in WAITING_STATES or not request.submitted_on:
        return None
    rule = settings_store.silence_rule(request.submitted_on)
    return {
        "on": rules.implicit_decision_on(request.submitted_on),
        "received_on": request.submitted_on,
        "rule": rule,
        "label": rules.SILENCE_LABELS[rule],
    }


@register.inclusion_tag("appeals/includes/request_silence.html")
def request_silence(request):
    """The date an implicit decision would arise on a request waiting for the administration (shown with the
    request under way)."""
    return {"silence": silence_of(request)}


@register.inclusion_tag("appeals/includes/pathway_block.html", takes_context=True)
def pathway_appeals(context, pathway):
    from parcours.commission.models import PrefectDecision
    from parcours.pathways.models import UNFAVOURABLE_DECISION_OUTCOMES, Afis, PathwayState

    actor = context.get("actor")
    # The dossier page may have read the AFIS already (pathways.views.detail_context): reused.
    afis = context["afis"] if "afis" in context else fixed_shape(Afis.objects.filter(pathway=pathway)).first()
    if "unfavourable_decisions" in context:  # read by the dossier page with their letters and appeals
        decisions = sorted(
            (d for d in context["unfavourable_decisions"] if d.state == PrefectDecision.State.SIGNED),
            key=lambda d: d.signed_on,
        )
    else:
        decisions = list(
            PrefectDecision.objects.filter(
                pathway=pathway,
                state=PrefectDecision.State.SIGNED,
                outcome__in=UNFAVOURABLE_DECISION_OUTCOMES,
            )
            .prefetch_related("letters", "appeals")
            .order_by("signed_on")
        )
    for decision in decisions:
        letter = next((x for x in decision.letters.all() if x.addressee == "person"), None)
        decision.notified_on = letter.notified_on if letter else None
        decision.deadline = (
            rules.appeal_deadline(letter.notified_on) if letter and letter.notified_on else None
        )
    # The decisions tab of the file has asked whether there are any (none: an empty list given).
    procedures = (
        context["pathway_procedures"]
        if "pathway_procedures" in context
        else list(fixed_shape(Procedure.objects.filter(pathway=pathway).order_by("-created_at")))
    )
    manage = can(actor, "procedures.manage")
    active = pathway.state == PathwayState.ACTIVE
    open_kinds = {p.kind for p in procedures if p.state in ("notice", "observations", "opinion", "ready")}
    return {
        "actor": actor,
        "pathway": pathway,
        "decisions": decisions,
        "procedures": procedures,
        "can_record": can(actor, "appeals.record"),
        "can_view": can(actor, "appeals.view"),
        "start_end": manage and active and ProcedureKind.END not in open_kinds,
        "start_afis": manage
        and active
        and ProcedureKind.AFIS_STOP not in open_kinds
        and afis is not None
        and afis.status == Afis.Status.GRANTED,
        "today": timezone.localdate(),
    }


@register.inclusion_tag("appeals/includes/to_hand_over.html", takes_context=True)
def agrement_hand_over(context, organisation, agrement):
    """On the association's agrément page, once its agrément was withdrawn (through the procedure or as
    decided outside Parcours): the pathways to hand over, the same block as on the procedure's page."""
    from ..services import pathways_after_withdrawal

    return {
        "to_hand_over": pathways_after_withdrawal(organisation, agrement),
        "allowed": context.get("allowed", ()),
    }
