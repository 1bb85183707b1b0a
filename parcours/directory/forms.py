from django import forms

from parcours.core.forms import DsfrBaseForm
from parcours.core.inputs import (
    ADDRESS_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    LINE_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PHONE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    validate_phone,
)

from .models import ENTRY_CATEGORIES, Audience

URL_MESSAGE = (
    "Saisissez une adresse de site valide, commençant par https:// (par exemple https://www.exemple.fr)."
)
EMAIL_MESSAGE = "Saisissez une adresse électronique valide, par exemple nom@service.fr."


class EntryForm(DsfrBaseForm):
    """An entry of the directory: a service, and optionally its contact person (professional details only)."""

    category = forms.ChoiceField(
        label="Catégorie",
        choices=[("", "Choisir une catégorie")] + ENTRY_CATEGORIES,
        error_messages={
            "required": "Choisissez une catégorie.",
            "invalid_choice": "Choisissez une catégorie.",
        },
    )
    name = forms.CharField(
        label="Nom du service",
        help_text="Le service, pas une personne : « CRIP du département », "
        "« Brigade de protection des familles ».",
        error_messages={"required": "Saisissez le nom du service."},
    )
    contact_name = forms.CharField(
        label="Personne à contacter (facultatif)",
        required=False,
        help_text="Nom professionnel seulement ; jamais de coordonnées personnelles.",
    )
    contact_function = forms.CharField(label="Fonction (facultatif)", required=False)
    phone = forms.CharField(
        label="Téléphone professionnel (facultatif)",
        required=False,
        validators=[validate_phone],
        help_text="Par exemple 01 99 00 12 34.",
    )
    email = forms.EmailField(
        label="Courriel professionnel (facultatif)", required=False, error_messages={"invalid": EMAIL_MESSAGE}
    )
    website = forms.URLField(
        label="Site internet (facultatif)",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": URL_MESSAGE},
    )
    address = forms.CharField(label="Adresse du service (facultatif)", required=False)
    commune = forms.CharField(label="Commune (facultatif)", required=False)
    hours = forms.CharField(
        label="Horaires (facultatif)",
        required=False,
        help_text="Par exemple « lundi au vendredi, 9 h – 17 h ».",
    )
    what_to_send = forms.CharField(
        label="Quoi leur transmettre, quand les appeler (facultatif)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    audience = forms.ChoiceField(
        label="Public",
        choices=Audience.choices,
        initial=Audience.BOTH,
        error_messages={"required": "Choisissez le public.", "invalid_choice": "Choisissez le public."},
    )
    languages = forms.CharField(
        label="Langues (interprètes, facultatif)",
        required=False,
        help_text="Par exemple « roumain, anglais ».",
    )

    max_lengths = {
        "name": LINE_MAX_LENGTH,
        "contact_name": NAME_MAX_LENGTH,
        "contact_function": LINE_MAX_LENGTH,
        "phone": PHONE_MAX_LENGTH,
        "email": EMAIL_MAX_LENGTH,
        "website": LINE_MAX_LENGTH,
        "address": ADDRESS_MAX_LENGTH,
        "commune": NAME_MAX_LENGTH,
        "hours": LINE_MAX_LENGTH,
        "what_to_send": TEXT_MAX_LENGTH,
        "languages": LINE_MAX_LENGTH,
    }

    def clean_website(self):
        value = self.cleaned_data["website"]
        if value and not value.lower().startswith(("https://", "http://")):
            raise forms.ValidationError(URL_MESSAGE)
        return value
