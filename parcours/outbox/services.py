"""Queue outgoing e-mails: idempotent on a caller-chosen key, delivered after the transaction commits."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from parcours.core import audit
from parcours.core.access import Actor
from parcours.core.models import Departement
from parcours.core.policies import can

from .models import EmailStatus, OutgoingEmail


def _related(related) -> tuple[str, str]:
    if related is None:
        return "", ""
    if isinstance(related, tuple):
        return str(related[0])[:50], str(related[1])[:64]
    return related._meta.label_lower, str(related.public_id)


def queue_email(
    *,
    departement: Departement,
    idempotency_key: str,
    to: str,
    subject: str,
    body: str,
    attachments=(),
    related=None,
) -> OutgoingEmail:
    """Queue one e-mail (get-or-create on `idempotency_key`: a second call with the same key queues
    nothing new and returns the first row). Delivery is enqueued with transaction.on_commit.

    `attachments` are frozen `documents.GeneratedDocument` rows of the same département."""
    from .tasks import enqueue_delivery

    key = idempotency_key.strip()
    if not key or len(key) > 200:
        raise ValidationError("Clé d'idempotence invalide.")
    existing = OutgoingEmail.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    to = to.strip()
    try:
        validate_email(to)
    except ValidationError:
        raise ValidationError("Adresse électronique du destinataire invalide.") from None
    subject = " ".join(subject.split())[:200]
    if not subject or "\x00" in body:
        raise ValidationError("Un courriel a un objet et un texte sans caractère interdit.")
    attachments = list(attachments)
    for document in attachments:
        if not document.is_frozen or document.departement_id != departement.pk:
            raise ValidationError("Seul un document figé du département peut être joint à un courriel.")
    object_type, object_id = _related(related)
    try:
        with transaction.atomic():
            email = OutgoingEmail.objects.create(
                departement=departement,
                idempotency_key=key,
                to=to,
                subject=subject,
                body=body,
                object_type=object_type,
                object_id=object_id,
            )
            email.attachments.set(attachments)
    except IntegrityError:  # the same key queued concurrently: that row wins
        return OutgoingEmail.objects.get(idempotency_key=key)
    transaction.on_commit(lambda: enqueue_delivery(email))
    return email


@transaction.atomic
def retry(*, actor: Actor, email: OutgoingEmail) -> OutgoingEmail:
    """Put a failed (or waiting) e-mail back in the queue now, with a fresh count of attempts."""
    from .tasks import enqueue_delivery

    if not can(actor, "outbox.manage") or email.departement_id != actor.departement.pk:
        raise PermissionDenied
    updated = OutgoingEmail.objects.filter(
        pk=email.pk, status__in=[EmailStatus.FAILED, EmailStatus.PENDING]
    ).update(status=EmailStatus.PENDING, attempts=0, next_attempt_at=None, updated_at=timezone.now())
    if not updated:
        raise ValidationError("Ce courriel est déjà envoyé ou en cours d'envoi.")
    email.refresh_from_db()
    audit.record(actor, "update", email, detail="nouvel essai d'envoi")
    transaction.on_commit(lambda: enqueue_delivery(email))
    return email
