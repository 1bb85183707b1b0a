"""The R-exact Poisson IRLS against statsmodels and against the Poisson likelihood."""

from __future__ import annotations

import math

import numpy as np
import pytest

from parcours.estimation.glm import SingularDesignError, poisson_glm
from parcours.estimation.loglinear import MSEModels, all_pairs

from ._refdata import load, needs_data


def _design(name: str, all_two_way: bool = False) -> tuple[np.ndarray, np.ndarray]:
    m = MSEModels(load(name))
    keep, x, _, _ = m.design(all_pairs(m.t) if all_two_way else [])
    return x, m.y[keep]


@needs_data
@pytest.mark.parametrize("name", ["uk_2013_5lists", "kosovo_4lists", "rcapture_duck_6occasions"])
@pytest.mark.parametrize("all_two_way", [False, True])
def test_against_statsmodels(name: str, all_two_way: bool) -> None:
    sm = pytest.importorskip("statsmodels.api")
    x, y = _design(name, all_two_way)
    ours = poisson_glm(x, y)
    ref = sm.GLM(y, x, family=sm.families.Poisson()).fit(tol=1e-13, maxiter=200)
    assert ours.converged
    np.testing.assert_allclose(ours.coef, ref.params, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(ours.deviance, ref.deviance, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(np.sqrt(np.diag(ours.cov_unscaled)), ref.bse, rtol=1e-5)
    assert ours.aic(y) == pytest.approx(ref.aic, rel=1e-9)


def test_score_equations_hold_at_convergence() -> None:
    rng = np.random.default_rng(3)
    x = np.column_stack([np.ones(40), rng.integers(0, 2, size=(40, 3))])
    y = rng.poisson(np.exp(x @ np.array([1.0, 0.5, -0.3, 0.8])))
    g = poisson_glm(x, y)
    assert g.converged and g.iterations <= 25
    assert np.abs(x.T @ (y - g.mu)).max() < 1e-6 * max(1.0, y.sum())
    assert g.df_residual == 40 - 4


def test_rank_deficient_design_raises() -> None:
    x = np.column_stack([np.ones(5), [1, 0, 1, 0, 1], [2, 0, 2, 0, 2]])
    with pytest.raises(SingularDesignError):
        poisson_glm(x, np.array([1.0, 2, 3, 4, 5]))


def test_zero_cells_push_fit_to_boundary_like_r() -> None:
    """A covariate whose cells are all zero: R's glm stops after ~20 iterations with a large
    negative coefficient and fitted values near zero; so do we (no exception)."""
    x = np.column_stack([np.ones(4), [0, 0, 1, 1], [0, 1, 0, 1]])
    y = np.array([5.0, 7.0, 0.0, 0.0])
    g = poisson_glm(x, y)
    assert g.coef[1] < -15
    assert math.isfinite(g.coef[0]) and g.mu[2] < 1e-6
