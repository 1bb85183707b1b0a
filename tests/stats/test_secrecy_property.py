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


months_of_a_year = st.lists(st.sampled_from([0, 0, 0, 1, 2, 5, 9, 11, 12, 30]), min_size=12, max_size=12)


@given(months_of_a_year, st.lists(st.sampled_from([0, 1, 4, 11, 25]), min_size=3, max_size=3))
def test_months_quarters_and_years_published_together_never_give_a_small_month_back(months, sexes):
    """Quarters and years are sums of months: a quarter minus its published months would give a secret
    month back. Published with another breakdown of the same total (sex), nothing small is determined."""
    total = sum(months)
    by_month = {f"2025-{m + 1:02d}": v for m, v in enumerate(months)}
    by_quarter = {f"2025-T{q + 1}": sum(months[3 * q : 3 * q + 3]) for q in range(4)}
    # A second breakdown whose cells add up to the same total (its split is drawn, the last cell balances).
    first = [min(s, total) for s in sexes[:2]]
    first[1] = min(first[1], total - first[0])
    by_sex = {"F": first[0], "H": first[1], "A": total - first[0] - first[1]}
    tables = {"month": by_month, "quarter": by_quarter, "year": {"2025": total}, "sex": by_sex}
    hidden, _ = _protected_breakdowns(total, tables, THRESHOLD)

    # The hidden vector: month × sex (a joint split consistent with both margins is one of many; the
    # published figures are sums of slices, whatever the split).
    coords = list(itertools.product(range(12), range(3)))
    published = [] if is_small(total, THRESHOLD) else [Figure("total", frozenset(range(len(coords))), total)]
    targets = []

    def slice_of(predicate):
        return frozenset(k for k, c in enumerate(coords) if predicate(c))

    for i, (label, value) in enumerate(by_month.items()):
        figure = Figure(f"month:{label}", slice_of(lambda c, i=i: c[0] == i), value)
        targets.append(figure)
        if label not in hidden["month"]:
            published.append(figure)
    for q, (label, value) in enumerate(by_quarter.items()):
        figure = Figure(f"quarter:{label}", slice_of(lambda c, q=q: c[0] // 3 == q), value)
        targets.append(figure)
        if label not in hidden["quarter"]:
            published.append(figure)
    if "2025" not in hidden["year"]:
        published.append(Figure("year:2025", frozenset(range(len(coords))), total))
    for j, (label, value) in enumerate(by_sex.items()):
        figure = Figure(f"sex:{label}", slice_of(lambda c, j=j: c[1] == j), value)
        targets.append(figure)
        if label not in hidden["sex"]:
            published.append(figure)
    assert disclosures(len(coords), published, targets, THRESHOLD) == []
    for by, cells in tables.items():
        for label, value in cells.items():
            if is_small(value, THRESHOLD):
                assert label in hidden[by], (by, label)
