"""`manage.py purge_audit [--dry-run] [--today YYYY-MM-DD]`, each day with the OWNER role and the seal key
(deploy/systemd/parcours-audit-purge.*): the months of the audit journal past their term dropped whole, the
chain re-anchored (parcours.core.audit_purge, ADR 0017)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from parcours.core.audit_chain import SealKeyMissing
from parcours.core.audit_purge import cutoff_for, purge
from parcours.retention.rules import audit_months


class Command(BaseCommand):
    help = "Purge le journal d'audit au-delà de sa durée de conservation, par mois entiers (propriétaire)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Compte sans rien retirer.")
        parser.add_argument("--today", help="Date du passage (AAAA-MM-JJ), par défaut aujourd'hui.")

    def handle(self, *args, **options):
        try:
            today = date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        except ValueError:
            raise CommandError("--today attend une date au format AAAA-MM-JJ.") from None
        cutoff = cutoff_for(today, audit_months(today))
        try:
            result = purge(cutoff=cutoff, today=today, dry_run=options["dry_run"])
        except SealKeyMissing as exc:
            raise CommandError(str(exc)) from None
        except DatabaseError as exc:
            raise CommandError(
                "La purge du journal demande le rôle propriétaire de la base (DATABASE_URL du propriétaire, "
                f"docs/conservation.md) : {type(exc).__name__}."
            ) from None
        prefix = "Simulation — " if options["dry_run"] else ""
        self.stdout.write(
            f"{prefix}Journal d'audit avant le {cutoff:%d/%m/%Y} (UTC) : {result.events} événements et "
            f"{result.links} maillons retirés, {result.anchors} ancres signées, "
            f"{result.partitions_created} partitions préparées."
        )
