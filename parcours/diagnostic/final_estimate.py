"""The estimate of the frozen report, and the adapters to the functions other work streams provide.

`final_estimate` runs the same analysis as the secretariat's screens with the BCa bootstrap
(`rules.FINAL_BOOTSTRAP` replications, fixed seed: the report can be computed again and gives the same
figures). Progress is reported through `progress(done, total)`.

Adapters (one place to plug the estimation's and the linkage's newer functions in; each says plainly when
the function is not there, and the report then leaves that panel out with a sentence saying why):

- `analyse_with_progress`: `parcours.estimation.analyse(..., progress=callback)` when `analyse` accepts a
  `progress` argument; otherwise the start and the end are reported;
- `stratified_estimates`: `parcours.estimation.stratified` on `summary.strata` (age band × sex);
- `linkage_sensitivity`: `parcours.estimation.linkage_sensitivity` (estimate if 0/5/10/20 % of records failed
  to link);
- `rows_set_aside`: `summary.rows_set_aside` (rows the structures' browsers set aside, never their content).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

from parcours import estimation
from parcours.estimation import EstimationError, table_from_memberships

from . import rules, selectors

Progress = Callable[[int, int], None]


def analyse_with_progress(table, *, bootstrap: int, progress: Progress | None):
    """`estimation.analyse` with the BCa bootstrap, reporting progress however `analyse` allows."""
    accepts_progress = "progress" in inspect.signature(estimation.analyse).parameters
    if progress is not None:
        progress(0, bootstrap)
    if accepts_progress and progress is not None:
        result = estimation.analyse(table, bootstrap=bootstrap, reference_models=False, progress=progress)
    else:
        result = estimation.analyse(table, bootstrap=bootstrap, reference_models=False)
    if progress is not None:
        progress(bootstrap, bootstrap)
    return result


def final_estimate(summary: selectors.LinkageSummary, *, progress: Progress | None = None):
    """The estimate published at closure: BCa interval (see the module's docstring)."""
    if len(summary.lists) < rules.MIN_LISTS_FOR_ESTIMATE:
        return selectors.estimate(summary)
    try:
        table = table_from_memberships(summary.codes, summary.memberships)
        result = analyse_with_progress(table, bootstrap=rules.FINAL_BOOTSTRAP, progress=progress)
    except EstimationError as error:
        return selectors.EstimateOutcome(None, error.message)
    return selectors.EstimateOutcome(result, None)


def stratified_estimates(summary: selectors.LinkageSummary):
    """Estimates per age band × sex, or None when the estimation or the summary does not provide them.

    Rows (label, observed, estimate, ci_low, ci_high); estimate None when the stratum cannot be estimated."""
    function = getattr(estimation, "stratified", None)
    strata = getattr(summary, "strata", None)
    if function is None or strata is None:
        return None
    return function(strata)


def linkage_sensitivity(summary: selectors.LinkageSummary, result):
    """The estimate under assumed per-record link failure rates, or None when not provided.

    Rows (rate as a fraction, estimate, ci_low, ci_high)."""
    function = getattr(estimation, "linkage_sensitivity", None)
    if function is None or result is None:
        return None
    return function(table_from_memberships(summary.codes, summary.memberships))


def rows_set_aside(summary: selectors.LinkageSummary) -> int | None:
    """Rows the structures' pages set aside or None when the summary does not count them."""
    return getattr(summary, "rows_set_aside", None)
