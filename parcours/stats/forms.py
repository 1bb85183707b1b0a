import uuid

from django import forms
from django.db.models import QuerySet

from parcours.core.forms import DsfrBaseForm

from . import rules


class PartnerChoiceField(forms.ModelChoiceField):
    """A partner by its public id; anything that is not one (even a malformed uuid) is an unknown choice."""

    def to_python(self, value):
        try:
            uuid.UUID(str(value))
        except ValueError:
            if value in self.empty_values:
                return None
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None
        return super().to_python(value)


class DashboardForm(DsfrBaseForm):
    """The year, and for the secretariat the partner to look at (none: the whole network)."""

    annee = forms.TypedChoiceField(
        label="Année",
        coerce=int,
        error_messages={"invalid_choice": "Choisissez une année de la liste (de %(first)s à %(last)s)."},
    )
    organisation = PartnerChoiceField(
        label="Partenaire",
        queryset=None,
        required=False,
        to_field_name="public_id",
        empty_label="Tout le réseau",
        error_messages={"invalid_choice": "Choisissez un partenaire de la liste, ou « Tout le réseau »."},
    )

    def __init__(self, *args, last_year: int, partners: QuerySet | None, **kwargs):
        super().__init__(*args, **kwargs)
        years = list(range(last_year, rules.FIRST_YEAR - 1, -1))
        self.fields["annee"].choices = [(y, str(y)) for y in years]
        message = self.fields["annee"].error_messages["invalid_choice"]
        self.fields["annee"].error_messages["invalid_choice"] = message % {
            "first": years[-1],
            "last": years[0],
        }
        if partners is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = partners
