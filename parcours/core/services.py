"""Writes of the core app: every one atomic and audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone

from . import audit
from .access import Actor
from .models import Alert, Membership


@transaction.atomic
def save_organisation(*, actor: Actor, form):
    organisation = form.save(commit=False)
    if organisation.pk is None:
        organisation.departement = actor.departement
    elif organisation.departement_id != actor.departement.pk:
        raise PermissionDenied
    organisation.save()
    audit.record(actor, "update", organisation, detail="organisation")
    return organisation


@transaction.atomic
def create_user(*, actor: Actor, form, membership_form):
    user = form.save()
    membership = membership_form.save(commit=False)
    membership.user = user
    membership.save()
    audit.record(actor, "create", user, detail="compte utilisateur")
    return user


@transaction.atomic
def save_user(*, actor: Actor, form):
    user = form.save()
    audit.record(actor, "update", user, detail="compte utilisateur")
    return user


@transaction.atomic
def add_membership(*, actor: Actor, form):
    membership = form.save()
    audit.record(actor, "create", membership, detail=f"rattachement {membership.role}")
    return membership


@transaction.atomic
def toggle_membership(*, actor: Actor, membership_public_id) -> Membership:
    membership = get_object_or_404(
        Membership.objects.select_related("user"),
        public_id=membership_public_id,
        organisation__departement=actor.departement,
    )
    membership.active = not membership.active
    membership.save(update_fields=["active", "updated_at"])
    audit.record(
        actor, "update", membership, detail="rattachement activé" if membership.active else "désactivé"
    )
    return membership


def raise_alert(*, departement, kind: str, message: str, obj=None) -> Alert:
    return Alert.objects.create(
        departement=departement,
        kind=kind,
        message=message,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.public_id) if obj is not None else "",
    )


@transaction.atomic
def acknowledge_alert(*, actor: Actor, alert: Alert) -> Alert:
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = actor.user
        alert.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
        audit.record(actor, "update", alert, detail="alerte traitée")
    return alert
