from django import forms

from parcours.core import inputs
from parcours.core.forms import DsfrBaseForm, DsfrModelForm
from parcours.core.inputs import DATE_WIDGET
from parcours.core.models import Organisation

from .models import DETECTION_FIELDS, AgeBand, Detection, DetectionIndicator, ProtectionReport


class IndicatorsField(forms.ModelMultipleChoiceField):
    """Indicators chosen by public id: a malformed id is an unknown choice (its own message)."""

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except forms.ValidationError as exc:
            if exc.code == "invalid_choice":
                raise
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from exc


class DetectionForm(DsfrModelForm):
    """A detection: age (band or birth date), sex, indicators, context, what was done; identity optional."""

    indicators = IndicatorsField(
        label="Signes observés",
        queryset=DetectionIndicator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        to_field_name="public_id",
        error_messages={
            "invalid_choice": "Un des signes choisis n'est pas proposé.",
            "invalid_pk_value": "Signe inconnu.",
        },
    )

    class Meta:
        model = Detection
        fields = list(DETECTION_FIELDS)
        widgets = {
            "detected_on": DATE_WIDGET,
            "birth_date": DATE_WIDGET,
            "context": forms.Textarea(attrs={"rows": 3}),
            "actions_taken": forms.Textarea(attrs={"rows": 3}),
            "last_name": forms.TextInput,
            "first_name": forms.TextInput,
            "phone": forms.TextInput,
        }
        help_texts = {
            "age_band": "Si vous indiquez la date de naissance, la tranche d'âge en est déduite.",
            "birth_date": "Facultative. Une date de naissance de moins de 18 ans fait du repérage celui "
            "d'un·e mineur·e (protection de l'enfance).",
            "context": "Ce qui vous a alerté·e, sans nommer de tiers inutilement.",
        }

    max_lengths = {
        "last_name": inputs.NAME_MAX_LENGTH,
        "first_name": inputs.NAME_MAX_LENGTH,
        "phone": inputs.PHONE_MAX_LENGTH,
        "context": inputs.TEXT_MAX_LENGTH,
        "actions_taken": inputs.TEXT_MAX_LENGTH,
    }

    fieldsets = [
        ("Le repérage", ["detected_on", "age_band", "birth_date", "sex"]),
        ("Ce qui a été observé", ["indicators", "place_type", "platform_type", "context", "actions_taken"]),
        ("Identité (facultative, chiffrée)", ["last_name", "first_name", "phone"]),
    ]

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = indicators
        self.fields["age_band"].required = False
        self.fields["age_band"].choices = [("", "— (déduite de la date de naissance)"), *AgeBand.choices]
        self.fields["phone"].validators.append(inputs.validate_phone)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("age_band") and not cleaned.get("birth_date") and "birth_date" not in self.errors:
            self.add_error("age_band", "Indiquez la tranche d'âge ou la date de naissance.")
        return cleaned


class DetectionSearchForm(DsfrBaseForm):
    nom = forms.CharField(
        label="Nom ou prénom",
        max_length=inputs.NAME_MAX_LENGTH,
        help_text="Le début d'un nom suffit (3 lettres au moins), sans accents.",
        error_messages={"required": "Saisissez au moins 3 lettres d'un nom ou d'un prénom."},
    )


class ProtectionReportForm(DsfrBaseForm):
    kind = forms.ChoiceField(
        label="Type de transmission", choices=ProtectionReport.Kind.choices, widget=forms.RadioSelect
    )
    sent_on = forms.DateField(label="Envoyée le", widget=DATE_WIDGET)
    recipient = forms.CharField(label="Destinataire", max_length=inputs.LINE_MAX_LENGTH)
    reference = forms.CharField(label="Référence", max_length=100, required=False)


class FeedbackForm(DsfrBaseForm):
    feedback_on = forms.DateField(label="Retour reçu le", widget=DATE_WIDGET)
    feedback = forms.ChoiceField(label="Suite donnée", choices=ProtectionReport.Feedback.choices)
    notes = forms.CharField(
        label="Précisions",
        required=False,
        max_length=inputs.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoTransmissionForm(DsfrBaseForm):
    reason = forms.CharField(
        label="Pourquoi aucune transmission n'est faite",
        max_length=inputs.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Par exemple : la situation est déjà connue de la CRIP, qui suit l'enfant ; un autre "
        "professionnel a transmis.",
    )


class WithdrawForm(DsfrBaseForm):
    reason = forms.CharField(
        label="Motif du retrait",
        max_length=inputs.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Par exemple : la personne a changé d'avis, a déménagé. L'association ne le lit pas.",
        error_messages={
            "required": "Indiquez le motif du retrait (par exemple : la personne a changé d'avis, "
            "a déménagé)."
        },
    )


class CloseForm(DsfrBaseForm):
    day = forms.DateField(label="Close le", widget=DATE_WIDGET)
    reason = forms.CharField(label="Motif de la clôture", max_length=inputs.LINE_MAX_LENGTH)


class AssociationChoiceField(forms.ModelChoiceField):
    """A choice by public id: a malformed id is an unknown choice (its own message), not a crash."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError as exc:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from exc


class ReferralForm(DsfrBaseForm):
    association = AssociationChoiceField(
        label="Association agréée",
        queryset=Organisation.objects.none(),
        to_field_name="public_id",
        error_messages={
            "invalid_choice": "Cette association n'a pas d'agrément valide : "
            "choisissez une association agréée."
        },
    )
    consent_given_on = forms.DateField(
        label="Consentement de la personne recueilli le",
        widget=DATE_WIDGET,
        required=False,
        help_text="La personne accepte d'être orientée vers cette association.",
    )
    referred_on = forms.DateField(label="Orientée le", widget=DATE_WIDGET)
    share_contact = forms.BooleanField(
        label="La personne accepte que ses nom, prénom et téléphone soient transmis à l'association",
        required=False,
    )
    message = forms.CharField(
        label="Message à l'association",
        required=False,
        max_length=inputs.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce que l'association doit savoir pour prendre contact. Elle ne reçoit ni le contexte ni "
        "ce qui a été fait.",
    )

    def __init__(self, *args, associations, **kwargs):
        super().__init__(*args, **kwargs)
        # Any association of the département is accepted here; the service checks the agrément on the day.
        self.fields["association"].queryset = associations

    def clean(self):
        cleaned = super().clean()
        if "consent_given_on" not in self.errors and not cleaned.get("consent_given_on"):
            self.add_error(
                "consent_given_on",
                "Sans le consentement de la personne, daté, aucune orientation n'est possible : "
                "recueillez-le d'abord.",
            )
        return cleaned


class AnswerForm(DsfrBaseForm):
    decision = forms.ChoiceField(
        label="Réponse",
        choices=[("accept", "Accepter l'orientation"), ("decline", "Décliner l'orientation")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez d'accepter ou de décliner.",
            "invalid_choice": "Choix inconnu.",
        },
    )
    day = forms.DateField(label="Date de la réponse", widget=DATE_WIDGET)
    decline_reason = forms.CharField(
        label="Motif du refus (si vous déclinez)",
        required=False,
        max_length=300,
        help_text="Le partenaire le lira.",
    )


class FirstContactForm(DsfrBaseForm):
    day = forms.DateField(label="Premier contact le", widget=DATE_WIDGET)


class IndicatorForm(DsfrBaseForm):
    label = forms.CharField(label="Intitulé du signe", max_length=inputs.LINE_MAX_LENGTH)
