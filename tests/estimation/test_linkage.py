"""Sensitivity to linkage splits: the split model, its inversion, and a simulation with a known truth."""

from __future__ import annotations

import json

import numpy as np
import pytest

from parcours.estimation import EstimationError, analyse, linkage_sensitivity, table_from_mapping
from parcours.estimation.linkage import correct_for_splits, split_matrix
from parcours.estimation.simulation import histories_table, simulate_histories, split_records
from parcours.estimation.table import cell_matrix


def test_split_matrix_two_lists() -> None:
    """A person on both lists stays whole with probability (1-s)^2; otherwise two one-list people appear."""
    m = split_matrix(2, 0.1)
    # cells: {A}, {B}, {A,B}
    assert m[2, 2] == pytest.approx(0.81)
    assert m[0, 2] == pytest.approx(0.1 + 0.9 * 0.1)
    assert m[1, 2] == pytest.approx(0.19)
    assert m[0, 0] == m[1, 1] == 1 and m[0, 1] == m[1, 0] == 0
    # expected number of people seen for one true two-list person: 1 + 2s - s^2
    assert m[:, 2].sum() == pytest.approx(1 + 0.2 - 0.01)


def test_split_matrix_is_triangular_and_identity_at_zero() -> None:
    z = cell_matrix(4).astype(bool)
    m = split_matrix(4, 0.2)
    for v in range(len(z)):
        for w in range(len(z)):
            if m[v, w] != 0:
                assert np.all(z[w] | ~z[v])  # only from a pattern to one of its subsets
    assert np.allclose(split_matrix(4, 0.0), np.eye(len(z)))


def test_split_matrix_matches_the_simulated_split_process() -> None:
    """The expected observed table is M(s) times the true table (the same error model as split_records)."""
    rng = np.random.default_rng(2)
    t, s = 3, 0.15
    true = simulate_histories(rng, 40_000, [0.4, 0.5, 0.3])
    observed = histories_table(list("ABC"), split_records(rng, true, s)).cell_counts()
    expected = split_matrix(t, s) @ histories_table(list("ABC"), true).cell_counts()
    assert observed == pytest.approx(expected, rel=0.03)


def test_correction_inverts_the_expected_table() -> None:
    true = table_from_mapping(
        list("ABC"), {(1, 0, 0): 50, (0, 1, 0): 40, (0, 0, 1): 30, (1, 1, 0): 20, (1, 1, 1): 10}
    )
    m = split_matrix(3, 0.1)
    expected = m @ true.cell_counts()
    fake = table_from_mapping(
        list("ABC"),
        {tuple(r): round(v) for r, v in zip(cell_matrix(3).tolist(), expected, strict=True) if round(v) > 0},
    )
    corrected, clipped = correct_for_splits(fake, 0.1)
    assert corrected == pytest.approx(true.cell_counts(), abs=2)


def test_negative_corrections_are_clipped_and_counted() -> None:
    # far too many three-list people for a 20 % split rate: the implied pairs would be negative
    table = table_from_mapping(
        list("ABC"), {(1, 0, 0): 50, (0, 1, 0): 40, (0, 0, 1): 30, (1, 1, 0): 1, (1, 1, 1): 40}
    )
    corrected, clipped = correct_for_splits(table, 0.2)
    assert clipped >= 1
    assert (corrected >= 0).all()


@pytest.mark.parametrize("t", [3, 5])
def test_corrected_estimate_at_the_true_rate_is_close_to_the_truth(t: int) -> None:
    """2 000 people, homogeneous capture, 10 % of records split: the uncorrected estimate is inflated by about
    a quarter, the estimate corrected at the true rate is within a few percent of the truth."""
    rng = np.random.default_rng(20 + t)
    probs = [0.3, 0.25, 0.35, 0.2, 0.3][:t]
    uncorrected, corrected = [], []
    for _ in range(10):
        observed = split_records(rng, simulate_histories(rng, 2000, probs), 0.10)
        ls = linkage_sensitivity(histories_table([f"L{k}" for k in range(t)], observed), (0.0, 0.10))
        uncorrected.append(ls.at(0.0).estimate)
        corrected.append(ls.at(0.10).estimate)
    assert np.mean(uncorrected) / 2000 > 1.15
    assert np.mean(corrected) / 2000 == pytest.approx(1.0, abs=0.04)


def test_analyse_reports_the_linkage_panel() -> None:
    table = table_from_mapping(
        list("ABC"),
        {
            (1, 0, 0): 60,
            (0, 1, 0): 50,
            (0, 0, 1): 40,
            (1, 1, 0): 20,
            (1, 0, 1): 15,
            (0, 1, 1): 12,
            (1, 1, 1): 5,
        },
    )
    r = analyse(table)
    assert [x.rate for x in r.linkage.rates] == [0.0, 0.05, 0.10, 0.20]
    assert r.linkage.at(0.0).estimate == pytest.approx(r.estimate)
    estimates = [x.estimate for x in r.linkage.rates]
    assert estimates == sorted(estimates, reverse=True)  # assuming more splits, fewer people
    d = json.loads(json.dumps(r.to_dict(), allow_nan=False))
    assert d["linkage_sensitivity"]["rates"][2]["rate"] == 0.10
    assert analyse(table, split_rates=None).linkage is None


@pytest.mark.parametrize("rate", [-0.1, 0.6, "x", float("nan")])
def test_bad_rate_french_error(rate: object) -> None:
    table = table_from_mapping(["A", "B"], {(1, 0): 8, (0, 1): 6, (1, 1): 3})
    with pytest.raises(EstimationError) as exc:
        linkage_sensitivity(table, (rate,))
    assert exc.value.code == "bad_split_rate"
    assert "non-rapprochement" in str(exc.value)


def test_a_rate_the_data_contradict_gives_a_message_not_a_crash() -> None:
    """One person only on A, ten on both: at 50 % the ten imply 30 one-list A people more than seen; the
    correction clips A to zero, B then holds everyone, and the panel says why there is no figure."""
    table = table_from_mapping(["A", "B"], {(1, 0): 1, (0, 1): 60, (1, 1): 10})
    ls = linkage_sensitivity(table, (0.0, 0.5))
    assert ls.at(0.0).estimate == pytest.approx(77)
    high = ls.at(0.5)
    assert high.estimate is None and high.n_clipped == 1
    assert "estimation impossible" in high.error
