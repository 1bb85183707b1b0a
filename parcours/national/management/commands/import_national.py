"""manage.py import_national FILE... | --url URL --token T: ingest a departmental instance's national export
(docs/national.md). Each file is validated whole before anything is written; a file refused lists every
problem and leaves the store as it was; the same file twice changes nothing and says so."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parcours.national import services
from parcours.national.models import Origin
from parcours.national.services import NationalImportError


class Command(BaseCommand):
    help = (
        "Importe l'export national d'un département (manage.py indicators --audience national --format "
        "json), depuis un fichier ou depuis l'API de son instance (--url, --token)."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="fichiers JSON")
        parser.add_argument("--url", help="adresse de l'export : https://…/api/v1/export/AAAA/")
        parser.add_argument("--token", help="jeton d'export délivré par l'instance départementale")

    def handle(self, *args, **options):
        sources: list[tuple[str, bytes]] = []
        if options["url"]:
            if not options["token"]:
                raise CommandError("--url demande --token (le jeton d'export délivré par le département).")
            try:
                sources.append((options["url"], services.pull(url=options["url"], token=options["token"])))
            except NationalImportError as error:
                raise CommandError(error.message) from None
        for name in options["files"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"Fichier introuvable : « {name} ».")
            sources.append((name, path.read_bytes()))
        if not sources:
            raise CommandError("Donnez au moins un fichier, ou --url et --token.")
        today = timezone.localdate()
        refused = 0
        for name, raw in sources:
            try:
                result = services.ingest(raw=raw, origin=Origin.IMPORT, today=today)
            except NationalImportError as error:
                refused += 1
                self.stderr.write(f"{name} : {error.message}")
                continue
            self.stdout.write(f"{name} : {result.message}")
        if refused:
            raise CommandError(f"{refused} fichier(s) refusé(s) sur {len(sources)}.")
