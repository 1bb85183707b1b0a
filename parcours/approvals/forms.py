from django import forms
from django.conf import settings

from parcours.core.forms import DsfrBaseForm
from parcours.core.inputs import DATE_WIDGET
from parcours.core.models import Departement, Organisation, OrganisationKind

from . import rules
from .models import ApplicationDecision, CommissionOpinion, OtherOpinion


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
    siret = forms.CharField(
        label="Numéro SIRET",
        required=False,
        max_length=20,
        help_text="14 chiffres. À défaut de SIRET et de RNA, joignez le récépissé de déclaration.",
    )
    rna = forms.CharField(
        label="Numéro RNA", required=False, max_length=10, help_text="W suivi de 9 chiffres."
    )
    departements = forms.ModelMultipleChoiceField(
        label="Autres départements où l'association mettra en œuvre le parcours de sortie",
        required=False,
        queryset=Departement.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Le département du siège est toujours compris. La préfecture du siège instruit et décide, "
        "après l'avis du secrétariat de chaque département coché (art. R. 121-12-3 CASF).",
    )

    def __init__(self, *args, seat=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = Departement.objects.order_by("code")
        self.fields["departements"].queryset = queryset.exclude(pk=seat.pk) if seat else queryset


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
    """A withdrawal decided outside Parcours after a prior adversarial procedure held outside it: the
    notice of intent delivered to the association, the decision notified to it, the effect no earlier than the
    notification (rules.earliest_withdrawal_effect). A withdrawal considered in Parcours goes through the
    procedure (parcours.appeals), the page's primary link."""

    hearing_notice_on = forms.DateField(
        label="Préavis de retrait remis à l'association le",
        widget=DATE_WIDGET,
        help_text="La procédure contradictoire menée hors Parcours : le jour où l'association a reçu le "
        "préavis motivé, avant la décision de retrait.",
    )
    notified_on = forms.DateField(
        label="Décision de retrait notifiée à l'association le",
        widget=DATE_WIDGET,
        help_text="Le retrait ne prend effet qu'à sa notification (CRPA L. 221-8) ; le délai de recours "
        "court de ce jour.",
    )
    day = forms.DateField(
        label="Date d'effet du retrait", widget=DATE_WIDGET, help_text="Le jour de la notification, ou après."
    )
    motive = forms.CharField(
        label="Motif du retrait (conditions qui ne sont plus remplies)",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OtherOpinionForm(DsfrBaseForm):
    opinion = forms.ChoiceField(
        label="Avis du département", choices=OtherOpinion.choices, widget=forms.RadioSelect
    )
    day = forms.DateField(label="Date de l'avis", widget=DATE_WIDGET)
    motive = forms.CharField(
        label="Motif (capacité de l'association à intervenir dans le département)",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EstablishmentForm(DsfrBaseForm):
    establishment = forms.ModelChoiceField(
        label="Établissement de l'association dans le département",
        queryset=Organisation.objects.none(),
        empty_label="— choisir —",
        help_text="L'organisation de votre département par laquelle l'association déposera ses demandes de "
        "parcours de sortie sous cet agrément. Si elle n'existe pas encore, demandez à l'administrateur de "
        "la créer.",
        error_messages={
            "required": "Choisissez l'établissement.",
            "invalid_choice": "Choisissez une association active de votre département.",
        },
    )

    def __init__(self, *args, departement=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = Organisation.objects.filter(
            departement=departement, kind=OrganisationKind.ASSOCIATION, active=True
        ).order_by("name")
