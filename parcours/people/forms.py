from django import forms
from django.core.validators import validate_email

from parcours.core import inputs
from parcours.core.forms import DsfrBaseForm, DsfrModelForm
from parcours.core.inputs import DATE_WIDGET, not_in_future
from parcours.core.models import Organisation, OrganisationKind

from .models import (
    ConsentPurpose,
    DocumentLanguage,
    FollowUpNote,
    IdentityDocument,
    InterpretingMode,
    InterpretingOccasion,
    Person,
    PersonAlias,
)
from .services import MAX_INTERPRETING_COST


class PersonForm(DsfrModelForm):
    class Meta:
        model = Person
        fields = [
            "last_name",
            "first_name",
            "usual_name",
            "birth_date",
            "sex",
            "nationality",
            "nationality_group",
            "languages",
            "document_language",
            "needs_interpreter",
            "phone",
            "email",
            "address",
            "housing",
            "resources",
            "health_coverage",
            "administrative_status",
            "children",
            "situation_notes",
            "is_sensitive",
        ]
        widgets = {
            "last_name": forms.TextInput,
            "first_name": forms.TextInput,
            "usual_name": forms.TextInput,
            "nationality": forms.TextInput,
            "languages": forms.TextInput,
            "phone": forms.TextInput,
            "email": forms.EmailInput,
            "address": forms.Textarea(attrs={"rows": 2}),
            "situation_notes": forms.Textarea(attrs={"rows": 3}),
        }

    max_lengths = {
        "last_name": inputs.NAME_MAX_LENGTH,
        "first_name": inputs.NAME_MAX_LENGTH,
        "usual_name": inputs.NAME_MAX_LENGTH,
        "nationality": inputs.NAME_MAX_LENGTH,
        "languages": inputs.LINE_MAX_LENGTH,
        "phone": inputs.PHONE_MAX_LENGTH,
        "email": inputs.EMAIL_MAX_LENGTH,
        "address": inputs.ADDRESS_MAX_LENGTH,
        "situation_notes": inputs.TEXT_MAX_LENGTH,
    }

    fieldsets = [
        (
            "Identité",
            [
                "last_name",
                "first_name",
                "usual_name",
                "birth_date",
                "sex",
                "nationality",
                "nationality_group",
                "languages",
                "document_language",
                "needs_interpreter",
            ],
        ),
        ("Contact", ["phone", "email", "address"]),
        (
            "Situation",
            [
                "housing",
                "resources",
                "health_coverage",
                "administrative_status",
                "children",
                "situation_notes",
            ],
        ),
        ("Protection", ["is_sensitive"]),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Encrypted text in the model: the form is where a phone number and an e-mail address are checked.
        self.fields["phone"].validators.append(inputs.validate_phone)
        self.fields["email"].validators.append(validate_email)
        # Not asked: French (the documents in French only).
        self.fields["document_language"].required = False

    def clean_document_language(self):
        return self.cleaned_data.get("document_language") or DocumentLanguage.FRENCH

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        not_in_future(value, "La date de naissance")
        if value and value.year < 1900:
            raise forms.ValidationError("La date de naissance n'est pas plausible.")
        return value

    def clean_last_name(self):
        value = self.cleaned_data["last_name"].strip()
        if not any(c.isalpha() for c in value):
            raise forms.ValidationError("Le nom doit contenir au moins une lettre.")
        return value

    def clean_children(self):
        value = self.cleaned_data["children"]
        if value is not None and value > 20:
            raise forms.ValidationError("Le nombre d'enfants à charge n'est pas plausible.")
        return value


class PersonCreateForm(PersonForm):
    accompaniment_consent_on = forms.DateField(
        label="Consentement à l'accompagnement recueilli le",
        widget=DATE_WIDGET,
        help_text="La personne accepte d'être accompagnée par l'association et que ses données soient "
        "enregistrées dans Parcours.",
    )

    confirm_other_person = forms.BooleanField(
        label="Il s'agit d'une autre personne",
        required=False,
        help_text="J'ai vérifié (autres noms, date de naissance, auprès du secrétariat si besoin) : "
        "la personne que j'enregistre n'est pas déjà suivie.",
    )

    fieldsets = [*PersonForm.fieldsets, ("Consentement", ["accompaniment_consent_on"])]

    def __init__(self, *args, duplicate_warning=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicate_warning = duplicate_warning
        if not duplicate_warning:
            # Offered (in the warning, above the fieldsets) only once a possible duplicate has been signalled.
            del self.fields["confirm_other_person"]

    def clean_accompaniment_consent_on(self):
        value = self.cleaned_data["accompaniment_consent_on"]
        not_in_future(value, "La date du consentement")
        return value


class PersonSearchForm(DsfrBaseForm):
    nom = forms.CharField(
        label="Nom, prénom ou alias",
        required=False,
        max_length=inputs.NAME_MAX_LENGTH,
        help_text="Le début d'un nom suffit (3 lettres au moins), sans accents : « mar » trouve "
        "« Martin » et « Marie ».",
    )
    naissance = forms.DateField(label="Date de naissance", required=False, widget=DATE_WIDGET)


class AliasForm(DsfrModelForm):
    max_lengths = {"name": inputs.NAME_MAX_LENGTH}

    class Meta:
        model = PersonAlias
        fields = ["kind", "name"]
        widgets = {"name": forms.TextInput}


class NoteForm(DsfrModelForm):
    max_lengths = {"text": inputs.NOTE_MAX_LENGTH}

    class Meta:
        model = FollowUpNote
        fields = ["date", "kind", "text"]
        widgets = {"date": DATE_WIDGET, "text": forms.Textarea(attrs={"rows": 5})}

    def clean_date(self):
        value = self.cleaned_data["date"]
        not_in_future(value, "La date de l'entretien")
        return value


class ConsentForm(DsfrBaseForm):
    purpose = forms.ChoiceField(label="Finalité", choices=ConsentPurpose.choices)
    partner = forms.ModelChoiceField(
        label="Partenaire (pour un partage)",
        queryset=Organisation.objects.none(),
        required=False,
        to_field_name="public_id",
    )
    given_on = forms.DateField(label="Recueilli le", widget=DATE_WIDGET)

    def __init__(self, *args, departement, own_organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = (
            Organisation.objects.in_departement(departement)
            .filter(active=True)
            .exclude(pk=own_organisation.pk)
            .exclude(kind__in=[OrganisationKind.NATIONAL])
        )

    def clean_given_on(self):
        value = self.cleaned_data["given_on"]
        not_in_future(value, "La date du consentement")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("purpose") == ConsentPurpose.SHARING and not cleaned.get("partner"):
            self.add_error("partner", "Choisissez le partenaire avec qui la personne accepte le partage.")
        return cleaned


class WithdrawConsentForm(DsfrBaseForm):
    withdrawn_on = forms.DateField(label="Retiré le", widget=DATE_WIDGET)

    def clean_withdrawn_on(self):
        value = self.cleaned_data["withdrawn_on"]
        not_in_future(value, "La date du retrait")
        return value


class ShareForm(DsfrBaseForm):
    partner = forms.ModelChoiceField(
        label="Partenaire", queryset=Organisation.objects.none(), to_field_name="public_id"
    )
    reason = forms.CharField(label="Objet du partage", max_length=200)

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Organisation.objects.filter(
            pk__in=person.consents.active().filter(purpose=ConsentPurpose.SHARING).values("partner")
        )


class InterpretingForm(DsfrBaseForm):
    day = forms.DateField(label="Date", widget=DATE_WIDGET, validators=[not_in_future])
    occasion = forms.ChoiceField(label="Moment", choices=InterpretingOccasion.choices)
    consent = forms.ModelChoiceField(
        label="Consentement recueilli en présence de l'interprète",
        queryset=None,
        required=False,
        help_text="Seulement pour le recueil d'un consentement.",
    )
    language = forms.CharField(label="Langue interprétée")
    interpreter = forms.CharField(label="Interprète (nom et, le cas échéant, service)")
    mode = forms.ChoiceField(label="Modalité", choices=InterpretingMode.choices)
    duration_minutes = forms.IntegerField(label="Durée (minutes)", min_value=1, max_value=24 * 60)
    cost = forms.DecimalField(
        label="Coût (€)",
        min_value=0,
        max_value=MAX_INTERPRETING_COST,
        max_digits=8,
        decimal_places=2,
        initial=0,
        help_text="Coût pour l'association, pour ses comptes rendus financiers "
        "(0 si pris en charge ailleurs).",
    )
    max_lengths = {"language": inputs.NAME_MAX_LENGTH, "interpreter": inputs.LINE_MAX_LENGTH}

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].queryset = person.consents.all()
        self.fields["consent"].label_from_instance = lambda c: f"{c} — recueilli le {c.given_on:%d/%m/%Y}"


class IdentityDocumentForm(DsfrBaseForm):
    kind = forms.ChoiceField(label="Pièce", choices=IdentityDocument.Kind.choices)
    available = forms.TypedChoiceField(
        label="La personne dispose-t-elle de cette pièce ?",
        choices=[("oui", "Oui"), ("non", "Non, elle est indisponible")],
        coerce=lambda v: v == "oui",
        widget=forms.RadioSelect,
    )
    unavailable_motive = forms.ChoiceField(
        label="Motif d'indisponibilité", choices=[("", "—"), *IdentityDocument.Motive.choices], required=False
    )
    substitute = forms.ChoiceField(
        label="Document de substitution", choices=IdentityDocument.Substitute.choices, required=False
    )
    number = forms.CharField(label="Numéro (facultatif)", max_length=60, required=False)
    details = forms.CharField(label="Précisions (facultatif)", max_length=300, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("available") is False and not cleaned.get("unavailable_motive"):
            self.add_error("unavailable_motive", "Indiquez pourquoi la pièce est indisponible.")
        return cleaned
