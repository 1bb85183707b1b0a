"""Writes of the core app: every one atomic and audited."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import audit, mail
from .access import Actor
from .models import Alert, AuditAction, AuditEvent, Departement, Membership, User
from .policies import can_decide_membership
from .roles import GRANTS_NEEDING_CONFIRMATION, Role, confirming_role
from .tokens import account_setup_tokens, password_reset_tokens


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


SELF_GRANT_REFUSED = (
    "Vous ne pouvez pas modifier vos propres rattachements : demandez-le à un autre administrateur."
)
CONFIRMER_LABEL = {Role.SECRETARIAT: "le secrétariat", Role.ADMIN: "un second administrateur"}


# --- Accounts -----------------------------------------------------------------------------------------------


def departements_of(user: User) -> list[Departement]:
    """The départements an account works in (through any of its memberships): where its events are filed."""
    return list(Departement.objects.filter(organisations__memberships__user=user).distinct())


def record_account_event(user: User | None, action: str, *, detail: str = "", by_user: bool = True) -> None:
    """Journal an event about an account (login, logout, failed login, password): one event per
    département of the account, so that each secretariat sees it; without an account, one unfiled event.
    `by_user`: the account itself acted (a login), else the event is only about it (a failed login)."""
    for departement in (departements_of(user) if user else []) or [None]:
        AuditEvent.objects.create(
            departement=departement,
            user=user if by_user else None,
            action=AuditAction(action),
            object_type=user._meta.label_lower if user else "",
            object_id=str(user.public_id) if user else "",
            detail=detail[:200],
        )


def kill_sessions(user: User) -> int:
    """End every open session of `user` at once (deactivated account or last membership). Returns the count.

    Sessions live in the database (Django's default engine); the user id is inside the signed payload, so
    each live session is decoded: a few hundred at most for a département's staff."""
    doomed = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now())
        if session.get_decoded().get(AUTH_SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(pk__in=doomed).delete()
    return len(doomed)


def _password_link(user: User, *, setup: bool) -> str:
    tokens = account_setup_tokens if setup else password_reset_tokens
    name = "core:account_setup" if setup else "core:password_reset_confirm"
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return settings.PARCOURS_PUBLIC_URL.rstrip("/") + reverse(name, args=[uid, tokens.make_token(user)])


def queue_password_link(*, user: User, setup: bool, departement: Departement | None = None) -> bool:
    """Queue (outbox, this transaction) the e-mail carrying a single-use, expiring link to choose a password:
    `setup` for a new account, else a reset. No e-mail without an address or a département. The link is
    never shown to anyone else, nor logged; the idempotency key holds a digest of it, not the link."""
    departement = departement or next(iter(departements_of(user)), None)
    if departement is None or not user.email:
        return False
    link = _password_link(user, setup=setup)
    hours = (settings.PARCOURS_ACCOUNT_SETUP_SECONDS if setup else settings.PASSWORD_RESET_TIMEOUT) // 3600
    validity = f"{hours} heure{'s' if hours > 1 else ''}" if hours else "moins d'une heure"
    if setup:
        subject = "Parcours : choisissez votre mot de passe"
        intro = (
            f"Un compte Parcours a été créé pour vous (identifiant : {user.username}).\n"
            "Choisissez vous-même votre mot de passe en ouvrant ce lien :"
        )
    else:
        subject = "Parcours : réinitialisation de votre mot de passe"
        intro = (
            f"Une réinitialisation du mot de passe du compte {user.username} a été demandée.\n"
            "Pour choisir un nouveau mot de passe, ouvrez ce lien :"
        )
    body = (
        f"{intro}\n\n{link}\n\n"
        f"Ce lien ne sert qu'une fois et expire dans {validity}. Personne d'autre que vous ne connaît votre "
        "mot de passe : ni l'administrateur, ni le secrétariat ne vous le demanderont jamais.\n"
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message."
    )
    digest = hashlib.sha256(link.encode()).hexdigest()[:32]
    mail.queue_email(
        departement=departement,
        idempotency_key=f"compte:{'creation' if setup else 'reinitialisation'}:{user.public_id}:{digest}",
        to=user.email,
        subject=subject,
        body=body,
        related=user,
    )
    return True


@transaction.atomic
def request_password_reset(*, users) -> None:
    """'Mot de passe oublié': a reset link to each active account of the address (none: nothing, silently)."""
    for user in users:
        if queue_password_link(user=user, setup=False):
            record_account_event(
                user, "password_reset", detail="lien de réinitialisation envoyé", by_user=False
            )


@transaction.atomic
def set_password(*, user: User, form, detail: str) -> User:
    """Save a SetPasswordForm / PasswordChangeForm (validators already run) and journal it. Changing the
    password ends the account's other sessions (Django checks the session's password hash)."""
    form.save()
    record_account_event(user, "password_set", detail=detail)
    return user


@transaction.atomic
def create_user(*, actor: Actor, form, membership_form):
    """A new account without a usable password: it receives a link to choose its own."""
    user = form.save(commit=False)
    user.set_unusable_password()
    user.save()
    audit.record(actor, "create", user, detail="compte utilisateur")
    membership = membership_form.save(commit=False)
    membership.user = user
    _grant(actor, membership)
    queue_password_link(user=user, setup=True, departement=actor.departement)
    return user


@transaction.atomic
def save_user(*, actor: Actor, form):
    was_active = User.objects.filter(pk=form.instance.pk).values_list("is_active", flat=True).first()
    user = form.save()
    audit.record(actor, "update", user, detail="compte utilisateur")
    if was_active and not user.is_active:
        kill_sessions(user)
        audit.record(actor, "role_change", user, detail="compte désactivé, sessions fermées")
    return user


# --- Memberships: grants held for confirmation --------------------------------------------------------------


def _grant(actor: Actor, membership: Membership) -> Membership:
    """Save a new or re-activated membership. A role that sees people (or the administrator role) granted
    active is held, inactive, until someone else confirms it; the request is journaled and alerts the
    secretariat. Anything else takes effect at once and is journaled as a role change."""
    if membership.active and membership.role in GRANTS_NEEDING_CONFIRMATION:
        now = timezone.now()
        membership.active, membership.pending = False, True
        membership.requested_by, membership.requested_at = actor.user, now
        membership.decided_by, membership.decided_at = None, None
        membership.save()
        audit.record(actor, "grant_request", membership, detail=f"habilitation demandée : {membership.role}")
        confirmer = CONFIRMER_LABEL[confirming_role(membership.role)]
        raise_alert(
            departement=membership.organisation.departement,
            kind=Alert.Kind.GRANT_REQUESTED,
            message=f"{actor.user} demande le rôle « {membership.get_role_display()} » pour "
            f"{membership.user} ({membership.organisation}) : à confirmer par {confirmer}.",
            obj=membership,
        )
    else:
        membership.save()
        state = "activé" if membership.active else "inactif"
        audit.record(actor, "role_change", membership, detail=f"rattachement {membership.role} {state}")
    return membership


@transaction.atomic
def add_membership(*, actor: Actor, form) -> Membership:
    if form.instance.user_id == actor.user.pk:
        raise ValidationError(SELF_GRANT_REFUSED)
    return _grant(actor, form.save(commit=False))


@transaction.atomic
def toggle_membership(*, actor: Actor, membership_public_id) -> Membership:
    """Deactivate (at once; the account's sessions end with its last active membership) or re-activate
    (held for confirmation like a new grant). An administrator's own memberships can only be deactivated."""
    membership = get_object_or_404(
        Membership.objects.select_for_update().select_related("user", "organisation__departement"),
        public_id=membership_public_id,
        organisation__departement=actor.departement,
    )
    if membership.pending:
        raise ValidationError("Ce rattachement attend déjà une confirmation.")
    if membership.active:
        membership.active = False
        membership.save(update_fields=["active", "updated_at"])
        audit.record(actor, "role_change", membership, detail=f"rattachement {membership.role} désactivé")
        if not Membership.objects.active().filter(user=membership.user).exists():
            kill_sessions(membership.user)
        return membership
    if membership.user_id == actor.user.pk:
        raise ValidationError(SELF_GRANT_REFUSED)
    membership.active = True
    return _grant(actor, membership)


@transaction.atomic
def decide_membership(*, actor: Actor, membership: Membership, confirm: bool) -> Membership:
    """Confirm or refuse a held grant. Never one's own, never one's own request (policies)."""
    if not can_decide_membership(actor, membership):
        raise PermissionDenied
    now = timezone.now()
    decided = Membership.objects.filter(pk=membership.pk, pending=True).update(
        pending=False, active=confirm, decided_by=actor.user, decided_at=now, updated_at=now
    )
    if not decided:  # decided meanwhile by someone else
        raise ValidationError("Cette demande a déjà été traitée.")
    membership.refresh_from_db()
    verb = "confirmée" if confirm else "refusée"
    audit.record(
        actor,
        "grant_confirm" if confirm else "grant_refuse",
        membership,
        detail=f"habilitation {verb} : {membership.role}",
    )
    raise_alert(
        departement=membership.organisation.departement,
        kind=Alert.Kind.GRANT_CONFIRMED if confirm else Alert.Kind.GRANT_REFUSED,
        message=f"{actor.user} a {'confirmé' if confirm else 'refusé'} le rôle "
        f"« {membership.get_role_display()} » de {membership.user} ({membership.organisation}), "
        f"demandé par {membership.requested_by}.",
        obj=membership,
    )
    return membership


def raise_alert(*, departement, kind: str, message: str, obj=None) -> Alert:
    """One alert per situation and day: the same reader seeing the same sensitive file the same way again
    (a list reloaded, sorted, paged) does not add a line while the first is not handled. Every read is in
    the audit journal anyway; the alert is the signal, not the record."""
    fields = {
        "departement": departement,
        "kind": kind,
        "message": message,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.public_id) if obj is not None else "",
    }
    start_of_day = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    pending = Alert.objects.filter(**fields, acknowledged_at__isnull=True, created_at__gte=start_of_day)
    return pending.first() or Alert.objects.create(**fields)


@transaction.atomic
def acknowledge_alert(*, actor: Actor, alert: Alert) -> Alert:
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = actor.user
        alert.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
        audit.record(actor, "update", alert, detail="alerte traitée")
    return alert
