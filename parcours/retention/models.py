"""What the retention regimes leave behind them: the record that a person's follow-up file was anonymised
(its State acts keep a pseudonymous file), and the transfers of State acts to the archives service
(bordereaux de versement). Neither holds an identity."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from parcours.core.models import BaseModel, Departement, User


class Anonymisation(BaseModel):
    """A person's follow-up file past its term, anonymised rather than deleted because a State act refers to
    it (ADR 0017): identity replaced by the pseudonymous code, blind indexes and follow-up content gone."""

    person = models.OneToOneField("people.Person", on_delete=models.PROTECT, related_name="anonymisation")
    done_on = models.DateField("anonymisée le")
    last_contact = models.DateField("dernier contact")

    class Meta:
        verbose_name = "anonymisation d'un dossier"

    def __str__(self) -> str:
        return f"anonymisée le {self.done_on:%d/%m/%Y}"


class ArchiveTransfer(BaseModel):
    """One year of a département's State acts for the archives service: marked « à verser » by the daily
    task once their administrative usefulness is over, exported (archive and manifest, SHA-256 of each
    file), transferred (the bordereau de versement recorded), then, by an explicit confirmed act, the
    application's copy of the files removed. Never deleted."""

    class State(models.TextChoices):
        DUE = "due", "À verser"
        EXPORTED = "exported", "Exporté, à remettre aux archives"
        TRANSFERRED = "transferred", "Versé (bordereau enregistré)"
        COPY_REMOVED = "copy_removed", "Versé, copie de l'application retirée"

    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("année des actes")
    state = models.CharField("état", max_length=15, choices=State.choices, default=State.DUE)
    acts = models.PositiveIntegerField("actes", default=0)
    marked_on = models.DateField("à verser depuis le")
    exported_at = models.DateTimeField("exporté le", null=True, blank=True)
    archive_name = models.CharField("archive", max_length=200, blank=True)
    archive_sha256 = models.CharField("empreinte SHA-256 de l'archive", max_length=64, blank=True)
    manifest = models.JSONField("manifeste", default=dict, blank=True)
    transferred_on = models.DateField("versé le", null=True, blank=True)
    archives_reference = models.CharField("référence du bordereau aux archives", max_length=100, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    copy_removed_at = models.DateTimeField("copie retirée le", null=True, blank=True)

    class Meta:
        ordering = ["departement", "year"]
        verbose_name = "versement aux archives"
        verbose_name_plural = "versements aux archives"
        constraints = [
            models.UniqueConstraint(fields=["departement", "year"], name="one_transfer_per_departement_year"),
            models.CheckConstraint(
                condition=~Q(state__in=["transferred", "copy_removed"])
                | (Q(transferred_on__isnull=False) & ~Q(archives_reference="") & ~Q(archive_sha256="")),
                name="transfer_recorded_with_its_bordereau",
            ),
        ]

    def __str__(self) -> str:
        return f"actes de {self.year} — {self.get_state_display()}"
