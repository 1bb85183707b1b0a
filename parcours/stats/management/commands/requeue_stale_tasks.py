"""`manage.py requeue_stale_tasks`, each minute with the e-mail sweep (docs/taches.md): background work
abandoned by a worker that died (killed, host restarted) is queued again — exports of indicators and
diagnostic reports with no progress for their stale delay; e-mails whose lease expired are the sweep's
(`deliver_pending_emails`). Each is claimed by one conditional UPDATE: it completes once."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from parcours.diagnostic.tasks import requeue_stale as requeue_reports
from parcours.stats.services import requeue_stale as requeue_exports


class Command(BaseCommand):
    help = "Remet en file les exports et rapports abandonnés par un worker arrêté net."

    def handle(self, *args, **options):
        exports, reports = requeue_exports(), requeue_reports()
        self.stdout.write(f"{exports} export(s) et {reports} rapport(s) remis en file.")
