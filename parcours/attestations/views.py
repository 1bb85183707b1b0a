"""Attestations of engagement: the pathway's page (asked, issued, refused), the request, the issue (signed for
the prefect: confirmation and a recent second factor), the refusal and the download. Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from parcours.core.second_factor import StepUpMixin
from parcours.core.views_base import (
    ActorRequiredMixin,
    Confirmation,
    altered_file_response,
    apply_errors,
    confirmation_page,
    is_confirmed,
    pdf_response,
)
from parcours.documents import services as documents
from parcours.pathways.selectors import get_pathway_or_404

from . import services
from .forms import AttestationRefuseForm, AttestationRequestForm
from .policies import abilities
from .selectors import get_attestation_or_404


def _url(pathway) -> str:
    return reverse("attestations:pathway", args=[pathway.public_id])


def _page(request, actor, pathway, status=200, **forms):
    can = abilities(actor, pathway)
    attestations = list(
        pathway.attestations.select_related("document", "requested_by", "decided_by").order_by("-created_at")
    )
    refuse_for = forms.get("refuse_for")
    if can["issue"]:
        for attestation in attestations:
            if attestation.state == "requested":
                posted = forms.get("refuse_form") if refuse_for == attestation.pk else None
                attestation.refuse_form = posted or AttestationRefuseForm(
                    auto_id=f"id_refus_{attestation.public_id.hex[:8]}_%s"
                )
    context = {
        "nav": "pathways",
        "pathway": pathway,
        "person": pathway.person,
        "can": can,
        "attestations": attestations,
        "request_form": forms.get("request_form") or AttestationRequestForm(),
    }
    return render(request, "attestations/pathway_attestations.html", context, status=status)


class PathwayAttestationsView(ActorRequiredMixin, View):
    permission = "attestations.view"

    def get(self, request, pk):
        pathway = get_pathway_or_404(self.actor, pk, detail="attestations d'engagement")
        return _page(request, self.actor, pathway)


class AttestationRequestView(ActorRequiredMixin, View):
    permission = "attestations.request"

    def post(self, request, pk):
        pathway = get_pathway_or_404(self.actor, pk, detail="demande d'attestation d'engagement")
        form = AttestationRequestForm(request.POST)
        if form.is_valid():
            try:
                services.request_attestation(actor=self.actor, pathway=pathway, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Attestation demandée : le secrétariat la délivrera.")
                return redirect(_url(pathway))
        return _page(request, self.actor, pathway, request_form=form)


def issue_confirmation(attestation, back_url) -> Confirmation:
    return Confirmation(
        title="Délivrer l'attestation d'engagement",
        consequences=[
            f"L'attestation « {attestation.get_purpose_display()} » reçoit le numéro suivant du registre des "
            "attestations du département et est signée pour le préfet avec la délégation de l'en-tête des "
            "documents.",
            "Le document est figé : il ne pourra plus être modifié. L'association pourra le télécharger "
            "et le remettre à la personne.",
        ],
        button="Oui, délivrer l'attestation",
        back_url=back_url,
    )


class AttestationIssueView(ActorRequiredMixin, StepUpMixin, View):
    permission = "attestations.issue"

    def post(self, request, pk):
        attestation = get_attestation_or_404(
            self.actor, pk, detail="délivrance d'une attestation d'engagement"
        )
        back = _url(attestation.pathway)
        try:
            services.check_issue(attestation)
        except ValidationError as exc:
            messages.error(request, "Rien n'a été délivré : " + " ".join(exc.messages))
            return redirect(back)
        if not is_confirmed(request):
            return confirmation_page(request, issue_confirmation(attestation, back))
        try:
            attestation = services.issue_attestation(actor=self.actor, attestation=attestation)
        except (ValidationError, documents.TemplateProblem) as exc:
            reasons = getattr(exc, "messages", [str(exc)])
            messages.error(request, "Rien n'a été délivré : " + " ".join(reasons))
        else:
            messages.success(request, f"Attestation {attestation.number} délivrée.")
        return redirect(back)


class AttestationRefuseView(ActorRequiredMixin, View):
    permission = "attestations.issue"

    def post(self, request, pk):
        attestation = get_attestation_or_404(self.actor, pk, detail="refus d'une attestation d'engagement")
        form = AttestationRefuseForm(request.POST, auto_id=f"id_refus_{attestation.public_id.hex[:8]}_%s")
        if form.is_valid():
            try:
                services.refuse_attestation(
                    actor=self.actor, attestation=attestation, motive=form.cleaned_data["motive"]
                )
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):
                    messages.error(request, "Rien n'a été enregistré : " + " ".join(exc.messages))
                    return redirect(_url(attestation.pathway))
                apply_errors(form, exc)
            else:
                messages.success(request, "Attestation refusée : l'association lit le motif sur cette page.")
                return redirect(_url(attestation.pathway))
        return _page(request, self.actor, attestation.pathway, refuse_form=form, refuse_for=attestation.pk)


class AttestationDownloadView(ActorRequiredMixin, StepUpMixin, View):
    permission = "attestations.view"

    def get(self, request, pk):
        attestation = get_attestation_or_404(
            self.actor, pk, detail="attestation d'engagement (PDF)", action="download"
        )
        if attestation.document is None:
            raise Http404
        try:
            content = documents.pdf_of(attestation.document)
        except documents.TamperedDocument:
            return altered_file_response(request)
        return pdf_response(content, f"attestation-{attestation.number}.pdf")
