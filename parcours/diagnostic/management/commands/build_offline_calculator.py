"""Rebuild the offline key calculator from the static sources, and its SHA-256 in docs/diagnostic.md."""

from __future__ import annotations

import hashlib

from django.core.management.base import BaseCommand, CommandError

from parcours.diagnostic import offline


class Command(BaseCommand):
    help = (
        "Reconstruit le calculateur de clés hors ligne "
        "(parcours/static/parcours/calculateur-cles-hors-ligne.html) et son empreinte SHA-256 dans "
        "docs/diagnostic.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="vérifie seulement que le fichier et l'empreinte sont à jour"
        )

    def handle(self, *args, check=False, **options):
        try:
            if check:
                built = offline.build()
                digest = hashlib.sha256(built).hexdigest()
                path = offline.output_path()
                if not path.exists() or path.read_bytes() != built:
                    raise CommandError(
                        "Le calculateur hors ligne n'est pas à jour : lancez "
                        "python manage.py build_offline_calculator."
                    )
                if offline.documented_sha256() != digest:
                    raise CommandError(
                        "L'empreinte publiée dans docs/diagnostic.md n'est pas celle du calculateur : "
                        "lancez python manage.py build_offline_calculator."
                    )
            else:
                digest = offline.write()
        except offline.BuildError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{offline.OUTPUT} : SHA-256 {digest}")
