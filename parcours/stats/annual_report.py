"""The commission's annual report for a year (docs/rapport-annuel.md): the figures of the year as the ministry
may read them, section by section, with a chart and the table of each indicator.

Every figure of the registry is published through `parcours.stats.publication` with `Audience.NATIONAL`
(statistical secrecy applied: the report leaves the département). The conventions' and the departmental
strategy's indicators come from `parcours.conventions.figures` with secrecy applied (`exact=False`), the same
threshold. Nothing here names a person: the report holds counts, amounts, delays and labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from parcours.diagnostic.charts import Chart, bar_chart

from . import registry
from .dashboards import BREAKDOWN_LABELS
from .indicator_export import period_of
from .publication import NOT_AVAILABLE, Audience, Published, publish_set
from .registry import Measure, Scope

AUDIENCE = Audience.NATIONAL

# The sections of the report and, for each indicator, the breakdown tables it shows (the first one is
# charted). A breakdown the measure does not allow is left out; a code not registered is listed as missing.
SECTIONS: tuple[tuple[str, str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = (
    (
        "commission",
        "Activité de la commission",
        (
            ("commission.meetings_held", ("kind", "quarter")),
            ("commission.attendance", ("kind",)),
            ("pathways.opinions", ("opinion",)),
            ("pathways.decisions", ("decision", "quarter")),
        ),
    ),
    (
        "parcours",
        "Parcours de sortie de la prostitution",
        (
            ("pathways.requests_submitted", ("kind", "quarter")),
            ("pathways.first_requests_submitted", ()),
            ("pathways.authorisations", ()),
            ("pathways.refusals", ()),
            ("pathways.renewals", ()),
            ("pathways.first_request_refusal_rate", ()),
            ("pathways.active_at_end", ("sex", "age_band", "nationality_group")),
            ("pathways.ended", ("outcome", "end_reason")),
            ("pathways.delay_request_decision", ("kind",)),
            ("pathways.delay_request_decision_p90", ()),
            ("pathways.cumulative_duration", ("end_reason",)),
            ("pathways.appeals", ()),
            ("approvals.valid_agrements", ()),
            ("pathways.caseload", ()),
        ),
    ),
    (
        "droits",
        "Droits des personnes",
        (
            ("pathways.afis_beneficiaries", ("sex", "nationality_group")),
            ("pathways.afis_amounts", ()),
            ("pathways.residence_permits_issued", ("quarter",)),
        ),
    ),
    (
        "reseau",
        "Réseau : repérages, transmissions et orientations",
        (
            ("referrals.detections", ("age_band", "quarter")),
            ("referrals.minor_detections", ()),
            ("referrals.protection_reports", ("kind",)),
            ("referrals.protection_feedback", ("feedback",)),
            ("referrals.referrals", ("state",)),
            ("referrals.referrals_accepted", ()),
            ("referrals.delay_detection_referral", ()),
            ("referrals.delay_referral_contact", ()),
            ("referrals.delay_contact_accompaniment", ()),
        ),
    ),
    (
        "actions",
        "Actions : maraudes, prévention, formations, stages",
        (
            ("actions.outreach_rounds", ("quarter",)),
            ("actions.outreach_contacts", ("kind",)),
            ("actions.outreach_people_met", ()),
            ("actions.outreach_minors_met", ()),
            ("actions.outreach_reports", ()),
            ("actions.prevention_actions", ("quarter",)),
            ("actions.prevention_people_reached", ()),
            ("actions.prevention_college_coverage", ()),
            ("actions.prevention_lycee_coverage", ()),
            ("actions.trainings", ("quarter",)),
            ("actions.training_attendees", ()),
            ("actions.training_hours", ()),
            ("actions.course_ordered", ()),
            ("actions.course_completed", ("origin",)),
        ),
    ),
)
SECTION_TITLES = tuple(title for _, title, _ in SECTIONS) + (
    "Conventions de partenariat",
    "Stratégie départementale",
)


@dataclass
class ReportTable:
    title: str
    rows: list[tuple[str, str]]  # (label, display)


@dataclass
class ReportIndicator:
    published: Published
    tables: list[ReportTable]
    chart: Chart | None

    @property
    def measure(self) -> Measure:
        return self.published.measure


@dataclass
class ReportSection:
    key: str
    title: str
    indicators: list[ReportIndicator]
    missing: list[str] = field(default_factory=list)  # codes not registered in this installation


@dataclass
class FigureBlock:
    """A convention's or the strategy's indicators: (label, unit text, cells by year, total, target)."""

    title: str
    rows: list


@dataclass
class AnnualReport:
    departement: object
    year: int
    start: date
    end: date
    threshold: int
    sections: list[ReportSection]
    conventions: list[FigureBlock]
    strategies: list[FigureBlock]
    introduction: list[str]
    conclusion: list[str]

    @property
    def any_secret(self) -> bool:
        return any(
            i.published.total.secret or any(c.secret for t in i.published.tables for c in t.cells)
            for s in self.sections
            for i in s.indicators
        )


def paragraphs(text: str) -> list[str]:
    """Plain text → paragraphs (a blank line separates them); escaped by the template, never raw HTML."""
    blocks = [" ".join(p.split()) for p in text.replace("\r\n", "\n").split("\n\n")]
    return [p for p in blocks if p]


def _chart(p: Published, year: int) -> Chart | None:
    """The first table with something to draw (a bar that is neither zero, secret nor unavailable); none
    otherwise: the tables say it."""
    table = next((t for t in p.tables if any(c.published for c in t.cells)), None)
    if table is None:
        return None
    title = BREAKDOWN_LABELS.get(table.by, f"Par {table.by}").lower()
    bars = [(c.label, c.published) for c in table.cells]
    alt = (
        f"Graphique en barres : {p.measure.label.lower()}, {title}, {year} ; les mêmes chiffres sont dans le "
        f"tableau « {p.measure.label} — {title} »."
    )
    return bar_chart(bars, title=f"{p.measure.label} — {year}", alt=alt, serie=p.measure.label)


def _indicator(p: Published, year: int) -> ReportIndicator:
    tables = [
        ReportTable(
            BREAKDOWN_LABELS.get(t.by, f"Par {t.by}"),
            [(c.label, c.display) for c in t.cells] + [("Total", p.total.display)],
        )
        for t in p.tables
    ]
    return ReportIndicator(p, tables, _chart(p, year))


def _sections(scope: Scope, year: int, threshold: int) -> list[ReportSection]:
    wanted: dict[str, tuple[str, ...]] = {}
    found: dict[str, Measure] = {}
    missing: dict[str, list[str]] = {}
    for key, _, items in SECTIONS:
        for code, breakdowns in items:
            try:
                measure = registry.get(code)
            except KeyError:
                missing.setdefault(key, []).append(code)
                continue
            if measure.secretariat_only:
                continue
            found[code] = measure
            wanted[code] = tuple(b for b in breakdowns if b in measure.breakdowns)
    # The parents of measures that are parts of others are published with them (publish_set's rule).
    for m in list(found.values()):
        if m.part_of is not None and m.part_of.code not in found:
            parent = registry.get(m.part_of.code)
            found[parent.code] = parent
            wanted[parent.code] = (m.part_of.by,)
    published = publish_set(
        list(found.values()),
        scope,
        audience=AUDIENCE,
        threshold=threshold,
        breakdowns=lambda m: wanted[m.code],
    )
    return [
        ReportSection(
            key,
            title,
            [_indicator(published[code], year) for code, _ in items if code in published and code in wanted],
            missing.get(key, []),
        )
        for key, title, items in SECTIONS
    ]


def _figure_rows(indicators, *, departement, start, end, today, threshold, organisation_of):
    from parcours.conventions.figures import indicator_figures

    rows = []
    for indicator in indicators:
        figures = indicator_figures(
            indicator,
            departement=departement,
            start=start,
            end=end,
            today=today,
            organisation=organisation_of(indicator),
            exact=False,
            threshold=threshold,
        )
        total = figures.total.display if figures.total else NOT_AVAILABLE
        rows.append((figures.label, total, figures.target))
    return rows


def _conventions(departement, year: int, start: date, end: date, today: date, threshold: int):
    from parcours.conventions.models import Convention, Indicator, Strategy

    conventions = []
    for convention in Convention.objects.filter(
        departement=departement, start__lte=end, end__gte=start
    ).order_by("start", "pk"):
        indicators = Indicator.objects.filter(commitment__convention=convention).select_related(
            "commitment__party__organisation"
        )
        rows = _figure_rows(
            indicators,
            departement=departement,
            start=max(start, convention.start),
            end=min(end, convention.end),
            today=today,
            threshold=threshold,
            organisation_of=lambda i: i.commitment.party.organisation if i.party_only else None,
        )
        conventions.append(FigureBlock(convention.title, rows))
    strategies = []
    for strategy in Strategy.objects.filter(
        departement=departement, first_year__lte=year, last_year__gte=year
    ).order_by("first_year"):
        indicators = Indicator.objects.filter(objective__strategy=strategy).select_related("objective")
        rows = _figure_rows(
            indicators,
            departement=departement,
            start=start,
            end=end,
            today=today,
            threshold=threshold,
            organisation_of=lambda i: None,
        )
        strategies.append(FigureBlock(f"{strategy.title} ({strategy.first_year}–{strategy.last_year})", rows))
    return conventions, strategies


def build(
    *, departement, year: int, today: date, threshold: int, introduction: str = "", conclusion: str = ""
) -> AnnualReport:
    """The report of `year` (up to today for the current year). ExportError for a year out of range."""
    start, end = period_of(year, today)
    scope = Scope(departement, start, end, None)
    conventions, strategies = _conventions(departement, year, start, end, today, threshold)
    return AnnualReport(
        departement=departement,
        year=year,
        start=start,
        end=end,
        threshold=threshold,
        sections=_sections(scope, year, threshold),
        conventions=conventions,
        strategies=strategies,
        introduction=paragraphs(introduction),
        conclusion=paragraphs(conclusion),
    )
