from django import forms
from django.conf import settings

from parcours.core.forms import DsfrBaseForm
from parcours.people.forms import DATE_WIDGET

from . import rules
from .models import ApplicationDecision, CommissionOpinion


class ApplicationInfoForm(DsfrBaseForm):
    declared_on = forms.DateField(
        label="Date de déclaration de l'association en préfecture",
        required=False,
        widget=DATE_WIDGET,
        help_text=f"L'association doit être déclarée depuis au moins {rules.MIN_DECLARATION_YEARS} ans "
        "(art. R. 121-12-2 CASF).",
    )
    staff_count = forms.IntegerField(
        label="Nombre de personnels (salariés et bénévoles)", required=False, min_value=0, max_value=10000
    )
    qualifications = forms.CharField(
        label="Qualifications des personnels",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    premises = forms.CharField(
        label="Locaux (adresse, accueil, confidentialité)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApplicationDocumentForm(DsfrBaseForm):
    kind = forms.ChoiceField(label="Type de pièce", choices=list(rules.DOCUMENT_LABELS.items()))
    file = forms.FileField(
        label="Fichier",
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/png,image/jpeg", "class": "fr-upload"}
        ),
        error_messages={"required": "Choisissez un fichier.", "empty": "Le fichier est vide."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.PARCOURS_UPLOAD_MAX_BYTES // (1024 * 1024)
        self.fields["file"].help_text = f"PDF, PNG ou JPEG, {limit} Mo au plus."


class ReturnIncompleteForm(DsfrBaseForm):
    missing = forms.MultipleChoiceField(
        label="Pièces ou informations manquantes",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        choices=[(rules.DOCUMENT_LABELS[k], rules.DOCUMENT_LABELS[k]) for k in rules.REQUIRED_DOCUMENTS],
    )
    other = forms.CharField(label="Autre élément manquant", required=False, max_length=200)
    comment = forms.CharField(
        label="Commentaire pour l'association",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        items = list(cleaned.get("missing") or [])
        if (cleaned.get("other") or "").strip():
            items.append(cleaned["other"].strip())
        if not items:
            raise forms.ValidationError("Indiquez au moins un élément manquant.")
        cleaned["items"] = items
        return cleaned


class OpinionForm(DsfrBaseForm):
    opinion = forms.ChoiceField(
        label="Avis de la commission", choices=CommissionOpinion.choices, widget=forms.RadioSelect
    )
    day = forms.DateField(label="Date de l'avis", widget=DATE_WIDGET)
    motive = forms.CharField(label="Motif", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(DsfrBaseForm):
    decision = forms.ChoiceField(
        label="Décision du préfet", choices=ApplicationDecision.choices, widget=forms.RadioSelect
    )
    day = forms.DateField(label="Date de la décision", widget=DATE_WIDGET)
    reference = forms.CharField(
        label="Référence de l'arrêté",
        required=False,
        max_length=100,
        help_text="Obligatoire pour un agrément.",
    )
    motive = forms.CharField(
        label="Motif",
        required=False,
        max_length=4000,
        help_text="Obligatoire pour un refus.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WithdrawForm(DsfrBaseForm):
    day = forms.DateField(label="Date d'effet du retrait", widget=DATE_WIDGET)
    motive = forms.CharField(
        label="Motif du retrait (conditions qui ne sont plus remplies)",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
