"""The figures of an indicator, year by year over its convention's (or strategy's) period, with its target.

A registry measure is computed for each calendar year of the period (clipped to the period and to today: the
figures « so far ») and for the whole period; a manual indicator adds up the values the secretariat entered,
each counted in the year its period ends (manual values are counts). A measure that returns None shows
« donnée non disponible », never
0; a code that is not registered shows that the indicator's source is not available.

Outside the secretariat, counts go through statistical secrecy (parcours.secrecy, threshold of the dated
setting `diagnostic.secrecy_threshold`): the yearly cells and their total as one table (primary and secondary
suppression), and a progress towards a target is hidden with the figure it would give back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from parcours.secrecy import published_count, suppress
from parcours.secrecy.tables import format_count
from parcours.stats import registry
from parcours.stats.registry import Scope

from .models import Indicator, IndicatorKind, TargetBasis

UNAVAILABLE = "donnée non disponible"
NOT_ENTERED = "non saisie"
SECRET = "secret (moins de {threshold})"  # noqa: S105 - a label, not a password
UNIT_SUFFIX = {"count": "", "euros": " €", "days": " jours", "months": " mois", "percent": " %", "ratio": ""}
ADDITIVE_UNITS = ("count", "euros")


@dataclass(frozen=True)
class Window:
    label: str
    start: date
    end: date
    partial: bool  # the year is cut by the period's bounds or by today


@dataclass
class Cell:
    label: str
    value: int | float | Decimal | None = None
    state: str = "ok"  # ok, unavailable, missing, secret
    display: str = ""
    progress: str = ""  # « 45 % » of an annual target (empty when there is none or it would disclose)


@dataclass
class IndicatorFigures:
    indicator: Indicator
    label: str
    definition: str
    unit: str
    available: bool  # False: the measure's code is not registered at runtime
    cells: list[Cell] = field(default_factory=list)
    total: Cell | None = None
    target: str = ""
    secrecy_applied: bool = False


def windows(start: date, end: date, today: date) -> list[Window]:
    """Calendar years of start..end, the last one stopping at today. Empty before the period starts."""
    stop = min(end, today)
    result = []
    for year in range(start.year, stop.year + 1):
        w_start, w_end = max(start, date(year, 1, 1)), min(stop, date(year, 12, 31))
        if w_start > w_end:
            continue
        partial = (w_start, w_end) != (date(year, 1, 1), date(year, 12, 31))
        result.append(Window(str(year), w_start, w_end, partial))
    return result


def format_value(value, unit: str) -> str:
    if value is None:
        return UNAVAILABLE
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    if isinstance(value, int):
        text = format_count(value)
    else:
        text = f"{float(value):.1f}".replace(".", ",")
    return text + UNIT_SUFFIX.get(unit, "")


def _progress(value, target: Decimal | None) -> str:
    if value is None or target is None or target <= 0:
        return ""
    return f"{round(Decimal(str(value)) * 100 / target)} %"


def _measure_cells(measure, departement, organisation, spans: list[Window], period: Window):
    cells = []
    for w in spans:
        scope = Scope(departement=departement, start=w.start, end=w.end, organisation=organisation)
        cells.append((w, measure.value(scope), scope))
    total_scope = Scope(
        departement=departement, start=period.start, end=period.end, organisation=organisation
    )
    return cells, (measure.value(total_scope), total_scope)


def _manual_cells(indicator: Indicator, spans: list[Window], period: Window):
    values = list(indicator.values.all())
    cells = []
    for w in spans:
        inside = [v for v in values if w.start <= v.period_end <= w.end]
        cells.append((w, _combine(inside, indicator), None))
    inside = [v for v in values if period.start <= v.period_end <= period.end]
    return cells, (_combine(inside, indicator), None)


def _combine(values, indicator: Indicator):
    """Entered values of a window (counts), added up; None when nothing was entered for it."""
    if not values:
        return None
    return sum((v.value for v in values), Decimal(0))


def indicator_figures(
    indicator: Indicator,
    *,
    departement,
    start: date,
    end: date,
    today: date,
    organisation=None,
    exact: bool,
    threshold: int,
) -> IndicatorFigures:
    spans = windows(start, end, today)
    period = Window("Total", start, min(end, today), False)
    target = indicator.target
    if indicator.kind == IndicatorKind.MEASURE:
        try:
            measure = registry.get(indicator.measure_code)
        except KeyError:
            return IndicatorFigures(
                indicator,
                indicator.label or indicator.measure_code,
                "La source de cet indicateur n'est pas disponible dans cette installation de Parcours "
                f"(mesure « {indicator.measure_code} » non enregistrée) : aucun chiffre ne peut être "
                "calculé.",
                "count",
                available=False,
            )
        label, definition, unit = indicator.label or measure.label, measure.definition, measure.unit
        raw, (total_value, total_scope) = (
            _measure_cells(measure, departement, organisation, spans, period) if spans else ([], (None, None))
        )
        population = measure.population
    else:
        label, unit = indicator.label, "count"
        definition = "Valeurs saisies par le secrétariat, période par période."
        raw, (total_value, total_scope) = (
            _manual_cells(indicator, spans, period) if spans else ([], (None, None))
        )
        population = None

    cells = [Cell(w.label + (" (en partie)" if w.partial else ""), value) for w, value, _ in raw]
    total = Cell("Total" if unit in ADDITIVE_UNITS else "Sur toute la période", total_value)
    for cell in [*cells, total]:
        if cell.value is None:
            cell.state = "missing" if indicator.kind == IndicatorKind.MANUAL else "unavailable"
    secrecy_applied = False
    if not exact:
        secrecy_applied = _apply_secrecy(
            cells, total, unit, population, [s for _, _, s in raw], total_scope, threshold
        )
    for cell in [*cells, total]:
        if cell.state == "ok":
            cell.display = format_value(cell.value, unit)
        elif cell.state == "secret":
            cell.display = SECRET.format(threshold=threshold)
        else:
            cell.display = NOT_ENTERED if cell.state == "missing" else UNAVAILABLE
    if target is not None:
        basis = indicator.target_basis
        for cell in cells if basis == TargetBasis.YEAR else [total]:
            if cell.state == "ok":
                cell.progress = _progress(cell.value, target)
    target_text = (
        f"{format_value(target, unit)} {indicator.get_target_basis_display()}" if target is not None else ""
    )
    return IndicatorFigures(
        indicator,
        label,
        definition,
        unit,
        True,
        cells,
        total if spans else None,
        target_text,
        secrecy_applied,
    )


def _apply_secrecy(cells, total, unit, population, scopes, total_scope, threshold) -> bool:
    """Hide what would disclose a small count (docs/secret-statistique.md). Whether anything is hidden."""
    hidden = False
    if unit == "count":
        known = {c.label: int(c.value) for c in cells if c.state == "ok"}
        total_known = total.state == "ok"
        if known:
            protected = suppress(known, threshold, total=int(total.value) if total_known else None)
            for cell, p in zip([c for c in cells if c.state == "ok"], protected, strict=True):
                if p.hidden:
                    cell.state, hidden = "secret", True
        if total_known and published_count(int(total.value), threshold).hidden:
            total.state, hidden = "secret", True
    elif population is not None:
        for cell, scope in [*zip(cells, scopes, strict=False), (total, total_scope)]:
            if cell.state == "ok" and scope is not None and population(scope) < threshold:
                cell.state, hidden = "secret", True
    return hidden
