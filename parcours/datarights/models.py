"""The data subjects' rights (GDPR art. 12 to 21): the register of requests, the rectification log, the
information notices handed over and the access exports (docs/droits-des-personnes.md)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from parcours.core.crypto import EncryptedTextField
from parcours.core.models import BaseModel, Departement, Organisation, User
from parcours.people.models import DocumentLanguage, Person


class RequestKind(models.TextChoices):
    ACCESS = "access", "Demande d'accès"
    RECTIFICATION = "rectification", "Demande de rectification"
    ERASURE = "erasure", "Demande d'effacement ou de limitation"


class Answer(models.TextChoices):
    GRANTED = "granted", "Satisfaite"
    PARTLY = "partly", "Satisfaite en partie"
    REFUSED = "refused", "Refusée (motif écrit à la personne)"


class RightsRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(answered_on__isnull=True)


class RightsRequest(BaseModel):
    """A request by the person to exercise a right, with its deadline (rules.answer_due): the register of
    rights requests the data protection officer asks for. Answered by the association or the secretariat."""

    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="rights_requests")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="enregistrée par"
    )
    kind = models.CharField("demande", max_length=20, choices=RequestKind.choices)
    received_on = models.DateField("reçue le")
    due_on = models.DateField("réponse due le")
    extended = models.BooleanField("délai prolongé de deux mois", default=False)
    # What the person asks, in her words: may describe her situation, so encrypted.
    details = EncryptedTextField("objet de la demande", blank=True)
    answered_on = models.DateField("réponse le", null=True, blank=True)
    answer = models.CharField("réponse", max_length=10, choices=Answer.choices, blank=True)
    answer_note = EncryptedTextField("motif ou précisions de la réponse", blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    answered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = RightsRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-created_at"]
        verbose_name = "demande d'exercice d'un droit"
        verbose_name_plural = "demandes d'exercice des droits"
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("received_on")), name="rights_due_after"),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True, answer="")
                | (Q(answered_on__gte=models.F("received_on")) & ~Q(answer="")),
                name="rights_answer_dated_after_receipt",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} du {self.received_on:%d/%m/%Y}"


class Rectification(BaseModel):
    """One field of a person's record corrected: who, when, which field (its name, never the values), and the
    rectification request it answers when there is one (its request and answer dates)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="rectifications")
    request = models.ForeignKey(
        RightsRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="rectifications"
    )
    field = models.CharField("champ corrigé (nom technique)", max_length=60)
    field_label = models.CharField("champ corrigé", max_length=100)
    corrected_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "field"]
        verbose_name = "rectification"


class NoticeDelivery(BaseModel):
    """« Notice d'information remise le … (langue, interprète) »: the art. 13-14 notice handed over."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notice_deliveries")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    given_on = models.DateField("remise le")
    language = models.CharField("langue de la notice", max_length=10, choices=DocumentLanguage.choices)
    with_interpreter = models.BooleanField("en présence d'un interprète", default=False)
    # The interpreter's name identifies a third person: encrypted, like the interpreting sessions
    # (people.InterpretingSession); empty without an interpreter (services.record_notice_delivery).
    interpreter = EncryptedTextField("interprète (nom, service)", blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-given_on", "-created_at"]
        verbose_name = "notice d'information remise"
        verbose_name_plural = "notices d'information remises"


def export_path(instance: AccessExport, filename: str) -> str:
    # Opaque storage name: never the person's name nor her code.
    return f"droits/{instance.departement.code}/{instance.public_id.hex}.zip"


class AccessExport(BaseModel):
    """An access export (art. 15): the archive of everything held about the person, AES-256 encrypted with a
    password shown once and never stored, sealed again at rest by the storage, downloadable once through an
    unguessable link before `expires_at`; the file is deleted when downloaded or when it expires."""

    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="access_exports")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    rights_request = models.ForeignKey(
        RightsRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="exports"
    )
    file = models.FileField(upload_to=export_path, max_length=200, blank=True)
    size = models.PositiveBigIntegerField("taille (octets)", default=0)
    file_count = models.PositiveIntegerField("fichiers joints", default=0)
    build_ms = models.PositiveIntegerField("durée de préparation (ms)", default=0)
    # SHA-256 of the download token: the link's secret is never stored.
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField("lien valable jusqu'au")
    downloaded_at = models.DateTimeField("téléchargé le", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "export des données d'une personne"
