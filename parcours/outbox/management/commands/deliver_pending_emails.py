"""Re-enqueue the e-mails whose delivery is due or was interrupted (run every minute: see docs/taches.md)."""

from django.core.management.base import BaseCommand

from parcours.outbox.tasks import sweep


class Command(BaseCommand):
    help = (
        "Remet en file les courriels en attente et ceux dont l'envoi a été interrompu (réservation expirée)."
    )

    def handle(self, *args, **options):
        count = sweep()
        self.stdout.write(f"{count} courriel(s) remis en file.")
