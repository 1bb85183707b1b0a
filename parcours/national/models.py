"""The store of published figures (docs/national.md): what each département published for the national
audience, one release per (département, year), and nothing else.

The national views and the API read only these tables. A figure here has already been through statistical
secrecy (parcours.stats.publication, audience « national ») and through the import's validation
(services.validate): a secret or unavailable cell has no value, and there is no person, no name, no
pseudonym and no row-level data anywhere in the store.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q

from parcours.core.models import BaseModel, Departement, Membership


class Origin(models.TextChoices):
    LOCAL = "local", "Calculé sur cette instance"
    IMPORT = "import", "Importé d'une instance départementale"


class Release(BaseModel):
    """One département's national-audience indicator set for one year, as received."""

    departement_code = models.CharField("code du département", max_length=3)
    departement_name = models.CharField("nom du département", max_length=100)
    year = models.PositiveSmallIntegerField("année")
    # Always « national »: the store holds nothing published for another audience (a check constraint).
    audience = models.CharField("public", max_length=20, default="national")
    period_start = models.DateField("début de la période")
    period_end = models.DateField("fin de la période")
    secrecy_threshold = models.PositiveSmallIntegerField("seuil du secret statistique")
    received_at = models.DateTimeField("reçu le")
    origin = models.CharField("origine", max_length=10, choices=Origin.choices)
    sha256 = models.CharField("empreinte SHA-256 du JSON reçu", max_length=64)

    class Meta:
        ordering = ["year", "departement_code"]
        verbose_name = "publication départementale"
        constraints = [
            models.UniqueConstraint(fields=["departement_code", "year"], name="national_release_unique"),
            models.CheckConstraint(condition=Q(audience="national"), name="national_release_audience"),
        ]

    def __str__(self) -> str:
        return f"{self.departement_code} {self.year}"


class Figure(models.Model):
    """One published cell: an indicator's total (breakdown '') or one cell of one of its breakdowns."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="figures")
    position = models.PositiveIntegerField("rang")  # the order of the JSON received
    indicator = models.CharField("code de l'indicateur", max_length=100)
    label = models.CharField("libellé de l'indicateur", max_length=300)
    unit = models.CharField("unité", max_length=10)
    breakdown = models.CharField("ventilation", max_length=50, blank=True)  # '' for the total
    cell_label = models.CharField("modalité", max_length=200)
    value = models.DecimalField("valeur", max_digits=20, decimal_places=4, null=True, blank=True)
    secret = models.BooleanField("secret", default=False)
    available = models.BooleanField("disponible", default=True)

    class Meta:
        ordering = ["release", "position"]
        verbose_name = "chiffre publié"
        constraints = [
            # A secret or unavailable cell keeps no number, not even in the database.
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(secret=False, available=True),
                name="national_figure_no_hidden_value",
            ),
            models.UniqueConstraint(fields=["release", "position"], name="national_figure_position"),
        ]
        indexes = [models.Index(fields=["indicator", "breakdown"], name="national_figure_indicator")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.breakdown} {self.cell_label}"


class TokenKind(models.TextChoices):
    # A national analyst's token on the national instance: reads the store through the API.
    NATIONAL_READ = "national_read", "Lecture des agrégats nationaux (analyste national)"
    # Held by the national instance, issued by a departmental instance: pulls that département's export.
    EXPORT = "export", "Export du département vers l'instance nationale"


def hash_token(key: str) -> str:
    """Tokens are 256 random bits: a plain SHA-256 is enough to keep them unusable if the table leaks."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(BaseModel):
    """A token for the API, stored hashed; its clear value is shown once, when it is issued."""

    kind = models.CharField("type", max_length=20, choices=TokenKind.choices)
    name = models.CharField("détenteur", max_length=200)
    prefix = models.CharField("début du jeton", max_length=8)  # to recognise it in a list, not to use it
    key_hash = models.CharField("empreinte", max_length=64, unique=True)
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="compte"
    )
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "jeton d'API"
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="national_read", membership__isnull=False, departement__isnull=True))
                | Q(kind="export", membership__isnull=True, departement__isnull=False),
                name="national_token_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.name} ({self.prefix}…)"
