from django import forms
from django.conf import settings
from django.utils import timezone

from parcours.core.forms import DsfrBaseForm, DsfrModelForm
from parcours.core.inputs import DATE_WIDGET, not_in_future

from . import rules
from .models import (
    Decision,
    DocumentKind,
    EndReason,
    Opinion,
    Outcome,
    PlanObjective,
    Request,
    RequestKind,
    ResidencePermit,
    RightKind,
    RightStep,
)

# The reasoned opinion and the actions carried out are read by the commission's members under the person's
# pseudonymous code: nothing that identifies the person may be typed there.
OPINION_HELP = (
    "Lu par les membres de la commission sous le code de la personne : n'écrivez ni son nom, ni son prénom, "
    "ni ses alias, ni rien qui l'identifie (adresse, employeur, lieu précis, nom d'un proche) ; écrivez "
    "« la personne »."
)
NAMES_IN_OPINION = (
    "Ce texte contient le nom, le prénom ou un alias de la personne : remplacez-le par « la personne ». "
    "Il est lu par les membres de la commission sous le code de la personne."
)


class RequestForm(DsfrModelForm):
    rights_requested = forms.MultipleChoiceField(
        label="Droits demandés",
        choices=RightKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    use_required_attribute = False  # a draft may be saved incomplete

    class Meta:
        model = Request
        fields = [
            "rights_requested",
            "association_opinion",
            "actions_carried_out",
            "person_commitment",
            "commitment_date",
            "prostitution_stopped",
        ]
        help_texts = {
            "association_opinion": OPINION_HELP,
            "actions_carried_out": OPINION_HELP,
        }
        widgets = {
            "association_opinion": forms.Textarea(attrs={"rows": 4}),
            "actions_carried_out": forms.Textarea(attrs={"rows": 4}),
            "commitment_date": DATE_WIDGET,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.kind == RequestKind.INITIAL:
            del self.fields["actions_carried_out"]
        else:
            del self.fields["prostitution_stopped"]
        # Every field is needed to submit (see services.missing_for_submission), none to save a draft: the
        # fields are shown as required (no "(Optionnel)" marker) and cleaned as optional.
        for field in self.fields.values():
            field.required = True

    def _clean_fields(self):
        for field in self.fields.values():
            field.required = False
        try:
            super()._clean_fields()
        finally:
            for field in self.fields.values():
                field.required = True

    def _no_names(self, field):
        from parcours.people.redaction import contains_names, names_of

        value = self.cleaned_data.get(field, "")
        if value and contains_names(value, names_of(self.instance.pathway.person)):
            raise forms.ValidationError(NAMES_IN_OPINION)
        return value

    def clean_association_opinion(self):
        return self._no_names("association_opinion")

    def clean_actions_carried_out(self):
        return self._no_names("actions_carried_out")

    def clean_commitment_date(self):
        value = self.cleaned_data["commitment_date"]
        not_in_future(value, "La date de l'engagement")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("person_commitment") and not cleaned.get("commitment_date"):
            self.add_error("commitment_date", "Indiquez la date à laquelle la personne s'est engagée.")
        return cleaned


class ObjectiveForm(DsfrModelForm):
    fields_html_kept = True  # a blank form's fields kept per process (core.form_html)

    class Meta:
        model = PlanObjective
        fields = ["domain", "objective", "actions", "target_date"]
        widgets = {
            "objective": forms.TextInput,
            "actions": forms.Textarea(attrs={"rows": 2}),
            "target_date": DATE_WIDGET,
        }


class DocumentForm(DsfrBaseForm):
    kind = forms.ChoiceField(label="Type de pièce", choices=DocumentKind.choices)
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
        self["file"].help_text = self.fields["file"].help_text = f"PDF, PNG ou JPEG ; {limit} Mo au plus."


class ReturnIncompleteForm(DsfrBaseForm):
    fields_html_kept = True  # a blank form's fields kept per process (core.form_html)

    missing = forms.MultipleChoiceField(
        label="Pièces ou informations manquantes",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        choices=[(label, label) for _, label in DocumentKind.choices]
        + [
            (x, x)
            for x in (
                "Projet d'accompagnement à préciser",
                "Engagement de la personne à signer",
                "Avis motivé de l'association à compléter",
            )
        ],
    )
    other = forms.CharField(label="Autre élément manquant", required=False, max_length=200)
    comment = forms.CharField(
        label="Commentaire pour l'association", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        cleaned = super().clean()
        items = list(cleaned.get("missing") or [])
        if cleaned.get("other", "").strip():
            items.append(cleaned["other"].strip())
        if not items:
            raise forms.ValidationError("Indiquez au moins une pièce ou information manquante.")
        cleaned["items"] = items
        return cleaned


class OpinionForm(DsfrBaseForm):
    fields_html_kept = True  # a blank form's fields kept per process (core.form_html)

    opinion = forms.ChoiceField(
        label="Avis de la commission", choices=Opinion.choices, widget=forms.RadioSelect
    )
    day = forms.DateField(label="Date de la séance", widget=DATE_WIDGET)
    motive = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(DsfrBaseForm):
    fields_html_kept = True  # a blank form's fields kept per process (core.form_html)

    decision = forms.ChoiceField(
        label="Décision du préfet", choices=Decision.choices, widget=forms.RadioSelect
    )
    day = forms.DateField(label="Date de la décision", widget=DATE_WIDGET)
    reference = forms.CharField(
        label="Référence de l'acte signé hors Parcours",
        max_length=100,
        help_text="Celle de l'arrêté ou de la décision papier ; Parcours lui donne en plus son numéro au "
        "registre des décisions, produit l'acte et les courriers de notification.",
    )
    period_start = forms.DateField(
        label="Début de la période (autorisation)",
        required=False,
        widget=DATE_WIDGET,
        help_text="Par défaut : la date de la décision, ou le lendemain de la fin de la période précédente.",
    )
    motive = forms.CharField(
        label="Motifs (obligatoires en cas de refus)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    divergence_motive = forms.CharField(
        label="Motifs d'une décision contraire à l'avis de la commission",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EndForm(DsfrBaseForm):
    """An end that is a fact. An end decided by the prefect is a decision of the register (its own page)."""

    fields_html_kept = True  # a blank form's fields kept per process (core.form_html)

    reason = forms.ChoiceField(
        label="Motif de fin",
        choices=[c for c in EndReason.choices if c[0] != EndReason.ENDED_BY_PREFECT],
        widget=forms.RadioSelect,
    )
    outcome = forms.ChoiceField(
        label="Situation à la sortie (parcours achevé)", choices=[("", "—"), *Outcome.choices], required=False
    )
    day = forms.DateField(label="Date de fin", widget=DATE_WIDGET, initial=timezone.localdate)
    motive = forms.CharField(label="Observations", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CloseRequestForm(DsfrBaseForm):
    """Closing a request not yet authorised: the person withdraws or contact is lost."""

    fields_html_kept = True  # a blank form's fields kept per process (core.form_html)

    reason = forms.ChoiceField(
        label="Motif",
        choices=[
            (EndReason.WITHDRAWN, "Retrait de la personne"),
            (EndReason.CONTACT_LOST, "Perte de contact"),
        ],
        widget=forms.RadioSelect,
    )
    day = forms.DateField(label="Date", widget=DATE_WIDGET, initial=timezone.localdate)
    motive = forms.CharField(label="Observations", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        cleaned = super().clean()
        cleaned["outcome"] = ""
        return cleaned


class EndReportForm(DsfrBaseForm):
    """The association reports an end or a withdrawal (an end decided by the prefect is not reported)."""

    fields_html_kept = True  # a blank form's fields kept per process (core.form_html)

    reason = forms.ChoiceField(
        label="Motif de fin",
        choices=[c for c in EndReason.choices if c[0] != EndReason.ENDED_BY_PREFECT],
        widget=forms.RadioSelect,
    )
    outcome = forms.ChoiceField(
        label="Situation à la sortie (parcours achevé)", choices=[("", "—"), *Outcome.choices], required=False
    )
    day = forms.DateField(label="Date de fin", widget=DATE_WIDGET, initial=timezone.localdate)
    motive = forms.CharField(
        label="Observations pour le secrétariat",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Ce qui s'est passé, sans détail inutile sur la vie de la personne.",
    )


class EndReportRefuseForm(DsfrBaseForm):
    fields_html_kept = True  # a blank form's fields kept per process (core.form_html)

    motive = forms.CharField(
        label="Motif du refus (lu par l'association)",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
    )


TRI_STATE = [("", "Non renseigné"), ("oui", "Oui"), ("non", "Non")]


def _tri(value: str):
    return {"oui": True, "non": False}.get(value)


# The three conditions of art. R. 121-12-13-1 CASF that Parcours cannot read elsewhere: yes, no or unknown.
# An unmet or unknown condition is a warning, never a refusal.
ELIGIBILITY_FIELDS = {
    "resources_below_rsa": forms.ChoiceField(
        label="Ressources du mois précédant la demande inférieures au RSA pour une personne seule",
        choices=TRI_STATE,
        required=False,
    ),
    "rsa_entitled": forms.ChoiceField(
        label="La personne perçoit le RSA ou peut y prétendre", choices=TRI_STATE, required=False
    ),
    "ada_entitled": forms.ChoiceField(
        label="La personne perçoit l'allocation pour demandeur d'asile (ADA) ou peut y prétendre",
        choices=TRI_STATE,
        required=False,
    ),
}


class AfisGrantForm(DsfrBaseForm):
    fields_html_kept = True  # a blank form's fields kept per process (core.form_html)

    granted_on = forms.DateField(label="Accordée le", widget=DATE_WIDGET)
    start = forms.DateField(label="Début du versement", widget=DATE_WIDGET)
    dependent_children = forms.IntegerField(label="Enfants à charge", min_value=0, max_value=20)
    paying_body = forms.CharField(
        label="Organisme payeur", max_length=150, initial="MSA — caisse de mutualité sociale agricole"
    )
    resources_below_rsa = ELIGIBILITY_FIELDS["resources_below_rsa"]
    rsa_entitled = ELIGIBILITY_FIELDS["rsa_entitled"]
    ada_entitled = ELIGIBILITY_FIELDS["ada_entitled"]

    def service_data(self) -> dict:
        data = {k: self.cleaned_data[k] for k in ("granted_on", "start", "dependent_children", "paying_body")}
        return {**data, **{k: _tri(self.cleaned_data.get(k, "")) for k in ELIGIBILITY_FIELDS}}

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("granted_on")
            and cleaned.get("start")
            and cleaned["start"] < cleaned["granted_on"].replace(day=1)
        ):
            self.add_error("start", "Le versement ne peut pas commencer avant le mois de l'attribution.")
        return cleaned


class MonthField(forms.DateField):
    """A month typed as AAAA-MM (input type=month) or a full date; cleaned to the first day of the month."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d", "%d/%m/%Y", "%m/%Y"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class AfisChildrenForm(DsfrBaseForm):
    month = MonthField(label="À partir du mois de (AAAA-MM)")
    dependent_children = forms.IntegerField(label="Enfants à charge", min_value=0, max_value=20)


class AfisSuspendForm(DsfrBaseForm):
    month = MonthField(label="Suspendue à partir du mois de (AAAA-MM)")
    motive = forms.CharField(label="Motif (lu par l'organisme payeur)", max_length=300)


class AfisResumeForm(DsfrBaseForm):
    month = MonthField(label="Versée de nouveau à partir du mois de (AAAA-MM)")


class NoticeStepForm(DsfrBaseForm):
    step = forms.ChoiceField(
        label="Étape",
        choices=[
            ("sent", "Avis transmis"),
            ("acknowledged", "Accusé de réception reçu"),
            ("payment", "Pris en compte dans le versement"),
        ],
    )
    day = forms.DateField(label="Le", widget=DATE_WIDGET, validators=[not_in_future])


class TransferRequestForm(DsfrBaseForm):
    to_association = forms.ModelChoiceField(
        label="Association agréée qui reprend le suivi (autre département)", queryset=None
    )
    day = forms.DateField(label="Date du transfert (arrivée dans le département)", widget=DATE_WIDGET)
    consent_given_on = forms.DateField(
        label="Consentement de la personne au transfert de son dossier recueilli le",
        widget=DATE_WIDGET,
        validators=[not_in_future],
    )
    motive = forms.CharField(
        label="Précisions (facultatif, sans nom)",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, departement=None, **kwargs):
        super().__init__(*args, **kwargs)
        from parcours.core.models import Organisation, OrganisationKind

        qs = Organisation.objects.filter(kind=OrganisationKind.ASSOCIATION).select_related("departement")
        if departement is not None:
            qs = qs.exclude(departement=departement)
        self.fields["to_association"].queryset = qs.order_by("departement__code", "name")
        self.fields["to_association"].label_from_instance = lambda o: f"{o.departement.code} — {o.name}"


class TransferRefuseForm(DsfrBaseForm):
    motive = forms.CharField(label="Motif du refus (lu par l'association d'origine)", max_length=300)


class TransferConsentForm(DsfrBaseForm):
    consent_given_on = forms.DateField(
        label="Consentement de la personne recueilli le", widget=DATE_WIDGET, validators=[not_in_future]
    )


class HandoverForm(DsfrBaseForm):
    from_association = forms.ModelChoiceField(
        label="Association dont les parcours sont transférés", queryset=None
    )
    to_association = forms.ModelChoiceField(label="Association agréée qui les reprend", queryset=None)
    day = forms.DateField(label="À compter du", widget=DATE_WIDGET)
    motive = forms.CharField(label="Motif (retrait d'agrément, fermeture…)", max_length=300)

    def __init__(self, *args, departement=None, **kwargs):
        super().__init__(*args, **kwargs)
        from parcours.core.models import Organisation, OrganisationKind

        qs = Organisation.objects.filter(kind=OrganisationKind.ASSOCIATION, departement=departement).order_by(
            "name"
        )
        self.fields["from_association"].queryset = qs
        self.fields["to_association"].queryset = qs


class AfisStopForm(DsfrBaseForm):
    """The direct stop: at the person's request, at her death, or after a hearing held outside Parcours
    (rules.AFIS_DIRECT_STOP_CAUSES); any other stop goes through the prior adversarial procedure."""

    fields_html_kept = True  # a blank form's fields kept per process (core.form_html)

    cause = forms.ChoiceField(
        label="Cause de l'arrêt",
        choices=rules.AFIS_DIRECT_STOP_CAUSES,
        widget=forms.RadioSelect,
        help_text="Un arrêt contre la volonté de la personne est une décision défavorable : il passe par la "
        "procédure contradictoire (préavis, observations), sauf si elle a été menée hors Parcours.",
    )
    notice_given_on = forms.DateField(
        label="Préavis remis à la personne le (procédure hors Parcours)", widget=DATE_WIDGET, required=False
    )
    day = forms.DateField(label="Arrêt au", widget=DATE_WIDGET)
    motive = forms.CharField(label="Motif", max_length=300)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("cause") == rules.AFIS_STOP_HEARING_OUTSIDE and not cleaned.get("notice_given_on"):
            self.add_error("notice_given_on", "Indiquez la date de remise du préavis à la personne.")
        return cleaned


class PermitForm(DsfrModelForm):
    class Meta:
        model = ResidencePermit
        fields = [
            "status",
            "requested_on",
            "issued_on",
            "expires_on",
            "renewed_on",
            "reference",
            "route",
            "complaint_filed_on",
            "next_permit_status",
            "next_permit_requested_on",
            "next_permit_issued_on",
        ]
        widgets = {
            "requested_on": DATE_WIDGET,
            "issued_on": DATE_WIDGET,
            "expires_on": DATE_WIDGET,
            "renewed_on": DATE_WIDGET,
            "reference": forms.TextInput,
            "complaint_filed_on": DATE_WIDGET,
            "next_permit_requested_on": DATE_WIDGET,
            "next_permit_issued_on": DATE_WIDGET,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form sent without the route (an older page, a script) keeps the permit's route.
        self.fields["route"].required = False

    def clean_route(self):
        return self.cleaned_data.get("route") or self.instance.route or ResidencePermit.Route.PSP

    def clean(self):
        cleaned = super().clean()
        issued, expires = cleaned.get("issued_on"), cleaned.get("expires_on")
        if cleaned.get("status") == ResidencePermit.Status.ISSUED and not (issued and expires):
            self.add_error(
                "expires_on", "Un titre délivré a une date de délivrance et une date d'expiration."
            )
        if issued and expires and expires <= issued:
            self.add_error("expires_on", "La date d'expiration doit suivre la date de délivrance.")
        if issued and cleaned.get("requested_on") and issued < cleaned["requested_on"]:
            self.add_error("issued_on", "Le titre ne peut pas être délivré avant d'être demandé.")
        if cleaned.get("route") == ResidencePermit.Route.COMPLAINT and not cleaned.get("complaint_filed_on"):
            self.add_error(
                "complaint_filed_on",
                "Indiquez la date de la plainte ou du témoignage : "
                "elle fonde la carte de l'article L. 425-1.",
            )
        if cleaned.get("complaint_filed_on") and cleaned["complaint_filed_on"] > timezone.localdate():
            self.add_error("complaint_filed_on", "La date ne peut pas être dans le futur.")
        nxt = cleaned.get("next_permit_status")
        if nxt == ResidencePermit.NextStatus.ISSUED and not cleaned.get("next_permit_issued_on"):
            self.add_error(
                "next_permit_issued_on", "Indiquez la date de délivrance du titre de droit commun."
            )
        if nxt in (
            ResidencePermit.NextStatus.REQUESTED,
            ResidencePermit.NextStatus.ISSUED,
        ) and not cleaned.get("next_permit_requested_on"):
            self.add_error(
                "next_permit_requested_on", "Indiquez la date de la demande du titre de droit commun."
            )
        req, iss = cleaned.get("next_permit_requested_on"), cleaned.get("next_permit_issued_on")
        if req and iss and iss < req:
            self.add_error("next_permit_issued_on", "Le titre ne peut pas être délivré avant d'être demandé.")
        return cleaned


class RightStepForm(DsfrModelForm):
    fields_html_kept = True  # a blank form's fields kept per process (core.form_html)

    class Meta:
        model = RightStep
        fields = ["domain", "description", "status", "started_on", "due_on", "completed_on"]
        widgets = {"started_on": DATE_WIDGET, "due_on": DATE_WIDGET, "completed_on": DATE_WIDGET}

    def clean(self):
        cleaned = super().clean()
        started, completed = cleaned.get("started_on"), cleaned.get("completed_on")
        if started and completed and completed < started:
            self.add_error("completed_on", "La démarche ne peut pas aboutir avant d'avoir commencé.")
        return cleaned
