"""`manage.py verify_audit`: the audit chain recomputed from its first link and every seal checked (signature,
chain, seal file); every difference named by position and event id. Exit status 1 on any finding."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from parcours.core.audit_chain import verify


class Command(BaseCommand):
    help = "Vérifie la chaîne du journal d'audit et ses sceaux ; dit où le journal a été modifié."

    def handle(self, *args, **options):
        result = verify()
        for finding in result.findings:
            self.stderr.write(finding)
        summary = f"{result.links} maillons, {result.seals} sceaux vérifiés"
        if not result.ok:
            raise CommandError(f"Journal d'audit altéré : {len(result.findings)} constats. {summary}.")
        self.stdout.write(f"Journal d'audit intact : {summary}.")
