"""The partner dashboards, computed from the one registry of measures (parcours.stats.registry) and
published through the one secrecy module (parcours.stats.publication).

A partner (partner advisor, association) sees its own organisation's activity, under statistical secrecy
(its figures are read outside the secretariat); the secretariat sees the whole network, or any one partner,
with exact figures. A measure that returns None is « donnée non disponible », never 0.

Each section shows an indicator for the chosen year and the same span of the year before, a one-sentence
summary, a chart with the table of its figures, and one table per breakdown (docs/tableaux-de-bord.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from parcours.diagnostic.charts import Chart, bar_chart

from . import kit
from .publication import (
    NOT_AVAILABLE,
    SECRET_LABEL,
    Audience,
    Cell,
    Published,
    breakdowns_for,
    format_value,
    measures_for,
    publish_set,
)
from .registry import Measure, Scope, evaluate_periods

Shown = Cell  # one figure as the page prints it

BREAKDOWN_LABELS = {
    "month": "Par mois",
    "quarter": "Par trimestre",
    "year": "Par année",
    "age_band": "Par tranche d'âge",
    "organisation": "Par partenaire",
    "sex": "Par sexe",
    "nationality_group": "Par nationalité",
    "kind": "Par type",
    "state": "Par état",
    "outcome": "Par issue",
    "association": "Par association",
    "place_type": "Par type de lieu",
    "platform_type": "Par type de plateforme",
    "indicator": "Par indicateur",
    "origin": "Par origine",
    "profession": "Par profession",
    "opinion": "Par avis",
    "decision": "Par décision",
    "end_reason": "Par motif de fin",
}
# The dashboard's pages, one per domain of the registry's codes: (slug of the address, code prefix, title).
DOMAINS = (
    ("parcours", "pathways.", "Parcours de sortie de la prostitution"),
    ("commission", "commission.", "Commission départementale"),
    ("agrements", "approvals.", "Agrément des associations"),
    ("reperage", "referrals.", "Repérage, protection et orientation"),
    ("actions", "actions.", "Actions du réseau"),
    ("logement", "housing.", "Hébergement et logement"),
    ("accompagnement", "people.", "Accompagnement (interprétariat)"),
)


def domains_for(measures: list[Measure]) -> list[tuple[str, str, str]]:
    """The domains that hold at least one of `measures`, in DOMAINS order."""
    return [d for d in DOMAINS if any(m.code.startswith(d[1]) for m in measures)]


# Breakdowns whose labels are dates: the year before is compared position by position (its January beside
# this January), not label by label.
TIME_BREAKDOWNS = ("month", "quarter")
# Breakdowns a dashboard shows (the registry offers more, for exports and the annual report): the months
# carry the year's shape on screen; quarters and years are in the exports.
DASHBOARD_BREAKDOWNS = tuple(b for b in BREAKDOWN_LABELS if b not in ("quarter", "year"))

__all__ = ["NOT_AVAILABLE", "SECRET_LABEL", "Shown", "build", "format_value", "periods"]


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
    def chart_tables(self) -> list[BreakdownTable]:
        """The tables the dashboard shows under the chart: the chart's own (its page shows them all)."""
        return [self.chart_table] if self.chart_table is not None else []

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


# --- Building the dashboard ------------------------------------------------------------------------------


def header(*, year: int, today: date, suppressed: bool, threshold: int) -> Dashboard:
    """What the page says above the figures (periods, secrecy), without computing them."""
    (start, end), (p_start, p_end) = periods(year, today)
    return Dashboard(
        year=year,
        scope=Scope(None, start, end),
        previous_scope=Scope(None, p_start, p_end),
        suppressed=suppressed,
        threshold=threshold,
        sections=[],
    )


def _summary(measure: Measure, year: int, current: Shown, previous: Shown) -> str:
    label = measure.label
    if not current.available:
        return f"{label} : {NOT_AVAILABLE} pour {year} (aucune source dans Parcours pour ce périmètre)."
    if current.secret:
        return f"{label} en {year} : chiffre couvert par le secret statistique (trop peu de personnes)."
    sentence = f"{label} en {year} : {current.display}"
    if previous.available and not previous.secret and previous.value is not None:
        sentence += f", contre {previous.display} sur la même période de {year - 1}"
        if measure.unit == "percent" and current.value is not None and previous.value is not None:
            # A rate changes by points, not by a percentage of itself (81 % after 81,8 %: -0,8 point).
            points = round(current.value - previous.value, 1)
            shown = format_value(abs(points), "ratio")
            sign = "+" if points > 0 else "-" if points < 0 else ""
            sentence += f" ({sign}{shown} point{'s' if abs(points) >= 2 else ''})"
        elif isinstance(previous.value, int | float) and previous.value and current.value is not None:
            change = round(100 * (current.value - previous.value) / previous.value)
            sentence += f" ({'+' if change > 0 else ''}{change} %)"
    elif previous.secret:
        sentence += f" ; le chiffre de {year - 1} est couvert par le secret statistique"
    elif not previous.available:
        sentence += f" ; pas de chiffre disponible pour {year - 1}"
    return sentence + "."


def _rows(measure: Measure, by: str, now: Published, before: Published) -> list[Row]:
    cells_now = now.table(by).cells
    table_before = before.table(by)
    cells_before = table_before.cells if table_before else []
    missing = Cell(None, available=False, unit=measure.unit)
    if by in TIME_BREAKDOWNS:
        return [
            Row(cell.label, cell, cells_before[i] if i < len(cells_before) else missing)
            for i, cell in enumerate(cells_now)
        ]
    by_label = {c.label: c for c in cells_before}
    rows = [
        Row(c.label, c, by_label.get(c.label, Cell(0, unit=measure.unit, label=c.label))) for c in cells_now
    ]
    seen = {c.label for c in cells_now}
    rows += [
        Row(c.label, Cell(0, unit=measure.unit, label=c.label), c)
        for c in cells_before
        if c.label not in seen
    ]
    return rows


def _section(measure: Measure, year: int, now: Published, before: Published) -> Section:
    section = Section(measure=measure, current=now.total, previous=before.total)
    section.summary = _summary(measure, year, now.total, before.total)
    for table in now.tables:
        section.tables.append(
            BreakdownTable(
                by=table.by,
                title=BREAKDOWN_LABELS.get(table.by, f"Par {table.by}"),
                rows=_rows(measure, table.by, now, before),
                total=Row("Total", now.total, before.total),
                withheld_by_audit=table.withheld_by_audit,
            )
        )
    section.chart, section.chart_table = _chart(section, year)
    return section


def _shown_breakdowns(audience: Audience):
    def breakdowns(measure: Measure) -> tuple[str, ...]:
        return tuple(b for b in breakdowns_for(measure, audience) if b in DASHBOARD_BREAKDOWNS)

    return breakdowns


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


def build(
    *,
    departement,
    organisation,
    year: int,
    today: date,
    suppressed: bool,
    threshold: int,
    code: str | None = None,
    prefix: str = "",
) -> Dashboard:
    """The dashboard of `organisation` (None: the whole département) for `year`, the indicators whose code
    starts with `prefix` (a domain); with `code`, that indicator only (its page: every breakdown table), its
    figures and secret cells the same as on the dashboard. Raises KeyError for an unknown or unpublished
    code."""
    (start, end), (p_start, p_end) = periods(year, today)
    scope = Scope(departement=departement, start=start, end=end, organisation=organisation)
    previous_scope = Scope(departement=departement, start=p_start, end=p_end, organisation=organisation)
    audience = Audience.PARTNER if suppressed else Audience.SECRETARIAT
    measures = [
        m
        for m in measures_for(audience, own_organisation=organisation is not None)
        if m.code.startswith(prefix)
    ]
    if code is not None:
        measures = [m for m in measures if m.code == code]
        if not measures:
            raise KeyError(code)
    shown = _shown_breakdowns(audience)
    # Each measure's records read once for both periods (registry.evaluate_periods).
    with kit.labels_read_once():
        evaluated = {m.code: evaluate_periods(m, [scope, previous_scope], shown(m)) for m in measures}
        now = publish_set(
            measures,
            scope,
            audience=audience,
            threshold=threshold,
            breakdowns=shown,
            evaluations={c: e[0] for c, e in evaluated.items()},
        )
        before = publish_set(
            measures,
            previous_scope,
            audience=audience,
            threshold=threshold,
            breakdowns=shown,
            evaluations={c: e[1] for c, e in evaluated.items()},
        )
    sections = [_section(m, year, now[m.code], before[m.code]) for m in measures]
    return Dashboard(
        year=year,
        scope=scope,
        previous_scope=previous_scope,
        suppressed=suppressed,
        threshold=threshold,
        sections=sections,
    )
