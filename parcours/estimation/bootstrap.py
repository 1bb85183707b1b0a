"""Bias-corrected and accelerated (BCa) bootstrap interval, as SparseMSE's ``estimatepopulation``.

Chan, Silverman & Vincent (2021, section 3.3) recommend a bootstrap interval that takes the
model selection into account:

1. draw ``B`` *non-parametric* bootstrap tables: the ``n`` observed people are resampled
   with replacement, i.e. the counts of the observed patterns are drawn from
   ``Multinomial(n, counts / n)`` (SparseMSE: ``rmultinom(1, nobs, countsobserved)``);
2. re-run the whole estimator (stepwise selection included) on each bootstrap table;
3. estimate the acceleration by a grouped jackknife: remove one person of each observed
   pattern in turn, ``a = sum(c r^3) / (6 (sum(c r^2))^1.5)`` with ``r`` the deviations of the
   jackknife estimates from their count-weighted mean;
4. bias correction ``z0 = qnorm(mean(boot < estimate))`` and BCa levels
   ``pnorm(z0 + (z0 + z_a) / (1 - a (z0 + z_a)))``, read on the bootstrap distribution with
   R's ``quantile(type = 8)`` (median-unbiased).

Random numbers come from a seeded :class:`numpy.random.Generator` (PCG64), so results are
reproducible for a given seed but are not the same draws as R's ``set.seed(1234)``.

Efron, B. (1987). Better bootstrap confidence intervals. *JASA* 82, 171-185.  DiCiccio, T. J.
& Efron, B. (1996). Bootstrap confidence intervals. *Statistical Science* 11(3), 189-228.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np

from .errors import EstimationError
from .loglinear import DEFAULT_PTHRESH, MSEModels
from .table import CaptureTable

DEFAULT_SEED = 1234


@dataclass(frozen=True, eq=False)
class BootstrapResult:
    estimate: float
    ci_low: float
    ci_high: float
    confidence: float
    n_boot: int
    seed: int | None
    acceleration: float
    bias_z0: float
    n_failed: int
    replicates: np.ndarray = field(repr=False)
    method: str = (
        "bootstrap BCa non paramétrique (rééchantillonnage multinomial des personnes observées, "
        "sélection pas à pas refaite sur chaque échantillon)"
    )

    def to_dict(self) -> dict[str, object]:
        return {
            "method": self.method,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "confidence": self.confidence,
            "n_boot": self.n_boot,
            "seed": self.seed,
            "acceleration": self.acceleration,
            "bias_z0": self.bias_z0,
            "n_failed": self.n_failed,
            "replicate_median": float(np.nanmedian(self.replicates)) if self.replicates.size else None,
        }


def stepwise_estimator(pthresh: float = DEFAULT_PTHRESH) -> Callable[[CaptureTable], float]:
    """``table -> N`` using SparseMSE's stepwise selection (``estimatepopulation.0``)."""

    def est(table: CaptureTable) -> float:
        return MSEModels(table).stepwise(pthresh).fit.estimate

    return est


def _safe(estimator: Callable[[CaptureTable], float], table: CaptureTable) -> float:
    try:
        v = float(estimator(table))
    except (EstimationError, ArithmeticError, np.linalg.LinAlgError, ValueError):
        return float("nan")
    return v if math.isfinite(v) else float("nan")


def bca_bootstrap(
    table: CaptureTable,
    n_boot: int = 1000,
    *,
    seed: int | None = DEFAULT_SEED,
    confidence: float = 0.95,
    pthresh: float = DEFAULT_PTHRESH,
    estimate: float | None = None,
    estimator: Callable[[CaptureTable], float] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BootstrapResult:
    """BCa bootstrap interval of the population size (SparseMSE ``estimatepopulation``).

    Args:
        table: the observed table.
        n_boot: number of bootstrap tables (SparseMSE default 1000).
        seed: seed of the :func:`numpy.random.default_rng` generator (``None``: random).
        confidence: two-sided level of the interval.
        pthresh: stepwise threshold (when ``estimator`` is not given).
        estimate: the point estimate on ``table`` if already computed.
        estimator: any function ``table -> N``; default: the stepwise estimate.
        progress: called as ``progress(done, total)`` after each replication and each jackknife
            table (``total = n_boot + number of observed patterns``), then once with
            ``done == total``.  It lets a background task report how far it is; an exception it
            raises stops the computation (a task can be cancelled that way).
    """
    if n_boot < 10:
        raise EstimationError("Le bootstrap demande au moins 10 réplications.", "bad_bootstrap")
    est_fn = estimator or stepwise_estimator(pthresh)
    popest = float(estimate) if estimate is not None else est_fn(table)
    rng = np.random.default_rng(seed)
    counts = table.counts.astype(np.int64)
    n = int(counts.sum())
    probs = counts / n
    draws = rng.multinomial(n, probs, size=n_boot)
    n_jack = int((counts > 0).sum())
    total = n_boot + n_jack

    def tick(done: int) -> None:
        if progress is not None:
            progress(done, total)

    reps = np.empty(n_boot)
    for k, d in enumerate(draws):
        reps[k] = _safe(est_fn, table.with_counts(d))
        tick(k + 1)
    ok = np.isfinite(reps)
    n_failed = int((~ok).sum())
    good = reps[ok]
    ahat = jackknife_acceleration(table, est_fn, progress=lambda j: tick(n_boot + j))
    tick(total)
    lo, hi, z0 = bca_interval(good, popest, ahat, confidence)
    return BootstrapResult(popest, lo, hi, confidence, n_boot, seed, ahat, z0, n_failed, reps)


def jackknife_acceleration(
    table: CaptureTable,
    estimator: Callable[[CaptureTable], float],
    progress: Callable[[int], None] | None = None,
) -> float:
    """BCa acceleration by the grouped jackknife of SparseMSE's ``estimatepopulation``.

    One person is removed from each observed pattern in turn; the deviations ``r`` of these
    estimates from their count-weighted mean give ``a = sum(c r^3) / (6 (sum(c r^2))^1.5)``.
    """
    counts = table.counts.astype(np.int64)
    jack = np.zeros(len(counts))
    done = 0
    for j, c in enumerate(counts):
        if c > 0:
            c1 = counts.copy()
            c1[j] -= 1
            jack[j] = _safe(estimator, table.with_counts(c1))
            done += 1
            if progress is not None:
                progress(done)
    w = counts.astype(float)
    finite = np.isfinite(jack) & (w > 0)
    if finite.sum() < 2:  # pragma: no cover - degenerate
        return 0.0
    jm = np.sum(w[finite] * jack[finite]) / np.sum(w[finite])
    r = jm - jack[finite]
    denom = 6.0 * np.sum(w[finite] * r**2) ** 1.5
    return float(np.sum(w[finite] * r**3) / denom) if denom > 0 else 0.0


def bca_interval(
    replicates: np.ndarray, estimate: float, ahat: float, confidence: float = 0.95
) -> tuple[float, float, float]:
    """SparseMSE ``bcaconfvalues``: BCa limits and ``z0``.

    The proportion of replicates below the estimate is kept within ``[1/(2B), 1 - 1/(2B)]``
    so that ``z0`` stays finite (R would return NaN limits).
    """
    b = len(replicates)
    if b == 0:
        return float("nan"), float("nan"), float("nan")
    nd = NormalDist()
    prop = float(np.mean(replicates < estimate))
    prop = min(max(prop, 0.5 / b), 1 - 0.5 / b)
    z0 = nd.inv_cdf(prop)
    alpha = 1 - confidence
    qs = []
    for a in (alpha / 2, 1 - alpha / 2):
        za = nd.inv_cdf(a)
        za0 = za + z0
        den = 1 - ahat * za0
        qs.append(nd.cdf(z0 + za0 / den) if den > 0 else (1.0 if za0 > 0 else 0.0))
    lo, hi = np.quantile(replicates, qs, method="median_unbiased")
    return float(lo), float(hi), z0
