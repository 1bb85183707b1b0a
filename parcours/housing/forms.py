from django import forms

from parcours.core.forms import DsfrBaseForm
from parcours.core.inputs import DATE_WIDGET, not_in_future

from .models import DaloDecision, PlaceKind, Priority, SiaoRequest

NUMBER_MAX_LENGTH = 40


class SiaoRequestForm(DsfrBaseForm):
    requested_on = forms.DateField(
        label="Demande transmise au SIAO le", widget=DATE_WIDGET, validators=[not_in_future]
    )
    orientation = forms.ChoiceField(label="Orientation préconisée", choices=PlaceKind.choices)
    number = forms.CharField(
        label="Numéro de la demande SIAO", required=False, help_text="Facultatif. Enregistré chiffré."
    )
    max_lengths = {"number": NUMBER_MAX_LENGTH}


class SiaoOutcomeForm(DsfrBaseForm):
    status = forms.ChoiceField(
        label="Issue",
        choices=[c for c in SiaoRequest.Status.choices if c[0] != SiaoRequest.Status.PENDING],
    )
    placement = forms.ChoiceField(
        label="Place obtenue", choices=[("", "—"), *PlaceKind.choices], required=False
    )
    day = forms.DateField(
        label="Date de l'entrée dans la place ou de la fin", widget=DATE_WIDGET, validators=[not_in_future]
    )


class HousingRequestForm(DsfrBaseForm):
    filed_on = forms.DateField(
        label="Demande de logement social déposée le", widget=DATE_WIDGET, validators=[not_in_future]
    )
    registration_number = forms.CharField(
        label="Numéro unique d'enregistrement", required=False, help_text="Facultatif. Enregistré chiffré."
    )
    priority = forms.ChoiceField(label="Priorité d'attribution", choices=Priority.choices)
    prefect_quota = forms.BooleanField(label="Présentée sur le contingent préfectoral", required=False)
    max_lengths = {"registration_number": NUMBER_MAX_LENGTH}


class HousingUpdateForm(DsfrBaseForm):
    priority = forms.ChoiceField(label="Priorité d'attribution", choices=Priority.choices)
    prefect_quota = forms.BooleanField(label="Présentée sur le contingent préfectoral", required=False)
    dalo_filed_on = forms.DateField(label="Recours DALO déposé le", widget=DATE_WIDGET, required=False)
    dalo_decision = forms.ChoiceField(
        label="Décision de la commission de médiation", choices=DaloDecision.choices, required=False
    )
    dalo_decided_on = forms.DateField(label="Décision DALO du", widget=DATE_WIDGET, required=False)
    housed_on = forms.DateField(
        label="Entrée dans le logement le",
        widget=DATE_WIDGET,
        required=False,
        help_text="Clôt la demande et fixe le délai d'accès au logement.",
    )
    cancelled_on = forms.DateField(
        label="Demande abandonnée le", widget=DATE_WIDGET, required=False, help_text="Clôt la demande."
    )

    def clean(self):
        cleaned = super().clean()
        for name in ("dalo_filed_on", "dalo_decided_on", "housed_on", "cancelled_on"):
            value = cleaned.get(name)
            if value:
                try:
                    not_in_future(value)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned
