"""What the report publishes of the linked lists, decided on the whole (no Django import).

The hidden data is the table of people per capture history × age band × sex × online (`cells`). The report
publishes, from it:

- the number of distinct people (the sum of every cell);
- with two lists, people known to one structure / to several (a table with that total), and the overlap of
  the pair (the same figure as « several »);
- with three lists or more, the overlap of each pair of lists, and **not** the number known to several
  structures: Σ pairs − several = f₃ + 3f₄ + 6f₅ − … gives the people known to three structures back (issue
  10, finding 4). The overlaps say which partners share people, which the commission acts on;
- the breakdowns by age band, by sex and by online detection (each a table with the distinct total).

Each table is first protected on its own (`parcours.secrecy.tables`), then everything published together is
audited (`parcours.secrecy.audit`): no capture-history cell, no cell of the hidden table and no figure the
tables hid may be recomputed exactly if it counts 1 to threshold-1 people; more figures are withheld until
none can. The capture-history table itself is never published.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations, product

from parcours.secrecy import Figure, determined, is_small, protect, suppress

History = tuple[bool, ...]
CellKey = tuple[History, str, str, bool]  # capture history, age band code, sex code, seen online

SINGLE = "Connues d'une seule structure"
SEVERAL = "Connues de plusieurs structures"
ONLINE_LABELS = {True: "Repérée en ligne", False: "Non repérée en ligne"}
BREAKDOWN_KEYS = ("age_band", "sex", "online")


@dataclass(frozen=True)
class LinkagePublication:
    distinct: int | None  # None: hidden
    several: dict[str, int | None] | None  # {SINGLE: n, SEVERAL: n}; None: not published (3 lists or more)
    pairs: tuple[int | None, ...]  # in the order of combinations(range(n_lists), 2)
    breakdowns: dict[str, dict[str, int | None]]  # key -> label -> people (None: hidden)
    withheld_by_audit: tuple[str, ...]  # figures the tables showed but the audit withheld
    figures: tuple[Figure, ...]  # every figure published (for the record and the tests)
    n_cells: int


def histories(n_lists: int) -> list[History]:
    return [h for h in product((False, True), repeat=n_lists) if any(h)]


def publish_linkage(
    n_lists: int,
    cells: Mapping[CellKey, int],
    threshold: int,
    *,
    bands: Mapping[str, str],
    sexes: Mapping[str, str],
    prior: Sequence[Figure] = (),
) -> LinkagePublication:
    """What may be published of the linked lists (`bands`, `sexes`: code -> label, in display order).

    `prior`: the figures earlier versions of the report already published from the same table (a closed
    campaign's data no longer change): they are out in the world, so the audit counts them as published and
    never withholds them; the new version withholds whatever they would give back by difference."""
    index: dict[CellKey, int] = {}
    for key in product(histories(n_lists), bands, sexes, (True, False)):
        index[key] = len(index)
    for key in cells:
        if key not in index:
            raise ValueError("Case inconnue dans le tableau des historiques de capture.")
    value = [0] * len(index)
    for key, n in cells.items():
        value[index[key]] = n

    def figure(name: str, keys) -> Figure:
        members = frozenset(index[k] for k in keys)
        return Figure(name, members, sum(value[i] for i in members))

    every = list(index)
    distinct = figure("distinct", every)
    candidates: list[Figure] = [distinct]
    shown: dict[str, int | None] = {}
    pair_list = list(combinations(range(n_lists), 2))

    def pair_figure(i: int, j: int) -> Figure:
        return figure(f"pair:{i}:{j}", [k for k in every if k[0][i] and k[0][j]])

    single = figure("single", [k for k in every if sum(k[0]) == 1])
    several = figure("several", [k for k in every if sum(k[0]) >= 2])
    breakdown_figures = {
        "age_band": {
            label: figure(f"age_band:{code}", [k for k in every if k[1] == code])
            for code, label in bands.items()
        },
        "sex": {
            label: figure(f"sex:{code}", [k for k in every if k[2] == code]) for code, label in sexes.items()
        },
        "online": {
            ONLINE_LABELS[flag]: figure(f"online:{flag}", [k for k in every if k[3] is flag])
            for flag in (True, False)
        },
    }
    tables: list[list[Figure]] = [list(t.values()) for t in breakdown_figures.values()]
    if n_lists == 2:
        tables.append([single, several])
    pairs = [pair_figure(i, j) for i, j in pair_list]

    if is_small(distinct.value, threshold):
        # Nothing but zeros: every other figure is part of a total below the threshold.
        for f in [*pairs, *(f for t in tables for f in t)]:
            shown[f.name] = 0 if f.value == 0 else None
        shown["distinct"] = None
        withheld: list[str] = []
        published = [f for f in [*pairs, *(f for t in tables for f in t)] if f.value == 0]
    else:
        shown["distinct"] = distinct.value
        for table in tables:
            for f, cell in zip(
                table,
                suppress({f.name: f.value for f in table}, threshold, total=distinct.value),
                strict=True,
            ):
                shown[f.name] = cell.value
        for f in pairs:
            if n_lists == 2:
                shown[f.name] = shown["several"]
            else:
                shown[f.name] = None if is_small(f.value, threshold) else f.value
        # With two lists the pair's overlap is « several » itself: one figure, shown as both.
        all_figures = [distinct, *(pairs if n_lists > 2 else []), *(f for t in tables for f in t)]
        candidates = [f for f in all_figures if shown[f.name] is not None]
        # Targets: every cell of the hidden table, every capture-history cell, every figure a table hid.
        targets = [Figure(f"cell:{i}", frozenset({i}), v) for i, v in enumerate(value)]
        targets += [figure(f"history:{h}", [k for k in every if k[0] == h]) for h in histories(n_lists)]
        targets += [f for f in all_figures if shown[f.name] is None]
        earlier = [Figure(f"prior:{f.name}", f.cells, f.value) for f in prior]
        if earlier:
            # What earlier versions gave away alone cannot be taken back: only what the new one adds counts.
            already = {t.name for t in determined(len(index), earlier, targets)}
            targets = [t for t in targets if t.name not in already]
        withheld = protect(
            len(index),
            [*candidates, *earlier],
            targets,
            threshold,
            keep={"distinct", *(f.name for f in earlier)},
        )
        withheld = [name for name in withheld if not name.startswith("prior:")]
        for name in withheld:
            shown[name] = None
        if n_lists == 2:
            for f in pairs:
                shown[f.name] = shown["several"]
        published = [f for f in all_figures if shown[f.name] is not None]

    return LinkagePublication(
        distinct=shown["distinct"],
        several={SINGLE: shown["single"], SEVERAL: shown["several"]} if n_lists == 2 else None,
        pairs=tuple(shown[f.name] for f in pairs),
        breakdowns={
            key: {label: shown[f.name] for label, f in figures.items()}
            for key, figures in breakdown_figures.items()
        },
        withheld_by_audit=tuple(withheld),
        figures=tuple(published),
        n_cells=len(index),
    )
