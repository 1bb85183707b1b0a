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

import contextlib
import contextvars
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

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


# The organisations' labels read once per set of indicators published together (`labels_read_once`), not
# once per indicator: a département's organisations do not change within one page or one export.
_LABELS: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "stats_organisation_labels", default=None
)


@contextlib.contextmanager
def labels_read_once():
    token = _LABELS.set({})
    try:
        yield
    finally:
        _LABELS.reset(token)


# Organisations that are not partners of the network: the prefecture itself and the national level.
NOT_PARTNERS = (OrganisationKind.PREFECTURE, OrganisationKind.NATIONAL)


def organisation_axis(path: str, kinds: tuple[str, ...] | None = (OrganisationKind.ASSOCIATION,)) -> Axis:
    """One label per organisation of the département (of `kinds`; None: every partner of the network), by
    name; with `scope.organisation`, that one only."""

    def labels(scope: Scope):
        from parcours.core.models import Organisation

        if scope.organisation is not None:
            return [(scope.organisation.pk, scope.organisation.name)]
        memo = _LABELS.get()
        key = (scope.departement.pk, kinds)
        if memo is not None and key in memo:
            return memo[key]
        orgs = Organisation.objects.in_departement(scope.departement)
        orgs = orgs.exclude(kind__in=NOT_PARTNERS) if kinds is None else orgs.filter(kind__in=kinds)
        found = [(o.pk, o.name) for o in orgs.order_by("name")]
        if memo is not None:
            memo[key] = found
        return found

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


def _time_labels(by: str, scope: Scope) -> list[tuple[object, str]]:
    return {"month": _months, "quarter": _quarters, "year": _years}[by](scope.start, scope.end)


def labels_of(by: str, scope: Scope, axes: dict[str, Axis]) -> list[tuple[object, str]]:
    return _time_labels(by, scope) if by in TIME_AXES else axes[by].labels(scope)


def in_period(records: Callable[[Scope], QuerySet], date: str, scope: Scope) -> QuerySet:
    return records(scope).filter(**{f"{date}__range": (scope.start, scope.end)})


class Rows:
    """The records of a scope, read ONCE with every column the asked breakdowns and values need (one query
    per indicator and period, whatever the number of breakdowns), then grouped in Python."""

    def __init__(self, qs: QuerySet, date: str, axes: dict[str, Axis], bys, values: list[str]):
        columns = [date]
        for by in bys:
            if by not in TIME_AXES:
                axis = axes[by]
                columns += [axis.path] + ([axis.with_path] if axis.with_path else [])
        columns = list(dict.fromkeys([*columns, *values]))
        self.index = {c: i for i, c in enumerate(columns)}
        self.rows = list(qs.values_list(*columns))
        self.date, self.axes, self.values = date, axes, values

    def value(self, row, column: str):
        return row[self.index[column]]

    def key(self, by: str, row):
        if by in TIME_AXES:
            day = row[self.index[self.date]]
            if by == "year":
                return day.year
            return (day.year, day.month) if by == "month" else (day.year, (day.month - 1) // 3 + 1)
        axis = self.axes[by]
        value = row[self.index[axis.path]]
        return axis.to_key(value, row[self.index[axis.with_path]]) if axis.to_key else value

    def groups(self, by: str) -> dict[object, list]:
        out: dict[object, list] = defaultdict(list)
        for row in self.rows:
            out[self.key(by, row)].append(row)
        return out


def _batched(batch):
    """compute(scope, by=None) from batch(scope, bys) -> {None or by: Evaluation}."""

    def compute(scope: Scope, by: str | None = None):
        return batch(scope, [by] if by else [])[by].value

    return compute


def counted(
    records: Callable[[Scope], QuerySet],
    *,
    date: str,
    axes: dict[str, Axis] | None = None,
    distinct: str | None = None,
) -> tuple:
    """Counts the records dated in the scope (or the distinct values of `distinct`, e.g. the people behind
    them), in total and per label of each breakdown: month, quarter, year and the given axes. A record whose
    key is outside the labels (an organisation of another kind) is counted in the total, not in the table
    (the table is then not a partition of the total). Returns (compute, batch, breakdowns)."""
    axes = axes or {}

    def batch(scope: Scope, bys) -> dict:
        data = Rows(in_period(records, date, scope), date, axes, bys, [distinct] if distinct else [])

        def count(rows) -> int:
            return len({data.value(r, distinct) for r in rows}) if distinct else len(rows)

        out = {None: Evaluation(count(data.rows))}
        for by in bys:
            groups = data.groups(by)
            out[by] = Evaluation(
                {label: count(groups.get(key, [])) for key, label in labels_of(by, scope, axes)}
            )
        return out

    return _batched(batch), batch, (*TIME_AXES, *axes)


def _number(total: float) -> int | float:
    return int(total) if float(total).is_integer() else float(total)


def summed(
    records: Callable[[Scope], QuerySet],
    *,
    date: str,
    fields: tuple[str, ...],
    axes: dict[str, Axis] | None = None,
) -> tuple:
    """Sums `fields` over the records dated in the scope (contacts made in outreach rounds, people reached by
    prevention actions), in total and per label of each breakdown. Returns (compute, batch, breakdowns)."""
    axes = axes or {}

    def batch(scope: Scope, bys) -> dict:
        data = Rows(in_period(records, date, scope), date, axes, bys, list(fields))

        def total(rows) -> int | float:
            return _number(sum(float(data.value(r, f) or 0) for r in rows for f in fields))

        out = {None: Evaluation(total(data.rows))}
        for by in bys:
            groups = data.groups(by)
            out[by] = Evaluation(
                {label: total(groups.get(key, [])) for key, label in labels_of(by, scope, axes)}
            )
        return out

    return _batched(batch), batch, (*TIME_AXES, *axes)


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
) -> tuple:
    """`statistic` of `value(row, scope)` over the records dated in the scope (`row`: the values of `fields`;
    a value None leaves the record out), with its population: the distinct `people` (a path) behind the
    values kept, or the records; in total and per label of each breakdown. Returns (compute, batch,
    breakdowns)."""
    axes = axes or {}
    summarise = STATISTICS[statistic]

    def batch(scope: Scope, bys) -> dict:
        data = Rows(
            in_period(records, date, scope), date, axes, bys, [*fields, *([people] if people else [])]
        )

        def evaluate(rows):
            values, who = [], set()
            for i, row in enumerate(rows):
                v = value(tuple(data.value(row, f) for f in fields), scope)
                if v is None:
                    continue
                values.append(v)
                who.add(data.value(row, people) if people else i)
            return (summarise(values) if values else None), len(who)

        value_all, population_all = evaluate(data.rows)
        out = {None: Evaluation(value_all, population_all)}
        for by in bys:
            groups = data.groups(by)
            values, populations = {}, {}
            for key, label in labels_of(by, scope, axes):
                values[label], populations[label] = evaluate(groups.get(key, []))
            out[by] = Evaluation(values, populations)
        return out

    batch.statistic = statistic  # type: ignore[attr-defined]
    return _batched(batch), batch, (*TIME_AXES, *axes)


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
    """A Measure from what `counted`, `summed` or `distributed` built (`options`: Measure's other fields)."""
    compute, batch, breakdowns = built
    options.setdefault("additive", getattr(batch, "statistic", None) == "sum")
    if getattr(batch, "statistic", None) is not None:
        # A statistic's population, readable on its own (Measure.population) as well as through evaluate.
        options.setdefault(
            "population", lambda scope, by=None: batch(scope, [by] if by else [])[by].population
        )
    return Measure(code, label, definition, unit, compute, breakdowns, source=source, batch=batch, **options)


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
