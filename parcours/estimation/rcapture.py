"""Closed-population log-linear models of the R package Rcapture (Baillargeon & Rivest 2007).

Implements the models of ``closedp.t`` that make sense for multiple systems estimation, on the
same Poisson GLM machinery as the SparseMSE models:

* ``M0``: equal capture probabilities (``log mu = a + b k``, ``k`` = number of lists);
* ``Mt``: list effects (independence; identical to SparseMSE's main-effects model);
* ``Mh Chao (LB)`` / ``Mth Chao (LB)``: Chao's lower bound for heterogeneous catchability in
  log-linear form (Rivest & Baillargeon 2007), columns ``max(k - j + 1, 0)`` for ``j = 3..t``,
  negative ``eta`` parameters removed one at a time and the model refitted (Rcapture's
  ``Chao.neg``);
* ``Mh``/``Mth`` ``Poisson2``, ``Darroch``, ``Gamma3.5`` (Rivest 2008).

The abundance is ``n + exp(intercept)`` with standard error
``sqrt(exp(b0) + exp(2 b0) var(b0))``.  :func:`profile_interval` reproduces ``closedpCI.t``:
the multinomial profile likelihood of ``N`` (Cormack 1992 correction term), its maximiser and
its ``1 - alpha`` likelihood-ratio interval.

References:
    Baillargeon, S. & Rivest, L.-P. (2007). Rcapture: loglinear models for capture-recapture
    in R. *Journal of Statistical Software* 19(5).
    Rivest, L.-P. & Baillargeon, S. (2007). Applications and extensions of Chao's moment
    estimator for the size of a closed population. *Biometrics* 63, 999-1006.
    Cormack, R. M. (1992). Interval estimation for mark-recapture studies of closed
    populations. *Biometrics* 48, 567-576.
    Chao, A. (1987). Estimating the population size for capture-recapture data with unequal
    catchability. *Biometrics* 43, 783-791.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .errors import EstimationError
from .glm import PoissonFit, SingularDesignError, poisson_glm
from .loglinear import MSEModels, model_space
from .table import CaptureTable, cell_matrix

#: Model names, as printed by Rcapture's ``closedp.t``.
CLOSEDP_MODELS = (
    "M0",
    "Mt",
    "Mh Chao (LB)",
    "Mh Poisson2",
    "Mh Darroch",
    "Mh Gamma3.5",
    "Mth Chao (LB)",
    "Mth Poisson2",
    "Mth Darroch",
    "Mth Gamma3.5",
)


@dataclass(frozen=True)
class ClosedpFit:
    """One row of ``closedp.t``'s result table."""

    model: str
    abundance: float
    stderr: float
    deviance: float
    df: int
    aic: float
    converged: bool
    #: heterogeneity parameters removed because negative (Chao models)
    removed_eta: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProfileInterval:
    """``closedpCI.t`` result: profile-likelihood estimate and interval of ``N``."""

    model: str
    abundance: float
    ci_low: float
    ci_high: float
    #: False when the upper bound was not reached below ``fmax_sup * N`` (then ``ci_high = inf``)
    upper_found: bool = True


def _heterogeneity(kind: str, nbcap: np.ndarray, t: int) -> tuple[np.ndarray, list[str]]:
    if kind == "Chao":
        cols = [np.maximum(nbcap - j + 1, 0.0) for j in range(3, t + 1)]
        return (np.column_stack(cols) if cols else np.zeros((len(nbcap), 0))), [
            f"eta{j}" for j in range(3, t + 1)
        ]
    if kind == "Poisson2":
        return (2.0**nbcap - 1.0)[:, None], ["tau"]
    if kind == "Darroch":
        return (nbcap**2 / 2.0)[:, None], ["tau"]
    if kind == "Gamma3.5":
        return (-np.log(3.5 + nbcap) + math.log(3.5))[:, None], ["tau"]
    raise ValueError(kind)  # pragma: no cover


def _design(model: str, t: int) -> tuple[np.ndarray, list[str], int, bool]:
    """Design (with intercept), column names, ``nca`` and whether it is a Chao model."""
    z = cell_matrix(t).astype(float)
    nbcap = z.sum(axis=1)
    one = np.ones((len(nbcap), 1))
    if model == "M0":
        return np.hstack([one, nbcap[:, None]]), ["(Intercept)", "beta"], 2, False
    if model == "Mt":
        return np.hstack([one, z]), ["(Intercept)"] + [f"beta{i + 1}" for i in range(t)], t + 1, False
    base, kind = model.split(" ", 1)
    kind = kind.replace(" (LB)", "")
    h, hn = _heterogeneity(kind, nbcap, t)
    if base == "Mh":
        return np.hstack([one, nbcap[:, None], h]), ["(Intercept)", "beta", *hn], 2, kind == "Chao"
    return (
        np.hstack([one, z, h]),
        ["(Intercept)"] + [f"beta{i + 1}" for i in range(t)] + hn,
        t + 1,
        kind == "Chao",
    )


def _fit_chao(
    x: np.ndarray, y: np.ndarray, names: list[str], nca: int, chao: bool
) -> tuple[PoissonFit, list[str]]:
    """Fit, then (Chao models) drop the first negative eta and refit until none is negative."""
    g = poisson_glm(x, y)
    removed: list[str] = []
    if not chao:
        return g, removed
    cols = list(range(x.shape[1]))
    while len(cols) > nca and np.any(g.coef[nca:] < 0):
        pos = nca + int(np.argmax(g.coef[nca:] < 0))
        removed.append(names[cols[pos]])
        cols.pop(pos)
        try:
            g = poisson_glm(x[:, cols], y)
        except SingularDesignError:  # pragma: no cover - Rcapture keeps the previous fit
            break
    return g, removed


def closedp(table: CaptureTable, models: tuple[str, ...] = CLOSEDP_MODELS) -> dict[str, ClosedpFit]:
    """Poisson GLM abundance estimates of Rcapture's ``closedp.t`` for the requested models.

    Heterogeneity models need at least three lists; with two lists only ``M0`` and ``Mt`` are
    returned.
    """
    t = table.n_lists
    y = table.cell_counts()
    n = table.n_observed
    out: dict[str, ClosedpFit] = {}
    for model in models:
        if model not in CLOSEDP_MODELS:
            raise EstimationError(f"Modèle Rcapture inconnu : {model}.", "unknown_model")
        if t < 3 and model not in ("M0", "Mt"):
            continue
        x, names, nca, chao = _design(model, t)
        try:
            g, removed = _fit_chao(x, y, names, nca, chao)
        except SingularDesignError:
            continue
        b0 = float(g.coef[0])
        dark = math.exp(b0)
        se = math.sqrt(dark + dark * dark * float(g.cov_unscaled[0, 0]))
        out[model] = ClosedpFit(
            model, n + dark, se, g.deviance, g.df_residual, g.aic(y), g.converged, tuple(removed)
        )
    return out


def _cormack_ct(n0: float, total: float) -> float:
    """Correction term turning the Poisson deviance into a multinomial log-likelihood."""
    if total > 100:
        if n0 in (0.0, 1.0):
            return -total + 0.5 * math.log(2 * math.pi * total)
        return n0 - total - 0.5 * math.log(n0 / total)
    # log((n0^n0) * total! / (total^total * n0!))
    return (
        (n0 * math.log(n0) if n0 > 0 else 0.0)
        + math.lgamma(total + 1)
        - total * math.log(total)
        - math.lgamma(n0 + 1)
    )


def profile_interval(
    table: CaptureTable,
    model: str = "Mh Chao (LB)",
    *,
    x: np.ndarray | None = None,
    alpha: float = 0.05,
    fmax_sup: float = 3.0,
) -> ProfileInterval:
    """Multinomial profile-likelihood estimate and interval of ``N`` (Rcapture ``closedpCI.t``).

    Args:
        table: capture-history table.
        model: one of :data:`CLOSEDP_MODELS`, or a label when ``x`` is given.
        x: optional custom design (with intercept column) on :func:`cell_matrix` cells.
        alpha: 1 - confidence level.
        fmax_sup: the upper bound is searched below ``fmax_sup`` times the Poisson estimate.
    """
    from scipy.optimize import brentq, minimize_scalar

    t = table.n_lists
    y = table.cell_counts()
    n = float(table.n_observed)
    if x is None:
        x, names, nca, chao = _design(model, t)
    else:
        names, nca, chao = [f"c{k}" for k in range(x.shape[1])], x.shape[1], False
    g, _ = _fit_chao(x, y, names, nca, chao)
    n_pois = n + math.exp(float(g.coef[0]))
    xa = np.vstack([x, np.zeros((1, x.shape[1]))])
    xa[-1, 0] = 1.0

    def loglik(big_n: float) -> float:
        n0 = big_n - n
        ya = np.append(y, n0)
        ga, _ = _fit_chao(xa, ya, names, nca, chao)
        ct = _cormack_ct(n0, float(ya.sum()))
        return (ga.deviance - 2.0 * ct) / -2.0

    # maximise on (n, 3 N_poisson) like Rcapture's optimize(); bounded Brent method
    opt = minimize_scalar(
        lambda v: -loglik(v), bounds=(n, 3 * n_pois), method="bounded", options={"xatol": 1e-6}
    )
    n_max = float(opt.x)
    l_max = -float(opt.fun)
    # chi-square(1) quantile: (qnorm(1 - alpha/2))^2
    from statistics import NormalDist

    target = l_max - NormalDist().inv_cdf(1 - alpha / 2) ** 2 / 2.0

    def f(v: float) -> float:
        return loglik(v) - target

    if f(n) < 0:
        lo = brentq(f, n, n_max, xtol=1e-8, rtol=1e-12)
    else:
        lo = n
    upper = fmax_sup * n_pois
    if f(upper) < 0:
        hi, found = brentq(f, n_max, upper, xtol=1e-8, rtol=1e-12), True
    else:
        hi, found = float("inf"), False
    return ProfileInterval(model, n_max, float(lo), float(hi), found)


@dataclass(frozen=True)
class BicModel:
    """One two-way model ranked by :func:`bic_selection`."""

    label: str
    terms: tuple[str, ...]
    abundance: float
    bic: float
    aic: float
    checkident: int
    #: the terms as pairs of list indices
    term_indices: tuple[tuple[int, int], ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "model": self.label,
            "terms": list(self.terms),
            "estimate": self.abundance,
            "bic": self.bic,
            "aic": self.aic,
            "checkident": self.checkident,
        }


@dataclass(frozen=True)
class BicSelection:
    """Rcapture ``closedpMS.t(maxorder = 2)``: every two-way model ranked by BIC.

    Unlike Rcapture, models whose MLE does not exist or which are not identifiable are set
    aside (``valid`` only holds models with ``checkident == 0``).
    """

    n_models: int
    valid: tuple[BicModel, ...]
    #: best model by BIC among all models, MLE or not (what Rcapture reports)
    best_any: BicModel | None

    @property
    def best(self) -> BicModel | None:
        return self.valid[0] if self.valid else None


def rcapture_label(t: int, terms: Sequence[tuple[int, int]]) -> str:
    """Rcapture's model notation, e.g. ``[12,15,3,4]`` (1-based pairs, then free lists)."""
    pairs = sorted(terms)
    used = {i for p in pairs for i in p}
    parts = [f"{i + 1}{j + 1}" for i, j in pairs] + [str(i + 1) for i in range(t) if i not in used]
    return "[" + ",".join(parts) + "]"


def bic_selection(models: MSEModels, max_lists: int = 5) -> BicSelection | None:
    """Rank every model (main effects + any set of two-list terms) by BIC, as Rcapture.

    ``BIC = AIC + p (log n - 2)`` where ``AIC`` is SparseMSE's adjusted AIC and ``p`` counts
    every parameter, those of empty-overlap terms included (Rcapture fits them as large
    negative coefficients, which gives the same deviance).  Returns ``None`` beyond
    ``max_lists`` lists (``2^(t(t-1)/2)`` models).

    For speed, each model is first fitted from the fitted values of the same model without
    its last term (R's ``mustart``): the IRLS converges to the same maximum in fewer
    iterations.  The models reported (the five best and the best overall) are then refitted
    from R's default start, so their figures are exactly those of :meth:`MSEModels.fit`.
    """
    t = models.t
    if t > max_lists:
        return None
    logn = math.log(models.n_observed)
    ranked: list[BicModel] = []
    best_any: BicModel | None = None
    n_models = 0
    fitted_mu: dict[tuple[tuple[int, int], ...], np.ndarray] = {}
    for terms in model_space(t):
        n_models += 1
        code = models.checkident(terms)
        if code & 2:  # rank deficient: not comparable
            continue
        estimate, aic, mu_full = _quick_fit(models, terms, fitted_mu.get(terms[:-1]) if terms else None)
        fitted_mu[terms] = mu_full
        m = _bic_model(models, terms, code, estimate, aic, logn)
        if best_any is None or m.bic < best_any.bic:
            best_any = m
        if code == 0:
            ranked.append(m)
    ranked.sort(key=lambda m: m.bic)

    def exact(m: BicModel) -> BicModel:
        f = models.fit(m.term_indices)
        return _bic_model(models, m.term_indices, m.checkident, f.estimate, f.aic, logn)

    top = [exact(m) for m in ranked[:5]]
    return BicSelection(n_models, (*top, *ranked[5:]), exact(best_any) if best_any else None)


def _bic_model(
    models: MSEModels, terms: tuple[tuple[int, int], ...], code: int, estimate: float, aic: float, logn: float
) -> BicModel:
    p = 1 + models.t + len(terms)
    return BicModel(
        rcapture_label(models.t, terms),
        tuple(models.name(x) for x in terms),
        estimate,
        aic + p * (logn - 2.0),
        aic,
        code,
        tuple(terms),
    )


def _quick_fit(
    models: MSEModels, terms: tuple[tuple[int, int], ...], start: np.ndarray | None
) -> tuple[float, float, np.ndarray]:
    """Estimate, adjusted AIC and fitted values (on all cells) of a model, warm-started."""
    keep, x, _, empty = models.design(sorted(terms))
    y = models.y[keep]
    g = poisson_glm(x, y, check_rank=False, mustart=None if start is None else start[keep], covariance=False)
    mu_full = np.zeros(len(models.y))
    mu_full[keep] = g.mu
    b0 = float(g.coef[0])
    estimate = float(y.sum()) + (math.exp(b0) if b0 < 709 else float("inf"))
    return estimate, g.aic(y) + 2.0 * len(empty), mu_full
