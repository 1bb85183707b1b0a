"""The housing route of a person: requests to the SIAO (accommodation) and social-housing requests, with the
priority, the prefect's reserved quota and the DALO recourse. The delay to housing is measured from the
social-housing request to the entry into the housing (parcours.housing.measures)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from parcours.core.crypto import EncryptedTextField
from parcours.core.models import BaseModel, Departement, Organisation, User
from parcours.people.models import Person

from . import rules


class PlaceKind(models.TextChoices):
    """Kinds of accommodation the SIAO (service intégré d'accueil et d'orientation) orients towards."""

    CHRS = "chrs", "CHRS (centre d'hébergement et de réinsertion sociale)"
    ALT = "alt", "Logement financé par l'ALT (allocation de logement temporaire)"
    MAISON_RELAIS = "maison_relais", "Maison relais (pension de famille)"
    EMERGENCY = "emergency", "Hébergement d'urgence"
    SOCIAL_RESIDENCE = "social_residence", "Résidence sociale"
    IML = "iml", "Intermédiation locative"
    OTHER = "other", "Autre"


class SiaoRequest(BaseModel):
    class Status(models.TextChoices):
        PENDING = "pending", "En attente d'une place"
        PLACED = "placed", "Place obtenue"
        REFUSED = "refused", "Refusée ou sans suite"
        WITHDRAWN = "withdrawn", "Retirée par la personne"

    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="siao_requests")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # The person's number in the SIAO's own system: an identifier, encrypted like the identity.
    number = EncryptedTextField("numéro de la demande SIAO", blank=True)
    requested_on = models.DateField("demande transmise au SIAO le")
    orientation = models.CharField("orientation préconisée", max_length=20, choices=PlaceKind.choices)
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.PENDING)
    placement = models.CharField("place obtenue", max_length=20, choices=PlaceKind.choices, blank=True)
    outcome_on = models.DateField("entrée dans la place ou fin de la demande le", null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-requested_on", "-created_at"]
        verbose_name = "demande au SIAO"
        verbose_name_plural = "demandes au SIAO"
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="pending") & Q(outcome_on__isnull=True) & Q(placement=""))
                | (Q(status="placed") & Q(outcome_on__isnull=False) & ~Q(placement=""))
                | (Q(status__in=["refused", "withdrawn"]) & Q(outcome_on__isnull=False) & Q(placement="")),
                name="siao_outcome_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(outcome_on__isnull=True) | Q(outcome_on__gte=F("requested_on")),
                name="siao_outcome_after_request",
            ),
        ]

    def __str__(self) -> str:
        return f"Demande SIAO du {self.requested_on:%d/%m/%Y}"


class Priority(models.TextChoices):
    NONE = "none", "Non demandée"
    ASKED = "asked", "Demandée, en attente"
    RECOGNISED = "recognised", f"Reconnue ({rules.PRIORITY_SOURCE})"
    REFUSED = "refused", "Non reconnue"


class DaloDecision(models.TextChoices):
    PENDING = "", "Pas de décision"
    PRIORITY_URGENT = "priority_urgent", "Reconnue prioritaire et à reloger en urgence"
    REJECTED = "rejected", "Rejetée"


class HousingRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(housed_on__isnull=True, cancelled_on__isnull=True)


class HousingRequest(BaseModel):
    """A social-housing request (demande de logement social), from its filing to the entry into the
    housing."""

    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="housing_requests")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # The numéro unique d'enregistrement: an identifier of the person in the national system, encrypted.
    registration_number = EncryptedTextField("numéro unique d'enregistrement", blank=True)
    filed_on = models.DateField("demande de logement social déposée le")
    priority = models.CharField(
        "priorité d'attribution", max_length=12, choices=Priority.choices, default=Priority.NONE
    )
    prefect_quota = models.BooleanField(
        "présentée sur le contingent préfectoral",
        default=False,
        help_text="Logements réservés au préfet pour les ménages prioritaires "
        f"({rules.PREFECT_QUOTA_PERCENT} % au plus du parc de chaque bailleur, art. R. 441-5 CCH).",
    )
    dalo_filed_on = models.DateField("recours DALO déposé le", null=True, blank=True)
    dalo_decision = models.CharField(
        "décision de la commission de médiation", max_length=20, choices=DaloDecision.choices, blank=True
    )
    dalo_decided_on = models.DateField("décision DALO du", null=True, blank=True)
    housed_on = models.DateField("entrée dans le logement le", null=True, blank=True)
    cancelled_on = models.DateField("demande abandonnée le", null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    objects = HousingRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-filed_on", "-created_at"]
        verbose_name = "demande de logement social"
        verbose_name_plural = "demandes de logement social"
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(housed_on__isnull=True, cancelled_on__isnull=True),
                name="one_open_housing_request_per_person",
            ),
            models.CheckConstraint(
                condition=Q(housed_on__isnull=True) | Q(housed_on__gte=F("filed_on")),
                name="housed_after_filing",
            ),
            models.CheckConstraint(
                condition=Q(cancelled_on__isnull=True) | Q(housed_on__isnull=True),
                name="housed_or_cancelled_not_both",
            ),
            models.CheckConstraint(
                condition=Q(dalo_filed_on__isnull=True) | Q(dalo_filed_on__gte=F("filed_on")),
                name="dalo_after_filing",
            ),
            models.CheckConstraint(
                condition=(Q(dalo_decision="") & Q(dalo_decided_on__isnull=True))
                | (
                    ~Q(dalo_decision="")
                    & Q(dalo_filed_on__isnull=False)
                    & Q(dalo_decided_on__isnull=False)
                    & Q(dalo_decided_on__gte=F("dalo_filed_on"))
                ),
                name="dalo_decision_after_recourse",
            ),
        ]

    def __str__(self) -> str:
        return f"Demande de logement social du {self.filed_on:%d/%m/%Y}"

    @property
    def delay_days(self) -> int | None:
        return rules.delay_days(self.filed_on, self.housed_on)

    @property
    def dalo_due(self):
        return rules.dalo_decision_due(self.dalo_filed_on) if self.dalo_filed_on else None

    @property
    def is_open(self) -> bool:
        return self.housed_on is None and self.cancelled_on is None
