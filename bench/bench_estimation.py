"""Benchmark of ``parcours.estimation`` on the 14 reference capture-history tables.

Usage::

    .venv/bin/python bench/bench_estimation.py [--bootstrap N] [--seed S] [--repeat R]

Measures, in one process:

1. stepwise selection + normal intervals (SparseMSE ``estimatepopulation.0``) on all tables:
   the first (cold) pass includes the lazy imports of scipy; then the best of ``--repeat``
   warm passes; target < 2 s for the 14 tables;
2. the full analysis per table (``analyse``: stepwise, sensitivity range, reference models,
   verdict) with a BCa bootstrap of ``--bootstrap`` replications (default 200; SparseMSE uses
   1000);
3. the wall time of the command line on one table, interpreter start included (target < 3 s).

The tables are read from ``$PARCOURS_SHARED_DIR/data/mse`` (default: the copy in tests/estimation/data/mse).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
_SHARED = os.environ.get("PARCOURS_SHARED_DIR")
MSE_DIR = Path(_SHARED) / "data" / "mse" if _SHARED else REPO / "tests" / "estimation" / "data" / "mse"

STEPWISE_TARGET_S = 2.0
CLI_TARGET_S = 3.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bootstrap", type=int, default=200, help="bootstrap replications per table (200)")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--repeat", type=int, default=5, help="warm passes of the stepwise benchmark (5)")
    ap.add_argument("--cli-table", default="uk_2013_5lists.csv")
    args = ap.parse_args()
    if not (MSE_DIR / "reference.json").is_file():
        print(f"reference data not found in {MSE_DIR} (set PARCOURS_SHARED_DIR)", file=sys.stderr)
        return 2

    t0 = time.perf_counter()
    from parcours.estimation import MSEModels, analyse, read_table

    t_import = time.perf_counter() - t0
    ref = json.loads((MSE_DIR / "reference.json").read_text())["datasets"]
    names = sorted(ref)
    tables = {n: read_table(MSE_DIR / ref[n]["file"]) for n in names}

    # 1. stepwise + normal interval, all tables ------------------------------------------
    def one_pass() -> dict[str, float]:
        times = {}
        for n in names:
            s = time.perf_counter()
            fit = MSEModels(tables[n]).stepwise().fit
            _ = (fit.estimate, fit.ci_low, fit.ci_high)
            times[n] = time.perf_counter() - s
        return times

    cold = one_pass()
    warm_runs = [one_pass() for _ in range(args.repeat)]
    warm_total = min(sum(r.values()) for r in warm_runs)
    warm = {n: min(r[n] for r in warm_runs) for n in names}

    # 2. full analysis with bootstrap ------------------------------------------------------
    full: dict[str, tuple[float, float, object]] = {}
    for n in names:
        s = time.perf_counter()
        r0 = analyse(tables[n])
        t_analysis = time.perf_counter() - s
        s = time.perf_counter()
        r = analyse(tables[n], bootstrap=args.bootstrap, seed=args.seed) if args.bootstrap else r0
        full[n] = (t_analysis, time.perf_counter() - s, r)

    # 3. command line wall time ------------------------------------------------------------
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cli_times = []
    for _ in range(3):
        s = time.perf_counter()
        p = subprocess.run(  # noqa: S603 - fixed command line
            [sys.executable, "-m", "parcours.estimation", str(MSE_DIR / args.cli_table)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        cli_times.append(time.perf_counter() - s)
        if p.returncode != 0:
            print(p.stderr, file=sys.stderr)
            return 1
    cli_json = []
    for _ in range(3):
        s = time.perf_counter()
        subprocess.run(  # noqa: S603 - fixed command line
            [sys.executable, "-m", "parcours.estimation", str(MSE_DIR / args.cli_table), "--json"],
            capture_output=True,
            env=env,
            check=True,
        )
        cli_json.append(time.perf_counter() - s)

    # report -------------------------------------------------------------------------------
    print(f"parcours.estimation benchmark — Python {sys.version.split()[0]}, data: {MSE_DIR}")
    print(f"import parcours.estimation: {t_import * 1000:.0f} ms (numpy; scipy is imported lazily)\n")
    hdr = (
        f"{'table':28s} {'t':>2s} {'n':>6s} {'N stepwise':>11s} {'95% CI (normal)':>19s} "
        f"{'cold ms':>8s} {'warm ms':>8s} {'analyse ms':>10s} {'boot s':>8s} {'BCa CI':>19s}"
    )
    print(hdr)
    print("-" * len(hdr))
    for n in names:
        t = tables[n]
        ta, tb, r = full[n]
        fit = r.stepwise_fit  # type: ignore[attr-defined]
        boot = r.bootstrap  # type: ignore[attr-defined]
        bca = f"{boot.ci_low:8.0f}–{boot.ci_high:<8.0f}" if boot is not None else ""
        print(
            f"{n:28s} {t.n_lists:2d} {t.n_observed:6d} {fit.estimate:11.1f} "
            f"{fit.ci_low:9.0f}–{fit.ci_high:<9.0f} {cold[n] * 1000:8.1f} {warm[n] * 1000:8.1f} "
            f"{ta * 1000:10.1f} {tb:8.2f} {bca:>19s}"
        )
    cold_total = sum(cold.values())
    print("-" * len(hdr))
    print(
        f"stepwise + normal CI, 14 tables: cold pass {cold_total:.3f} s (lazy scipy imports included), "
        f"best warm pass {warm_total:.3f} s  [target < {STEPWISE_TARGET_S:.0f} s: "
        f"{'OK' if cold_total < STEPWISE_TARGET_S else 'FAILED'}]"
    )
    total_analyse = sum(v[0] for v in full.values())
    total_boot = sum(v[1] for v in full.values())
    print(
        f"full analysis (sensitivity, reference models, verdict), 14 tables: {total_analyse:.2f} s; "
        f"with bootstrap BCa ({args.bootstrap} replications each): {total_boot:.1f} s"
    )
    med = statistics.median(cli_times)
    print(
        f"CLI wall time on {args.cli_table} (interpreter start included): median {med:.2f} s, "
        f"max {max(cli_times):.2f} s; --json median {statistics.median(cli_json):.2f} s  "
        f"[target < {CLI_TARGET_S:.0f} s: {'OK' if max(cli_times) < CLI_TARGET_S else 'FAILED'}]"
    )
    return 0 if cold_total < STEPWISE_TARGET_S and max(cli_times) < CLI_TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
