"""Sensitivity of the estimate to the choice of log-linear model, and a plain-French verdict.

The selected model is only one of many that fit the data about equally well, and with sparse
lists the estimate can change several-fold from one model to another (Silverman 2020, *JRSS A*
183(3); Binette & Steorts 2022, *JRSS A* 185(2)).  A single figure must therefore always be
shown with the range of the estimates of the models the data support.

**Which models: Occam's window on BIC** (Madigan & Raftery 1994).  A model belongs to the window
when its posterior probability is at least ``1/C`` of the best model's, with ``C = 20``
(:data:`OCCAM_ODDS`, the value Madigan & Raftery use).  With the BIC approximation of posterior
model probabilities (``P(M|D) ~ exp(-BIC/2)``, Raftery 1995) this is ``BIC <= BIC_best + 2 log 20``
(:data:`WINDOW_DELTA_BIC`, 5.99).  The BIC is Rcapture's (``closedpMS.t``): SparseMSE's AIC plus
``p (log n - 2)``, ``p`` counting every parameter (see :func:`parcours.estimation.rcapture.bic_selection`).
Only models whose maximum likelihood estimate exists and which are identifiable
(:meth:`~parcours.estimation.loglinear.MSEModels.checkident` code 0) can enter the window.

The same rule applies whatever the number of lists ``t``; only the way the window is found
changes:

* ``t <= 5`` (:data:`EXHAUSTIVE_MAX_LISTS`; 1 024 models for 5 lists): every model is ranked;
* ``t >= 6`` (32 768 models for 6 lists, 2^28 for 8): a neighbourhood search, in the spirit of
  Madigan & Raftery's "up/down" algorithm.  First a steepest descent of the BIC, one two-list
  term added or removed at a time, from the main-effects model, the stepwise model and the
  all-two-way model (then from the other models of the stepwise path); then every model of the
  window (relative to the best found so far) is expanded by adding or removing one term, until
  no model of the window is left unexpanded.  At most :data:`WINDOW_SEARCH_MAX_MODELS` models
  are fitted (``truncated`` says when the cap was hit).  On the 5-list tables, where both can
  be run, the search finds the same window as the exhaustive ranking (tests).

The range runs over the window *and* the stepwise model (the figure announced, so that the range
always contains it); ``stepwise_in_window`` says whether the data support it.  Model weights
``exp(-dBIC/2)`` normalised over the window give the model-averaged estimate and interval of
:func:`model_average`.

Madigan, D. & Raftery, A. E. (1994). Model selection and accounting for model uncertainty in
graphical models using Occam's window. *JASA* 89(428), 1535-1546.  Raftery, A. E. (1995). Bayesian
model selection in social research. *Sociological Methodology* 25, 111-163.  Buckland, S. T.,
Burnham, K. P. & Augustin, N. H. (1997). Model selection: an integral part of inference.
*Biometrics* 53, 603-618.  Turek, D. & Fletcher, D. (2012). Model-averaged Wald confidence
intervals. *Computational Statistics & Data Analysis* 56(9), 2809-2815.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import TYPE_CHECKING

import numpy as np

from .loglinear import ModelFit, MSEModels, StepwiseResult, Term, all_pairs, stepwise_pairs

if TYPE_CHECKING:
    from .rcapture import BicSelection

#: Occam's window: models less than 1/20 as probable as the best are left out (Madigan & Raftery
#: 1994, section 2, C = 20).
OCCAM_ODDS = 20.0
#: The same cut-off on the BIC scale: posterior odds exp(-dBIC/2) >= 1/20  <=>  dBIC <= 2 log 20.
WINDOW_DELTA_BIC = 2.0 * math.log(OCCAM_ODDS)
#: Up to this number of lists every two-list model is ranked (2^10 = 1 024 models for 5 lists, well
#: under a second); beyond, the window is found by the neighbourhood search.
EXHAUSTIVE_MAX_LISTS = 5
#: Cap on the models fitted by the neighbourhood search (a few seconds for 8 lists).
WINDOW_SEARCH_MAX_MODELS = 4000
#: max/min of the model range above which no single figure should be acted upon.
RANGE_RATIO_LIMIT = 2.0
#: max/min of the model range above which the estimate is said to depend on the model.
RANGE_RATIO_WARN = 1.3
#: ci_high/ci_low above which the interval is considered too wide.
CI_RATIO_WARN = 2.0
CI_RATIO_LIMIT = 4.0
#: estimated total / observed above which the estimate is mostly extrapolation.
DARK_RATIO_WARN = 5.0
DARK_RATIO_LIMIT = 10.0
#: ratio between the stepwise and the BIC-best estimates above which a warning is given.
BIC_RATIO_WARN = 1.5
#: people on two lists or more below which the overlaps carry too little information.
MIN_OVERLAP_CASES = 10
MIN_OVERLAP_CASES_LIMIT = 5
#: observed people below which any estimate is very uncertain.
MIN_OBSERVED = 30

VERDICT_SOLID = "solide"
VERDICT_CAUTION = "à interpréter avec prudence"
VERDICT_INCONCLUSIVE = "non concluant"


@dataclass(frozen=True)
class ModelSummary:
    """One model of the sensitivity analysis (a model of the window, or the stepwise model)."""

    terms: tuple[str, ...]
    checkident: int
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    aic: float | None = None
    deviance: float | None = None
    df_residual: int | None = None
    on_stepwise_path: bool = False
    bic: float | None = None
    #: BIC minus the best model's BIC
    delta_bic: float | None = None
    #: Occam's-window weight exp(-dBIC/2), normalised over the window (0 outside)
    weight: float = 0.0
    in_window: bool = False
    #: log of the dark figure and its standard error (used by the model average)
    log_dark_figure: float | None = field(default=None, repr=False)
    log_dark_figure_se: float | None = field(default=None, repr=False)
    term_indices: tuple[Term, ...] = field(default=(), repr=False)

    @property
    def label(self) -> str:
        return "effets principaux" if not self.terms else "effets principaux + " + ", ".join(self.terms)

    def to_dict(self) -> dict[str, object]:
        return {
            "terms": list(self.terms),
            "checkident": self.checkident,
            "estimate": self.estimate,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "aic": self.aic,
            "bic": self.bic,
            "delta_bic": self.delta_bic,
            "weight": self.weight,
            "in_window": self.in_window,
            "deviance": self.deviance,
            "df_residual": self.df_residual,
            "on_stepwise_path": self.on_stepwise_path,
        }


@dataclass(frozen=True)
class SensitivityResult:
    """Occam's window and the range of its estimates (see the module docstring)."""

    scope: str
    #: models fitted (and checked) to find the window
    n_models_examined: int
    #: of which estimable (MLE exists, identifiable)
    n_models_valid: int
    min_estimate: float
    max_estimate: float
    min_model: str
    max_model: str
    #: the window's models by increasing BIC, then the stepwise model if it is outside the window
    models: tuple[ModelSummary, ...] = field(repr=False)
    n_models_without_mle: int = 0
    criterion: str = "BIC"
    threshold: float = WINDOW_DELTA_BIC
    exhaustive: bool = True
    truncated: bool = False
    stepwise_in_window: bool = True
    #: the stepwise model's BIC minus the best BIC
    stepwise_delta_bic: float | None = None

    @property
    def ratio(self) -> float:
        if self.min_estimate > 0 and math.isfinite(self.max_estimate):
            return self.max_estimate / self.min_estimate
        return float("inf")

    @property
    def window(self) -> tuple[ModelSummary, ...]:
        return tuple(m for m in self.models if m.in_window)

    @property
    def n_models_window(self) -> int:
        return len(self.window)

    @property
    def best(self) -> ModelSummary:
        return self.window[0]

    def to_dict(self) -> dict[str, object]:
        return {
            "scope": self.scope,
            "criterion": self.criterion,
            "threshold": self.threshold,
            "exhaustive": self.exhaustive,
            "truncated": self.truncated,
            "n_models_examined": self.n_models_examined,
            "n_models_valid": self.n_models_valid,
            "n_models_window": self.n_models_window,
            "n_models_without_mle": self.n_models_without_mle,
            "min": self.min_estimate,
            "max": self.max_estimate,
            "ratio": self.ratio,
            "min_model": self.min_model,
            "max_model": self.max_model,
            "best_model": self.best.label,
            "best_estimate": self.best.estimate,
            "stepwise_in_window": self.stepwise_in_window,
            "stepwise_delta_bic": self.stepwise_delta_bic,
            "models": [m.to_dict() for m in self.models],
        }


@dataclass(frozen=True)
class _Scored:
    terms: tuple[Term, ...]
    code: int
    bic: float
    mu: np.ndarray | None = field(default=None, repr=False)


def _bic(models: MSEModels, n_terms: int, aic: float) -> float:
    return aic + (1 + models.t + n_terms) * (math.log(models.n_observed) - 2.0)


def _exhaustive(models: MSEModels, sel: BicSelection | None) -> dict[frozenset[Term], _Scored]:
    from .rcapture import bic_selection

    if sel is None:
        sel = bic_selection(models, max_lists=models.t)
    assert sel is not None
    return {frozenset(m.term_indices): _Scored(tuple(m.term_indices), 0, m.bic) for m in sel.valid}


def _search(
    models: MSEModels, starts: list[tuple[Term, ...]], delta: float, max_models: int
) -> tuple[dict[frozenset[Term], _Scored], int, bool]:
    """Neighbourhood search of the window: (estimable models scored, models examined, truncated)."""
    from .rcapture import _quick_fit

    pairs = stepwise_pairs(models.t)
    seen: dict[frozenset[Term], _Scored | None] = {}

    def score(terms: tuple[Term, ...], start: np.ndarray | None) -> None:
        key = frozenset(terms)
        if key in seen:
            return
        code = models.checkident(terms)
        if code:
            seen[key] = None
            return
        _, aic, mu = _quick_fit(models, tuple(sorted(terms)), start)
        seen[key] = _Scored(tuple(sorted(terms)), 0, _bic(models, len(terms), aic), mu)

    def neighbours(v: _Scored) -> list[tuple[tuple[Term, ...], np.ndarray | None]]:
        out = []
        for p in pairs:
            terms = tuple(x for x in v.terms if x != p) if p in v.terms else (*v.terms, p)
            # warm start only when the cells fitted are the same (a term with an overlap)
            out.append((tuple(sorted(terms)), v.mu if not models.is_empty(p) else None))
        return out

    # 1. steepest descent of the BIC from each start (finds the modes the window grows from)
    for st in starts:
        score(tuple(sorted(st)), None)
        current = seen[frozenset(st)]
        while current is not None and len(seen) < max_models:
            for terms, mu in neighbours(current):
                score(terms, mu)
            moves = [seen[frozenset(terms)] for terms, _ in neighbours(current)]
            better = min((m for m in moves if m is not None), key=lambda m: m.bic, default=None)
            current = better if better is not None and better.bic < current.bic else None
    # 2. every model of the window is expanded until none is left
    expanded: set[frozenset[Term]] = set()
    truncated = len(seen) >= max_models
    while not truncated:
        valid = [v for v in seen.values() if v is not None]
        best = min(v.bic for v in valid)
        pending = sorted(
            (v for v in valid if v.bic <= best + delta and frozenset(v.terms) not in expanded),
            key=lambda v: v.bic,
        )
        if not pending:
            break
        for v in pending:
            expanded.add(frozenset(v.terms))
            for terms, mu in neighbours(v):
                score(terms, mu)
                if len(seen) >= max_models:
                    truncated = True
                    break
            if truncated:
                break
    scored = {k: v for k, v in seen.items() if v is not None}
    return scored, len(seen), truncated


def _summary(models: MSEModels, terms: tuple[Term, ...], path: set[frozenset[Term]]) -> ModelSummary:
    f: ModelFit = models.fit(terms)
    return ModelSummary(
        terms=tuple(models.name(t) for t in terms),
        checkident=0,
        estimate=f.estimate,
        ci_low=f.ci_low,
        ci_high=f.ci_high,
        aic=f.aic,
        deviance=f.deviance,
        df_residual=f.df_residual,
        on_stepwise_path=frozenset(terms) in path,
        bic=_bic(models, len(terms), f.aic),
        log_dark_figure=f.log_dark_figure,
        log_dark_figure_se=f.log_dark_figure_se,
        term_indices=tuple(terms),
    )


def occam_window(
    models: MSEModels,
    stepwise: StepwiseResult,
    *,
    delta: float = WINDOW_DELTA_BIC,
    exhaustive: bool | None = None,
    max_models: int = WINDOW_SEARCH_MAX_MODELS,
    ranking: BicSelection | None = None,
) -> SensitivityResult:
    """Occam's window on BIC and the range of its estimates (see the module docstring).

    Args:
        models: the fitting context of the table.
        stepwise: the stepwise selection (its path seeds the search; its model is always shown).
        delta: width of the window on the BIC scale (default ``2 log 20``).
        exhaustive: rank every model (default: up to :data:`EXHAUSTIVE_MAX_LISTS` lists) rather
            than search the neighbourhood.
        max_models: cap on the models fitted by the neighbourhood search.
        ranking: the exhaustive BIC ranking if already computed (:func:`~.rcapture.bic_selection`).
    """
    t = models.t
    path_terms = [tuple(f.terms) for f in stepwise.path]
    path = {frozenset(p) for p in path_terms}
    if exhaustive is None:
        exhaustive = t <= EXHAUSTIVE_MAX_LISTS
    truncated = False
    if exhaustive:
        scored = _exhaustive(models, ranking)
        n_examined = 2 ** (t * (t - 1) // 2)
        scope = f"tous les modèles à interactions d'ordre deux ({fmt_int(n_examined)} modèles)"
    else:
        starts = [(), path_terms[-1], tuple(all_pairs(t)), *path_terms[1:-1]]
        scored, n_examined, truncated = _search(models, starts, delta, max_models)
        scope = (
            f"recherche de proche en proche à partir du modèle d'indépendance et du parcours pas à pas "
            f"({fmt_int(n_examined)} modèles examinés sur {fmt_int(2 ** (t * (t - 1) // 2))})"
        )
    best_bic = min(v.bic for v in scored.values())
    inside = sorted(
        (v for v in scored.values() if v.bic <= best_bic + delta + 1e-9), key=lambda v: (v.bic, v.terms)
    )
    window = [_summary(models, v.terms, path) for v in inside]
    # exact refits: the ranking used warm-started fits; the best is the best of the exact figures
    best_bic = min(m.bic for m in window)  # type: ignore[type-var]
    window = [m for m in window if m.bic <= best_bic + delta + 1e-9]  # type: ignore[operator]
    window.sort(key=lambda m: m.bic)  # type: ignore[arg-type, return-value]
    w = np.array([math.exp(-(m.bic - best_bic) / 2.0) for m in window])  # type: ignore[operator]
    w = w / w.sum()
    window = [
        _replace(m, delta_bic=m.bic - best_bic, weight=float(wk), in_window=True)  # type: ignore[operator]
        for m, wk in zip(window, w, strict=True)
    ]
    sw_terms = tuple(stepwise.fit.terms)
    sw_key = frozenset(sw_terms)
    in_window = any(frozenset(m.term_indices) == sw_key for m in window)
    shown = list(window)
    if in_window:
        sw_delta = next(m.delta_bic for m in window if frozenset(m.term_indices) == sw_key)
    else:
        sw = _summary(models, sw_terms, path)
        sw_delta = sw.bic - best_bic  # type: ignore[operator]
        shown.append(_replace(sw, delta_bic=sw_delta))
    ranged = [m for m in shown if m.estimate is not None and math.isfinite(m.estimate)]
    lo = min(ranged, key=lambda m: m.estimate)  # type: ignore[arg-type, return-value]
    hi = max(ranged, key=lambda m: m.estimate)  # type: ignore[arg-type, return-value]
    return SensitivityResult(
        scope=scope,
        n_models_examined=n_examined,
        n_models_valid=len(scored),
        min_estimate=float(lo.estimate),  # type: ignore[arg-type]
        max_estimate=float(hi.estimate),  # type: ignore[arg-type]
        min_model=lo.label,
        max_model=hi.label,
        models=tuple(shown),
        n_models_without_mle=n_examined - len(scored),
        threshold=delta,
        exhaustive=exhaustive,
        truncated=truncated,
        stepwise_in_window=in_window,
        stepwise_delta_bic=sw_delta,
    )


def _replace(m: ModelSummary, **changes: object) -> ModelSummary:
    from dataclasses import replace

    return replace(m, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ModelAverage:
    """Model-averaged estimate and interval over Occam's window (:func:`model_average`)."""

    estimate: float
    ci_low: float
    ci_high: float
    confidence: float
    n_models: int
    n_observed: int
    criterion: str = "BIC"
    method: str = (
        "moyenne des modèles de la fenêtre d'Occam pondérés par exp(−ΔBIC/2) ; intervalle MATA-Wald "
        "(Turek et Fletcher 2012) sur le logarithme du chiffre noir"
    )

    @property
    def dark_figure(self) -> float:
        return self.estimate - self.n_observed

    def to_dict(self) -> dict[str, object]:
        return {
            "method": self.method,
            "criterion": self.criterion,
            "estimate": self.estimate,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "confidence": self.confidence,
            "n_models": self.n_models,
            "n_observed": self.n_observed,
            "dark_figure": self.dark_figure,
        }


def model_average(sens: SensitivityResult, n_observed: int, confidence: float = 0.95) -> ModelAverage:
    """Model-averaged estimate and interval over the window, an alternative to the BCa bootstrap.

    * estimate: ``sum w_m N_m`` with the window weights ``w_m ~ exp(-dBIC_m/2)`` (Buckland,
      Burnham & Augustin 1997);
    * interval: model-averaged tail area Wald interval (MATA-Wald, Turek & Fletcher 2012) on the
      log dark figure ``theta_m`` (the scale of SparseMSE's normal interval): the limits
      ``theta_L``, ``theta_U`` solve ``sum w_m Phi((theta - theta_m)/se_m) = alpha/2`` and
      ``1 - alpha/2``, i.e. they are the quantiles of the weighted mixture of the models' normal
      distributions; the interval is ``n + exp([theta_L, theta_U])``.  It widens when the models
      of the window disagree, which the normal interval of a single model ignores.
    """
    from scipy.optimize import brentq

    ms = [
        m
        for m in sens.window
        if m.log_dark_figure is not None
        and m.log_dark_figure_se is not None
        and math.isfinite(m.log_dark_figure)
        and math.isfinite(m.log_dark_figure_se)
        and m.log_dark_figure_se > 0
    ]
    if not ms:
        nan = float("nan")
        return ModelAverage(nan, nan, nan, confidence, 0, n_observed)
    w = np.array([m.weight for m in ms])
    w = w / w.sum()
    theta = np.array([m.log_dark_figure for m in ms], dtype=float)
    se = np.array([m.log_dark_figure_se for m in ms], dtype=float)
    est = float(np.sum(w * np.array([m.estimate for m in ms], dtype=float)))
    nd = NormalDist()

    def mix_cdf(x: float) -> float:
        return float(sum(wk * nd.cdf((x - tk) / sk) for wk, tk, sk in zip(w, theta, se, strict=True)))

    alpha = 1.0 - confidence
    a, b = float((theta - 12 * se).min()), float((theta + 12 * se).max())
    lo = brentq(lambda x: mix_cdf(x) - alpha / 2, a, b, xtol=1e-10)
    hi = brentq(lambda x: mix_cdf(x) - (1 - alpha / 2), a, b, xtol=1e-10)
    return ModelAverage(est, n_observed + _exp(lo), n_observed + _exp(hi), confidence, len(ms), n_observed)


def _exp(v: float) -> float:
    return math.exp(v) if v < 709 else float("inf")


def fmt_int(v: float) -> str:
    """French thousands formatting: ``11313.0 -> '11 313'`` (no-break spaces avoided)."""
    if v is None or not math.isfinite(v):
        return "∞" if v is not None and v > 0 else "—"
    return f"{round(v):,}".replace(",", " ")


def fmt_dec(v: float, digits: int = 1) -> str:
    """French decimal formatting: ``4.25 -> '4,2'``."""
    return f"{v:.{digits}f}".replace(".", ",")


def fmt_p(p: float) -> str:
    """French p-value: ``'< 0,001'`` or ``'= 0,031'``."""
    return "< 0,001" if p < 0.001 else "= " + fmt_dec(p, 3)


def assess(
    *,
    n_observed: int,
    n_multi: int,
    estimate: float,
    ci_low: float,
    ci_high: float,
    sens: SensitivityResult,
    nonoverlapping_pairs: list[str],
    empty_terms_selected: list[str],
    gof_pvalue: float | None,
    removed_lists: list[str],
    bic_best: tuple[str, float] | None = None,
) -> tuple[str, list[str]]:
    """Verdict (``solide`` / ``à interpréter avec prudence`` / ``non concluant``) and warnings."""
    level = 0
    warnings: list[str] = []

    def warn(text: str, severity: int) -> None:
        nonlocal level
        warnings.append(text)
        level = max(level, severity)

    if n_observed < MIN_OBSERVED:
        warn(
            f"Très peu de personnes observées ({n_observed}) : toute estimation est très incertaine.",
            1,
        )
    if n_multi < MIN_OVERLAP_CASES:
        warn(
            f"Trop peu de recoupements : seules {n_multi} personnes figurent sur plusieurs listes ; "
            "l'estimation repose sur très peu d'information.",
            2 if n_multi < MIN_OVERLAP_CASES_LIMIT else 1,
        )
    if nonoverlapping_pairs:
        pairs = ", ".join(nonoverlapping_pairs)
        warn(
            f"Listes qui ne se croisent jamais ({pairs}) : aucune personne en commun. Ces listes "
            "couvrent peut-être des publics différents ; l'hypothèse d'une population unique est fragile.",
            1 if len(nonoverlapping_pairs) > 0 else 0,
        )
    if empty_terms_selected:
        warn(
            "Le modèle retenu traite comme structurellement disjointes les paires "
            + ", ".join(empty_terms_selected)
            + " (méthode de Chan, Silverman et Vincent) : l'estimation en dépend directement.",
            1,
        )
    if sens.ratio > RANGE_RATIO_LIMIT:
        warn(
            f"Fourchette trop large pour agir : selon les modèles que les données soutiennent, l'estimation "
            f"varie de {fmt_int(sens.min_estimate)} à {fmt_int(sens.max_estimate)} "
            f"(rapport {fmt_dec(sens.ratio)}). "
            "Le choix du modèle détermine le résultat : ne retenez pas un chiffre unique.",
            2,
        )
    elif sens.ratio > RANGE_RATIO_WARN:
        warn(
            f"L'estimation dépend du modèle : de {fmt_int(sens.min_estimate)} à "
            f"{fmt_int(sens.max_estimate)} selon les modèles que les données soutiennent.",
            1,
        )
    if not sens.stepwise_in_window and sens.stepwise_delta_bic is not None:
        warn(
            "Le modèle retenu par la sélection pas à pas est nettement moins soutenu par les données que le "
            f"meilleur modèle (écart de BIC de {fmt_dec(sens.stepwise_delta_bic)}, au-delà du seuil de "
            f"{fmt_dec(sens.threshold)}) : comparez avec l'estimation moyennée sur les modèles.",
            1,
        )
    if math.isfinite(ci_low) and ci_low > 0 and math.isfinite(ci_high):
        r = ci_high / ci_low
        if r > CI_RATIO_LIMIT:
            warn(
                f"Intervalle de confiance trop large ({fmt_int(ci_low)} à {fmt_int(ci_high)}, la borne haute "
                f"vaut {fmt_dec(r)} fois la borne basse) : l'ordre de grandeur lui-même est incertain.",
                2,
            )
        elif r > CI_RATIO_WARN:
            warn(
                f"Intervalle de confiance large ({fmt_int(ci_low)} à {fmt_int(ci_high)}).",
                1,
            )
    elif not math.isfinite(ci_high):
        warn("Borne haute de l'intervalle infinie : l'estimation n'est pas exploitable.", 2)
    ratio_dark = estimate / n_observed if n_observed else float("inf")
    if ratio_dark > DARK_RATIO_LIMIT:
        warn(
            f"L'estimation vaut {fmt_dec(ratio_dark, 0)} fois le nombre de personnes connues : "
            "c'est surtout une extrapolation du modèle, très sensible à ses hypothèses.",
            2,
        )
    elif ratio_dark > DARK_RATIO_WARN:
        warn(
            f"L'estimation vaut {fmt_dec(ratio_dark)} fois le nombre de personnes connues : le chiffre noir "
            "domine, l'estimation est sensible aux hypothèses du modèle.",
            1,
        )
    if bic_best is not None:
        label, value = bic_best
        r = max(value, estimate) / min(value, estimate)
        if r > BIC_RATIO_WARN:
            warn(
                f"Le meilleur modèle selon le critère BIC ({label}) donne {fmt_int(value)}, contre "
                f"{fmt_int(estimate)} pour la sélection pas à pas : deux méthodes de choix du modèle "
                "aussi défendables l'une que l'autre aboutissent à des chiffres différents.",
                1,
            )
    if gof_pvalue is not None and gof_pvalue < 0.05:
        warn(
            "Le modèle retenu s'ajuste mal aux données (test du rapport de vraisemblance, "
            f"p {fmt_p(gof_pvalue)}) : "
            "des dépendances entre listes non prises en compte peuvent biaiser l'estimation.",
            1,
        )
    if sens.n_models_without_mle:
        warn(
            f"{sens.n_models_without_mle} modèle(s) examiné(s) n'ont pas d'estimation finie "
            "(maximum de vraisemblance inexistant ou modèle non identifiable) et ont été écartés.",
            0,
        )
    if sens.truncated:
        warn(
            f"La recherche des modèles soutenus par les données s'est arrêtée après {sens.n_models_examined} "
            "modèles : la fourchette peut être incomplète.",
            1,
        )
    if removed_lists:
        warn("Listes retirées car non informatives : " + "; ".join(removed_lists) + ".", 0)
    verdict = (VERDICT_SOLID, VERDICT_CAUTION, VERDICT_INCONCLUSIVE)[level]
    return verdict, warnings
