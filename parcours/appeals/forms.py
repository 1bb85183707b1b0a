"""The forms of appeals and of the prior adversarial procedure (every field listed, no model form)."""

from __future__ import annotations

from django import forms

from parcours.core.forms import DsfrBaseForm
from parcours.core.inputs import DATE_WIDGET

from .models import AppealAuthor, AppealKind, AppealOutcome, Procedure

NO_NAME_HELP = "Sans nom, prénom ni alias de la personne : écrivez « la personne »."


class AppealForm(DsfrBaseForm):
    kind = forms.ChoiceField(label="Nature du recours", choices=AppealKind.choices, widget=forms.RadioSelect)
    author = forms.ChoiceField(label="Auteur du recours", choices=AppealAuthor.choices)
    lodged_on = forms.DateField(
        label="Date du recours",
        widget=DATE_WIDGET,
        help_text="Date de réception par la préfecture, ou d'enregistrement de la requête au tribunal.",
    )
    court_reference = forms.CharField(
        label="Numéro de la requête (tribunal administratif)",
        max_length=50,
        required=False,
        help_text="Obligatoire pour un recours contentieux ou un référé (ex. : 2601234).",
    )
    grounds = forms.CharField(
        label="Moyens invoqués",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=NO_NAME_HELP,
    )


class OutcomeForm(DsfrBaseForm):
    outcome = forms.ChoiceField(
        label="Issue",
        choices=[c for c in AppealOutcome.choices if c[0] != AppealOutcome.PENDING],
        widget=forms.RadioSelect,
    )
    day = forms.DateField(label="Date de la réponse ou du jugement", widget=DATE_WIDGET)
    note = forms.CharField(
        label="Motifs de la réponse ou du jugement",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=NO_NAME_HELP,
    )


class ReexaminationForm(DsfrBaseForm):
    day = forms.DateField(label="Date du réexamen", widget=DATE_WIDGET)
    note = forms.CharField(
        label="Suite donnée",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Pour un refus, la demande revient d'elle-même, prête pour la commission. Sinon, "
        "décrivez la "
        "suite (nouvelle procédure, nouvelle décision, reprise du parcours ou de l'AFIS).",
    )


class ProcedureStartForm(DsfrBaseForm):
    grounds = forms.CharField(
        label="Motifs de la mesure envisagée",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ils figurent dans le préavis remis à la personne : les faits et les engagements "
        "non tenus, sans "
        "détail inutile sur sa vie. " + NO_NAME_HELP,
    )


class HandoverForm(DsfrBaseForm):
    day = forms.DateField(label="Date de remise ou de réception", widget=DATE_WIDGET)
    acknowledgement = forms.ChoiceField(
        label="Preuve de la remise", choices=Procedure.Acknowledgement.choices, widget=forms.RadioSelect
    )


class ObservationsForm(DsfrBaseForm):
    day = forms.DateField(label="Date des observations", widget=DATE_WIDGET, required=False)
    text = forms.CharField(
        label="Observations présentées (résumé)",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Laissez vide, une fois le délai écoulé, si aucune observation n'a été présentée.",
    )


class ProcedureOpinionForm(DsfrBaseForm):
    opinion = forms.ChoiceField(
        label="Avis de la commission", choices=Procedure.Opinion.choices, widget=forms.RadioSelect
    )
    day = forms.DateField(label="Date de l'avis", widget=DATE_WIDGET)


class ProcedureDecisionForm(DsfrBaseForm):
    day = forms.DateField(label="Date de la décision", widget=DATE_WIDGET, required=False)
    motive = forms.CharField(
        label="Motifs de la décision",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Une décision défavorable est motivée (article L. 211-2 du code des relations "
        "entre le public "
        "et l'administration) ; elle répond aux observations présentées.",
    )
    external_reference = forms.CharField(
        label="Référence de l'acte signé hors Parcours (facultatif)", max_length=100, required=False
    )


class AbandonForm(DsfrBaseForm):
    reason = forms.CharField(
        label="Pourquoi la mesure n'est pas prise", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
