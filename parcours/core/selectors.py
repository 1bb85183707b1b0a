"""Reads of the core app that depend on who asks."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .access import Actor
from .models import Membership
from .roles import GRANTS_NEEDING_CONFIRMATION, confirming_role


def memberships_to_decide(actor: Actor) -> QuerySet[Membership]:
    """Held grants `actor` may confirm or refuse (policies.can_decide_membership, as a query)."""
    roles = [role for role in GRANTS_NEEDING_CONFIRMATION if confirming_role(role) == actor.role]
    return (
        Membership.objects.filter(pending=True, organisation__departement=actor.departement, role__in=roles)
        .exclude(user=actor.user)
        .exclude(requested_by=actor.user)
        .select_related("user", "organisation__departement", "requested_by")
        .order_by("requested_at")
    )


def get_membership_to_decide_or_404(actor: Actor, public_id) -> Membership:
    return get_object_or_404(memberships_to_decide(actor), public_id=public_id)
