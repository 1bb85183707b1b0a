"""Statistical secrecy: primary and secondary suppression of a table, a count alone, and the linked tables
of the published linkage (people on several lists and the pairwise overlaps)."""

from __future__ import annotations

from collections import Counter
from itertools import combinations
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.diagnostic.disclosure import SEVERAL, SINGLE
from parcours.diagnostic.report import _linkage
from parcours.diagnostic.selectors import LinkageSummary, ListInfo
from parcours.secrecy import HIDDEN_LABEL, Cell, published_count, suppress


def values(cells):
    return {c.label: c.value for c in cells}


def test_a_small_cell_is_hidden_with_the_smallest_other_non_zero_cell():
    cells = suppress({"Femmes": 52, "Hommes": 4, "Autre": 17, "Inconnu": 0}, 11)
    assert values(cells) == {"Femmes": 52, "Hommes": None, "Autre": None, "Inconnu": 0}
    assert [c.display for c in cells] == ["52", HIDDEN_LABEL, HIDDEN_LABEL, "0"]


def test_two_small_cells_hide_each_other_and_nothing_more():
    assert values(suppress({"a": 3, "b": 9, "c": 40}, 11)) == {"a": None, "b": None, "c": 40}


def test_two_small_cells_whose_sum_is_small_take_a_third_with_them():
    # 48 - 40 would give back "8 people in a or b".
    assert values(suppress({"a": 3, "b": 5, "c": 40, "d": 30}, 11)) == {
        "a": None,
        "b": None,
        "c": 40,
        "d": None,
    }


def test_zeros_stay_visible_and_a_table_without_small_cells_is_untouched():
    assert values(suppress({"a": 0, "b": 11, "c": 0}, 11)) == {"a": 0, "b": 11, "c": 0}


def test_a_total_below_the_threshold_hides_every_non_zero_cell():
    assert values(suppress({"a": 6, "b": 0, "c": 2}, 11)) == {"a": None, "b": 0, "c": None}
    # A published total that is small hides the table even when a cell alone would not be small.
    assert values(suppress({"a": 12}, 20, total=15)) == {"a": None}


def test_a_count_alone_is_hidden_from_1_to_threshold_minus_1():
    assert [published_count(n, 11).display for n in (0, 1, 10, 11, 12345)] == [
        "0",
        HIDDEN_LABEL,
        HIDDEN_LABEL,
        "11",
        "12\u202f345",
    ]
    assert published_count(1, 1).value == 1  # a threshold of 1 hides nothing


tables = st.dictionaries(
    st.sampled_from([f"c{i}" for i in range(8)]), st.integers(min_value=0, max_value=60), min_size=1
)


@given(cells=tables, threshold=st.integers(min_value=2, max_value=20))
def test_no_published_cell_is_small_and_no_hidden_cell_is_total_minus_the_visible_ones(cells, threshold):
    out = suppress(cells, threshold)
    total = sum(cells.values())
    assert [c.label for c in out] == list(cells)
    for cell in out:
        if cell.hidden:
            assert cells[cell.label] > 0  # zeros are never hidden
        else:
            assert cell.value == cells[cell.label] and not 0 < cell.value < threshold
    hidden = [c for c in out if c.hidden]
    if not 0 < total < threshold:  # the total is published
        assert len(hidden) != 1
        remainder = total - sum(c.value for c in out if not c.hidden)
        assert all(cells[c.label] < remainder for c in hidden)
        assert not 0 < remainder < threshold  # the hidden cells' sum is not a small count either


def summary_of(memberships: list[tuple[bool, ...]], n_lists: int) -> LinkageSummary:
    """A linkage summary from synthetic memberships (one per distinct person), as the selector builds it."""
    lists = [
        ListInfo(
            f"L{i + 1}", SimpleNamespace(name=f"Structure fictive {i + 1}"), sum(m[i] for m in memberships)
        )
        for i in range(n_lists)
    ]
    pairs = [
        (lists[i], lists[j], sum(1 for m in memberships if m[i] and m[j]))
        for i, j in combinations(range(n_lists), 2)
    ]
    return LinkageSummary(
        lists=lists,
        distinct=len(memberships),
        records=sum(info.rows for info in lists),
        histories=[],
        pairs=pairs,
        on_several=sum(1 for m in memberships if sum(m) >= 2),
        breakdowns={"online": {"Repérée en ligne": 0, "Non repérée en ligne": len(memberships)}},
        memberships=memberships,
        cells=dict(Counter((m, "25_34", "2", False) for m in memberships)),
    )


@st.composite
def memberships(draw):
    n_lists = draw(st.integers(min_value=2, max_value=4))
    patterns = st_patterns(n_lists)
    counts = draw(
        st.lists(st.integers(min_value=0, max_value=30), min_size=len(patterns), max_size=len(patterns))
    )
    people = [p for p, n in zip(patterns, counts, strict=True) for _ in range(n)]
    return n_lists, people


def st_patterns(n_lists: int) -> list[tuple[bool, ...]]:
    """Every capture history of `n_lists` lists but "on none"."""
    return [tuple(bool(code >> i & 1) for i in range(n_lists)) for code in range(1, 2**n_lists)]


@settings(max_examples=30, deadline=None)
@given(drawn=memberships(), threshold=st.integers(min_value=2, max_value=15))
def test_the_published_linkage_never_shows_a_small_count_nor_an_overlap_its_totals_give_back(
    drawn, threshold
):
    n_lists, people = drawn
    summary = summary_of(people, n_lists)
    linkage = _linkage(summary, threshold)
    shown = [linkage.distinct, *(o.cell for o in linkage.overlaps)]
    shown += [c for table in linkage.breakdowns for c in table.cells]
    if n_lists > 2:
        # Three lists or more: « several » is not published beside the pair overlaps (issue 10, finding 4).
        assert linkage.several is None
        assert all(c.hidden or not 0 < c.value < threshold for c in shown)
        return
    shown += linkage.several.cells
    assert all(c.hidden or not 0 < c.value < threshold for c in shown)
    several = values(linkage.several.cells)
    overlaps = [o.cell for o in linkage.overlaps]
    if several[SEVERAL] is None:
        # Hidden people on several lists: no non-zero overlap is shown (with two lists it is that count).
        assert all(c.hidden or c.value == 0 for c in overlaps)
    else:
        assert sum(1 for c in overlaps if c.hidden) != 1
    if several[SINGLE] is None or several[SEVERAL] is None:
        assert several[SINGLE] is None and several[SEVERAL] is None or summary.distinct < threshold


def test_with_two_lists_a_small_single_list_count_hides_the_overlap_too():
    # 200 people on both lists, 4 on the first only: the overlap would be distinct minus the hidden 4.
    summary = summary_of([(True, True)] * 200 + [(True, False)] * 4, 2)
    linkage = _linkage(summary, 11)
    assert values(linkage.several.cells) == {SINGLE: None, SEVERAL: None}
    assert linkage.distinct.value == 204
    assert [o.cell for o in linkage.overlaps] == [Cell("L1 × L2", None)]


def test_hidden_cells_never_add_up_to_a_small_count_that_the_total_gives_back():
    cells = suppress({"Femmes": 40, "Hommes": 3, "Autre": 2, "Inconnu": 15}, 11)
    shown = {c.label: c.value for c in cells}
    assert shown["Hommes"] is None and shown["Autre"] is None
    assert shown["Inconnu"] is None  # otherwise 60 - 40 - 15 = 5 "who are not women" would show
    assert shown["Femmes"] == 40
