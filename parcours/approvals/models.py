"""Agrément of associations (R. 121-12-2/3 CASF): the application file, its instruction, and the agrément.

`Agrement` is the granted agrément (the prefect's arrêté, or a tacit approval) with its validity dates;
`AgrementApplication` is the file an association sends (first application or renewal) and its instruction;
`AgrementEvent` is the timeline (who, when, why) of both.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.db import models
from django.db.models import F, Q
from django_fsm import FSMField, transition

from parcours.core import dates
from parcours.core.crypto import EncryptedTextField
from parcours.core.models import BaseModel, Departement, Organisation, User

from . import rules


class AgrementQuerySet(models.QuerySet):
    def valid_on(self, day: date):
        """Agréments in force on `day`: within their dates and not withdrawn on or before that day."""
        return self.filter(valid_from__lte=day, valid_until__gte=day).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day)
        )


class Agrement(BaseModel):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="agrements")
    reference = models.CharField("référence de l'arrêté", max_length=100)
    valid_from = models.DateField("valable à partir du")
    valid_until = models.DateField("valable jusqu'au")
    withdrawn_on = models.DateField("retiré le", null=True, blank=True)
    withdrawal_motive = models.TextField("motif du retrait", blank=True)
    # The withdrawal's hearing and notification (rules.earliest_withdrawal_effect): the day the notice of
    # intent reached the association, and the day the decision was notified to it (the withdrawal takes effect
    # then at the earliest). Empty for withdrawals recorded before they were asked.
    hearing_notice_on = models.DateField("préavis de retrait remis le", null=True, blank=True)
    withdrawal_notified_on = models.DateField("retrait notifié le", null=True, blank=True)
    tacit = models.BooleanField("agrément tacite", default=False)

    objects = AgrementQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = "agrément"
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("valid_from")), name="agrement_dates_ordered"
            ),
            # A withdrawal's notice precedes its notification, which precedes (or is) its effect.
            models.CheckConstraint(
                condition=(Q(hearing_notice_on__isnull=True) & Q(withdrawal_notified_on__isnull=True))
                | Q(
                    withdrawn_on__isnull=False,
                    hearing_notice_on__isnull=False,
                    withdrawal_notified_on__isnull=False,
                    hearing_notice_on__lte=F("withdrawal_notified_on"),
                    withdrawal_notified_on__lte=F("withdrawn_on"),
                ),
                name="agrement_withdrawal_after_notice_and_notification",
            ),
        ]

    def __str__(self) -> str:
        return f"Agrément {self.reference} ({self.valid_from:%d/%m/%Y} – {self.valid_until:%d/%m/%Y})"

    def status_on(self, day: date) -> str:
        if self.withdrawn_on and self.withdrawn_on <= day:
            return AgrementStatus.WITHDRAWN
        if day < self.valid_from:
            return AgrementStatus.FUTURE
        if day > self.valid_until:
            return AgrementStatus.EXPIRED
        if self.valid_until <= dates.add_months(day, rules.EXPIRY_WARNING_MONTHS):
            return AgrementStatus.EXPIRING
        return AgrementStatus.VALID


class AgrementStatus(models.TextChoices):
    VALID = "valid", "Valide"
    EXPIRING = "expiring", "Valide, expire bientôt"
    FUTURE = "future", "Pas encore en vigueur"
    EXPIRED = "expired", "Expiré"
    WITHDRAWN = "withdrawn", "Retiré"
    NONE = "none", "Aucun agrément"


class ApplicationKind(models.TextChoices):
    FIRST = "first", "Première demande"
    RENEWAL = "renewal", "Renouvellement"


class ApplicationState(models.TextChoices):
    DRAFT = "draft", "En préparation"
    SUBMITTED = "submitted", "Déposée, en instruction"
    INCOMPLETE = "incomplete", "Incomplète : pièces demandées"
    COMPLETE = "complete", "Complète"
    AWAITING_OPINION = "awaiting_opinion", "En attente de l'avis de la commission"
    REVIEWED = "reviewed", "Avis rendu, en attente de décision"
    GRANTED = "granted", "Agrément accordé"
    REFUSED = "refused", "Agrément refusé"
    WITHDRAWN = "withdrawn", "Agrément retiré"


OPEN_STATES = (
    ApplicationState.DRAFT,
    ApplicationState.SUBMITTED,
    ApplicationState.INCOMPLETE,
    ApplicationState.COMPLETE,
    ApplicationState.AWAITING_OPINION,
    ApplicationState.REVIEWED,
)
IN_INSTRUCTION = OPEN_STATES[1:]


class CommissionOpinion(models.TextChoices):
    FAVOURABLE = "favourable", "Favorable"
    UNFAVOURABLE = "unfavourable", "Défavorable"
    POSTPONED = "postponed", "Ajourné"


class ApplicationDecision(models.TextChoices):
    GRANTED = "granted", "Agrément accordé"
    REFUSED = "refused", "Agrément refusé"


class AgrementApplicationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)


class AgrementApplication(BaseModel):
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="agrement_applications"
    )
    kind = models.CharField("nature", max_length=10, choices=ApplicationKind.choices)
    state = FSMField("état", default=ApplicationState.DRAFT, choices=ApplicationState.choices)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The file's free fields (arrêté du 4 novembre 2016).
    declared_on = models.DateField("date de déclaration de l'association", null=True, blank=True)
    # Public identifiers of the association (arrêté du 4 novembre 2016): SIRET, RNA (or, failing them, the
    # receipt of its declaration as a document).
    siret = models.CharField("numéro SIRET", max_length=14, blank=True)
    rna = models.CharField("numéro RNA", max_length=10, blank=True)
    staff_count = models.PositiveSmallIntegerField("nombre de salariés et bénévoles", null=True, blank=True)
    qualifications = models.TextField("qualifications des personnels", blank=True)
    premises = models.TextField("locaux", blank=True)
    # Instruction.
    submitted_on = models.DateField("déposée le", null=True, blank=True)
    received_on = models.DateField("dossier reçu le (dernier dépôt)", null=True, blank=True)
    missing_items = models.JSONField("éléments manquants", default=list, blank=True)
    check_comment = models.TextField("commentaire du secrétariat", blank=True)
    complete_on = models.DateField("dossier complet le", null=True, blank=True)
    opinion = models.CharField(
        "avis de la commission", max_length=15, choices=CommissionOpinion.choices, blank=True
    )
    opinion_date = models.DateField("date de l'avis", null=True, blank=True)
    opinion_motive = models.TextField("motif de l'avis", blank=True)
    decision = models.CharField("décision", max_length=10, choices=ApplicationDecision.choices, blank=True)
    decided_on = models.DateField("décidée le", null=True, blank=True)
    decision_reference = models.CharField("référence de l'arrêté", max_length=100, blank=True)
    decision_motive = models.TextField("motif de la décision", blank=True)
    agrement = models.OneToOneField(
        Agrement, on_delete=models.PROTECT, null=True, blank=True, related_name="application"
    )
    previous = models.ForeignKey(
        Agrement, on_delete=models.PROTECT, null=True, blank=True, related_name="renewals"
    )

    objects = AgrementApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "demande d'agrément"
        verbose_name_plural = "demandes d'agrément"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.get_state_display()}"

    @property
    def others(self):
        """The other départements named in the file (R. 121-12-3 CASF), with their secretariat's opinion."""
        return self.listed_departements.select_related("departement", "establishment", "agrement").order_by(
            "departement__code"
        )

    # --- clocks ---

    @property
    def completeness_deadline(self) -> date | None:
        """While the file waits for its completeness check: the day it counts as complete."""
        if self.received_on is None:
            return None
        return rules.completeness_deadline(self.received_on)

    def effective_complete_on(self, today: date) -> date | None:
        """The day the file became complete: declared by the secretariat, or deemed after 2 months."""
        if self.complete_on:
            return self.complete_on
        if self.state == ApplicationState.SUBMITTED and self.completeness_deadline <= today:
            return self.completeness_deadline
        return None

    def tacit_approval_on(self, today: date) -> date | None:
        complete_on = self.effective_complete_on(today)
        if complete_on is None or self.decided_on:
            return None
        return rules.tacit_approval_date(complete_on)

    @property
    def is_editable(self) -> bool:
        return self.state in (ApplicationState.DRAFT, ApplicationState.INCOMPLETE)

    # --- transitions (services check who and why; the FSM checks where from) ---

    @transition(
        state, source=[ApplicationState.DRAFT, ApplicationState.INCOMPLETE], target=ApplicationState.SUBMITTED
    )
    def submit(self):
        pass

    @transition(state, source=ApplicationState.SUBMITTED, target=ApplicationState.INCOMPLETE)
    def return_incomplete(self):
        pass

    @transition(state, source=ApplicationState.SUBMITTED, target=ApplicationState.COMPLETE)
    def mark_complete(self):
        pass

    @transition(state, source=ApplicationState.COMPLETE, target=ApplicationState.AWAITING_OPINION)
    def send_to_commission(self):
        pass

    @transition(state, source=ApplicationState.AWAITING_OPINION, target=ApplicationState.REVIEWED)
    def review(self):
        pass

    @transition(state, source=ApplicationState.AWAITING_OPINION, target=ApplicationState.AWAITING_OPINION)
    def postpone(self):
        pass

    @transition(
        state,
        source=[
            ApplicationState.COMPLETE,
            ApplicationState.REVIEWED,
            ApplicationState.SUBMITTED,
            ApplicationState.AWAITING_OPINION,
        ],
        target=ApplicationState.GRANTED,
    )
    def grant(self):
        pass

    @transition(
        state, source=[ApplicationState.COMPLETE, ApplicationState.REVIEWED], target=ApplicationState.REFUSED
    )
    def refuse(self):
        pass

    @transition(state, source=ApplicationState.GRANTED, target=ApplicationState.WITHDRAWN)
    def withdraw(self):
        pass


class OtherOpinion(models.TextChoices):
    FAVOURABLE = "favourable", "Favorable"
    UNFAVOURABLE = "unfavourable", "Défavorable"


class ListedDepartementQuerySet(models.QuerySet):
    def valid_on(self, day: date):
        """Départements where an agrément is in force on `day` (through their granted application)."""
        return self.filter(agrement__valid_from__lte=day, agrement__valid_until__gte=day).filter(
            Q(agrement__withdrawn_on__isnull=True) | Q(agrement__withdrawn_on__gt=day)
        )


class ListedDepartement(BaseModel):
    """A département other than the seat's named in an application (R. 121-12-3 CASF): the seat's prefect
    instructs and decides, this département's secretariat gives a reasoned opinion within a time limit, and
    the agrément, once granted, is valid here too. The association acts here through its establishment, an
    organisation of this département named by its secretariat (the account its PSP requests come from)."""

    application = models.ForeignKey(
        AgrementApplication, on_delete=models.CASCADE, related_name="listed_departements"
    )
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    establishment = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agrement_extensions",
        verbose_name="établissement de l'association dans le département",
    )
    requested_on = models.DateField("avis demandé le", null=True, blank=True)
    due_on = models.DateField("avis attendu au plus tard le", null=True, blank=True)
    opinion = models.CharField("avis du département", max_length=15, choices=OtherOpinion.choices, blank=True)
    opinion_motive = models.TextField("motif de l'avis", blank=True)
    opinion_on = models.DateField("date de l'avis", null=True, blank=True)
    opinion_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Set when the application is granted: the agrément is then valid in this département too.
    agrement = models.ForeignKey(
        Agrement, on_delete=models.PROTECT, null=True, blank=True, related_name="listed_departements"
    )

    objects = ListedDepartementQuerySet.as_manager()

    class Meta:
        ordering = ["departement__code"]
        verbose_name = "département visé par la demande d'agrément"
        verbose_name_plural = "départements visés par la demande d'agrément"
        constraints = [
            models.UniqueConstraint(fields=["application", "departement"], name="listed_departement_unique"),
            models.CheckConstraint(
                condition=Q(opinion="") | Q(opinion_on__isnull=False), name="listed_opinion_dated"
            ),
        ]

    def __str__(self) -> str:
        return str(self.departement)

    def opinion_pending(self, today: date) -> bool:
        """The opinion is still awaited: not given, and its time limit not passed."""
        return not self.opinion and self.due_on is not None and today <= self.due_on


def application_document_path(instance, filename):
    # Opaque storage name, outside the web root (default storage is the private media directory).
    return f"agrements/{instance.application.departement.code}/{uuid.uuid4().hex}"


class ApplicationDocument(BaseModel):
    application = models.ForeignKey(AgrementApplication, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("type de pièce", max_length=20, choices=list(rules.DOCUMENT_LABELS.items()))
    file = models.FileField(upload_to=application_document_path, max_length=200)
    original_name = EncryptedTextField("nom du fichier")  # a file name may name someone
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField("taille (octets)")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["kind", "created_at"]
        verbose_name = "pièce du dossier d'agrément"


class AgrementEvent(models.Model):
    """The timeline of an association's agréments: every transition with who, when and why."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="agrement_events")
    application = models.ForeignKey(
        AgrementApplication, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    agrement = models.ForeignKey(
        Agrement, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    at = models.DateTimeField("date")
    day = models.DateField("date de l'acte", null=True, blank=True)
    name = models.CharField(max_length=40)
    label = models.CharField("événement", max_length=200)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    role = models.CharField(max_length=30, blank=True)
    motive = models.TextField("motif", blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "événement d'agrément"

    def __str__(self) -> str:
        return self.label
