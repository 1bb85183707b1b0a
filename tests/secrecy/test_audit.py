"""Secrecy across tables, proved by exact linear algebra (no database).

Everything the report publishes of the linked lists is a 0/1 row over the hidden table (people per capture
history × age band × sex × online). A cell is derivable when its unit vector lies in the row space of the
published rows (plus a unit row for each cell a published zero reveals). The check here is independent of
the module's floating-point one: exact integer elimination to reduced row echelon form."""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours.diagnostic.disclosure import histories, publish_linkage
from parcours.secrecy import Figure, disclosures, protect

BANDS = {
    "lt18": "moins de 18 ans",
    "18_24": "18 à 24 ans",
    "25_34": "25 à 34 ans",
    "35_plus": "35 ans et plus",
}
SEXES = {"1": "Homme", "2": "Femme", "9": "Autre ou non renseigné"}
THRESHOLD = 11


def rref(rows: list[list[int]]) -> list[list[Fraction]]:
    """Reduced row echelon form, exact (rational)."""
    matrix = [[Fraction(v) for v in row] for row in rows]
    width = len(matrix[0]) if matrix else 0
    pivot_row = 0
    for col in range(width):
        found = next((r for r in range(pivot_row, len(matrix)) if matrix[r][col] != 0), None)
        if found is None:
            continue
        matrix[pivot_row], matrix[found] = matrix[found], matrix[pivot_row]
        pivot = matrix[pivot_row][col]
        matrix[pivot_row] = [v / pivot for v in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][col] != 0:
                factor = matrix[r][col]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[pivot_row], strict=True)]
        pivot_row += 1
    return matrix[:pivot_row]


def in_row_space(reduced: list[list[Fraction]], vector: list[int]) -> bool:
    rest = [Fraction(v) for v in vector]
    for row in reduced:
        col = next(i for i, v in enumerate(row) if v != 0)  # the pivot (1) of a reduced row
        if rest[col] != 0:
            factor = rest[col]
            rest = [a - factor * b for a, b in zip(rest, row, strict=True)]
    return not any(rest)


def exact_leaks(n_cells: int, published, targets) -> list[str]:
    """Sensitive targets in the row space of the published figures, by exact elimination.

    Cells a published zero reveals are known (and zero): their columns are dropped, which is the same as
    adding their unit rows. Columns that lie in exactly the same rows are merged: every vector of the row
    space takes one value on such a group, so a target that covers a group only in part is not determined."""
    zero = {c for f in published if f.value == 0 for c in f.cells}
    rows = [f.cells - zero for f in published if f.cells - zero]
    signature: dict[int, tuple[int, ...]] = {}
    for c in range(n_cells):
        if c not in zero:
            signature[c] = tuple(i for i, row in enumerate(rows) if c in row)
    groups = sorted(set(signature.values()))
    position = {sig: g for g, sig in enumerate(groups)}
    members: dict[int, set[int]] = {}
    for c, sig in signature.items():
        members.setdefault(position[sig], set()).add(c)
    matrix = [[1 if i in sig else 0 for sig in groups] for i in range(len(rows))]
    reduced = rref(matrix) if matrix else []
    leaks = []
    for t in targets:
        if not 0 < t.value < THRESHOLD:
            continue
        live = t.cells - zero
        vector = []
        for g in range(len(groups)):
            inside = members[g] & live
            if inside and inside != members[g]:
                break  # covers part of a group: not in the row space
            vector.append(1 if inside else 0)
        else:
            if in_row_space(reduced, vector):
                leaks.append(t.name)
    return leaks


@st.composite
def capture_tables(draw):
    """A hidden table for 2 to 5 lists: a few populated capture histories × attribute combinations."""
    n_lists = draw(st.integers(min_value=2, max_value=5))
    keys = [(h, b, s, o) for h in histories(n_lists) for b in BANDS for s in SEXES for o in (True, False)]
    chosen = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=40, unique=True))
    counts = draw(
        st.lists(st.integers(min_value=1, max_value=40), min_size=len(chosen), max_size=len(chosen))
    )
    return n_lists, dict(zip(chosen, counts, strict=True))


def targets_of(n_lists, cells, publication):
    """Every cell of the hidden table and every capture-history cell (summed over the attributes)."""
    index = {}
    for h in histories(n_lists):
        for b in BANDS:
            for s in SEXES:
                for o in (True, False):
                    index[(h, b, s, o)] = len(index)
    assert len(index) == publication.n_cells
    out = [Figure(f"cell:{k}", frozenset({i}), cells.get(k, 0)) for k, i in index.items()]
    for h in histories(n_lists):
        members = [i for k, i in index.items() if k[0] == h]
        out.append(
            Figure(
                f"history:{h}",
                frozenset(members),
                sum(cells.get(k, 0) for k, i in index.items() if k[0] == h),
            )
        )
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=capture_tables())
def test_no_capture_history_cell_below_11_is_derivable_from_everything_the_report_publishes(table):
    n_lists, cells = table
    publication = publish_linkage(n_lists, cells, THRESHOLD, bands=BANDS, sexes=SEXES)
    assert all(not 0 < f.value < THRESHOLD for f in publication.figures)  # no small figure shown
    targets = targets_of(n_lists, cells, publication)
    assert exact_leaks(publication.n_cells, publication.figures, targets) == []
    # What the page shows is what the audit saw.
    shown_pairs = [n for n in publication.pairs if n is not None]
    published_pairs = [f.value for f in publication.figures if f.name.startswith("pair:")]
    if n_lists > 2:
        assert sorted(shown_pairs) == sorted(published_pairs)
        assert publication.several is None


def test_finding_4_three_lists_pairs_and_several_together_give_the_triple_back():
    """The published tables before the fix: Σ pairs − several = f₃ with three lists (issue 10, finding 4)."""
    # Histories over 3 lists, one attribute combination: cells 0..6.
    hs = histories(3)
    values = {h: 40 for h in hs}
    values[(True, True, True)] = 3
    cell = {h: i for i, h in enumerate(hs)}

    def figure(name, members):
        return Figure(name, frozenset(cell[h] for h in members), sum(values[h] for h in members))

    pairs = [figure(f"pair:{i}:{j}", [h for h in hs if h[i] and h[j]]) for i, j in combinations(range(3), 2)]
    several = figure("several", [h for h in hs if sum(h) >= 2])
    distinct = figure("distinct", hs)
    triple = figure("history:111", [(True, True, True)])
    before = [distinct, several, *pairs]
    assert [t.name for t in disclosures(len(hs), before, [triple], THRESHOLD)] == ["history:111"]
    assert exact_leaks(len(hs), before, [triple]) == ["history:111"]
    withheld = protect(len(hs), before, [triple], THRESHOLD, keep={"distinct"})
    after = [f for f in before if f.name not in withheld]
    assert withheld and exact_leaks(len(hs), after, [triple]) == []


def test_a_zero_published_reveals_its_cells_and_the_audit_knows_it():
    # « b » = 0 is published, so b is known to be nobody: « a + b + c » − « c » gives a (7) back.
    figures = [
        Figure("b", frozenset({1}), 0),
        Figure("abc", frozenset({0, 1, 2}), 40),
        Figure("c", frozenset({2}), 33),
    ]
    a = Figure("a", frozenset({0}), 7)
    assert [t.name for t in disclosures(3, figures, [a], THRESHOLD)] == ["a"]
    assert protect(3, figures, [a], THRESHOLD, keep={"abc"}) == ["c"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=capture_tables(), earlier_threshold=st.integers(min_value=11, max_value=25))
def test_a_new_version_gives_nothing_back_by_difference_with_the_published_one(table, earlier_threshold):
    """A closed campaign's data no longer change; a correction (here: another threshold) publishes version 2.
    Versions 1 and 2 read together determine no small cell that version 1 alone did not."""
    n_lists, cells = table
    first = publish_linkage(n_lists, cells, earlier_threshold, bands=BANDS, sexes=SEXES)
    second = publish_linkage(n_lists, cells, THRESHOLD, bands=BANDS, sexes=SEXES, prior=first.figures)
    targets = targets_of(n_lists, cells, second)
    before = set(exact_leaks(first.n_cells, first.figures, targets))
    together = [*first.figures, *(Figure(f"v2:{f.name}", f.cells, f.value) for f in second.figures)]
    assert set(exact_leaks(second.n_cells, together, targets)) <= before
