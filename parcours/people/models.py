"""The accompanied person: encrypted identity, pseudonymous code, consents, shares, follow-up notes."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q

from parcours.core.crypto import EncryptedDateField, EncryptedTextField, blind_index, field_label
from parcours.core.models import BaseModel, Departement, Organisation, User

PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_pseudonym(departement_code: str) -> str:
    return f"{departement_code}-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(6))


class Sex(models.TextChoices):
    FEMALE = "F", "Femme"
    MALE = "M", "Homme"
    OTHER = "X", "Autre / non précisé"


class NationalityGroup(models.TextChoices):
    FRENCH = "french", "Française"
    EU = "eu", "Union européenne (hors France)"
    NON_EU = "non_eu", "Hors Union européenne"
    UNKNOWN = "unknown", "Apatride ou inconnue"


class Housing(models.TextChoices):
    NONE = "none", "Sans hébergement"
    EMERGENCY = "emergency", "Hébergement d'urgence"
    THIRD_PARTY = "third_party", "Hébergé·e par un tiers"
    SOCIAL = "social", "Hébergement social ou logement accompagné"
    OWN = "own", "Logement autonome"


class Resources(models.TextChoices):
    NONE = "none", "Aucune ressource"
    BENEFITS = "benefits", "Prestations sociales"
    WORK = "work", "Revenus du travail"
    OTHER = "other", "Autres ressources"


class HealthCoverage(models.TextChoices):
    NONE = "none", "Aucune"
    AME = "ame", "Aide médicale de l'État"
    PUMA = "puma", "Protection universelle maladie"
    CSS = "css", "Complémentaire santé solidaire"
    PENDING = "pending", "Demande en cours"


class AdministrativeStatus(models.TextChoices):
    FRENCH_EU = "french_eu", "Française ou ressortissante de l'UE"
    RESIDENCE_PERMIT = "permit", "Titre de séjour"
    APS = "aps", "Autorisation provisoire de séjour"
    ASYLUM = "asylum", "Demande d'asile en cours"
    UNDOCUMENTED = "undocumented", "Sans titre de séjour"


class PersonQuerySet(models.QuerySet):
    def search(self, *, last_name: str = "", birth_date=None):
        """Exact search through blind indexes (names of the person and of their aliases)."""
        qs = self
        if last_name:
            # Each field has its own index key: the name is hashed once per field it is looked up in.
            qs = qs.filter(
                Q(last_name_bidx=blind_index(last_name, label=PERSON_LAST_NAME))
                | Q(aliases__name_bidx=blind_index(last_name, label=ALIAS_NAME))
            )
        if birth_date:
            qs = qs.filter(birth_date_bidx=blind_index(birth_date, label=PERSON_BIRTH_DATE))
        return qs.distinct()


class Person(BaseModel):
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="people")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="people", verbose_name="association référente"
    )
    pseudonym = models.CharField("code pseudonyme", max_length=12, unique=True, editable=False)

    # Identity and contact: encrypted at rest.
    last_name = EncryptedTextField("nom de naissance")
    first_name = EncryptedTextField("prénom")
    usual_name = EncryptedTextField("nom d'usage", blank=True)
    birth_date = EncryptedDateField("date de naissance")
    nationality = EncryptedTextField("nationalité", blank=True)
    languages = EncryptedTextField("langues parlées", blank=True)
    phone = EncryptedTextField("téléphone", blank=True)
    email = EncryptedTextField("courriel", blank=True)
    address = EncryptedTextField("adresse ou domiciliation", blank=True)
    last_name_bidx = models.CharField(max_length=64, db_index=True, editable=False)
    birth_date_bidx = models.CharField(max_length=64, db_index=True, editable=False)

    # Situation: coded, for follow-up and statistics.
    sex = models.CharField("sexe", max_length=1, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField("année de naissance", editable=False)
    nationality_group = models.CharField(
        "groupe de nationalité", max_length=10, choices=NationalityGroup.choices
    )
    housing = models.CharField("hébergement", max_length=20, choices=Housing.choices)
    resources = models.CharField("ressources", max_length=20, choices=Resources.choices)
    health_coverage = models.CharField("couverture maladie", max_length=20, choices=HealthCoverage.choices)
    administrative_status = models.CharField(
        "situation administrative", max_length=20, choices=AdministrativeStatus.choices
    )
    children = models.PositiveSmallIntegerField("enfants à charge", default=0)
    situation_notes = EncryptedTextField("précisions sur la situation", blank=True)

    is_sensitive = models.BooleanField(
        "dossier sensible",
        default=False,
        help_text="Menace connue de la part d'exploiteurs : le dossier est masqué des recherches "
        "et chaque accès est signalé au secrétariat.",
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "personne accompagnée"
        verbose_name_plural = "personnes accompagnées"

    def __str__(self) -> str:  # the pseudonym: safe wherever identity is not needed
        return self.pseudonym

    @property
    def display_name(self) -> str:
        name = f"{self.last_name.upper()} {self.first_name}"
        return f"{name} (dit·e {self.usual_name})" if self.usual_name else name

    @property
    def is_foreign_national(self) -> bool:
        return self.nationality_group in (NationalityGroup.NON_EU, NationalityGroup.UNKNOWN)

    def refresh_indexes(self) -> None:
        """Blind indexes and coded fields derived from the identity (called by services before save)."""
        self.last_name_bidx = blind_index(self.last_name, label=PERSON_LAST_NAME)
        self.birth_date_bidx = blind_index(self.birth_date, label=PERSON_BIRTH_DATE)
        self.birth_year = self.birth_date.year
        if not self.pseudonym:
            self.pseudonym = new_pseudonym(self.departement.code)


class PersonAlias(BaseModel):
    class Kind(models.TextChoices):
        ALIAS = "alias", "Alias"
        USUAL = "usual", "Nom d'usage ou prénom d'usage"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    kind = models.CharField("type", max_length=10, choices=Kind.choices, default=Kind.ALIAS)
    name = EncryptedTextField("nom")
    name_bidx = models.CharField(max_length=64, db_index=True, editable=False)

    class Meta:
        ordering = ["created_at"]
        verbose_name = "alias"


# Labels of the blind indexes (their keys are derived from them: see parcours.core.crypto).
PERSON_LAST_NAME = field_label(Person, "last_name")
PERSON_BIRTH_DATE = field_label(Person, "birth_date")
ALIAS_NAME = field_label(PersonAlias, "name")


class ConsentPurpose(models.TextChoices):
    ACCOMPANIMENT = "accompaniment", "Accompagnement par l'association"
    PSP_REQUEST = "psp_request", "Demande de parcours de sortie"
    SHARING = "sharing", "Partage avec un partenaire nommé"


class ConsentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_on__isnull=True)


class Consent(BaseModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField("finalité", max_length=20, choices=ConsentPurpose.choices)
    partner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="partenaire",
    )
    given_on = models.DateField("recueilli le")
    withdrawn_on = models.DateField("retiré le", null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    withdrawn_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_on"]
        verbose_name = "consentement"
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose="sharing", partner__isnull=False)
                | (~Q(purpose="sharing") & Q(partner__isnull=True)),
                name="consent_partner_iff_sharing",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        label = self.get_purpose_display()
        return f"{label} — {self.partner}" if self.partner_id else label


class ShareQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class Share(BaseModel):
    """The person's file made visible to a named partner, under a sharing consent."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="shares")
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="shares_received")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="shares")
    shared_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("objet du partage", max_length=200)
    revoked_at = models.DateTimeField("fin du partage", null=True, blank=True)
    flagged_after_withdrawal = models.BooleanField("signalé après retrait du consentement", default=False)

    objects = ShareQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "partage"


class FollowUpNote(BaseModel):
    """A dated follow-up note (entretien). Visible to the accompanying association only."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", "Entretien"
        PHONE = "phone", "Entretien téléphonique"
        ESCORT = "escort", "Accompagnement physique"
        OUTREACH = "outreach", "Rencontre en maraude"
        OTHER = "other", "Autre"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notes")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    date = models.DateField("date")
    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.INTERVIEW)
    text = EncryptedTextField("compte rendu")

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = "note de suivi"
