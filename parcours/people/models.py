"""The accompanied person: encrypted identity, pseudonymous code, consents, shares, follow-up notes."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q

from parcours.core.crypto import (
    NAME_PREFIX_MAX_LETTERS,
    NAME_PREFIX_MIN_LETTERS,
    EncryptedDateField,
    EncryptedTextField,
    blind_index,
    field_label,
    name_prefixes,
    name_words,
    prefix_token,
)
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


class DocumentLanguage(models.TextChoices):
    """The languages Parcours has the person's documents in (parcours.people.translations), French first."""

    FRENCH = "fr", "Français"
    ENGLISH = "en", "Anglais"
    SPANISH = "es", "Espagnol"
    ROMANIAN = "ro", "Roumain"
    NIGERIAN_PIDGIN = "pcm", "Pidgin nigérian"
    CHINESE = "zh", "Chinois (mandarin, écriture simplifiée)"
    PORTUGUESE = "pt", "Portugais"
    OTHER = "other", "Autre langue (pas de document traduit : interprète)"


class PersonQuerySet(models.QuerySet):
    def pseudonyms_only(self):
        """Every encrypted field deferred: for pages that name people by their code only (each decrypted
        field costs a decryption per row, on every load)."""
        return self.defer(*IDENTITY_FIELDS)

    def names_only(self):
        """Only the encrypted names loaded (for `display_name`), the rest of the identity deferred."""
        return self.defer(*(name for name in IDENTITY_FIELDS if name not in NAME_FIELDS))

    def search(self, *, last_name: str = "", birth_date=None):
        """Exact search through blind indexes (names of the person and of their aliases)."""
        qs = self
        if last_name:
            # Each field has its own index key: the name is hashed once per field it is looked up in. The
            # people found by their name or by an alias: a UNION of two lookups, each through its index (an OR
            # across the aliases' join would read every person of the scope, then de-duplicate them).
            by_name = Person.objects.filter(last_name_bidx=blind_index(last_name, label=PERSON_LAST_NAME))
            by_alias = PersonAlias.objects.filter(name_bidx=blind_index(last_name, label=ALIAS_NAME))
            qs = qs.filter(
                pk__in=by_name.order_by().values("pk").union(by_alias.order_by().values("person_id"))
            )
        if birth_date:
            qs = qs.filter(birth_date_bidx=blind_index(birth_date, label=PERSON_BIRTH_DATE))
        return qs

    def search_name(self, text: str, *, limit: int | None = None):
        """Search by part of a name, without accents: every word of `text` (3 letters or more) must begin one
        of the words of the person's names (birth name, first name, usual name, aliases). Each word is
        looked up through its keyed prefix token (at most NAME_PREFIX_MAX_LETTERS letters); for a longer
        word, the candidates' decrypted names are checked in memory. A text without a word of 3 letters
        falls back on the exact search. Returns a list."""
        words = [w for w in name_words(text) if len(w) >= NAME_PREFIX_MIN_LETTERS]
        if not words:
            qs = self.search(last_name=text) if text.strip() else self
            return list(qs[:limit] if limit else qs)
        qs = self
        for word in words:
            token = prefix_token(word[:NAME_PREFIX_MAX_LETTERS], label=PERSON_NAME_PREFIX)
            qs = qs.filter(pk__in=PersonSearchToken.objects.filter(token=token).values("person_id"))
        long_words = [w for w in words if len(w) > NAME_PREFIX_MAX_LETTERS]
        if not long_words:
            return list(qs[:limit] if limit else qs)
        candidates = list(qs.prefetch_related("aliases"))
        return [
            p for p in candidates if all(any(n.startswith(w) for n in p.name_words()) for w in long_words)
        ]


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
    # The language of the documents given to the person (parcours.people.translations) and whether an
    # interpreter is needed: coded, to choose the translated documents (docs/langues.md).
    document_language = models.CharField(
        "langue des documents remis", max_length=10, choices=DocumentLanguage.choices, default="fr"
    )
    needs_interpreter = models.BooleanField("besoin d'un interprète", default=False)
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
    # A record merged by the secretariat into the one that is kept: its consents, notes, pathways and aliases
    # were moved there; the record stays (its own history and audit trail), hidden from lists and searches.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_records", editable=False
    )
    merged_at = models.DateTimeField("fusionnée le", null=True, blank=True, editable=False)

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

    def search_prefix_tokens(self) -> set[str]:
        """The keyed tokens of every name prefix of the person (what PersonSearchToken stores)."""
        names = [self.last_name, self.first_name, self.usual_name, *(a.name for a in self.aliases.all())]
        prefixes = set().union(*(name_prefixes(n) for n in names))
        return {prefix_token(p, label=PERSON_NAME_PREFIX) for p in prefixes}

    def name_words(self) -> set[str]:
        """The normalised words of every name of the person (birth, first, usual name and aliases)."""
        names = [self.last_name, self.first_name, self.usual_name, *(a.name for a in self.aliases.all())]
        words = set()
        for name in names:
            parts = name_words(name)
            words.update(parts)
            if len(parts) > 1:
                words.add("".join(parts))
        return words


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


class IdentityDocument(BaseModel):
    """The person's identity document, or why it is unavailable and what stands in for it. Passports are often
    held by exploiters: nobody is kept out of a pathway by paperwork (issue 14, item 6)."""

    class Kind(models.TextChoices):
        PASSPORT = "passport", "Passeport"
        ID_CARD = "id_card", "Carte nationale d'identité"
        RESIDENCE_PERMIT = "residence_permit", "Titre de séjour"
        OTHER = "other", "Autre pièce"

    class Motive(models.TextChoices):
        HELD = "held", "Retenue par un tiers (exploiteur, réseau)"
        LOST = "lost", "Perdue"
        STOLEN = "stolen", "Volée"
        NEVER_HAD = "never_had", "Jamais délivrée"
        OTHER = "other", "Autre motif"

    class Substitute(models.TextChoices):
        NONE = "", "Aucune pour le moment"
        LOSS_DECLARATION = "loss_declaration", "Déclaration de perte"
        POLICE_RECEIPT = "police_receipt", "Récépissé de dépôt de plainte ou de déclaration de vol"
        CONSULAR_CERTIFICATE = "consular_certificate", "Attestation consulaire"
        OTHER = "other", "Autre document"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identity_documents")
    kind = models.CharField("pièce", max_length=20, choices=Kind.choices)
    available = models.BooleanField("la personne dispose de la pièce", default=True)
    unavailable_motive = models.CharField(
        "motif d'indisponibilité", max_length=12, choices=Motive.choices, blank=True
    )
    substitute = models.CharField(
        "document de substitution", max_length=24, choices=Substitute.choices, blank=True
    )
    # Numbers and free text identify the person: encrypted.
    number = EncryptedTextField("numéro", blank=True)
    details = EncryptedTextField("précisions", blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "pièce d'identité"
        constraints = [
            models.CheckConstraint(
                condition=Q(available=True, unavailable_motive="", substitute="")
                | (Q(available=False) & ~Q(unavailable_motive="")),
                name="identity_document_unavailable_has_motive",
            ),
        ]

    @property
    def status_label(self) -> str:
        if self.available:
            return "Disponible"
        label = f"Indisponible : {self.get_unavailable_motive_display().lower()}"
        return f"{label} — substitut : {self.get_substitute_display().lower()}" if self.substitute else label


class PersonSearchToken(models.Model):
    """One keyed token of a normalised name prefix of a person (see parcours.core.crypto.name_prefixes):
    the set of a person's tokens, without saying which name each comes from."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="search_tokens")
    token = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "token"], name="one_search_token_per_person")
        ]

    def __str__(self) -> str:  # a token says nothing by itself
        return self.token


# The encrypted fields of a person, and those `display_name` reads.
IDENTITY_FIELDS = tuple(
    f.name for f in Person._meta.concrete_fields if isinstance(f, EncryptedTextField | EncryptedDateField)
)
NAME_FIELDS = ("last_name", "first_name", "usual_name")


def identity_deferred(path: str) -> list[str]:
    """For `.defer()` on a queryset that loads the person at `path` (e.g. "pathway__person") with
    select_related, to show only its pseudonym: none of its encrypted fields is read nor decrypted."""
    return [f"{path}__{name}" for name in IDENTITY_FIELDS]


# Labels of the blind indexes (their keys are derived from them: see parcours.core.crypto).
PERSON_LAST_NAME = field_label(Person, "last_name")
# The prefix tokens of every name of a person share one key (a label of their own, not a field's).
PERSON_NAME_PREFIX = "people.person.name_prefix"

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


# --- Languages and interpreting (docs/langues.md) ---------------------------------------------------------


class InterpretingOccasion(models.TextChoices):
    CONSENT = "consent", "Recueil du consentement"
    COMMITMENT = "commitment", "Signature des engagements du parcours"
    NOTIFICATION = "notification", "Remise de la notification d'une décision"
    INTERVIEW = "interview", "Entretien de suivi"
    OTHER = "other", "Autre"


class InterpretingMode(models.TextChoices):
    IN_PERSON = "in_person", "Sur place"
    PHONE = "phone", "Par téléphone"
    VIDEO = "video", "Par visioconférence"


class InterpretingSession(BaseModel):
    """An interpreter present at a moment of the accompaniment: who (named, encrypted), in which language, for
    what (consent, commitments, notification...), and its cost for the association's funding reports."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="interpreting_sessions")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="association"
    )
    day = models.DateField("date")
    occasion = models.CharField("moment", max_length=20, choices=InterpretingOccasion.choices)
    consent = models.ForeignKey(
        Consent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interpreting_sessions",
        verbose_name="consentement recueilli",
    )
    language = EncryptedTextField("langue interprétée")
    interpreter = EncryptedTextField("interprète (nom et, le cas échéant, service)")
    mode = models.CharField("modalité", max_length=10, choices=InterpretingMode.choices)
    duration_minutes = models.PositiveSmallIntegerField("durée (minutes)")
    cost = models.DecimalField("coût (€)", max_digits=8, decimal_places=2, default=0)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-day", "-created_at"]
        verbose_name = "séance d'interprétariat"
        verbose_name_plural = "séances d'interprétariat"
        constraints = [
            models.CheckConstraint(condition=Q(cost__gte=0), name="interpreting_cost_not_negative"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0), name="interpreting_duration_positive"
            ),
            models.CheckConstraint(
                condition=Q(consent__isnull=True) | Q(occasion="consent"),
                name="interpreting_consent_only_at_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} le {self.day:%d/%m/%Y}"
