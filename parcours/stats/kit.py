"""Building blocks of measures (parcours.stats.registry): the breakdowns every indicator may share, defined
once, so that « by month », « by sex » or « by age band » mean the same thing in every app's measures.py.

A measure built here reads a queryset of records (`records(scope)`, already limited to the scope's
département and organisation), keeps those whose `date` field falls in the scope's days, and:

- `counted`: counts them (or the distinct people behind them), in total or per label of a breakdown;
- `distributed`: computes a statistic of one number per record (a delay in days, an amount) — median, 90th
  percentile, mean or sum — with the number of records it rests on, per label too (statistical secrecy hides
  a statistic resting on fewer people than the threshold).

Every breakdown lists all its labels (zeros included), in a fixed order: tables of two years line up, and a
table whose cells add up to its total is a partition that secrecy can audit with its margin.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractMonth, ExtractYear

from parcours.core.models import OrganisationKind
from parcours.people.models import NationalityGroup, Sex

from . import rules
from .registry import Evaluation, Measure, Scope

TIME_AXES = ("month", "quarter", "year")


@dataclass(frozen=True)
class Axis:
    """A breakdown by a field of the records (a path such as "pathway__person__sex")."""

    path: str
    labels: Callable[[Scope], list[tuple[object, str]]]  # every (key, label) the breakdown shows, in order
    # key read from the row -> key of `labels` (e.g. a birth year and the event's year -> an age band).
    to_key: Callable[[object, object], object] | None = None
    # A second path the key needs (the event's year for an age band).
    with_path: str | None = None


def choices_axis(path: str, choices: Iterable[tuple[str, str]]) -> Axis:
    pairs = [(value, str(label)) for value, label in choices]
    return Axis(path, lambda scope: pairs)


def sex_axis(path: str) -> Axis:
    return choices_axis(path, Sex.choices)


def nationality_axis(path: str) -> Axis:
    return choices_axis(path, NationalityGroup.choices)


def age_band_of(age: int) -> str:
    for upper, label in rules.AGE_BANDS:
        if upper is None or age < upper:
            return label
    raise AssertionError("the last age band has no upper bound")


def age_axis(birth_year_path: str, date_path: str | None = None, *, year_path: str | None = None) -> Axis:
    """Age in whole years at the record's date (`date_path`) or in the year `year_path` reads, from the birth
    year (the only age Parcours keeps in clear: the birth date is encrypted)."""
    labels = [(label, label) for _, label in rules.AGE_BANDS]

    def to_key(birth_year, year):
        if birth_year is None or year is None:
            return rules.AGE_UNKNOWN
        return age_band_of(int(year) - int(birth_year))

    return Axis(
        birth_year_path,
        lambda scope: [*labels, (rules.AGE_UNKNOWN, rules.AGE_UNKNOWN)],
        to_key=to_key,
        with_path=year_path or f"{date_path}__year",
    )


# Organisations that are not partners of the network: the prefecture itself and the national level.
NOT_PARTNERS = (OrganisationKind.PREFECTURE, OrganisationKind.NATIONAL)


def organisation_axis(path: str, kinds: tuple[str, ...] | None = (OrganisationKind.ASSOCIATION,)) -> Axis:
    """One label per organisation of the département (of `kinds`; None: every partner of the network), by
    name; with `scope.organisation`, that one only."""

    def labels(scope: Scope):
        from parcours.core.models import Organisation

        if scope.organisation is not None:
            return [(scope.organisation.pk, scope.organisation.name)]
        orgs = Organisation.objects.in_departement(scope.departement)
        orgs = orgs.exclude(kind__in=NOT_PARTNERS) if kinds is None else orgs.filter(kind__in=kinds)
        return [(o.pk, o.name) for o in orgs.order_by("name")]

    return Axis(f"{path}_id" if not path.endswith("_id") else path, labels)


def _months(start: date, end: date) -> list[tuple[object, str]]:
    out, (y, m) = [], (start.year, start.month)
    while (y, m) <= (end.year, end.month):
        out.append(((y, m), f"{y}-{m:02d}"))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _quarters(start: date, end: date) -> list[tuple[object, str]]:
    seen = []
    for (y, m), _ in _months(start, end):
        key = (y, (m - 1) // 3 + 1)
        if key not in seen:
            seen.append(key)
    return [(key, f"{key[0]}-T{key[1]}") for key in seen]


def _years(start: date, end: date) -> list[tuple[object, str]]:
    return [(y, str(y)) for y in range(start.year, end.year + 1)]


def _time_values(qs: QuerySet, date_path: str, by: str) -> tuple[QuerySet, list[str]]:
    """Annotate the year (and month) of the record's date; the key is built in Python."""
    qs = qs.annotate(_y=ExtractYear(date_path))
    if by == "year":
        return qs, ["_y"]
    return qs.annotate(_m=ExtractMonth(date_path)), ["_y", "_m"]


def _time_key(by: str, row: tuple) -> object:
    if by == "year":
        return row[0]
    y, m = row[0], row[1]
    return (y, m) if by == "month" else (y, (m - 1) // 3 + 1)


def _time_labels(by: str, scope: Scope) -> list[tuple[object, str]]:
    return {"month": _months, "quarter": _quarters, "year": _years}[by](scope.start, scope.end)


def _in_period(records: Callable[[Scope], QuerySet], date: str, scope: Scope) -> QuerySet:
    return records(scope).filter(**{f"{date}__range": (scope.start, scope.end)})


def _grouped_rows(qs: QuerySet, by: str, date: str, axes: dict[str, Axis], value_fields: list[str]):
    """Rows (key, *values) of the records for breakdown `by`, and its labels."""
    if by in TIME_AXES:
        qs, fields = _time_values(qs, date, by)
        for row in qs.values_list(*fields, *value_fields):
            yield _time_key(by, row[: len(fields)]), row[len(fields) :]
        return
    axis = axes[by]
    fields = [axis.path] + ([axis.with_path] if axis.with_path else [])
    for row in qs.values_list(*fields, *value_fields):
        key = axis.to_key(*row[: len(fields)]) if axis.to_key else row[0]
        yield key, row[len(fields) :]


def _labels(by: str, scope: Scope, axes: dict[str, Axis]) -> list[tuple[object, str]]:
    return _time_labels(by, scope) if by in TIME_AXES else axes[by].labels(scope)


def counted(
    records: Callable[[Scope], QuerySet],
    *,
    date: str,
    axes: dict[str, Axis] | None = None,
    distinct: str | None = None,
) -> tuple[Callable, tuple[str, ...]]:
    """compute(scope, by=None) counting the records dated in the scope (or the distinct values of
    `distinct`, e.g. the people behind them), and the breakdowns it accepts: month, quarter, year and the
    given axes. A record whose key is outside the labels (an organisation of another kind) is counted in
    the total, not in the table (the table is then not a partition of the total)."""
    axes = axes or {}

    def compute(scope: Scope, by: str | None = None):
        qs = _in_period(records, date, scope)
        if by is None:
            if distinct:
                return qs.aggregate(n=Count(distinct, distinct=True))["n"]
            return qs.count()
        labels = _labels(by, scope, axes)
        counts: dict[object, set | int] = defaultdict(set) if distinct else defaultdict(int)
        for key, values in _grouped_rows(qs, by, date, axes, [distinct] if distinct else []):
            if distinct:
                counts[key].add(values[0])
            else:
                counts[key] += 1
        return {
            label: (len(counts.get(key, ())) if distinct else counts.get(key, 0)) for key, label in labels
        }

    return compute, (*TIME_AXES, *axes)


def summed(
    records: Callable[[Scope], QuerySet],
    *,
    date: str,
    fields: tuple[str, ...],
    axes: dict[str, Axis] | None = None,
) -> tuple[Callable, tuple[str, ...]]:
    """compute(scope, by=None) summing `fields` over the records dated in the scope (contacts made in
    outreach rounds, people reached by prevention actions), in total or per label of a breakdown."""
    axes = axes or {}

    def number(row) -> int | float:
        total = sum(v or 0 for v in row)
        return int(total) if float(total).is_integer() else float(total)

    def compute(scope: Scope, by: str | None = None):
        qs = _in_period(records, date, scope)
        if by is None:
            return number(qs.aggregate(**{f"_{f}": Sum(f) for f in fields}).values())
        sums: dict[object, float] = defaultdict(float)
        for key, values in _grouped_rows(qs, by, date, axes, list(fields)):
            sums[key] += sum(v or 0 for v in values)
        return {label: number([sums.get(key, 0)]) for key, label in _labels(by, scope, axes)}

    return compute, (*TIME_AXES, *axes)


STATISTICS = {
    "median": lambda xs: _quantile(xs, 0.5),
    "p90": lambda xs: _quantile(xs, 0.9),
    "mean": lambda xs: sum(xs) / len(xs),
    "sum": sum,
}


def _quantile(values: list[float], q: float) -> float:
    """The q-quantile with linear interpolation between order statistics (R's type 7, numpy's default)."""
    xs = sorted(values)
    position = (len(xs) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return float(xs[low] + (xs[high] - xs[low]) * (position - low))


def distributed(
    records: Callable[[Scope], QuerySet],
    *,
    date: str,
    value: Callable[[tuple, Scope], float | None],
    fields: tuple[str, ...],
    statistic: str,
    axes: dict[str, Axis] | None = None,
    people: str | None = None,
) -> tuple[Callable, Callable, tuple[str, ...]]:
    """evaluate(scope, by=None) -> Evaluation of `statistic` over `value(row, scope)` for the records dated in
    the scope (`row`: the values of `fields`; a value None leaves the record out); the population is the
    number of distinct `people` (a path) behind the values kept, or of records. Returns (compute, evaluator,
    breakdowns)."""
    axes = axes or {}
    summarise = STATISTICS[statistic]
    read = [*fields, *([people] if people else [])]

    def _collect(rows, scope):
        values, who = [], set()
        for i, row in enumerate(rows):
            v = value(row[: len(fields)], scope)
            if v is None:
                continue
            values.append(v)
            who.add(row[len(fields)] if people else i)
        return values, who

    def evaluator(scope: Scope, by: str | None = None) -> Evaluation:
        qs = _in_period(records, date, scope)
        if by is None:
            values, who = _collect(qs.values_list(*read), scope)
            return Evaluation(summarise(values) if values else None, len(who))
        groups: dict[object, list] = defaultdict(list)
        for key, row in _grouped_rows(qs, by, date, axes, read):
            groups[key].append(row)
        result, population = {}, {}
        for key, label in _labels(by, scope, axes):
            values, who = _collect(groups.get(key, []), scope)
            result[label] = summarise(values) if values else None
            population[label] = len(who)
        return Evaluation(result, population)

    def compute(scope: Scope, by: str | None = None):
        return evaluator(scope, by).value

    evaluator.statistic = statistic  # type: ignore[attr-defined]
    return compute, evaluator, (*TIME_AXES, *axes)


def measure(
    code: str,
    label: str,
    definition: str,
    unit: str,
    built: tuple,
    *,
    source: str,
    **options,
) -> Measure:
    """A Measure from what `counted` or `distributed` built (`options`: Measure's other fields)."""
    if len(built) == 2:
        compute, breakdowns = built
        return Measure(code, label, definition, unit, compute, breakdowns, source=source, **options)
    compute, evaluator, breakdowns = built
    return Measure(
        code,
        label,
        definition,
        unit,
        compute,
        breakdowns,
        source=source,
        evaluator=evaluator,
        additive=getattr(evaluator, "statistic", None) == "sum",
        **options,
    )


def days_between(start_index: int, end_index: int) -> Callable[[tuple, Scope], float | None]:
    def value(row, scope):
        start, end = row[start_index], row[end_index]
        if start is None or end is None:
            return None
        return float((end - start).days)

    return value


__all__ = [
    "TIME_AXES",
    "Axis",
    "age_axis",
    "choices_axis",
    "counted",
    "days_between",
    "distributed",
    "measure",
    "nationality_axis",
    "organisation_axis",
    "sex_axis",
    "summed",
]
