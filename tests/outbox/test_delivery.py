"""Outbox: idempotent queueing, delivery through a real SMTP server, retries, crash recovery."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from parcours.documents import services as documents
from parcours.outbox import rules, services
from parcours.outbox.models import EmailStatus, OutgoingEmail
from parcours.outbox.tasks import deliver_email, sweep
from tests.outbox.conftest import free_port

pytestmark = pytest.mark.django_db

CONTEXT = {"destinataire": {"nom": "Madame Fictive", "adresse": "1 rue Imaginaire"}, "objet": "Essai",
           "corps": "Texte.", "signataire": "La secrétaire", "date": "3 mars 2026"}  # fmt: skip


def queue(departement, key="convocation:1:membre:1", **kwargs):
    return services.queue_email(
        departement=departement,
        idempotency_key=key,
        to="membre.fictif@example.org",
        subject="Convocation à la séance",
        body="Vous êtes convoqué·e.",
        **kwargs,
    )


def parsed(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_queued_twice_sent_once_with_its_attachment(
    departement, actors, smtp_server, django_capture_on_commit_callbacks
):
    document = documents.create_document(
        actor=actors["secretariat"],
        kind="documents.courrier",
        context=CONTEXT,
        title="Convocation",
        freeze=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = queue(departement, attachments=[document])
    with django_capture_on_commit_callbacks(execute=True):
        second = queue(departement, attachments=[document])
    assert first.pk == second.pk
    assert OutgoingEmail.objects.count() == 1
    assert len(smtp_server.messages) == 1
    message = parsed(smtp_server.messages[0])
    assert message["Subject"] == "Convocation à la séance"
    assert message["Message-ID"] == first.message_id
    attachments = [part for part in message.walk() if part.get_content_type() == "application/pdf"]
    assert len(attachments) == 1 and attachments[0].get_payload(decode=True) == documents.pdf_of(document)
    first.refresh_from_db()
    assert first.status == EmailStatus.SENT and first.attempts == 1 and first.sent_at


def test_a_sent_row_is_never_sent_again(departement, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = queue(departement)
    assert deliver_email.call(str(row.public_id)) == "skipped"
    assert sweep() == 0
    assert len(smtp_server.messages) == 1


def test_interrupted_delivery_is_resumed_by_the_sweep(departement, smtp_server):
    """A worker killed before sending left the row in `sending`: once its lease expires, the sweep
    (manage.py deliver_pending_emails) enqueues it again and it is sent once."""
    row = queue(departement)  # on_commit not run: nothing delivered yet
    OutgoingEmail.objects.filter(pk=row.pk).update(
        status=EmailStatus.SENDING, attempts=1, lease_until=timezone.now() - timedelta(seconds=1)
    )
    call_command("deliver_pending_emails")
    assert len(smtp_server.messages) == 1
    row.refresh_from_db()
    assert row.status == EmailStatus.SENT and row.attempts == 2
    call_command("deliver_pending_emails")
    assert len(smtp_server.messages) == 1


def test_a_live_lease_is_left_to_its_worker(departement, smtp_server):
    row = queue(departement)
    OutgoingEmail.objects.filter(pk=row.pk).update(
        status=EmailStatus.SENDING, attempts=1, lease_until=timezone.now() + rules.LEASE
    )
    assert deliver_email.call(str(row.public_id)) == "skipped"
    assert sweep() == 0
    assert smtp_server.messages == []


def test_worker_died_after_sending_is_the_documented_at_least_once_window(departement, smtp_server):
    """Sent by SMTP, but the worker died before marking the row: after the lease the message goes out
    again, with the same Message-ID so that the receiver can recognise the duplicate (docs/taches.md)."""
    row = queue(departement)
    assert deliver_email.call(str(row.public_id)) == "sent"
    OutgoingEmail.objects.filter(pk=row.pk).update(  # as if the final UPDATE had never happened
        status=EmailStatus.SENDING, sent_at=None, lease_until=timezone.now() - timedelta(seconds=1)
    )
    sweep()
    assert len(smtp_server.messages) == 2
    ids = {parsed(raw)["Message-ID"] for raw in smtp_server.messages}
    assert ids == {row.message_id}


def test_failures_back_off_then_fail_and_can_be_retried(departement, settings, actors, smtp_server):
    settings.EMAIL_PORT = free_port()  # nobody listens there
    row = queue(departement)
    assert deliver_email.call(str(row.public_id)) == "retry"
    row.refresh_from_db()
    assert row.status == EmailStatus.PENDING and row.attempts == 1
    assert row.next_attempt_at > timezone.now()
    assert row.last_error == "ConnectionRefusedError"
    assert deliver_email.call(str(row.public_id)) == "skipped"  # not due yet
    for _ in range(rules.MAX_ATTEMPTS - 1):
        OutgoingEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        deliver_email.call(str(row.public_id))
    row.refresh_from_db()
    assert row.status == EmailStatus.FAILED and row.attempts == rules.MAX_ATTEMPTS
    assert sweep() == 0
    settings.EMAIL_PORT = smtp_server_port = settings.EMAIL_PORT  # noqa: F841
    services.retry(actor=actors["secretariat"], email=row)
    row.refresh_from_db()
    assert row.status == EmailStatus.PENDING and row.attempts == 0


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens its database connection
def test_database_backend_and_worker(departement, settings, smtp_server, django_capture_on_commit_callbacks):
    """In production the task waits in the database until `manage.py db_worker` runs it."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        row = queue(departement)
    assert smtp_server.messages == []
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    row.refresh_from_db()
    assert row.status == EmailStatus.SENT
    assert len(smtp_server.messages) == 1


def test_bad_input_queues_nothing(departement, actors):
    draft = documents.create_document(
        actor=actors["secretariat"], kind="documents.courrier", context=CONTEXT, title="Brouillon"
    )
    with pytest.raises(Exception, match="document figé"):
        queue(departement, attachments=[draft])
    with pytest.raises(Exception, match="Adresse"):
        services.queue_email(
            departement=departement, idempotency_key="k", to="pas une adresse", subject="s", body="b"
        )
    assert not OutgoingEmail.objects.exists()
