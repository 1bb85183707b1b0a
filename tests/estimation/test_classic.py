"""Lincoln-Petersen, Chapman and Chao's lower bound on hand-computed examples."""

from __future__ import annotations

import math

import pytest

from parcours.estimation import (
    EstimationError,
    MSEModels,
    chao_lower_bound,
    chapman,
    lincoln_petersen,
    table_from_mapping,
    two_list_estimates,
)
from parcours.estimation.classic import log_interval


def test_lincoln_petersen_hand_example() -> None:
    # n1 = 100, n2 = 80, m = 20: N = 100 * 80 / 20 = 400; var = 100*80*80*60/20^3 = 4800
    r = lincoln_petersen(100, 80, 20)
    assert r.estimate == 400
    assert r.se == pytest.approx(math.sqrt(4800))
    assert r.n_observed == 160
    assert r.dark_figure == 240
    # log-transformed interval: C = exp(1.96 sqrt(log(1 + 4800 / 240^2)))
    c = math.exp(1.959963984540054 * math.sqrt(math.log(1 + 4800 / 240**2)))
    assert r.ci_low == pytest.approx(160 + 240 / c)
    assert r.ci_high == pytest.approx(160 + 240 * c)
    assert r.ci_low < 400 < r.ci_high


def test_chapman_hand_example() -> None:
    # (101 * 81) / 21 - 1 = 388.5714...; var = 101*81*80*60 / (21^2 * 22) = 4047.4953...
    r = chapman(100, 80, 20)
    assert r.estimate == pytest.approx(8181 / 21 - 1)
    assert r.se**2 == pytest.approx(8181 * 80 * 60 / (441 * 22))
    assert r.ci_low >= r.n_observed


def test_chapman_defined_without_overlap_but_not_lincoln_petersen() -> None:
    assert chapman(10, 12, 0).estimate == pytest.approx(11 * 13 - 1)
    with pytest.raises(EstimationError) as exc:
        lincoln_petersen(10, 12, 0)
    assert "infini" in str(exc.value)
    with pytest.raises(EstimationError):
        lincoln_petersen(10, 12, 13)


def test_two_lists_loglinear_equals_lincoln_petersen() -> None:
    t = table_from_mapping(["A", "B"], {(1, 0): 80, (0, 1): 60, (1, 1): 20})
    lp = two_list_estimates(t)
    assert set(lp) == {"lincoln_petersen", "chapman"}
    assert lp["lincoln_petersen"].estimate == pytest.approx(100 * 80 / 20)
    fit = MSEModels(t).stepwise().fit
    assert fit.terms == ()  # the A:B model has 4 parameters for 3 cells: never identifiable
    assert fit.estimate == pytest.approx(400, rel=1e-9)


def test_two_list_estimates_requires_two_lists() -> None:
    t = table_from_mapping(["A", "B", "C"], {(1, 0, 0): 8, (0, 1, 0): 6, (1, 1, 1): 2, (0, 0, 1): 3})
    with pytest.raises(EstimationError):
        two_list_estimates(t)


def test_chao_lower_bound_hand_example() -> None:
    # f1 = 60, f2 = 20, f3 = 5: n = 85, N = 85 + 60^2 / 40 = 175
    t = table_from_mapping(
        ["A", "B", "C"],
        {(1, 0, 0): 30, (0, 1, 0): 20, (0, 0, 1): 10, (1, 1, 0): 12, (0, 1, 1): 8, (1, 1, 1): 5},
    )
    r = chao_lower_bound(t)
    assert r.estimate == pytest.approx(175)
    ratio = 3.0
    assert r.se**2 == pytest.approx(20 * (ratio**4 / 4 + ratio**3 + ratio**2 / 2))
    bc = chao_lower_bound(t, bias_corrected=True)
    assert bc.estimate == pytest.approx(85 + 60 * 59 / 42)


def test_chao_f2_zero_uses_bias_corrected_form() -> None:
    t = table_from_mapping(["A", "B", "C"], {(1, 0, 0): 5, (0, 1, 0): 4, (1, 1, 1): 2})
    r = chao_lower_bound(t)
    assert "corrigée" in r.method
    assert r.estimate == pytest.approx(11 + 9 * 8 / 2)


def test_log_interval_degenerate() -> None:
    assert log_interval(10, 10, 0) == (10, 10)
    lo, hi = log_interval(10, float("nan"), 1.0)
    assert math.isnan(lo) and math.isnan(hi)
