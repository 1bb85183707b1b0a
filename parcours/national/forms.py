from django import forms

from parcours.core.forms import DsfrBaseForm

from . import selectors


class NationalForm(DsfrBaseForm):
    """The year (among those received) and the indicator (the registry's, grouped by app)."""

    annee = forms.TypedChoiceField(
        label="Année",
        coerce=int,
        error_messages={"invalid_choice": "Choisissez une année de la liste (les années reçues)."},
    )
    indicateur = forms.ChoiceField(
        label="Indicateur",
        error_messages={
            "invalid_choice": "Indicateur inconnu : choisissez un indicateur de la liste.",
            "required": "Choisissez un indicateur.",
        },
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [(y, str(y)) for y in years]
        self.fields["indicateur"].choices = [
            (group, [(m.code, m.label) for m in measures]) for group, measures in selectors.grouped_measures()
        ]


class IndicatorForm(DsfrBaseForm):
    """One indicator of a département's release."""

    indicateur = forms.ChoiceField(
        label="Indicateur",
        error_messages={"invalid_choice": "Indicateur inconnu : choisissez un indicateur de la liste."},
    )

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicateur"].choices = choices
