"""Stratified estimate: strata estimated alone where counts allow, the others pooled, totals summed."""

from __future__ import annotations

import json

import numpy as np
import pytest

from parcours.estimation import EstimationError, stratified_estimate, table_from_mapping
from parcours.estimation.simulation import histories_counts, simulate_strata
from parcours.estimation.strata import MIN_STRATUM_OBSERVED, REMAINDER_LABEL

LISTS = ["Asso", "Police", "Hopital", "CCAS"]
KEYS = [("18-24", "F"), ("18-24", "M"), ("25+", "F"), ("25+", "M")]


def _population(seed: int, probs: list[float], sizes: list[int]) -> dict:
    rng = np.random.default_rng(seed)
    hs = simulate_strata(
        rng, dict(zip(KEYS, sizes, strict=True)), {k: [p] * 4 for k, p in zip(KEYS, probs, strict=True)}
    )
    return {k: histories_counts(h) for k, h in hs.items()}


def test_stratified_is_closer_to_the_truth_under_heterogeneity() -> None:
    """2 000 people in 4 strata whose capture probability goes from 0.08 to 0.3 (the same on every list):
    the pooled estimate is about 20 % too low; the stratified one is unbiased."""
    pooled, strat, covered = [], [], 0
    for seed in range(8):
        r = stratified_estimate(_population(seed, [0.08, 0.12, 0.2, 0.3], [600, 600, 400, 400]), LISTS)
        pooled.append(r.pooled_estimate / 2000 - 1)
        strat.append(r.estimate / 2000 - 1)
        covered += r.ci_low <= 2000 <= r.ci_high
    assert np.mean(pooled) < -0.12
    assert abs(np.mean(strat)) < 0.05
    assert abs(np.mean(strat)) < abs(np.mean(pooled))
    assert covered >= 6


def test_small_strata_are_pooled_into_a_named_remainder() -> None:
    strata = _population(3, [0.2, 0.2, 0.25, 0.3], [800, 700, 600, 10])
    r = stratified_estimate(strata, LISTS)
    assert r.collapsed == ("25+ × M",)
    remainder = next(g for g in r.groups if g.is_remainder)
    assert remainder.label == REMAINDER_LABEL
    assert "25+ × M" in remainder.members
    assert any("25+ × M" in w for w in r.warnings)
    assert sum(g.n_observed for g in r.groups) == r.n_observed
    assert r.estimate == pytest.approx(sum(g.estimate for g in r.groups))
    assert r.n_observed <= r.ci_low <= r.estimate <= r.ci_high
    d = json.loads(json.dumps(r.to_dict(), allow_nan=False, ensure_ascii=False))
    assert d["collapsed"] == ["25+ × M"] and d["min_observed"] == MIN_STRATUM_OBSERVED


def test_a_remainder_too_small_is_merged_with_the_smallest_stratum() -> None:
    strata = _population(4, [0.2, 0.25, 0.3, 0.3], [1500, 400, 5, 5])
    r = stratified_estimate(strata, LISTS)
    remainder = next(g for g in r.groups if g.is_remainder)
    # the two tiny strata cannot be estimated even together: the smallest estimable stratum joins them
    assert set(remainder.members) == {"25+ × F", "25+ × M", "18-24 × M"}
    assert len(r.groups) == 2


def test_mappings_and_tiny_strata_without_overlap_are_accepted() -> None:
    big = {
        (1, 0, 0): 60,
        (0, 1, 0): 50,
        (0, 0, 1): 40,
        (1, 1, 0): 20,
        (1, 0, 1): 15,
        (0, 1, 1): 12,
        (1, 1, 1): 5,
    }
    strata = {"a": big, "b": dict(big), "tiny": {(1, 0, 0): 2}}  # nobody of « tiny » on B or C
    r = stratified_estimate(strata, ["A", "B", "C"])
    assert r.collapsed == ("tiny",)
    assert r.n_observed == 2 * 202 + 2


def test_one_stratum_equals_the_pooled_estimate() -> None:
    t = table_from_mapping(
        list("ABC"), {(1, 0, 0): 60, (0, 1, 0): 50, (0, 0, 1): 40, (1, 1, 0): 20, (1, 1, 1): 5}
    )
    r = stratified_estimate({"tous": t})
    assert r.estimate == pytest.approx(r.pooled_estimate)
    assert r.warnings == ()


@pytest.mark.parametrize(
    ("strata", "lists", "code"),
    [
        ({}, ["A", "B"], "no_strata"),
        ({"x": {(1, 0): 3}}, None, "strata_lists"),
        ({"x": {(1, 0, 1): 3}}, ["A", "B"], "strata_pattern"),
        ({"x": {(1, 0): -3}}, ["A", "B"], "strata_count"),
        ({"x": {(0, 0): 3}}, ["A", "B"], "all_zero_row"),
        ({"x": {(1, 0): 3, (1, 1): 1}}, ["A", "B"], "no_finite_estimate"),
    ],
)
def test_bad_strata_french_errors(strata: dict, lists: list[str] | None, code: str) -> None:
    with pytest.raises(EstimationError) as exc:
        stratified_estimate(strata, lists)
    assert exc.value.code == code
    assert str(exc.value)


def test_strata_with_other_lists_are_refused() -> None:
    a = table_from_mapping(["A", "B"], {(1, 0): 30, (0, 1): 20, (1, 1): 12})
    b = table_from_mapping(["A", "C"], {(1, 0): 30, (0, 1): 20, (1, 1): 12})
    with pytest.raises(EstimationError) as exc:
        stratified_estimate({"a": a, "b": b})
    assert exc.value.code == "strata_lists"
