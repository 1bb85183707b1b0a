"""`manage.py verify_backup DOSSIER`: this instance compared with a backup's manifest (every table's rows and
digest, every file's SHA-256, the migrations), and a sample of every encrypted column and of the files
decrypted with the keys configured here. Exit status 1 on any difference."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.core.backup import BackupError, Verification, verify


def report(command: BaseCommand, result: Verification) -> None:
    for difference in result.differences:
        command.stderr.write(difference)
    summary = (
        f"{result.tables} tables, {result.rows} lignes, {result.files} fichiers comparés ; "
        f"{result.decrypted_values} valeurs et {result.decrypted_files} fichiers déchiffrés."
    )
    if not result.ok:
        raise CommandError(
            f"Restauration différente de la sauvegarde ({len(result.differences)} écarts). {summary}"
        )
    command.stdout.write(f"Restauration identique à la sauvegarde : {summary}")


class Command(BaseCommand):
    help = "Compare cette instance au manifeste d'une sauvegarde et déchiffre un échantillon."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="dossier de la sauvegarde")

    def handle(self, *args, source: Path, **options):
        try:
            result = verify(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        report(self, result)
