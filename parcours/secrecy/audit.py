"""Secrecy across tables: can a reader combine the published figures to recover a small cell?

The hidden data is a vector x of non-negative counts (for the diagnostic: people per capture history × age
band × sex × online). Every published figure is the sum of some cells of x: a 0/1 row. A reader who adds and
subtracts published figures knows exactly every linear combination of these rows, and nothing else (apart
from signs, see below). A target (a cell of x, or any sum of cells, e.g. a capture-history cell summed over
the attributes) is **determined** when its 0/1 vector lies in the row space of the published rows.

Non-negativity adds one thing linear algebra misses: a published zero says every cell it sums is zero. Those
cells are treated as known (a unit row each) before the rank test.

Bounds (« < seuil » says a hidden figure is below the threshold; counts are non-negative) can narrow a cell to
an interval without determining it: that is what `tables.suppress`'s secondary rule (hidden cells of a table
add up to the threshold at least) guards, one table at a time. This module only proves that no small figure
is exactly recoverable from everything published together.

`determined` uses numpy's SVD (exact enough for 0/1 rows of a few dozen figures over at most a few thousand
cells: the tolerance is far below any non-zero singular value of such matrices); the property test checks it
against exact rational elimination. No Django import.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Figure:
    """A published figure (or a target): the sum of the cells `cells` of the hidden vector, worth `value`."""

    name: str
    cells: frozenset[int]
    value: int


TOLERANCE = 1e-9


def _known_zero(published: Iterable[Figure]) -> set[int]:
    return {cell for figure in published if figure.value == 0 for cell in figure.cells}


def _matrix(columns: dict[int, int], published: Sequence[Figure]) -> np.ndarray:
    rows = [[columns[c] for c in figure.cells if c in columns] for figure in published]
    rows = [row for row in rows if row]
    matrix = np.zeros((len(rows), len(columns)))
    for i, row in enumerate(rows):
        matrix[i, row] = 1.0
    return matrix


def _row_space(matrix: np.ndarray) -> np.ndarray:
    """An orthonormal basis (rows) of the row space of `matrix`."""
    if matrix.size == 0:
        return np.zeros((0, matrix.shape[1]))
    _, singular, vt = np.linalg.svd(matrix, full_matrices=False)
    rank = int((singular > TOLERANCE * max(matrix.shape) * max(singular[0], 1.0)).sum())
    return vt[:rank]


def determined(n_cells: int, published: Sequence[Figure], targets: Sequence[Figure]) -> list[Figure]:
    """The targets a reader can compute exactly from the published figures (and their zeros).

    The cells a published zero reveals are known: their columns are dropped (the same as adding a unit row
    for each), which keeps the matrix as small as the figures published."""
    zero = _known_zero(published)
    columns = {c: i for i, c in enumerate(c for c in range(n_cells) if c not in zero)}
    basis = _row_space(_matrix(columns, published))
    found = []
    for target in targets:
        vector = np.zeros(len(columns))
        vector[[columns[c] for c in target.cells if c in columns]] = 1.0
        residual = vector - basis.T @ (basis @ vector)
        if float(np.abs(residual).max(initial=0.0)) < 1e-6:
            found.append(target)
    return found


def is_sensitive(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def disclosures(
    n_cells: int, published: Sequence[Figure], targets: Sequence[Figure], threshold: int
) -> list[Figure]:
    """The sensitive targets (1 to threshold-1 people) the published figures determine."""
    sensitive = [t for t in targets if t.cells and is_sensitive(t.value, threshold)]
    return determined(n_cells, published, sensitive)


def protect(
    n_cells: int,
    published: Sequence[Figure],
    targets: Sequence[Figure],
    threshold: int,
    *,
    keep: Iterable[str] = (),
    all_sensitive: bool = False,
) -> list[str]:
    """The names of the published figures to withhold so that no sensitive target is determined.

    A target is sensitive when it counts 1 to threshold-1 people; with `all_sensitive`, every target is (the
    caller chose them: the cells of a sum of money resting on too few people, whatever their amount).

    Greedy: for the first disclosed target, withhold the smallest figure (not in `keep`, not a zero) whose
    withdrawal alone frees the target; if none does, the smallest such figure sharing a cell with it (figures
    in `keep` only as a last resort), and start again. Always ends: each round withholds one more figure, and
    nothing published discloses nothing.
    """
    keep = set(keep)
    shown = list(published)
    withheld: list[str] = []

    def order(figure: Figure):
        return (figure.value, figure.name)

    while True:
        if all_sensitive:
            leaks = determined(n_cells, shown, [t for t in targets if t.cells])
        else:
            leaks = disclosures(n_cells, shown, targets, threshold)
        if not leaks:
            return withheld
        target = leaks[0]
        free = sorted((f for f in shown if f.name not in keep and f.value != 0), key=order)
        choice = next(
            (f for f in free if not determined(n_cells, [g for g in shown if g is not f], [target])), None
        )
        if choice is None:
            touching = [f for f in shown if f.cells & target.cells and f.value != 0]
            choice = min([f for f in touching if f.name not in keep] or free or touching or shown, key=order)
        shown.remove(choice)
        withheld.append(choice.name)
