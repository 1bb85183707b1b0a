"""Tenant, organisations, users and memberships, audit events and dated rule settings."""

from __future__ import annotations

import uuid

import pgtrigger
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .roles import ASSOCIATION_ROLES, Role
from .sql_shapes import fixed_shape


class BaseModel(models.Model):
    """Timestamps and a public opaque id for URLs (no sequential id ever leaves the server)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        abstract = True


class Departement(BaseModel):
    """The tenant: every domain table carries its département."""

    code = models.CharField("code", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = "département"

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class OrganisationKind(models.TextChoices):
    PREFECTURE = "prefecture", "Préfecture"
    ASSOCIATION = "association", "Association"
    MISSION_LOCALE = "mission_locale", "Mission locale"
    CHILD_WELFARE = "child_welfare", "Aide sociale à l'enfance"
    POLICE = "police", "Police nationale"
    GENDARMERIE = "gendarmerie", "Gendarmerie nationale"
    JUSTICE = "justice", "Justice"
    HEALTH = "health", "Santé"
    IMMIGRATION = "immigration", "Service des étrangers"
    NATIONAL = "national", "Administration centrale"
    OTHER = "other", "Autre"


class OrganisationQuerySet(models.QuerySet):
    def in_departement(self, departement):
        return self.filter(departement=departement)


class Organisation(BaseModel):
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="organisations")
    kind = models.CharField("type", max_length=20, choices=OrganisationKind.choices)
    name = models.CharField("nom", max_length=200)
    address = models.CharField("adresse", max_length=300, blank=True)
    email = models.EmailField("courriel de contact", blank=True)
    active = models.BooleanField("active", default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "organisation"
        constraints = [
            models.UniqueConstraint(fields=["departement", "name"], name="organisation_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_association(self) -> bool:
        return self.kind == OrganisationKind.ASSOCIATION


class User(AbstractUser):
    """A local account. Identity of staff, not of accompanied people."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = "utilisateur"

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True, organisation__active=True, user__is_active=True)


class Membership(BaseModel):
    """A user acts for one organisation with one role."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("rôle", max_length=30, choices=Role.choices)
    active = models.BooleanField("active", default=True)
    # A grant held for confirmation (roles.GRANTS_NEEDING_CONFIRMATION, requested by an administrator):
    # inactive until someone else confirms it (services.decide_membership).
    pending = models.BooleanField("en attente de confirmation", default=False)
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="demandé par"
    )
    requested_at = models.DateTimeField("demandé le", null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="décidé par"
    )
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "role"]
        verbose_name = "rattachement"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique"),
            models.CheckConstraint(
                condition=~Q(pending=True, active=True), name="membership_pending_is_inactive"
            ),
            models.CheckConstraint(
                condition=Q(pending=False) | Q(requested_by__isnull=False, requested_at__isnull=False),
                name="membership_pending_has_requester",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_role_display()}"

    @property
    def departement(self) -> Departement:
        return self.organisation.departement

    def clean(self):
        if self.role in ASSOCIATION_ROLES and self.organisation_id and not self.organisation.is_association:
            raise ValidationError({"role": "Ce rôle est réservé aux membres d'une association."})


class AuditAction(models.TextChoices):
    VIEW = "view", "Consultation"
    SEARCH = "search", "Recherche"
    DOWNLOAD = "download", "Téléchargement"
    CREATE = "create", "Création"
    UPDATE = "update", "Modification"
    TRANSITION = "transition", "Changement d'état"
    SHARE = "share", "Partage"
    LOGIN = "login", "Connexion"
    KEY_ROTATION = "key_rotation", "Rotation des clés"
    LOGOUT = "logout", "Déconnexion"
    LOGIN_FAILED = "login_failed", "Échec de connexion"
    ROLE_CHANGE = "role_change", "Changement de rôle"
    GRANT_REQUEST = "grant_request", "Demande d'habilitation"
    GRANT_CONFIRM = "grant_confirm", "Habilitation confirmée"
    GRANT_REFUSE = "grant_refuse", "Habilitation refusée"
    PASSWORD_SET = "password_set", "Mot de passe défini"
    PASSWORD_RESET = "password_reset", "Lien de mot de passe envoyé"
    REFUSED = "refused", "Accès refusé"


@pgtrigger.register(
    pgtrigger.Protect(name="audit_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
)
class AuditEvent(models.Model):
    """Append-only record of who read or changed what. Never holds an identity, only opaque ids."""

    # The account, organisation and département an event names are kept by the application's PROTECT (a
    # deletion of one that has events is refused), not by a key constraint of the database: the journal is
    # append-only and no row of it changes afterwards, and the constraint checked each event's three keys
    # with a row lock on each referenced row at every commit — a list page journals 25 people, 75 checks,
    # a third of what PostgreSQL spent on the page (migration 0010, docs/audit.md).
    at = models.DateTimeField("date", default=timezone.now, db_index=True)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, null=True, blank=True, db_constraint=False
    )
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, db_constraint=False)
    role = models.CharField("rôle", max_length=30, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, db_constraint=False
    )
    action = models.CharField("action", max_length=20, choices=AuditAction.choices)
    object_type = models.CharField("type d'objet", max_length=50, blank=True)
    object_id = models.CharField("identifiant de l'objet", max_length=64, blank=True, db_index=True)
    detail = models.CharField("détail", max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = "événement d'audit"
        # The journal page reads a département's latest events (most recent first).
        indexes = [models.Index(fields=["departement", "at"], name="audit_departement_at")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_type} {self.object_id}".strip()

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Un événement d'audit ne peut pas être modifié.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Un événement d'audit ne peut pas être supprimé.")


class AuditLink(models.Model):
    """The audit journal as a hash chain (parcours.core.audit_chain, docs/audit.md « Journal scellé »).

    Each event, once chained, has one link; `digest` = SHA-256 of the previous link's digest and of the
    event's canonical text. Rewriting an event, removing one, or inserting one into the past breaks the chain
    from that point, which `manage.py verify_audit` finds and names. Links are append-only like the events.
    `position` is the chain's order (the order the chainer met the events: an event of a transaction that
    committed late is chained late, never skipped)."""

    position = models.BigAutoField(primary_key=True)
    # No foreign-key constraint in the database: on PostgreSQL both tables are partitioned by month (a key
    # into a partitioned table must hold its partition key), and the audit purge drops a month of events
    # and its links together (parcours.core.audit_purge, ADR 0017).
    event = models.OneToOneField(
        AuditEvent, on_delete=models.PROTECT, related_name="link", db_constraint=False
    )
    # The event's own date: the partition key of the links, so that a month's links go with its events.
    event_at = models.DateTimeField(db_index=True)
    digest = models.CharField(max_length=64)
    chained_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "maillon du journal d'audit"

    def __str__(self) -> str:
        return f"maillon {self.position}"


class AuditSeal(models.Model):
    """A day's seal: the chain's last digest at the end of the day, signed (Ed25519) with a key the database
    never holds, also appended to a file outside the database (PARCOURS_AUDIT_SEAL_DIR). Append-only."""

    day = models.DateField(unique=True)
    position = models.BigIntegerField()  # the last link it covers
    digest = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)  # hex
    key_id = models.CharField(max_length=16)  # fingerprint of the public key
    sealed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day"]
        verbose_name = "sceau du journal d'audit"

    def __str__(self) -> str:
        return f"sceau du {self.day:%d/%m/%Y}"


class AuditAnchor(models.Model):
    """Where the chain starts again after a purge of the journal (ADR 0017): a link kept whose predecessor
    was purged, with the predecessor's digest, signed with the seal key (Ed25519) and appended to the seal
    directory's anchor file. `verify_audit` takes the chain up from here: what remains still verifies, and
    anything removed or rewritten in it is still found. Append-only."""

    purged_before = models.DateTimeField()  # every event before this instant was purged
    position = models.BigIntegerField()  # the first kept link after a purged one
    previous_digest = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)  # hex
    key_id = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position"]
        verbose_name = "ancre du journal d'audit"
        constraints = [models.UniqueConstraint(fields=["position"], name="audit_anchor_one_per_link")]

    def __str__(self) -> str:
        return f"ancre au maillon {self.position}"


class RuleSettingQuerySet(models.QuerySet):
    def in_force(self, key: str, day) -> RuleSetting | None:
        """The row of `key` in force on `day` (the latest effective on or before it), or None."""
        # Read by many pages (thresholds, amounts): the compiled SQL kept (core.sql_shapes).
        return fixed_shape(self.filter(key=key, effective_from__lte=day).order_by("-effective_from")).first()


class RuleSetting(models.Model):
    """A rule whose value is still to be confirmed against the text: dated, sourced, editable.

    `rules.py` modules hold the default values; rows here override them from their effective date.
    """

    key = models.CharField("règle", max_length=60)
    effective_from = models.DateField("en vigueur à partir du")
    value = models.JSONField("valeur")
    source = models.CharField("source", max_length=300)
    confirmed = models.BooleanField("vérifiée sur le texte", default=False)

    objects = RuleSettingQuerySet.as_manager()

    class Meta:
        ordering = ["key", "-effective_from"]
        verbose_name = "règle datée"
        constraints = [models.UniqueConstraint(fields=["key", "effective_from"], name="rulesetting_unique")]

    def __str__(self) -> str:
        return f"{self.key} au {self.effective_from:%d/%m/%Y}"


class Alert(BaseModel):
    """An alert to the secretariat (e.g. access to a sensitive person's file). No identity in the text."""

    class Kind(models.TextChoices):
        SENSITIVE_ACCESS = "sensitive_access", "Accès à un dossier sensible"
        SHARED_AFTER_WITHDRAWAL = "shared_after_withdrawal", "Partage antérieur à un retrait de consentement"
        GRANT_REQUESTED = "grant_requested", "Habilitation demandée"
        GRANT_CONFIRMED = "grant_confirmed", "Habilitation confirmée"
        GRANT_REFUSED = "grant_refused", "Habilitation refusée"
        READS_ANOMALY = "reads_anomaly", "Lectures de dossiers inhabituelles"
        RETENTION_REPORT = "retention_report", "Durées de conservation appliquées"

    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField("type", max_length=40, choices=Kind.choices)
    message = models.CharField("message", max_length=300)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    acknowledged_at = models.DateTimeField("traitée le", null=True, blank=True)
    acknowledged_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "alerte"
        indexes = [models.Index(fields=["departement", "acknowledged_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(acknowledged_by__isnull=False),
                name="alert_ack_has_user",
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()
