"""Editable templates of official documents, and the documents generated from them.

A generated document is a draft (its HTML can still be edited) until it is frozen: its PDF is then stored
outside the web root, encrypted with the field keys, with the SHA-256 of the plaintext PDF, and the row can
never change again (save() guard and a database
trigger: pgtrigger on PostgreSQL, migration 0002 on SQLite).
"""

from __future__ import annotations

import pgtrigger
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from parcours.core.crypto import EncryptedTextField
from parcours.core.models import BaseModel, Departement, User


class DocumentTemplate(BaseModel):
    """The current body template of a kind for a département (none: the kind's default file is used).

    Every change is kept as a `DocumentTemplateVersion` (and audited)."""

    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="document_templates")
    kind = models.CharField("type de document", max_length=100)
    body = models.TextField("modèle")
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "modèle de document"
        constraints = [
            models.UniqueConstraint(fields=["departement", "kind"], name="document_template_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.departement.code})"


class DocumentTemplateVersion(BaseModel):
    """A previous or current body of a template, kept when it is saved or reset (history)."""

    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("type de document", max_length=100)
    body = models.TextField("modèle", blank=True)  # empty: reset to the default template
    saved_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "version de modèle de document"


class DocumentState(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    FROZEN = "frozen", "Figé"


def pdf_path(instance: GeneratedDocument, filename: str) -> str:
    # Opaque storage name: never a title or a person's name.
    return f"documents/{instance.departement.code}/{instance.public_id.hex}.pdf"


@pgtrigger.register(
    pgtrigger.Protect(
        name="generated_document_frozen",
        operation=pgtrigger.Update | pgtrigger.Delete,
        condition=pgtrigger.Q(old__state="frozen"),
    ),
)
class GeneratedDocument(BaseModel):
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="generated_documents")
    kind = models.CharField("type de document", max_length=100)
    title = models.CharField("titre", max_length=200)
    # The rendered body names the person (decisions, letters): encrypted like the identity it holds.
    html = EncryptedTextField("contenu (HTML)")
    pdf = models.FileField(upload_to=pdf_path, max_length=200, blank=True)
    sha256 = models.CharField("empreinte SHA-256", max_length=64, blank=True)
    state = models.CharField(
        "état", max_length=10, choices=DocumentState.choices, default=DocumentState.DRAFT
    )
    frozen_at = models.DateTimeField("figé le", null=True, blank=True)
    frozen_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    object_type = models.CharField("type de l'objet lié", max_length=50, blank=True)
    object_id = models.CharField("identifiant de l'objet lié", max_length=64, blank=True, db_index=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "document généré"
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | (~Q(sha256="") & Q(frozen_at__isnull=False)),
                name="generated_document_frozen_has_checksum",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_frozen(self) -> bool:
        return self.state == DocumentState.FROZEN

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("state", flat=True).first()
            if stored == DocumentState.FROZEN:
                raise ValidationError("Un document figé ne peut pas être modifié.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_frozen:
            raise ValidationError("Un document figé ne peut pas être supprimé.")
        return super().delete(*args, **kwargs)


class Letterhead(BaseModel):
    """The service's details printed in the heading and the signature of every official document of a
    département: direction, address, « Affaire suivie par », telephone, reference, the town of « Démoville,
    le … », and the signer's name and capacity with the delegation of signature. Staff details, not a
    person's: kept in clear."""

    departement = models.OneToOneField(Departement, on_delete=models.PROTECT, related_name="letterhead")
    direction = models.CharField("direction", max_length=200, blank=True)
    service = models.CharField("service", max_length=200, blank=True)
    address = models.CharField("adresse postale", max_length=300, blank=True)
    town = models.CharField("ville (« Démoville, le … »)", max_length=100, blank=True)
    followed_by = models.CharField("affaire suivie par", max_length=200, blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("courriel du service", blank=True)
    reference = models.CharField("référence du service (« Réf. : »)", max_length=100, blank=True)
    signer_name = models.CharField("nom du signataire", max_length=200, blank=True)
    signer_capacity = models.CharField("qualité du signataire", max_length=200, blank=True)
    delegation = models.CharField(
        "délégation de signature (référence de l'arrêté)", max_length=200, blank=True
    )
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "en-tête des documents"

    def __str__(self) -> str:
        return f"En-tête ({self.departement.code})"
