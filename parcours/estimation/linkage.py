"""Sensitivity of the estimate to linkage errors that split a person in two (or more).

Records are linked by keys computed from names and birth dates; a typo, a transliteration or a
wrong date gives a record a key that matches none of the same person's other records.  Such a
*split* turns one person seen on several lists into several people seen on one list each: the
overlaps shrink, the one-list counts grow and the estimate is inflated (about ``1/recall``).

**Error model.**  Each record (a person on one list) independently fails to link to the same
person's other records with probability ``s`` (the *split rate*).  A person truly on the set of
lists ``w`` (``|w| = k``) then appears as: one person on the set ``v`` of their records that
linked (if ``|v| >= 2``, or ``|v| = 1``: a one-list person), plus one one-list person per split
record.  A person on one list only is unchanged.  The expected observed table is a linear map
``m = M(s) n`` of the true counts ``n``, with, for ``v`` a subset of ``w``:

* ``|v| >= 2``: ``M[v, w] = (1 - s)^|v| s^(|w| - |v|)`` (exactly the records of ``v`` linked);
* ``v = {j}``, ``|w| >= 2``: ``M[v, w] = s + (1 - s) s^(|w| - 1)`` (record ``j`` split, or it is
  the only one left linked);
* ``M[w, w] = 1`` for ``|w| = 1``; ``M[v, w] = 0`` when ``v`` is not a subset of ``w``.

``M(s)`` is triangular on the lattice of subsets: an observed pattern only receives people from
itself or from larger patterns.  :func:`correct_for_splits` inverts it by back-substitution from
the largest pattern down, ``n_v = (m_v - sum_{w > v} M[v, w] n_w) / M[v, v]``, using the observed
counts for ``m``.  Sampling noise can make a corrected count negative: it is set to 0 (and the
number of such cells reported) before the smaller patterns are computed; the corrected counts are
then rounded to whole people, since the estimator works on counts of people.  The corrected table
is estimated by the same stepwise method (SparseMSE) as the observed one.

The split rate of a real campaign is not known: the function answers « what would the estimate be
if a proportion ``s`` of records had failed to link? » for a few assumed rates (0, 5, 10 and 20 %
by default), for the report's sensitivity panel.  It says nothing about the opposite error (two
people merged into one), which lowers the estimate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .errors import EstimationError
from .loglinear import DEFAULT_PTHRESH, MSEModels
from .table import CaptureTable, cell_matrix, remove_noninformative_lists, table_from_rows

#: Split rates shown by default: none, then low, medium and high linkage failure (issue 10: 0, 5, 10, 20 %).
DEFAULT_SPLIT_RATES = (0.0, 0.05, 0.10, 0.20)
#: Largest rate accepted: at 50 % three records in four of a two-list person are split, and the
#: back-substitution divides the overlaps by (1 - s)^k, so the corrected table is mostly noise.
MAX_SPLIT_RATE = 0.5


def split_matrix(n_lists: int, rate: float) -> np.ndarray:
    """``M(s)``: expected observed counts = ``M @ true counts``, cells in :func:`cell_matrix` order."""
    z = cell_matrix(n_lists).astype(np.int64)
    size = z.sum(axis=1)
    codes = z @ (1 << np.arange(n_lists, dtype=np.int64))
    subset = (codes[:, None] & ~codes[None, :]) == 0  # subset[v, w]: pattern v within pattern w
    s = float(rate)
    sv, sw = size[:, None], size[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        linked = (1 - s) ** sv * s ** (sw - sv)  # exactly the records of v stay linked
        single = s + (1 - s) * s ** (sw - 1)  # record j split, or the only one left linked
    m = np.where(sv >= 2, linked, single)
    m = np.where(subset & (sw >= 2), m, 0.0)
    m[np.arange(len(z))[size == 1], np.arange(len(z))[size == 1]] = 1.0
    return m


def _check_rate(rate: float) -> float:
    try:
        s = float(rate)
    except (TypeError, ValueError) as exc:
        raise EstimationError(f"Taux de non-rapprochement « {rate} » invalide.", "bad_split_rate") from exc
    if not (0.0 <= s <= MAX_SPLIT_RATE) or math.isnan(s):
        raise EstimationError(
            f"Taux de non-rapprochement {s:g} invalide : il doit être compris entre 0 et {MAX_SPLIT_RATE:g}.",
            "bad_split_rate",
        )
    return s


def correct_for_splits(table: CaptureTable, rate: float) -> tuple[np.ndarray, int]:
    """True counts implied by the observed table at split rate ``rate`` (see the module docstring).

    Returns the corrected counts of all ``2^t - 1`` cells (:func:`cell_matrix` order, rounded to
    whole people) and the number of cells whose corrected count was negative and set to 0.
    """
    s = _check_rate(rate)
    m = split_matrix(table.n_lists, s)
    y = table.cell_counts()
    n = np.zeros_like(y)
    clipped = 0
    for v in range(len(y) - 1, -1, -1):  # cells ordered by size: back-substitution from the largest
        val = (y[v] - m[v, v + 1 :] @ n[v + 1 :]) / m[v, v]
        if val < 0:
            clipped += 1 if val < -1e-9 else 0
            val = 0.0
        n[v] = val
    return np.rint(n), clipped


@dataclass(frozen=True)
class SplitRateEstimate:
    """The estimate for one assumed split rate."""

    rate: float
    #: people observed once the splits are undone (distinct people on at least one list)
    n_observed: int | None
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    model: tuple[str, ...] = ()
    #: cells whose corrected count was negative (set to 0)
    n_clipped: int = 0
    #: why no estimate could be made at this rate (French), else None
    error: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "rate": self.rate,
            "n_observed": self.n_observed,
            "estimate": self.estimate,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "model": list(self.model),
            "n_clipped": self.n_clipped,
            "error": self.error,
        }


@dataclass(frozen=True)
class LinkageSensitivity:
    """Estimates under assumed split rates (:func:`linkage_sensitivity`)."""

    rates: tuple[SplitRateEstimate, ...]
    confidence: float
    method: str = field(
        default=(
            "correction des dédoublements : chaque enregistrement échappe au rapprochement avec les autres "
            "enregistrements de la même personne avec la probabilité indiquée ; le tableau observé est "
            "corrigé par inversion de ce modèle, puis estimé par la même sélection pas à pas"
        )
    )

    def at(self, rate: float) -> SplitRateEstimate:
        for r in self.rates:
            if abs(r.rate - rate) < 1e-12:
                return r
        raise KeyError(rate)

    def to_dict(self) -> dict[str, object]:
        return {
            "method": self.method,
            "confidence": self.confidence,
            "rates": [r.to_dict() for r in self.rates],
        }


def linkage_sensitivity(
    table: CaptureTable,
    rates: Sequence[float] = DEFAULT_SPLIT_RATES,
    *,
    pthresh: float = DEFAULT_PTHRESH,
    confidence: float = 0.95,
) -> LinkageSensitivity:
    """Stepwise estimate and normal interval of the table corrected for each assumed split rate.

    Raises:
        EstimationError: a rate outside ``[0, MAX_SPLIT_RATE]`` (French message).
    """
    checked = [_check_rate(r) for r in rates]
    z = cell_matrix(table.n_lists)
    out = []
    for s in checked:
        counts, clipped = correct_for_splits(table, s)
        try:
            keep = counts > 0
            corrected = table_from_rows(table.lists, z[keep].tolist(), counts[keep].astype(int).tolist())
            corrected, _ = remove_noninformative_lists(corrected)
            models = MSEModels(corrected, confidence=confidence)
            if models.checkident(()):
                raise EstimationError("Estimation impossible sur le tableau corrigé.", "no_finite_estimate")
            fit = models.stepwise(pthresh).fit
            if not (math.isfinite(fit.estimate) and math.isfinite(fit.ci_high)):
                raise EstimationError("Estimation infinie sur le tableau corrigé.", "no_finite_estimate")
        except EstimationError as err:
            out.append(SplitRateEstimate(s, None, None, None, None, n_clipped=clipped, error=err.message))
            continue
        out.append(
            SplitRateEstimate(
                s,
                corrected.n_observed,
                fit.estimate,
                fit.ci_low,
                fit.ci_high,
                tuple(fit.reported_term_names),
                clipped,
            )
        )
    return LinkageSensitivity(tuple(out), confidence)
