"""`manage.py restore DOSSIER`: a backup restored into this instance's empty database and file store, then
verified against its manifest (parcours.core.backup, docs/exploitation.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.core.backup import BackupError, restore, verify

from .verify_backup import report


class Command(BaseCommand):
    help = "Restaure une sauvegarde dans une base et un dossier de fichiers neufs, puis la vérifie."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="dossier de la sauvegarde")

    def handle(self, *args, source: Path, **options):
        try:
            restore(source)
            result = verify(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        report(self, result)
