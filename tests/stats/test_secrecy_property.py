"""Property: whatever the counts, the breakdown tables a partner's dashboard publishes for one measure (with
their total) determine no cell of 1 to 10 people (parcours.secrecy's audit, by exact linear algebra)."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from parcours.secrecy import Figure, disclosures
from parcours.secrecy.tables import is_small
from parcours.stats.publication import protected_breakdowns as _protected_breakdowns

THRESHOLD = 11

joint_tables = st.integers(min_value=1, max_value=3).flatmap(
    lambda rows: st.integers(min_value=1, max_value=4).flatmap(
        lambda cols: st.lists(
            st.sampled_from([0, 0, 1, 3, 7, 10, 11, 15, 40]), min_size=rows * cols, max_size=rows * cols
        ).map(lambda values: (rows, cols, values))
    )
)


@given(joint_tables)
def test_published_breakdowns_never_give_a_small_cell_back(table):
    rows, cols, values = table
    joint = {(r, c): values[r * cols + c] for r in range(rows) for c in range(cols)}
    total = sum(values)
    by_row = {f"r{r}": sum(joint[r, c] for c in range(cols)) for r in range(rows)}
    by_col = {f"c{c}": sum(joint[r, c] for r in range(rows)) for c in range(cols)}
    hidden, _ = _protected_breakdowns(total, {"row": by_row, "col": by_col}, THRESHOLD)

    coords = list(itertools.product(range(rows), range(cols)))
    published = [] if is_small(total, THRESHOLD) else [Figure("total", frozenset(range(len(coords))), total)]
    targets = []
    for axis, (by, cells) in enumerate((("row", by_row), ("col", by_col))):
        for i, (label, value) in enumerate(cells.items()):
            figure = Figure(
                f"{by}:{label}", frozenset(k for k, c in enumerate(coords) if c[axis] == i), value
            )
            targets.append(figure)
            if label not in hidden[by]:
                published.append(figure)
            else:
                assert value != 0  # a zero identifies nobody: it stays visible
    # Small cells of the joint table itself (which is never published) must not be determined either.
    targets += [Figure(f"cell:{k}", frozenset({k}), joint[c]) for k, c in enumerate(coords)]
    assert disclosures(len(coords), published, targets, THRESHOLD) == []
    for by, cells in (("row", by_row), ("col", by_col)):
        for label, value in cells.items():
            if is_small(value, THRESHOLD):
                assert label in hidden[by]
