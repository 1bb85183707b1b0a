"""`manage.py export_archives --departement 99 --year 2024 ...`: the State acts of a year « à verser »
exported with their manifest, the transfer recorded, then the application's copy removed
(parcours.retention.archives, docs/conservation.md). Each step only after the one before; the removal
asks for --confirm."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parcours.core.models import Departement
from parcours.retention.archives import ArchiveError, export, record_transfer, remove_copy


class Command(BaseCommand):
    help = "Versement aux archives des actes de l'État d'une année : export, bordereau, retrait de la copie."

    def add_arguments(self, parser):
        parser.add_argument("--departement", required=True, help="Code du département (ex. 99).")
        parser.add_argument("--year", required=True, type=int, help="Année des actes.")
        parser.add_argument("--output", help="Dossier où écrire l'archive et son manifeste (droits 0600).")
        parser.add_argument(
            "--record-transfer", metavar="REFERENCE", help="Référence du bordereau des archives."
        )
        parser.add_argument(
            "--transferred-on", help="Date du versement (AAAA-MM-JJ), par défaut aujourd'hui."
        )
        parser.add_argument("--remove-copy", action="store_true", help="Retire la copie de l'application.")
        parser.add_argument("--confirm", action="store_true", help="Confirme le retrait (acte irréversible).")

    def handle(self, *args, **options):
        departement = Departement.objects.filter(code=options["departement"]).first()
        if departement is None:
            raise CommandError(f"Département inconnu : {options['departement']}.")
        year = options["year"]
        try:
            if options["output"]:
                transfer = export(departement=departement, year=year, output=Path(options["output"]))
                self.stdout.write(
                    f"Archive {transfer.archive_name} : {transfer.acts} fichiers, "
                    f"SHA-256 {transfer.archive_sha256}."
                )
            elif options["record_transfer"]:
                day = (
                    date.fromisoformat(options["transferred_on"])
                    if options["transferred_on"]
                    else timezone.localdate()
                )
                transfer = record_transfer(
                    departement=departement, year=year, reference=options["record_transfer"], day=day
                )
                self.stdout.write(
                    f"Versement des actes de {year} enregistré (bordereau {transfer.archives_reference})."
                )
            elif options["remove_copy"]:
                if not options["confirm"]:
                    raise CommandError(
                        "Ce qui va se passer : les fichiers des actes de "
                        f"{year} versés aux archives sont retirés de l'application (le registre reste, avec "
                        "l'empreinte de chaque acte). Relancez avec --confirm pour le faire."
                    )
                count = remove_copy(departement=departement, year=year)
                self.stdout.write(f"Copie de l'application retirée : {count} documents (registre conservé).")
            else:
                raise CommandError("Précisez --output, --record-transfer ou --remove-copy.")
        except ArchiveError as exc:
            raise CommandError(str(exc)) from None
        except ValueError:
            raise CommandError("--transferred-on attend une date au format AAAA-MM-JJ.") from None
