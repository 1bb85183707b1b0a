"""manage.py publish_national --year YYYY [--departement CODE]: store this instance's own national-audience
figures (docs/national.md) for one year, for each of its départements or for one."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parcours.core.models import Departement
from parcours.national import services
from parcours.national.services import NationalImportError
from parcours.stats.indicator_export import ExportError


class Command(BaseCommand):
    help = (
        "Calcule les indicateurs des départements de cette instance pour le public national (secret "
        "statistique appliqué) et les enregistre dans le magasin des chiffres publiés."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="année (ex. 2025)")
        parser.add_argument("--departement", help="code d'un département (par défaut : chacun)")

    def handle(self, *args, **options):
        try:
            year = int(options["year"])
        except ValueError:
            raise CommandError(
                f"Année invalide : « {options['year']} » (attendu : quatre chiffres)."
            ) from None
        departements = Departement.objects.order_by("code")
        if options["departement"]:
            departements = departements.filter(code=options["departement"].upper())
            if not departements.exists():
                raise CommandError(f"Département inconnu : « {options['departement']} ».")
        today = timezone.localdate()
        try:
            results = services.publish_local_many(departements=list(departements), year=year, today=today)
        except ExportError as error:
            raise CommandError(str(error)) from None
        except NationalImportError as error:
            raise CommandError(error.message) from None
        for result in results:
            self.stdout.write(result.message)
