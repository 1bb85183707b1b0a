"""The PSP: pathway, requests (initial and renewal), documents, periods, rights and the timeline."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django_fsm import FSMField, transition

from parcours.core.crypto import EncryptedTextField
from parcours.core.models import BaseModel, Departement, Organisation, User
from parcours.people.models import Person

from . import rules


class PathwayState(models.TextChoices):
    IN_INSTRUCTION = "in_instruction", "Demande en cours"
    ACTIVE = "active", "Autorisé, en cours"
    REFUSED = "refused", "Refusé"
    ENDED = "ended", "Terminé"


# The labels of the states, read by a list's 25 rows (Django's get_state_display rebuilds this dict at each
# call).
PATHWAY_STATE_LABELS = dict(PathwayState.choices)


class EndReason(models.TextChoices):
    COMPLETED = "completed", "Parcours achevé"
    WITHDRAWN = "withdrawn", "Retrait de la personne"
    ENDED_BY_PREFECT = "ended_by_prefect", "Fin décidée par le préfet après avis de la commission"
    NOT_RENEWED = "not_renewed", "Non renouvelé"
    CONTACT_LOST = "contact_lost", "Perte de contact"
    TRANSFERRED = "transferred", "Suivi transféré dans un autre département"


class Outcome(models.TextChoices):
    EMPLOYMENT = "employment", "Emploi"
    TRAINING = "training", "Formation"
    HOUSING = "housing", "Logement"
    RETURN_HOME = "return_home", "Retour choisi dans le pays d'origine"
    OTHER = "other", "Autre"


OPEN_PATHWAY_STATES = (PathwayState.IN_INSTRUCTION, PathwayState.ACTIVE)


class PathwayQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_PATHWAY_STATES)


class Pathway(BaseModel):
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="pathways")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pathways")
    association = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="pathways")
    state = FSMField("état", max_length=20, choices=PathwayState.choices, default=PathwayState.IN_INSTRUCTION)
    end_reason = models.CharField("motif de fin", max_length=20, choices=EndReason.choices, blank=True)
    outcome = models.CharField("situation à la sortie", max_length=20, choices=Outcome.choices, blank=True)
    ended_on = models.DateField("terminé le", null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    objects = PathwayQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "parcours de sortie"
        verbose_name_plural = "parcours de sortie"
        indexes = [
            models.Index(fields=["departement", "state"], name="pathway_departement_state"),
            # The pathway list, most recently updated first (its default order), 25 a page: read in index
            # order instead of sorting every pathway of the département.
            models.Index(fields=["departement", "-updated_at"], name="pathway_departement_updated"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(state__in=["in_instruction", "active"]),
                name="one_open_pathway_per_person",
            ),
            models.CheckConstraint(
                condition=~Q(state="ended") | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                name="ended_pathway_has_reason_and_date",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(end_reason="completed"), name="outcome_only_if_completed"
            ),
        ]

    def __str__(self) -> str:
        return f"PSP {self.person.pseudonym}"

    @property
    def last_period(self):
        """The latest period (uses the prefetched periods when present)."""
        periods = list(self.periods.all())
        return max(periods, key=lambda p: p.number) if periods else None

    @property
    def period_expired(self) -> bool:
        """Authorised, but the last period has ended (no renewal authorised in time): the pathway is not « en
        cours » any more although it has not been ended."""
        last = self.last_period
        return self._expired_after(last.end if last else None)

    def _expired_after(self, last_end) -> bool:
        return self.state == PathwayState.ACTIVE and last_end is not None and last_end < timezone.localdate()

    @property
    def status_label(self) -> str:
        """The state as a user should read it: « Autorisé, période échue le … » once the last period is
        over."""
        last = self.last_period
        return self.status_after(last.end if last else None)

    def status_after(self, last_end) -> str:
        """`status_label` given the end of the last period (None before any): a list that read its rows' last
        periods at once."""
        if self._expired_after(last_end):
            return f"Autorisé, période échue le {last_end:%d/%m/%Y}"
        return PATHWAY_STATE_LABELS.get(self.state, self.state)

    @transition(field=state, source=PathwayState.IN_INSTRUCTION, target=PathwayState.ACTIVE)
    def authorise(self):
        """The prefect authorised the first request."""

    @transition(field=state, source=PathwayState.IN_INSTRUCTION, target=PathwayState.REFUSED)
    def refuse(self):
        """The prefect refused the first request."""

    @transition(field=state, source=PathwayState.REFUSED, target=PathwayState.IN_INSTRUCTION)
    def reopen(self):
        """The refusal was annulled (or suspended) on appeal: the request is examined again (appeals)."""

    @transition(field=state, source=OPEN_PATHWAY_STATES, target=PathwayState.ENDED)
    def end(self, *, reason, outcome, day):
        self.end_reason, self.outcome, self.ended_on = reason, outcome or "", day


class RequestKind(models.TextChoices):
    INITIAL = "initial", "Demande d'engagement"
    RENEWAL = "renewal", "Demande de renouvellement"


class RequestState(models.TextChoices):
    DRAFT = "draft", "En préparation"
    SUBMITTED = "submitted", "Transmise, à vérifier"
    INCOMPLETE = "incomplete", "Incomplète, à compléter"
    READY = "ready", "Prête pour la commission"
    POSTPONED = "postponed", "Ajournée par la commission"
    REVIEWED = "reviewed", "Avis rendu, en attente de décision"
    AUTHORISED = "authorised", "Autorisée"
    REFUSED = "refused", "Refusée"
    ABANDONED = "abandoned", "Abandonnée"


# The prefect's decisions on a pathway that the person may appeal and its file lists with their appeals: a
# refusal, an end (commission.PrefectDecision.outcome; that app sits above this one).
UNFAVOURABLE_DECISION_OUTCOMES = ("refused", "ended")

OPEN_REQUEST_STATES = (
    RequestState.DRAFT,
    RequestState.SUBMITTED,
    RequestState.INCOMPLETE,
    RequestState.READY,
    RequestState.POSTPONED,
    RequestState.REVIEWED,
)
EDITABLE_REQUEST_STATES = (RequestState.DRAFT, RequestState.INCOMPLETE)


class Opinion(models.TextChoices):
    FAVOURABLE = "favourable", "Favorable"
    UNFAVOURABLE = "unfavourable", "Défavorable"
    POSTPONED = "postponed", "Ajourné"


class Decision(models.TextChoices):
    AUTHORISED = "authorised", "Autorisation"
    REFUSED = "refused", "Refus"


class RightKind(models.TextChoices):
    AFIS = "afis", "Aide financière à l'insertion sociale et professionnelle (AFIS)"
    RESIDENCE_PERMIT = "residence_permit", "Autorisation provisoire de séjour"
    HOUSING = "housing", "Hébergement ou logement"
    HEALTH = "health", "Accès aux soins et couverture maladie"
    TRAINING = "training", "Formation"
    EMPLOYMENT = "employment", "Insertion professionnelle"


class RequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_REQUEST_STATES)


class Request(BaseModel):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="requests")
    # The pathway's département, copied (set by the services that create requests): a département's requests
    # in a state are read through the (département, état) index, not by joining every pathway of the country.
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )  # indexed with the state (Meta.indexes)
    kind = models.CharField("type", max_length=10, choices=RequestKind.choices, default=RequestKind.INITIAL)
    state = FSMField("état", max_length=20, choices=RequestState.choices, default=RequestState.DRAFT)

    rights_requested = models.JSONField("droits demandés", default=list, blank=True)
    association_opinion = EncryptedTextField("avis motivé de l'association", blank=True)
    actions_carried_out = EncryptedTextField(
        "actions menées et engagements tenus (renouvellement)", blank=True
    )
    person_commitment = models.BooleanField("la personne s'engage dans le parcours", default=False)
    commitment_date = models.DateField("date de l'engagement", null=True, blank=True)
    prostitution_stopped = models.BooleanField(
        "la personne atteste sur l'honneur avoir cessé l'activité prostitutionnelle", default=False
    )

    # The association's agrément, attached from the register (approvals) rather than uploaded again: the one
    # in force when the request was started, then when it was sent.
    # (A register entry deleted as a correction detaches it: the checklist then asks for the agrément again.)
    agrement = models.ForeignKey(
        "approvals.Agrement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="agrément de l'association (registre)",
    )
    submitted_on = models.DateField("transmise le", null=True, blank=True)
    missing_items = models.JSONField("pièces ou informations manquantes", default=list, blank=True)
    # Free text about the person's file (it may name the person): encrypted.
    check_comment = EncryptedTextField("commentaire du secrétariat", blank=True)

    opinion = models.CharField("avis de la commission", max_length=15, choices=Opinion.choices, blank=True)
    opinion_date = models.DateField("date de l'avis", null=True, blank=True)
    opinion_motive = EncryptedTextField("motif de l'avis", blank=True)

    decision = models.CharField("décision du préfet", max_length=12, choices=Decision.choices, blank=True)
    decision_date = models.DateField("date de la décision", null=True, blank=True)
    decision_reference = models.CharField("référence de la décision", max_length=100, blank=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = "demande"
        indexes = [models.Index(fields=["departement", "state"], name="request_departement_state")]
        constraints = [
            models.UniqueConstraint(
                fields=["pathway"],
                condition=Q(state__in=["draft", "submitted", "incomplete", "ready", "postponed", "reviewed"]),
                name="one_open_request_per_pathway",
            ),
            models.CheckConstraint(
                condition=Q(decision="")
                | (Q(decision_date__isnull=False) & Q(opinion__in=["favourable", "unfavourable"])),
                name="decision_needs_opinion_and_date",
            ),
            models.CheckConstraint(
                condition=Q(decision_date__isnull=True)
                | Q(opinion_date__isnull=True)
                | Q(decision_date__gte=F("opinion_date")),
                name="decision_after_opinion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.pathway.person.pseudonym}"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_REQUEST_STATES

    def rights_labels(self) -> list[str]:
        labels = dict(RightKind.choices)
        return [labels.get(r, r) for r in self.rights_requested]

    @transition(field=state, source=EDITABLE_REQUEST_STATES, target=RequestState.SUBMITTED)
    def submit(self, *, day):
        self.submitted_on = day

    @transition(field=state, source=RequestState.SUBMITTED, target=RequestState.INCOMPLETE)
    def return_incomplete(self, *, missing, comment):
        self.missing_items, self.check_comment = list(missing), comment

    @transition(field=state, source=RequestState.SUBMITTED, target=RequestState.READY)
    def mark_ready(self):
        self.missing_items, self.check_comment = [], ""

    @transition(
        field=state,
        source=(RequestState.READY, RequestState.POSTPONED),
        target=RequestState.REVIEWED,
        conditions=[lambda r: r.opinion in (Opinion.FAVOURABLE, Opinion.UNFAVOURABLE)],
    )
    def give_opinion(self):
        """A favourable or unfavourable opinion: the request waits for the prefect."""

    @transition(
        field=state,
        source=(RequestState.READY, RequestState.POSTPONED),
        target=RequestState.POSTPONED,
        conditions=[lambda r: r.opinion == Opinion.POSTPONED],
    )
    def postpone(self):
        """The commission postponed its opinion: the request goes back to a later meeting."""

    @transition(field=state, source=RequestState.REVIEWED, target=RequestState.AUTHORISED)
    def authorise(self):
        pass

    @transition(field=state, source=RequestState.REVIEWED, target=RequestState.REFUSED)
    def refuse(self):
        pass

    @transition(field=state, source=OPEN_REQUEST_STATES, target=RequestState.ABANDONED)
    def abandon(self):
        pass


class PlanObjective(BaseModel):
    """One objective of the accompaniment plan (joint follow-up document, R. 121-12-12 CASF)."""

    class Domain(models.TextChoices):
        HOUSING = "housing", "Hébergement, logement"
        HEALTH = "health", "Santé"
        TRAINING = "training", "Formation"
        EMPLOYMENT = "employment", "Emploi"
        ADMIN_LEGAL = "admin_legal", "Démarches administratives et juridiques"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="objectives")
    domain = models.CharField("domaine", max_length=20, choices=Domain.choices)
    objective = EncryptedTextField("objectif")
    actions = EncryptedTextField("actions prévues", blank=True)
    target_date = models.DateField("échéance", null=True, blank=True)

    class Meta:
        ordering = ["domain", "created_at"]
        verbose_name = "objectif"


class DocumentKind(models.TextChoices):
    IDENTITY = "identity", "Copie d'une pièce d'identité"
    SITUATION = "situation", "Justificatifs de la situation administrative, familiale et sociale"
    AGREMENT = "agrement", "Copie de l'agrément de l'association"
    SWORN_STATEMENT = "sworn_statement", "Déclaration sur l'honneur d'arrêt de la prostitution"
    FOLLOW_UP = "follow_up", "Document de suivi signé par la personne"
    OTHER = "other", "Autre pièce"


def document_path(instance, filename):
    # Opaque storage name: never the person's name, never the uploaded file name.
    return f"documents/{instance.request.pathway.departement.code}/{uuid.uuid4().hex}"


class RequestDocument(BaseModel):
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("type de pièce", max_length=20, choices=DocumentKind.choices)
    file = models.FileField(upload_to=document_path, max_length=200)
    original_name = EncryptedTextField("nom du fichier")
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField("taille (octets)")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["kind", "created_at"]
        verbose_name = "pièce justificative"


class Period(BaseModel):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="periods")
    request = models.OneToOneField(Request, on_delete=models.PROTECT, related_name="period")
    number = models.PositiveSmallIntegerField("numéro")
    start = models.DateField("début")
    end = models.DateField("fin")

    class Meta:
        ordering = ["number"]
        verbose_name = "période d'autorisation"
        constraints = [
            models.UniqueConstraint(fields=["pathway", "number"], name="period_unique_number"),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="period_end_not_before_start"),
        ]

    def __str__(self) -> str:
        return f"Période {self.number} : {self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"


class PathwayEvent(models.Model):
    """The timeline: every transition with who, when and why."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="events")
    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    at = models.DateTimeField("date")
    name = models.CharField(max_length=40)
    label = models.CharField("événement", max_length=200)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=30)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    motive = EncryptedTextField("motif", blank=True)  # free text about the person: encrypted

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "événement du parcours"

    def __str__(self) -> str:
        return self.label


class EndReport(BaseModel):
    """The association reports that a pathway ended (completed, withdrawn, contact lost...): the secretariat,
    which alone records the end of a pathway, confirms it (the end is then recorded with these facts) or
    refuses it with a motive."""

    class State(models.TextChoices):
        PENDING = "pending", "À confirmer par le secrétariat"
        CONFIRMED = "confirmed", "Confirmée"
        REFUSED = "refused", "Refusée"

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="end_reports")
    reason = models.CharField("motif de fin", max_length=20, choices=EndReason.choices)
    outcome = models.CharField("situation à la sortie", max_length=20, choices=Outcome.choices, blank=True)
    day = models.DateField("date de fin")
    motive = EncryptedTextField("observations", blank=True)  # free text about the person: encrypted
    reported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    state = models.CharField("état", max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField("traitée le", null=True, blank=True)
    refusal_motive = EncryptedTextField("motif du refus", blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "fin de parcours signalée"
        constraints = [
            models.UniqueConstraint(
                fields=["pathway"], condition=Q(state="pending"), name="one_pending_end_report_per_pathway"
            ),
            models.CheckConstraint(
                condition=Q(state="pending") | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
                name="decided_end_report_has_who_and_when",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(reason="completed"), name="end_report_outcome_only_if_completed"
            ),
        ]


# --- Rights ---


class Afis(BaseModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Demandée"
        GRANTED = "granted", "Accordée"
        SUSPENDED = "suspended", "Suspendue"
        REFUSED = "refused", "Refusée"
        STOPPED = "stopped", "Arrêtée"

    pathway = models.OneToOneField(Pathway, on_delete=models.CASCADE, related_name="afis")
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_on = models.DateField("demandée le")
    granted_on = models.DateField("accordée le", null=True, blank=True)
    dependent_children = models.PositiveSmallIntegerField("enfants à charge", default=0)
    monthly_amount = models.DecimalField(
        "montant mensuel (€)", max_digits=8, decimal_places=2, null=True, blank=True
    )
    paying_body = models.CharField("organisme payeur", max_length=150, blank=True)
    start = models.DateField("début du versement", null=True, blank=True)
    end = models.DateField("fin du versement", null=True, blank=True)
    # Eligibility (art. R. 121-12-13-1 CASF) as the association or the secretariat reads it: unknown (None),
    # met or not. Parcours warns on what looks unmet; it never refuses the grant.
    resources_below_rsa = models.BooleanField(
        "ressources du mois précédent inférieures au RSA pour une personne seule", null=True, blank=True
    )
    rsa_entitled = models.BooleanField("perçoit le RSA ou peut y prétendre", null=True, blank=True)
    ada_entitled = models.BooleanField("perçoit l'ADA ou peut y prétendre", null=True, blank=True)

    class Meta:
        verbose_name = "AFIS"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=F("start")),
                name="afis_dates_ordered",
            ),
        ]


class AfisChildrenChange(BaseModel):
    """The number of dependent children from a month on (the amount of that month and the next follows it)."""

    afis = models.ForeignKey(Afis, on_delete=models.CASCADE, related_name="children_changes")
    month = models.DateField("à partir du mois de")  # first day of the month
    dependent_children = models.PositiveSmallIntegerField("enfants à charge")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["month"]
        verbose_name = "changement d'enfants à charge"
        constraints = [
            models.UniqueConstraint(fields=["afis", "month"], name="one_children_change_per_month"),
        ]


class AfisSuspension(BaseModel):
    """Months without payment: from `start` (first day of a month) to the month before `resumed_from`."""

    afis = models.ForeignKey(Afis, on_delete=models.CASCADE, related_name="suspensions")
    start = models.DateField("suspendue à partir du mois de")
    resumed_from = models.DateField("reprise à partir du mois de", null=True, blank=True)
    motive = EncryptedTextField("motif")  # may describe the person's situation: encrypted
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["start"]
        verbose_name = "suspension de l'AFIS"
        constraints = [
            models.CheckConstraint(
                condition=Q(resumed_from__isnull=True) | Q(resumed_from__gt=F("start")),
                name="afis_suspension_resumes_after_start",
            ),
            models.UniqueConstraint(
                fields=["afis"], condition=Q(resumed_from__isnull=True), name="one_open_afis_suspension"
            ),
        ]


class Notice(BaseModel):
    """A notice of an event of the rights to the body that acts on it: the AFIS payer (MSA) for every event of
    the AFIS, the foreigners' service for a transfer. Its letter is a document of the documents app; the
    notice records when it was sent, when the addressee acknowledged it and, for the payer, when the payment
    (or its change, or its stop) took effect — so that no payment goes on, or stops, by silence."""

    class Addressee(models.TextChoices):
        AFIS_PAYER = "afis_payer", "Organisme payeur de l'AFIS (MSA)"
        IMMIGRATION = "immigration", "Service des étrangers"

    class Event(models.TextChoices):
        GRANT = "grant", "Attribution"
        RENEWAL = "renewal", "Renouvellement"
        CHANGE = "change", "Changement du nombre d'enfants à charge"
        REVALUATION = "revaluation", "Revalorisation du barème"
        SUSPENSION = "suspension", "Suspension"
        RESUMPTION = "resumption", "Reprise du versement"
        STOP = "stop", "Arrêt"
        END = "end", "Fin du parcours"
        TRANSFER = "transfer", "Transfert du suivi"

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="notices")
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    afis = models.ForeignKey(Afis, on_delete=models.CASCADE, null=True, blank=True, related_name="notices")
    addressee = models.CharField("destinataire", max_length=12, choices=Addressee.choices)
    event = models.CharField("événement", max_length=12, choices=Event.choices)
    number = models.PositiveIntegerField("numéro")
    effective_on = models.DateField("à compter du")
    monthly_amount = models.DecimalField(
        "montant mensuel (€)", max_digits=8, decimal_places=2, null=True, blank=True
    )
    dependent_children = models.PositiveSmallIntegerField("enfants à charge", null=True, blank=True)
    payment_until = models.DateField("versement jusqu'au", null=True, blank=True)
    detail = EncryptedTextField("précisions", blank=True)  # about the person: encrypted
    document = models.ForeignKey(
        "documents.GeneratedDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField("transmis le", null=True, blank=True)
    acknowledged_on = models.DateField("accusé de réception le", null=True, blank=True)
    payment_effective_on = models.DateField("pris en compte dans le versement le", null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = "avis à un organisme"
        constraints = [
            models.UniqueConstraint(fields=["departement", "number"], name="notice_unique_number"),
            models.CheckConstraint(
                condition=Q(acknowledged_on__isnull=True) | Q(sent_on__isnull=False),
                name="notice_acknowledged_after_sent",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_on__isnull=True)
                | Q(sent_on__isnull=True)
                | Q(acknowledged_on__gte=F("sent_on")),
                name="notice_ack_not_before_sending",
            ),
            models.CheckConstraint(
                condition=Q(payment_effective_on__isnull=True) | Q(acknowledged_on__isnull=False),
                name="notice_payment_after_ack",
            ),
        ]

    def __str__(self) -> str:
        return f"Avis n° {self.number} — {self.get_event_display()}"

    @property
    def addressee_phrase(self) -> str:
        """« à l'organisme payeur de l'AFIS (MSA) », « au service des étrangers »."""
        return {
            self.Addressee.AFIS_PAYER: "à l'organisme payeur de l'AFIS (MSA)",
            self.Addressee.IMMIGRATION: "au service des étrangers",
        }[self.addressee]

    @property
    def status_label(self) -> str:
        if self.payment_effective_on:
            return f"Pris en compte le {self.payment_effective_on:%d/%m/%Y}"
        if self.acknowledged_on:
            return f"Reçu le {self.acknowledged_on:%d/%m/%Y}, prise en compte à confirmer"
        if self.sent_on:
            return f"Transmis le {self.sent_on:%d/%m/%Y}, accusé de réception attendu"
        return "À transmettre"


class ResidencePermit(BaseModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Demandée"
        ISSUED = "issued", "Délivrée"
        REFUSED = "refused", "Refusée"

    class Route(models.TextChoices):
        PSP = "psp", f"Parcours de sortie (APS, art. {rules.PERMIT_ROUTE_PSP})"
        COMPLAINT = (
            "complaint",
            f"Plainte ou témoignage (carte temporaire, art. {rules.PERMIT_ROUTE_COMPLAINT})",
        )

    class NextStatus(models.TextChoices):
        NONE = "", "Pas encore demandé"
        REQUESTED = "requested", "Demandé"
        ISSUED = "issued", "Délivré"
        REFUSED = "refused", "Refusé"

    pathway = models.OneToOneField(Pathway, on_delete=models.CASCADE, related_name="residence_permit")
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_on = models.DateField("demandée le")
    issued_on = models.DateField("délivrée le", null=True, blank=True)
    expires_on = models.DateField("expire le", null=True, blank=True)
    renewed_on = models.DateField("dernier renouvellement le", null=True, blank=True)
    reference = EncryptedTextField("numéro du titre", blank=True)
    route = models.CharField("fondement", max_length=10, choices=Route.choices, default=Route.PSP)
    complaint_filed_on = models.DateField("plainte déposée (ou témoignage) le", null=True, blank=True)
    # After the pathway: the ordinary residence permit that takes over from the APS.
    next_permit_status = models.CharField(
        "titre de droit commun après le parcours", max_length=10, choices=NextStatus.choices, blank=True
    )
    next_permit_requested_on = models.DateField("titre de droit commun demandé le", null=True, blank=True)
    next_permit_issued_on = models.DateField("titre de droit commun délivré le", null=True, blank=True)

    class Meta:
        verbose_name = "autorisation provisoire de séjour"
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(expires_on__gt=F("issued_on")),
                name="permit_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(route="complaint") | Q(complaint_filed_on__isnull=False),
                name="permit_complaint_route_has_date",
            ),
        ]

    @property
    def too_short(self) -> bool:
        from .rules import aps_too_short

        return self.route == self.Route.PSP and aps_too_short(self.issued_on, self.expires_on)


class RightStep(BaseModel):
    """A step towards housing, health, training or employment."""

    class Domain(models.TextChoices):
        ACCOMMODATION = "accommodation", "Hébergement"
        HOUSING = "housing", "Logement"
        HEALTH = "health", "Santé"
        TRAINING = "training", "Formation"
        EMPLOYMENT = "employment", "Emploi"

    class Status(models.TextChoices):
        PLANNED = "planned", "Prévue"
        IN_PROGRESS = "in_progress", "En cours"
        OBTAINED = "obtained", "Obtenue"
        REFUSED = "refused", "Refusée"

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="right_steps")
    domain = models.CharField("domaine", max_length=20, choices=Domain.choices)
    description = models.CharField("démarche", max_length=200)
    status = models.CharField("état", max_length=15, choices=Status.choices, default=Status.PLANNED)
    started_on = models.DateField("commencée le", null=True, blank=True)
    due_on = models.DateField("échéance", null=True, blank=True)
    completed_on = models.DateField("aboutie le", null=True, blank=True)

    class Meta:
        ordering = ["domain", "created_at"]
        verbose_name = "démarche"


class Transfer(BaseModel):
    """The person's file follows them, with their consent: to another département (the receiving
    département's secretariat accepts; a new pathway opens there, the months already used counting towards
    the cap) or to another association of the same département (the association's agrément withdrawn, or it
    closes: the secretariat hands its pathways over; the receiving association records the consent)."""

    class Kind(models.TextChoices):
        DEPARTEMENT = "departement", "Changement de département"
        ASSOCIATION = "association", "Changement d'association"

    class State(models.TextChoices):
        PENDING = "pending", "En attente"
        ACCEPTED = "accepted", "Accepté, parcours d'origine à clore"
        DONE = "done", "Effectué"
        REFUSED = "refused", "Refusé"

    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField("type", max_length=12, choices=Kind.choices)
    state = models.CharField("état", max_length=10, choices=State.choices, default=State.PENDING)
    from_departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    to_departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    from_association = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    to_association = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    day = models.DateField("date du transfert")
    consent_given_on = models.DateField("consentement de la personne recueilli le", null=True, blank=True)
    months_carried = models.PositiveSmallIntegerField("mois déjà utilisés", default=0)
    motive = EncryptedTextField("motif", blank=True)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField("traité le", null=True, blank=True)
    new_pathway = models.OneToOneField(
        Pathway, on_delete=models.PROTECT, null=True, blank=True, related_name="transferred_from"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "transfert du suivi"
        constraints = [
            models.UniqueConstraint(
                fields=["pathway"], condition=Q(state="pending"), name="one_pending_transfer_per_pathway"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["accepted", "done"]) | Q(consent_given_on__isnull=False),
                name="transfer_done_with_consent",
            ),
        ]
