"""Delete the stored archives of access exports whose single-use link expired unused (every minute, with the
other sweeps of docs/taches.md). Idempotent; prints a count, never a person."""

from django.core.management.base import BaseCommand

from parcours.datarights.services import purge_expired_exports


class Command(BaseCommand):
    help = "Supprime les archives d'export (droit d'accès) dont le lien a expiré sans être utilisé."

    def handle(self, *args, **options):
        count = purge_expired_exports()
        self.stdout.write(f"{count} archive(s) d'export expirée(s) supprimée(s).")
