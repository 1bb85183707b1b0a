"""Detection (repérage) of minors and young adults by the partners, the child-protection route for minors
(information préoccupante to the CRIP, signalement to the prosecutor) and the referral of young adults to an
approved association, with their consent.

Identity is optional on a detection: when given it is encrypted at rest and searchable through keyed blind
indexes, as people are (docs/chiffrement.md). A detection is otherwise known by its pseudonym.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q

from parcours.core.crypto import (
    EncryptedDateField,
    EncryptedTextField,
    blind_index,
    field_label,
    name_prefixes,
    prefix_token,
)
from parcours.core.models import BaseModel, Departement, Organisation, User
from parcours.people.models import PSEUDONYM_ALPHABET, Sex


def new_detection_pseudonym(departement_code: str) -> str:
    """« 99-R-XXXXXX »: R for repérage, so that a detection's code is never mistaken for a person's."""
    return f"{departement_code}-R-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(6))


class AgeBand(models.TextChoices):
    UNDER_15 = "under_15", "Moins de 15 ans"
    FROM_15_TO_17 = "15_17", "15 à 17 ans"
    FROM_18_TO_21 = "18_21", "18 à 21 ans"
    FROM_22_TO_25 = "22_25", "22 à 25 ans"
    OVER_25 = "over_25", "Plus de 25 ans"


MINOR_AGE_BANDS = frozenset({AgeBand.UNDER_15, AgeBand.FROM_15_TO_17})


class PlaceType(models.TextChoices):
    STREET = "street", "Rue, espace public"
    HOTEL = "hotel", "Hôtel"
    SHORT_LET = "short_let", "Location meublée de courte durée"
    PRIVATE_HOME = "private_home", "Domicile privé"
    SCHOOL = "school", "Établissement scolaire ou de formation"
    PLACEMENT = "placement", "Lieu de placement (ASE, foyer)"
    ONLINE_ONLY = "online_only", "En ligne uniquement"
    OTHER = "other", "Autre"
    UNKNOWN = "unknown", "Inconnu"


class PlatformType(models.TextChoices):
    NONE = "none", "Aucune plateforme en ligne"
    SOCIAL_NETWORK = "social_network", "Réseau social"
    MESSAGING = "messaging", "Messagerie"
    AD_SITE = "ad_site", "Site d'annonces"
    DATING = "dating", "Site ou application de rencontre"
    CONTENT_PLATFORM = "content_platform", "Plateforme de contenus"
    OTHER = "other", "Autre"


class DetectionIndicator(BaseModel):
    """One indicator a partner may observe. The national list (departement null) comes from the national
    plan against the prostitution of minors (15 November 2021) and is seeded by a migration; a
    département's secretariat adds its own and can retire any from its list."""

    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, null=True, blank=True, related_name="detection_indicators"
    )
    code = models.SlugField("code", max_length=40)
    label = models.CharField("intitulé", max_length=200)
    order = models.PositiveSmallIntegerField("ordre", default=0)
    active = models.BooleanField("proposé dans le formulaire", default=True)

    class Meta:
        ordering = ["order", "label"]
        verbose_name = "signe d'alerte"
        verbose_name_plural = "signes d'alerte"
        constraints = [
            models.UniqueConstraint(fields=["departement", "code"], name="detection_indicator_code_once"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(departement__isnull=True), name="national_indicator_code_once"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class IndicatorRetirement(BaseModel):
    """A national indicator the département's secretariat no longer offers in its form (its own indicators
    are retired by their `active` flag). Detections that recorded it keep it."""

    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(DetectionIndicator, on_delete=models.PROTECT, related_name="retirements")
    retired_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "signe d'alerte national retiré"
        constraints = [
            models.UniqueConstraint(fields=["departement", "indicator"], name="indicator_retired_once"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} (retiré)"


# What a partner records on a detection, and may correct (the indicators apart): forms.DetectionForm's
# fields and services.update_detection's, in one place.
DETECTION_FIELDS = (
    "detected_on",
    "age_band",
    "birth_date",
    "sex",
    "place_type",
    "platform_type",
    "context",
    "actions_taken",
    "last_name",
    "first_name",
    "phone",
)


class DetectionState(models.TextChoices):
    OPEN = "open", "En cours"
    PROTECTED = "protected", "Transmise (protection de l'enfance)"
    REFERRED = "referred", "Orientée vers une association"
    CLOSED = "closed", "Close"


class Detection(BaseModel):
    """A partner's record that a young person may be in prostitution or at risk of it."""

    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="detections")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="detections", verbose_name="partenaire"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    pseudonym = models.CharField("code", max_length=14, unique=True, editable=False)
    detected_on = models.DateField("date du repérage")
    state = models.CharField(
        "état", max_length=12, choices=DetectionState.choices, default=DetectionState.OPEN
    )

    # Age: a band, or a birth date (encrypted) from which the band is derived. `is_minor` is stored so that
    # boards, scoping and statistics never decrypt a birth date.
    age_band = models.CharField("tranche d'âge", max_length=10, choices=AgeBand.choices)
    is_minor = models.BooleanField("mineur·e", editable=False)
    sex = models.CharField("sexe", max_length=1, choices=Sex.choices)

    # Optional identity: encrypted, searchable through keyed blind indexes.
    last_name = EncryptedTextField("nom", blank=True)
    first_name = EncryptedTextField("prénom", blank=True)
    birth_date = EncryptedDateField("date de naissance", blank=True, null=True)
    phone = EncryptedTextField("téléphone", blank=True)
    last_name_bidx = models.CharField(max_length=64, db_index=True, blank=True, editable=False)
    birth_date_bidx = models.CharField(max_length=64, db_index=True, blank=True, editable=False)

    indicators = models.ManyToManyField(DetectionIndicator, related_name="detections", verbose_name="signes")
    place_type = models.CharField("type de lieu", max_length=20, choices=PlaceType.choices)
    platform_type = models.CharField(
        "type de plateforme en ligne", max_length=20, choices=PlatformType.choices, default=PlatformType.NONE
    )
    # Free text about the young person: encrypted.
    context = EncryptedTextField("contexte", blank=True)
    actions_taken = EncryptedTextField("ce qui a été fait", blank=True)

    # A minor's detection leaves the boards once transmitted, or once the absence of transmission is
    # justified (e.g. already known to the CRIP, the situation was reported by someone else).
    no_transmission_reason = EncryptedTextField("motif de l'absence de transmission", blank=True)
    # Whether that reason was given, stored in clear (it says nothing of the young person) so that the board
    # and its list select the minors' detections awaiting a transmission in SQL, without decrypting.
    no_transmission_justified = models.BooleanField(
        "absence de transmission justifiée", default=False, editable=False
    )
    closed_on = models.DateField("close le", null=True, blank=True)
    closing_reason = models.CharField("motif de clôture", max_length=200, blank=True)

    class Meta:
        ordering = ["-detected_on", "-created_at"]
        verbose_name = "repérage"
        constraints = [
            models.CheckConstraint(
                condition=Q(is_minor=True, age_band__in=["under_15", "15_17"])
                | Q(is_minor=False) & ~Q(age_band__in=["under_15", "15_17"]),
                name="detection_minor_matches_age_band",
            ),
        ]

    def __str__(self) -> str:  # the pseudonym: safe wherever identity is not needed
        return self.pseudonym

    @property
    def has_identity(self) -> bool:
        return bool(self.last_name or self.first_name)

    @property
    def display_name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}".strip()

    def refresh_indexes(self) -> None:
        """Blind indexes of the optional identity (empty without one): called by services before save."""
        self.last_name_bidx = blind_index(self.last_name, label=DETECTION_LAST_NAME) if self.last_name else ""
        self.birth_date_bidx = (
            blind_index(self.birth_date, label=DETECTION_BIRTH_DATE) if self.birth_date else ""
        )
        if not self.pseudonym:
            self.pseudonym = new_detection_pseudonym(self.departement.code)

    def search_prefix_tokens(self) -> set[str]:
        prefixes = set().union(*(name_prefixes(n) for n in (self.last_name, self.first_name) if n))
        return {prefix_token(p, label=DETECTION_NAME_PREFIX) for p in prefixes}


DETECTION_LAST_NAME = field_label(Detection, "last_name")
DETECTION_BIRTH_DATE = field_label(Detection, "birth_date")
# The name-prefix tokens of a detection have a key of their own, distinct from people's
# (people.PERSON_NAME_PREFIX): a detection's token never matches a person's.
DETECTION_NAME_PREFIX = "referrals.detection.name_prefix"


class DetectionSearchToken(models.Model):
    """One keyed token of a normalised prefix of the detection's last or first name (as
    people.PersonSearchToken): the search by part of a name, without a name in clear."""

    detection = models.ForeignKey(Detection, on_delete=models.CASCADE, related_name="search_tokens")
    token = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["detection", "token"], name="one_search_token_per_detection")
        ]

    def __str__(self) -> str:  # a token says nothing by itself
        return self.token


class ProtectionReport(BaseModel):
    """What was transmitted about a minor: an information préoccupante to the département's CRIP
    (CASF L. 226-3), or a signalement to the prosecutor when the danger is serious and immediate
    (CASF L. 226-4), and the feedback received (CASF L. 226-5)."""

    class Kind(models.TextChoices):
        INFORMATION_PREOCCUPANTE = "ip", "Information préoccupante à la CRIP"
        SIGNALEMENT = "signalement", "Signalement au procureur de la République"

    class Feedback(models.TextChoices):
        EVALUATION = "evaluation", "Évaluation en cours"
        ADMINISTRATIVE = "administrative", "Mesure de protection administrative"
        JUDICIAL = "judicial", "Saisine de l'autorité judiciaire"
        NO_FOLLOW_UP = "no_follow_up", "Sans suite"
        OTHER = "other", "Autre"

    detection = models.ForeignKey(Detection, on_delete=models.PROTECT, related_name="protection_reports")
    kind = models.CharField("type de transmission", max_length=12, choices=Kind.choices)
    sent_on = models.DateField("envoyée le")
    recipient = models.CharField("destinataire", max_length=200)
    reference = models.CharField("référence", max_length=100, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    feedback_on = models.DateField("retour reçu le", null=True, blank=True)
    feedback = models.CharField("retour", max_length=16, choices=Feedback.choices, blank=True)
    feedback_notes = EncryptedTextField("précisions sur le retour", blank=True)

    class Meta:
        ordering = ["-sent_on", "-created_at"]
        verbose_name = "transmission de protection de l'enfance"
        constraints = [
            models.CheckConstraint(
                condition=Q(feedback_on__isnull=True, feedback="")
                | Q(feedback_on__isnull=False) & ~Q(feedback=""),
                name="protection_feedback_dated",
            ),
            models.CheckConstraint(
                condition=Q(feedback_on__isnull=True) | Q(feedback_on__gte=models.F("sent_on")),
                name="protection_feedback_after_sending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} du {self.sent_on:%d/%m/%Y}"


class ReferralState(models.TextChoices):
    PENDING = "pending", "En attente de réponse de l'association"
    ACCEPTED = "accepted", "Acceptée"
    DECLINED = "declined", "Déclinée"
    WITHDRAWN = "withdrawn", "Retirée"


class Referral(BaseModel):
    """A young adult referred, with their recorded consent, to an association holding a valid agrément.
    The association sees only what the referral needs (age band, sex, indicators, the partner's message,
    and the contact details the young person agreed to pass on)."""

    detection = models.ForeignKey(Detection, on_delete=models.PROTECT, related_name="referrals")
    association = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_received", verbose_name="association"
    )
    consent_given_on = models.DateField("consentement recueilli le")
    referred_on = models.DateField("orientée le")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    message = EncryptedTextField("message à l'association", blank=True)
    # The young person agreed that their name and phone be passed on to the association.
    share_contact = models.BooleanField(
        "la personne accepte que ses coordonnées soient transmises", default=False
    )
    state = models.CharField(
        "état", max_length=10, choices=ReferralState.choices, default=ReferralState.PENDING
    )
    answered_on = models.DateField("réponse le", null=True, blank=True)
    decline_reason = models.CharField("motif du refus", max_length=300, blank=True)
    first_contact_on = models.DateField("premier contact le", null=True, blank=True)
    accompaniment_started_on = models.DateField("accompagnement commencé le", null=True, blank=True)
    # The person's file the association opened from the referral (no retyping).
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    # Withdrawn by the referring partner (or the secretariat) before any accompaniment: the young person
    # changed their mind, moved... The reason is about the young person: encrypted.
    withdrawn_on = models.DateField("retirée le", null=True, blank=True)
    withdrawal_reason = EncryptedTextField("motif du retrait", blank=True)
    withdrawn_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-referred_on", "-created_at"]
        verbose_name = "orientation"
        constraints = [
            models.CheckConstraint(
                condition=Q(referred_on__gte=models.F("consent_given_on")), name="referral_after_consent"
            ),
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(decline_reason=""), name="referral_decline_has_reason"
            ),
            # A referral accepted and contacted may still be withdrawn before the accompaniment starts.
            models.CheckConstraint(
                condition=Q(first_contact_on__isnull=True) | Q(state__in=["accepted", "withdrawn"]),
                name="referral_contact_after_acceptance",
            ),
            models.CheckConstraint(
                condition=Q(
                    state="withdrawn", withdrawn_on__isnull=False, accompaniment_started_on__isnull=True
                )
                | ~Q(state="withdrawn") & Q(withdrawn_on__isnull=True),
                name="referral_withdrawal_dated_before_accompaniment",
            ),
        ]

    def __str__(self) -> str:
        return f"Orientation du {self.referred_on:%d/%m/%Y}"
