"""Short forms, counts only: plain forms whose values the services check (consistency, dates)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.forms.models import fields_for_model

from parcours.core.forms import DsfrBaseForm
from parcours.core.inputs import DATE_WIDGET
from parcours.core.models import Organisation

from .models import (
    COURSE_ORIGINS,
    PROFESSIONS,
    Audience,
    ClientCourseSession,
    Establishment,
    OutreachNeed,
    OutreachRound,
    PreventionAction,
    Training,
)
from .selectors import establishments_of


class ActionForm(DsfrBaseForm):
    """Base of the four action forms. The secretariat names the organisation that ran the action."""

    fieldsets: list[tuple[str, list[str]]] = []

    def __init__(self, *args, actor, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].widget = DATE_WIDGET
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField):
                field.min_value = 0
                field.widget.attrs.setdefault("min", 0)
        if actor.is_secretariat:
            self.fields["organisation"] = forms.ModelChoiceField(
                label="Organisation qui a mené l'action",
                queryset=Organisation.objects.filter(departement=actor.departement, active=True),
                to_field_name="public_id",
                initial=actor.organisation.public_id,
                error_messages={"invalid_choice": "Choisissez une organisation du département."},
            )
            self.fieldsets = [("Organisation", ["organisation"]), *self.fieldsets]

    def action_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "organisation"}


def _fields(model, names, **overrides):
    fields = fields_for_model(model, fields=names)
    fields.update(overrides)
    return fields


OUTREACH_FIELDS = [
    "held_on",
    "kind",
    "duration_minutes",
    "area",
    "platform_type",
    "ads_seen",
    "contacts",
    "people_met",
    "minors_met",
    "needs",
    "referrals_made",
    "reports_pharos",
    "reports_platforms",
]

OutreachForm = type(
    "OutreachForm",
    (ActionForm,),
    _fields(
        OutreachRound,
        OUTREACH_FIELDS,
        kind=forms.ChoiceField(
            label="Type de maraude",
            choices=OutreachRound._meta.get_field("kind").choices,
            widget=forms.RadioSelect,
        ),
        area=forms.CharField(
            label="Secteur parcouru",
            required=False,
            max_length=200,
            help_text="Maraude de rue : quartier, axe…",
        ),
        platform_type=forms.ChoiceField(
            label="Type de plateforme",
            required=False,
            choices=[("", "—"), *OutreachRound._meta.get_field("platform_type").choices],
            help_text="Maraude numérique : où les annonces ou profils ont été consultés.",
        ),
        needs=forms.MultipleChoiceField(
            label="Besoins repérés",
            required=False,
            choices=OutreachNeed.choices,
            widget=forms.CheckboxSelectMultiple,
        ),
    ),
)
OutreachForm.fieldsets = [
    ("La maraude", ["held_on", "kind", "duration_minutes", "area", "platform_type"]),
    (
        "Ce qui a été vu et fait",
        ["ads_seen", "contacts", "people_met", "minors_met", "needs", "referrals_made"],
    ),
    ("Signalements", ["reports_pharos", "reports_platforms"]),
]


PREVENTION_FIELDS = ["held_on", "establishments", "other_public", "audience", "people_reached", "theme"]

_PreventionFields = type(
    "PreventionFields",
    (ActionForm,),
    _fields(
        PreventionAction,
        PREVENTION_FIELDS,
        establishments=forms.ModelMultipleChoiceField(
            label="Établissements de la liste",
            required=False,
            queryset=Establishment.objects.none(),
            to_field_name="public_id",
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": "Choisissez les établissements dans la liste du département."},
        ),
        other_public=forms.CharField(
            label="Autre public",
            required=False,
            max_length=200,
            help_text="Hors de la liste : centre social, foyer, club sportif…",
        ),
        audience=forms.MultipleChoiceField(
            label="Public touché", choices=Audience.choices, widget=forms.CheckboxSelectMultiple
        ),
    ),
)


class PreventionForm(_PreventionFields):
    fieldsets = [
        ("L'action", ["held_on", "theme"]),
        ("Où et pour qui", ["establishments", "other_public", "audience", "people_reached"]),
    ]

    def __init__(self, *args, actor, item=None, **kwargs):
        super().__init__(*args, actor=actor, item=item, **kwargs)
        # The list's establishments, and those the action already names even if taken out of the list since.
        named = item.establishments.values("pk") if item is not None else []
        self.fields["establishments"].queryset = establishments_of(actor.departement).filter(
            Q(active=True) | Q(pk__in=named)
        )


TRAINING_FIELDS = ["held_on", "title", *(name for name, _ in PROFESSIONS), "total_attendees", "hours"]

TrainingForm = type("TrainingForm", (ActionForm,), _fields(Training, TRAINING_FIELDS))
TrainingForm.fieldsets = [
    ("La formation", ["held_on", "title", "hours"]),
    ("Participants par profession", [name for name, _ in PROFESSIONS]),
    ("Total", ["total_attendees"]),
]

COURSE_FIELDS = [
    "held_on",
    *(f"ordered_{key}" for key, _ in COURSE_ORIGINS),
    *(f"completed_{key}" for key, _ in COURSE_ORIGINS),
    "fee_euros",
]

CourseForm = type("CourseForm", (ActionForm,), _fields(ClientCourseSession, COURSE_FIELDS))
CourseForm.fieldsets = [
    ("La session", ["held_on", "fee_euros"]),
    ("Participants convoqués, par origine", [f"ordered_{key}" for key, _ in COURSE_ORIGINS]),
    ("Participants ayant suivi le stage, par origine", [f"completed_{key}" for key, _ in COURSE_ORIGINS]),
]


class EstablishmentForm(DsfrBaseForm):
    kind = forms.ChoiceField(label="Type", choices=Establishment._meta.get_field("kind").choices)
    name = forms.CharField(label="Nom", max_length=200)
    commune = forms.CharField(label="Commune", max_length=100)
    uai = forms.CharField(
        label="Code UAI (facultatif)", required=False, max_length=8, help_text="7 chiffres et une lettre"
    )
    active = forms.BooleanField(label="Dans la liste", required=False, initial=True)


class EstablishmentImportForm(DsfrBaseForm):
    file = forms.FileField(
        label="Fichier CSV des établissements",
        help_text="Colonnes : type ; nom ; commune ; uai (facultative). Encodage UTF-8.",
    )
