"""Every read of the national store (docs/national.md). Only `Release` and `Figure` are read for the figures:
the national views and API cannot reach a person, a pathway or an unsuppressed figure, because nothing of the
kind is in these tables. The API tokens' section, at the end, reads the tokens and the staff accounts they are
issued to (never a person followed), scoped to the actor (policies.py).

Sums (national, regional) are the sums of the *published* figures: a secret cell is not in them, and the
page says how many were left out; no national figure is ever computed from unsuppressed data.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404

from parcours.core.access import Actor
from parcours.core.models import Membership
from parcours.core.roles import Role
from parcours.stats import registry
from parcours.stats.indicator_export import FORMAT
from parcours.stats.publication import Cell

from . import policies
from .models import ApiToken, Figure, Release, TokenKind
from .regions import DEPARTEMENTS, REGION_OF, REGIONS, Region, sort_key


def national_measures() -> list[registry.Measure]:
    """The indicators a national reader may choose: every one of the registry published outside the
    secretariat."""
    return [m for m in registry.all_measures() if not m.secretariat_only]


def measure_or_none(code: str) -> registry.Measure | None:
    try:
        measure = registry.get(code)
    except KeyError:
        return None
    return None if measure.secretariat_only else measure


def grouped_measures() -> list[tuple[str, list[registry.Measure]]]:
    """The indicators grouped by the app that defines them (its French name), in the registry's order."""
    groups: dict[str, list[registry.Measure]] = defaultdict(list)
    for measure in national_measures():
        label = measure.code.split(".", 1)[0]
        config = apps.app_configs.get(label)
        groups[str(config.verbose_name) if config else label].append(measure)
    return sorted(groups.items())


def store_version() -> tuple:
    """What changes whenever the store does: `services.ingest` writes a release's figures anew (their ids
    only grow) and a release removed changes the count. Two queries on indexes."""
    releases = Release.objects.aggregate(n=Count("pk"))["n"]
    last_figure = Figure.objects.aggregate(last=Max("pk"))["last"]
    return releases, last_figure


def years() -> list[int]:
    """Years with at least one release, most recent first."""
    return list(Release.objects.order_by("-year").values_list("year", flat=True).distinct())


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def cell_of(figure: Figure | None, unit: str) -> Cell:
    """A stored figure as the publication module's Cell (its `display` prints « secret » or « donnée non
    disponible », never a number, for those); no figure: not available."""
    if figure is None:
        return Cell(None, available=False, unit=unit)
    return Cell(
        _number(figure.value),
        secret=figure.secret,
        available=figure.available,
        unit=unit,
        label=figure.cell_label,
    )


def summable(measure: registry.Measure | None, unit: str) -> bool:
    """A sum across départements means something for a count or an amount, not for a median or a rate."""
    return unit == "count" or bool(measure and measure.additive)


@dataclass
class Row:
    code: str
    name: str
    region: Region | None  # None: a département of this instance outside the COG (the demonstration's 99)
    cell: Cell
    rank: int | None = None

    @property
    def sort_key(self):
        cell = self.cell
        if cell.published is not None:
            return (0, -cell.published, sort_key(self.code))
        return (1 if cell.secret else 2, 0, sort_key(self.code))


@dataclass
class Total:
    """A sum of published figures, with what it leaves out."""

    unit: str = "count"
    value: Decimal = Decimal(0)
    published: int = 0  # cells added
    secret: int = 0  # secret cells, not in the sum
    unavailable: int = 0  # « donnée non disponible », not in the sum

    def add(self, cell: Cell) -> None:
        if cell.published is not None:
            self.value += Decimal(str(cell.published))
            self.published += 1
        elif cell.secret:
            self.secret += 1
        else:
            self.unavailable += 1

    @property
    def cell(self) -> Cell:
        if not self.published:
            return Cell(None, available=False, unit=self.unit)
        return Cell(_number(self.value), unit=self.unit)


@dataclass
class Ranking:
    year: int
    code: str
    label: str
    unit: str
    measure: registry.Measure | None
    rows: list[Row]
    sent: int  # départements with a release this year
    summable: bool
    total: Total = field(default_factory=Total)

    @property
    def departement_count(self) -> int:
        return len(DEPARTEMENTS)

    @property
    def by_code(self) -> dict[str, Row]:
        return {row.code: row for row in self.rows}


def ranking(year: int, code: str) -> Ranking:
    """One indicator's total for every département that sent figures for `year`, ranked: values in
    descending order (equal values share a rank), then « secret », then « donnée non disponible »."""
    measure = measure_or_none(code)
    releases = list(Release.objects.filter(year=year).order_by("departement_code"))
    totals = {
        f.release_id: f
        for f in Figure.objects.filter(release__year=year, indicator=code, breakdown="").only(
            "release_id", "value", "secret", "available", "cell_label", "label", "unit"
        )
    }
    any_figure = next(iter(totals.values()), None)
    unit = measure.unit if measure else (any_figure.unit if any_figure else "count")
    label = measure.label if measure else (any_figure.label if any_figure else code)
    rows = [
        Row(
            code=r.departement_code,
            name=DEPARTEMENTS.get(r.departement_code, r.departement_name),
            region=REGION_OF.get(r.departement_code),
            cell=cell_of(totals.get(r.pk), unit),
        )
        for r in releases
    ]
    rows.sort(key=lambda row: row.sort_key)
    previous, rank = None, 0
    for position, row in enumerate(rows, start=1):
        value = row.cell.published
        if value is None:
            continue
        if value != previous:
            rank, previous = position, value
        row.rank = rank
    result = Ranking(year, code, label, unit, measure, rows, len(rows), summable(measure, unit), Total(unit))
    for row in rows:
        result.total.add(row.cell)
    return result


@dataclass
class RegionRow:
    region: Region
    total: Total
    sent: int  # its départements that sent figures

    @property
    def missing(self) -> int:
        return len(self.region.departements) - self.sent


def regional(ranked: Ranking) -> list[RegionRow]:
    """Each of the 18 regions: the sum of its départements' published figures (secret cells left out)."""
    by_code = ranked.by_code
    result = []
    for region in REGIONS:
        total, sent = Total(ranked.unit), 0
        for code in region.departements:
            row = by_code.get(code)
            if row is not None:
                sent += 1
                total.add(row.cell)
        result.append(RegionRow(region, total, sent))
    return result


def release(code: str, year: int) -> Release | None:
    return Release.objects.filter(departement_code=code, year=year).first()


@dataclass
class BreakdownTable:
    by: str
    cells: list[Cell]


@dataclass
class IndicatorRelease:
    code: str
    label: str
    unit: str
    available: bool
    total: Cell
    tables: list[BreakdownTable]


def indicators_of(release: Release) -> list[IndicatorRelease]:
    """A release as it was received: each indicator with its total and its breakdown tables."""
    result: dict[str, IndicatorRelease] = {}
    for figure in release.figures.order_by("position"):
        item = result.get(figure.indicator)
        if item is None:
            item = result[figure.indicator] = IndicatorRelease(
                figure.indicator, figure.label, figure.unit, figure.available, Cell(None), []
            )
        cell = cell_of(figure, figure.unit)
        if figure.breakdown == "":
            item.total = cell
            continue
        if not item.tables or item.tables[-1].by != figure.breakdown:
            item.tables.append(BreakdownTable(figure.breakdown, []))
        item.tables[-1].cells.append(cell)
    return list(result.values())


def release_payload(release: Release) -> dict:
    """A stored release in the JSON shape of the export it came from (format « parcours.indicateurs/1 »)."""
    return {
        "format": FORMAT,
        "departement": {"code": release.departement_code, "name": release.departement_name},
        "year": release.year,
        "period": {"start": release.period_start.isoformat(), "end": release.period_end.isoformat()},
        "audience": release.audience,
        "secrecy_threshold": release.secrecy_threshold,
        "received_at": release.received_at.isoformat(),
        "origin": release.origin,
        "sha256": release.sha256,
        "indicators": [
            {
                "code": item.code,
                "label": item.label,
                "unit": item.unit,
                "available": item.available,
                "total": item.total.as_dict(),
                "breakdowns": {
                    t.by: [{"label": c.label, **c.as_dict()} for c in t.cells] for t in item.tables
                },
            }
            for item in indicators_of(release)
        ],
    }


def sent_codes(year: int) -> list[str]:
    return sorted(Release.objects.filter(year=year).values_list("departement_code", flat=True), key=sort_key)


# --- API tokens ---------------------------------------------------------------------------------------------


def tokens_visible_to(actor: Actor | None) -> QuerySet[ApiToken]:
    """The tokens `actor` manages (policies.is_own): its département's export tokens, and for the
    administrator the reading tokens of its département's national analysts; newest first."""
    kinds = policies.token_kinds(actor)
    if actor is None or not kinds:
        return ApiToken.objects.none()
    scope = Q(pk__in=[])
    if TokenKind.EXPORT in kinds:
        scope |= Q(kind=TokenKind.EXPORT, departement=actor.departement)
    if TokenKind.NATIONAL_READ in kinds:
        scope |= Q(kind=TokenKind.NATIONAL_READ, membership__organisation__departement=actor.departement)
    return ApiToken.objects.filter(scope).select_related(
        "departement", "issued_by", "membership__user", "membership__organisation__departement"
    )


def get_token_or_404(actor: Actor | None, public_id) -> ApiToken:
    """A token in the actor's reach; unknown, malformed or another département's: 404."""
    try:
        key = uuid.UUID(str(public_id))
    except (TypeError, ValueError, AttributeError):
        raise Http404("Jeton inconnu.") from None
    token = tokens_visible_to(actor).filter(public_id=key).first()
    if token is None:
        raise Http404("Jeton inconnu.")
    return token


def analyst_memberships(actor: Actor | None) -> QuerySet[Membership]:
    """The accounts `actor` may issue a national-reading token to (policies.may_issue_to): active
    national-analyst memberships of its département, its own account excepted."""
    if actor is None or TokenKind.NATIONAL_READ not in policies.token_kinds(actor):
        return Membership.objects.none()
    return (
        Membership.objects.active()
        .filter(role=Role.NATIONAL_ANALYST, organisation__departement=actor.departement)
        .exclude(user=actor.user)
        .select_related("user", "organisation__departement")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
