from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from parcours.demo.country import DEPARTEMENTS, SyntheticCountryExists, build_synthetic_country
from parcours.demo.generator import DEMO_PASSWORD


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Date invalide : « {value} » (attendu : AAAA-MM-JJ).") from exc


class Command(BaseCommand):
    help = (
        "Construit un pays synthétique (départements réels, personnes fictives, dix ans de parcours, "
        "séances, activité du réseau et journal d'audit) pour mesurer Parcours à l'échelle nationale. "
        "À lancer dans une base à part (PostgreSQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--departements", type=int, default=len(DEPARTEMENTS), help="nombre (1 à 101)")
        parser.add_argument("--people", type=int, default=10_000, help="personnes accompagnées")
        parser.add_argument("--years", type=int, default=10, help="années d'historique, jusqu'à aujourd'hui")
        parser.add_argument("--seed", type=int, default=2016, help="graine : même graine, même pays")
        parser.add_argument(
            "--today", type=_day, default=None, help="date de fin de l'historique (AAAA-MM-JJ)"
        )
        parser.add_argument("--replace", action="store_true", help="remplace le pays synthétique existant")

    def handle(self, *args, **options):
        if not 1 <= options["departements"] <= len(DEPARTEMENTS):
            raise CommandError(f"--departements : entre 1 et {len(DEPARTEMENTS)}.")
        if options["people"] < 1 or not 1 <= options["years"] <= 30:
            raise CommandError("--people doit être positif et --years compris entre 1 et 30.")
        try:
            counts = build_synthetic_country(
                departements=options["departements"],
                people=options["people"],
                years=options["years"],
                seed=options["seed"],
                today=options["today"],
                replace=options["replace"],
            )
        except SyntheticCountryExists as exc:
            raise CommandError(str(exc)) from exc
        # Rows written in bulk: the planner's statistics refreshed now rather than by autovacuum later, or the
        # first measurements run on plans made for empty tables (hash joins over the whole country).
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        seconds = counts.pop("seconds")
        calibration = counts.pop("calibration")
        self.stdout.write(self.style.SUCCESS(f"Pays synthétique construit en {seconds} s."))
        width = max(len(label) for label in counts)
        for label, count in counts.items():
            self.stdout.write(f"  {label:<{width}} {count:>9}")
        self.stdout.write(f"  {'total':<{width}} {sum(counts.values()):>9}")
        self.stdout.write("Repères (à comparer aux chiffres nationaux) :")
        for label, value in calibration.items():
            self.stdout.write(f"  {label} : {value}")
        self.stdout.write(
            f"Comptes : <code>.ddfe, <code>.prefet, <code>.asso0… (ex. 75.ddfe), mot de passe {DEMO_PASSWORD}"
        )
