"""The partners' collective actions, as counts only (never an identity): outreach rounds in the street or
online (*maraudes numériques*), prevention actions against the département's list of establishments, cross-
trainings of professionals and the sessions of the clients' awareness course (*stage de sensibilisation à la
lutte contre l'achat d'actes sexuels*, art. 131-16 9° and 131-35-1 of the code pénal, loi n° 2016-444).

Each record belongs to the organisation that ran the action (the partner); the secretariat sees every
record of its département. Consistency of the counts is checked by the services and again by database
constraints.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from parcours.core.models import BaseModel, Departement, Organisation, User
from parcours.referrals.models import PlatformType

# No count in a form can exceed this (a typing slip, not a real round).
MAX_COUNT = 100_000


class ActionQuerySet(models.QuerySet):
    def in_departement(self, departement):
        return self.filter(departement=departement)

    def of_year(self, year: int):
        return self.filter(held_on__year=year)


class ActionBase(BaseModel):
    """What every action shares: its département, the organisation that ran it, who recorded it, its date."""

    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="organisation"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField("date")

    objects = ActionQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-held_on", "-created_at"]


class OutreachKind(models.TextChoices):
    STREET = "street", "Maraude de rue"
    ONLINE = "online", "Maraude numérique"


class OutreachNeed(models.TextChoices):
    HEALTH = "health", "Santé"
    HOUSING = "housing", "Hébergement, logement"
    RIGHTS = "rights", "Accès aux droits"
    EXIT = "exit", "Sortie de la prostitution"
    SAFETY = "safety", "Mise en sécurité"
    EMPLOYMENT = "employment", "Emploi, formation"
    OTHER = "other", "Autre"


class OutreachRound(ActionBase):
    """One round (*maraude*): in the street (an area) or online (a platform type)."""

    kind = models.CharField("type de maraude", max_length=10, choices=OutreachKind.choices)
    duration_minutes = models.PositiveIntegerField("durée (minutes)")
    area = models.CharField("secteur", max_length=200, blank=True)
    platform_type = models.CharField(
        "type de plateforme", max_length=20, choices=PlatformType.choices, blank=True
    )
    ads_seen = models.PositiveIntegerField("annonces ou profils consultés", default=0)
    contacts = models.PositiveIntegerField("contacts établis", default=0)
    people_met = models.PositiveIntegerField("personnes rencontrées", default=0)
    minors_met = models.PositiveIntegerField("dont mineur·es (estimation)", default=0)
    needs = models.JSONField("besoins repérés", default=list, blank=True)
    referrals_made = models.PositiveIntegerField("orientations réalisées", default=0)
    reports_pharos = models.PositiveIntegerField("signalements à PHAROS", default=0)
    reports_platforms = models.PositiveIntegerField("signalements aux plateformes", default=0)

    class Meta(ActionBase.Meta):
        verbose_name = "maraude"
        constraints = [
            models.CheckConstraint(
                condition=Q(people_met__lte=F("contacts")), name="outreach_met_le_contacts"
            ),
            models.CheckConstraint(
                condition=Q(minors_met__lte=F("people_met")), name="outreach_minors_le_met"
            ),
            models.CheckConstraint(
                condition=Q(referrals_made__lte=F("people_met")), name="outreach_referrals_le_met"
            ),
            models.CheckConstraint(
                condition=Q(reports_pharos__lte=F("ads_seen")) & Q(reports_platforms__lte=F("ads_seen")),
                name="outreach_reports_le_ads",
            ),
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="outreach_duration_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} du {self.held_on:%d/%m/%Y}"

    @property
    def reports(self) -> int:
        return self.reports_pharos + self.reports_platforms

    def get_needs_display(self) -> str:
        labels = dict(OutreachNeed.choices)
        return ", ".join(labels.get(n, n) for n in self.needs) or "Aucun"


class EstablishmentKind(models.TextChoices):
    COLLEGE = "college", "Collège"
    LYCEE = "lycee", "Lycée"
    LP = "lp", "Lycée professionnel"
    CFA = "cfa", "Centre de formation d'apprentis"
    OTHER = "other", "Autre établissement"


class Establishment(BaseModel):
    """One establishment of the département's list, kept by the secretariat (prevention coverage)."""

    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("type", max_length=10, choices=EstablishmentKind.choices)
    name = models.CharField("nom", max_length=200)
    commune = models.CharField("commune", max_length=100)
    uai = models.CharField("code UAI", max_length=8, blank=True)
    active = models.BooleanField("dans la liste", default=True)

    class Meta:
        ordering = ["kind", "commune", "name"]
        verbose_name = "établissement"
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "kind", "name", "commune"], name="establishment_once_per_commune"
            ),
            models.UniqueConstraint(
                fields=["departement", "uai"], condition=~Q(uai=""), name="establishment_uai_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.commune})"


class Audience(models.TextChoices):
    PUPILS = "pupils", "Élèves"
    STAFF = "staff", "Personnels"
    PARENTS = "parents", "Parents"


class PreventionAction(ActionBase):
    """A prevention action in one or more establishments of the list, or for another public."""

    establishments = models.ManyToManyField(
        Establishment, blank=True, related_name="prevention_actions", verbose_name="établissements"
    )
    other_public = models.CharField("autre public", max_length=200, blank=True)
    audience = models.JSONField("public", default=list)
    people_reached = models.PositiveIntegerField("personnes touchées")
    theme = models.CharField("thème", max_length=200)

    class Meta(ActionBase.Meta):
        verbose_name = "action de prévention"
        constraints = [
            models.CheckConstraint(condition=Q(people_reached__gt=0), name="prevention_reached_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.theme} ({self.held_on:%d/%m/%Y})"

    def get_audience_display(self) -> str:
        labels = dict(Audience.choices)
        return ", ".join(labels.get(a, a) for a in self.audience)


# The professions counted at a cross-training: (field name, French label).
PROFESSIONS = (
    ("police", "Police nationale ou municipale"),
    ("gendarmerie", "Gendarmerie"),
    ("justice", "Justice"),
    ("education", "Éducation nationale"),
    ("health", "Santé"),
    ("social_work", "Travail social"),
    ("mission_locale", "Mission locale"),
    ("other", "Autre"),
)


class Training(ActionBase):
    """A cross-training of professionals (national plan of 15 November 2021: one in each département)."""

    title = models.CharField("intitulé", max_length=200)
    police = models.PositiveIntegerField("police nationale ou municipale", default=0)
    gendarmerie = models.PositiveIntegerField("gendarmerie", default=0)
    justice = models.PositiveIntegerField("justice", default=0)
    education = models.PositiveIntegerField("Éducation nationale", default=0)
    health = models.PositiveIntegerField("santé", default=0)
    social_work = models.PositiveIntegerField("travail social", default=0)
    mission_locale = models.PositiveIntegerField("mission locale", default=0)
    other = models.PositiveIntegerField("autre", default=0)
    total_attendees = models.PositiveIntegerField("participants")
    hours = models.DecimalField("durée (heures)", max_digits=5, decimal_places=1)

    class Meta(ActionBase.Meta):
        verbose_name = "formation croisée"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    total_attendees=F("police")
                    + F("gendarmerie")
                    + F("justice")
                    + F("education")
                    + F("health")
                    + F("social_work")
                    + F("mission_locale")
                    + F("other")
                ),
                name="training_total_is_sum",
            ),
            models.CheckConstraint(condition=Q(total_attendees__gt=0), name="training_attendees_positive"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d/%m/%Y})"

    def by_profession(self) -> list[tuple[str, int]]:
        return [(label, getattr(self, name)) for name, label in PROFESSIONS]


# Origins of a participant's obligation to attend the clients' course: (suffix, French label).
COURSE_ORIGINS = (
    ("alternative", "Alternative aux poursuites"),
    ("composition", "Composition pénale"),
    ("sentence", "Peine prononcée"),
)


class ClientCourseSession(ActionBase):
    """A session of the clients' awareness course, by the association that organises it."""

    ordered_alternative = models.PositiveIntegerField("convoqués : alternative aux poursuites", default=0)
    ordered_composition = models.PositiveIntegerField("convoqués : composition pénale", default=0)
    ordered_sentence = models.PositiveIntegerField("convoqués : peine prononcée", default=0)
    completed_alternative = models.PositiveIntegerField("ayant suivi : alternative aux poursuites", default=0)
    completed_composition = models.PositiveIntegerField("ayant suivi : composition pénale", default=0)
    completed_sentence = models.PositiveIntegerField("ayant suivi : peine prononcée", default=0)
    fee_euros = models.DecimalField(
        "coût pour chaque participant (€)", max_digits=7, decimal_places=2, null=True, blank=True
    )

    class Meta(ActionBase.Meta):
        verbose_name = "session de stage de sensibilisation"
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_alternative__lte=F("ordered_alternative"))
                & Q(completed_composition__lte=F("ordered_composition"))
                & Q(completed_sentence__lte=F("ordered_sentence")),
                name="course_completed_le_ordered",
            ),
            models.CheckConstraint(
                condition=Q(fee_euros__isnull=True) | Q(fee_euros__gte=0), name="course_fee_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"Stage du {self.held_on:%d/%m/%Y}"

    @property
    def ordered(self) -> int:
        return self.ordered_alternative + self.ordered_composition + self.ordered_sentence

    @property
    def completed(self) -> int:
        return self.completed_alternative + self.completed_composition + self.completed_sentence

    def by_origin(self) -> list[tuple[str, int, int]]:
        return [
            (label, getattr(self, f"ordered_{key}"), getattr(self, f"completed_{key}"))
            for key, label in COURSE_ORIGINS
        ]
