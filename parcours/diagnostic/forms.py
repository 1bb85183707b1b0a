from django import forms

from parcours.core.forms import DsfrBaseForm
from parcours.core.inputs import DATE_WIDGET
from parcours.core.models import Organisation, OrganisationKind

from . import questionnaire


class CampaignForm(DsfrBaseForm):
    title = forms.CharField(
        label="Intitulé", max_length=200, help_text="Par exemple « Diagnostic territorial 2026 »."
    )
    code = forms.CharField(
        label="Code de la campagne",
        max_length=30,
        required=False,
        help_text="Facultatif : DIAG-<département>-<année> par défaut. Les structures le saisissent pour "
        "calculer leurs clés ; il ne change plus une fois la campagne ouverte.",
    )
    period_start = forms.DateField(label="Début de la période observée", widget=DATE_WIDGET)
    period_end = forms.DateField(
        label="Fin de la période observée",
        widget=DATE_WIDGET,
        help_text="Les âges sont calculés à cette date.",
    )
    deadline = forms.DateField(label="Date limite de réponse", widget=DATE_WIDGET)
    message = forms.CharField(
        label="Message aux structures (facultatif)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Joint à l'invitation. N'y mettez aucune information sur une personne.",
    )

    fieldsets = [
        ("Campagne", ["title", "code"]),
        ("Dates", ["period_start", "period_end", "deadline"]),
        ("Invitation", ["message"]),
    ]


class AddOrganisationsForm(DsfrBaseForm):
    organisations = forms.ModelMultipleChoiceField(
        label="Organisations du département à interroger",
        queryset=Organisation.objects.none(),
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une organisation."},
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = (
            Organisation.objects.in_departement(campaign.departement)
            .filter(active=True)
            .exclude(kind=OrganisationKind.NATIONAL)
            .exclude(diagnostic_participations__campaign=campaign)
            .order_by("name")
        )
        self.fields["organisations"].label_from_instance = lambda o: f"{o.name} ({o.get_kind_display()})"


class StructureForm(DsfrBaseForm):
    name = forms.CharField(label="Nom de la structure", max_length=200)
    email = forms.EmailField(
        label="Courriel de contact",
        required=False,
        help_text="Sans courriel, transmettez vous-même le lien de réponse affiché sur la page de la "
        "structure.",
    )


class ContactForm(DsfrBaseForm):
    email = forms.EmailField(label="Courriel de contact", required=False)


class SurveyForm(DsfrBaseForm):
    """The questionnaire: whole numbers only, blank when the structure does not know."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in questionnaire.ALL_QUESTIONS:
            self.fields[question.key] = forms.IntegerField(
                label=question.label,
                min_value=0,
                max_value=questionnaire.MAX_COUNT,
                required=question.key == "total",
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                error_messages={
                    "required": "Indiquez le nombre de personnes connues (0 si aucune).",
                    "invalid": "Indiquez un nombre entier.",
                    "min_value": "Le nombre ne peut pas être négatif.",
                    "max_value": f"Le nombre ne peut pas dépasser {questionnaire.MAX_COUNT}.",
                },
            )
        self.fields[
            "total"
        ].help_text = "Chaque personne une seule fois, même si elle a été vue plusieurs fois."
        for section in questionnaire.SECTIONS:
            self.fields[section.questions[0].key].help_text = section.help

    fieldsets = [("Personnes connues", [q.key for q in questionnaire.HEADLINE])] + [
        (section.title, [q.key for q in section.questions]) for section in questionnaire.SECTIONS
    ]


class ReportVersionForm(DsfrBaseForm):
    reason = forms.CharField(
        label="Motif",
        max_length=200,
        help_text="Pourquoi calculer (à nouveau) le rapport : par exemple « relance après échec » ou "
        "« correction du seuil de secret statistique ». Les versions précédentes restent conservées.",
    )
