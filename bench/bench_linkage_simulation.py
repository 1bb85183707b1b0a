"""Benchmark of the diagnostic's linkage and estimate on simulated lists with spelling errors.

Usage::

    .venv/bin/python bench/bench_linkage_simulation.py [--people 2000] [--replicates 12] [--seed 1000]
                                                        [--quick] [--json figures.json]

For each error mix of ``parcours.diagnostic.simulation`` (none, low, medium, high, and the first review's
« typos 5 % + dates 2 % ») and each kind of capture (homogeneous, heterogeneous: latent catchability, a list
with a different public, men less visible), ``--replicates`` synthetic populations of ``--people`` people of
several origins are drawn and written on 5 lists through the documented error model
(docs/diagnostic.md « Simulation : erreurs de saisie et biais »). Each replicate is linked twice, with the
same rows: by the diagnostic's linkage (LK2: ``linkage.person_keys`` + ``linkage.link``) and by the first
scheme's single key (baseline), then estimated as the report does (stepwise log-linear model, normal
interval). Reported per mix, capture and linkage: mean relative bias of the estimate, relative RMSE,
coverage of the 95 % interval, pair recall and false-merge rate of the linkage; then, for LK2 at the
medium mix, the pair recall per error type and per origin (where a leak would come from).

Target: |bias| < 10 % with LK2 at the medium mix and homogeneous capture (issue 10); the exit code is 1
otherwise. ``--quick``: 3 replicates of 1,000 people (a smoke run, about 20 s).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

BIAS_TARGET = 0.10
MIX_ORDER = ("aucune", "faible", "moyenne", "forte", "fautes5_dates2")


def pct(value: float) -> str:
    return "—" if value != value else f"{100 * value:+.1f} %"  # NaN: no estimate in any replicate


def share(value: float) -> str:
    return "—" if value != value else f"{100 * value:.1f} %"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=2000, help="size of each synthetic population (2000)")
    ap.add_argument("--replicates", type=int, default=12, help="populations per mix and capture (12)")
    ap.add_argument("--seed", type=int, default=1000, help="first seed; replicate r uses seed + r")
    ap.add_argument("--quick", action="store_true", help="3 replicates of 1,000 people")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = ap.parse_args()
    if args.quick:
        args.people, args.replicates = 1000, 3

    from parcours.diagnostic import simulation

    start = time.perf_counter()
    simulation.campaign_key()  # PBKDF2 once, outside the timings
    summaries = []
    print(
        f"simulation du rapprochement — {args.people} personnes fictives, {simulation.N_LISTS} listes, "
        f"{args.replicates} réplications par cas, graines {args.seed}–{args.seed + args.replicates - 1}\n"
    )
    header = (
        f"{'erreurs':24s}{'capture':14s}{'rapprochement':22s}{'biais':>9s}{'REQM':>9s}"
        f"{'couverture IC95':>17s}{'rappel paires':>15s}{'fusions à tort':>16s}"
    )
    print(header)
    print("-" * len(header))
    for heterogeneous in (False, True):
        for mix in MIX_ORDER:
            for method, linker in simulation.METHODS.items():
                results = [
                    simulation.run(
                        method, linker, mix, n=args.people, seed=args.seed + r, heterogeneous=heterogeneous
                    )
                    for r in range(args.replicates)
                ]
                s = simulation.summarise(results)
                summaries.append(s)
                print(
                    f"{simulation.MIXES[mix].label:24s}{'hétérogène' if heterogeneous else 'homogène':14s}"
                    f"{simulation.METHOD_LABELS[method]:22s}{pct(s.mean_bias):>9s}{share(s.rmse):>9s}"
                    f"{share(s.coverage):>17s}{share(s.pair_recall):>15s}{share(s.false_merge_rate):>16s}"
                    + (f"  ({s.failures} sans estimation)" if s.failures else "")
                )
            sys.stdout.flush()
        print()

    medium = next(s for s in summaries if s.method == "lk2" and s.mix == "moyenne" and not s.heterogeneous)
    print("LK2, erreurs moyennes, capture homogène : rappel des paires par type d'erreur")
    print("(paires de lignes d'une même personne dont les seules erreurs sont de ce type)")
    for error in ("aucune", *simulation.ERROR_TYPES, "plusieurs"):
        counts = medium.by_error.get(error)
        if counts and counts.total:
            label = simulation.ERROR_LABELS.get(
                error, "plusieurs erreurs" if error == "plusieurs" else "aucune"
            )
            print(f"  {label:38s}{share(counts.recall):>8s}  ({counts.total} paires)")
    print("\nLK2, erreurs moyennes, capture homogène : rappel des paires par origine des noms")
    for origin in simulation.ORIGINS:
        counts = medium.by_origin.get(origin.code)
        if counts and counts.total:
            print(f"  {origin.label:38s}{share(counts.recall):>8s}  ({counts.total} paires)")

    elapsed = time.perf_counter() - start
    ok = abs(medium.mean_bias) < BIAS_TARGET
    print(
        f"\nLK2, erreurs moyennes, capture homogène : biais {pct(medium.mean_bias)} "
        f"[cible |biais| < {100 * BIAS_TARGET:.0f} % : {'OK' if ok else 'ÉCHEC'}] ; durée {elapsed:.0f} s"
    )
    if args.json:
        figures = {
            "people": args.people,
            "lists": simulation.N_LISTS,
            "replicates": args.replicates,
            "first_seed": args.seed,
            "mixes": {name: mix.rates for name, mix in simulation.MIXES.items()},
            "summaries": [
                {
                    **{k: v for k, v in asdict(s).items() if k not in ("by_error", "by_origin")},
                    "recall_by_error": {k: v.recall for k, v in s.by_error.items()},
                    "recall_by_origin": {k: v.recall for k, v in s.by_origin.items()},
                }
                for s in summaries
            ],
        }
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"chiffres écrits dans {args.json}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
