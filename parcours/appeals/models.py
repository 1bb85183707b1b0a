"""Appeals against unfavourable decisions, and the prior adversarial procedure before them.

`Appeal` is one appeal (recours gracieux, hiérarchique, contentieux, référé) against a refusal or an end of a
pathway (a decision of the register, `commission.PrefectDecision`), an AFIS stop (a `Procedure` decided), a
refused agrément application or a withdrawn agrément; its outcome and, after an annulment, the
re-examination. `Procedure` is the notice of intent, the time to present observations, the commission's
opinion where the setting asks for it, and the decision of an unfavourable measure: ending a pathway,
stopping the AFIS, withdrawing an agrément (CRPA L. 121-1, L. 122-1, L. 211-2).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from parcours.core.crypto import EncryptedTextField
from parcours.core.models import BaseModel, Departement, User

from . import rules


class AppealKind(models.TextChoices):
    GRACIEUX = "gracieux", "Recours gracieux (auprès du préfet)"
    HIERARCHIQUE = "hierarchique", "Recours hiérarchique (auprès du ministre)"
    CONTENTIEUX = "contentieux", "Recours contentieux (tribunal administratif)"
    REFERE = "refere", "Référé (suspension, tribunal administratif)"


ADMINISTRATIVE_KINDS = (AppealKind.GRACIEUX, AppealKind.HIERARCHIQUE)


class AppealAuthor(models.TextChoices):
    PERSON = "person", "La personne"
    COUNSEL = "counsel", "L'avocat ou le conseil de la personne"
    ASSOCIATION = "association", "L'association"
    OTHER = "other", "Autre requérant"


class AppealOutcome(models.TextChoices):
    PENDING = "pending", "En cours"
    REJECTED = "rejected", "Rejeté (la décision est maintenue)"
    ANNULLED = "annulled", "Décision annulée ou retirée"
    SUSPENDED = "suspended", "Exécution de la décision suspendue (référé)"
    WITHDRAWN = "withdrawn", "Désistement du requérant"


# Outcomes after which the administration must examine the matter again.
REEXAMINATION_OUTCOMES = (AppealOutcome.ANNULLED, AppealOutcome.SUSPENDED)


class AppealTarget(models.TextChoices):
    REFUSAL = "refusal", "Refus d'un parcours de sortie"
    END = "end", "Fin d'un parcours décidée par le préfet"
    AFIS_STOP = "afis_stop", "Arrêt de l'AFIS"
    AGREMENT_REFUSED = "agrement_refused", "Refus d'agrément"
    AGREMENT_WITHDRAWN = "agrement_withdrawn", "Retrait d'agrément"


class AppealQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(outcome=AppealOutcome.PENDING)

    def awaiting_reexamination(self):
        return self.filter(outcome__in=REEXAMINATION_OUTCOMES, reexamined_on__isnull=True)


class Appeal(BaseModel):
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    target = models.CharField("décision contestée", max_length=20, choices=AppealTarget.choices)
    # Exactly one of the four, as `target` says (constraint below).
    decision = models.ForeignKey(
        "commission.PrefectDecision", on_delete=models.PROTECT, null=True, blank=True, related_name="appeals"
    )
    procedure = models.ForeignKey(
        "appeals.Procedure", on_delete=models.PROTECT, null=True, blank=True, related_name="appeals"
    )
    application = models.ForeignKey(
        "approvals.AgrementApplication", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agrement = models.ForeignKey(
        "approvals.Agrement", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField("nature du recours", max_length=15, choices=AppealKind.choices)
    author = models.CharField("auteur du recours", max_length=15, choices=AppealAuthor.choices)
    lodged_on = models.DateField("formé le")
    # The appellant's grounds: about the person, encrypted.
    grounds = EncryptedTextField("moyens invoqués")
    court_reference = models.CharField("numéro de la requête (tribunal)", max_length=50, blank=True)
    outcome = models.CharField(
        "issue", max_length=10, choices=AppealOutcome.choices, default=AppealOutcome.PENDING
    )
    outcome_on = models.DateField("date de la réponse ou du jugement", null=True, blank=True)
    outcome_note = EncryptedTextField("motifs de la réponse ou du jugement", blank=True)
    reexamined_on = models.DateField("réexamen ouvert le", null=True, blank=True)
    reexamination_note = EncryptedTextField("suite donnée au réexamen", blank=True)
    # A refusal annulled: the request examined again (a new request of the pathway, ready for the commission).
    reexamination_request = models.ForeignKey(
        "pathways.Request", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["-lodged_on", "-created_at"]
        verbose_name = "recours"
        verbose_name_plural = "recours"
        indexes = [models.Index(fields=["departement", "outcome"], name="appeal_departement_outcome")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(target__in=["refusal", "end"], decision__isnull=False)
                    & Q(procedure__isnull=True, application__isnull=True, agrement__isnull=True)
                )
                | (
                    Q(target="afis_stop", procedure__isnull=False)
                    & Q(decision__isnull=True, application__isnull=True, agrement__isnull=True)
                )
                | (
                    Q(target="agrement_refused", application__isnull=False)
                    & Q(decision__isnull=True, procedure__isnull=True, agrement__isnull=True)
                )
                | (
                    Q(target="agrement_withdrawn", agrement__isnull=False)
                    & Q(decision__isnull=True, procedure__isnull=True, application__isnull=True)
                ),
                name="appeal_one_target",
            ),
            models.CheckConstraint(
                condition=Q(outcome="pending", outcome_on__isnull=True)
                | (~Q(outcome="pending") & Q(outcome_on__isnull=False)),
                name="appeal_outcome_dated",
            ),
            models.CheckConstraint(
                condition=Q(reexamined_on__isnull=True) | Q(outcome__in=["annulled", "suspended"]),
                name="appeal_reexamined_after_annulment",
            ),
            models.CheckConstraint(
                condition=Q(outcome_on__isnull=True) | Q(outcome_on__gte=models.F("lodged_on")),
                name="appeal_outcome_after_lodging",
            ),
        ]

    def __str__(self) -> str:  # no identity: the kind and the target
        return f"{self.get_kind_display()} — {self.get_target_display().lower()}"

    @property
    def is_administrative(self) -> bool:
        return self.kind in ADMINISTRATIVE_KINDS

    @property
    def implicit_rejection_on(self):
        """An administrative appeal unanswered for two months is implicitly rejected (CRPA L. 231-4, 2°):
        the day that rejection arises, from which a new two-month deadline runs before the court."""
        if not self.is_administrative or self.outcome != AppealOutcome.PENDING:
            return None
        return rules.implicit_decision_on(self.lodged_on)

    @property
    def awaits_reexamination(self) -> bool:
        return self.outcome in REEXAMINATION_OUTCOMES and self.reexamined_on is None


class ProcedureKind(models.TextChoices):
    END = "end", "Fin du parcours de sortie"
    AFIS_STOP = "afis_stop", "Arrêt de l'AFIS"
    WITHDRAWAL = "withdrawal", "Retrait de l'agrément"


class ProcedureState(models.TextChoices):
    NOTICE = "notice", "Préavis à remettre"
    OBSERVATIONS = "observations", "Délai d'observations en cours"
    OPINION = "opinion", "En attente de l'avis de la commission"
    READY = "ready", "Prête pour la décision"
    DECIDED = "decided", "Décision prise"
    NOTIFIED = "notified", "Décision notifiée"
    ABANDONED = "abandoned", "Abandonnée (mesure non prise)"


OPEN_PROCEDURE_STATES = (
    ProcedureState.NOTICE,
    ProcedureState.OBSERVATIONS,
    ProcedureState.OPINION,
    ProcedureState.READY,
)


class ProcedureQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_PROCEDURE_STATES)


class Procedure(BaseModel):
    """The prior adversarial procedure of an unfavourable measure, and (AFIS stop, withdrawal) its
    decision."""

    class Acknowledgement(models.TextChoices):
        SIGNED_RECEIPT = "signed_receipt", "Remise en main propre contre récépissé signé"
        HANDED_UNSIGNED = "handed_unsigned", "Remise en main propre, sans récépissé signé"
        REGISTERED_MAIL = "registered_mail", "Lettre recommandée avec accusé de réception (date de l'accusé)"

    class Opinion(models.TextChoices):
        FAVOURABLE = "favourable", "Favorable à la mesure"
        UNFAVOURABLE = "unfavourable", "Défavorable à la mesure"

    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("mesure envisagée", max_length=12, choices=ProcedureKind.choices)
    state = models.CharField(
        "état", max_length=12, choices=ProcedureState.choices, default=ProcedureState.NOTICE
    )
    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, null=True, blank=True, related_name="procedures"
    )
    agrement = models.ForeignKey(
        "approvals.Agrement", on_delete=models.PROTECT, null=True, blank=True, related_name="procedures"
    )
    grounds = EncryptedTextField("motifs envisagés")  # about the person: encrypted
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    notice_document = models.ForeignKey(
        "documents.GeneratedDocument", on_delete=models.PROTECT, related_name="+"
    )
    notice_notified_on = models.DateField("préavis remis le", null=True, blank=True)
    notice_acknowledgement = models.CharField(
        "preuve de la remise du préavis", max_length=20, choices=Acknowledgement.choices, blank=True
    )
    observations_until = models.DateField("observations jusqu'au", null=True, blank=True)
    observations_on = models.DateField("observations reçues le", null=True, blank=True)
    observations = EncryptedTextField("observations présentées", blank=True)
    opinion_required = models.BooleanField("avis de la commission requis", default=True)
    opinion = models.CharField("avis de la commission", max_length=15, choices=Opinion.choices, blank=True)
    opinion_on = models.DateField("date de l'avis", null=True, blank=True)
    # The end of a pathway is decided in the register (commission): the decision drafted from this procedure.
    end_decision = models.OneToOneField(
        "commission.PrefectDecision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procedure",
    )
    # The AFIS stop and the withdrawal: decided here, numbered in the département's yearly register sequence.
    decision_reference = models.CharField("numéro de la décision", max_length=30, blank=True)
    decision_external_reference = models.CharField("référence de l'acte signé", max_length=100, blank=True)
    decided_on = models.DateField("décidée le", null=True, blank=True)
    decision_motive = EncryptedTextField("motifs de la décision", blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decision_document = models.ForeignKey(
        "documents.GeneratedDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    letter_document = models.ForeignKey(
        "documents.GeneratedDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payer_letter_document = models.ForeignKey(
        "documents.GeneratedDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_notified_on = models.DateField("décision notifiée le", null=True, blank=True)
    decision_acknowledgement = models.CharField(
        "preuve de la notification", max_length=20, choices=Acknowledgement.choices, blank=True
    )
    effective_on = models.DateField("prend effet le", null=True, blank=True)
    abandoned_on = models.DateField("abandonnée le", null=True, blank=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "procédure contradictoire"
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind__in=["end", "afis_stop"]) & Q(pathway__isnull=False, agrement__isnull=True))
                | (Q(kind="withdrawal") & Q(agrement__isnull=False, pathway__isnull=True)),
                name="procedure_kind_matches_object",
            ),
            models.UniqueConstraint(
                fields=["pathway", "kind"],
                condition=Q(state__in=["notice", "observations", "opinion", "ready"]),
                name="procedure_open_once_per_pathway",
            ),
            models.UniqueConstraint(
                fields=["agrement"],
                condition=Q(state__in=["notice", "observations", "opinion", "ready"]),
                name="procedure_open_once_per_agrement",
            ),
            models.CheckConstraint(
                condition=(Q(notice_notified_on__isnull=True) & Q(notice_acknowledgement=""))
                | (Q(notice_notified_on__isnull=False) & ~Q(notice_acknowledgement="")),
                name="procedure_notice_with_acknowledgement",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["decided", "notified"])
                | Q(decided_on__isnull=False)
                | Q(end_decision__isnull=False),
                name="procedure_decided_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"Procédure contradictoire — {self.get_kind_display().lower()}"

    @property
    def observations_open(self) -> bool:
        from django.utils import timezone

        return self.observations_until is not None and timezone.localdate() <= self.observations_until

    @property
    def appeal_deadline(self):
        if self.end_decision_id:
            return None
        return rules.appeal_deadline(self.decision_notified_on) if self.decision_notified_on else None
