"""Scoped reads of the partners' actions: a partner reaches its own organisation's, the secretariat its
département's; out of scope answers 404."""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.http import Http404

from parcours.core.access import Actor
from parcours.core.policies import can

from .models import Establishment


def actions_visible_to(actor: Actor, model: type[Model], permission: str) -> QuerySet:
    if not can(actor, permission):
        return model.objects.none()
    qs = model.objects.filter(departement=actor.departement)
    if not actor.is_secretariat:
        qs = qs.filter(organisation=actor.organisation)
    return qs.select_related("organisation")


def get_action_or_404(actor: Actor, model: type[Model], permission: str, public_id) -> Model:
    item = actions_visible_to(actor, model, permission).filter(public_id=public_id).first()
    if item is None:
        raise Http404
    return item


def establishments_of(departement, *, active_only: bool = False) -> QuerySet:
    qs = Establishment.objects.filter(departement=departement)
    return qs.filter(active=True) if active_only else qs


def get_establishment_or_404(actor: Actor, public_id) -> Establishment:
    if not can(actor, "actions.establishments"):
        raise Http404
    item = establishments_of(actor.departement).filter(public_id=public_id).first()
    if item is None:
        raise Http404
    return item
