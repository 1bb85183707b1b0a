"""Benchmark: how long does the synthetic country take to build, from 1 to 101 départements?

Usage::

    createdb -h 127.0.0.1 -U postgres parcours_bench_country
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_bench_country \\
        .venv/bin/python bench/bench_country.py [--sizes 1,10,101] [--seed 2016]

For each size N, migrates the scratch database named by DATABASE_URL (once) and runs
``manage.py build_synthetic_country --departements N --people P --replace`` with P in proportion
(10,000 people for 101 départements), then prints the wall time, the rows written and the rows per second.
The build's own figure (« construit en … s ») excludes Django's start-up and, with --replace, the deletion of
the previous country: both are printed. The script refuses to run without a PostgreSQL DATABASE_URL: the
command writes a whole country and is meant for a database of its own.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FULL_PEOPLE, FULL_DEPARTEMENTS = 10_000, 101


def manage(*args: str) -> str:
    result = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, str(ROOT / "manage.py"), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    if result.returncode != 0:
        sys.exit(result.stderr[-3000:])
    return result.stdout


def main() -> int | None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,101", help="numbers of départements, comma-separated")
    parser.add_argument("--seed", default="2016")
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        # `make bench` runs every script: this one needs a scratch PostgreSQL database, named on purpose.
        print("ignoré : DATABASE_URL doit nommer une base PostgreSQL jetable (voir l'en-tête du script).")
        return 0
    manage("migrate", "--verbosity", "0")
    columns = ("départements", "personnes", "lignes", "build (s)", "total (s)", "lignes/s")
    print(" ".join(f"{c:>12}" if i == 0 else f"{c:>9}" for i, c in enumerate(columns)))
    for size in (int(s) for s in options.sizes.split(",")):
        people = max(1, round(FULL_PEOPLE * size / FULL_DEPARTEMENTS))
        started = time.monotonic()
        out = manage(
            "build_synthetic_country",
            "--departements",
            str(size),
            "--people",
            str(people),
            "--seed",
            options.seed,
            "--replace",
        )
        wall = time.monotonic() - started
        build = float(re.search(r"construit en ([\d.]+) s", out).group(1))
        rows = int(re.search(r"^\s*total\s+(\d+)", out, re.MULTILINE).group(1))
        print(f"{size:>12} {people:>9} {rows:>9} {build:>9.1f} {wall:>9.1f} {rows / build:>9.0f}")


if __name__ == "__main__":
    main()
