"""Synthetic capture histories, for the tests and the measurements of ``docs/estimation.md``.

Nothing here is used to estimate real data.  The functions draw populations whose size is known,
so that an estimator can be checked against the truth:

* :func:`simulate_histories`: every person is on list ``j`` independently with probability
  ``probs[j]`` (homogeneous capture, model Mt: the log-linear main-effects model is the true
  model and the stepwise estimate is unbiased up to sampling noise);
* :func:`simulate_strata`: the same within each stratum, with probabilities that differ between
  strata (heterogeneous capture explained by an observed covariate such as age band x sex);
* :func:`split_records`: linkage errors, each record independently failing to link to the same
  person's other records with probability ``rate`` (the model of
  :func:`parcours.estimation.linkage.linkage_sensitivity`);
* :func:`histories_counts`: the same as an unvalidated ``{pattern: count}`` mapping;
* :func:`histories_table`: the capture-history table of a set of histories (people on no list
  are dropped: they are the dark figure).

All draws use a :class:`numpy.random.Generator`, so a seed gives the same population.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .table import CaptureTable, table_from_rows


def simulate_histories(rng: np.random.Generator, n: int, probs: Sequence[float]) -> np.ndarray:
    """``(n, t)`` boolean capture histories, person ``i`` on list ``j`` with probability ``probs[j]``."""
    p = np.asarray(probs, dtype=float)
    return rng.random((n, len(p))) < p


def simulate_strata(
    rng: np.random.Generator, sizes: Mapping[str, int], probs: Mapping[str, Sequence[float]]
) -> dict[str, np.ndarray]:
    """Histories per stratum: ``sizes[s]`` people captured with the probabilities ``probs[s]``."""
    return {s: simulate_histories(rng, int(n), probs[s]) for s, n in sizes.items()}


def split_records(rng: np.random.Generator, histories: np.ndarray, rate: float) -> np.ndarray:
    """Observed histories after random linkage failures.

    Each record (a person on one list) independently gets a key that matches none of the same
    person's other records with probability ``rate``.  Such a record becomes a one-list person;
    the person's other records stay linked together (a person left with one record is a one-list
    person too).  People on one list only are unchanged.
    """
    h = np.asarray(histories, dtype=bool)
    broken = h & (rng.random(h.shape) < rate) & (h.sum(axis=1) >= 2)[:, None]
    kept = h & ~broken
    rows, cols = np.nonzero(broken)
    singles = np.zeros((len(rows), h.shape[1]), dtype=bool)
    singles[np.arange(len(rows)), cols] = True
    return np.vstack([kept[kept.any(axis=1)], singles])


def histories_counts(histories: np.ndarray) -> dict[tuple[int, ...], int]:
    """``{pattern: count}`` of boolean histories, unvalidated (a tiny stratum may leave a list empty)."""
    h = np.asarray(histories, dtype=bool)
    out: dict[tuple[int, ...], int] = {}
    for row in h[h.any(axis=1)].astype(int).tolist():
        out[tuple(row)] = out.get(tuple(row), 0) + 1
    return out


def histories_table(
    lists: Sequence[str], histories: np.ndarray, *, source: str | None = None
) -> CaptureTable:
    """Capture-history table of boolean histories (rows on no list are ignored)."""
    h = np.asarray(histories, dtype=bool)
    h = h[h.any(axis=1)]
    t = h.shape[1]
    codes = h.astype(np.int64) @ (1 << np.arange(t, dtype=np.int64))
    uniq, counts = np.unique(codes, return_counts=True)
    rows = [[int(c >> j & 1) for j in range(t)] for c in uniq.tolist()]
    return table_from_rows(list(lists), rows, counts.tolist(), source=source)
