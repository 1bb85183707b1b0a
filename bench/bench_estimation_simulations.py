"""Simulations behind the figures of docs/estimation.md (sections 5.7, 5.9, 5.11, 5.12, 7).

Usage::

    .venv/bin/python bench/bench_estimation_simulations.py [--runs 100] [--only chao,verdict,...]

Populations of known size are drawn with :mod:`parcours.estimation.simulation` (seeded), then:

* ``chao``: how often Chao's lower bound exceeds the stepwise interval when capture is homogeneous
  (the estimate is unbiased), with the finite-list form and with the former large-t form;
* ``verdict``: share of each verdict on homogeneous data, 3 to 6 lists, two capture levels;
* ``linkage``: bias of the estimate with 5/10/20 % of records split, uncorrected and corrected at
  the true rate by ``linkage_sensitivity``;
* ``strata``: bias and coverage of the pooled and stratified estimates when the capture
  probability depends on the stratum;
* ``bootstrap``: wall time of ``analyse(table, bootstrap=1000)`` for 2 to 6 lists.

The « before » figures of the documentation for ``verdict`` were measured by running the same
verdict loop on the previous version of the package (commit 44968ee), where the model range used
every model up to 4 lists and a reduced set from 5.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from parcours.estimation import (  # noqa: E402
    MSEModels,
    analyse,
    chao_lower_bound,
    linkage_sensitivity,
    stratified_estimate,
)
from parcours.estimation.simulation import (  # noqa: E402
    histories_counts,
    histories_table,
    simulate_histories,
    simulate_strata,
    split_records,
)

N = 2000
PROBS_MEDIUM = [0.15, 0.2, 0.25, 0.3, 0.2, 0.25]
PROBS_LOW = [0.08, 0.1, 0.12, 0.15, 0.1, 0.12]
PROBS_SPARSE = [0.05, 0.06, 0.07, 0.08, 0.06, 0.07]


def names(t: int) -> list[str]:
    return [f"L{k}" for k in range(t)]


def bench_chao(runs: int) -> None:
    print("Chao's bound above the stepwise interval, homogeneous capture, N = 2 000 (p 0.15-0.3)")
    for t in (2, 3, 4, 5, 6):
        rng = np.random.default_rng(t)
        new = old = 0
        for _ in range(runs):
            table = histories_table(names(t), simulate_histories(rng, N, PROBS_MEDIUM[:t]))
            fit = MSEModels(table).stepwise().fit
            chao = chao_lower_bound(table)
            new += chao.estimate > fit.ci_high
            old += table.n_observed + chao.dark_figure * t / (t - 1) > fit.ci_high
        print(f"  {t} lists: large-t form {old / runs:.0%}, finite-list form {new / runs:.0%}")


def bench_verdict(runs: int) -> None:
    for label, probs in (
        ("p 0.05-0.08", PROBS_SPARSE),
        ("p 0.08-0.15", PROBS_LOW),
        ("p 0.15-0.3", PROBS_MEDIUM),
    ):
        print(f"Verdicts on homogeneous data, N = 2 000, {label}")
        for t in (3, 4, 5, 6):
            rng = np.random.default_rng(100 + t)
            verdicts: Counter[str] = Counter()
            start = time.perf_counter()
            for _ in range(runs):
                table = histories_table(names(t), simulate_histories(rng, N, probs[:t]))
                verdicts[analyse(table, reference_models=False, split_rates=None).verdict] += 1
            per_run = (time.perf_counter() - start) / runs
            shares = ", ".join(f"{k} {v / runs:.0%}" for k, v in sorted(verdicts.items()))
            print(f"  {t} lists: {shares} ({per_run:.2f} s per analysis)")


def bench_linkage(runs: int) -> None:
    print("Linkage splits, N = 2 000, homogeneous capture: mean relative error of the estimate")
    for t in (3, 5):
        rng = np.random.default_rng(7 + t)
        for s in (0.05, 0.10, 0.20):
            unc, cor = [], []
            for _ in range(runs):
                observed = split_records(rng, simulate_histories(rng, N, PROBS_MEDIUM[:t]), s)
                ls = linkage_sensitivity(histories_table(names(t), observed), (0.0, s))
                unc.append(ls.at(0.0).estimate / N - 1)
                cor.append(ls.at(s).estimate / N - 1)
            print(
                f"  {t} lists, {s:.0%} split: uncorrected {np.mean(unc):+.1%}, "
                f"corrected at the true rate {np.mean(cor):+.1%} (sd {np.std(cor):.1%})"
            )


def bench_strata(runs: int) -> None:
    keys = [("18-24", "F"), ("18-24", "M"), ("25+", "F"), ("25+", "M")]
    sizes = dict(zip(keys, [600, 600, 400, 400], strict=True))
    for probs in ([0.1, 0.15, 0.25, 0.35], [0.08, 0.12, 0.2, 0.3]):
        for t in (4, 5):
            rng = np.random.default_rng(50 + t)
            pooled, strat, cov_p, cov_s = [], [], 0, 0
            for _ in range(runs):
                hs = simulate_strata(rng, sizes, {k: [p] * t for k, p in zip(keys, probs, strict=True)})
                r = stratified_estimate({k: histories_counts(h) for k, h in hs.items()}, names(t))
                pooled.append(r.pooled_estimate / N - 1)
                strat.append(r.estimate / N - 1)
                cov_p += r.pooled_ci[0] <= N <= r.pooled_ci[1]
                cov_s += r.ci_low <= N <= r.ci_high
            print(
                f"Strata p {probs}, {t} lists: pooled {np.mean(pooled):+.1%} (coverage {cov_p / runs:.0%}), "
                f"stratified {np.mean(strat):+.1%} (sd {np.std(strat):.1%}, coverage {cov_s / runs:.0%})"
            )


def bench_bootstrap(_runs: int) -> None:
    print("analyse(table, bootstrap=1000), N = 2 000 simulated")
    rng = np.random.default_rng(1)
    for t in (2, 3, 4, 5, 6):
        table = histories_table(names(t), simulate_histories(rng, N, PROBS_MEDIUM[:t]))
        start = time.perf_counter()
        analyse(table, bootstrap=1000)
        print(f"  {t} lists: {time.perf_counter() - start:.1f} s")


BENCHES = {
    "chao": bench_chao,
    "verdict": bench_verdict,
    "linkage": bench_linkage,
    "strata": bench_strata,
    "bootstrap": bench_bootstrap,
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=100, help="simulated populations per setting (100)")
    ap.add_argument("--only", default=",".join(BENCHES), help="comma-separated: " + ",".join(BENCHES))
    args = ap.parse_args()
    for name in args.only.split(","):
        BENCHES[name.strip()](args.runs)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
