"""Multiple systems estimation (capture-recapture) for the « Diagnostic territorial ».

Estimate how many people are known to *no* list (the dark figure) from the overlaps between
several lists of the same population, with the method of the R package SparseMSE (Chan,
Silverman & Vincent 2021, *JASA* 116(535), 1297-1306), as used for the UK Home Office
estimate of modern slavery (Silverman 2014).

Pure Python (numpy + scipy), no Django import.  Main entry points::

    from parcours.estimation import analyse, read_table
    result = analyse(read_table("liste.csv"), bootstrap=1000, seed=1234)
    result.estimate, result.ci_low, result.ci_high, result.model, result.warnings

Modules: :mod:`.table` (reading, validation), :mod:`.glm` (R-exact Poisson IRLS),
:mod:`.loglinear` (models, ``checkident``, stepwise, ``checkallmodels``), :mod:`.bootstrap`
(BCa), :mod:`.classic` (Lincoln-Petersen, Chapman, Chao), :mod:`.rcapture` (Rcapture's
``closedp.t`` / ``closedpCI.t`` models), :mod:`.sensitivity` (model range and verdict),
:mod:`.analysis` (:func:`analyse`), :mod:`.linkage` (sensitivity to linkage splits),
:mod:`.strata` (stratified estimate), :mod:`.simulation` (synthetic populations for the tests),
:mod:`.cli` (``parcours-estimate``).
"""

from __future__ import annotations

from .analysis import AnalysisResult, analyse
from .bootstrap import BootstrapResult, bca_bootstrap
from .classic import chao_lower_bound, chapman, lincoln_petersen, two_list_estimates
from .errors import EstimationError
from .linkage import DEFAULT_SPLIT_RATES, LinkageSensitivity, SplitRateEstimate, linkage_sensitivity
from .loglinear import CheckAllResult, ModelFit, MSEModels, StepwiseResult, count_triples
from .sensitivity import ModelAverage, SensitivityResult, model_average, occam_window
from .strata import GroupEstimate, StratifiedResult, stratified_estimate
from .table import (
    CaptureTable,
    parse_csv_text,
    read_table,
    remove_noninformative_lists,
    table_from_mapping,
    table_from_memberships,
    table_from_rows,
)

__all__ = [
    "AnalysisResult",
    "BootstrapResult",
    "CaptureTable",
    "DEFAULT_SPLIT_RATES",
    "CheckAllResult",
    "EstimationError",
    "GroupEstimate",
    "LinkageSensitivity",
    "ModelAverage",
    "MSEModels",
    "ModelFit",
    "SensitivityResult",
    "SplitRateEstimate",
    "StepwiseResult",
    "StratifiedResult",
    "analyse",
    "bca_bootstrap",
    "chao_lower_bound",
    "chapman",
    "count_triples",
    "lincoln_petersen",
    "linkage_sensitivity",
    "model_average",
    "occam_window",
    "parse_csv_text",
    "read_table",
    "remove_noninformative_lists",
    "table_from_mapping",
    "table_from_memberships",
    "stratified_estimate",
    "table_from_rows",
    "two_list_estimates",
]
