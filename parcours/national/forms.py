import uuid

from django import forms
from django.core.exceptions import ValidationError

from parcours.core.forms import DsfrBaseForm

from . import selectors
from .models import TokenKind

# The holder of an export token: the national instance pulls the export with it.
EXPORT_HOLDER = "Instance nationale"


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


class AnalystChoiceField(forms.ModelChoiceField):
    """A national analyst's membership, offered and posted by its public id; a malformed id is an unknown
    account like any other."""

    def to_python(self, value):
        if value not in self.empty_values:
            try:
                uuid.UUID(str(value))
            except ValueError:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None
        return super().to_python(value)

    def label_from_instance(self, obj):
        user = obj.user
        return f"{user.get_full_name() or user.username} ({user.username}) — {obj.organisation}"


class TokenIssueForm(DsfrBaseForm):
    """A token to issue: its kind (when the actor manages more than one), its holder, and for a national
    analyst's token the account it is tied to (policies.py says who may issue which)."""

    kind = forms.ChoiceField(
        label="Type de jeton",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez le type de jeton.",
            "invalid_choice": "Type de jeton inconnu : choisissez-en un de la liste.",
        },
    )
    name = forms.CharField(
        label="Détenteur",
        max_length=200,
        help_text="Qui utilisera ce jeton : « Instance nationale » pour un jeton d'export, le nom de l'outil "
        "ou de l'analyste pour un jeton de lecture.",
        error_messages={
            "required": "Dites qui détient le jeton (son nom ou celui de l'instance).",
            "max_length": "200 caractères au plus.",
        },
    )
    membership = AnalystChoiceField(
        label="Compte de l'analyste national, pour un jeton de lecture",
        queryset=None,
        required=False,
        to_field_name="public_id",
        empty_label="— Choisir un compte —",
        help_text="Pour un jeton de lecture : le compte d'analyste national actif auquel il est lié ; "
        "le jeton cesse de fonctionner si ce rattachement est désactivé.",
        error_messages={
            "invalid_choice": "Compte inconnu : choisissez un analyste national actif de la liste.",
        },
    )

    def __init__(self, *args, kinds, analysts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, TokenKind(k).label) for k in kinds]
        self.fields["membership"].queryset = analysts
        if TokenKind.NATIONAL_READ not in kinds:
            del self.fields["membership"]
        if len(kinds) == 1:
            # One kind only (the secretariat: export tokens): nothing to choose.
            self.fixed_kind = kinds[0]
            del self.fields["kind"]
            self.fields["name"].initial = EXPORT_HOLDER if self.fixed_kind == TokenKind.EXPORT else ""

    def clean(self):
        data = super().clean()
        kind = getattr(self, "fixed_kind", None) or data.get("kind")
        data["kind"] = kind
        if kind == TokenKind.NATIONAL_READ:
            if not data.get("membership") and "membership" not in self.errors:
                self.add_error(
                    "membership", "Choisissez le compte de l'analyste national à qui délivrer ce jeton."
                )
        else:
            data["membership"] = None
        return data
