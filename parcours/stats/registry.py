"""One registry of measures: every figure shown on a dashboard, a convention's page, the annual report or
sent to the national level is defined once, in the `measures.py` of the app that owns its data.

A measure is computed for a scope (a département, a period, optionally one organisation) and returns a
number, or None when its source does not exist for that scope (never a 0 that would mean « nothing »).
With `by`, it returns one number per label of that breakdown (e.g. "age_band", "organisation", "month").

Statistical secrecy is not applied here: the caller that publishes a figure outside the secretariat passes
the result through `parcours.secrecy` (a count from 1 to 10 is secret; see docs/secret-statistique.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import F

# Units a measure may have (issue 13's JSON contract uses the same words).
UNITS = ("count", "euros", "days", "months", "percent", "ratio")


# The column a multi-département scope's records carry: the département each row belongs to.
DEPARTEMENT_COLUMN = "stats_departement"


@dataclass(frozen=True)
class Scope:
    """What a measure is computed over: one département, the days start..end (both included), and
    optionally one organisation (a partner's own activity).

    `Scope.across(departements, start, end)` is several départements at once (the national set, a region):
    `evaluate_across` computes each département's figures from one read of the records of them all. A
    records function limits its queryset with `scope.within(qs, path)`, which works for both."""

    departement: object
    start: date
    end: date
    organisation: object | None = None
    departements: tuple = ()

    @classmethod
    def across(cls, departements, start: date, end: date) -> Scope:
        return cls(None, start, end, departements=tuple(departements))

    def within(self, qs, path: str = "departement"):
        """`qs` limited to this scope's département(s) through `path` (a foreign key to Departement); for
        several, each row carries its département's id in DEPARTEMENT_COLUMN."""
        if not self.departements:
            return qs.filter(**{path: self.departement})
        ids = [getattr(d, "pk", d) for d in self.departements]
        return qs.filter(**{f"{path}__in": ids}).annotate(**{DEPARTEMENT_COLUMN: F(f"{path}_id")})

    def one(self, departement) -> Scope:
        """This scope for one of its départements."""
        return Scope(departement, self.start, self.end, self.organisation)


Value = int | float | None
Breakdown = dict[str, Value]


@dataclass(frozen=True)
class Evaluation:
    """What a measure gives for a scope: its value (or one value per label of a breakdown) and, for a
    statistic that is not a count of people (a median delay, an amount), the number of people it rests on
    (one number per label for a breakdown), which statistical secrecy needs. None: not known."""

    value: Value | Breakdown
    population: int | dict[str, int] | None = None


@dataclass(frozen=True)
class Part:
    """A measure that is a sum of cells of another one (first requests: the « engagement » cell of requests
    submitted by kind). Published outside the secretariat, it must not give back a cell its parent hides."""

    code: str
    by: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Measure:
    code: str  # stable, dotted: "referrals.detections", "actions.outreach_contacts"
    label: str  # French, as a user reads it
    definition: str  # French: what is counted, from which records, on which date
    unit: str  # one of UNITS
    compute: Callable[..., Value | Breakdown]  # compute(scope, by=None)
    breakdowns: tuple[str, ...] = field(default=())  # the `by` values compute accepts
    # Number of people the value is computed over, for statistics that are not counts (a median delay):
    # secrecy hides such a value when it rests on fewer people than the threshold. None for counts.
    population: Callable[..., int | dict[str, int]] | None = None
    # French: the records the measure reads, as a user names them (« Demandes de PSP (Parcours) »).
    source: str = ""
    # A statistic whose value and population come from one pass over the records (kit.distributed):
    # evaluate(scope, by=None) -> Evaluation. When set, `compute` and `population` delegate to it.
    evaluator: Callable[..., Evaluation] | None = None
    # Every asked breakdown in one pass over the records (kit): batch(scope, bys) -> {None or by: Evaluation}.
    batch: Callable[..., dict] | None = None
    # A non-count whose breakdown cells add up to its total (a sum of money): secrecy then protects its
    # secret cells from being recomputed from the others, as for counts.
    additive: bool = False
    # Statistical secrecy protects people: a measure that counts no person and nothing about one (meetings
    # held, associations approved, prevention actions run) is published as it is. Default: it does.
    about_people: bool = True
    # A sum of cells of another measure (see Part).
    part_of: Part | None = None
    # Each département of a multi-département scope in one read (kit): across(scope, bys) ->
    # {departement id: {None or by: Evaluation}}. Without it, evaluate_across evaluates them one by one.
    across: Callable[..., dict] | None = None
    # A figure for the secretariat's own management only (the register's count, which would give back other
    # published figures by difference): never published outside its screen.
    secretariat_only: bool = False

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"Unité inconnue pour {self.code} : {self.unit}")

    def value(self, scope: Scope) -> Value:
        return self.compute(scope)

    def breakdown(self, scope: Scope, by: str) -> Breakdown:
        if by not in self.breakdowns:
            raise ValueError(f"Ventilation « {by} » non prévue pour {self.code}")
        return self.compute(scope, by=by)

    def evaluate(self, scope: Scope, by: str | None = None) -> Evaluation:
        """Value and population in one call (one pass over the records where the measure allows it)."""
        if by is not None and by not in self.breakdowns:
            raise ValueError(f"Ventilation « {by} » non prévue pour {self.code}")
        if self.batch is not None:
            return self.batch(scope, [by] if by else [])[by]
        if self.evaluator is not None:
            return self.evaluator(scope, by)
        value = self.compute(scope) if by is None else self.compute(scope, by=by)
        population = None
        if self.population is not None and value is not None:
            population = self.population(scope) if by is None else _population_by(self, scope, by)
        return Evaluation(value, population)


def evaluate_many(measure: Measure, scope: Scope, bys) -> dict:
    """{None: the total's Evaluation, by: each breakdown's}: in one pass when the measure allows it."""
    for by in bys:
        if by not in measure.breakdowns:
            raise ValueError(f"Ventilation « {by} » non prévue pour {measure.code}")
    if measure.batch is not None:
        return measure.batch(scope, list(bys))
    return {None: measure.evaluate(scope), **{by: measure.evaluate(scope, by) for by in bys}}


def evaluate_across(measure: Measure, scope: Scope, bys) -> dict:
    """{departement id: evaluate_many(measure, that département's scope, bys)} for a multi-département
    scope: one read of every département's records when the measure allows it."""
    for by in bys:
        if by not in measure.breakdowns:
            raise ValueError(f"Ventilation « {by} » non prévue pour {measure.code}")
    if measure.across is not None:
        return measure.across(scope, list(bys))
    return {d.pk: evaluate_many(measure, scope.one(d), bys) for d in scope.departements}


def evaluate_periods(measure: Measure, scopes: list[Scope], bys) -> list[dict]:
    """[evaluate_many(measure, scope, bys) for each scope] for periods of one département and organisation
    (a year and the same span of the year before): one read of the records when the measure allows it."""
    periods = getattr(measure.batch, "periods", None)
    if periods is not None and not any(by not in measure.breakdowns for by in bys):
        return periods(scopes, list(bys))
    return [evaluate_many(measure, scope, bys) for scope in scopes]


def _population_by(measure: Measure, scope: Scope, by: str):
    """A population callable written before breakdowns had populations takes only the scope: per label,
    unknown (secrecy then hides every cell of a non-count breakdown)."""
    try:
        return measure.population(scope, by=by)
    except TypeError:
        return None


_REGISTRY: dict[str, Measure] = {}


def register(*measures: Measure) -> None:
    """Called at import time by each app's `measures.py`. A code is defined once."""
    for measure in measures:
        if measure.code in _REGISTRY and _REGISTRY[measure.code] is not measure:
            raise ValueError(f"Mesure déjà définie : {measure.code}")
        _REGISTRY[measure.code] = measure


def get(code: str) -> Measure:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise KeyError(f"Mesure inconnue : {code}") from None


def all_measures(prefix: str = "") -> list[Measure]:
    return sorted((m for c, m in _REGISTRY.items() if c.startswith(prefix)), key=lambda m: m.code)
