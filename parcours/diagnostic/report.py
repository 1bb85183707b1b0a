"""The published report of a campaign: what leaves the secretariat, under statistical secrecy.

`build_report(campaign, day)` reads the exact figures (selectors) and keeps only what may be published with
the threshold in force on `day` (`rules.secrecy_threshold`):

- every table goes through `secrecy.suppress` with its total (primary and secondary suppression); a count
  published alone through `secrecy.published_count`;
- tables tied by an exact relation are suppressed together. The people known to several structures are the
  total of the pairwise overlaps (exactly so with two lists, or when nobody is on three lists): the overlap
  table is suppressed with that total, and entirely hidden when that count is hidden;
- the number of people on each list is not published, nor the capture histories: with the distinct count
  they would give a hidden overlap back (two lists: overlap = L1 + L2 − distinct people);
- the estimate, its interval, the range across models and Chao's bound are rounded
  (`rules.PUBLISHED_ESTIMATE_ROUNDING`, never below the people observed), the dark figure is the rounded
  estimate minus the people observed, the warnings quote the rounded figures and never a small count; the
  estimate is withheld when fewer people than the threshold were observed.

The number of structures and the response rate are not personal data: shown as they are.

`exact_estimate` gives the same view of the estimate with exact figures, for the secretariat's screen.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from parcours.estimation.sensitivity import MIN_OVERLAP_CASES, VERDICT_CAUTION, VERDICT_SOLID, fmt_int
from parcours.secrecy import HIDDEN_LABEL, Cell, published_count, suppress

from . import charts, disclosure, questionnaire, rules, selectors
from .formats import fr_int, fr_percent
from .models import AgeBand, Campaign, CampaignState, Sex


def round_published(value: float) -> float:
    """An estimate as published: to the nearest multiple of PUBLISHED_ESTIMATE_ROUNDING."""
    if not math.isfinite(value):
        return value
    step = rules.PUBLISHED_ESTIMATE_ROUNDING
    return float(math.floor(value / step + 0.5) * step)


# --- The estimate, exact or published ---------------------------------------------------------------

VERDICT_BADGES = {VERDICT_SOLID: "success", VERDICT_CAUTION: "warning"}  # otherwise "non concluant": error


@dataclass(frozen=True)
class EstimateDisplay:
    """What `_estimate.html` shows: formatted figures, never a lone number (interval and range go along)."""

    error: str = ""  # why there is no estimate to show, in French
    withheld: bool = False  # an estimate exists but may not be published
    rounded_to: int | None = None  # None: exact figures (secretariat)
    estimate: str = ""
    ci_low: str = ""
    ci_high: str = ""
    confidence: str = "95"
    range_min: str = ""
    range_max: str = ""
    n_models_valid: int = 0
    n_models_examined: int = 0
    observed: str = ""
    dark_figure: str = ""
    chao: tuple[str, str, str] | None = None  # estimate, low, high
    verdict: str = ""
    warnings: tuple[str, ...] = ()
    model_label: str = ""
    method: str = ""
    interval_method: str = ""
    bca: bool = False  # the interval is the BCa bootstrap (the frozen report), else the normal one
    quote_low: str = ""  # the range to quote when the verdict is not « solide » (interval and model range)
    quote_high: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def solid(self) -> bool:
        return self.verdict == VERDICT_SOLID

    @property
    def verdict_badge(self) -> str:
        return VERDICT_BADGES.get(self.verdict, "error")


def _chao(result) -> tuple[float, float, float] | None:
    """Chao's lower bound of the analysis, when its figures are finite."""
    bound = result.chao
    if bound is None:
        return None
    values = (bound.estimate, bound.ci_low, bound.ci_high)
    return values if all(math.isfinite(v) for v in values) else None


def _display(summary, outcome, shown, warnings, *, rounded_to=None) -> EstimateDisplay:
    result = outcome.result
    chao = _chao(result)
    estimate = shown(result.estimate)
    finite = [v for v in (result.ci_low, result.sensitivity.min_estimate) if math.isfinite(v)]
    quote_low = min(finite) if finite else result.ci_low
    quote_high = max(result.ci_high, result.sensitivity.max_estimate)
    return EstimateDisplay(
        rounded_to=rounded_to,
        estimate=fr_int(estimate),
        ci_low=fr_int(shown(result.ci_low)),
        ci_high=fr_int(shown(result.ci_high)),
        confidence=f"{result.confidence * 100:g}".replace(".", ","),
        range_min=fr_int(shown(result.sensitivity.min_estimate)),
        range_max=fr_int(shown(result.sensitivity.max_estimate)),
        n_models_valid=result.sensitivity.n_models_valid,
        n_models_examined=result.sensitivity.n_models_examined,
        observed=fr_int(result.n_observed),
        # Published: what the rounded estimate adds to the people observed (the two figures shown).
        dark_figure=fr_int(result.dark_figure if rounded_to is None else estimate - result.n_observed),
        chao=tuple(fr_int(shown(v)) for v in chao) if chao else None,
        verdict=result.verdict,
        warnings=tuple(warnings),
        model_label=result.model_label,
        method=result.method,
        interval_method=result.interval_method,
        bca=result.bootstrap is not None,
        quote_low=fr_int(shown(quote_low)),
        quote_high=fr_int(shown(quote_high)),
    )


def exact_estimate(summary: selectors.LinkageSummary, outcome: selectors.EstimateOutcome) -> EstimateDisplay:
    """The secretariat's view: exact figures and the analysis' own warnings."""
    if not outcome.ok:
        return EstimateDisplay(error=outcome.error or "Estimation impossible.")
    return _display(summary, outcome, lambda v: v, outcome.result.warnings)


def _estimates_quoted(result) -> list[float]:
    """Every estimate the analysis' warnings may quote (formatted with fmt_int)."""
    values = [
        result.estimate,
        result.ci_low,
        result.ci_high,
        *result.normal_ci,
        result.sensitivity.min_estimate,
        result.sensitivity.max_estimate,
    ]
    if result.bic is not None and result.bic.best is not None:
        values.append(result.bic.best.abundance)
    if result.chao is not None:
        values.append(result.chao.estimate)
    return [v for v in values if v is not None and math.isfinite(v)]


def published_warnings(result, shown=round_published) -> list[str]:
    """The analysis' warnings as they may be published: estimates rounded (`shown`), no small count quoted."""
    rounded = {fmt_int(v): fr_int(shown(v)) for v in _estimates_quoted(result)}
    # One pass, longest first; a figure only matches whole (not the end of « 11 234 », not « 2 » of « 2,5 »),
    # and never a count of models.
    pattern = re.compile(
        r"(?<![\d,])(?<!\d )("
        + "|".join(re.escape(text) for text in sorted(rounded, key=len, reverse=True))
        + r")(?! ?\d)(?!,\d)(?! modèle)"
    )
    out = []
    for text in result.warnings:
        if text.startswith("Trop peu de recoupements"):
            # The exact number of people on several lists may be below the threshold.
            text = (
                f"Trop peu de recoupements : moins de {MIN_OVERLAP_CASES} personnes figurent sur plusieurs "
                "listes ; l'estimation repose sur très peu d'information."
            )
        elif not text.startswith("Très peu de personnes observées") and rounded:
            text = pattern.sub(lambda m: rounded[m.group(1)], text)
        out.append(text)
    return out


def published_estimate(
    summary: selectors.LinkageSummary, outcome: selectors.EstimateOutcome, threshold: int
) -> EstimateDisplay:
    """The report's view: rounded, withheld below the threshold of observed people."""
    if not outcome.ok:
        return EstimateDisplay(error=outcome.error or "Estimation impossible.")
    if summary.distinct < threshold:
        return EstimateDisplay(
            error=f"L'estimation n'est pas publiée : moins de {threshold} personnes distinctes figurent sur "
            "les listes (secret statistique).",
            withheld=True,
        )
    observed = outcome.result.n_observed

    def shown(value: float) -> float:
        # Rounded, never below the people observed (an estimate of the total cannot be).
        return max(round_published(value), float(observed))

    return _display(
        summary,
        outcome,
        shown,
        published_warnings(outcome.result, shown),
        rounded_to=rules.PUBLISHED_ESTIMATE_ROUNDING,
    )


# --- The published report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedTable:
    title: str
    cells: tuple[Cell, ...]
    total: Cell | None = None
    total_label: str = "Total"
    note: str = ""

    @property
    def hidden(self) -> bool:
        return any(c.hidden for c in self.cells) or bool(self.total and self.total.hidden)


@dataclass(frozen=True)
class PublishedOverlap:
    code_a: str
    name_a: str
    code_b: str
    name_b: str
    cell: Cell

    @property
    def label(self) -> str:
        return f"{self.code_a} × {self.code_b}"


@dataclass(frozen=True)
class PublishedSurvey:
    invited: int
    answered: int
    response_rate: str
    headline: PublishedTable
    sections: tuple[PublishedTable, ...]


@dataclass(frozen=True)
class PublishedLinkage:
    lists: tuple[tuple[str, str], ...]  # (code, structure)
    distinct: Cell
    several: PublishedTable | None  # None with three lists or more (the pair overlaps are published instead)
    overlaps: tuple[PublishedOverlap, ...]
    overlaps_note: str
    chart: charts.Chart | None
    breakdowns: tuple[PublishedTable, ...]
    audited: bool = False  # the cross-table audit withheld figures the tables alone would have shown


@dataclass(frozen=True)
class StratumRow:
    """One stratum's estimate as published (rounded; withheld under the threshold of observed people)."""

    label: str
    estimate: str  # "" when withheld (the stratum's observed count is never published: not audited)
    ci_low: str = ""
    ci_high: str = ""
    is_total: bool = False  # the sum of the groups (beside the overall estimate)


@dataclass(frozen=True)
class LinkFailureRow:
    """The estimate if this share of the records had failed to link (rounded)."""

    rate: str
    estimate: str
    ci_low: str
    ci_high: str


@dataclass(frozen=True)
class Report:
    campaign: Campaign
    day: date
    threshold: int
    survey: PublishedSurvey
    linkage: PublishedLinkage | None  # None: no list of keys received
    estimate: EstimateDisplay
    hidden_label: str = field(default=HIDDEN_LABEL)
    version: int | None = None  # the frozen report's version; None: the live (provisional) report
    strata: tuple[StratumRow, ...] | None = None  # None: no stratified estimate available
    link_failures: tuple[LinkFailureRow, ...] | None = None  # None: no linkage sensitivity available
    rows_set_aside: int | None = None

    @property
    def frozen(self) -> bool:
        return self.version is not None

    @property
    def strata_total(self) -> StratumRow | None:
        return next((row for row in self.strata or () if row.is_total), None)

    @property
    def rows_set_aside_display(self) -> str:
        return (
            ""
            if self.rows_set_aside is None
            else published_count(self.rows_set_aside, self.threshold).display
        )

    @property
    def threshold_is_default(self) -> bool:
        return self.threshold == rules.SECRECY_THRESHOLD

    @property
    def provisional(self) -> bool:
        return self.campaign.state == CampaignState.OPEN

    @property
    def any_hidden(self) -> bool:
        tables = [self.survey.headline, *self.survey.sections]
        if self.linkage:
            tables += [t for t in (self.linkage.several, *self.linkage.breakdowns) if t is not None]
            if self.linkage.distinct.hidden or any(o.cell.hidden for o in self.linkage.overlaps):
                return True
        return any(t.hidden for t in tables)


NOT_GIVEN = "Non précisé"


def _survey(campaign: Campaign, threshold: int) -> PublishedSurvey:
    totals = selectors.survey_totals(campaign)
    grand_total = totals.totals["total"]
    headline = PublishedTable(
        "Personnes connues des structures (somme des réponses)",
        tuple(
            Cell(q.label, published_count(totals.totals[q.key], threshold).value)
            for q in questionnaire.HEADLINE
        ),
        note="Chaque structure compte les personnes qu'elle connaît : une personne connue de plusieurs "
        "structures est comptée plusieurs fois. Le rapprochement des listes, plus bas, la compte une fois.",
    )
    sections = []
    for section in questionnaire.SECTIONS:
        counts = {q.label: totals.totals[q.key] for q in section.questions}
        if section.partition:
            # The part of the total the structures did not detail is a cell of the table: the cells then add
            # up to the published total, which secondary suppression needs.
            counts[NOT_GIVEN] = max(0, grand_total - sum(counts.values()))
            sections.append(
                PublishedTable(
                    section.title,
                    tuple(suppress(counts, threshold, total=grand_total)),
                    total=published_count(grand_total, threshold),
                )
            )
        else:
            sections.append(
                PublishedTable(
                    section.title,
                    tuple(Cell(label, published_count(n, threshold).value) for label, n in counts.items()),
                    note="Une personne peut relever de plusieurs formes : ces nombres ne s'additionnent pas.",
                )
            )
    return PublishedSurvey(
        invited=totals.invited,
        answered=totals.answered,
        response_rate=fr_percent(totals.response_rate),
        headline=headline,
        sections=tuple(sections),
    )


def _publication(
    summary: selectors.LinkageSummary, threshold: int, prior=()
) -> disclosure.LinkagePublication:
    return disclosure.publish_linkage(
        len(summary.lists),
        summary.cells,
        threshold,
        bands=dict(AgeBand.choices),
        sexes=dict(Sex.choices),
        prior=prior,
    )


def _linkage(
    summary: selectors.LinkageSummary, threshold: int, prior_thresholds: Sequence[int] = ()
) -> PublishedLinkage | None:
    """`prior_thresholds`: the thresholds of the versions already published (a closed campaign's report)."""
    if not summary.lists:
        return None
    prior = [f for t in prior_thresholds for f in _publication(summary, t).figures]
    publication = _publication(summary, threshold, prior)
    distinct = Cell("", publication.distinct)
    several = None
    if publication.several is not None:
        several = PublishedTable(
            "Personnes distinctes selon le nombre de structures qui les connaissent",
            tuple(Cell(label, n) for label, n in publication.several.items()),
            total=distinct,
            total_label="Personnes distinctes",
        )
    if len(summary.lists) > 2:
        overlaps_note = (
            "Avec trois listes ou plus, le nombre de personnes connues de plusieurs structures n'est pas "
            "publié à côté des recoupements par paire : ensemble, ils redonneraient le nombre de personnes "
            "connues de trois structures ou plus."
        )
    elif several is not None and several.cells[1].hidden:
        overlaps_note = (
            "Le nombre de personnes connues de plusieurs structures étant masqué, le recoupement l'est aussi "
            "(c'est le même nombre)."
        )
    else:
        overlaps_note = ""
    overlaps = tuple(
        PublishedOverlap(
            a.code, a.participant.name, b.code, b.participant.name, Cell(f"{a.code} × {b.code}", n)
        )
        for (a, b, _), n in zip(summary.pairs, publication.pairs, strict=True)
    )
    breakdowns = tuple(
        PublishedTable(
            selectors.BREAKDOWN_TITLES[key],
            tuple(Cell(label, n) for label, n in counts.items()),
            total=distinct,
            total_label="Personnes distinctes",
        )
        for key, counts in publication.breakdowns.items()
    )
    return PublishedLinkage(
        lists=tuple((info.code, info.participant.name) for info in summary.lists),
        distinct=distinct,
        several=several,
        overlaps=overlaps,
        overlaps_note=overlaps_note,
        chart=charts.overlap_chart([(o.label, o.cell.value) for o in overlaps], published=True),
        breakdowns=breakdowns,
        audited=bool(publication.withheld_by_audit),
    )


def build_report(
    campaign: Campaign,
    day: date,
    *,
    summary: selectors.LinkageSummary | None = None,
    outcome: selectors.EstimateOutcome | None = None,
    version: int | None = None,
    prior_thresholds: Sequence[int] = (),
) -> Report:
    """The report of `campaign` as it may be published on `day` (threshold in force that day).

    `summary` and `outcome` may be passed when already computed (they are the exact figures of
    `selectors.linkage_summary` and `selectors.estimate` for this campaign)."""
    from .final_estimate import linkage_sensitivity, stratified_estimates

    threshold = rules.secrecy_threshold(day)
    summary = summary if summary is not None else selectors.linkage_summary(campaign)
    outcome = outcome if outcome is not None else selectors.estimate(summary)
    estimate = published_estimate(summary, outcome, threshold)
    return Report(
        campaign=campaign,
        day=day,
        threshold=threshold,
        survey=_survey(campaign, threshold),
        linkage=_linkage(summary, threshold, prior_thresholds),
        estimate=estimate,
        version=version,
        strata=_strata(stratified_estimates(summary), threshold) if estimate.ok else None,
        link_failures=_link_failures(linkage_sensitivity(summary, outcome.result)) if estimate.ok else None,
        rows_set_aside=getattr(summary, "rows_set_aside", None) if summary.lists else None,
    )


def _published(value: float, observed: int) -> str:
    return fr_int(max(round_published(value), float(observed)))


def _strata(rows, threshold: int) -> tuple[StratumRow, ...] | None:
    """Rows (label, observed, estimate, ci_low, ci_high, is_total) from `final_estimate.stratified_estimates`:
    a group of fewer people observed than the threshold has no published estimate."""
    if rows is None:
        return None
    out = []
    for label, observed, estimate, low, high, is_total in rows:
        if observed < threshold or estimate is None or low is None or high is None:
            out.append(StratumRow(label, "", is_total=is_total))
        else:
            out.append(
                StratumRow(
                    label,
                    _published(estimate, observed),
                    _published(low, observed),
                    _published(high, observed),
                    is_total=is_total,
                )
            )
    return tuple(out)


def _link_failures(rows) -> tuple[LinkFailureRow, ...] | None:
    """Rows (rate, estimate, ci_low, ci_high) from `final_estimate.linkage_sensitivity`, rounded."""
    if rows is None:
        return None
    return tuple(
        LinkFailureRow(fr_percent(rate), "", "", "")
        if est is None or lo is None or hi is None
        else LinkFailureRow(
            fr_percent(rate),
            fr_int(round_published(est)),
            fr_int(round_published(lo)),
            fr_int(round_published(hi)),
        )
        for rate, est, lo, hi in rows
    )
