"""What an actor may do on one pathway: templates show buttons from `abilities`, services check the same."""

from __future__ import annotations

from parcours.core.access import Actor
from parcours.core.policies import AM, AW, S, can, register

from .models import Pathway, PathwayState, Request, RequestState
from .services import renewal_blocker

PERMISSIONS = {
    # The AFIS month by month and its notices (read on the pathway's scope).
    "afis.view": {S, AW, AM},
    # The secretariat sends the notices to the payer and the foreigners' service and records their answers.
    "afis.notices": {S},
    # A move to another département: the accompanying association asks, with the person's consent...
    "transfers.request": {AW, AM},
    # ... the receiving secretariat accepts or refuses (and the former one closes its pathway: pathways.end).
    "transfers.decide": {S},
    # An association's agrément withdrawn or its closure: the secretariat hands its pathways over...
    "transfers.handover": {S},
    # ... and the receiving association records each person's consent.
    "transfers.consent": {AW, AM},
    # The page of an incoming transfer: the receiving secretariat or association (scoped: 404 otherwise).
    "transfers.view": {S, AW, AM},
}


def register_permissions() -> None:
    register(PERMISSIONS)


class Abilities(dict):
    """The abilities' dict, but for « renew », worked out when first read: renewal_blocker may ask the
    database for the pathway's open request and its months, and only the request's tab of the file shows that
    button (the rights, the decisions and the history tabs, the AFIS pages never read it)."""

    def __init__(self, values: dict[str, bool], *, actor: Actor, pathway: Pathway, own: bool):
        super().__init__(values)
        self._renewal = (actor, pathway, own)

    def __missing__(self, key: str) -> bool:
        if key != "renew":
            raise KeyError(key)
        actor, pathway, own = self._renewal
        self[key] = value = own and can(actor, "requests.edit") and renewal_blocker(pathway) is None
        return value


def abilities(actor: Actor, pathway: Pathway, request: Request | None) -> dict[str, bool]:
    own = actor.is_association and pathway.association_id == actor.organisation.pk
    state = request.state if request else None
    values = {
        "edit_request": own and can(actor, "requests.edit") and bool(request and request.is_editable),
        "submit": own and can(actor, "requests.submit") and bool(request and request.is_editable),
        "check": can(actor, "requests.check") and state == RequestState.SUBMITTED,
        "opinion": can(actor, "requests.opinion") and state in (RequestState.READY, RequestState.POSTPONED),
        "decide": can(actor, "requests.decide") and state == RequestState.REVIEWED,
        # Only an authorised pathway is ended (services.end_pathway refuses the others).
        "end": can(actor, "pathways.end") and pathway.state == PathwayState.ACTIVE,
        # Before the decision: the request is closed (withdrawal, contact lost); nothing is « terminé ».
        "close_request": can(actor, "pathways.end") and pathway.state == PathwayState.IN_INSTRUCTION,
        "report_end": own
        and can(actor, "pathways.report_end")
        and pathway.state in (PathwayState.IN_INSTRUCTION, PathwayState.ACTIVE),
        "confirm_end": can(actor, "pathways.confirm_end")
        and pathway.state in (PathwayState.IN_INSTRUCTION, PathwayState.ACTIVE),
        "rights": can(actor, "rights.edit")
        and (own or actor.is_secretariat)
        and pathway.state == PathwayState.ACTIVE,
        "permit": can(actor, "permits.edit") and pathway.state == PathwayState.ACTIVE,
        "documents": can(actor, "documents.download"),
        "afis": can(actor, "afis.view") and (own or actor.is_secretariat),
        "transfer": own and can(actor, "transfers.request") and pathway.state == PathwayState.ACTIVE,
    }
    return Abilities(values, actor=actor, pathway=pathway, own=own)
