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

    domaine = forms.ChoiceField(
        label="Domaine",
        required=False,
        error_messages={"invalid_choice": "Choisissez un domaine de la liste."},
    )

    def __init__(
        self, *args, last_year: int, partners: QuerySet | None, domains: list | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        # The domains this reader has indicators in (dashboards.DOMAINS): chosen by the links above the form.
        self.fields["domaine"].choices = [(slug, title) for slug, _, title in (domains or [])]
        self.fields["domaine"].widget = forms.HiddenInput()
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


def _years(last_year: int) -> list[tuple[int, str]]:
    return [(y, str(y)) for y in range(last_year, rules.FIRST_YEAR - 1, -1)]


class ExportForm(DsfrBaseForm):
    """An export: one indicator or the whole set, a period of whole years, a format; for one indicator, a
    breakdown; for the secretariat, the partner (none: the whole network). The service checks the rest
    (the indicator allows the breakdown, the period is not too long)."""

    indicateur = forms.ChoiceField(
        label="Indicateur",
        required=False,
        error_messages={"invalid_choice": "Indicateur inconnu : choisissez un indicateur de la liste."},
    )
    ventilation = forms.ChoiceField(
        label="Ventilation (pour un seul indicateur)",
        required=False,
        error_messages={"invalid_choice": "Ventilation inconnue : choisissez une ventilation de la liste."},
    )
    annee = forms.TypedChoiceField(label="De l'année", coerce=int)
    annee_fin = forms.TypedChoiceField(
        label="À l'année (incluse)", coerce=int, required=False, empty_value=None,
        help_text="Laissez vide pour une seule année.",
    )  # fmt: skip
    format = forms.ChoiceField(
        label="Format",
        choices=[("csv", "CSV"), ("xlsx", "XLSX (Excel)"), ("ods", "ODS (OpenDocument)")],
        error_messages={
            "invalid_choice": "Format inconnu : choisissez CSV, XLSX ou ODS.",
            "required": "Choisissez un format : CSV, XLSX ou ODS.",
        },
    )
    organisation = PartnerChoiceField(
        label="Partenaire",
        queryset=None,
        required=False,
        to_field_name="public_id",
        empty_label="Tout le réseau",
        error_messages={"invalid_choice": "Choisissez un partenaire de la liste, ou « Tout le réseau »."},
    )

    def __init__(self, *args, last_year: int, measures, breakdowns: dict[str, str], partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicateur"].choices = [("", "Tous les indicateurs")] + [
            (m.code, m.label) for m in measures
        ]
        self.fields["ventilation"].choices = [("", "Toutes les ventilations")] + list(breakdowns.items())
        years = _years(last_year)
        message = f"Choisissez une année de la liste (de {rules.FIRST_YEAR} à {last_year})."
        self.fields["annee"].choices = years
        self.fields["annee_fin"].choices = [("", "—")] + years
        for name in ("annee", "annee_fin"):
            self.fields[name].error_messages["invalid_choice"] = message
        self.fields["annee"].error_messages["required"] = "Choisissez l'année de début."
        if partners is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = partners

    def clean(self):
        data = super().clean()
        first, last = data.get("annee"), data.get("annee_fin")
        if first is not None and last is not None and last < first:
            self.add_error(
                "annee_fin",
                f"La période est inversée : l'année de fin ({last}) est avant l'année de début ({first}).",
            )
        if data.get("ventilation") and not data.get("indicateur"):
            self.add_error("ventilation", "Une ventilation se choisit pour un seul indicateur.")
        return data


class ReportYearForm(DsfrBaseForm):
    annee = forms.TypedChoiceField(label="Année du rapport", coerce=int)

    def __init__(self, *args, last_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = _years(last_year)
        self.fields["annee"].error_messages["invalid_choice"] = (
            f"Choisissez une année de la liste (de {rules.FIRST_YEAR} à {last_year})."
        )


class ReportTextForm(DsfrBaseForm):
    """Plain text: paragraphs separated by a blank line; no HTML (what is typed is escaped)."""

    max_lengths = {"introduction": rules.REPORT_TEXT_MAX_CHARS, "conclusion": rules.REPORT_TEXT_MAX_CHARS}

    introduction = forms.CharField(
        label="Introduction",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Texte simple ; laissez une ligne vide entre deux paragraphes.",
    )
    conclusion = forms.CharField(
        label="Conclusion",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Texte simple ; laissez une ligne vide entre deux paragraphes.",
    )
