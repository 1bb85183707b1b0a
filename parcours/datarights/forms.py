from django import forms

from parcours.core.forms import DsfrBaseForm
from parcours.people.forms import DATE_WIDGET, not_in_future
from parcours.people.models import DocumentLanguage

from .models import Answer, RequestKind

DETAILS_MAX_LENGTH = 2000
INTERPRETER_MAX_LENGTH = 200


class RightsRequestForm(DsfrBaseForm):
    kind = forms.ChoiceField(label="Droit exercé", choices=RequestKind.choices)
    received_on = forms.DateField(label="Demande reçue le", widget=DATE_WIDGET, validators=[not_in_future])
    details = forms.CharField(
        label="Objet de la demande",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Facultatif : ce que la personne demande (par exemple, le champ à corriger). "
        "Enregistré chiffré.",
    )
    max_lengths = {"details": DETAILS_MAX_LENGTH}


class AnswerForm(DsfrBaseForm):
    answer = forms.ChoiceField(label="Réponse donnée", choices=Answer.choices)
    answered_on = forms.DateField(label="Réponse donnée le", widget=DATE_WIDGET, validators=[not_in_future])
    note = forms.CharField(
        label="Motif ou précisions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire pour un refus, même partiel (RGPD, art. 12.4). Enregistré chiffré.",
    )
    max_lengths = {"note": DETAILS_MAX_LENGTH}


class NoticeDeliveryForm(DsfrBaseForm):
    given_on = forms.DateField(label="Notice remise le", widget=DATE_WIDGET, validators=[not_in_future])
    language = forms.ChoiceField(
        label="Langue de la notice",
        choices=[c for c in DocumentLanguage.choices if c[0] != DocumentLanguage.OTHER],
    )
    with_interpreter = forms.BooleanField(label="En présence d'un interprète", required=False)
    interpreter = forms.CharField(
        label="Interprète (nom, service)", required=False, help_text="Facultatif. Enregistré chiffré."
    )
    max_lengths = {"interpreter": INTERPRETER_MAX_LENGTH}


class ExportForm(DsfrBaseForm):
    """The export's only field: the rights request it answers, if any (the confirmation page follows)."""

    rights_request = forms.ChoiceField(label="Demande d'accès à laquelle l'export répond", required=False)

    def __init__(self, *args, requests=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rights_request"].choices = [("", "Aucune demande enregistrée")] + [
            (str(r.public_id), str(r)) for r in requests
        ]
