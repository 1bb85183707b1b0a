"""Partnership conventions and the departmental strategy: parties, axes, commitments, indicators, reviews.

Nothing here is about a person: parties are organisations, signatories and participants are staff acting
for them, figures come from the registry of measures (parcours.stats.registry) or are entered as counts.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from parcours.core.models import BaseModel, Departement, Organisation, OrganisationKind, User


class ConventionState(models.TextChoices):
    IN_FORCE = "in_force", "En vigueur"
    CLOSED = "closed", "Close"


class Convention(BaseModel):
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="conventions")
    title = models.CharField("intitulé", max_length=200)
    reference = models.CharField("référence", max_length=100, blank=True)
    signed_on = models.DateField("signée le")
    start = models.DateField("prend effet le")
    # Either a duration (months) or an end date is given; the end is always stored.
    duration_months = models.PositiveSmallIntegerField("durée (mois)", null=True, blank=True)
    end = models.DateField("prend fin le")
    renewal_terms = models.TextField("modalités de renouvellement", blank=True)
    state = models.CharField(
        "état", max_length=10, choices=ConventionState.choices, default=ConventionState.IN_FORCE
    )
    closed_on = models.DateField("close le", null=True, blank=True)
    closing_reason = models.CharField("motif de clôture", max_length=200, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start", "title"]
        verbose_name = "convention de partenariat"
        verbose_name_plural = "conventions de partenariat"
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="convention_end_not_before_start"),
            models.UniqueConstraint(
                fields=["departement", "reference"],
                condition=~Q(reference=""),
                name="convention_unique_reference",
            ),
            models.CheckConstraint(
                condition=Q(state="in_force") | Q(closed_on__isnull=False), name="closed_convention_has_date"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Axis(BaseModel):
    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="axes")
    order = models.PositiveSmallIntegerField("ordre", default=0)
    title = models.CharField("axe", max_length=300)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "axe"

    def __str__(self) -> str:
        return f"Axe {self.order} — {self.title}"


class Party(BaseModel):
    """A party: an organisation of the département, or a free-text party with its kind (a union of Missions
    Locales that has no account, a national body). Its signatory and capacity as on the signed text."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="convention_parties"
    )
    name = models.CharField("nom de la partie", max_length=200, blank=True)
    kind = models.CharField("type", max_length=20, choices=OrganisationKind.choices)
    signatory_name = models.CharField("signataire", max_length=100, blank=True)
    signatory_capacity = models.CharField("qualité du signataire", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "partie"
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "organisation"],
                condition=Q(organisation__isnull=False),
                name="party_unique_organisation",
            ),
            models.UniqueConstraint(
                fields=["convention", "name"], condition=~Q(name=""), name="party_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(name=""), name="party_has_organisation_or_name"
            ),
        ]

    def __str__(self) -> str:
        return self.organisation.name if self.organisation_id else self.name


class Commitment(BaseModel):
    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="commitments")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="commitments")
    axis = models.ForeignKey(
        Axis, on_delete=models.SET_NULL, null=True, blank=True, related_name="commitments"
    )
    text = models.TextField("engagement")
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "engagement"

    def __str__(self) -> str:
        return self.text[:80]


# --- The departmental strategy ---


class Strategy(BaseModel):
    """The multi-year departmental strategy the national strategy of 2 May 2024 asks of each commission."""

    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="strategies")
    title = models.CharField("intitulé", max_length=200)
    first_year = models.PositiveSmallIntegerField("première année")
    last_year = models.PositiveSmallIntegerField("dernière année")
    adopted_on = models.DateField("adoptée en séance plénière le", null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-first_year"]
        verbose_name = "stratégie départementale"
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=F("first_year")), name="strategy_last_year_not_before_first"
            ),
            models.UniqueConstraint(fields=["departement", "first_year"], name="strategy_unique_first_year"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.first_year}–{self.last_year})"


class Objective(BaseModel):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="objectives")
    order = models.PositiveSmallIntegerField("ordre", default=0)
    title = models.CharField("objectif", max_length=300)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "objectif"

    def __str__(self) -> str:
        return f"Objectif {self.order} — {self.title}"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "À engager"
    IN_PROGRESS = "in_progress", "En cours"
    DONE = "done", "Réalisée"
    ABANDONED = "abandoned", "Abandonnée"


OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class StrategyAction(BaseModel):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField("action", max_length=300)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="strategy_actions")
    deadline = models.DateField("échéance")
    status = models.CharField(
        "état", max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = "action de la stratégie"

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES


class StrategyReview(BaseModel):
    """The yearly review of the strategy: date, text, and the status of each action that day."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="reviews")
    year = models.PositiveSmallIntegerField("année")
    held_on = models.DateField("date du bilan")
    text = models.TextField("bilan")

    class Meta:
        ordering = ["-year"]
        verbose_name = "bilan annuel"
        constraints = [models.UniqueConstraint(fields=["strategy", "year"], name="review_unique_year")]

    def __str__(self) -> str:
        return f"Bilan {self.year}"


class ActionReview(models.Model):
    review = models.ForeignKey(StrategyReview, on_delete=models.CASCADE, related_name="action_statuses")
    action = models.ForeignKey(StrategyAction, on_delete=models.CASCADE, related_name="reviews")
    status = models.CharField("état", max_length=12, choices=ActionStatus.choices)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["review", "action"], name="action_review_unique")]

    def __str__(self) -> str:
        return f"{self.action} : {self.get_status_display()}"


# --- Indicators (of a commitment or of a strategy objective) ---


class IndicatorKind(models.TextChoices):
    MEASURE = "measure", "Mesure calculée par Parcours"
    MANUAL = "manual", "Valeurs saisies par le secrétariat"


class TargetBasis(models.TextChoices):
    YEAR = "year", "par an"
    TOTAL = "total", "sur toute la période"


class Indicator(BaseModel):
    """What measures a commitment (or a strategy objective): a measure of the registry by its code, or a
    manual indicator whose values the secretariat enters per period. The code is kept as text: a code that
    is not registered at runtime (its app removed or not yet installed) shows « source non disponible »."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    kind = models.CharField("type", max_length=10, choices=IndicatorKind.choices)
    measure_code = models.CharField("mesure", max_length=80, blank=True)
    label = models.CharField("intitulé", max_length=200, blank=True)
    target = models.DecimalField("cible", max_digits=12, decimal_places=2, null=True, blank=True)
    target_basis = models.CharField(
        "la cible vaut", max_length=5, choices=TargetBasis.choices, default=TargetBasis.YEAR
    )
    # Computed over the owning party's own activity (Scope.organisation) rather than the whole département.
    party_only = models.BooleanField("activité de la partie seulement", default=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = "indicateur"
        constraints = [
            models.CheckConstraint(
                condition=Q(commitment__isnull=False, objective__isnull=True)
                | Q(commitment__isnull=True, objective__isnull=False),
                name="indicator_has_one_owner",
            ),
            models.CheckConstraint(
                condition=(Q(kind="measure") & ~Q(measure_code="")) | (Q(kind="manual") & ~Q(label="")),
                name="indicator_measure_has_code_manual_has_label",
            ),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(target__gte=0), name="indicator_target_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.label or self.measure_code


class ManualValue(BaseModel):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period_start = models.DateField("du")
    period_end = models.DateField("au")
    value = models.DecimalField("valeur", max_digits=12, decimal_places=2)
    note = models.CharField("précision", max_length=200, blank=True)

    class Meta:
        ordering = ["period_start"]
        verbose_name = "valeur saisie"
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="manual_value_period"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="manual_value_not_negative"),
            models.UniqueConstraint(fields=["indicator", "period_start"], name="manual_value_unique_start"),
        ]


class ReviewMeeting(BaseModel):
    """A review meeting of a convention (comité de suivi): who took part, the minutes, what was decided."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField("date de la réunion")
    participants = models.TextField("participants")
    minutes = models.TextField("compte rendu")
    decisions = models.TextField("décisions", blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on"]
        verbose_name = "réunion de suivi"

    def __str__(self) -> str:
        return f"Réunion de suivi du {self.held_on:%d/%m/%Y}"
