"""The campaign report under statistical secrecy: the list of published reports, the page and its PDF.

Who reads what (issue 10, finding 2: a live report lets an invited structure test whether a guessed person is
known elsewhere):

- while the campaign is open, only the secretariat of its département reads the live (provisional) report;
- once it is closed, the report is the frozen document computed in the background (`tasks.compute_report`):
  the secretariat reads its latest version as soon as it is ready, the prefect and the commission's members
  the latest version the secretariat has published;
- anything else (a draft, an open campaign, a report not yet published) is refused with a French page (403).
"""

from __future__ import annotations

import logging
import re

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView, View

from parcours.core import audit
from parcours.core.policies import can
from parcours.core.views_base import ActorRequiredMixin, ObjectActionView, altered_file_response, pdf_response
from parcours.documents import pdf
from parcours.documents import services as documents

from .. import selectors, services
from ..forms import ReportVersionForm
from ..models import CampaignState, FrozenReport, ReportState
from ..report import build_report

logger = logging.getLogger(__name__)

NOT_PUBLISHED = (
    "Le rapport de cette campagne n'est pas encore publié. Il le sera par le secrétariat de la commission "
    "après la clôture de la campagne, une fois l'estimation finale calculée."
)
DRAFT = "Cette campagne est en préparation : elle n'a pas encore de rapport."


def pdf_filename(campaign, version: int | None = None) -> str:
    """`diagnostic-<code>[-v<version>].pdf`: the campaign's code only, reduced to safe characters."""
    code = re.sub(r"[^A-Za-z0-9_-]+", "-", campaign.code).strip("-") or "campagne"
    return f"diagnostic-{code}{f'-v{version}' if version else ''}.pdf"


def is_secretariat(actor) -> bool:
    return can(actor, "diagnostic.manage")


def readable_report(actor, campaign) -> FrozenReport | None:
    """The frozen version `actor` may read: the latest finished one for the secretariat, the latest published
    one for the others."""
    states = [ReportState.READY, ReportState.PUBLISHED] if is_secretariat(actor) else [ReportState.PUBLISHED]
    return campaign.reports.filter(state__in=states).select_related("document").order_by("-version").first()


def refusal(request, actor, campaign, reason: str):
    audit.record_refusal(
        actor,
        object_type="diagnostic.campaign",
        object_id=str(campaign.public_id),
        detail="rapport non publié",
    )
    return render(
        request, "diagnostic/report_refused.html", {"nav": "diagnostic", "reason": reason}, status=403
    )


class ReportListView(ActorRequiredMixin, TemplateView):
    permission = "diagnostic.report"
    template_name = "diagnostic/report_list.html"

    def get_context_data(self, **kwargs):
        published = FrozenReport.objects.filter(
            campaign__departement=self.actor.departement, state=ReportState.PUBLISHED
        ).select_related("campaign")
        latest: dict[int, FrozenReport] = {}
        for report in published.order_by("campaign_id", "version"):
            latest[report.campaign_id] = report
        reports = sorted(
            latest.values(), key=lambda r: (r.campaign.period_end, r.campaign.code), reverse=True
        )
        return {"nav": "diagnostic", "reports": reports}


class ReportAccessMixin:
    """Resolves the campaign and what the actor may read of it: `live` (the secretariat, open campaign) or
    `frozen` (a FrozenReport), else a refusal page."""

    def resolve(self, request, pk):
        campaign = get_object_or_404(selectors.campaigns_for(self.actor), public_id=pk)
        if campaign.state == CampaignState.DRAFT:
            return campaign, None, refusal(request, self.actor, campaign, DRAFT)
        if campaign.state == CampaignState.OPEN:
            if is_secretariat(self.actor):
                return campaign, "live", None
            return campaign, None, refusal(request, self.actor, campaign, NOT_PUBLISHED)
        frozen = readable_report(self.actor, campaign)
        if frozen is None:
            if is_secretariat(self.actor):
                return campaign, "pending", None
            return campaign, None, refusal(request, self.actor, campaign, NOT_PUBLISHED)
        return campaign, frozen, None


class ReportView(ActorRequiredMixin, ReportAccessMixin, View):
    permission = "diagnostic.report"

    def get(self, request, pk):
        campaign, readable, refused = self.resolve(request, pk)
        if refused:
            return refused
        context = {"nav": "diagnostic", "campaign": campaign}
        if readable == "live":
            context["report"] = build_report(campaign, timezone.localdate())
            detail = "rapport provisoire (secret statistique)"
        elif readable == "pending":
            context["pending"] = campaign.reports.order_by("-version").first()
            detail = "rapport en cours de calcul"
        else:
            # The frozen document's HTML was rendered by our own templates (autoescaped) when it was frozen.
            context["frozen"] = readable
            context["frozen_html"] = mark_safe(readable.document.html)  # noqa: S308
            detail = f"rapport figé version {readable.version}"
        audit.record(self.actor, "view", campaign, detail=detail)
        return render(request, "diagnostic/report.html", context)


class ReportPdfView(ActorRequiredMixin, ReportAccessMixin, View):
    permission = "diagnostic.report"

    def get(self, request, pk):
        campaign, readable, refused = self.resolve(request, pk)
        if refused:
            return refused
        if readable == "pending":
            messages.info(request, "Le rapport est en cours de calcul : son PDF sera disponible ensuite.")
            return redirect("diagnostic:report", pk=campaign.public_id)
        if readable == "live":
            return self.live_pdf(request, campaign)
        try:
            content = documents.pdf_of(readable.document)
        except documents.TamperedDocument:
            return altered_file_response(request)
        audit.record(
            self.actor, "download", campaign, detail=f"rapport figé version {readable.version} (PDF)"
        )
        return pdf_response(content, pdf_filename(campaign, readable.version))

    def live_pdf(self, request, campaign):
        report = build_report(campaign, timezone.localdate())
        body = render_to_string("diagnostic/_report_body.html", {"report": report, "pdf": True})
        try:
            content = pdf.html_to_pdf(
                pdf.full_html(
                    departement=campaign.departement,
                    title=f"Diagnostic territorial — {campaign.title} (provisoire)",
                    body_html=body,
                )
            )
        except Exception as error:  # never a 500: the page stays available
            logger.error("diagnostic report PDF failed: %s", type(error).__name__)
            messages.error(
                request, "Le PDF du rapport n'a pas pu être produit. Le rapport reste consultable ici."
            )
            return redirect("diagnostic:report", pk=campaign.public_id)
        audit.record(self.actor, "download", campaign, detail="rapport provisoire PDF (secret statistique)")
        return pdf_response(content, pdf_filename(campaign))


class ReportActionView(ObjectActionView):
    permission = "diagnostic.manage"
    anchor = "#rapport"

    def get_object(self, pk, **kwargs):
        return get_object_or_404(selectors.campaigns_for(self.actor), public_id=pk)

    def page_url(self, obj) -> str:
        return reverse("diagnostic:campaign", args=[obj.public_id])

    def render_page(self, obj, form):
        from .campaigns import campaign_context

        return render(
            self.request,
            "diagnostic/campaign_detail.html",
            campaign_context(self.actor, obj, version_form=form),
        )


class ReportPublishView(ReportActionView):
    def perform(self, obj, form):
        latest = obj.reports.order_by("-version").first()
        if latest is None:
            from django.core.exceptions import ValidationError

            raise ValidationError("Cette campagne n'a pas encore de rapport figé.")
        report = services.publish_report(self.actor, latest)
        return (
            f"Rapport version {report.version} publié : le préfet et les membres de la commission peuvent "
            "le lire."
        )


class ReportComputeView(ReportActionView):
    form_class = ReportVersionForm
    form_name = "version_form"

    def perform(self, obj, form):
        report = services.request_report(self.actor, obj, reason=form.cleaned_data["reason"])
        return f"Calcul du rapport version {report.version} lancé."
