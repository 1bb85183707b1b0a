"""The estimate of the frozen report, its stratified estimate and its linkage sensitivity panel.

`final_estimate` runs the same analysis as the secretariat's screens with the BCa bootstrap
(`rules.FINAL_BOOTSTRAP` replications, fixed seed: the report can be computed again and gives the same
figures), reporting progress through `progress(done, total)`.

`stratified_estimates` and `linkage_sensitivity` give the rows the report shows beside the overall estimate
(`parcours.estimation.stratified_estimate` on `summary.strata`, and the analysis' own linkage sensitivity:
estimate if 0/5/10/20 % of records failed to link); the report applies secrecy and rounding to them.
"""

from __future__ import annotations

from collections.abc import Callable

from parcours import estimation
from parcours.estimation import EstimationError, table_from_memberships

from . import rules, selectors
from .models import AgeBand, Sex

Progress = Callable[[int, int], None]


def final_estimate(summary: selectors.LinkageSummary, *, progress: Progress | None = None):
    """The estimate published at closure: BCa interval (see the module's docstring)."""
    if len(summary.lists) < rules.MIN_LISTS_FOR_ESTIMATE:
        return selectors.estimate(summary)
    try:
        table = table_from_memberships(summary.codes, summary.memberships)
        result = estimation.analyse(
            table, bootstrap=rules.FINAL_BOOTSTRAP, reference_models=False, progress=progress
        )
    except EstimationError as error:
        return selectors.EstimateOutcome(None, error.message)
    return selectors.EstimateOutcome(result, None)


def stratified_estimates(summary: selectors.LinkageSummary):
    """Rows (label, observed, estimate, ci_low, ci_high, is_total) per age band × sex group, then the sum
    of the groups; None when there are no strata or no stratified estimate can be made."""
    strata = getattr(summary, "strata", None)
    if not strata or len(summary.lists) < rules.MIN_LISTS_FOR_ESTIMATE:
        return None
    bands, sexes = dict(AgeBand.choices), dict(Sex.choices)
    tables = {
        f"{bands.get(band, band)}, {sexes.get(sex, sex).lower()}": {
            tuple(int(x) for x in p): n for p, n in rows
        }
        for (band, sex), rows in strata.items()
    }
    try:
        result = estimation.stratified_estimate(tables, summary.codes)
    except EstimationError:
        return None
    rows = [(g.label, g.n_observed, g.estimate, g.ci_low, g.ci_high, False) for g in result.groups]
    rows.append(
        ("Somme des groupes", result.n_observed, result.estimate, result.ci_low, result.ci_high, True)
    )
    return rows


def linkage_sensitivity(summary: selectors.LinkageSummary, result):
    """Rows (rate as a fraction, estimate, ci_low, ci_high) of the analysis' linkage sensitivity (None:
    not computed); a rate without an estimate has None figures."""
    sensitivity = getattr(result, "linkage", None) if result is not None else None
    if sensitivity is None:
        return None
    return [(r.rate, r.estimate, r.ci_low, r.ci_high) for r in sensitivity.rates]
