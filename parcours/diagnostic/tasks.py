"""The frozen report of a closed campaign, computed in the background (django-tasks; see docs/taches.md).

`compute_report` claims its row with one conditional UPDATE (two workers, or a task enqueued twice, never
both compute it), runs the final estimate (BCa bootstrap, progress saved as it goes), renders the published
report, stores it as a generated document and freezes it (PDF sealed with its SHA-256). The secretariat
then publishes it (`services.publish_report`). A failure leaves the row « en échec » with a French cause,
and the secretariat starts it again from the campaign's page; nothing half-made is kept."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from parcours.core.access import Actor
from parcours.documents import services as documents
from parcours.documents.models import GeneratedDocument

from . import rules, selectors
from .final_estimate import final_estimate
from .models import FrozenReport, ReportState
from .report import build_report

logger = logging.getLogger(__name__)

DOCUMENT_KIND = "diagnostic.rapport"


def stale_before(now):
    """A report computing with no progress saved since this moment was abandoned by a dead worker."""
    return now - timedelta(minutes=rules.REPORT_STALE_AFTER_MINUTES)


def requeue_stale() -> int:
    """Queue again every report abandoned by a dead worker; returns how many."""
    stale = FrozenReport.objects.filter(
        state=ReportState.COMPUTING, progress_total__gt=0, updated_at__lt=stale_before(timezone.now())
    )
    ids = [str(public_id) for public_id in stale.values_list("public_id", flat=True)]
    for public_id in ids:
        compute_report.enqueue(public_id)
    return len(ids)


def enqueue_report(report: FrozenReport) -> None:
    compute_report.enqueue(str(report.public_id))


def _progress(report: FrozenReport):
    def save(done: int, total: int) -> None:
        if done in (0, total) or done % rules.FINAL_PROGRESS_STEP == 0:
            FrozenReport.objects.filter(pk=report.pk, state=ReportState.COMPUTING).update(
                progress_done=done, progress_total=max(total, 1), updated_at=timezone.now()
            )

    return save


def document_title(report: FrozenReport) -> str:
    return f"Diagnostic territorial — {report.campaign.title} — version {report.version}"


@transaction.atomic
def _freeze(report: FrozenReport, published) -> GeneratedDocument:
    membership = report.requested_by
    actor = Actor(user=membership.user, membership=membership)
    html = render_to_string("diagnostic/_report_body.html", {"report": published, "pdf": True})
    document = GeneratedDocument.objects.create(
        departement=report.campaign.departement,
        kind=DOCUMENT_KIND,
        title=document_title(report),
        html=html,
        object_type="diagnostic.campaign",
        object_id=str(report.campaign.public_id),
        created_by=membership.user,
    )
    document = documents.freeze(actor=actor, document=document)
    updated = FrozenReport.objects.filter(pk=report.pk, state=ReportState.COMPUTING).update(
        state=ReportState.READY,
        document=document,
        threshold=published.threshold,
        progress_done=F("progress_total"),
        updated_at=timezone.now(),
    )
    if not updated:  # started again meanwhile by the secretariat: this run's document is not kept
        transaction.set_rollback(True)
    return document


@task()
def compute_report(report_id: str) -> str:
    """Compute, render and freeze one version of a campaign's report; returns ready, failed or skipped."""
    now = timezone.now()
    claimed = (
        FrozenReport.objects.filter(public_id=report_id, state=ReportState.COMPUTING)
        .filter(Q(progress_total=0) | Q(updated_at__lt=stale_before(now)))
        .update(progress_total=rules.FINAL_BOOTSTRAP, progress_done=0, updated_at=now)
    )
    if not claimed:
        return "skipped"  # already computed, failed, or taken by another worker
    report = FrozenReport.objects.select_related(
        "campaign__departement", "requested_by__user", "requested_by__organisation__departement"
    ).get(public_id=report_id)
    try:
        summary = selectors.linkage_summary(report.campaign)
        outcome = final_estimate(summary, progress=_progress(report))
        # What earlier published versions showed is out: this version must not give a hidden cell back by
        # difference with them.
        prior = (
            report.campaign.reports.filter(state=ReportState.PUBLISHED, version__lt=report.version)
            .exclude(threshold=None)
            .values_list("threshold", flat=True)
        )
        published = build_report(
            report.campaign,
            timezone.localdate(),
            summary=summary,
            outcome=outcome,
            version=report.version,
            prior_thresholds=list(prior),
        )
        _freeze(report, published)
    except Exception as error:  # noqa: BLE001 (any failure is shown to the secretariat, who starts it again)
        logger.error("diagnostic: report %s failed (%s)", report.public_id, type(error).__name__)
        FrozenReport.objects.filter(pk=report.pk, state=ReportState.COMPUTING).update(
            state=ReportState.FAILED,
            error=f"Le calcul du rapport a échoué ({type(error).__name__}). Relancez-le ; si l'échec se "
            "répète, signalez-le à l'équipe technique.",
            updated_at=timezone.now(),
        )
        return "failed"
    return "ready"
