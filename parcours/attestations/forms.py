from django import forms

from parcours.core.forms import DsfrBaseForm

from .rules import Purpose


class AttestationRequestForm(DsfrBaseForm):
    purpose = forms.ChoiceField(label="Objet de l'attestation", choices=Purpose.choices)
    recipient = forms.CharField(
        label="Organisme destinataire",
        required=False,
        help_text="Facultatif, par exemple : Centre des finances publiques de Démoville.",
    )
    max_lengths = {"recipient": 200}


class AttestationRefuseForm(DsfrBaseForm):
    motive = forms.CharField(label="Motif du refus", widget=forms.Textarea(attrs={"rows": 2}))
