"""Scoped reads: the secretariat sees its département's conventions and strategies; a partner sees the
conventions its organisation is a party to. Anything else answers 404."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from parcours.core.access import Actor
from parcours.core.policies import can

from .models import Axis, Commitment, Convention, Indicator, Objective, Party, Strategy, StrategyAction


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def conventions_visible_to(actor: Actor | None) -> QuerySet[Convention]:
    qs = Convention.objects.all()
    if actor is None or not can(actor, "conventions.view"):
        return qs.none()
    qs = qs.filter(departement=actor.departement)
    if actor.is_secretariat:
        return qs
    return qs.filter(parties__organisation=actor.organisation).distinct()


def get_convention_or_404(actor: Actor, public_id) -> Convention:
    key = _uuid(public_id)
    convention = conventions_visible_to(actor).filter(public_id=key).first() if key else None
    if convention is None:
        raise Http404
    return convention


def strategies_of(actor: Actor | None) -> QuerySet[Strategy]:
    if actor is None or not can(actor, "strategy.manage"):
        return Strategy.objects.none()
    return Strategy.objects.filter(departement=actor.departement)


def get_strategy_or_404(actor: Actor, public_id) -> Strategy:
    key = _uuid(public_id)
    strategy = strategies_of(actor).filter(public_id=key).first() if key else None
    if strategy is None:
        raise Http404
    return strategy


def _child_or_404(qs, public_id):
    key = _uuid(public_id)
    obj = qs.filter(public_id=key).first() if key else None
    if obj is None:
        raise Http404
    return obj


def get_party_or_404(convention: Convention, public_id) -> Party:
    return _child_or_404(convention.parties.select_related("organisation"), public_id)


def get_commitment_or_404(convention: Convention, public_id) -> Commitment:
    return _child_or_404(convention.commitments.all(), public_id)


def get_convention_indicator_or_404(convention: Convention, public_id) -> Indicator:
    return _child_or_404(Indicator.objects.filter(commitment__convention=convention), public_id)


def get_strategy_indicator_or_404(strategy: Strategy, public_id) -> Indicator:
    return _child_or_404(Indicator.objects.filter(objective__strategy=strategy), public_id)


def get_action_or_404(strategy: Strategy, public_id) -> StrategyAction:
    return _child_or_404(StrategyAction.objects.filter(objective__strategy=strategy), public_id)


# The board's « actions en retard », all of them on the strategy list (?a_traiter=actions-en-retard).
OVERDUE_ACTIONS_KEY = "actions-en-retard"
OVERDUE_ACTIONS_LABEL = "Actions en retard (échéance passée, à engager ou en cours)"


def overdue_actions(departement, today) -> QuerySet[StrategyAction]:
    """Actions of the département's strategies to start or under way whose deadline has passed, the oldest
    deadline first (the board loads the first few, the strategy list shows them all)."""
    from .models import OPEN_ACTION_STATUSES

    return (
        StrategyAction.objects.filter(
            objective__strategy__departement=departement, status__in=OPEN_ACTION_STATUSES, deadline__lt=today
        )
        .select_related("owner", "objective__strategy")
        .order_by("deadline", "pk")
    )


def get_axis_or_404(convention: Convention, public_id) -> Axis:
    return _child_or_404(convention.axes.all(), public_id)


def get_objective_or_404(strategy: Strategy, public_id) -> Objective:
    return _child_or_404(strategy.objectives.all(), public_id)
