"""Forms of the documents app."""

from __future__ import annotations

from django import forms

from parcours.core.forms import DsfrBaseForm


class LetterheadForm(DsfrBaseForm):
    """The service's details printed on every document of the département."""

    direction = forms.CharField(
        label="Direction",
        max_length=200,
        required=False,
        help_text="Ex. : Direction départementale de l'emploi, du travail et des solidarités",
    )
    service = forms.CharField(label="Service", max_length=200, required=False)
    address = forms.CharField(label="Adresse postale", max_length=300, required=False)
    town = forms.CharField(
        label="Ville", max_length=100, required=False, help_text="Pour « Démoville, le 1er juin 2026 »."
    )
    followed_by = forms.CharField(label="Affaire suivie par", max_length=200, required=False)
    phone = forms.CharField(label="Téléphone", max_length=30, required=False)
    email = forms.EmailField(label="Courriel du service", required=False)
    reference = forms.CharField(label="Référence du service (« Réf. : »)", max_length=100, required=False)
    signer_name = forms.CharField(label="Nom du signataire", max_length=200, required=False)
    signer_capacity = forms.CharField(
        label="Qualité du signataire",
        max_length=200,
        required=False,
        help_text="Ex. : Pour le préfet et par délégation, la secrétaire générale",
    )
    delegation = forms.CharField(
        label="Délégation de signature",
        max_length=200,
        required=False,
        help_text="Ex. : arrêté préfectoral n° 2026-045 du 2 janvier 2026",
    )
