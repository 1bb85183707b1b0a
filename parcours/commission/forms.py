import uuid
from datetime import datetime

from django import forms
from django.utils import timezone

from parcours.core.forms import DsfrBaseForm
from parcours.core.inputs import DATE_WIDGET
from parcours.core.models import Organisation, User
from parcours.core.roles import Role

from .models import AgendaItem, Convocation, Letter, Mandate, MeetingKind, PlanAction
from .rules import SeatCategory


class ArreteForm(DsfrBaseForm):
    reference = forms.CharField(label="Référence de l'arrêté", max_length=100)
    signed_on = forms.DateField(label="Signé le", widget=DATE_WIDGET)
    mandate_start = forms.DateField(label="Début des mandats", widget=DATE_WIDGET)
    mandate_end = forms.DateField(
        label="Fin des mandats",
        widget=DATE_WIDGET,
        required=False,
        help_text="Par défaut, 3 ans après le début (décret n° 2006-665, art. 9).",
    )
    quorum_percent = forms.IntegerField(
        label="Quorum fixé par l'arrêté (en % des sièges)",
        required=False,
        min_value=0,
        max_value=100,
        help_text="Vide : la moitié des sièges (décret n° 2006-672, art. 11). 0 : l'arrêté ne fixe pas de "
        "quorum. Les sièges de droit sans compte Parcours comptent.",
        error_messages={
            # Django formats these two with the limit (`message % params`): a bare « % » is escaped.
            "min_value": "Le quorum est une part des sièges, de 0 à 100 %%.",
            "max_value": "Le quorum est une part des sièges, de 0 à 100 %%.",
            "invalid": "Indiquez un nombre entier, de 0 à 100.",
        },
    )


FORMATION_CHOICES = [
    ("plenary", "Séance plénière"),
    ("restricted", "Formation restreinte (demandes individuelles)"),
    ("coordination", "Formation de coordination des parcours des mineurs"),
]


class SeatForm(DsfrBaseForm):
    category = forms.ChoiceField(label="Catégorie (art. R. 121-12-7 CASF)", choices=SeatCategory.choices)
    label = forms.CharField(label="Intitulé du siège", max_length=200)
    organisation = forms.ModelChoiceField(
        label="Organisme", queryset=Organisation.objects.none(), required=False, to_field_name="public_id"
    )
    formations = forms.MultipleChoiceField(
        label="Formations où le siège siège (selon l'arrêté)",
        choices=FORMATION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Rien de coché : la règle de la catégorie (plénière pour tous ; restreinte sauf "
        "président du conseil départemental et protection de l'enfance ; coordination pour les "
        "catégories de la formation).",
    )

    def __init__(self, *args, departement, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.in_departement(departement).filter(
            active=True
        )
        if categories is not None:  # the categories of R. 121-12-7 in force today, with today's wording
            self.fields["category"].choices = [(str(code), label) for code, label in categories.items()]


class AppointForm(DsfrBaseForm):
    member = forms.ModelChoiceField(label="Membre", queryset=User.objects.none(), to_field_name="public_id")
    kind = forms.ChoiceField(label="Qualité", choices=Mandate.Kind.choices, widget=forms.RadioSelect)
    start = forms.DateField(label="Début du mandat", widget=DATE_WIDGET, required=False)
    end = forms.DateField(label="Fin du mandat", widget=DATE_WIDGET, required=False)

    def __init__(self, *args, departement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (
            User.objects.filter(
                memberships__role=Role.COMMISSION_MEMBER,
                memberships__active=True,
                memberships__organisation__departement=departement,
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["member"].label_from_instance = lambda u: f"{u.get_full_name()} ({u.username})"


class MandateEndForm(DsfrBaseForm):
    day = forms.DateField(label="Fin anticipée le", widget=DATE_WIDGET)


class WrittenConsultationForm(DsfrBaseForm):
    """A written consultation of the restricted formation between meetings."""

    opens_day = forms.DateField(label="Ouverture le", widget=DATE_WIDGET)
    opens_time = forms.TimeField(
        label="à", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"), initial="09:00"
    )
    closes_day = forms.DateField(label="Clôture le", widget=DATE_WIDGET)
    closes_time = forms.TimeField(
        label="à", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"), initial="18:00"
    )
    reason = forms.CharField(
        label="Pourquoi consulter par écrit",
        max_length=300,
        help_text="Ex. : renouvellements qui arrivent à échéance avant la prochaine séance ; "
        "demande urgente. Sans nom.",
    )
    chaired_by = forms.CharField(label="Présidée par", max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        for prefix in ("opens", "closes"):
            day, time = cleaned.get(f"{prefix}_day"), cleaned.get(f"{prefix}_time")
            if day and time:
                cleaned[f"{prefix}_at"] = timezone.make_aware(datetime.combine(day, time))
        return cleaned


class ReconveneForm(DsfrBaseForm):
    """The new meeting, on the same agenda, after the quorum failed."""

    day = forms.DateField(label="Date de la nouvelle séance", widget=DATE_WIDGET)
    time = forms.TimeField(label="Heure", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    place = forms.CharField(label="Lieu", max_length=200, required=False)
    video_link = forms.URLField(
        label="Lien de visioconférence", required=False, assume_scheme="https", max_length=200
    )
    chaired_by = forms.CharField(label="Présidée par", max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("day") and cleaned.get("time"):
            cleaned["starts_at"] = timezone.make_aware(datetime.combine(cleaned["day"], cleaned["time"]))
        return cleaned


class MeetingForm(DsfrBaseForm):
    kind = forms.ChoiceField(label="Formation", choices=MeetingKind.choices, widget=forms.RadioSelect)
    day = forms.DateField(label="Date", widget=DATE_WIDGET)
    time = forms.TimeField(label="Heure", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    place = forms.CharField(label="Lieu", max_length=200, required=False)
    video_link = forms.URLField(
        label="Lien de visioconférence", required=False, assume_scheme="https", max_length=200
    )
    chaired_by = forms.CharField(label="Présidée par", max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("day") and cleaned.get("time"):
            cleaned["starts_at"] = timezone.make_aware(datetime.combine(cleaned["day"], cleaned["time"]))
        return cleaned


class PoolForm(DsfrBaseForm):
    """Pick one object of a pool (what may be put on an agenda) by its public id: the field `pick`, a
    ChoiceField, offers the pool with `choice_label` and cleans to the object."""

    pick: str

    def __init__(self, *args, pool, **kwargs):
        super().__init__(*args, **kwargs)
        self.pool = {str(obj.public_id): obj for obj in pool}
        self.fields[self.pick].choices = [(key, self.choice_label(obj)) for key, obj in self.pool.items()]

    @staticmethod
    def choice_label(obj) -> str:
        return str(obj)

    def clean(self):
        cleaned = super().clean()
        if self.pick in cleaned:  # a valid choice: a key of the pool
            cleaned[self.pick] = self.pool[cleaned[self.pick]]
        return cleaned


# How many ready requests the meeting page lists at once (the rest on the next pages of the list).
REQUEST_POOL_PAGE_SIZE = 20


def _uuids(values) -> list[str]:
    result = []
    for value in values:
        try:
            result.append(str(uuid.UUID(str(value))))
        except ValueError:
            continue
    return result


class AddRequestForm(DsfrBaseForm):
    """The ready requests to put on the agenda, ticked in one page of the pool (a département may have
    hundreds: never all in one list); the ticked ones are looked up in the pool, by id, when posted."""

    request = forms.MultipleChoiceField(
        label="Demandes prêtes pour la commission",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une demande à inscrire."},
    )

    def __init__(self, *args, pool, shown=(), **kwargs):
        super().__init__(*args, **kwargs)
        rows = list(shown)
        if self.is_bound:
            posted = _uuids(self.data.getlist("request") if hasattr(self.data, "getlist") else [])
            rows += list(pool.filter(public_id__in=posted)) if posted else []
        self.pool = {str(r.public_id): r for r in rows}
        self.fields["request"].choices = [
            (
                key,
                f"{r.pathway.person.pseudonym} — {r.get_kind_display().lower()} ({r.pathway.association}), "
                f"{r.get_state_display().lower()}",
            )
            for key, r in self.pool.items()
        ]

    def clean_request(self):
        return [self.pool[key] for key in self.cleaned_data["request"]]


class FreeItemForm(DsfrBaseForm):
    title = forms.CharField(label="Intitulé du point", max_length=200)
    description = forms.CharField(
        label="Présentation", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ConveneForm(DsfrBaseForm):
    urgent = forms.BooleanField(label="Urgence : convoquer moins de 5 jours avant la séance", required=False)


def _member_label(c) -> str:
    return f"{c.mandate.member.get_full_name()} — {c.mandate.seat} ({c.mandate.get_kind_display()})"


class AttendanceForm(DsfrBaseForm):
    present = forms.MultipleChoiceField(
        label="Membres présents (sur place ou à distance)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    remote = forms.MultipleChoiceField(
        label="Dont présents à distance (téléphone ou visioconférence)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Un membre qui prend part aux débats à distance compte pour le quorum (décret n° 2006-672, "
        "art. 11). Cochez-le aussi parmi les présents ; les sièges sont nommés dans le même ordre.",
    )
    offline = forms.MultipleChoiceField(
        label="Sièges de droit sans compte Parcours, présents ou représentés",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leur titulaire a été convoqué hors Parcours ; ces sièges comptent pour le quorum.",
    )

    def __init__(self, *args, convocations, offline_seats=(), offline_present=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.by_key = {str(c.public_id): c for c in convocations}
        self.fields["present"].choices = [(key, _member_label(c)) for key, c in self.by_key.items()]
        # By seat (the member is named in the list above): one label per member on the page.
        self.fields["remote"].choices = [
            (key, f"Siège {c.mandate.seat} ({c.mandate.get_kind_display().lower()}) à distance")
            for key, c in self.by_key.items()
        ]
        self.fields["present"].initial = [key for key, c in self.by_key.items() if c.present]
        self.fields["remote"].initial = [key for key, c in self.by_key.items() if c.remote]
        self.seats = {str(seat.public_id): seat for seat in offline_seats}
        self.fields["offline"].choices = [(key, seat.label) for key, seat in self.seats.items()]
        self.fields["offline"].initial = [str(seat.public_id) for seat in offline_present]
        if not self.seats:
            del self.fields["offline"]

    def clean_present(self):
        return {self.by_key[key].pk for key in self.cleaned_data["present"]}

    def clean_remote(self):
        return {self.by_key[key].pk for key in self.cleaned_data["remote"]}

    def clean_offline(self):
        return {self.seats[key].pk for key in self.cleaned_data.get("offline", [])}


class ProxyForm(DsfrBaseForm):
    giver = forms.ChoiceField(label="Membre absent qui donne procuration")
    holder = forms.ChoiceField(label="Membre présent qui la reçoit")

    def __init__(self, *args, convocations, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_key = {str(c.public_id): c for c in convocations}
        self.fields["giver"].choices = [
            (key, _member_label(c))
            for key, c in self.by_key.items()
            if not c.present and not c.proxy_holder_id
        ]
        self.fields["holder"].choices = [
            (key, _member_label(c)) for key, c in self.by_key.items() if c.present
        ]

    def clean_giver(self):
        return self.by_key[self.cleaned_data["giver"]]

    def clean_holder(self):
        return self.by_key[self.cleaned_data["holder"]]


class RecusalForm(DsfrBaseForm):
    mandate = forms.ChoiceField(label="Membre qui se déporte")
    reason = forms.CharField(label="Motif", max_length=200)

    def __init__(self, *args, convocations: list[Convocation], **kwargs):
        super().__init__(*args, **kwargs)
        self.by_key = {str(c.mandate.public_id): c.mandate for c in convocations}
        self.fields["mandate"].choices = [
            (key, f"{m.member.get_full_name()} — {m.seat}") for key, m in self.by_key.items()
        ]

    def clean_mandate(self):
        return self.by_key[self.cleaned_data["mandate"]]


VOTE_ERRORS = {"min_value": "Un nombre de voix ne peut pas être négatif.", "invalid": "Indiquez un nombre."}


def _votes(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, min_value=0, max_value=999, error_messages=VOTE_ERRORS
    )


class OpinionForm(DsfrBaseForm):
    opinion = forms.ChoiceField(
        label="Avis de la commission", choices=AgendaItem.Opinion.choices, widget=forms.RadioSelect
    )
    votes_for = _votes("Voix pour un avis favorable")
    votes_against = _votes("Voix pour un avis défavorable")
    abstentions = _votes("Abstentions")
    casting_vote = forms.ChoiceField(
        label="En cas de partage égal des voix : voix prépondérante de la présidence",
        choices=[("", "Pas de partage"), ("favourable", "Favorable"), ("unfavourable", "Défavorable")],
        required=False,
        help_text="Décret n° 2006-672, art. 12 : la commission se prononce à la majorité des voix "
        "des membres présents ou représentés ; la présidence départage.",
    )
    motive = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, written=False, **kwargs):
        super().__init__(*args, **kwargs)
        if written:  # the ballots cast in the portal are counted: nothing to type
            for name in ("votes_for", "votes_against", "abstentions"):
                del self.fields[name]


class DissentForm(DsfrBaseForm):
    mandate = forms.ChoiceField(label="Membre qui demande la mention de son désaccord")
    statement = forms.CharField(
        label="Désaccord exprimé (facultatif)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
        help_text="Mentionné au procès-verbal (décret n° 2006-672, art. 14). Sans nom.",
    )

    def __init__(self, *args, convocations, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_key = {
            str(c.mandate.public_id): c.mandate for c in convocations if c.present or c.proxy_holder_id
        }
        self.fields["mandate"].choices = [
            (key, f"{m.member.get_full_name()} — {m.seat}") for key, m in self.by_key.items()
        ]

    def clean_mandate(self):
        return self.by_key[self.cleaned_data["mandate"]]


class BallotForm(DsfrBaseForm):
    choice = forms.ChoiceField(
        label="Votre vote",
        choices=[
            ("favourable", "Pour un avis favorable"),
            ("unfavourable", "Pour un avis défavorable"),
            ("abstention", "Abstention"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez votre vote.", "invalid_choice": "Choisissez votre vote."},
    )


def _divergence_motive(help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label="Motifs d'une décision contraire à l'avis de la commission",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=help_text,
    )


SIGNER_EXAMPLE = "Ex. : « Pour le préfet et par délégation, le secrétaire général »."


def _signer(help_text: str = SIGNER_EXAMPLE) -> forms.CharField:
    return forms.CharField(label="Signataire", max_length=200, required=False, help_text=help_text)


class DecisionDraftForm(DsfrBaseForm):
    outcome = forms.ChoiceField(
        label="Décision proposée au préfet",
        choices=[("authorised", "Autorisation"), ("refused", "Refus")],
        widget=forms.RadioSelect,
    )
    motive = forms.CharField(
        label="Motifs (obligatoires en cas de refus)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    period_start = forms.DateField(
        label="Début de période souhaité",
        widget=DATE_WIDGET,
        required=False,
        help_text="Vide : la période commence à la signature (ou le lendemain de la période en cours).",
    )
    divergence_motive = _divergence_motive("Obligatoires si la décision proposée ne suit pas l'avis.")


class EndSignForm(DsfrBaseForm):
    """The signature of a decision: the day and who signs (that of an end decision, nothing more)."""

    day = forms.DateField(label="Date de signature", widget=DATE_WIDGET)
    signer = _signer(f"{SIGNER_EXAMPLE} Vide : la qualité inscrite dans l'en-tête des documents.")


class SignForm(EndSignForm):
    """The signature of a decision on a request: the prefect may decide otherwise than the draft."""

    outcome = forms.ChoiceField(
        label="Décision signée",
        choices=[("", "Celle qui est préparée"), ("authorised", "Autorisation"), ("refused", "Refus")],
        required=False,
        help_text="Le préfet peut décider autrement que le projet ; contre l'avis, il en dit les motifs.",
    )
    divergence_motive = _divergence_motive()


class ReturnForm(DsfrBaseForm):
    comment = forms.CharField(
        label="Observations pour le secrétariat",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class AddApplicationForm(PoolForm):
    pick = "application"
    application = forms.ChoiceField(label="Demande d'agrément complète, en attente de l'avis")

    @staticmethod
    def choice_label(a) -> str:
        return f"{a.organisation} — {a.get_kind_display().lower()}"


class LetterHandoverForm(DsfrBaseForm):
    day = forms.DateField(
        label="Date de remise à la personne",
        widget=DATE_WIDGET,
        help_text="C'est la date de notification : le délai de recours de deux mois court à partir d'elle.",
    )
    acknowledgement = forms.ChoiceField(
        label="Preuve de la remise", choices=Letter.Acknowledgement.choices, widget=forms.RadioSelect
    )


# --- The end of a pathway decided by the prefect ---

END_MOTIVE_HELP = (
    "Une décision défavorable est motivée (article L. 211-2 du code des relations entre le public et "
    "l'administration) : les faits et les engagements non tenus, sans détail inutile sur la vie de la "
    "personne."
)


class EndDecisionDraftForm(DsfrBaseForm):
    motive = forms.CharField(
        label="Motifs de la fin du parcours",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        help_text=END_MOTIVE_HELP,
    )


class EndDecisionOutsideForm(EndDecisionDraftForm):
    """The same reasons, with the act signed on paper: its reference, its day and who signed it."""

    field_order = ["external_reference", "hearing_notice_on", "day", "motive", "signer"]
    external_reference = forms.CharField(label="Référence de l'acte signé hors Parcours", max_length=100)
    hearing_notice_on = forms.DateField(
        label="Préavis remis à la personne le",
        widget=DATE_WIDGET,
        help_text="La procédure contradictoire menée hors Parcours : le jour où le préavis motivé a "
        "été remis à la personne, avant la décision.",
    )
    day = forms.DateField(label="Date de la décision", widget=DATE_WIDGET)
    signer = _signer()


# --- The coordination of minors' individual pathways ---


class AddSituationForm(PoolForm):
    pick = "detection"
    detection = forms.ChoiceField(label="Repérage d'un mineur transmis à la protection de l'enfance")
    summary = forms.CharField(
        label="Résumé pseudonymisé pour les membres (facultatif)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text="Sans nom ni élément identifiant : un nom enregistré au repérage est remplacé par le code.",
    )

    @staticmethod
    def choice_label(d) -> str:
        return (
            f"{d.pseudonym} — {d.get_age_band_display().lower()}, repéré le {d.detected_on:%d/%m/%Y} "
            f"par {d.organisation}"
        )


class FollowUpForm(PoolForm):
    pick = "situation"
    situation = forms.ChoiceField(label="Situation suivie en coordination")

    @staticmethod
    def choice_label(s) -> str:
        return f"{s.detection.pseudonym} — ouverte le {timezone.localdate(s.created_at):%d/%m/%Y}"


class SituationSummaryForm(DsfrBaseForm):
    summary = forms.CharField(
        label="Résumé pseudonymisé pour les membres",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text="Sans nom ni élément identifiant : un nom enregistré au repérage est remplacé par le code.",
    )


class PlanActionForm(DsfrBaseForm):
    owner = forms.ChoiceField(label="Qui (siège de la formation ou organisme)")
    what = forms.CharField(
        label="Quoi", widget=forms.Textarea(attrs={"rows": 2}), max_length=500, help_text="Sans nom."
    )
    due_on = forms.DateField(label="Pour quand", widget=DATE_WIDGET)

    def __init__(self, *args, seats, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.owners = {f"siege-{s.public_id}": s for s in seats}
        self.owners.update({f"organisme-{o.public_id}": o for o in organisations})
        self.fields["owner"].choices = [
            ("Sièges de la formation", [(f"siege-{s.public_id}", s.label) for s in seats]),
            ("Organismes du département", [(f"organisme-{o.public_id}", str(o)) for o in organisations]),
        ]

    def clean_owner(self):
        return self.owners[self.cleaned_data["owner"]]


class ActionStatusForm(DsfrBaseForm):
    status = forms.ChoiceField(
        label="Où en est l'action", choices=PlanAction.Status.choices, widget=forms.RadioSelect
    )


class CloseSituationForm(DsfrBaseForm):
    reason = forms.CharField(
        label="Motif de la clôture",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        help_text="Ex. : mesure de protection en place, majorité atteinte, départ du département. Sans nom.",
    )
