"""Reproduction of the SparseMSE 2.0.1 and Rcapture 1.4-4 reference results (reference.json)."""

from __future__ import annotations

import math

import pytest

from parcours.estimation import MSEModels
from parcours.estimation.loglinear import all_pairs
from parcours.estimation.rcapture import CLOSEDP_MODELS, bic_selection, closedp, profile_interval

from ._refdata import DATASETS, load, needs_data, ref, rel

pytestmark = needs_data

EST_TOL = 1e-6
CI_TOL = 1e-4
PROFILE_TOL = 1e-3


def _check_fit(fit, r: dict) -> None:
    assert rel(fit.estimate, r["estimate"]) < EST_TOL
    assert rel(fit.dark_figure, r["dark_figure"]) < EST_TOL
    assert rel(fit.log_dark_figure, r["log_dark_figure"]) < EST_TOL
    assert rel(fit.log_dark_figure_se, r["log_dark_figure_se"]) < EST_TOL
    assert rel(fit.ci_low, r["ci95"][0]) < CI_TOL
    assert rel(fit.ci_high, r["ci95"][1]) < CI_TOL
    assert abs(fit.deviance - r["deviance"]) < 1e-6 * max(1.0, r["deviance"])
    assert rel(fit.aic, r["aic_adjusted"]) < EST_TOL
    assert fit.df_residual == r["df_residual"]
    assert fit.n_cells == r["n_cells_fitted"]
    assert fit.reported_term_names == r["two_way_terms"]
    assert fit.empty_term_names == r["empty_overlap_terms"]
    assert fit.converged


@pytest.mark.parametrize("name", DATASETS)
def test_table_figures(name: str) -> None:
    table, r = load(name), ref(name)
    assert list(table.lists) == r["lists"]
    assert table.n_observed == r["n_observed"]
    assert table.n_histories == r["n_observed_histories"]


@pytest.mark.parametrize("name", DATASETS)
def test_stepwise(name: str) -> None:
    sw = MSEModels(load(name)).stepwise(0.02)
    _check_fit(sw.fit, ref(name)["sparsemse"]["stepwise"])
    # the steps are the terms in the order added; the reference lists empty overlaps last
    assert sorted(s.name for s in sw.steps) == sorted(sw.fit.term_names)
    assert all(s.p_value < 0.02 for s in sw.steps)
    assert len(sw.path) == len(sw.steps) + 1


def test_stepwise_addition_order_netherlands() -> None:
    """SparseMSE adds the empty-overlap pair K:R *before* IO:K (checked with R 4.2.2 + lpSolve);
    reference.json, like SparseMSE's printout, lists the empty-overlap terms after the others."""
    sw = MSEModels(load("netherlands_5lists")).stepwise()
    assert [s.name for s in sw.steps] == ["IO:Z", "P:Z", "P:R", "IO:P", "K:R", "IO:K"]
    assert sw.steps[4].empty_overlap and sw.steps[4].observed_overlap == 0
    assert sw.fit.reported_term_names == ["IO:Z", "P:Z", "P:R", "IO:P", "IO:K", "K:R"]


@pytest.mark.parametrize("name", DATASETS)
def test_main_effects(name: str) -> None:
    _check_fit(MSEModels(load(name)).main_effects(), ref(name)["sparsemse"]["main_effects"])


@pytest.mark.parametrize("name", DATASETS)
def test_all_two_way_and_checkident(name: str) -> None:
    table = load(name)
    m = MSEModels(table)
    r = ref(name)["sparsemse"]["all_two_way"]
    code = m.checkident(all_pairs(table.n_lists))
    assert code == r["checkident_ierr"]
    # the LP-only path (as SparseMSE/lpSolve) gives the same code
    m_lp = MSEModels(table)
    m_lp.use_lp = True
    assert m_lp.checkident(all_pairs(table.n_lists)) == code
    if code == 0:
        _check_fit(m.all_two_way(), r)
    else:
        from parcours.estimation import EstimationError

        with pytest.raises(EstimationError) as exc:
            m.all_two_way(check=True)
        assert "identifiable" in str(exc.value)


@pytest.mark.parametrize("name", DATASETS)
def test_checkallmodels(name: str) -> None:
    r = ref(name)["sparsemse"]["checkallmodels"]
    res = MSEModels(load(name)).checkallmodels()
    assert res.n_nonoverlapping_pairs == r["n_nonoverlapping_pairs"]
    assert res.n_twoway_models == r["n_twoway_models"]
    if "skipped" in r:
        assert not res.enumerated
        return
    assert res.enumerated
    assert res.n_models_mle_not_exist == r["n_models_mle_not_exist"]
    assert res.examples == r["examples"]


def test_checkallmodels_artificial_exact() -> None:
    res = MSEModels(load("artificial_3lists")).checkallmodels()
    assert res.examples == ["A:B", "A:B+A:C", "A:B+B:C"]
    assert not res.all_two_way_identifiable


@pytest.mark.parametrize("name", DATASETS)
def test_stepwise_lp_only_identical(name: str) -> None:
    """The algebraic shortcuts of the MLE-existence test never change the selection."""
    fast = MSEModels(load(name)).stepwise()
    slow_models = MSEModels(load(name))
    slow_models.use_lp = True
    slow = slow_models.stepwise()
    assert [s.name for s in fast.steps] == [s.name for s in slow.steps]
    assert fast.fit.estimate == slow.fit.estimate


@pytest.mark.parametrize("name", DATASETS)
def test_rcapture_closedp(name: str) -> None:
    res = closedp(load(name))
    for model in CLOSEDP_MODELS:
        r = ref(name)["rcapture"]["closedp_t"][model]
        f = res[model]
        assert rel(f.abundance, r["abundance"]) < EST_TOL, model
        assert rel(f.stderr, r["stderr"]) < CI_TOL, model
        assert abs(f.deviance - r["deviance"]) < 1e-6 * max(1.0, r["deviance"]), model
        assert f.df == r["df"], model
        assert rel(f.aic, r["AIC"]) < EST_TOL, model


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize(
    ("model", "key"), [("M0", "M0"), ("Mt", "Mt"), ("Mh Chao (LB)", "Mh_Chao"), ("Mth Chao (LB)", "Mth_Chao")]
)
def test_rcapture_profile_interval(name: str, model: str, key: str) -> None:
    r = ref(name)["rcapture"]["closedpCI_t"][key]
    p = profile_interval(load(name), model)
    assert rel(p.abundance, r["abundance_profile"]) < PROFILE_TOL
    assert rel(p.ci_low, r["ci95"][0]) < PROFILE_TOL
    assert rel(p.ci_high, r["ci95"][1]) < PROFILE_TOL
    assert p.upper_found


def test_published_uk_figure() -> None:
    """The UK Home Office figure (Silverman 2014) is the stepwise fit of the 5-list table."""
    fit = MSEModels(load("uk_2013_5lists")).stepwise().fit
    assert round(fit.estimate) == 11313
    assert math.isclose(fit.estimate, 11312.99, abs_tol=0.01)


@pytest.mark.parametrize("name", DATASETS)
def test_rcapture_bic_selection(name: str) -> None:
    """Rcapture ``closedpMS.t(maxorder = 2)``: same BIC ranking and BIC-best model (t <= 5)."""
    r = ref(name)["rcapture"]["bic_selection"]
    if "skipped" in r:
        pytest.skip("Rcapture's BIC selection was not computed beyond 5 lists")
    sel = bic_selection(MSEModels(load(name)))
    assert sel is not None and sel.n_models == r["n_models"]
    # Rcapture does not check the existence of the MLE: its best model may have none
    assert sel.best_any is not None and sel.best_any.label == r["best_bic_model"]
    assert rel(sel.best_any.bic, r["top5_bic"][0]["BIC"]) < 1e-8
    ours = {m.label: m for m in sel.valid}
    for row in r["top5_bic"]:
        if row["model"] in ours:
            m = ours[row["model"]]
            assert rel(m.abundance, row["abundance"]) < 1e-6
            assert abs(m.bic - row["BIC"]) < 1e-6
            assert abs(m.aic - row["AIC"]) < 1e-6
    if name == "artificial_3lists":
        assert sel.best_any.checkident == 1  # [12,3]: no MLE (Rcapture gives 1.4e13)
        assert sel.best is not None and sel.best.label == "[1,2,3]"
    else:
        assert sel.best is not None and sel.best.label == r["best_bic_model"]
        assert rel(sel.best.abundance, r["best_bic_abundance"]) < 1e-6
