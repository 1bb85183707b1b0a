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
from .registry import DEPARTEMENT_COLUMN, Evaluation, Measure, Scope

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


# The organisations of a département read once per set of indicators published together
# (`labels_read_once`), not once per indicator: a département's organisations do not change within one page
# or one export. For a multi-département scope, `prefetch_organisations` reads them all in one query.
_LABELS: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "stats_organisation_labels", default=None
)


@contextlib.contextmanager
def labels_read_once():
    if _LABELS.get() is not None:  # within an outer set: its memo serves
        yield
        return
    token = _LABELS.set({})
    try:
        yield
    finally:
        _LABELS.reset(token)


# Organisations that are not partners of the network: the prefecture itself and the national level.
NOT_PARTNERS = (OrganisationKind.PREFECTURE, OrganisationKind.NATIONAL)


def _organisations(departement) -> list[tuple[object, str, str]]:
    """(pk, name, kind) of the département's organisations, by name."""
    from parcours.core.models import Organisation

    memo = _LABELS.get()
    key = getattr(departement, "pk", departement)
    if memo is not None and key in memo:
        return memo[key]
    found = list(
        Organisation.objects.filter(departement=key).order_by("name").values_list("pk", "name", "kind")
    )
    if memo is not None:
        memo[key] = found
    return found


def prefetch_organisations(departements) -> None:
    """Within `labels_read_once`: the organisations of every département of `departements` in one query."""
    from parcours.core.models import Organisation

    memo = _LABELS.get()
    if memo is None:
        return
    ids = [getattr(d, "pk", d) for d in departements if getattr(d, "pk", d) not in memo]
    if not ids:
        return
    for pk in ids:
        memo[pk] = []
    rows = Organisation.objects.filter(departement__in=ids).order_by("name")
    for departement, pk, name, kind in rows.values_list("departement_id", "pk", "name", "kind"):
        memo[departement].append((pk, name, kind))


def organisation_axis(path: str, kinds: tuple[str, ...] | None = (OrganisationKind.ASSOCIATION,)) -> Axis:
    """One label per organisation of the département (of `kinds`; None: every partner of the network), by
    name; with `scope.organisation`, that one only."""

    def labels(scope: Scope):
        if scope.organisation is not None:
            return [(scope.organisation.pk, scope.organisation.name)]
        return [
            (pk, name)
            for pk, name, kind in _organisations(scope.departement)
            if (kind not in NOT_PARTNERS if kinds is None else kind in kinds)
        ]

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


def in_period(records: Callable[[Scope], QuerySet], date: str | None, scope: Scope) -> QuerySet:
    """The records dated in the scope's days; date None: a stock, `records` already reads it at a date."""
    if date is None:
        return records(scope)
    return records(scope).filter(**{f"{date}__range": (scope.start, scope.end)})


class Rows:
    """The records of a scope, read ONCE with every column the asked breakdowns and values need (one query
    per indicator and period, whatever the number of breakdowns), then grouped in Python. For a
    multi-département scope, each row carries its département (`per_departement` splits them)."""

    def __init__(self, qs: QuerySet | None, date: str | None, axes: dict[str, Axis], bys, values: list[str]):
        columns = [date] if date else []
        for by in bys:
            if by not in TIME_AXES:
                axis = axes[by]
                columns += [axis.path] + ([axis.with_path] if axis.with_path else [])
        columns = list(dict.fromkeys([*columns, *values]))
        self.index = {c: i for i, c in enumerate(columns)}
        self.rows = list(qs.values_list(*columns)) if qs is not None else []
        self.date, self.axes, self.values = date, axes, values

    @classmethod
    def of(
        cls, records, date: str | None, scope: Scope, axes: dict[str, Axis], bys, values: list[str]
    ) -> Rows:
        """The records of `records(scope)` dated in the scope, with `values` (and each row's département for
        a multi-département scope)."""
        extra = [DEPARTEMENT_COLUMN] if scope.departements else []
        return cls(in_period(records, date, scope), date, axes, bys, [*values, *extra])

    def subset(self, rows: list) -> Rows:
        other = Rows.__new__(Rows)
        other.index, other.rows, other.date, other.axes, other.values = (
            self.index,
            rows,
            self.date,
            self.axes,
            self.values,
        )
        return other

    def per_departement(self, scope: Scope) -> dict:
        """{departement id: the rows of that département} for each département of a multi-département scope
        (an empty set for one with no record)."""
        column = self.index[DEPARTEMENT_COLUMN]
        parts: dict[object, list] = defaultdict(list)
        for row in self.rows:
            parts[row[column]].append(row)
        return {d.pk: self.subset(parts.get(d.pk, [])) for d in scope.departements}

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


def batch_of(
    read: Callable[[Scope, list], Rows],
    summarise: Callable[[Rows, Scope, list], dict],
    date: str | None = None,
):
    """batch(scope, bys) for one département and across(scope, bys) for several, from `read(scope, bys)`
    (the records, one query) and `summarise(rows, scope, bys)` (the figures of one département's rows).
    With `date` (the records' date column), periods(scopes, bys): the figures of several periods of one
    département (a year and the year before) from one read of the records of them all."""

    def batch(scope: Scope, bys) -> dict:
        return summarise(read(scope, bys), scope, bys)

    def periods(scopes: list[Scope], bys) -> list[dict]:
        first = scopes[0]
        union = Scope(
            first.departement, min(s.start for s in scopes), max(s.end for s in scopes), first.organisation
        )
        data = read(union, bys)
        column = data.index[date]
        return [
            summarise(data.subset([r for r in data.rows if s.start <= r[column] <= s.end]), s, bys)
            for s in scopes
        ]

    if date is not None:
        batch.periods = periods  # type: ignore[attr-defined]

    def across(scope: Scope, bys) -> dict:
        prefetch_organisations(scope.departements)
        parts = read(scope, bys).per_departement(scope)
        return {d.pk: summarise(parts[d.pk], scope.one(d), bys) for d in scope.departements}

    batch.across = across  # type: ignore[attr-defined]
    return batch


def per_departement(read: Callable[[Scope], object], of: Callable[[object, object, list], dict]):
    """batch(scope, bys) and its across(scope, bys) for a measure computed from one read of the records of
    one or several départements: `read(scope)` (one or two grouped queries, its result keyed by département
    id, see `departement_key`) and `of(departement id, read's result, bys)` -> {None or by: Evaluation}."""

    def batch(scope: Scope, bys) -> dict:
        return of(scope.departement.pk, read(scope), bys)

    def across(scope: Scope, bys) -> dict:
        data = read(scope)
        return {d.pk: of(d.pk, data, bys) for d in scope.departements}

    batch.across = across  # type: ignore[attr-defined]
    return batch


def grouped(qs: QuerySet, scope: Scope, *columns: str, **aggregates) -> dict:
    """{(département id, *columns' values): aggregates' values} in one query grouped by département (the
    scope's own id for one département) and `columns`; one aggregate: its value alone."""
    key = [DEPARTEMENT_COLUMN] if scope.departements else []
    names = list(aggregates)
    if not key and not columns:  # one département, no grouping: an aggregate
        found = qs.aggregate(**aggregates)
        values = tuple(found[n] for n in names)
        return {(scope.departement.pk,): values[0] if len(values) == 1 else values}
    rows = (
        qs.values_list(*key, *columns).annotate(**aggregates).values_list(*key, *columns, *names).order_by()
    )
    out = {}
    for row in rows:
        head = row[: len(key) + len(columns)]
        head = head if key else (scope.departement.pk, *head)
        values = row[len(key) + len(columns) :]
        out[tuple(head)] = values[0] if len(values) == 1 else tuple(values)
    return out


def compute_of(batch):
    """compute(scope, by=None) from batch(scope, bys) -> {None or by: Evaluation}."""

    def compute(scope: Scope, by: str | None = None):
        return batch(scope, [by] if by else [])[by].value

    return compute


def evaluations(data: Rows, scope: Scope, bys, axes: dict[str, Axis], summary) -> dict:
    """{None: the total's Evaluation, by: one value per label} from `summary(rows) -> (value, population)`
    applied to all the rows and to each label's rows (no population for the total, as for a count: none
    carried for the labels either)."""
    value, population = summary(data.rows)
    out = {None: Evaluation(value, population)}
    for by in bys:
        groups = data.groups(by)
        values, populations = {}, {}
        for key, label in labels_of(by, scope, axes):
            values[label], populations[label] = summary(groups.get(key, []))
        out[by] = Evaluation(values, populations if population is not None else None)
    return out


def counted(
    records: Callable[[Scope], QuerySet],
    *,
    date: str | None,
    axes: dict[str, Axis] | None = None,
    distinct: str | None = None,
) -> tuple:
    """Counts the records dated in the scope (or the distinct values of `distinct`, e.g. the people behind
    them), in total and per label of each breakdown: month, quarter, year and the given axes. A record whose
    key is outside the labels (an organisation of another kind) is counted in the total, not in the table
    (the table is then not a partition of the total). `date` None: a stock read by `records` at a date (no
    time breakdowns). Returns (compute, batch, breakdowns)."""
    axes = axes or {}

    def read(scope: Scope, bys) -> Rows:
        return Rows.of(records, date, scope, axes, bys, [distinct] if distinct else [])

    def summarise(data: Rows, scope: Scope, bys) -> dict:
        def count(rows) -> tuple[int, None]:
            return (len({data.value(r, distinct) for r in rows}) if distinct else len(rows)), None

        return evaluations(data, scope, bys, axes, count)

    batch = batch_of(read, summarise, date)
    return compute_of(batch), batch, (*(TIME_AXES if date else ()), *axes)


def _number(total: float) -> int | float:
    return int(total) if float(total).is_integer() else float(total)


def summed(
    records: Callable[[Scope], QuerySet],
    *,
    date: str,
    fields: tuple[str, ...],
    axes: dict[str, Axis] | None = None,
    by_field: tuple[str, list[tuple[str, str]]] | None = None,
) -> tuple:
    """Sums `fields` over the records dated in the scope (contacts made in outreach rounds, people reached by
    prevention actions), in total and per label of each breakdown. `by_field`: (name, [(field, label)]), a
    breakdown whose cells are the sums of each field (participants by origin of their obligation). Returns
    (compute, batch, breakdowns)."""
    axes = axes or {}
    field_by, field_labels = by_field or (None, [])

    def read(scope: Scope, bys) -> Rows:
        return Rows.of(records, date, scope, axes, [b for b in bys if b != field_by], list(fields))

    def summarise(data: Rows, scope: Scope, bys) -> dict:
        def total(rows, of=fields) -> int | float:
            return _number(sum(float(data.value(r, f) or 0) for r in rows for f in of))

        out = evaluations(
            data, scope, [b for b in bys if b != field_by], axes, lambda rows: (total(rows), None)
        )
        if field_by in bys:
            out[field_by] = Evaluation({label: total(data.rows, (f,)) for f, label in field_labels})
        return out

    batch = batch_of(read, summarise, date)
    return compute_of(batch), batch, (*TIME_AXES, *axes, *([field_by] if field_by else []))


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
    statistic_of = STATISTICS[statistic]

    def read(scope: Scope, bys) -> Rows:
        return Rows.of(records, date, scope, axes, bys, [*fields, *([people] if people else [])])

    def summarise(data: Rows, scope: Scope, bys) -> dict:
        def evaluate(rows):
            values, who = [], set()
            for i, row in enumerate(rows):
                v = value(tuple(data.value(row, f) for f in fields), scope)
                if v is None:
                    continue
                values.append(v)
                who.add(data.value(row, people) if people else i)
            return (statistic_of(values) if values else None), len(who)

        return evaluations(data, scope, bys, axes, evaluate)

    batch = batch_of(read, summarise, date)
    batch.statistic = statistic  # type: ignore[attr-defined]
    return compute_of(batch), batch, (*TIME_AXES, *axes)


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
    options.setdefault("across", getattr(batch, "across", None))
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
    "batch_of",
    "choices_axis",
    "compute_of",
    "evaluations",
    "grouped",
    "per_departement",
    "counted",
    "days_between",
    "distributed",
    "measure",
    "nationality_axis",
    "organisation_axis",
    "prefetch_organisations",
    "sex_axis",
    "summed",
]
