"""Views (thin: parse, call a service, render)."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView, View

from parcours.core import audit
from parcours.core.storage import UnreadableFile, read_verified
from parcours.core.views_base import ActorRequiredMixin, Confirmation, ObjectActionView, altered_file_response

from . import rules, services
from .forms import (
    ApplicationDocumentForm,
    ApplicationInfoForm,
    DecisionForm,
    EstablishmentForm,
    OpinionForm,
    OtherOpinionForm,
    ReturnIncompleteForm,
    WithdrawForm,
)
from .models import Agrement, AgrementStatus, ApplicationDocument, ApplicationState
from .policies import abilities, listed_abilities
from .selectors import (
    TO_HANDLE,
    _parse_uuid,
    agrement_status,
    agrements_of,
    associations_to_handle,
    get_application_or_404,
    get_association_or_404,
)
from .settings_store import commission_opinion_required

STATUS_BADGES = {
    AgrementStatus.VALID: "success",
    AgrementStatus.EXPIRING: "warning",
    AgrementStatus.FUTURE: "info",
    AgrementStatus.EXPIRED: "error",
    AgrementStatus.WITHDRAWN: "error",
    AgrementStatus.NONE: "new",
}


def organisation_context(organisation, today):
    status, current = agrement_status(organisation, today)
    return {
        "organisation": organisation,
        "status": status,
        "status_label": AgrementStatus(status).label,
        "status_badge": STATUS_BADGES[status],
        "current_agrement": current,
        "agrements": agrements_of(organisation).select_related("organisation").order_by("-valid_from"),
        "applications": organisation.agrement_applications.order_by("-created_at"),
        "rules": rules,
        "today": today,
    }


class AssociationListView(ActorRequiredMixin, TemplateView):
    permission = "approvals.list"
    template_name = "approvals/association_list.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        rows = []
        wanted = self.request.GET.get("statut", "")
        to_handle = self.request.GET.get("a_traiter", "")
        if to_handle not in TO_HANDLE:
            to_handle = ""
        for org in associations_to_handle(self.actor.departement, to_handle, today):
            status, agrement = agrement_status(org, today)
            if wanted in AgrementStatus.values and status != wanted:
                continue
            rows.append(
                {
                    "org": org,
                    "status": AgrementStatus(status).label,
                    "badge": STATUS_BADGES[status],
                    "agrement": agrement,
                    "open": org.agrement_applications.open().exclude(state=ApplicationState.DRAFT).first(),
                }
            )
        audit.record(self.actor, "view", None, detail="liste des agréments")
        return {
            "nav": "approvals",
            "rows": rows,
            "statuses": AgrementStatus.choices,
            "wanted": wanted,
            "to_handle": to_handle,
            "to_handle_choices": TO_HANDLE.items(),
            "rules": rules,
        }


class AssociationDetailView(ActorRequiredMixin, TemplateView):
    permission = "approvals.list"
    template_name = "approvals/association_detail.html"

    def get_context_data(self, **kwargs):
        org = get_association_or_404(self.actor, self.kwargs["pk"])
        return association_page_context(self.actor, org)


def association_page_context(actor, org, withdraw_form=None):
    """The association's agrément page: its agréments (the primary way to withdraw one is the prior
    adversarial procedure; the form records a withdrawal decided and notified outside Parcours), its
    applications, and after a withdrawal the pathways to hand over (appeals' block)."""
    audit.record(actor, "view", org, detail="agréments de l'association")
    today = timezone.localdate()
    context = organisation_context(org, today)
    current = context["current_agrement"]
    withdrawable = (
        current is not None
        and current.organisation_id == org.pk
        and current.withdrawn_on is None
        and current.valid_from <= today <= current.valid_until
    )
    context.update(
        nav="approvals",
        withdrawable=current if withdrawable else None,
        withdraw_form=withdraw_form or WithdrawForm(initial={"day": today, "notified_on": today}),
        focus_form="withdraw_form" if withdraw_form is not None else "",
    )
    return context


class OwnAgrementView(ActorRequiredMixin, TemplateView):
    permission = "approvals.own"
    template_name = "approvals/own.html"

    def get_context_data(self, **kwargs):
        org = self.actor.organisation
        audit.record(self.actor, "view", org, detail="agrément de l'association")
        context = organisation_context(org, timezone.localdate())
        context["nav"] = "approvals_own"
        context["open_application"] = org.agrement_applications.open().first()
        # A renewal is of the association's own agrément (not of one granted at another seat naming it).
        context["renewal"] = Agrement.objects.filter(organisation=org).exists()
        return context


class StartApplicationView(ActorRequiredMixin, View):
    permission = "approvals.prepare"

    def post(self, request):
        try:
            application = services.start_application(actor=self.actor)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("approvals:own")
        messages.success(request, "Demande d'agrément commencée : complétez le dossier puis déposez-le.")
        return redirect("approvals:application", pk=application.public_id)


def application_context(actor, application, **forms):
    today = timezone.localdate()
    can_do = abilities(actor, application, today)
    context = {
        "nav": "approvals" if not actor.is_association else "approvals_own",
        "application": application,
        "organisation": application.organisation,
        "documents": application.documents.all(),
        "events": application.events.select_related("user"),
        "can": can_do,
        "rules": rules,
        "today": today,
        "completeness_deadline": application.completeness_deadline,
        "complete_on": application.effective_complete_on(today),
        "tacit_on": application.tacit_approval_on(today),
        "opinion_required": commission_opinion_required(today),
    }
    if application.is_editable:
        context["missing_now"] = services.missing_for_submission(application, today)
    others = []
    for row in application.others:
        row_can = listed_abilities(actor, row)
        focused = forms.get("listed_pk") == row.pk
        others.append(
            {
                "row": row,
                "can": row_can,
                "late": row.due_on is not None and not row.opinion and today > row.due_on,
                "opinion_form": (forms.get("other_opinion_form") if focused else None)
                or (OtherOpinionForm(initial={"day": today}) if row_can["opinion"] else None),
                "establishment_form": (forms.get("establishment_form") if focused else None)
                or (
                    EstablishmentForm(
                        departement=actor.departement, initial={"establishment": row.establishment}
                    )
                    if row_can["establishment"]
                    else None
                ),
            }
        )
    context["others"] = others
    defaults = {
        "info_form": ApplicationInfoForm(
            seat=application.departement,
            initial={
                "declared_on": application.declared_on,
                "staff_count": application.staff_count,
                "qualifications": application.qualifications,
                "premises": application.premises,
                "siret": application.siret,
                "rna": application.rna,
                "departements": [row["row"].departement for row in others],
            },
        )
        if can_do["edit"]
        else None,
        "document_form": ApplicationDocumentForm() if can_do["edit"] else None,
        "incomplete_form": ReturnIncompleteForm() if can_do["return_incomplete"] else None,
        "opinion_form": OpinionForm(initial={"day": today}) if can_do["opinion"] else None,
        "decision_form": DecisionForm(initial={"day": today}) if can_do["decide"] else None,
    }
    for name, default in defaults.items():
        context[name] = forms.get(name, default)
    return context


def _listed_or_404(application, listed_id):
    key = _parse_uuid(listed_id)
    row = (
        application.listed_departements.filter(public_id=key)
        .select_related("departement", "agrement", "application")
        .first()
        if key
        else None
    )
    if row is None:
        raise Http404
    return row


class ApplicationDetailView(ActorRequiredMixin, TemplateView):
    permission = "approvals.view"
    template_name = "approvals/application_detail.html"

    def get_context_data(self, **kwargs):
        application = get_application_or_404(self.actor, self.kwargs["pk"])
        return application_context(self.actor, application)


class ApplicationActionView(ObjectActionView):
    """A POST on the application page (see ObjectActionView)."""

    def get_object(self, pk, **kwargs):
        return get_application_or_404(self.actor, pk)

    def page_url(self, application) -> str:
        return reverse("approvals:application", args=[application.public_id])

    def render_page(self, application, form):
        application.refresh_from_db()
        context = application_context(self.actor, application, **{self.form_name: form})
        context["focus_form"] = self.form_name
        return render(self.request, "approvals/application_detail.html", context)


class InfoView(ApplicationActionView):
    permission = "approvals.prepare"
    form_class, form_name, anchor = ApplicationInfoForm, "info_form", "#dossier"
    success_message = "Informations du dossier enregistrées."

    def get_form(self):
        return ApplicationInfoForm(self.request.POST, seat=self.actor.departement)

    def perform(self, application, form):
        data = form.cleaned_data
        services.update_application(
            actor=self.actor,
            application=application,
            declared_on=data["declared_on"],
            staff_count=data["staff_count"],
            qualifications=data["qualifications"],
            premises=data["premises"],
            siret=data["siret"],
            rna=data["rna"],
            departements=data["departements"],
        )


class DocumentAddView(ApplicationActionView):
    permission = "approvals.prepare"
    form_class, form_name, anchor = ApplicationDocumentForm, "document_form", "#pieces"
    success_message = "Pièce ajoutée."

    def perform(self, application, form):
        services.add_document(
            actor=self.actor,
            application=application,
            kind=form.cleaned_data["kind"],
            uploaded=form.cleaned_data["file"],
        )


def _document_or_404(application, document_id) -> ApplicationDocument:
    key = _parse_uuid(document_id)
    document = application.documents.filter(public_id=key).first() if key else None
    if document is None:
        raise Http404
    return document


class DocumentRemoveView(ApplicationActionView):
    permission = "approvals.prepare"
    anchor = "#pieces"
    success_message = "Pièce retirée."

    def perform(self, application, form):
        services.remove_document(
            actor=self.actor, document=_document_or_404(application, self.kwargs["document"])
        )


class DocumentDownloadView(ActorRequiredMixin, View):
    permission = "approvals.download"

    def get(self, request, pk, document):
        application = get_application_or_404(self.actor, pk)
        doc = _document_or_404(application, document)
        audit.record(self.actor, "download", doc, detail=f"pièce d'agrément {doc.kind}")
        extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[doc.content_type]
        try:
            content = read_verified(doc.file, doc.sha256, doc.public_id)
        except UnreadableFile:
            return altered_file_response(request)
        response = FileResponse(
            io.BytesIO(content),
            content_type=doc.content_type,
            as_attachment=True,
            filename=f"agrement-{doc.kind}.{extension}",
        )
        response["Cache-Control"] = "no-store"
        return response


class SubmitView(ApplicationActionView):
    permission = "approvals.submit"
    anchor = "#instruction"
    success_message = "Dossier de demande d'agrément déposé à la préfecture."

    def perform(self, application, form):
        services.submit_application(actor=self.actor, application=application)


class ReturnIncompleteView(ApplicationActionView):
    permission = "approvals.check"
    form_class, form_name, anchor = ReturnIncompleteForm, "incomplete_form", "#instruction"
    success_message = "Dossier renvoyé à l'association avec la liste des pièces manquantes."

    def perform(self, application, form):
        services.return_incomplete(
            actor=self.actor,
            application=application,
            missing=form.cleaned_data["items"],
            comment=form.cleaned_data["comment"],
        )


class MarkCompleteView(ApplicationActionView):
    permission = "approvals.check"
    anchor = "#instruction"
    success_message = "Dossier déclaré complet."

    def perform(self, application, form):
        services.mark_complete(actor=self.actor, application=application)


class OpinionView(ApplicationActionView):
    permission = "approvals.opinion"
    form_class, form_name, anchor = OpinionForm, "opinion_form", "#instruction"
    success_message = "Avis de la commission enregistré."

    def perform(self, application, form):
        data = form.cleaned_data
        services.record_commission_opinion(
            actor=self.actor,
            application=application,
            opinion=data["opinion"],
            day=data["day"],
            motive=data["motive"],
        )


class DecisionView(ApplicationActionView):
    permission = "approvals.decide"
    form_class, form_name, anchor = DecisionForm, "decision_form", "#instruction"
    success_message = "Décision enregistrée."

    def perform(self, application, form):
        data = form.cleaned_data
        services.decide(
            actor=self.actor,
            application=application,
            decision=data["decision"],
            day=data["day"],
            reference=data["reference"],
            motive=data["motive"],
        )


class AskCommissionView(ApplicationActionView):
    permission = "approvals.check"
    anchor = "#instruction"
    success_message = "Dossier transmis pour avis à la commission."

    def perform(self, application, form):
        services.ask_commission_opinion(actor=self.actor, application=application)


class ListedActionView(ApplicationActionView):
    """A POST on one département named in the file (its secretariat's opinion, the establishment)."""

    anchor = "#departements"

    def get_object(self, pk, **kwargs):
        application = get_application_or_404(self.actor, pk)
        self.listed = _listed_or_404(application, kwargs["listed"])
        return application

    def render_page(self, application, form):
        application.refresh_from_db()
        context = application_context(
            self.actor, application, **{self.form_name: form, "listed_pk": self.listed.pk}
        )
        context["focus_form"] = self.form_name
        return render(self.request, "approvals/application_detail.html", context)


class OtherOpinionView(ListedActionView):
    permission = "approvals.other_opinion"
    form_class, form_name = OtherOpinionForm, "other_opinion_form"
    success_message = "Avis du département enregistré et transmis à la préfecture du siège."

    def confirmation(self, application, form):
        data = form.cleaned_data
        services.check_other_opinion(
            actor=self.actor,
            listed=self.listed,
            opinion=data["opinion"],
            day=data["day"],
            motive=data["motive"],
        )
        label = dict(form.fields["opinion"].choices)[data["opinion"]].lower()
        return Confirmation(
            title=f"Rendre un avis {label} sur la demande d'agrément de {application.organisation.name} ?",
            consequences=[
                f"L'avis du département {self.listed.departement.code} est transmis à la préfecture du "
                "siège, qui instruit la demande et décide.",
                "Il ne pourra plus être modifié.",
            ],
            button="Rendre l'avis",
            back_url=self.page_url(application) + self.anchor,
        )

    def perform(self, application, form):
        data = form.cleaned_data
        services.give_other_opinion(
            actor=self.actor,
            listed=self.listed,
            opinion=data["opinion"],
            day=data["day"],
            motive=data["motive"],
        )


class EstablishmentView(ListedActionView):
    permission = "approvals.other_opinion"
    form_class, form_name = EstablishmentForm, "establishment_form"
    success_message = "Établissement de l'association rattaché."

    def get_form(self):
        return EstablishmentForm(self.request.POST, departement=self.actor.departement)

    def perform(self, application, form):
        services.name_establishment(
            actor=self.actor, listed=self.listed, establishment=form.cleaned_data["establishment"]
        )


class TacitView(ApplicationActionView):
    permission = "approvals.check"
    anchor = "#instruction"
    success_message = "Agrément tacite enregistré."

    def perform(self, application, form):
        services.record_tacit_approval(actor=self.actor, application=application)


class WithdrawView(ObjectActionView):
    """A withdrawal decided outside Parcours after a hearing held outside it, recorded from the association's
    agrément page (secondary to the prior adversarial procedure): checked, then confirmed, then recorded."""

    permission = "approvals.withdraw"
    form_class, form_name, anchor = WithdrawForm, "withdraw_form", "#retrait-hors-parcours"

    def get_object(self, pk, **kwargs):
        key = _parse_uuid(pk)
        agrement = (
            Agrement.objects.filter(public_id=key, organisation__departement=self.actor.departement)
            .select_related("organisation")
            .first()
            if key
            else None
        )
        if agrement is None:
            raise Http404
        return agrement

    def page_url(self, agrement) -> str:
        return reverse("approvals:association", args=[agrement.organisation.public_id])

    def render_page(self, agrement, form):
        context = association_page_context(self.actor, agrement.organisation, withdraw_form=form)
        return render(self.request, "approvals/association_detail.html", context)

    def confirmation(self, agrement, form):
        data = form.cleaned_data
        services.check_withdrawal(agrement=agrement, **data)
        return Confirmation(
            title=f"Enregistrer le retrait de l'agrément {agrement.reference} décidé hors Parcours",
            consequences=[
                f"Le préavis a été remis à {agrement.organisation.name} le "
                f"{data['hearing_notice_on']:%d/%m/%Y} et la décision de retrait lui a été notifiée le "
                f"{data['notified_on']:%d/%m/%Y}.",
                f"L'agrément est retiré à compter du {data['day']:%d/%m/%Y}, dans chaque département où il "
                "valait : l'association ne peut plus transmettre de demande de parcours de sortie.",
                "Les parcours que l'association accompagne encore s'affichent sur la page de l'agrément, à "
                "confier à une autre association agréée. Cela ne peut pas être défait.",
            ],
            button="Oui, enregistrer le retrait",
            back_url=self.page_url(agrement) + self.anchor,
        )

    def perform(self, agrement, form):
        agrement = services.withdraw_agrement(actor=self.actor, agrement=agrement, **form.cleaned_data)
        return (
            f"Retrait de l'agrément {agrement.reference} enregistré : il a pris effet le "
            f"{agrement.withdrawn_on:%d/%m/%Y}. Les parcours encore ouverts de l'association sont listés "
            "ci-dessous, à confier à une autre association agréée."
        )
