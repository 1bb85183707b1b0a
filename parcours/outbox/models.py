"""Outgoing e-mails: queued in the same transaction as the change that calls for them, delivered by a task."""

from __future__ import annotations

from django.db import models

from parcours.core.crypto import EncryptedTextField
from parcours.core.models import BaseModel, Departement


class EmailStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    SENDING = "sending", "Envoi en cours"
    SENT = "sent", "Envoyé"
    FAILED = "failed", "Échec"


class OutgoingEmail(BaseModel):
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="outgoing_emails")
    idempotency_key = models.CharField("clé d'idempotence", max_length=200, unique=True)
    to = models.EmailField("destinataire")
    # Encrypted: a body may name a person or carry a link's token; a subject is free text of its caller.
    subject = EncryptedTextField("objet")
    body = EncryptedTextField("texte")
    attachments = models.ManyToManyField(
        "documents.GeneratedDocument", blank=True, related_name="emails", verbose_name="pièces jointes"
    )
    status = models.CharField("état", max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    next_attempt_at = models.DateTimeField("prochaine tentative", null=True, blank=True)
    lease_until = models.DateTimeField("réservé jusqu'à", null=True, blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    last_error = models.CharField("dernière erreur", max_length=200, blank=True)  # class name only
    object_type = models.CharField("type de l'objet lié", max_length=50, blank=True)
    object_id = models.CharField("identifiant de l'objet lié", max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "courriel sortant"
        indexes = [models.Index(fields=["status", "lease_until"], name="outbox_status_lease_idx")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} — {self.public_id}"

    @property
    def message_id(self) -> str:
        """Deterministic Message-ID: a resent copy is recognisable as the same message by the receiver."""
        import hashlib

        digest = hashlib.sha256(self.idempotency_key.encode()).hexdigest()[:32]
        return f"<{digest}@parcours.invalid>"
