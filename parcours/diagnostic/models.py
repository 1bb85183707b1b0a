"""Diagnostic territorial: campaigns, surveyed structures, their answers and their lists of linkage keys.

No table here holds a name: a structure's list reaches the server as keyed pseudonymous keys (computed in
the structure's browser or with `parcours-linkage-keys`) and non-identifying attributes only.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from parcours.core.models import BaseModel, Departement, Membership, Organisation, User


class CampaignState(models.TextChoices):
    DRAFT = "draft", "En préparation"
    OPEN = "open", "Ouverte"
    CLOSED = "closed", "Close"


class Campaign(BaseModel):
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="diagnostic_campaigns"
    )
    code = models.CharField(
        "code de la campagne",
        max_length=30,
        help_text="Sert aussi au calcul des clés : les structures le saisissent avec la phrase secrète.",
    )
    title = models.CharField("intitulé", max_length=200)
    period_start = models.DateField("début de la période observée")
    period_end = models.DateField(
        "fin de la période observée", help_text="Les âges sont calculés à cette date (date de référence)."
    )
    deadline = models.DateField("date limite de réponse")
    message = models.TextField(
        "message aux structures",
        blank=True,
        max_length=2000,
        help_text="Joint à l'invitation. N'y mettez aucune information sur une personne.",
    )
    state = models.CharField(
        "état", max_length=10, choices=CampaignState.choices, default=CampaignState.DRAFT
    )
    opened_at = models.DateTimeField("ouverte le", null=True, blank=True)
    closed_at = models.DateTimeField("close le", null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # The secret phrase is generated in the secretariat's browser and never sent: the server records only
    # that one was generated, when and by whom (docs/diagnostic.md, « Phrase secrète »).
    phrase_generated_at = models.DateTimeField("phrase secrète générée le", null=True, blank=True)
    phrase_generated_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-period_end", "code"]
        verbose_name = "campagne de diagnostic"
        constraints = [
            models.UniqueConstraint(fields=["departement", "code"], name="diagnostic_campaign_unique_code"),
            models.CheckConstraint(condition=Q(period_start__lte=models.F("period_end")), name="diag_period"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def reference_date(self):
        return self.period_end

    @property
    def accepts_answers(self) -> bool:
        return self.state == CampaignState.OPEN


class Participant(BaseModel):
    """A surveyed structure: one of the département's organisations, or a structure of the free list."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="diagnostic_participations",
    )
    name = models.CharField("structure", max_length=200)
    email = models.EmailField("courriel de contact", blank=True)
    invited_at = models.DateTimeField("invitée le", null=True, blank=True)
    reminded_at = models.DateTimeField("relancée le", null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField("relances", default=0)
    answers = models.JSONField("réponses", default=dict, blank=True)
    answered_at = models.DateTimeField("a répondu le", null=True, blank=True)
    answered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name = "structure interrogée"
        verbose_name_plural = "structures interrogées"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="diag_participant_unique_name"),
            models.UniqueConstraint(
                fields=["campaign", "organisation"],
                condition=Q(organisation__isnull=False),
                name="diag_participant_unique_org",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_answered(self) -> bool:
        return self.answered_at is not None


class Invitation(BaseModel):
    """One invitation link of a surveyed structure. Only the SHA-256 of its token is stored: the clear token
    exists only in the e-mail that carries it (and on the secretariat's screen, once, when it issues one).

    At most one link per structure is live: issuing a new one (reminder, the secretariat's "new link")
    marks the previous one replaced. A live link expires with the campaign (see `rules.invitation_expiry`).
    """

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField("empreinte SHA-256 du jeton", max_length=64, unique=True, editable=False)
    replaced_at = models.DateTimeField("remplacé le", null=True, blank=True)
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "lien d'invitation"
        verbose_name_plural = "liens d'invitation"
        constraints = [
            models.UniqueConstraint(
                fields=["participant"], condition=Q(replaced_at__isnull=True), name="diag_one_live_invitation"
            ),
        ]

    def __str__(self) -> str:  # never the token, nor its hash
        return f"Lien d'invitation de {self.participant}"


class KeyList(BaseModel):
    """A structure's list, as keys: replaced as a whole when the structure sends it again.

    Its figures (rows, duplicates, rows set aside) outlive the keys: `services.freeze_linkage` deletes the
    campaign's records at closure and keeps these rows.
    """

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="key_list")
    scheme = models.CharField("schéma de clé", max_length=10, default="LK2")
    row_count = models.PositiveIntegerField("personnes")
    duplicate_count = models.PositiveIntegerField("doublons écartés", default=0)
    rows_set_aside = models.PositiveIntegerField(
        "lignes écartées",
        default=0,
        help_text="Lignes de la structure qui n'ont pas pu donner de clé (comptées sur son poste).",
    )
    set_aside_reasons = models.JSONField(
        "lignes écartées par motif", default=dict, blank=True, help_text="motif -> nombre de lignes"
    )
    sent_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "liste de clés"

    def __str__(self) -> str:
        return f"Liste de {self.participant}"


class AgeBand(models.TextChoices):
    # Same bands as parcours.diagnostic.linkage.AGE_BANDS (age at the campaign's reference date).
    LT18 = "lt18", "moins de 18 ans"
    A18_24 = "18_24", "18 à 24 ans"
    A25_34 = "25_34", "25 à 34 ans"
    A35_PLUS = "35_plus", "35 ans et plus"


class Sex(models.TextChoices):
    # Attribute codes of a keys file (linkage.sex_code); sex is in no LK2 key.
    MAN = "1", "Homme"
    WOMAN = "2", "Femme"
    OTHER = "9", "Autre ou non renseigné"


class LinkageRecord(models.Model):
    """One row of one structure's list: its LK2 keys, re-keyed by the server, and non-identifying attributes.

    `keys` holds the row's keys separated by spaces, in the order they were sent, each one
    HMAC-SHA-256(server key of the campaign, uploaded key) (`services.server_key`): the server key is derived
    from the blind-index master key, which lives outside the database, so neither a structure knowing the
    campaign's phrase nor a reader of the database alone can test an identity against these values.
    Every record of a campaign is deleted at its closure (`services.freeze_linkage`).
    """

    key_list = models.ForeignKey(KeyList, on_delete=models.CASCADE, related_name="records")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    keys = models.TextField("clés ré-chiffrées par le serveur")
    age_band = models.CharField("tranche d'âge", max_length=8, choices=AgeBand.choices)
    sex = models.CharField("sexe", max_length=1, choices=Sex.choices)
    online = models.BooleanField("repérée en ligne", default=False)

    class Meta:
        verbose_name = "ligne de rapprochement"
        verbose_name_plural = "lignes de rapprochement"

    def __str__(self) -> str:  # never shows a key
        return f"Ligne de rapprochement n° {self.pk}"

    @property
    def minor(self) -> bool:
        return self.age_band == AgeBand.LT18


class LinkageSnapshot(BaseModel):
    """What remains of a campaign's linkage once it is closed (`services.freeze_linkage`): the lists' figures
    and the number of people per capture pattern × age band × sex × online, never a key.

    `data` = {"version": 1,
              "lists": [{"code", "participant" (pk), "rows", "duplicates", "rows_set_aside", "reasons"}],
              "cells": [[pattern ("101": on L1 and L3), age band, sex, online, people], ...]}
    """

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="linkage_snapshot")
    data = models.JSONField("rapprochement figé")

    class Meta:
        verbose_name = "rapprochement figé à la clôture"

    def __str__(self) -> str:
        return f"Rapprochement figé de {self.campaign}"


class KeyListAction(models.TextChoices):
    SENT = "sent", "Liste envoyée"
    REPLACED = "replaced", "Liste remplacée"
    WITHDRAWN = "withdrawn", "Liste retirée"


class KeyListChannel(models.TextChoices):
    LINK = "link", "par le lien d'invitation de la structure"
    ACCOUNT = "account", "par un membre de l'organisation"
    UPGRADE = "upgrade", "par Parcours, au passage au schéma LK2 (la structure renvoie sa liste)"


class KeyListEvent(BaseModel):
    """The journal of a structure's list: each sending, replacement and withdrawal, with its figures.
    Shown to the secretariat only (the structure's page and the campaign's page)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="key_list_events")
    action = models.CharField("opération", max_length=10, choices=KeyListAction.choices)
    channel = models.CharField("par", max_length=10, choices=KeyListChannel.choices)
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    rows = models.PositiveIntegerField("personnes", default=0)
    rows_set_aside = models.PositiveIntegerField("lignes écartées", default=0)
    duplicates = models.PositiveIntegerField("doublons écartés", default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "opération sur une liste de clés"
        verbose_name_plural = "journal des listes de clés"

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.participant}"


class ReportState(models.TextChoices):
    COMPUTING = "computing", "Calcul en cours"
    READY = "ready", "Prêt, non publié"
    PUBLISHED = "published", "Publié"
    FAILED = "failed", "Calcul en échec"


class FrozenReport(BaseModel):
    """One version of a closed campaign's report: computed once in the background (BCa bootstrap), rendered
    and frozen as a generated document (page and PDF, sealed with its SHA-256), then published by the
    secretariat to the roles entitled. A correction makes a new version; earlier ones stay as they were."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="reports")
    version = models.PositiveSmallIntegerField("version")
    state = models.CharField(
        "état", max_length=10, choices=ReportState.choices, default=ReportState.COMPUTING
    )
    reason = models.CharField("motif", max_length=200)
    progress_done = models.PositiveIntegerField("réplications calculées", default=0)
    progress_total = models.PositiveIntegerField("réplications prévues", default=0)
    error = models.CharField("cause de l'échec", max_length=300, blank=True)
    # The secrecy threshold in force the day the version was computed (rules.secrecy_threshold): a later
    # version audits what this one published with it.
    threshold = models.PositiveSmallIntegerField("seuil de secret statistique", null=True, blank=True)
    document = models.OneToOneField(
        "documents.GeneratedDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The secretariat membership that closed the campaign or asked for the version: the background task acts
    # (freezes the document, writes the journal) in its name.
    requested_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField("publié le", null=True, blank=True)
    published_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-version"]
        verbose_name = "rapport figé"
        verbose_name_plural = "rapports figés"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "version"], name="diag_report_unique_version"),
            models.CheckConstraint(
                condition=~Q(state__in=["ready", "published"]) | Q(document__isnull=False),
                name="diag_report_done_has_document",
            ),
        ]

    def __str__(self) -> str:
        return f"Rapport {self.campaign.code} — version {self.version}"

    @property
    def stalled(self) -> bool:
        """Computing, but nothing has moved for `rules.REPORT_STALLED_AFTER` (its worker stopped)."""
        from django.utils import timezone

        from .rules import REPORT_STALLED_AFTER

        return self.state == ReportState.COMPUTING and timezone.now() - self.updated_at > REPORT_STALLED_AFTER
