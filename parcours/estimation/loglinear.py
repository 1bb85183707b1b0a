"""Log-linear Poisson models for multiple systems estimation (SparseMSE re-implementation).

The observable cells of a ``t``-list capture-history table are the ``2^t - 1`` patterns of
presence other than the all-zero one.  Their counts are modelled as independent Poisson
variables with ``log E[n_w] = mu + sum_i a_i w_i + sum_{(i,j) in M} b_ij w_i w_j``; the
estimated dark figure (people on no list) is ``exp(mu)`` (Fienberg 1972; Bishop, Fienberg &
Holland 1975).

This module reproduces the R package SparseMSE 2.0.1 (Chan, Silverman & Vincent 2021,
*Multiple systems estimation for sparse capture data: inferential challenges when there are
nonoverlapping lists*, JASA 116(535), 1297-1306), function by function:

* :func:`fit_model` = ``modelfit``: a two-list term whose lists have no case in common
  (an *empty overlap*) is not fitted as a parameter (its MLE would be minus infinity);
  instead every cell containing both lists is dropped from the table, and the AIC counts 2
  per such term;
* :func:`checkident` = ``checkident``: linear-programme test of existence of the (extended)
  MLE (Fienberg & Rinaldo 2012, *Maximum likelihood estimation in log-linear models*, Ann.
  Statist. 40, 996-1023) and rank test of identifiability; code 0 ok, 1 no MLE, 2 not
  identifiable, 3 both;
* :func:`stepwise` = ``stepwisefit``: forward selection on the one-sided Poisson p-value of
  the observed overlap of each pair of lists under the current fit, threshold 0.02;
* :func:`checkallmodels` = ``checkallmodels`` (branch search over all two-list models).

The GLM is fitted by :func:`parcours.estimation.glm.poisson_glm`, a replica of R's
``glm.fit``; the LP is solved with HiGHS (``scipy.optimize.linprog``) instead of lpSolve.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations
from statistics import NormalDist

import numpy as np

from .errors import EstimationError
from .glm import PoissonFit, SingularDesignError, poisson_glm
from .table import CaptureTable, cell_matrix

Term = tuple[int, int]

#: Default p-value threshold of SparseMSE's stepwise selection.
DEFAULT_PTHRESH = 0.02
#: An LP optimum below this is taken as zero (lpSolve reports an exact 0).
LP_ZERO_TOL = 1e-7
#: checkident codes.
IDENT_OK, IDENT_NO_MLE, IDENT_NOT_IDENTIFIABLE, IDENT_BOTH = 0, 1, 2, 3
IDENT_LABELS_FR = {
    IDENT_OK: "modèle estimable",
    IDENT_NO_MLE: "l'estimateur du maximum de vraisemblance n'existe pas (estimation infinie ou nulle)",
    IDENT_NOT_IDENTIFIABLE: "modèle non identifiable (plus de paramètres que l'information disponible)",
    IDENT_BOTH: "modèle non identifiable et sans estimateur du maximum de vraisemblance",
}


def stepwise_pairs(t: int) -> list[Term]:
    """Two-list terms in SparseMSE's stepwise order: (1,2), (1,3), ..., (1,t), (2,3), ..."""
    return [(i, j) for i in range(t - 1) for j in range(i + 1, t)]


def all_pairs(t: int) -> list[Term]:
    """Two-list terms in R's ``expand.grid`` order used for ``mX = 0``: (1,2), (1,3), (2,3), (1,4)..."""
    return [(i, j) for j in range(t) for i in range(j)]


def _norm_term(term: Sequence[int]) -> Term:
    i, j = int(term[0]), int(term[1])
    if i == j or min(i, j) < 0:
        raise EstimationError("Un terme d'interaction doit porter sur deux listes différentes.", "bad_term")
    return (i, j) if i < j else (j, i)


# ---------------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class ModelFit:
    """A fitted log-linear model and its population estimate (``modelfit`` + ``estimatepopulation.0``)."""

    lists: tuple[str, ...]
    #: two-list terms (list indices, i < j) in the order given / added
    terms: tuple[Term, ...]
    #: the subset of ``terms`` whose lists have no case in common (cells dropped)
    empty_terms: tuple[Term, ...]
    n_observed: int
    estimate: float
    dark_figure: float
    log_dark_figure: float
    log_dark_figure_se: float
    ci_low: float
    ci_high: float
    confidence: float
    deviance: float
    df_residual: int
    aic: float
    n_cells: int
    converged: bool
    iterations: int
    # internal arrays (cells kept, fitted linear predictor on kept cells, coefficients)
    keep: np.ndarray = field(repr=False)
    eta: np.ndarray = field(repr=False)
    coef: np.ndarray = field(repr=False)

    @property
    def term_names(self) -> list[str]:
        """Term names such as ``"LA:NG"``, in the order of :attr:`terms`."""
        return [f"{self.lists[i]}:{self.lists[j]}" for i, j in self.terms]

    @property
    def empty_term_names(self) -> list[str]:
        return [f"{self.lists[i]}:{self.lists[j]}" for i, j in self.empty_terms]

    @property
    def reported_term_names(self) -> list[str]:
        """SparseMSE's listing: terms with a non-empty overlap first, then the empty ones."""
        empty = set(self.empty_terms)
        ordered = [t for t in self.terms if t not in empty] + [t for t in self.terms if t in empty]
        return [f"{self.lists[i]}:{self.lists[j]}" for i, j in ordered]

    @property
    def label(self) -> str:
        """Short French label of the model."""
        if not self.terms:
            return "effets principaux (indépendance des listes)"
        return "effets principaux + " + ", ".join(self.term_names)

    def to_dict(self) -> dict[str, object]:
        return {
            "terms": self.reported_term_names,
            "empty_overlap_terms": self.empty_term_names,
            "estimate": self.estimate,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "confidence": self.confidence,
            "dark_figure": self.dark_figure,
            "log_dark_figure": self.log_dark_figure,
            "log_dark_figure_se": self.log_dark_figure_se,
            "deviance": self.deviance,
            "df_residual": self.df_residual,
            "aic": self.aic,
            "n_cells_fitted": self.n_cells,
            "converged": self.converged,
        }


@dataclass(frozen=True)
class StepRecord:
    """One step of the stepwise selection."""

    term: Term
    name: str
    p_value: float
    observed_overlap: int
    expected_overlap: float
    empty_overlap: bool
    estimate_after: float


@dataclass(frozen=True, eq=False)
class StepwiseResult:
    fit: ModelFit
    steps: tuple[StepRecord, ...]
    #: the fit after each step (index 0: main effects)
    path: tuple[ModelFit, ...]
    pthresh: float
    #: number of candidate models rejected by checkident during the selection
    n_rejected_by_checkident: int


@dataclass(frozen=True)
class CheckAllResult:
    """Result of :func:`checkallmodels`."""

    n_lists: int
    n_nonoverlapping_pairs: int
    n_twoway_models: int
    #: False when the model with every two-list term is not identifiable (no overlapping triple)
    all_two_way_identifiable: bool
    #: models (as tuples of term names, SparseMSE order) for which the MLE does not exist
    models_without_mle: tuple[tuple[str, ...], ...]
    enumerated: bool = True

    @property
    def n_models_mle_not_exist(self) -> int:
        return len(self.models_without_mle)

    @property
    def examples(self) -> list[str]:
        return ["+".join(m) for m in self.models_without_mle]


# ---------------------------------------------------------------------------- LP


def _lp_optimum(a: np.ndarray, tvec: np.ndarray) -> float:
    """Fienberg-Rinaldo LP: ``max z`` s.t. ``A x = t``, ``x_i >= z``, ``x >= 0``.

    Solved in the equivalent form ``x = s + z 1``: ``A s + (A 1) z = t``, ``s, z >= 0``, which
    has only equality constraints.  The MLE exists iff the optimum is positive.
    """
    from scipy.optimize import linprog

    p, c = a.shape
    a_eq = np.empty((p, c + 1))
    a_eq[:, :c] = a
    a_eq[:, c] = a.sum(axis=1)
    obj = np.zeros(c + 1)
    obj[c] = -1.0
    res = linprog(obj, A_eq=a_eq, b_eq=tvec, bounds=(0, None), method="highs")
    if res.status != 0:  # pragma: no cover - the LP is always feasible (x = counts) and bounded
        return 0.0
    return float(-res.fun)


def _mle_exists(x: np.ndarray, y: np.ndarray, *, use_lp: bool = False, full_rank: bool | None = None) -> bool:
    """True when the (extended) MLE exists for design ``x`` (cells x params) and counts ``y``.

    The MLE of a Poisson log-linear model fails to exist iff there is a direction of recession
    ``d = x @ theta != 0`` with ``d <= 0`` and ``d = 0`` on every cell with a positive count
    (Haberman 1974, *The Analysis of Frequency Data*, thm 2.3).  This is checked cheaply first:

    * every count positive, or the positive cells alone determine all parameters (their rows
      have full column rank): the MLE exists;
    * one-dimensional null space ``u`` of the positive rows: no MLE iff ``x_zero @ u`` has a
      constant sign;
    * otherwise the Fienberg-Rinaldo linear programme :func:`_lp_optimum` decides.

    ``use_lp=True`` always solves the LP (as SparseMSE does); both give the same answer.  The
    shortcuts assume ``x`` has full column rank (``full_rank``; computed when ``None``);
    otherwise the LP is used.
    """
    pos = y > 0
    if pos.all():
        return True
    if full_rank is None and not use_lp:
        full_rank = int(np.linalg.matrix_rank(x)) == x.shape[1]
    if not use_lp and full_rank:
        p = x.shape[1]
        xs = x[pos]
        _, s, vt = np.linalg.svd(xs, full_matrices=True)
        r = int((s > s.max() * max(xs.shape) * 1e-12).sum()) if s.size else 0
        if r == p:
            return True
        if p - r == 1:
            v = x[~pos] @ vt[r]
            tol = 1e-9 * float(np.abs(v).max())
            return not (bool(np.all(v >= -tol)) or bool(np.all(v <= tol)))
    a = x.T
    return _lp_optimum(a, a @ y) > LP_ZERO_TOL


# ---------------------------------------------------------------------------- context


class MSEModels:
    """Model fitting machinery for one capture-history table.

    Holds the full cell matrix and counts and caches ``checkident`` results and fits, so that
    the stepwise search, the sensitivity analysis and ``checkallmodels`` share the work.
    """

    def __init__(self, table: CaptureTable, confidence: float = 0.95) -> None:
        self.table = table
        self.t = table.n_lists
        self.z = cell_matrix(self.t)
        self.y = table.cell_counts()
        self.n_observed = int(table.n_observed)
        self.confidence = confidence
        ov = table.overlap_matrix()
        self.overlap = {(i, j): int(ov[i, j]) for i, j in stepwise_pairs(self.t)}
        zf = self.z.astype(float)
        self._main = np.hstack([np.ones((len(self.y), 1)), zf])
        self._pair_col = {(i, j): zf[:, i] * zf[:, j] for i, j in stepwise_pairs(self.t)}
        self._ident_cache: dict[frozenset[Term], int] = {}
        self._fit_cache: dict[frozenset[Term], ModelFit] = {}
        #: always solve the Fienberg-Rinaldo LP instead of the exact algebraic shortcuts
        self.use_lp = False

    # -- helpers -------------------------------------------------------------
    def name(self, term: Term) -> str:
        return self.table.pair_name(*term)

    def terms_from_names(self, names: Iterable[str]) -> list[Term]:
        """``["LA:NG", "NG:GP"]`` -> ``[(0, 1), (1, 4)]`` (French error for an unknown name)."""
        index = {n: i for i, n in enumerate(self.table.lists)}
        out: list[Term] = []
        for name in names:
            parts = str(name).split(":")
            if len(parts) != 2 or parts[0] not in index or parts[1] not in index:
                raise EstimationError(
                    f"Terme « {name} » invalide : il faut deux noms de listes séparés par « : ».", "bad_term"
                )
            out.append(_norm_term((index[parts[0]], index[parts[1]])))
        return out

    def is_empty(self, term: Term) -> bool:
        return self.overlap[term] == 0

    def design(self, terms: Iterable[Term]) -> tuple[np.ndarray, np.ndarray, list[Term], list[Term]]:
        """Rows kept, design matrix on kept rows, fitted (non-empty) terms, empty terms."""
        terms = [_norm_term(t) for t in terms]
        if any(j >= self.t for _, j in terms):
            raise EstimationError("Terme d'interaction portant sur une liste inexistante.", "bad_term")
        keep = np.ones(len(self.y), dtype=bool)
        fitted, empty = [], []
        for term in terms:
            if self.is_empty(term):
                empty.append(term)
                keep &= self._pair_col[term] == 0
            else:
                fitted.append(term)
        cols = [self._main] + [self._pair_col[t][:, None] for t in fitted]
        x = np.hstack(cols)[keep]
        return keep, x, fitted, empty

    # -- checkident ------------------------------------------------------------
    def checkident(self, terms: Iterable[Term]) -> int:
        """SparseMSE ``checkident``: 0 ok, 1 MLE does not exist, 2 not identifiable, 3 both."""
        terms = [_norm_term(t) for t in terms]
        key = frozenset(terms)
        hit = self._ident_cache.get(key)
        if hit is not None:
            return hit
        keep, x, _, _ = self.design(terms)
        rankdef = x.shape[1] - int(np.linalg.matrix_rank(x))
        y = self.y[keep]
        exists = _mle_exists(x, y, use_lp=self.use_lp, full_rank=rankdef == 0)
        code = (0 if exists else 1) + (2 if rankdef > 0 else 0)
        self._ident_cache[key] = code
        return code

    # -- fitting ------------------------------------------------------------------
    def fit(self, terms: Iterable[Term] = (), *, check: bool = False) -> ModelFit:
        """Fit the model with main effects and the given two-list terms (``modelfit``).

        Args:
            terms: two-list terms as pairs of list indices.
            check: run :meth:`checkident` first and raise :class:`EstimationError` if it fails
                (SparseMSE's ``check = TRUE``).

        Raises:
            EstimationError: model not identifiable / MLE does not exist (when ``check``), or
                design rank deficient.
        """
        terms = tuple(_norm_term(t) for t in terms)
        if len(set(terms)) != len(terms):
            raise EstimationError("Terme d'interaction répété dans le modèle.", "bad_term")
        key = frozenset(terms)
        cached = self._fit_cache.get(key)
        if cached is not None:
            if cached.terms != terms:  # same model, terms listed in another order
                empty = set(cached.empty_terms)
                cached = replace(cached, terms=terms, empty_terms=tuple(t for t in terms if t in empty))
            return cached
        if check:
            code = self.checkident(terms)
            if code:
                raise EstimationError(
                    "Modèle " + _model_label(self, terms) + " : " + IDENT_LABELS_FR[code] + ".",
                    f"checkident_{code}",
                )
        # columns in a canonical order, so that the figures do not depend on the term order
        keep, x, _fitted, _ = self.design(sorted(terms))
        empty = [t for t in terms if self.is_empty(t)]
        y = self.y[keep]
        known = self._ident_cache.get(key)
        try:
            g = poisson_glm(x, y, check_rank=known is None or bool(known & 2))
        except SingularDesignError as exc:
            raise EstimationError(
                "Modèle " + _model_label(self, terms) + " : " + IDENT_LABELS_FR[IDENT_NOT_IDENTIFIABLE] + ".",
                "checkident_2",
            ) from exc
        fit = self._make_fit(terms, tuple(empty), keep, y, g)
        self._fit_cache[key] = fit
        return fit

    def _make_fit(
        self, terms: tuple[Term, ...], empty: tuple[Term, ...], keep: np.ndarray, y: np.ndarray, g: PoissonFit
    ) -> ModelFit:
        b0 = float(g.coef[0])
        var0 = float(g.cov_unscaled[0, 0])
        se = math.sqrt(var0) if var0 > 0 else float("nan")
        n_obs = int(round(float(y.sum())))
        lo, hi = normal_interval(n_obs, b0, se, self.confidence)
        dark = math.exp(b0) if b0 < 709 else float("inf")
        return ModelFit(
            lists=self.table.lists,
            terms=terms,
            empty_terms=empty,
            n_observed=n_obs,
            estimate=n_obs + dark,
            dark_figure=dark,
            log_dark_figure=b0,
            log_dark_figure_se=se,
            ci_low=lo,
            ci_high=hi,
            confidence=self.confidence,
            deviance=g.deviance,
            df_residual=g.df_residual,
            aic=g.aic(y) + 2.0 * len(empty),
            n_cells=int(keep.sum()),
            converged=g.converged,
            iterations=g.iterations,
            keep=keep,
            eta=g.eta,
            coef=g.coef,
        )

    def main_effects(self) -> ModelFit:
        return self.fit(())

    def all_two_way(self, *, check: bool = True) -> ModelFit:
        """Model with every two-list term (``mX = 0``), in R's term order."""
        return self.fit(all_pairs(self.t), check=check)

    # -- stepwise -------------------------------------------------------------------
    def stepwise(self, pthresh: float = DEFAULT_PTHRESH) -> StepwiseResult:
        """SparseMSE ``stepwisefit``: forward selection of two-list terms on Poisson p-values.

        At each cycle, for every term not yet in the model, ``pstar`` is the expected number of
        people on both lists under the current fit and the p-value is
        ``min(P(X <= n*), P(X >= n*))`` for ``X ~ Poisson(pstar)`` and the observed overlap
        ``n*``.  Terms whose enlarged model fails :meth:`checkident` get p = 1.  The term with
        the smallest p-value (first in SparseMSE's order on ties) is added while it is below
        ``pthresh``.

        checkident is evaluated lazily, in increasing order of p-value, which selects exactly
        the same term as evaluating it for every candidate.
        """
        from scipy.special import pdtr, pdtrc

        pairs = stepwise_pairs(self.t)
        if pthresh >= 1 and self.checkident(all_pairs(self.t)) == 0:
            fit = self.fit(all_pairs(self.t))
            return StepwiseResult(fit, (), (fit,), pthresh, 0)
        fit = self.fit(())
        path = [fit]
        steps: list[StepRecord] = []
        if pthresh <= 0 or not pairs:
            return StepwiseResult(fit, (), tuple(path), pthresh, 0)
        nstar = np.array([self.overlap[p] for p in pairs], dtype=float)
        prod = np.vstack([self._pair_col[p] for p in pairs])  # (npairs, cells)
        included = np.zeros(len(pairs), dtype=bool)
        model: list[Term] = []
        rejected = 0
        for _cycle in range(len(pairs)):
            mu = np.exp(fit.eta)
            pstar = prod[:, fit.keep] @ mu
            lower = pdtr(nstar, pstar)
            upper = np.where(nstar > 0, pdtrc(nstar - 1, pstar), 1.0)
            pval = np.minimum(lower, upper)
            pval[included] = 1.0
            order = np.lexsort((np.arange(len(pairs)), pval))
            chosen = -1
            for j in order:
                if included[j] or not pval[j] < pthresh:
                    break
                if self.checkident([*model, pairs[j]]) == 0:
                    chosen = int(j)
                    break
                rejected += 1
            if chosen < 0:
                break
            term = pairs[chosen]
            model.append(term)
            included[chosen] = True
            fit = self.fit(model)
            path.append(fit)
            steps.append(
                StepRecord(
                    term=term,
                    name=self.name(term),
                    p_value=float(pval[chosen]),
                    observed_overlap=int(nstar[chosen]),
                    expected_overlap=float(pstar[chosen]),
                    empty_overlap=self.is_empty(term),
                    estimate_after=fit.estimate,
                )
            )
        return StepwiseResult(fit, tuple(steps), tuple(path), pthresh, rejected)

    # -- checkallmodels -------------------------------------------------------------
    def checkallmodels(self, max_top_models: int = 4096) -> CheckAllResult:
        """SparseMSE ``checkallmodels``: models (main effects + any two-list terms) without MLE.

        Top-level models contain every overlapping pair and any subset of the ``k``
        non-overlapping pairs (``2^k`` of them); if the MLE does not exist for a top-level
        model, a branch search over removals of overlapping pairs lists every failing model
        (existence is inherited when an overlapping pair is removed).  When ``2^k`` exceeds
        ``max_top_models`` nothing is enumerated (``enumerated = False``).
        """
        t = self.t
        pairs = stepwise_pairs(t)  # Thetamat order
        names = [self.name(p) for p in pairs]
        nonover = [k for k, p in enumerate(pairs) if self.overlap[p] == 0]
        over = [k for k, p in enumerate(pairs) if self.overlap[p] > 0]
        n_models = 2 ** len(pairs)
        identifiable = count_triples(self.table) > 0
        if 2 ** len(nonover) > max_top_models:
            return CheckAllResult(t, len(nonover), n_models, identifiable, (), enumerated=False)
        zf = self.z.astype(float)
        base = np.hstack([np.ones((len(self.y), 1)), zf] + [self._pair_col[pairs[k]][:, None] for k in over])
        failing: list[tuple[int, ...]] = []
        for mask in range(2 ** len(nonover)):
            chosen = [nonover[b] for b in range(len(nonover)) if mask >> b & 1]
            keep = np.ones(len(self.y), dtype=bool)
            for k in chosen:
                keep &= self._pair_col[pairs[k]] == 0
            xk = base[keep]
            yk = self.y[keep]

            def fails(removed: Sequence[int], xk: np.ndarray = xk, yk: np.ndarray = yk) -> bool:
                cols = [c for c in range(xk.shape[1]) if c < 1 + t or (c - 1 - t) not in removed]
                return not _mle_exists(xk[:, cols], yk, use_lp=self.use_lp)

            if fails(()):
                failing.append(tuple(sorted(chosen + over)))
                for removed in _subset_search(len(over), fails):
                    rem_pairs = {over[r] for r in removed}
                    failing.append(tuple(sorted(chosen + [k for k in over if k not in rem_pairs])))
        failing.sort(key=lambda m: (len(m), m))
        models = tuple(tuple(names[k] for k in m) for m in failing)
        return CheckAllResult(t, len(nonover), n_models, identifiable, models)


def _subset_search(n: int, check: callable) -> list[tuple[int, ...]]:  # type: ignore[valid-type]
    """SparseMSE ``subsetsearch`` (``testnull = FALSE``): all non-empty subsets of ``range(n)``
    for which ``check`` is True, assuming False is inherited by supersets."""
    found: list[tuple[int, ...]] = []
    candidates: list[tuple[int, ...]] = [(k,) for k in range(n)]
    tested = 0
    while tested < len(candidates):
        zs = candidates[tested]
        tested += 1
        if check(zs):
            found.append(zs)
            for j in range(max(zs) + 1, n):
                candidates.append((*zs, j))
    return found


def count_triples(table: CaptureTable) -> int:
    """Number of triples of lists that overlap pairwise (SparseMSE ``count_triples``).

    Zero means the model with every two-list term is not identifiable.
    """
    adj = (table.overlap_matrix() > 0).astype(np.int64)
    np.fill_diagonal(adj, 0)
    return int((adj * (adj @ adj)).sum() // 6)


def normal_interval(n_obs: float, b0: float, se: float, confidence: float = 0.95) -> tuple[float, float]:
    """``n_obs + exp(qnorm(c(a/2, 1 - a/2), b0, se))`` (SparseMSE ``estimatepopulation.0``)."""
    if not (math.isfinite(b0) and math.isfinite(se)):
        return float("nan"), float("nan")
    alpha = 1.0 - confidence
    nd = NormalDist(b0, se) if se > 0 else None
    if nd is None:
        v = n_obs + math.exp(b0)
        return v, v
    lo_q, hi_q = nd.inv_cdf(alpha / 2), nd.inv_cdf(1 - alpha / 2)
    return n_obs + _safe_exp(lo_q), n_obs + _safe_exp(hi_q)


def _safe_exp(v: float) -> float:
    return math.exp(v) if v < 709 else float("inf")


def _model_label(models: MSEModels, terms: Sequence[Term]) -> str:
    if not terms:
        return "« effets principaux »"
    return "« " + " + ".join(models.name(t) for t in terms) + " »"


def model_space(t: int) -> Iterable[tuple[Term, ...]]:
    """Every set of two-list terms (``2^(t(t-1)/2)`` models), smallest first."""
    pairs = stepwise_pairs(t)
    for k in range(len(pairs) + 1):
        yield from combinations(pairs, k)
