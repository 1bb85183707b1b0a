"""The commission départementale: composition (arrêté, seats, mandates), meetings, agendas, attendance,
recusals, opinions and the prefect's decisions that follow them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from parcours.core.crypto import EncryptedTextField
from parcours.core.models import BaseModel, Departement, Organisation

from .rules import (
    COLLEGE_OF,
    DEFAULT_QUORUM_PERCENT,
    ENFORCEMENT_CATEGORIES,
    NOT_ON_INDIVIDUAL_FILES,
    SeatCategory,
)

# --- Composition ---


class Arrete(BaseModel):
    """The prefectoral arrêté that sets the commission's composition."""

    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="commission_arretes")
    reference = models.CharField("référence de l'arrêté", max_length=100)
    signed_on = models.DateField("signé le")
    mandate_start = models.DateField("début des mandats")
    mandate_end = models.DateField("fin des mandats")
    # The quorum the arrêté sets (décret n° 2006-665, art. 8): this share of its seats present, remote or
    # represented; 0: no quorum. Default: half (décret n° 2006-672, art. 11; rules.DEFAULT_QUORUM_PERCENT).
    quorum_percent = models.PositiveSmallIntegerField("quorum (% des sièges)", default=DEFAULT_QUORUM_PERCENT)

    class Meta:
        ordering = ["-signed_on"]
        verbose_name = "arrêté de composition"
        constraints = [
            models.CheckConstraint(
                condition=Q(mandate_end__gt=F("mandate_start")), name="arrete_mandate_ordered"
            ),
            models.CheckConstraint(condition=Q(quorum_percent__lte=100), name="arrete_quorum_percent_max"),
            models.UniqueConstraint(fields=["departement", "reference"], name="arrete_reference_unique"),
        ]

    def __str__(self) -> str:
        return f"Arrêté {self.reference} du {self.signed_on:%d/%m/%Y}"


class Seat(BaseModel):
    """A seat of the commission, as the arrêté lists it (category of R. 121-12-7 CASF)."""

    arrete = models.ForeignKey(Arrete, on_delete=models.CASCADE, related_name="seats")
    category = models.CharField("catégorie", max_length=30, choices=SeatCategory.choices)
    label = models.CharField("intitulé du siège", max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="organisme",
    )
    order = models.PositiveSmallIntegerField("ordre", default=0)
    # The formations the seat sits in, as the arrêté sets them (décret n° 2006-665, art. 8); defaults from the
    # category (rules.sits_in_formation) when the seat is added.
    in_plenary = models.BooleanField("siège en séance plénière", default=True)
    in_restricted = models.BooleanField(
        "siège en formation restreinte (demandes individuelles)", default=True
    )
    in_coordination = models.BooleanField("siège en formation de coordination des mineurs", default=False)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "siège"
        constraints = [
            # The décret of 30 December 2025: these members do not sit on individual PSP files.
            models.CheckConstraint(
                condition=~Q(category__in=["department_president", "child_protection"], in_restricted=True),
                name="seat_not_on_individual_files",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def college(self) -> str:
        return COLLEGE_OF[SeatCategory(self.category)]

    def get_college_display(self) -> str:
        return COLLEGE_OF[SeatCategory(self.category)].label

    @property
    def is_enforcement(self) -> bool:
        return self.category in ENFORCEMENT_CATEGORIES

    @property
    def sits_on_individual_files(self) -> bool:
        return self.category not in NOT_ON_INDIVIDUAL_FILES and self.in_restricted

    def sits_in(self, kind: str) -> bool:
        """Whether the seat is convened to a meeting of formation `kind` (a MeetingKind value)."""
        return {
            "plenary": self.in_plenary,
            "restricted": self.in_restricted,
            "coordination": self.in_coordination,
        }.get(kind, False)

    def formations_display(self) -> list[str]:
        return [
            label
            for flag, label in (
                (self.in_plenary, "plénière"),
                (self.in_restricted, "restreinte"),
                (self.in_coordination, "coordination des mineurs"),
            )
            if flag
        ]


class MandateQuerySet(models.QuerySet):
    def current(self, day):
        return self.filter(start__lte=day, end__gte=day, ended_on__isnull=True)


class Mandate(BaseModel):
    """A member's mandate on a seat, as titular or substitute."""

    class Kind(models.TextChoices):
        TITULAR = "titular", "Titulaire"
        SUBSTITUTE = "substitute", "Suppléant·e"

    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="mandates")
    kind = models.CharField("qualité", max_length=12, choices=Kind.choices)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mandates", verbose_name="membre"
    )
    start = models.DateField("début du mandat")
    end = models.DateField("fin du mandat")
    ended_on = models.DateField("fin anticipée le", null=True, blank=True)

    objects = MandateQuerySet.as_manager()

    class Meta:
        ordering = ["seat__order", "kind", "start"]
        verbose_name = "mandat"
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="mandate_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.member.get_full_name()} — {self.get_kind_display().lower()}, {self.seat}"


# --- Meetings ---


class MeetingKind(models.TextChoices):
    PLENARY = "plenary", "Séance plénière"
    RESTRICTED = "restricted", "Formation restreinte (demandes individuelles)"
    COORDINATION = (
        "coordination",
        "Formation de coordination des parcours des mineurs (décret du 30 décembre 2025)",
    )


class MeetingState(models.TextChoices):
    SCHEDULED = "scheduled", "Programmée"
    CONVENED = "convened", "Convocations envoyées"
    HELD = "held", "Tenue"
    CLOSED = "closed", "Close (procès-verbal figé)"
    CANCELLED = "cancelled", "Annulée"


class MeetingMode(models.TextChoices):
    SESSION = "session", "Séance (sur place ou en visioconférence)"
    WRITTEN = "written", "Consultation écrite (ordonnance n° 2014-1329)"


class MeetingQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=[MeetingState.SCHEDULED, MeetingState.CONVENED, MeetingState.HELD])


class Meeting(BaseModel):
    convocation_document = models.ForeignKey(
        "documents.GeneratedDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField("formation", max_length=12, choices=MeetingKind.choices)
    starts_at = models.DateTimeField("date et heure")
    place = models.CharField("lieu", max_length=200, blank=True)
    video_link = models.URLField("lien de visioconférence", blank=True)
    state = models.CharField(
        "état", max_length=12, choices=MeetingState.choices, default=MeetingState.SCHEDULED
    )
    convened_at = models.DateTimeField("convocations envoyées le", null=True, blank=True)
    # The agenda changed after the convocations (the secretariat is offered to send the corrected agenda),
    # and when the convened members were last told (corrected agenda or cancellation).
    agenda_changed_at = models.DateTimeField(
        "ordre du jour modifié après convocation le", null=True, blank=True
    )
    members_notified_at = models.DateTimeField("membres convoqués prévenus le", null=True, blank=True)
    held_on = models.DateField("tenue le", null=True, blank=True)
    chaired_by = models.CharField("présidée par", max_length=200, blank=True)
    notes = models.TextField("observations", blank=True)
    # A written consultation between meetings (ordonnance n° 2014-1329, décret n° 2014-1627): it opens at
    # `starts_at`, closes at `closes_at`; members vote in their portal; `written_reason` says why (a renewal
    # due before the next meeting, an urgent request).
    mode = models.CharField("forme", max_length=8, choices=MeetingMode.choices, default=MeetingMode.SESSION)
    closes_at = models.DateTimeField("clôture de la consultation écrite", null=True, blank=True)
    written_reason = models.CharField("motif de la consultation écrite", max_length=300, blank=True)
    # Convened again on the same agenda after the quorum failed at `reconvened_from`: deliberates without
    # quorum (décret n° 2006-672, art. 11, al. 2).
    reconvened_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reconvened_as",
        verbose_name="séance reconvoquée après défaut de quorum",
    )
    # Ex officio seats whose holder has no Parcours account: their presence (in person, remote or by proxy)
    # is ticked by the secretariat; they count for the quorum like any seat of the arrêté.
    offline_present = models.ManyToManyField(
        Seat, blank=True, related_name="+", verbose_name="sièges sans compte présents ou représentés"
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = "séance"
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(video_link="") | Q(mode="written"),
                name="meeting_has_place_or_link",
            ),
            models.CheckConstraint(
                condition=(Q(mode="session") & Q(closes_at__isnull=True))
                | (Q(mode="written") & Q(closes_at__gt=F("starts_at")) & ~Q(written_reason="")),
                name="written_consultation_has_window_and_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} du {self.day:%d/%m/%Y}"

    @property
    def is_written(self) -> bool:
        return self.mode == MeetingMode.WRITTEN

    @property
    def without_quorum(self) -> bool:
        return self.reconvened_from_id is not None

    @property
    def agenda_notice_pending(self) -> bool:
        """The agenda changed after the convocations and the convened members have not been told since."""
        return (
            self.state == MeetingState.CONVENED
            and self.agenda_changed_at is not None
            and (self.members_notified_at is None or self.members_notified_at < self.agenda_changed_at)
        )

    @property
    def day(self):
        """The meeting's date where it is held (Europe/Paris): `starts_at` comes back from the database in
        UTC, whose `.date()` is the day before for a meeting starting between midnight and 2 a.m."""
        return timezone.localdate(self.starts_at)


class Situation(BaseModel):
    """A minor's situation followed by the coordination formation, from a partner's detection that was
    transmitted to child protection (an information préoccupante or a signalement). Known to the members by
    the detection's pseudonym only; it comes back on each coordination meeting until the secretariat closes
    it with a reason."""

    class State(models.TextChoices):
        OPEN = "open", "Suivie en coordination"
        CLOSED = "closed", "Close"

    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    detection = models.ForeignKey(
        "referrals.Detection",
        on_delete=models.PROTECT,
        related_name="coordination_situations",
        verbose_name="repérage",
    )
    state = models.CharField("état", max_length=8, choices=State.choices, default=State.OPEN)
    # Written by the secretariat for the members, names taken out (people.redaction): encrypted all the same.
    summary = EncryptedTextField("résumé pseudonymisé", blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_on = models.DateField("close le", null=True, blank=True)
    closing_reason = EncryptedTextField("motif de clôture", blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = "situation suivie en coordination"
        constraints = [
            models.UniqueConstraint(
                fields=["detection"], condition=Q(state="open"), name="situation_open_once_per_detection"
            ),
            models.CheckConstraint(
                condition=Q(state="open", closed_on__isnull=True)
                | Q(state="closed", closed_on__isnull=False),
                name="situation_closed_dated",
            ),
        ]

    def __str__(self) -> str:  # the detection's pseudonym, never an identity
        return f"Situation {self.detection.pseudonym}"


class AgendaItem(BaseModel):
    class Kind(models.TextChoices):
        REQUEST = "request", "Demande de parcours de sortie"
        AGREMENT = "agrement", "Demande d'agrément"
        FREE = "free", "Point libre"
        SITUATION = "situation", "Situation d'un mineur (coordination)"

    class Opinion(models.TextChoices):
        FAVOURABLE = "favourable", "Favorable"
        UNFAVOURABLE = "unfavourable", "Défavorable"
        POSTPONED = "postponed", "Ajourné"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField("type", max_length=10, choices=Kind.choices)
    order = models.PositiveSmallIntegerField("ordre", default=0)
    title = models.CharField("intitulé", max_length=200, blank=True)
    description = models.TextField("présentation", blank=True)
    request = models.ForeignKey(
        "pathways.Request", on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items"
    )
    application = models.ForeignKey(
        "approvals.AgrementApplication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name="demande d'agrément",
    )
    situation = models.ForeignKey(
        Situation, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items"
    )
    opinion = models.CharField("avis", max_length=15, choices=Opinion.choices, blank=True)
    motive = EncryptedTextField("motif", blank=True)  # free text about the person: encrypted
    opinion_recorded_at = models.DateTimeField(null=True, blank=True)
    # The vote (décret n° 2006-672, art. 12): votes for a favourable opinion, against (unfavourable),
    # abstentions; on a tie, the chair's casting vote. Empty: an opinion given without a counted vote.
    votes_for = models.PositiveSmallIntegerField("voix pour un avis favorable", null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField("voix pour un avis défavorable", null=True, blank=True)
    abstentions = models.PositiveSmallIntegerField("abstentions", null=True, blank=True)
    casting_vote = models.CharField(
        "voix prépondérante de la présidence",
        max_length=15,
        blank=True,
        choices=[("favourable", "Favorable"), ("unfavourable", "Défavorable")],
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "point de l'ordre du jour"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(votes_for__isnull=True) & Q(votes_against__isnull=True) & Q(abstentions__isnull=True)
                )
                | (
                    Q(votes_for__isnull=False) & Q(votes_against__isnull=False) & Q(abstentions__isnull=False)
                ),
                name="agenda_item_votes_all_or_none",
            ),
            # A request is on one agenda at a time; a postponed item frees it for the next meeting.
            models.UniqueConstraint(
                fields=["request"],
                condition=~Q(opinion="postponed") & Q(request__isnull=False),
                name="agenda_request_once",
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=~Q(opinion="postponed") & Q(application__isnull=False),
                name="agenda_application_once",
            ),
            models.CheckConstraint(
                condition=(Q(kind="request") & Q(request__isnull=False))
                | (Q(kind="agrement") & Q(application__isnull=False) & Q(request__isnull=True))
                | (Q(kind="free") & Q(request__isnull=True) & Q(application__isnull=True) & ~Q(title=""))
                | (
                    Q(kind="situation")
                    & Q(situation__isnull=False)
                    & Q(request__isnull=True)
                    & Q(application__isnull=True)
                ),
                name="agenda_item_kind_consistent",
            ),
            models.UniqueConstraint(
                fields=["meeting", "situation"],
                condition=Q(situation__isnull=False),
                name="agenda_situation_once_per_meeting",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    @property
    def has_vote(self) -> bool:
        return self.votes_for is not None

    @property
    def tie(self) -> bool:
        return self.has_vote and self.votes_for == self.votes_against


class PlanAction(BaseModel):
    """One action of a situation's coordinated plan: who (a seat of the formation or an organisation), what,
    by when, and where it stands. Recorded at a coordination meeting; its status is followed at the next."""

    class Status(models.TextChoices):
        ONGOING = "ongoing", "En cours"
        DONE = "done", "Réalisée"
        NOT_DONE = "not_done", "Non réalisée"

    situation = models.ForeignKey(Situation, on_delete=models.PROTECT, related_name="actions")
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="plan_actions")
    seat = models.ForeignKey(
        Seat, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="siège"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="organisme",
    )
    what = EncryptedTextField("action")  # about a minor: encrypted, names taken out
    due_on = models.DateField("échéance")
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.ONGOING)
    status_changed_on = models.DateField("état mis à jour le", null=True, blank=True)

    class Meta:
        ordering = ["due_on", "created_at"]
        verbose_name = "action du plan coordonné"
        constraints = [
            models.CheckConstraint(
                condition=Q(seat__isnull=False, organisation__isnull=True)
                | Q(seat__isnull=True, organisation__isnull=False),
                name="plan_action_has_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"Action du plan — {self.situation}"

    @property
    def owner(self):
        return self.seat or self.organisation


class Convocation(BaseModel):
    """A member convened to a meeting, and their answer."""

    class Answer(models.TextChoices):
        PENDING = "pending", "Sans réponse"
        PRESENT = "present", "Sera présent·e"
        SUBSTITUTE = "substitute", "Se fait remplacer par son suppléant"
        ABSENT = "absent", "Excusé·e"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="convocations")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="convocations")
    answer = models.CharField("réponse", max_length=12, choices=Answer.choices, default=Answer.PENDING)
    answered_at = models.DateTimeField("répondu le", null=True, blank=True)
    present = models.BooleanField("présent·e à la séance", null=True, blank=True)
    # Present through a telephone or video conference (counts as present: décret n° 2006-672, art. 11).
    remote = models.BooleanField("à distance", default=False)
    # The member, absent and not replaced by their substitute, gave a proxy to this (present) member
    # (décret n° 2006-672, art. 10): one proxy held at most.
    proxy_holder = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proxies_held",
        verbose_name="procuration donnée à",
    )

    class Meta:
        ordering = ["mandate__seat__order", "mandate__kind"]
        verbose_name = "convocation"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "mandate"], name="convocation_once_per_mandate"),
            models.UniqueConstraint(
                fields=["proxy_holder"], condition=Q(proxy_holder__isnull=False), name="one_proxy_held_each"
            ),
            models.CheckConstraint(
                condition=Q(proxy_holder__isnull=True) | ~Q(proxy_holder=F("pk")), name="proxy_not_to_oneself"
            ),
            models.CheckConstraint(condition=Q(remote=False) | Q(present=True), name="remote_means_present"),
        ]

    def __str__(self) -> str:
        return f"Convocation — {self.mandate}"


class Recusal(BaseModel):
    """A declared conflict of interest: the member does not see the item's summary nor take part in it."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="recusals")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="recusals")
    reason = models.CharField("motif", max_length=200)
    automatic = models.BooleanField("de droit", default=False)

    class Meta:
        verbose_name = "déport"
        constraints = [models.UniqueConstraint(fields=["item", "mandate"], name="recusal_once")]

    def __str__(self) -> str:
        return f"Déport — {self.mandate}"


class Dissent(BaseModel):
    """A member's disagreement with the opinion given on an item, mentioned in the minutes at the member's
    request (décret n° 2006-672, art. 14; art. R. 133-13 CRPA to confirm)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="dissents")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="dissents")
    # What the member asked to be written: may speak of the case, so encrypted (names are taken out).
    statement = EncryptedTextField("désaccord exprimé", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]
        verbose_name = "désaccord mentionné au procès-verbal"
        constraints = [models.UniqueConstraint(fields=["item", "mandate"], name="dissent_once_per_member")]

    def __str__(self) -> str:
        return f"Désaccord — {self.mandate}"


class Ballot(BaseModel):
    """A member's vote on an item of a written consultation, cast in their portal until it closes."""

    class Choice(models.TextChoices):
        FAVOURABLE = "favourable", "Pour un avis favorable"
        UNFAVOURABLE = "unfavourable", "Pour un avis défavorable"
        ABSTENTION = "abstention", "Abstention"

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="ballots")
    convocation = models.ForeignKey(Convocation, on_delete=models.CASCADE, related_name="ballots")
    choice = models.CharField("vote", max_length=12, choices=Choice.choices)

    class Meta:
        ordering = ["created_at"]
        verbose_name = "vote (consultation écrite)"
        constraints = [
            models.UniqueConstraint(fields=["item", "convocation"], name="ballot_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"Vote — {self.get_choice_display()}"


class DecisionSequence(models.Model):
    """The per-département yearly numbering of the prefect's decisions (2026-0001, 2026-0002...)."""

    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["departement", "year"], name="decision_sequence_once")]

    def __str__(self) -> str:
        return f"{self.departement.code} {self.year} : {self.last_number}"


# --- The prefect's decisions ---


class PrefectDecision(BaseModel):
    """One entry of the département's yearly register of the prefect's decisions (ADR 0014).

    Every decision on a request has one: a decision taken after the commission's opinion in a Parcours
    meeting is drafted by the secretariat from the editable template, then signed (number, date) by the
    signatory, who may also send it back with a comment or decide otherwise than the opinion (with the
    reasons); a decision taken outside Parcours (signed on paper) is recorded with its own external
    reference and gets its register number, its document and its letters all the same. The prefect's
    decision to end a pathway is in the same register (outcome « fin du parcours », no request): drafted by
    the secretariat with its reasons, signed, it ends the pathway and produces its act and its letters."""

    class Outcome(models.TextChoices):
        AUTHORISED = "authorised", "Autorisation"
        REFUSED = "refused", "Refus"
        ENDED = "ended", "Fin du parcours"

    class State(models.TextChoices):
        DRAFT = "draft", "À signer"
        RETURNED = "returned", "Renvoyée au secrétariat"
        SIGNED = "signed", "Signée"

    class Origin(models.TextChoices):
        MEETING = "meeting", "Après avis en séance, signée dans Parcours"
        OUTSIDE = "outside", "Prise hors Parcours, enregistrée au registre"
        SECRETARIAT = "secretariat", "Préparée par le secrétariat, signée dans Parcours"

    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="prefect_decisions")
    item = models.OneToOneField(
        AgendaItem, on_delete=models.PROTECT, related_name="decision", null=True, blank=True
    )
    # The request decided on; none for the end of a pathway (the decision is about the pathway itself).
    request = models.OneToOneField(
        "pathways.Request", on_delete=models.PROTECT, related_name="prefect_decision", null=True, blank=True
    )
    pathway = models.ForeignKey(
        "pathways.Pathway",
        on_delete=models.PROTECT,
        related_name="prefect_decisions",
        verbose_name="parcours",
    )
    origin = models.CharField("origine", max_length=12, choices=Origin.choices, default=Origin.MEETING)
    outcome = models.CharField("décision", max_length=12, choices=Outcome.choices)
    motive = EncryptedTextField(
        "motifs (refus, fin du parcours)", blank=True
    )  # free text about the person: encrypted
    # Stated when the decision goes against the commission's opinion (encrypted: about the person).
    divergence_motive = EncryptedTextField("motifs de la décision contraire à l'avis", blank=True)
    # The signatory's comment when sending a draft back to the secretariat (encrypted: about the person).
    return_comment = EncryptedTextField("observations du signataire", blank=True)
    external_reference = models.CharField("référence de l'acte hors Parcours", max_length=100, blank=True)
    # An end of pathway is an unfavourable decision: taken only after the person was told of it and could
    # present observations (CRPA L. 121-1, L. 122-1). The day the notice was handed over, from the procedure
    # held in Parcours (appeals.Procedure) or declared for an act signed outside Parcours.
    hearing_notice_on = models.DateField("préavis remis le", null=True, blank=True)
    period_start = models.DateField("début de période demandé", null=True, blank=True)
    state = models.CharField("état", max_length=10, choices=State.choices, default=State.DRAFT)
    document = models.ForeignKey(
        "documents.GeneratedDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    number = models.PositiveIntegerField(null=True, blank=True)
    reference = models.CharField("numéro", max_length=30, blank=True)
    signed_on = models.DateField("signée le", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Empty only for the decisions recorded by hand before the register existed (migration 0005).
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "décision préfectorale"
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "year", "number"],
                condition=Q(number__isnull=False),
                name="decision_number_unique_per_year",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "returned"])
                | (Q(number__isnull=False) & Q(signed_on__isnull=False)),
                name="signed_decision_has_number_and_date",
            ),
            models.CheckConstraint(
                condition=~Q(origin="meeting") | Q(item__isnull=False),
                name="meeting_decision_has_its_item",
            ),
            models.CheckConstraint(
                condition=(Q(outcome="ended") & Q(request__isnull=True))
                | (~Q(outcome="ended") & Q(request__isnull=False)),
                name="decision_on_a_request_or_an_end",
            ),
        ]

    def __str__(self) -> str:
        return f"Décision {self.reference or '(à signer)'} — {self.get_outcome_display().lower()}"


class Letter(BaseModel):
    """A notification letter generated from a signed decision, for one addressee."""

    class Addressee(models.TextChoices):
        PERSON = "person", "La personne (par l'association)"
        AFIS_PAYER = "afis_payer", "L'organisme payeur de l'AFIS (MSA)"
        IMMIGRATION = "immigration", "Le service des étrangers"

    class Acknowledgement(models.TextChoices):
        SIGNED_RECEIPT = "signed_receipt", "Remise en main propre contre récépissé signé"
        HANDED_UNSIGNED = "handed_unsigned", "Remise en main propre, la personne n'a pas signé de récépissé"
        REGISTERED_MAIL = "registered_mail", "Lettre recommandée avec accusé de réception (date de l'accusé)"

    # What the documents say: no internal label in a title or a file name (issue 11, item 6).
    TITLES = {
        "person": "Notification de la décision",
        "afis_payer": "Notification de la décision à l'organisme payeur de l'AFIS",
        "immigration": "Notification de la décision au service des étrangers",
    }
    FILE_SUFFIXES = {
        "person": "personne",
        "afis_payer": "organisme-payeur",
        "immigration": "service-etrangers",
    }

    decision = models.ForeignKey(PrefectDecision, on_delete=models.PROTECT, related_name="letters")
    addressee = models.CharField("destinataire", max_length=12, choices=Addressee.choices)
    document = models.ForeignKey("documents.GeneratedDocument", on_delete=models.PROTECT, related_name="+")
    # The person's letter, handed over by the association: that day is the notification date the appeal
    # deadline counts from (rules.APPEAL_DEADLINE_MONTHS, CJA R. 421-1).
    notified_on = models.DateField("date de notification (remise à la personne)", null=True, blank=True)
    acknowledgement = models.CharField(
        "preuve de la remise", max_length=20, choices=Acknowledgement.choices, blank=True
    )
    notified_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["addressee"]
        verbose_name = "courrier de notification"
        constraints = [
            models.UniqueConstraint(fields=["decision", "addressee"], name="letter_once_per_addressee"),
            models.CheckConstraint(
                condition=(Q(notified_on__isnull=True) & Q(acknowledgement=""))
                | (Q(notified_on__isnull=False) & ~Q(acknowledgement="")),
                name="letter_notified_with_acknowledgement",
            ),
        ]

    @property
    def appeal_deadline(self):
        """The last day to bring an appeal before the administrative court, once the letter is handed over."""
        from .rules import appeal_deadline

        return appeal_deadline(self.notified_on) if self.notified_on else None

    def __str__(self) -> str:
        return f"Notification — {self.get_addressee_display()}"


class Minutes(BaseModel):
    """The minutes of a meeting: a document drafted from the recorded meeting, editable until frozen."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="minutes")
    document = models.ForeignKey("documents.GeneratedDocument", on_delete=models.PROTECT, related_name="+")
    # Frozen minutes go to every member of the formation (décret n° 2006-672, art. 14; DOMAIN.md).
    sent_at = models.DateTimeField("envoyé aux membres le", null=True, blank=True)
    sent_count = models.PositiveSmallIntegerField("membres destinataires", default=0)

    class Meta:
        verbose_name = "procès-verbal"

    def __str__(self) -> str:
        return f"Procès-verbal — {self.meeting}"
