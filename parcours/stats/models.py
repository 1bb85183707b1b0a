"""Exports of indicators built in the background, and the commission's annual report texts
(docs/indicateurs-exports.md, docs/rapport-annuel.md).

An export's file is stored by the default storage (encrypted at rest, parcours.core.storage) under an opaque
name; it is served only to the membership that asked for it, until its link expires.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from parcours.core.data_version import DataVersionRow
from parcours.core.models import BaseModel, Departement, Membership, Organisation, User


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX (tableur Excel)"
    ODS = "ods", "ODS (tableur OpenDocument)"


class ExportState(models.TextChoices):
    PENDING = "pending", "En attente"
    RUNNING = "running", "En cours"
    READY = "ready", "Prêt"
    FAILED = "failed", "En échec"


def export_path(instance: IndicatorExport, filename: str) -> str:
    # Opaque storage name: never a title, an organisation or a person.
    return f"exports/{instance.departement.code}/{instance.public_id.hex}.{instance.format}"


class IndicatorExport(BaseModel):
    """One export asked for by one membership: what it asked (indicators, period, breakdown, format), for
    which audience and organisation it is published, its progress, then its file and the link's expiry."""

    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    audience = models.CharField("public", max_length=20)
    # The organisation the figures are about (a partner's own; one partner chosen by the secretariat); none:
    # the whole département.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    codes = models.JSONField("indicateurs", default=list, blank=True)  # empty: the whole set
    breakdown = models.CharField("ventilation", max_length=40, blank=True)
    first_year = models.PositiveSmallIntegerField("de l'année")
    last_year = models.PositiveSmallIntegerField("à l'année")
    format = models.CharField("format", max_length=4, choices=ExportFormat.choices)
    state = models.CharField("état", max_length=10, choices=ExportState.choices, default=ExportState.PENDING)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=export_path, max_length=200, blank=True)
    filename = models.CharField("nom du fichier", max_length=120, blank=True)
    error = models.CharField("cause de l'échec", max_length=300, blank=True)
    finished_at = models.DateTimeField("prêt le", null=True, blank=True)
    expires_at = models.DateTimeField("lien valable jusqu'au", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "export d'indicateurs"
        constraints = [
            models.CheckConstraint(condition=Q(first_year__lte=models.F("last_year")), name="export_period"),
            models.CheckConstraint(
                condition=~Q(state="ready") | (Q(finished_at__isnull=False) & Q(expires_at__isnull=False)),
                name="export_ready_has_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"Export {self.public_id} ({self.format})"

    @property
    def percent(self) -> int:
        if self.state == ExportState.READY:
            return 100
        return round(100 * self.progress_done / self.progress_total) if self.progress_total else 0


class AnnualReportText(BaseModel):
    """The introduction and conclusion of the commission's annual report for one département-year: plain
    text, paragraphs separated by a blank line (escaped when the report is built, never raw HTML)."""

    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("année")
    introduction = models.TextField("introduction", blank=True)
    conclusion = models.TextField("conclusion", blank=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "textes du rapport annuel"
        constraints = [
            models.UniqueConstraint(fields=["departement", "year"], name="annual_report_text_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"Rapport annuel {self.year} ({self.departement.code})"


class DataVersion(DataVersionRow):
    """One row: a number PostgreSQL increases, in the same transaction, at every statement that writes a
    table the indicators read (triggers of migration 0002, `cache.SOURCE_TABLES`): INSERT, UPDATE, DELETE
    and TRUNCATE, bulk writes and raw SQL included. A page of figures cached under this number is never
    shown after a write it does not include (parcours.stats.cache)."""

    class Meta:
        verbose_name = "version des données des indicateurs"
