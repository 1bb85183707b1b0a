"""Forms of the second factor: one code field, the app's six digits or a recovery code."""

import re

from django import forms

from .forms import DsfrBaseForm

CODE_FORMAT = re.compile(r"^(\d{6}|[a-z2-7]{8})$")


class SecondFactorCodeForm(DsfrBaseForm):
    code = forms.CharField(
        label="Code de vérification",
        help_text="Les 6 chiffres affichés par votre application, ou l'un de vos codes de secours.",
        max_length=40,
        strip=True,
        error_messages={"required": "Saisissez le code affiché par votre application."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"}
        ),
    )

    def clean_code(self):
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"]).lower()
        if not CODE_FORMAT.match(code):
            raise forms.ValidationError(
                "Le code est fait de 6 chiffres, ou de 8 lettres et chiffres pour un code de secours.",
                code="format",
            )
        return code


class EnrolmentCodeForm(SecondFactorCodeForm):
    code = forms.CharField(
        label="Code affiché par l'application",
        help_text="6 chiffres, renouvelés toutes les 30 secondes.",
        max_length=40,
        error_messages={"required": "Saisissez le code affiché par votre application."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self):
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError("Le code est fait de 6 chiffres.", code="format")
        return code
