from django import forms

from parcours.core.forms import DsfrBaseForm
from parcours.core.inputs import DATE_WIDGET
from parcours.core.models import Organisation, OrganisationKind
from parcours.stats import registry

from . import rules
from .models import ActionStatus, IndicatorKind, TargetBasis

FIGURE = {"min_value": 0, "max_value": rules.MAX_FIGURE, "max_digits": 12, "decimal_places": 2}
FIGURE_ERRORS = {
    "min_value": "La valeur ne peut pas être négative.",
    "max_value": "Cette valeur est trop grande.",
    "invalid": "Saisissez un nombre.",
    "max_decimal_places": "Deux décimales au plus.",
    "max_digits": "Cette valeur est trop grande.",
    "max_whole_digits": "Cette valeur est trop grande.",
}


class ConventionForm(DsfrBaseForm):
    title = forms.CharField(label="Intitulé de la convention", max_length=200)
    reference = forms.CharField(label="Référence", required=False, max_length=100)
    signed_on = forms.DateField(label="Date de signature", widget=DATE_WIDGET)
    start = forms.DateField(label="Prend effet le", widget=DATE_WIDGET)
    duration_months = forms.IntegerField(
        label="Durée (en mois)",
        required=False,
        min_value=1,
        max_value=rules.MAX_CONVENTION_MONTHS,
        help_text="Ou bien la date de fin ci-dessous : l'un des deux.",
    )
    end = forms.DateField(label="Prend fin le", required=False, widget=DATE_WIDGET)
    renewal_terms = forms.CharField(
        label="Modalités de renouvellement",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Par exemple : « renouvelable une fois par tacite reconduction ».",
    )


class AxisForm(DsfrBaseForm):
    title = forms.CharField(label="Intitulé de l'axe", max_length=300)


def _organisations(departement):
    return Organisation.objects.filter(departement=departement, active=True).order_by("kind", "name")


class PartyForm(DsfrBaseForm):
    organisation = forms.ModelChoiceField(
        label="Organisation du département",
        queryset=Organisation.objects.none(),
        required=False,
        to_field_name="public_id",
        empty_label="— Partie hors de Parcours (nom ci-dessous) —",
        error_messages={"invalid_choice": "Choisissez une organisation de la liste."},
    )
    name = forms.CharField(
        label="Ou nom de la partie",
        required=False,
        max_length=200,
        help_text="Une partie qui n'est pas une organisation de Parcours (une union, un organisme national).",
    )
    kind = forms.ChoiceField(
        label="Type de cette partie",
        required=False,
        choices=[("", "— Choisir —"), *OrganisationKind.choices],
        help_text="Seulement pour une partie saisie par son nom.",
    )
    signatory_name = forms.CharField(label="Signataire (prénom et nom)", required=False, max_length=100)
    signatory_capacity = forms.CharField(label="Qualité du signataire", required=False, max_length=200)

    def __init__(self, *args, departement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations(departement)


class CommitmentForm(DsfrBaseForm):
    party = forms.ModelChoiceField(
        label="Partie qui s'engage",
        queryset=None,
        to_field_name="public_id",
        error_messages={"invalid_choice": "Choisissez une partie de la convention."},
    )
    axis = forms.ModelChoiceField(
        label="Axe",
        queryset=None,
        required=False,
        to_field_name="public_id",
        empty_label="— Aucun axe —",
        error_messages={"invalid_choice": "Choisissez un axe de la convention."},
    )
    text = forms.CharField(label="Engagement", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = convention.parties.select_related("organisation")
        self.fields["axis"].queryset = convention.axes.all()


def measure_choices() -> list[tuple[str, str]]:
    """The measures registered at runtime (each app's measures.py), by code."""
    return [("", "— Choisir une mesure —")] + [
        (m.code, f"{m.label} ({m.code})") for m in registry.all_measures()
    ]


class IndicatorForm(DsfrBaseForm):
    owner = forms.ModelChoiceField(label="", queryset=None, to_field_name="public_id")
    kind = forms.ChoiceField(
        label="Type d'indicateur", choices=IndicatorKind.choices, widget=forms.RadioSelect
    )
    measure_code = forms.ChoiceField(
        label="Mesure calculée par Parcours",
        required=False,
        choices=(),
        help_text="Seulement pour une mesure calculée : la liste des mesures que Parcours sait calculer.",
        error_messages={
            "invalid_choice": "Cette mesure n'existe pas dans Parcours : choisissez-en une dans la liste."
        },
    )
    label = forms.CharField(
        label="Intitulé",
        required=False,
        max_length=200,
        help_text="Obligatoire pour un indicateur saisi ; pour une mesure, remplace son nom au besoin.",
    )
    target = forms.DecimalField(label="Cible", required=False, error_messages=FIGURE_ERRORS, **FIGURE)
    target_basis = forms.ChoiceField(
        label="La cible vaut", choices=TargetBasis.choices, initial=TargetBasis.YEAR
    )

    owner_label = ""

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label = self.owner_label
        # The DSFR form binds its fields while it is built: the bound field keeps the label it had then.
        self._bound_fields_cache.pop("owner", None)
        self.fields["measure_code"].choices = measure_choices()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == IndicatorKind.MEASURE and not cleaned.get("measure_code"):
            self.add_error("measure_code", "Choisissez la mesure qui fournit les chiffres.")
        if cleaned.get("kind") == IndicatorKind.MANUAL and not (cleaned.get("label") or "").strip():
            self.add_error("label", "Donnez un intitulé à l'indicateur saisi à la main.")
        return cleaned


class CommitmentIndicatorForm(IndicatorForm):
    owner_label = "Engagement mesuré"
    party_only = forms.BooleanField(
        label="Compter seulement l'activité de la partie qui s'engage",
        required=False,
        help_text="Sinon, la mesure porte sur tout le département.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].error_messages["invalid_choice"] = "Choisissez un engagement de la convention."


class ObjectiveIndicatorForm(IndicatorForm):
    owner_label = "Objectif mesuré"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].error_messages["invalid_choice"] = "Choisissez un objectif de la stratégie."


class ManualValueForm(DsfrBaseForm):
    indicator = forms.ModelChoiceField(
        label="Indicateur",
        queryset=None,
        to_field_name="public_id",
        error_messages={"invalid_choice": "Choisissez un indicateur saisi à la main."},
    )
    period_start = forms.DateField(label="Du", widget=DATE_WIDGET)
    period_end = forms.DateField(label="Au", widget=DATE_WIDGET)
    value = forms.DecimalField(label="Valeur", error_messages=FIGURE_ERRORS, **FIGURE)
    note = forms.CharField(label="Précision", required=False, max_length=200)

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators


class ReviewMeetingForm(DsfrBaseForm):
    held_on = forms.DateField(label="Date de la réunion", widget=DATE_WIDGET)
    participants = forms.CharField(
        label="Participants (organisations et qualités)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    minutes = forms.CharField(label="Compte rendu", widget=forms.Textarea(attrs={"rows": 5}))
    decisions = forms.CharField(label="Décisions", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(DsfrBaseForm):
    day = forms.DateField(label="Close le", widget=DATE_WIDGET)
    reason = forms.CharField(
        label="Motif",
        max_length=200,
        help_text="Par exemple : « terme atteint, non renouvelée » ou « dénoncée par une partie ».",
    )


# --- Strategy ---


class StrategyForm(DsfrBaseForm):
    title = forms.CharField(label="Intitulé", max_length=200)
    first_year = forms.IntegerField(label="Première année", min_value=2016, max_value=2100)
    last_year = forms.IntegerField(label="Dernière année", min_value=2016, max_value=2100)
    adopted_on = forms.DateField(label="Adoptée en séance plénière le", required=False, widget=DATE_WIDGET)


class ObjectiveForm(DsfrBaseForm):
    title = forms.CharField(label="Intitulé de l'objectif", max_length=300)


class ActionForm(DsfrBaseForm):
    objective = forms.ModelChoiceField(
        label="Objectif",
        queryset=None,
        to_field_name="public_id",
        error_messages={"invalid_choice": "Choisissez un objectif de la stratégie."},
    )
    title = forms.CharField(label="Action", max_length=300)
    owner = forms.ModelChoiceField(
        label="Porteur",
        queryset=Organisation.objects.none(),
        to_field_name="public_id",
        error_messages={"invalid_choice": "Choisissez une organisation du département."},
    )
    deadline = forms.DateField(label="Échéance", widget=DATE_WIDGET)
    status = forms.ChoiceField(label="État", choices=ActionStatus.choices, initial=ActionStatus.PLANNED)

    def __init__(self, *args, strategy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = strategy.objectives.all()
        self.fields["owner"].queryset = _organisations(strategy.departement)


class ActionUpdateForm(DsfrBaseForm):
    status = forms.ChoiceField(label="État", choices=ActionStatus.choices)
    deadline = forms.DateField(label="Échéance", widget=DATE_WIDGET)


class StrategyReviewForm(DsfrBaseForm):
    """The yearly review, with one status field per action (`action_<public id hex>`)."""

    year = forms.IntegerField(label="Année du bilan", min_value=2016, max_value=2100)
    held_on = forms.DateField(label="Date du bilan", widget=DATE_WIDGET)
    text = forms.CharField(label="Bilan de l'année", widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = list(actions)
        for action in self.actions:
            self.fields[f"action_{action.public_id.hex}"] = forms.ChoiceField(
                label=f"État de l'action « {action.title} »",
                choices=ActionStatus.choices,
                initial=action.status,
            )

    def statuses(self) -> dict[int, str]:
        return {a.pk: self.cleaned_data[f"action_{a.public_id.hex}"] for a in self.actions}
