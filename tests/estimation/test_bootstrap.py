"""BCa bootstrap (SparseMSE ``estimatepopulation``): formula, reproducibility, sanity."""

from __future__ import annotations

import os

import numpy as np
import pytest

from parcours.estimation import EstimationError, bca_bootstrap
from parcours.estimation.bootstrap import bca_interval, jackknife_acceleration, stepwise_estimator

from ._refdata import DATASETS, load, needs_data, rel


def test_bca_interval_matches_r_bcaconfvalues() -> None:
    """Expected values computed with R 4.2.2: SparseMSE's bcaconfvalues (quantile type 8)."""
    reps = np.exp(np.linspace(0, 3, 57)) * 100
    lo, hi, z0 = bca_interval(reps, 500.0, 0.05, 0.95)
    assert z0 == pytest.approx(0.110162247968405, rel=1e-12)
    assert lo == pytest.approx(114.8898497575, rel=1e-10)
    assert hi == pytest.approx(2008.55369231877, rel=1e-10)


def test_bca_interval_without_bias_or_acceleration_is_percentile() -> None:
    reps = np.arange(1.0, 1001.0)
    lo, hi, z0 = bca_interval(reps, 500.5, 0.0)
    assert z0 == pytest.approx(0.0)
    assert lo == pytest.approx(np.quantile(reps, 0.025, method="median_unbiased"))
    assert hi == pytest.approx(np.quantile(reps, 0.975, method="median_unbiased"))


def test_bca_interval_all_replicates_on_one_side_stays_finite() -> None:
    lo, hi, z0 = bca_interval(np.arange(10.0, 60.0), 5.0, 0.0)
    assert np.isfinite([lo, hi, z0]).all()


@needs_data
def test_bootstrap_reproducible_and_sane() -> None:
    table = load("kosovo_4lists")
    a = bca_bootstrap(table, 40, seed=7)
    b = bca_bootstrap(table, 40, seed=7)
    c = bca_bootstrap(table, 40, seed=8)
    assert np.array_equal(a.replicates, b.replicates)
    assert (a.ci_low, a.ci_high) == (b.ci_low, b.ci_high)
    assert not np.array_equal(a.replicates, c.replicates)
    assert a.ci_low < a.estimate < a.ci_high
    assert a.n_failed == 0
    assert abs(a.acceleration) < 0.5
    d = a.to_dict()
    assert d["n_boot"] == 40 and d["seed"] == 7


@needs_data
def test_progress_is_reported_to_the_end_and_a_callback_can_cancel() -> None:
    """What a background task at closure calls: analyse(table, bootstrap=B, progress=callback)."""
    from parcours.estimation import analyse

    table = load("kosovo_4lists")
    calls: list[tuple[int, int]] = []
    r = analyse(table, bootstrap=30, seed=3, progress=lambda done, total: calls.append((done, total)))
    n_patterns = int((table.counts > 0).sum())
    total = 30 + n_patterns
    assert {t for _, t in calls} == {total}
    done = [d for d, _ in calls]
    assert done == sorted(done) and done[0] == 1 and done[-1] == total
    assert r.bootstrap is not None and "bootstrap" in r.interval_method

    class Cancelled(Exception):
        pass

    def cancel(done: int, total: int) -> None:
        if done == 5:
            raise Cancelled

    with pytest.raises(Cancelled):
        analyse(table, bootstrap=30, progress=cancel)


def test_bootstrap_needs_replications() -> None:
    from parcours.estimation import table_from_mapping

    t = table_from_mapping(["A", "B"], {(1, 0): 8, (0, 1): 6, (1, 1): 3})
    with pytest.raises(EstimationError):
        bca_bootstrap(t, 5)


# Cross-checks against R 4.2.2 + lpSolve 5.6.18 running SparseMSE's algorithm
# (stepwisefit inside estimatepopulation, iseed = 1234, nboot = 1000).

#: (jackknife acceleration, BCa 2.5 %, BCa 97.5 %) obtained in R
R_BOOTSTRAP = {
    "artificial_3lists": (-0.061031, 280.92, 1484.18),
    "australia_4lists": (-0.071939, 2525.09, 15941.23),
    "kosovo_4lists": (-0.004160, 12595.84, 16527.49),
    "netherlands_5lists": (-0.016600, 47393.14, 162845.54),
    "netherlands_6lists": (0.033343, 44009.59, 161132.94),
    "new_orleans_5lists": (-0.055161, 588.82, 1703.69),
    "new_orleans_8lists": (-0.029332, 658.14, 1713.38),
    "rcapture_duck_6occasions": (0.027312, 1390.29, 2060.43),
    "rcapture_hare_6occasions": (-0.025393, 71.29, 82.12),
    "rcapture_hiv_rome_4lists": (-0.015310, 8289.37, 13333.39),
    "rcapture_lesbian_4lists": (-0.008464, 4470.29, 7551.10),
    "uk_2013_5lists": (-0.012181, 8784.78, 14700.55),
    "uk_2013_6lists": (-0.012871, 9266.96, 14306.76),
    "western_us_5lists": (-0.095010, 1293.21, 3672.04),
}

#: bootstrap tables (counts of the observed patterns, in file order) and R's stepwise estimate
R_BOOTSTRAP_TABLES = {
    "new_orleans_5lists": [
        ([28, 23, 75, 27, 21, 0, 0, 1, 3, 2, 1, 1, 1, 2], 1020.3300536656),
        ([19, 30, 57, 37, 19, 1, 3, 3, 3, 3, 2, 3, 4, 1], 582.7753085106),
        ([27, 19, 67, 34, 27, 4, 1, 0, 2, 2, 0, 1, 0, 1], 1864.2353643075),
        ([27, 26, 59, 33, 29, 1, 0, 4, 1, 3, 1, 0, 1, 0], 1228.5451574175),
        ([29, 25, 71, 31, 22, 3, 0, 0, 0, 3, 0, 1, 0, 0], 11141.6703259946),
        ([33, 25, 73, 27, 18, 2, 1, 1, 2, 1, 0, 1, 0, 1], 1385.3309905435),
        ([29, 26, 66, 28, 24, 2, 0, 3, 0, 1, 2, 2, 0, 2], 2319.0546115509),
        ([23, 26, 68, 34, 20, 2, 1, 1, 3, 1, 3, 0, 2, 1], 1115.0649354716),
        ([25, 28, 73, 25, 23, 0, 2, 3, 3, 0, 1, 1, 0, 1], 1602.6278249365),
        ([29, 21, 65, 30, 27, 0, 0, 0, 3, 1, 2, 3, 3, 1], 879.7333570303),
    ],
    "australia_4lists": [
        ([31, 10, 217, 85, 5, 6, 2, 30, 5, 5, 0, 18, 0], 3985.1993724285),
        ([40, 14, 201, 108, 1, 0, 1, 36, 1, 2, 0, 9, 1], 34657.0322221723),
        ([34, 10, 192, 103, 7, 6, 1, 33, 2, 5, 2, 18, 1], 4762.8265510337),
        ([28, 16, 204, 96, 3, 2, 1, 30, 4, 11, 0, 17, 2], 9853.5336688255),
        ([27, 10, 198, 93, 5, 6, 2, 44, 2, 8, 5, 13, 1], 2078.7007311643),
        ([28, 8, 197, 113, 6, 4, 1, 30, 2, 5, 1, 19, 0], 6710.0206760883),
        ([35, 20, 183, 100, 5, 3, 2, 45, 0, 6, 2, 13, 0], 6164.4097546293),
        ([40, 12, 191, 106, 3, 2, 1, 31, 3, 7, 0, 17, 1], 11231.1367717011),
        ([30, 7, 207, 99, 3, 4, 0, 34, 0, 7, 1, 21, 1], 7908.586835244),
        ([38, 15, 184, 101, 1, 5, 1, 42, 0, 6, 2, 18, 1], 5405.428455775),
    ],
}

#: sparse tables whose lower BCa bound has a Monte-Carlo error above 10 % with 1000 replications
#: (multimodal bootstrap distribution: the selected model changes from one replicate to another)
NOISY_LOWER = {"australia_4lists", "new_orleans_5lists", "new_orleans_8lists"}


@needs_data
@pytest.mark.parametrize("name", sorted(R_BOOTSTRAP_TABLES))
def test_stepwise_on_bootstrap_tables_matches_r(name: str) -> None:
    """Sparse perturbed tables (zero cells, near-empty lists) give R's estimates exactly."""
    table = load(name)
    est = stepwise_estimator()
    for counts, r_estimate in R_BOOTSTRAP_TABLES[name]:
        assert rel(est(table.with_counts(np.array(counts))), r_estimate) < 1e-9


@needs_data
@pytest.mark.parametrize("name", DATASETS)
def test_jackknife_acceleration_matches_r(name: str) -> None:
    """The acceleration is deterministic: it must equal R's to the printed precision."""
    a = jackknife_acceleration(load(name), stepwise_estimator())
    assert a == pytest.approx(R_BOOTSTRAP[name][0], abs=1e-6)


@needs_data
@pytest.mark.skipif(not os.environ.get("PARCOURS_SLOW_TESTS"), reason="slow: set PARCOURS_SLOW_TESTS=1")
@pytest.mark.parametrize("name", DATASETS)
def test_bca_1000_close_to_r(name: str) -> None:  # pragma: no cover - slow (about 1 min in all)
    """Same algorithm, different random numbers (numpy PCG64 vs R's Mersenne-Twister): the BCa
    bounds agree within 10 %, except the lower bound of the sparse tables (Monte-Carlo noise)."""
    r = bca_bootstrap(load(name), 1000, seed=1234)
    _, lo, hi = R_BOOTSTRAP[name]
    assert r.n_failed == 0
    assert rel(r.ci_high, hi) < 0.10
    assert rel(r.ci_low, lo) < (0.30 if name in NOISY_LOWER else 0.10)
