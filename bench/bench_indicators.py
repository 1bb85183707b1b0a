"""Benchmark: how long the whole indicator set takes on the synthetic country (issue 13).

Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_country \\
        .venv/bin/python bench/bench_indicators.py [--runs 3] [--years 1] [--audience national]

The database is a synthetic country built by ``manage.py build_synthetic_country`` (docs/pays-synthetique.md)
with the same settings as this script (``config.settings.test`` by default: its keys). The script prints:

- the indicator set of the largest département (most people) for the last full year, median of ``--runs``;
- the national set for that year: every département's set as ``publish_national`` computes it, each measure
  read once for all départements (``indicator_export.build_many``), JSON included; with ``--compare``, the
  same built département by département;
- with ``--years N``, the whole country over the N last full years.

Target (issue 13): the national indicator set in under 2 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--audience", default="national", choices=("secretariat", "partner", "national"))
    parser.add_argument("--settings", default="config.settings.test")
    parser.add_argument("--compare", action="store_true", help="aussi département par département")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        # `make bench` runs every script: this one reads a synthetic country, named on purpose.
        print("ignoré : DATABASE_URL doit nommer la base du pays synthétique (docs/pays-synthetique.md).")
        return 0
    os.environ["DJANGO_SETTINGS_MODULE"] = args.settings
    import django

    django.setup()
    from django.db.models import Count
    from django.utils import timezone

    from parcours.core.models import Departement
    from parcours.diagnostic.rules import secrecy_threshold
    from parcours.stats import indicator_export
    from parcours.stats.publication import Audience

    audience = Audience(args.audience)
    today = timezone.localdate()
    last_year = today.year - 1
    departements = list(Departement.objects.annotate(n=Count("people")).order_by("-n"))
    if not departements:
        sys.exit("Aucun département dans cette base.")
    threshold = secrecy_threshold(today)

    def build(departement, year) -> float:
        start = time.perf_counter()
        result = indicator_export.build(
            departement=departement, year=year, audience=audience, today=today, threshold=threshold
        )
        indicator_export.as_json(result)
        return time.perf_counter() - start

    largest = departements[0]
    times = [build(largest, last_year) for _ in range(args.runs)]
    print(
        f"{len(departements)} départements ; le plus grand : {largest.code} ({largest.n} personnes) ; "
        f"public {audience} ; {last_year}"
    )
    median = statistics.median(times)
    print(f"  un département-année (le plus grand) : médiane {median:.3f} s sur {args.runs}")

    def national(year) -> tuple[float, float]:
        """(seconds to compute every département's set, seconds to write them as JSON)."""
        start = time.perf_counter()
        results = indicator_export.build_many(
            departements=departements, year=year, audience=audience, today=today, threshold=threshold
        )
        computed = time.perf_counter()
        for result in results:
            indicator_export.as_json(result)
        return computed - start, time.perf_counter() - computed

    runs = [national(last_year) for _ in range(args.runs)]
    times = [c for c, _ in runs]
    print(
        f"  jeu national ({len(departements)} départements, {last_year}, en une passe) : calcul médiane "
        f"{statistics.median(times):.2f} s sur {args.runs} (min {min(times):.2f}, max {max(times):.2f}) ; "
        f"écriture JSON {statistics.median(j for _, j in runs):.2f} s"
    )
    if args.compare:
        start = time.perf_counter()
        for departement in departements:
            build(departement, last_year)
        print(f"  le même, département par département : {time.perf_counter() - start:.2f} s")
    if args.years > 1:
        year_list = list(range(last_year - args.years + 1, last_year + 1))
        start = time.perf_counter()
        computing = sum(national(year)[0] for year in year_list)
        total = time.perf_counter() - start
        print(
            f"  tout le pays sur {args.years} ans ({year_list[0]}–{year_list[-1]}) : "
            f"calcul {computing:.1f} s "
            f"({computing / args.years:.2f} s par année), {total:.1f} s avec le JSON"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
