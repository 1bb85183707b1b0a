"""The campaign report under statistical secrecy: the list of reports, the page and its PDF (same body)."""

from __future__ import annotations

import logging
import re

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.generic import TemplateView, View

from parcours.core import audit
from parcours.core.views_base import ActorRequiredMixin, pdf_response
from parcours.documents import pdf

from .. import selectors
from ..report import build_report

logger = logging.getLogger(__name__)


def get_report_campaign_or_404(actor, pk):
    """An open or closed campaign of the actor's département (a draft has no report)."""
    return get_object_or_404(selectors.report_campaigns_for(actor), public_id=pk)


def pdf_filename(campaign) -> str:
    """`diagnostic-<code>.pdf`: the campaign's code only, reduced to safe characters."""
    code = re.sub(r"[^A-Za-z0-9_-]+", "-", campaign.code).strip("-") or "campagne"
    return f"diagnostic-{code}.pdf"


class ReportListView(ActorRequiredMixin, TemplateView):
    permission = "diagnostic.report"
    template_name = "diagnostic/report_list.html"

    def get_context_data(self, **kwargs):
        return {
            "nav": "diagnostic",
            "campaigns": selectors.report_campaigns_for(self.actor).order_by("-period_end", "code"),
        }


class ReportView(ActorRequiredMixin, TemplateView):
    permission = "diagnostic.report"
    template_name = "diagnostic/report.html"

    def get_context_data(self, **kwargs):
        campaign = get_report_campaign_or_404(self.actor, self.kwargs["pk"])
        report = build_report(campaign, timezone.localdate())
        audit.record(self.actor, "view", campaign, detail="rapport (secret statistique)")
        return {"nav": "diagnostic", "report": report}


class ReportPdfView(ActorRequiredMixin, View):
    permission = "diagnostic.report"

    def get(self, request, pk):
        campaign = get_report_campaign_or_404(self.actor, pk)
        report = build_report(campaign, timezone.localdate())
        body = render_to_string("diagnostic/_report_body.html", {"report": report, "pdf": True})
        try:
            content = pdf.html_to_pdf(
                pdf.full_html(
                    departement=campaign.departement,
                    title=f"Diagnostic territorial — {campaign.title}",
                    body_html=body,
                )
            )
        except Exception as error:  # never a 500: the page stays available
            logger.error("diagnostic report PDF failed: %s", type(error).__name__)
            messages.error(
                request, "Le PDF du rapport n'a pas pu être produit. Le rapport reste consultable ici."
            )
            return redirect("diagnostic:report", pk=campaign.public_id)
        audit.record(self.actor, "download", campaign, detail="rapport PDF (secret statistique)")
        return pdf_response(content, pdf_filename(campaign))
