"""Background work abandoned by a worker that died (SIGKILL, host restarted) is picked up by the sweeper
(`manage.py requeue_stale_tasks`) and completes once: an export of indicators killed in the middle of its
run, a diagnostic report abandoned after its claim. E-mails: tests/outbox (lease and sweep)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from parcours.core.roles import Role
from parcours.diagnostic import rules as diagnostic_rules
from parcours.diagnostic import services as diagnostic
from parcours.diagnostic import tasks as diagnostic_tasks
from parcours.diagnostic.models import FrozenReport, ReportState
from parcours.stats import rules, services
from parcours.stats.models import ExportState, IndicatorExport
from parcours.stats.publication import Audience, measures_for
from parcours.stats.tasks import build_export
from tests.diagnostic.test_frozen_report import three_lists
from tests.factories import make_actor

REPO = Path(__file__).resolve().parents[2]


def _export(actor) -> IndicatorExport:
    """A large export: every indicator of the secretariat over as many years as one export covers."""
    return IndicatorExport.objects.create(
        departement=actor.departement,
        requested_by=actor.membership,
        audience="secretariat",
        codes=[m.code for m in measures_for(Audience.SECRETARIAT)],
        first_year=timezone.localdate().year - rules.MAX_EXPORT_YEARS + 1,
        last_year=timezone.localdate().year,
        format="xlsx",
    )


def _state(export) -> str:
    return IndicatorExport.objects.values_list("state", flat=True).get(pk=export.pk)


@pytest.mark.django_db(transaction=True)  # the worker process reads committed rows
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a worker process on the same database (CI=true)"
)
def test_an_export_whose_worker_was_killed_mid_run_is_built_once_by_the_sweeper():
    actor = make_actor(Role.SECRETARIAT)
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": url,
    }
    killed = None
    for _attempt in range(5):  # the run must be caught in the middle (not yet started, not finished)
        export = _export(actor)
        build_export.using(backend="database").enqueue(str(export.public_id))
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "db_worker", "--backend", "database", "--interval", "0.05"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while _state(export) == ExportState.PENDING and time.monotonic() < deadline:
            time.sleep(0.005)
        worker.send_signal(signal.SIGSTOP)  # frozen at once, wherever it is
        if _state(export) == ExportState.RUNNING:
            worker.kill()  # SIGKILL: no handler, no cleanup, as a crash or an OOM kill
            worker.wait()
            killed = export
            break
        worker.kill()
        worker.wait()
    assert killed is not None, "the worker finished every export before it could be killed"

    killed.refresh_from_db()
    assert killed.state == ExportState.RUNNING and not killed.file
    call_command("requeue_stale_tasks")
    assert _state(killed) == ExportState.RUNNING  # a live-looking run is left to its worker
    IndicatorExport.objects.filter(pk=killed.pk).update(
        updated_at=timezone.now() - timedelta(minutes=rules.EXPORT_STALE_AFTER_MINUTES + 1)
    )
    call_command("requeue_stale_tasks")  # queued again; the test settings run tasks at once
    killed.refresh_from_db()
    assert killed.state == ExportState.READY and killed.file
    with killed.file.open("rb") as stored:
        assert stored.read(2) == b"PK"  # the workbook, decrypted by the storage
    assert services.run_export(str(killed.public_id)) == "skipped"  # completed once


@pytest.mark.django_db
def test_a_report_abandoned_after_its_claim_is_computed_once_by_the_sweeper(
    django_capture_on_commit_callbacks,
):
    secretariat = make_actor(Role.SECRETARIAT)
    campaign = three_lists(secretariat.departement)
    with django_capture_on_commit_callbacks(execute=False):  # the worker that takes it dies after its claim
        diagnostic.close_campaign(secretariat, campaign)
    report = FrozenReport.objects.get(campaign=campaign)
    FrozenReport.objects.filter(pk=report.pk).update(
        progress_total=diagnostic_rules.FINAL_BOOTSTRAP, progress_done=75
    )

    assert diagnostic_tasks.compute_report.call(str(report.public_id)) == "skipped"  # its worker may be alive
    assert diagnostic_tasks.requeue_stale() == 0
    FrozenReport.objects.filter(pk=report.pk).update(
        updated_at=timezone.now() - timedelta(minutes=diagnostic_rules.REPORT_STALE_AFTER_MINUTES + 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert diagnostic_tasks.requeue_stale() == 1
    report.refresh_from_db()
    assert report.state == ReportState.READY and report.document is not None
    assert diagnostic_tasks.compute_report.call(str(report.public_id)) == "skipped"
    assert diagnostic_tasks.requeue_stale() == 0
