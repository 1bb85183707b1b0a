"""Stratified estimate: one estimate per stratum (e.g. age band x sex), summed.

People are not all equally easy to find.  When the ease of being found depends on something the
lists record (age band, sex...), a single log-linear model mixes groups with different capture
probabilities; the lists then look positively dependent and the estimate is too low (with 4 lists
and capture probabilities ranging from 0.05 to 0.4 between strata, about -25 %, see
``docs/estimation.md``).  Estimating each stratum on its own removes that part of the
heterogeneity (Sekar & Deming 1949; International Working Group for Disease Monitoring and
Forecasting 1995, section on stratification).

**Which strata are estimated on their own.**  A stratum is estimated separately when it has at
least :data:`MIN_STRATUM_OBSERVED` people observed, at least :data:`MIN_STRATUM_OVERLAP` people on
two lists or more, at least two informative lists, and a finite stepwise estimate.  The strata
that fall short are pooled into a *remainder*, estimated as one group; if the remainder itself
falls short, it is merged with the smallest estimated stratum (repeatedly) until it does.  The
result names the strata of each group.  If no stratum can be estimated alone, the stratified
estimate is the pooled one (and says so).

**Combining.**  The groups are disjoint sets of people and the cell counts are modelled as
independent Poisson counts, so the estimates are independent: the total is the sum of the group
estimates, and the variance of the total dark figure is the sum of the groups' variances, each
obtained by the delta method from the standard error of the log dark figure
(``var(f0_g) ~ f0_g^2 se_g^2``).  The interval is Chao's log-normal interval on the total dark
figure, ``[n + f0/C, n + f0 C]`` with ``C = exp(z sqrt(log(1 + var/f0^2)))``, which never goes below
the people observed (the same form as :func:`parcours.estimation.classic.log_interval`).  Model
selection is done within each group and is not accounted for (as in the normal interval).

Sekar, C. C. & Deming, W. E. (1949). On a method of estimating birth and death rates and the extent
of registration. *JASA* 44, 101-115.  International Working Group for Disease Monitoring and
Forecasting (1995). Capture-recapture and multiple-record systems estimation I: history and
theoretical development. *American Journal of Epidemiology* 142(10), 1047-1058.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .classic import log_interval
from .errors import EstimationError
from .loglinear import DEFAULT_PTHRESH, ModelFit, MSEModels
from .sensitivity import MIN_OBSERVED, MIN_OVERLAP_CASES
from .table import CaptureTable, _cell_index, cell_matrix, remove_noninformative_lists, table_from_rows

#: People observed below which a stratum is not estimated alone: the verdict's own threshold for a
#: whole table (below it « toute estimation est très incertaine »), so that a stratum estimated alone
#: is never one the verdict would call very uncertain.
MIN_STRATUM_OBSERVED = MIN_OBSERVED
#: People on two lists or more below which a stratum is not estimated alone: the verdict's threshold
#: of « trop peu de recoupements » (the overlaps carry the information on the dark figure).
MIN_STRATUM_OVERLAP = MIN_OVERLAP_CASES
#: Name of the group of strata too small to be estimated alone.
REMAINDER_LABEL = "autres strates regroupées"


def stratum_label(key: object) -> str:
    """``("18-24", "F") -> "18-24 × F"``; other keys as text."""
    if isinstance(key, tuple):
        return " × ".join(str(k) for k in key)
    return str(key)


@dataclass(frozen=True)
class GroupEstimate:
    """The estimate of one stratum, or of a group of strata estimated together."""

    label: str
    #: the strata (labels) in this group
    members: tuple[str, ...]
    n_observed: int
    #: people on two lists or more
    n_multi: int
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    log_dark_figure_se: float | None = None
    model: tuple[str, ...] = ()
    #: True for the remainder (strata too small, estimated together)
    is_remainder: bool = False

    @property
    def dark_figure(self) -> float | None:
        return None if self.estimate is None else self.estimate - self.n_observed

    def to_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "members": list(self.members),
            "n_observed": self.n_observed,
            "n_multi": self.n_multi,
            "estimate": self.estimate,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "dark_figure": self.dark_figure,
            "model": list(self.model),
            "is_remainder": self.is_remainder,
        }


@dataclass(frozen=True)
class StratifiedResult:
    """Per-group estimates, their sum and the pooled estimate for comparison."""

    lists: tuple[str, ...]
    groups: tuple[GroupEstimate, ...]
    estimate: float
    ci_low: float
    ci_high: float
    n_observed: int
    confidence: float
    #: the strata pooled into the remainder (labels), in input order
    collapsed: tuple[str, ...]
    #: the same data without strata (one stepwise estimate on the summed table)
    pooled_estimate: float
    pooled_ci: tuple[float, float]
    warnings: tuple[str, ...] = ()
    min_observed: int = MIN_STRATUM_OBSERVED
    min_overlap: int = MIN_STRATUM_OVERLAP
    method: str = field(
        default=(
            "estimation pas à pas par strate, strates trop petites regroupées ; total = somme des "
            "strates ; intervalle log-normal sur le chiffre noir total, variances des strates "
            "additionnées (méthode delta, strates indépendantes)"
        )
    )

    @property
    def dark_figure(self) -> float:
        return self.estimate - self.n_observed

    def to_dict(self) -> dict[str, object]:
        return _clean(
            {
                "method": self.method,
                "lists": list(self.lists),
                "estimate": self.estimate,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "confidence": self.confidence,
                "n_observed": self.n_observed,
                "dark_figure": self.dark_figure,
                "groups": [g.to_dict() for g in self.groups],
                "collapsed": list(self.collapsed),
                "pooled_estimate": self.pooled_estimate,
                "pooled_ci": list(self.pooled_ci),
                "min_observed": self.min_observed,
                "min_overlap": self.min_overlap,
                "warnings": list(self.warnings),
            }
        )


def _clean(obj: object) -> object:
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return obj


def _cells(
    data: CaptureTable | Mapping[Sequence[int], int], lists: tuple[str, ...], label: str
) -> np.ndarray:
    """Counts of the ``2^t - 1`` cells of one stratum (no validation of overlaps: strata may be tiny)."""
    t = len(lists)
    if isinstance(data, CaptureTable):
        if set(data.lists) != set(lists) or len(data.lists) != t:
            raise EstimationError(
                f"Strate « {label} » : ses listes ne sont pas celles des autres strates.", "strata_lists"
            )
        table = data.permuted([data.lists.index(name) for name in lists])
        return table.cell_counts()
    index = _cell_index(t)
    y = np.zeros(len(index))
    for pattern, count in data.items():
        row = [int(v) for v in pattern]
        if len(row) != t or any(v not in (0, 1) for v in row):
            raise EstimationError(
                f"Strate « {label} » : profil {tuple(pattern)} invalide (il faut {t} valeurs 0 ou 1).",
                "strata_pattern",
            )
        if not isinstance(count, (int, np.integer)) or isinstance(count, bool) or count < 0:
            raise EstimationError(
                f"Strate « {label} » : effectif « {count} » invalide (un nombre entier de personnes).",
                "strata_count",
            )
        code = sum(v << j for j, v in enumerate(row))
        if code == 0:
            raise EstimationError(
                f"Strate « {label} » : le profil « 0 partout » ne peut pas figurer dans le tableau.",
                "all_zero_row",
            )
        y[index[code]] += int(count)
    return y


def _fit(lists: tuple[str, ...], y: np.ndarray, pthresh: float, confidence: float) -> ModelFit | None:
    """Stepwise fit of a group, or None when the group cannot be estimated alone."""
    z = cell_matrix(len(lists))
    multi = float(y[z.sum(axis=1) >= 2].sum())
    if y.sum() < MIN_STRATUM_OBSERVED or multi < MIN_STRATUM_OVERLAP:
        return None
    keep = y > 0
    try:
        table = table_from_rows(lists, z[keep].tolist(), y[keep].astype(int).tolist())
        table, _ = remove_noninformative_lists(table)
        models = MSEModels(table, confidence=confidence)
        if models.checkident(()):
            return None
        fit = models.stepwise(pthresh).fit
    except EstimationError:
        return None
    ok = math.isfinite(fit.estimate) and math.isfinite(fit.log_dark_figure_se)
    return fit if ok else None


def _group(
    label: str,
    members: list[str],
    lists: tuple[str, ...],
    y: np.ndarray,
    fit: ModelFit | None,
    remainder: bool,
) -> GroupEstimate:
    z = cell_matrix(len(lists))
    n = int(y.sum())
    multi = int(y[z.sum(axis=1) >= 2].sum())
    if fit is None:
        return GroupEstimate(label, tuple(members), n, multi, is_remainder=remainder)
    return GroupEstimate(
        label,
        tuple(members),
        n,
        multi,
        fit.estimate,
        fit.ci_low,
        fit.ci_high,
        fit.log_dark_figure_se,
        tuple(fit.reported_term_names),
        remainder,
    )


def stratified_estimate(
    strata: Mapping[object, CaptureTable | Mapping[Sequence[int], int]],
    lists: Sequence[str] | None = None,
    *,
    pthresh: float = DEFAULT_PTHRESH,
    confidence: float = 0.95,
) -> StratifiedResult:
    """Estimate each stratum where counts allow, pool the others, and sum (see the module docstring).

    Args:
        strata: ``{stratum: table}``, a table being a :class:`CaptureTable` or a mapping
            ``{pattern: count}`` (patterns as 0/1 tuples in ``lists`` order).  Stratum keys may be
            tuples such as ``("18-24", "F")``.
        lists: list names; required when the strata are given as mappings (default: the lists of
            the first :class:`CaptureTable`).
        pthresh, confidence: as for :func:`parcours.estimation.analyse`.

    Raises:
        EstimationError: no stratum, inconsistent lists or patterns, or no estimate possible even
            with every stratum pooled (French message).
    """
    if not strata:
        raise EstimationError("Aucune strate : il faut au moins une strate.", "no_strata")
    if lists is None:
        first = next((v for v in strata.values() if isinstance(v, CaptureTable)), None)
        if first is None:
            raise EstimationError(
                "Les noms des listes sont nécessaires pour lire les strates.", "strata_lists"
            )
        lists = first.lists
    names = tuple(str(x) for x in lists)
    if len(names) < 2:
        raise EstimationError("Il faut au moins deux listes.", "single_list")
    labels = [stratum_label(k) for k in strata]
    if len(set(labels)) != len(labels):
        raise EstimationError("Deux strates portent le même nom.", "strata_duplicate")
    cells = {lab: _cells(v, names, lab) for lab, v in zip(labels, strata.values(), strict=True)}
    total_y = sum(cells.values())
    pooled = _fit(names, total_y, pthresh, confidence)
    if pooled is None:
        raise EstimationError(
            "Estimation impossible même en regroupant toutes les strates : trop peu de personnes observées "
            "ou de recoupements entre les listes.",
            "no_finite_estimate",
        )
    fits = {lab: _fit(names, y, pthresh, confidence) for lab, y in cells.items()}
    alone = [lab for lab in labels if fits[lab] is not None]
    collapsed = [lab for lab in labels if fits[lab] is None]
    warnings: list[str] = []
    groups: dict[str, tuple[list[str], np.ndarray, ModelFit | None]] = {
        lab: ([lab], cells[lab], fits[lab]) for lab in alone
    }
    if collapsed:
        members = list(collapsed)
        y = sum(cells[lab] for lab in collapsed)
        fit = _fit(names, y, pthresh, confidence)
        while fit is None and groups:
            smallest = min(groups, key=lambda g: (groups[g][1].sum(), g))
            merged, y_small, _ = groups.pop(smallest)
            members += merged
            y = y + y_small
            fit = _fit(names, y, pthresh, confidence)
        groups[REMAINDER_LABEL] = (members, y, fit)
        warnings.append(
            f"Strates trop petites pour être estimées seules (moins de {MIN_STRATUM_OBSERVED} personnes "
            f"observées ou de {MIN_STRATUM_OVERLAP} personnes sur plusieurs listes), estimées ensemble : "
            + ", ".join(members)
            + "."
        )
    if len(groups) == 1 and collapsed and len(labels) > 1:
        warnings.append(
            "Aucune strate n'a pu être estimée seule : l'estimation stratifiée est l'estimation d'ensemble."
        )
    out = [
        _group(lab, mem, names, y, fit, lab == REMAINDER_LABEL and bool(collapsed))
        for lab, (mem, y, fit) in groups.items()
    ]
    assert all(g.estimate is not None for g in out)
    n = int(total_y.sum())
    f0 = sum(g.dark_figure for g in out)  # type: ignore[misc]
    var = sum((g.dark_figure * g.log_dark_figure_se) ** 2 for g in out)  # type: ignore[operator]
    est = n + f0
    lo, hi = log_interval(n, est, var, confidence)
    return StratifiedResult(
        lists=names,
        groups=tuple(out),
        estimate=est,
        ci_low=lo,
        ci_high=hi,
        n_observed=n,
        confidence=confidence,
        collapsed=tuple(collapsed),
        pooled_estimate=pooled.estimate,
        pooled_ci=(pooled.ci_low, pooled.ci_high),
        warnings=tuple(warnings),
    )
