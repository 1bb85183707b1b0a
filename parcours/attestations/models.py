"""Attestations of engagement in the PSP: asked for by the association, issued (signed) by the secretariat for
the prefect, numbered in the département's register and frozen as an official document."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from parcours.core.crypto import EncryptedTextField
from parcours.core.models import BaseModel, Departement, User
from parcours.documents.models import GeneratedDocument
from parcours.pathways.models import Pathway

from .rules import Purpose, number_of


class AttestationState(models.TextChoices):
    REQUESTED = "requested", "Demandée"
    ISSUED = "issued", "Délivrée"
    REFUSED = "refused", "Refusée"


class Attestation(BaseModel):
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="attestations")
    purpose = models.CharField("objet", max_length=10, choices=Purpose.choices)
    # The body the attestation is for (« Centre des finances publiques de … »): free text, encrypted.
    recipient = EncryptedTextField("organisme destinataire", blank=True)
    state = models.CharField(
        "état", max_length=10, choices=AttestationState.choices, default=AttestationState.REQUESTED
    )
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_on = models.DateField("délivrée ou refusée le", null=True, blank=True)
    year = models.PositiveSmallIntegerField("année du registre", null=True, blank=True)
    sequence = models.PositiveIntegerField("numéro d'ordre", null=True, blank=True)
    document = models.OneToOneField(
        GeneratedDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refusal_motive = EncryptedTextField("motif du refus", blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "attestation d'engagement"
        verbose_name_plural = "attestations d'engagement"
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "year", "sequence"], name="attestation_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(state="requested", decided_on__isnull=True, document__isnull=True)
                | Q(
                    state="issued",
                    decided_on__isnull=False,
                    document__isnull=False,
                    year__isnull=False,
                    sequence__isnull=False,
                )
                | Q(state="refused", decided_on__isnull=False, document__isnull=True),
                name="attestation_state_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"Attestation demandée ({self.get_purpose_display()})"

    @property
    def number(self) -> str:
        return number_of(self.year, self.sequence) if self.year and self.sequence else ""
