"""One module for every figure that leaves the secretariat's own screen: an indicator of the registry,
computed for a scope, published for an audience (docs/secret-statistique.md, docs/indicateurs.md).

The partner dashboards, the `indicators` command, the exports, the national views and API and the annual
report all publish through `publish`; none applies secrecy by itself.

- The secretariat reads its own département's exact figures (`Audience.SECRETARIAT`, nothing suppressed).
- A partner reads its own organisation's figures, a national reader every département's aggregates: both
  suppressed.

Suppression (threshold: the dated setting « diagnostic.secrecy_threshold », 11), for every measure about
people (`Measure.about_people`; meetings held or associations approved are published as they are):
- a count from 1 to threshold-1 is secret (`parcours.secrecy.tables.is_small`);
- a statistic that is not a count of people (a median delay, an amount) is secret when it rests on fewer
  people than the threshold, or on an unknown number of people; per cell of a breakdown, the same with the
  cell's own population;
- each breakdown table of a count (or of a sum) gets primary and secondary suppression with its margin (the
  indicator's total); the tables of one indicator are then audited together
  (`parcours.secrecy.audit.protect`): the hidden vector is the product of the breakdowns' labels, each
  published cell the sum of one slice; whatever would give a secret cell back is withheld too.
- An indicator whose source does not exist for the scope is « donnée non disponible » (value None, not
  secret), never 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from parcours.secrecy import Figure, protect, suppress
from parcours.secrecy.tables import NNBSP, format_count, is_small

from . import kit, registry, rules
from .registry import Measure, Scope

SECRET_LABEL = "secret"  # noqa: S105 (the word printed in a secret cell, not a credential)
NOT_AVAILABLE = "donnée non disponible"
UNIT_LABELS = {
    "count": "nombre",
    "euros": "euros",
    "days": "jours",
    "months": "mois",
    "percent": "pourcentage",
    "ratio": "rapport",
}
UNIT_SUFFIX = {"count": "", "euros": " €", "days": " jours", "months": " mois", "percent": " %", "ratio": ""}


class Audience(StrEnum):
    SECRETARIAT = "secretariat"
    PARTNER = "partner"
    NATIONAL = "national"

    @property
    def suppressed(self) -> bool:
        return self is not Audience.SECRETARIAT


def format_value(value, unit: str) -> str:
    if value is None:
        return NOT_AVAILABLE
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        # A count, or a sum that happens to be whole; a sum of hours (7,5) keeps its decimal.
        return format_count(int(value)) + UNIT_SUFFIX.get(unit, "")
    if isinstance(value, float) and not math.isfinite(value):
        return NOT_AVAILABLE
    text = f"{value:,.1f}".replace(",", NNBSP).replace(".", ",")
    return text.removesuffix(",0") + UNIT_SUFFIX.get(unit, "")


@dataclass(frozen=True)
class Cell:
    """One figure as published: its value (None when secret or not available) and its text."""

    value: int | float | None
    secret: bool = False
    available: bool = True
    unit: str = "count"
    label: str = ""

    @property
    def display(self) -> str:
        if not self.available:
            return NOT_AVAILABLE
        if self.secret:
            return SECRET_LABEL
        return format_value(self.value, self.unit)

    @property
    def published(self) -> int | float | None:
        """The number an output may print: None when secret or not available."""
        return None if (self.secret or not self.available) else self.value

    def as_dict(self) -> dict:
        return {"value": self.published, "secret": self.secret}


@dataclass
class Table:
    by: str
    cells: list[Cell]
    withheld_by_audit: bool = False


@dataclass
class Published:
    measure: Measure
    scope: Scope
    total: Cell
    tables: list[Table] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return self.total.available

    def table(self, by: str) -> Table | None:
        return next((t for t in self.tables if t.by == by), None)

    def as_dict(self) -> dict:
        return {
            "code": self.measure.code,
            "label": self.measure.label,
            "unit": self.measure.unit,
            "definition": self.measure.definition,
            "source": self.measure.source,
            "available": self.available,
            "total": self.total.as_dict(),
            "breakdowns": {t.by: [{"label": c.label, **c.as_dict()} for c in t.cells] for t in self.tables},
        }


def _is_count(measure: Measure) -> bool:
    return measure.unit == "count"


def _additive(measure: Measure) -> bool:
    """Cells that add up to the total: a count, or a sum (an amount): secondary suppression applies."""
    return _is_count(measure) or measure.additive


def _total_cell(measure: Measure, value, population, *, suppressed: bool, threshold: int) -> Cell:
    if value is None:
        return Cell(None, available=False, unit=measure.unit, label="Total")
    if not suppressed:
        return Cell(value, unit=measure.unit, label="Total")
    if _is_count(measure):
        return Cell(value, secret=is_small(int(value), threshold), unit=measure.unit, label="Total")
    # A statistic over people: secret when it rests on fewer people than the threshold, or on an unknown
    # number of people.
    secret = population is None or population < threshold
    return Cell(value, secret=secret, unit=measure.unit, label="Total")


def protected_breakdowns(
    total: int | float,
    tables: dict[str, dict[str, int | float]],
    threshold: int,
    primary: dict[str, set[str]] | None = None,
    *,
    total_published: bool | None = None,
) -> tuple[dict[str, set[str]], set[str]]:
    """Which cells of each breakdown table of one additive indicator to hide: primary and secondary
    suppression per table (with the total as margin), then the audit across the tables. `primary`: the cells
    known secret (a sum of money over too few people); None: a count, whose small cells are secret.
    `total_published`: whether the total is published (default: a count's total when not small). Returns
    (hidden labels per table, tables where the audit hid more)."""
    hidden: dict[str, set[str]] = {}
    for by, cells in tables.items():
        partition = sum(cells.values()) == total
        if primary is None:
            table = suppress(cells, threshold, total=total if partition else None)
            hidden[by] = {c.label for c in table if c.hidden}
        else:
            hidden[by] = set(primary.get(by, ())) | _secondary(cells, primary.get(by, set()), partition)
    partitions = {by: cells for by, cells in tables.items() if sum(cells.values()) == total and cells}
    if not partitions:
        return hidden, set()
    # Nothing to protect (no cell of 1 to threshold-1, no cell known secret): the audit would find nothing.
    if primary is None:
        if not any(is_small(int(v), threshold) for cells in partitions.values() for v in cells.values()):
            return hidden, set()
    elif not any(primary.get(by) for by in partitions):
        return hidden, set()
    # The hidden vector: the product of the independent breakdowns' labels. Quarters and years are sums of
    # months (a quarter minus its published months gives a secret month back): when the months are published,
    # they are coordinates of the vector and the quarters and years are sums over them.
    derived = {"quarter", "year"} & set(partitions) if "month" in partitions else set()
    base = [by for by in partitions if by not in derived]
    if math.prod(len(partitions[by]) for by in base) > rules.MAX_AUDIT_CELLS:
        # Too many cells for the linear algebra: the breakdowns by other labels than time are independent
        # margins of the product (a margin's cell is determined by the other tables only through the total,
        # which each table's own secondary suppression covers); the months, quarters and years are audited
        # together.
        base = ["month"] if "month" in partitions else base[:1]
    names = base + sorted(derived)
    labels = {by: list(partitions[by]) for by in names}
    n_cells = math.prod(len(labels[by]) for by in base)
    published, targets = [], []
    if total_published is None:
        total_published = not is_small(int(total), threshold)
    if total_published:
        published.append(Figure("total", frozenset(range(n_cells)), total))
    # Cell k of the product is its coordinates in C order: the cells of label i of a base breakdown are a
    # slice of the grid of cell numbers.
    grid = np.arange(n_cells).reshape([len(labels[by]) for by in base])
    buckets = {
        by: [grid.take(i, axis=axis).ravel().tolist() for i in range(len(labels[by]))]
        for axis, by in enumerate(base)
    }
    for by in names:
        for i, label in enumerate(labels[by]):
            if by in derived:
                months = [j for j, m in enumerate(labels["month"]) if _period_of(m, by) == label]
                cells = frozenset(k for j in months for k in buckets["month"][j])
            else:
                cells = frozenset(buckets[by][i])
            figure = Figure(f"{by}\x1f{label}", cells, partitions[by][label])
            if primary is None or label in primary.get(by, ()):
                targets.append(figure)
            if label not in hidden[by]:
                published.append(figure)
    withheld = protect(
        n_cells, published, targets, threshold, keep=["total"], all_sensitive=primary is not None
    )
    audited = set()
    for name in withheld:
        if name == "total":
            continue
        by, label = name.split("\x1f", 1)
        hidden[by].add(label)
        audited.add(by)
    return hidden, audited


def _period_of(month_label: str, by: str) -> str:
    """« 2026-05 » → its quarter « 2026-T2 » or its year « 2026 » (the labels of parcours.stats.kit)."""
    year, month = month_label.split("-")
    return year if by == "year" else f"{year}-T{(int(month) - 1) // 3 + 1}"


def _secondary(cells: dict[str, float], secret: set[str], partition: bool) -> set[str]:
    """A sum whose total is published: one hidden cell would be the total minus the others; hide the
    smallest other non-zero cell too."""
    if not partition or len(secret) != 1:
        return set()
    others = sorted((v, k) for k, v in cells.items() if k not in secret and v)
    return {others[0][1]} if others else set()


def publish(
    measure: Measure,
    scope: Scope,
    *,
    audience: Audience,
    threshold: int,
    breakdowns: tuple[str, ...] | None = None,
    evaluations: dict | None = None,
) -> Published:
    """`measure` for `scope` as `audience` may read it. `breakdowns`: those to publish (default: every one the
    measure allows and the audience may read). `evaluations`: the measure's figures for the scope when
    already computed (evaluate_many's result, holding at least those breakdowns)."""
    suppressed = audience.suppressed and measure.about_people
    wanted = breakdowns if breakdowns is not None else breakdowns_for(measure, audience)
    if evaluations is None or any(by not in evaluations for by in (None, *wanted)):
        evaluations = registry.evaluate_many(measure, scope, wanted)
    evaluation = evaluations[None]
    total = _total_cell(
        measure, evaluation.value, evaluation.population, suppressed=suppressed, threshold=threshold
    )
    result = Published(measure=measure, scope=scope, total=total)
    if evaluation.value is None:
        return result
    raw = {by: evaluations[by] for by in wanted}
    hidden: dict[str, set[str]] = {by: set() for by in wanted}
    audited: set[str] = set()
    if suppressed and _additive(measure):
        values = {
            by: {k: (v or 0) for k, v in e.value.items()} for by, e in raw.items() if e.value is not None
        }
        if _is_count(measure):
            counts = {by: {k: int(v) for k, v in t.items()} for by, t in values.items()}
            protected, audited = protected_breakdowns(int(evaluation.value), counts, threshold)
        else:
            primary = {
                by: {k for k in t if _small_population(raw[by].population, k, threshold)}
                for by, t in values.items()
            }
            protected, audited = protected_breakdowns(
                evaluation.value, values, threshold, primary=primary, total_published=not total.secret
            )
        hidden.update(protected)
    for by in wanted:
        e = raw[by]
        if e.value is None:
            continue
        cells = []
        for label, value in e.value.items():
            if value is None:
                cells.append(Cell(None, available=False, unit=measure.unit, label=label))
                continue
            secret = label in hidden[by]
            if suppressed and not _additive(measure):
                secret = _small_population(e.population, label, threshold)
            cells.append(Cell(value, secret=secret, unit=measure.unit, label=label))
        result.tables.append(Table(by=by, cells=cells, withheld_by_audit=by in audited))
    return result


def _small_population(population, label: str, threshold: int) -> bool:
    """Secret unless the cell's population is known and at least the threshold."""
    if not isinstance(population, dict):
        return True
    n = population.get(label)
    return n is None or n < threshold


def breakdowns_for(measure: Measure, audience: Audience) -> tuple[str, ...]:
    """A partner reads its own organisation: no table « by partner »."""
    if audience is Audience.PARTNER:
        return tuple(b for b in measure.breakdowns if b != "organisation")
    return measure.breakdowns


def measures_for(audience: Audience, *, own_organisation: bool = False) -> list[Measure]:
    """A partner (or the secretariat looking at one partner) reads the partners' measures; otherwise every
    measure. Outside the secretariat, never a measure kept for its own management."""
    if audience is Audience.PARTNER or own_organisation:
        found = [m for p in rules.PARTNER_PREFIXES for m in registry.all_measures(p)]
    else:
        found = registry.all_measures()
    if audience.suppressed:
        found = [m for m in found if not m.secretariat_only]
    return found


def publish_set(
    measures: list[Measure],
    scope: Scope,
    *,
    audience: Audience,
    threshold: int,
    breakdowns: Callable[[Measure], tuple[str, ...]] | None = None,
    evaluations: dict[str, dict] | None = None,
) -> dict[str, Published]:
    """Measures published together for one scope. Outside the secretariat, a measure that is a sum of cells
    of another (`Measure.part_of`) is secret when any of those cells is hidden (else the difference would
    give a hidden cell back) and is published without breakdown tables (its tables would be a second,
    unaudited cut of its parent's). `evaluations`: {code: the measure's figures} already computed
    (publish_set_across)."""
    evaluations = evaluations or {}
    wanted = breakdowns or (lambda m: breakdowns_for(m, audience))
    parents = {m.part_of.code for m in measures if m.part_of is not None}
    order = sorted(measures, key=lambda m: m.code not in parents)
    published: dict[str, Published] = {}
    with kit.labels_read_once():
        for m in order:
            if m.part_of is not None and audience.suppressed and m.about_people:
                published[m.code] = _as_part(
                    m, scope, audience, threshold, published, evaluations.get(m.code)
                )
            else:
                published[m.code] = publish(
                    m,
                    scope,
                    audience=audience,
                    threshold=threshold,
                    breakdowns=wanted(m),
                    evaluations=evaluations.get(m.code),
                )
    return {m.code: published[m.code] for m in measures}


def publish_set_across(
    measures: list[Measure],
    scope: Scope,
    *,
    audience: Audience,
    threshold: int,
    breakdowns: Callable[[Measure], tuple[str, ...]] | None = None,
) -> dict[object, dict[str, Published]]:
    """publish_set for each département of a multi-département scope (the national set, a region): each
    measure read once for them all (registry.evaluate_across), each département's figures then published
    and protected on their own, exactly as publish_set would. {departement id: {code: Published}}."""
    wanted = breakdowns or (lambda m: breakdowns_for(m, audience))
    with kit.labels_read_once():
        kit.prefetch_organisations(scope.departements)
        evaluated = {m.code: registry.evaluate_across(m, scope, wanted(m)) for m in measures}
        return {
            d.pk: publish_set(
                measures,
                scope.one(d),
                audience=audience,
                threshold=threshold,
                breakdowns=breakdowns,
                evaluations={code: figures[d.pk] for code, figures in evaluated.items()},
            )
            for d in scope.departements
        }


def _as_part(
    measure: Measure, scope: Scope, audience: Audience, threshold: int, done: dict, evaluations=None
) -> Published:
    part = measure.part_of
    result = publish(
        measure, scope, audience=audience, threshold=threshold, breakdowns=(), evaluations=evaluations
    )
    parent = done.get(part.code)
    if parent is None:
        parent = publish(
            registry.get(part.code), scope, audience=audience, threshold=threshold, breakdowns=(part.by,)
        )
    table = parent.table(part.by)
    cells = [c for c in (table.cells if table else []) if c.label in part.labels]
    if result.total.available and (table is None or any(c.secret for c in cells)):
        result.total = Cell(result.total.value, secret=True, unit=measure.unit, label="Total")
    return result


def indicator_set(scope: Scope, *, audience: Audience, threshold: int) -> list[Published]:
    measures = measures_for(audience, own_organisation=scope.organisation is not None)
    return list(publish_set(measures, scope, audience=audience, threshold=threshold).values())
