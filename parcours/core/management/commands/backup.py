"""`manage.py backup DOSSIER`: the database, the encrypted file store and their manifest
(parcours.core.backup, docs/exploitation.md). The keys are backed up separately."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Sauvegarde la base et les fichiers chiffrés dans un dossier neuf, avec leur manifeste."

    def add_arguments(self, parser):
        parser.add_argument("target", type=Path, help="dossier neuf (ou vide) de la sauvegarde")

    def handle(self, *args, target: Path, **options):
        try:
            data = backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(t["rows"] for t in data["tables"].values())
        self.stdout.write(
            f"Sauvegarde écrite dans {target} : {len(data['tables'])} tables, {rows} lignes, "
            f"{len(data['files'])} fichiers. Les clés ne sont pas dans la sauvegarde : gardez-les à part."
        )
