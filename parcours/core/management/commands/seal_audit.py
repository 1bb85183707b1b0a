"""`manage.py seal_audit`, each minute (cron or systemd timer, docs/audit.md): chain the settled audit events,
alert on unusual reads, and once a day seal the chain (signed, appended outside the database)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from parcours.core.audit_chain import SealKeyMissing, chain, create_key, seal


class Command(BaseCommand):
    help = (
        "Chaîne les événements d'audit, alerte sur les lectures inhabituelles et scelle la journée écoulée."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--create-key",
            action="store_true",
            help="Crée la clé de scellement (une fois, à l'installation) puis s'arrête.",
        )

    def handle(self, *args, **options):
        try:
            if options["create_key"]:
                path = create_key()
                self.stdout.write(f"Clé de scellement créée : {path} (gardez-en une copie hors de la base).")
                return
            run = chain()
            day = seal()
        except SealKeyMissing as exc:
            raise CommandError(str(exc)) from None
        line = f"{run.chained} événements chaînés (dont {run.late} arrivés en retard), {run.alerts} alertes"
        if day:
            line += f" ; journée du {day:%d/%m/%Y} scellée"
        self.stdout.write(line + ".")
