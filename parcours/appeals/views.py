"""Pages of appeals and of the prior adversarial procedure. Thin: find the object in the actor's scope (404
outside), call the service, render; irreversible acts are confirmed first."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from parcours.core import dates
from parcours.core.second_factor import StepUpMixin
from parcours.core.views_base import (
    ActorRequiredMixin,
    Confirmation,
    ObjectActionView,
    altered_file_response,
    apply_errors,
    paginate,
    pdf_response,
)
from parcours.people.selectors import read_person_data

from . import forms, rules, services, settings_store
from .models import AppealOutcome, AppealTarget, ProcedureKind, ProcedureState
from .policies import appeal_abilities, is_own, procedure_abilities
from .selectors import appeals_visible_to, get_appeal_or_404, get_procedure_or_404, procedures_visible_to

# --- Appeals ---


class AppealListView(ActorRequiredMixin, TemplateView):
    permission = "appeals.view"
    template_name = "appeals/list.html"

    def get_context_data(self, **kwargs):
        appeals = appeals_visible_to(self.actor).select_related("decision", "procedure")
        procedures = procedures_visible_to(self.actor).open().select_related("agrement__organisation")
        page = paginate(self.request, appeals)
        from parcours.core import audit

        audit.record_many(self.actor, "view", page.object_list, detail="liste des recours")
        return {"nav": "appeals", "page": page, "appeals": page.object_list, "procedures": procedures}


# The URL says what is appealed: a decision of the register (refusal, end), an AFIS stop, an agrément refused
# or withdrawn.
TARGETS = ("decision", "afis", "agrement-refuse", "agrement-retire")


def contested_object(actor, target: str, pk):
    """The decision an appeal is recorded against, in the actor's département (404 otherwise), read through
    the audited accessor when it is about a person."""
    from parcours.approvals.models import Agrement, AgrementApplication
    from parcours.commission.models import PrefectDecision

    dep = actor.departement
    if target == "decision":
        scope = PrefectDecision.objects.filter(departement=dep).select_related("pathway__person", "request")
        return read_person_data(
            actor, scope, pk, person_of=lambda d: d.pathway.person, detail="recours : décision"
        )
    if target == "afis":
        scope = (
            procedures_visible_to(actor)
            .filter(kind=ProcedureKind.AFIS_STOP)
            .select_related("pathway__person")
        )
        return read_person_data(
            actor, scope, pk, person_of=lambda p: p.pathway.person, detail="recours : AFIS"
        )
    if target == "agrement-refuse":
        scope = AgrementApplication.objects.filter(departement=dep).select_related("organisation")
        return read_person_data(actor, scope, pk, detail="recours : refus d'agrément")
    if target == "agrement-retire":
        scope = Agrement.objects.filter(organisation__departement=dep).select_related("organisation")
        return read_person_data(actor, scope, pk, detail="recours : retrait d'agrément")
    raise Http404


def _contested_label(obj) -> str:
    from parcours.approvals.models import Agrement, AgrementApplication
    from parcours.commission.models import PrefectDecision

    if isinstance(obj, PrefectDecision):
        return f"Décision n° {obj.reference} du {obj.signed_on:%d/%m/%Y} "
        f"({obj.get_outcome_display().lower()}), parcours {obj.pathway.person.pseudonym}"
    if isinstance(obj, AgrementApplication):
        return f"Refus d'agrément de {obj.organisation} du {obj.decided_on:%d/%m/%Y}"
    if isinstance(obj, Agrement):
        return f"Retrait de l'agrément {obj.reference} de {obj.organisation}"
    return f"Arrêt de l'AFIS, décision n° {obj.decision_reference}, parcours {obj.pathway.person.pseudonym}"


class AppealCreateView(ActorRequiredMixin, View):
    permission = "appeals.record"
    template_name = "appeals/create.html"

    def _obj(self, target, pk):
        if target not in TARGETS:
            raise Http404
        return contested_object(self.actor, target, pk)

    def _render(self, obj, form, error=""):
        return render(
            self.request,
            self.template_name,
            {
                "nav": "appeals",
                "form": form,
                "contested": _contested_label(obj),
                "error": error,
                "deadline": notified_deadline(obj),
            },
        )

    def get(self, request, target, pk):
        obj = self._obj(target, pk)
        error = ""
        try:
            services.appealable(obj)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        return self._render(obj, forms.AppealForm(initial={"lodged_on": timezone.localdate()}), error)

    def post(self, request, target, pk):
        obj = self._obj(target, pk)
        form = forms.AppealForm(request.POST)
        if form.is_valid():
            try:
                appeal = services.record_appeal(actor=self.actor, obj=obj, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Recours enregistré : {appeal.get_kind_display().lower()}.")
                return redirect("appeals:detail", pk=appeal.public_id)
        return self._render(obj, form)


def notified_deadline(obj):
    """(notification date, last day to appeal before the court) of a contested decision, when known."""
    from parcours.approvals.models import Agrement
    from parcours.commission.models import PrefectDecision

    if isinstance(obj, PrefectDecision):
        letter = obj.letters.filter(addressee="person").first()
        if letter and letter.notified_on:
            return letter.notified_on, rules.appeal_deadline(letter.notified_on)
        return None
    if isinstance(obj, Agrement):
        procedure = obj.procedures.filter(decision_notified_on__isnull=False).first()
        obj = procedure or obj
    if getattr(obj, "decision_notified_on", None):
        return obj.decision_notified_on, rules.appeal_deadline(obj.decision_notified_on)
    return None


def _appeal_context(actor, appeal, **extra):
    contested = appeal.decision or appeal.procedure or appeal.application or appeal.agrement
    return {
        "nav": "appeals",
        "appeal": appeal,
        "contested": _contested_label(contested),
        "deadline": notified_deadline(contested),
        "can": appeal_abilities(actor, appeal),
        "outcome_form": extra.get("outcome_form") or forms.OutcomeForm(initial={"day": timezone.localdate()}),
        "reexamination_form": extra.get("reexamination_form")
        or forms.ReexaminationForm(initial={"day": timezone.localdate()}),
        "focus_form": extra.get("focus_form", ""),
    }


class AppealDetailView(ActorRequiredMixin, View):
    permission = "appeals.view"

    def get(self, request, pk):
        appeal = get_appeal_or_404(self.actor, pk)
        return render(request, "appeals/detail.html", _appeal_context(self.actor, appeal))


class _AppealAction(ObjectActionView):
    permission = "appeals.record"

    def get_object(self, pk, **kwargs):
        return get_appeal_or_404(self.actor, pk, detail="recours (enregistrement)")

    def page_url(self, appeal):
        return reverse("appeals:detail", args=[appeal.public_id])

    def render_page(self, appeal, form):
        context = _appeal_context(self.actor, appeal, **{self.form_name: form, "focus_form": self.form_name})
        return render(self.request, "appeals/detail.html", context)


class AppealOutcomeView(_AppealAction):
    form_class, form_name, anchor = forms.OutcomeForm, "outcome_form", "#issue"

    def confirmation(self, appeal, form):
        data = form.cleaned_data
        label = dict(AppealOutcome.choices)[data["outcome"]]
        consequences = [
            f"L'issue « {label} » du {data['day']:%d/%m/%Y} est enregistrée : elle ne peut plus "
            "être modifiée."
        ]
        if data["outcome"] in (AppealOutcome.ANNULLED, AppealOutcome.SUSPENDED):
            consequences.append(
                "Le réexamen de la décision apparaît au tableau « À traiter » du secrétariat."
            )
        return Confirmation(
            title="Enregistrer l'issue du recours",
            consequences=consequences,
            button="Oui, enregistrer l'issue",
            back_url=self.page_url(appeal),
        )

    def perform(self, appeal, form):
        appeal = services.record_outcome(actor=self.actor, appeal=appeal, **form.cleaned_data)
        return f"Issue du recours enregistrée : {appeal.get_outcome_display().lower()}."


class AppealReexamineView(_AppealAction):
    form_class, form_name, anchor = forms.ReexaminationForm, "reexamination_form", "#reexamen"

    def confirmation(self, appeal, form):
        if appeal.target == AppealTarget.REFUSAL:
            consequences = [
                "Le parcours redevient « Demande en cours » ; une nouvelle demande, copie de la "
                "demande refusée "
                "(contenu, objectifs et pièces), est prête pour la commission.",
                "La commission rendra un nouvel avis, puis le préfet une nouvelle décision au registre.",
            ]
        else:
            consequences = ["Le réexamen est enregistré avec la suite donnée ; il ne peut pas être défait."]
        return Confirmation(
            title="Ouvrir le réexamen",
            consequences=consequences,
            button="Oui, ouvrir le réexamen",
            back_url=self.page_url(appeal),
        )

    def perform(self, appeal, form):
        appeal = services.open_reexamination(actor=self.actor, appeal=appeal, **form.cleaned_data)
        if appeal.reexamination_request_id:
            return "Réexamen ouvert : la demande est prête pour la commission."
        return "Réexamen enregistré."


# --- The prior adversarial procedure ---

KINDS = {"fin": ProcedureKind.END, "afis": ProcedureKind.AFIS_STOP}


class ProcedureStartView(ActorRequiredMixin, View):
    """GET: what the procedure is, and the grounds to write. POST: the notice is produced."""

    permission = "procedures.manage"
    template_name = "appeals/procedure_start.html"

    def _target(self, pk, kind):
        from parcours.approvals.models import Agrement
        from parcours.pathways.selectors import get_pathway_or_404

        if kind == "retrait":
            scope = Agrement.objects.filter(organisation__departement=self.actor.departement).select_related(
                "organisation"
            )
            return (
                ProcedureKind.WITHDRAWAL,
                None,
                read_person_data(self.actor, scope, pk, detail="retrait d'agrément"),
            )
        if kind not in KINDS:
            raise Http404
        return KINDS[kind], get_pathway_or_404(self.actor, pk), None

    def _render(self, kind, pathway, agrement, form, error=""):
        today = timezone.localdate()
        return render(
            self.request,
            self.template_name,
            {
                "nav": "appeals",
                "kind": kind,
                "kind_label": ProcedureKind(kind).label,
                "pathway": pathway,
                "agrement": agrement,
                "form": form,
                "error": error,
                "days": settings_store.observations_days(today),
                "opinion_required": settings_store.commission_opinion_required(today),
            },
        )

    def get(self, request, pk, kind="retrait"):
        procedure_kind, pathway, agrement = self._target(pk, kind)
        error = ""
        try:
            services.check_start(procedure_kind, pathway=pathway, agrement=agrement)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        return self._render(procedure_kind, pathway, agrement, forms.ProcedureStartForm(), error)

    def post(self, request, pk, kind="retrait"):
        procedure_kind, pathway, agrement = self._target(pk, kind)
        form = forms.ProcedureStartForm(request.POST)
        if form.is_valid():
            try:
                procedure = services.start_procedure(
                    actor=self.actor,
                    kind=procedure_kind,
                    pathway=pathway,
                    agrement=agrement,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, "Procédure contradictoire ouverte : le préavis est prêt à être remis."
                )
                return redirect("appeals:procedure", pk=procedure.public_id)
        return self._render(procedure_kind, pathway, agrement, form)


def _procedure_context(actor, procedure, **extra):
    today = timezone.localdate()
    to_hand_over = services.pathways_to_hand_over(procedure)
    return {
        "nav": "appeals",
        "procedure": procedure,
        "can": procedure_abilities(actor, procedure),
        "own": is_own(actor, procedure),
        "today": today,
        "earliest": services.earliest_decision_day(procedure) if procedure.observations_until else None,
        "appeals": procedure.appeals.all(),
        "to_hand_over": to_hand_over,
        "notice_form": extra.get("notice_form") or forms.HandoverForm(initial={"day": today}),
        "observations_form": extra.get("observations_form") or forms.ObservationsForm(initial={"day": today}),
        "opinion_form": extra.get("opinion_form") or forms.ProcedureOpinionForm(initial={"day": today}),
        "decision_form": extra.get("decision_form")
        or forms.ProcedureDecisionForm(initial={"day": today, "motive": procedure.grounds}),
        "handover_form": extra.get("handover_form") or forms.HandoverForm(initial={"day": today}),
        "abandon_form": extra.get("abandon_form") or forms.AbandonForm(),
        "focus_form": extra.get("focus_form", ""),
    }


class ProcedureDetailView(ActorRequiredMixin, View):
    permission = "appeals.view"

    def get(self, request, pk):
        procedure = get_procedure_or_404(self.actor, pk)
        return render(request, "appeals/procedure_detail.html", _procedure_context(self.actor, procedure))


class _ProcedureAction(ObjectActionView):
    def get_object(self, pk, **kwargs):
        return get_procedure_or_404(self.actor, pk, detail="procédure contradictoire (enregistrement)")

    def page_url(self, procedure):
        return reverse("appeals:procedure", args=[procedure.public_id])

    def render_page(self, procedure, form):
        context = _procedure_context(
            self.actor, procedure, **{self.form_name: form, "focus_form": self.form_name}
        )
        return render(self.request, "appeals/procedure_detail.html", context)


class NoticeHandoverView(_ProcedureAction):
    permission = "procedures.handover"
    form_class, form_name, anchor = forms.HandoverForm, "notice_form", "#preavis"

    def perform(self, procedure, form):
        procedure = services.record_notice_handover(
            actor=self.actor, procedure=procedure, **form.cleaned_data
        )
        return (
            f"Remise du préavis enregistrée : observations possibles jusqu'au "
            f"{procedure.observations_until:%d/%m/%Y} inclus."
        )


class ObservationsView(_ProcedureAction):
    permission = "procedures.manage"
    form_class, form_name, anchor = forms.ObservationsForm, "observations_form", "#observations"

    def perform(self, procedure, form):
        procedure = services.record_observations(actor=self.actor, procedure=procedure, **form.cleaned_data)
        if procedure.state == ProcedureState.OPINION:
            return "Observations enregistrées : la commission doit maintenant rendre son avis."
        return "Observations enregistrées : la décision peut être prise."


class ProcedureOpinionView(_ProcedureAction):
    permission = "procedures.manage"
    form_class, form_name, anchor = forms.ProcedureOpinionForm, "opinion_form", "#avis"

    def perform(self, procedure, form):
        services.record_procedure_opinion(actor=self.actor, procedure=procedure, **form.cleaned_data)
        return "Avis de la commission enregistré : la décision peut être prise."


class ProcedureDecisionView(_ProcedureAction):
    permission = "procedures.decide"
    form_class, form_name, anchor = forms.ProcedureDecisionForm, "decision_form", "#decision"

    def confirmation(self, procedure, form):
        data = form.cleaned_data
        if procedure.kind == ProcedureKind.END:
            consequences = [
                "La décision de fin, motivée, est préparée pour la signature du préfet au registre "
                "des décisions.",
                "Le parcours prend fin le jour de la signature ; l'acte et les courriers (la "
                "personne, l'organisme "
                "payeur de l'AFIS, le service des étrangers) sont alors produits.",
            ]
        else:
            if data.get("day") is None:
                raise ValidationError({"day": "Indiquez la date de la décision."})
            consequences = [
                f"La décision du {data['day']:%d/%m/%Y} reçoit le numéro suivant du registre "
                f"{data['day'].year} : "
                "cela ne peut pas être défait.",
            ]
            if procedure.kind == ProcedureKind.AFIS_STOP:
                stop = dates.first_day_of_next_month(data["day"])
                consequences.append(
                    f"L'AFIS cesse d'être versée à compter du {stop:%d/%m/%Y} (mois suivant la "
                    "décision) ; le courrier à la personne et celui à l'organisme payeur sont produits."
                )
            else:
                consequences.append(
                    "La décision est produite ; le retrait prendra effet le jour de sa "
                    "notification à l'association."
                )
        return Confirmation(
            title="Prendre la décision",
            consequences=consequences,
            button="Oui, prendre la décision",
            back_url=self.page_url(procedure),
        )

    def perform(self, procedure, form):
        data = form.cleaned_data
        day = data["day"] or timezone.localdate()
        procedure = services.decide_procedure(
            actor=self.actor,
            procedure=procedure,
            day=day,
            motive=data["motive"],
            external_reference=data["external_reference"],
        )
        if procedure.kind == ProcedureKind.END:
            return "Décision de fin préparée : elle attend la signature du préfet."
        return f"Décision n° {procedure.decision_reference} enregistrée : l'acte et les courriers sont prêts."


class DecisionHandoverView(_ProcedureAction):
    permission = "procedures.handover"
    form_class, form_name, anchor = forms.HandoverForm, "handover_form", "#notification"

    def confirmation(self, procedure, form):
        if procedure.kind != ProcedureKind.WITHDRAWAL:
            return None
        return Confirmation(
            title="Enregistrer la notification du retrait",
            consequences=[
                f"Le retrait de l'agrément prend effet le {form.cleaned_data['day']:%d/%m/%Y} : "
                "l'association ne "
                "peut plus transmettre de demande de parcours de sortie.",
                "La liste des parcours à confier à une autre association agréée s'affiche sur la procédure.",
            ],
            button="Oui, enregistrer la notification",
            back_url=self.page_url(procedure),
        )

    def perform(self, procedure, form):
        procedure = services.record_decision_handover(
            actor=self.actor, procedure=procedure, **form.cleaned_data
        )
        return (
            f"Notification enregistrée le {procedure.decision_notified_on:%d/%m/%Y} : recours "
            f"possible jusqu'au {procedure.appeal_deadline:%d/%m/%Y}."
        )


class AbandonView(_ProcedureAction):
    permission = "procedures.manage"
    form_class, form_name, anchor = forms.AbandonForm, "abandon_form", "#abandon"

    def confirmation(self, procedure, form):
        return Confirmation(
            title="Abandonner la mesure envisagée",
            consequences=["La procédure est close sans décision : la mesure n'est pas prise."],
            button="Oui, abandonner la mesure",
            back_url=self.page_url(procedure),
        )

    def perform(self, procedure, form):
        services.abandon_procedure(actor=self.actor, procedure=procedure, **form.cleaned_data)
        return "Mesure abandonnée : la procédure est close."


DOCUMENTS = {
    "preavis": ("notice_document", "preavis"),
    "decision": ("decision_document", "decision"),
    "courrier": ("letter_document", "notification-personne"),
    "organisme-payeur": ("payer_letter_document", "notification-organisme-payeur"),
}


class ProcedureDocumentView(ActorRequiredMixin, StepUpMixin, View):
    """A procedure's frozen document (PDF). The association reads the notice and the person's letter of its
    own people (which it hands over), and the decision on its own agrément; the prefecture reads them all."""

    permission = "appeals.view"

    def get(self, request, pk, which):
        from parcours.documents import services as documents_services

        if which not in DOCUMENTS:
            raise Http404
        procedure = get_procedure_or_404(
            self.actor, pk, detail=f"procédure : document {which}", action="download"
        )
        if self.actor.is_association and not (
            which in ("preavis", "courrier") or procedure.kind == ProcedureKind.WITHDRAWAL
        ):
            raise Http404
        field, name = DOCUMENTS[which]
        document = getattr(procedure, field)
        if document is None:
            raise Http404
        try:
            content = documents_services.pdf_of(document)
        except documents_services.TamperedDocument:
            return altered_file_response(request)
        suffix = procedure.decision_reference or procedure.public_id.hex[:8]
        return pdf_response(content, f"{name}-{suffix}.pdf")
