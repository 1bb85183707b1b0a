"""`manage.py apply_retention [--dry-run] [--today YYYY-MM-DD]`, each day (parcours-retention.timer):
the retention regimes applied (parcours.retention.services, docs/conservation.md). Counts only, never an
identity."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parcours.retention.services import apply_retention


class Command(BaseCommand):
    help = "Applique les durées de conservation (suivi, repérages, actes de l'État à verser) ; idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Compte sans rien supprimer ni marquer.")
        parser.add_argument("--today", help="Date du passage (AAAA-MM-JJ), par défaut aujourd'hui.")

    def handle(self, *args, **options):
        try:
            today = date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        except ValueError:
            raise CommandError("--today attend une date au format AAAA-MM-JJ.") from None
        report = apply_retention(today=today, dry_run=options["dry_run"])
        prefix = "Simulation — " if options["dry_run"] else ""
        if not report.counts:
            self.stdout.write(f"{prefix}Rien au-delà de sa durée de conservation au {today:%d/%m/%Y}.")
        for departement_id, counts in sorted(report.counts.items()):
            for line, n in sorted(counts.items()):
                self.stdout.write(f"{prefix}département {departement_id} — {line} : {n}")
