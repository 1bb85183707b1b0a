"""manage.py indicators --departement CODE --year YYYY --audience {secretariat,partner,national}
--format {json,csv}: the whole indicator set as that audience would receive it (docs/indicateurs.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parcours.core.models import Departement
from parcours.diagnostic.rules import secrecy_threshold
from parcours.stats import indicator_export
from parcours.stats.indicator_export import ExportError
from parcours.stats.publication import Audience

FORMATS = ("json", "csv")


class Command(BaseCommand):
    help = (
        "Affiche l'ensemble des indicateurs d'un département pour une année, tels que les reçoit le public "
        "choisi (secrétariat : chiffres exacts ; partenaire et national : secret statistique appliqué)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--departement", required=True, help="code du département (ex. 69, 2A)")
        parser.add_argument("--year", required=True, help="année (ex. 2025)")
        parser.add_argument("--audience", required=True, help="secretariat, partner ou national")
        parser.add_argument("--format", default="json", help="json (par défaut) ou csv")
        parser.add_argument(
            "--organisation", help="partenaire : identifiant public d'une organisation (par défaut : chacune)"
        )

    def handle(self, *args, **options):
        try:
            audience = Audience(options["audience"])
        except ValueError:
            raise CommandError(
                f"Public inconnu : « {options['audience']} » (attendu : secretariat, partner ou national)."
            ) from None
        fmt = options["format"]
        if fmt not in FORMATS:
            raise CommandError(f"Format inconnu : « {fmt} » (attendu : json ou csv).")
        try:
            year = int(options["year"])
        except ValueError:
            raise CommandError(
                f"Année invalide : « {options['year']} » (attendu : quatre chiffres)."
            ) from None
        departement = Departement.objects.filter(code=options["departement"].upper()).first()
        if departement is None:
            raise CommandError(f"Département inconnu : « {options['departement']} ».")
        organisation = None
        if options["organisation"]:
            if audience is not Audience.PARTNER:
                raise CommandError("--organisation ne s'emploie qu'avec --audience partner.")
            organisation = (
                indicator_export.partners_of(departement)
                .filter(public_id=_uuid(options["organisation"]))
                .first()
            )
            if organisation is None:
                raise CommandError("Organisation inconnue parmi les partenaires de ce département.")
        today = timezone.localdate()
        try:
            result = indicator_export.build(
                departement=departement,
                year=year,
                audience=audience,
                today=today,
                threshold=secrecy_threshold(today),
                organisation=organisation,
            )
        except ExportError as error:
            raise CommandError(str(error)) from None
        text = indicator_export.as_json(result) if fmt == "json" else indicator_export.as_csv(result)
        self.stdout.write(text, ending="" if fmt == "csv" else "\n")


def _uuid(value: str):
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError:
        raise CommandError("Identifiant d'organisation invalide.") from None
