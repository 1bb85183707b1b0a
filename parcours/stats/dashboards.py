"""The partner dashboards, computed from the one registry of measures (parcours.stats.registry).

A partner (partner advisor, association) sees its own organisation's activity, under statistical secrecy
(its figures are read outside the secretariat); the secretariat sees the whole network, or any one partner,
with exact figures. A measure that returns None is « donnée non disponible », never 0.

Secrecy for a published dashboard (docs/tableaux-de-bord.md, docs/secret-statistique.md):
- a count from 1 to threshold-1 is secret (`tables.published_count`);
- a statistic that is not a count (a median delay) is secret when it rests on fewer people than the threshold
  (`Measure.population`), or when its measure does not say on how many people it rests;
- each breakdown table gets primary and secondary suppression with its margin (the measure's total);
- the tables of one measure are then audited together (`audit.protect`): the hidden vector is the product of
  the breakdowns' labels, each published cell the sum of one slice; whatever would give a secret cell back is
  withheld too.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from datetime import date

from parcours.diagnostic.charts import Chart, bar_chart
from parcours.secrecy import Figure, protect, suppress
from parcours.secrecy.tables import format_count, is_small

from . import registry, rules
from .registry import Measure, Scope

SECRET_LABEL = "secret"  # noqa: S105 (the word printed in a secret cell, not a credential)
NOT_AVAILABLE = "donnée non disponible"

BREAKDOWN_LABELS = {
    "month": "Par mois",
    "age_band": "Par tranche d'âge",
    "organisation": "Par partenaire",
    "sex": "Par sexe",
    "kind": "Par type",
    "state": "Par état",
    "outcome": "Par issue",
    "association": "Par association",
    "place_type": "Par type de lieu",
    "platform_type": "Par type de plateforme",
    "indicator": "Par indicateur",
    "origin": "Par origine",
    "profession": "Par profession",
}
UNIT_SUFFIX = {"count": "", "euros": " €", "days": " jours", "months": " mois", "percent": " %", "ratio": ""}


def format_value(value, unit: str) -> str:
    if value is None:
        return NOT_AVAILABLE
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        # A count, or a sum that happens to be whole; a sum of hours (7,5) keeps its decimal.
        return format_count(int(value)) + UNIT_SUFFIX.get(unit, "")
    if isinstance(value, float) and not math.isfinite(value):
        return NOT_AVAILABLE
    text = f"{value:.1f}".replace(".", ",")
    return text.removesuffix(",0") + UNIT_SUFFIX.get(unit, "")


@dataclass(frozen=True)
class Shown:
    """One figure as the page prints it: its value (None when secret or not available) and its text."""

    value: int | float | None
    secret: bool = False
    available: bool = True
    unit: str = "count"

    @property
    def display(self) -> str:
        if not self.available:
            return NOT_AVAILABLE
        if self.secret:
            return SECRET_LABEL
        return format_value(self.value, self.unit)


@dataclass(frozen=True)
class Row:
    label: str
    current: Shown
    previous: Shown


@dataclass
class BreakdownTable:
    by: str
    title: str
    rows: list[Row]
    total: Row
    withheld_by_audit: bool = False


@dataclass
class Section:
    measure: Measure
    current: Shown
    previous: Shown
    tables: list[BreakdownTable] = field(default_factory=list)
    chart: Chart | None = None
    chart_table: BreakdownTable | None = None  # the table of the chart's figures (None: the comparison rows)
    summary: str = ""

    @property
    def anchor(self) -> str:
        return "indicateur-" + self.measure.code.replace(".", "-").replace("_", "-")


@dataclass
class Dashboard:
    year: int
    scope: Scope
    previous_scope: Scope
    suppressed: bool
    threshold: int
    sections: list[Section]

    @property
    def unavailable(self) -> list[Measure]:
        return [s.measure for s in self.sections if not s.current.available]

    @property
    def any_secret(self) -> bool:
        return any(
            s.current.secret or any(r.current.secret for t in s.tables for r in [*t.rows, t.total])
            for s in self.sections
        )


# --- Periods ---------------------------------------------------------------------------------------------


def _same_day(year: int, day: date) -> date:
    """`day` moved to `year` (29 February becomes 28)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def periods(year: int, today: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """The chosen year (up to today for the current year) and the same span of the year before."""
    start = date(year, 1, 1)
    end = min(date(year, 12, 31), today)
    return (start, end), (date(year - 1, 1, 1), _same_day(year - 1, end))


# --- Secrecy ---------------------------------------------------------------------------------------------


def _is_count(measure: Measure) -> bool:
    return measure.unit == "count"


def shown_value(measure: Measure, scope: Scope, value, *, suppressed: bool, threshold: int) -> Shown:
    if value is None:
        return Shown(None, available=False, unit=measure.unit)
    if not suppressed:
        return Shown(value, unit=measure.unit)
    if _is_count(measure):
        return Shown(value, secret=is_small(int(value), threshold), unit=measure.unit)
    # A statistic over people: secret when it rests on fewer people than the threshold, or on an unknown
    # number of people.
    population = measure.population(scope) if measure.population else None
    return Shown(value, secret=population is None or population < threshold, unit=measure.unit)


def _protected_breakdowns(
    total: int, tables: dict[str, dict[str, int]], threshold: int
) -> tuple[dict[str, set[str]], set[str]]:
    """Which cells of each breakdown table of one count measure to hide: primary and secondary suppression
    per table (with the total as margin), then the audit across the tables. Returns (hidden labels per table,
    tables where the audit hid more)."""
    hidden: dict[str, set[str]] = {}
    for by, cells in tables.items():
        partition = sum(cells.values()) == total
        table = suppress(cells, threshold, total=total if partition else None)
        hidden[by] = {c.label for c in table if c.hidden}
    partitions = {by: cells for by, cells in tables.items() if sum(cells.values()) == total and cells}
    sizes = [len(cells) for cells in partitions.values()]
    if not partitions or math.prod(sizes) > rules.MAX_AUDIT_CELLS:
        # No joint audit (nothing to audit, or too many cells): each table keeps its own primary and secondary
        # suppression (done above).
        return hidden, set()
    names = list(partitions)
    labels = {by: list(partitions[by]) for by in names}
    coords = list(itertools.product(*(range(len(labels[by])) for by in names)))
    n_cells = len(coords)
    published, targets = [], []
    if not is_small(total, threshold):
        published.append(Figure("total", frozenset(range(n_cells)), total))
    for axis, by in enumerate(names):
        for i, label in enumerate(labels[by]):
            cells = frozenset(k for k, c in enumerate(coords) if c[axis] == i)
            figure = Figure(f"{by}\x1f{label}", cells, partitions[by][label])
            targets.append(figure)
            if label not in hidden[by]:
                published.append(figure)
    withheld = protect(n_cells, published, targets, threshold, keep=["total"])
    audited = set()
    for name in withheld:
        if name == "total":
            continue
        by, label = name.split("\x1f", 1)
        hidden[by].add(label)
        audited.add(by)
    return hidden, audited


# --- Building the dashboard ------------------------------------------------------------------------------


def _breakdown(measure: Measure, scope: Scope, by: str) -> dict[str, int | float | None] | None:
    values = measure.breakdown(scope, by)
    return None if values is None else dict(values)


def _summary(measure: Measure, year: int, current: Shown, previous: Shown) -> str:
    label = measure.label
    if not current.available:
        return f"{label} : {NOT_AVAILABLE} pour {year} (aucune source dans Parcours pour ce périmètre)."
    if current.secret:
        return f"{label} en {year} : chiffre couvert par le secret statistique (trop peu de personnes)."
    sentence = f"{label} en {year} : {current.display}"
    if previous.available and not previous.secret and previous.value is not None:
        sentence += f", contre {previous.display} sur la même période de {year - 1}"
        if isinstance(previous.value, int | float) and previous.value and current.value is not None:
            change = round(100 * (current.value - previous.value) / previous.value)
            sentence += f" ({'+' if change > 0 else ''}{change} %)"
    elif previous.secret:
        sentence += f" ; le chiffre de {year - 1} est couvert par le secret statistique"
    elif not previous.available:
        sentence += f" ; pas de chiffre disponible pour {year - 1}"
    return sentence + "."


def _section(
    measure: Measure, year: int, scope: Scope, previous_scope: Scope, *, suppressed: bool, threshold: int
) -> Section:
    raw_now, raw_before = measure.value(scope), measure.value(previous_scope)
    current = shown_value(measure, scope, raw_now, suppressed=suppressed, threshold=threshold)
    previous = shown_value(measure, previous_scope, raw_before, suppressed=suppressed, threshold=threshold)
    section = Section(measure=measure, current=current, previous=previous)
    section.summary = _summary(measure, year, current, previous)
    if raw_now is None:
        return section

    tables_now = {by: _breakdown(measure, scope, by) for by in measure.breakdowns}
    tables_before = {by: _breakdown(measure, previous_scope, by) for by in measure.breakdowns}
    hidden_now: dict[str, set[str]] = {by: set() for by in measure.breakdowns}
    hidden_before: dict[str, set[str]] = {by: set() for by in measure.breakdowns}
    audited: set[str] = set()
    if suppressed and _is_count(measure):
        counts_now = {
            by: {k: int(v or 0) for k, v in t.items()} for by, t in tables_now.items() if t is not None
        }
        counts_before = {
            by: {k: int(v or 0) for k, v in t.items()} for by, t in tables_before.items() if t is not None
        }
        protected, audited = _protected_breakdowns(int(raw_now), counts_now, threshold)
        hidden_now.update(protected)
        if raw_before is not None:
            hidden_before.update(_protected_breakdowns(int(raw_before), counts_before, threshold)[0])

    for by in measure.breakdowns:
        now, before = tables_now[by], tables_before[by]
        if now is None:
            continue
        labels = list(now) + [k for k in (before or {}) if k not in now]
        rows = []
        for label in labels:
            rows.append(
                Row(
                    label,
                    _cell(measure, now.get(label, 0), label in hidden_now[by], suppressed),
                    _cell(
                        measure,
                        None if before is None else before.get(label, 0),
                        label in hidden_before[by],
                        suppressed,
                    ),
                )
            )
        section.tables.append(
            BreakdownTable(
                by=by,
                title=BREAKDOWN_LABELS.get(by, f"Par {by}"),
                rows=rows,
                total=Row("Total", current, previous),
                withheld_by_audit=by in audited,
            )
        )
    section.chart, section.chart_table = _chart(section, year)
    return section


def _cell(measure: Measure, value, hidden: bool, suppressed: bool) -> Shown:
    if value is None:
        return Shown(None, available=False, unit=measure.unit)
    if suppressed and not _is_count(measure):
        # A breakdown of a non-count statistic (a median per month) rests on unknown small groups: secret.
        return Shown(value, secret=True, unit=measure.unit)
    return Shown(value, secret=hidden, unit=measure.unit)


def _chart(section: Section, year: int) -> tuple[Chart | None, BreakdownTable | None]:
    """One chart per section: the first breakdown (month first) for the year; else the year against the year
    before. A secret or missing figure has no bar."""
    measure = section.measure
    table = next(
        (t for t in section.tables if t.by == "month"), section.tables[0] if section.tables else None
    )

    def bar(shown: Shown):
        return None if (shown.secret or not shown.available) else shown.value

    if table is not None:
        bars = [(row.label, bar(row.current)) for row in table.rows]
        alt = (
            f"Graphique en barres : {measure.label.lower()}, {table.title.lower()}, {year} ; les mêmes "
            f"chiffres sont dans le tableau « {measure.label} — {table.title.lower()} »."
        )
        return bar_chart(bars, title=f"{measure.label} — {year}", alt=alt, serie=measure.label), table
    bars = [(str(year - 1), bar(section.previous)), (str(year), bar(section.current))]
    alt = (
        f"Graphique en barres : {measure.label.lower()}, {year - 1} et {year} ; les mêmes chiffres sont "
        f"dans le tableau « {measure.label} — comparaison »."
    )
    return bar_chart(
        bars, title=f"{measure.label} — {year - 1} et {year}", alt=alt, serie=measure.label
    ), None


def measures_for(*, partner_view: bool) -> list[Measure]:
    if partner_view:
        return [m for p in rules.PARTNER_PREFIXES for m in registry.all_measures(p)]
    return registry.all_measures()


def build(
    *, departement, organisation, year: int, today: date, suppressed: bool, threshold: int
) -> Dashboard:
    """The dashboard of `organisation` (None: the whole département) for `year`."""
    (start, end), (p_start, p_end) = periods(year, today)
    scope = Scope(departement=departement, start=start, end=end, organisation=organisation)
    previous_scope = Scope(departement=departement, start=p_start, end=p_end, organisation=organisation)
    sections = [
        _section(m, year, scope, previous_scope, suppressed=suppressed, threshold=threshold)
        for m in measures_for(partner_view=organisation is not None)
    ]
    return Dashboard(
        year=year,
        scope=scope,
        previous_scope=previous_scope,
        suppressed=suppressed,
        threshold=threshold,
        sections=sections,
    )
