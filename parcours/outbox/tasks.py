"""Background delivery of outgoing e-mails (django-tasks; see docs/taches.md).

`deliver_email` claims its row with one conditional UPDATE, so that two workers (or a retry racing a
late worker) never both send it, and a row already `sent` is never sent again."""

from __future__ import annotations

import logging

from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from . import rules
from .models import EmailStatus, OutgoingEmail

logger = logging.getLogger(__name__)


def due_filter(now) -> Q:
    """Rows a worker may take now: pending and due, or abandoned while sending (lease expired)."""
    return Q(status=EmailStatus.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    ) | Q(status=EmailStatus.SENDING, lease_until__lt=now)


def claim(email_id: str) -> OutgoingEmail | None:
    """Take the row for this worker (status sending, a fresh lease, one more attempt), or None."""
    now = timezone.now()
    claimed = (
        OutgoingEmail.objects.filter(public_id=email_id)
        .filter(due_filter(now))
        .update(
            status=EmailStatus.SENDING,
            lease_until=now + rules.LEASE,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    )
    return OutgoingEmail.objects.get(public_id=email_id) if claimed else None


def build_message(email: OutgoingEmail) -> EmailMessage:
    from parcours.documents.services import pdf_of

    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        to=[email.to],
        headers={"Message-ID": email.message_id},
    )
    for number, document in enumerate(email.attachments.order_by("pk"), start=1):
        # pdf_of checks the frozen document's checksum: a tampered file is never sent.
        message.attach(f"document-{number}.pdf", pdf_of(document), "application/pdf")
    return message


def enqueue_delivery(email: OutgoingEmail) -> None:
    """Enqueue `deliver_email` (deferred to the next attempt time where the backend can defer)."""
    runner = deliver_email
    if email.next_attempt_at and runner.get_backend().supports_defer:
        runner = runner.using(run_after=email.next_attempt_at)
    runner.enqueue(str(email.public_id))


@task()
def deliver_email(email_id: str) -> str:
    """Send one queued e-mail; returns what happened (sent, skipped, retry, failed)."""
    email = claim(email_id)
    if email is None:
        return "skipped"  # already sent, failed, taken by a live worker, or not due yet
    try:
        build_message(email).send()
    except Exception as error:  # noqa: BLE001 (any failure of the transport is retried)
        now = timezone.now()
        failed = email.attempts >= rules.MAX_ATTEMPTS
        next_at = None if failed else now + rules.backoff(email.attempts)
        OutgoingEmail.objects.filter(pk=email.pk, status=EmailStatus.SENDING).update(
            status=EmailStatus.FAILED if failed else EmailStatus.PENDING,
            lease_until=None,
            next_attempt_at=next_at,
            last_error=type(error).__name__[:200],  # the class only: no address, no content
            updated_at=now,
        )
        logger.warning("outbox: delivery of %s failed (attempt %s)", email.public_id, email.attempts)
        if not failed:
            email.next_attempt_at = next_at
            enqueue_delivery(email)
        return "failed" if failed else "retry"
    now = timezone.now()
    OutgoingEmail.objects.filter(pk=email.pk, status=EmailStatus.SENDING).update(
        status=EmailStatus.SENT, sent_at=now, lease_until=None, last_error="", updated_at=now
    )
    return "sent"


def sweep() -> int:
    """Re-enqueue every row due (pending) or abandoned (lease expired); returns how many."""
    rows = list(OutgoingEmail.objects.filter(due_filter(timezone.now())).only("public_id", "next_attempt_at"))
    for email in rows:
        enqueue_delivery(email)
    return len(rows)
