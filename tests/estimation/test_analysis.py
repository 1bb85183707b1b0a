"""Top-level ``analyse``: result content, sensitivity range, verdicts and properties."""

from __future__ import annotations

import json
import math
from itertools import product

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from parcours.estimation import (
    AnalysisResult,
    EstimationError,
    MSEModels,
    analyse,
    table_from_mapping,
    table_from_rows,
)
from parcours.estimation.loglinear import all_pairs
from parcours.estimation.sensitivity import (
    VERDICT_CAUTION,
    VERDICT_INCONCLUSIVE,
    VERDICT_SOLID,
    WINDOW_DELTA_BIC,
    occam_window,
)

from ._refdata import DATASETS, MSE_DIR, load, needs_data, ref, rel


@needs_data
@pytest.mark.parametrize("name", DATASETS)
def test_analyse_reference_tables(name: str) -> None:
    r = analyse(load(name))
    s = ref(name)["sparsemse"]
    assert isinstance(r, AnalysisResult)
    assert rel(r.estimate, s["stepwise"]["estimate"]) < 1e-6
    assert rel(r.ci_low, s["stepwise"]["ci95"][0]) < 1e-4
    assert rel(r.ci_high, s["stepwise"]["ci95"][1]) < 1e-4
    assert r.model == s["stepwise"]["two_way_terms"]
    assert r.n_observed == ref(name)["n_observed"]
    assert r.dark_figure == pytest.approx(r.estimate - r.n_observed)
    assert r.main_effects is not None
    assert rel(r.main_effects.estimate, s["main_effects"]["estimate"]) < 1e-6
    assert r.all_two_way_checkident == s["all_two_way"]["checkident_ierr"]
    assert r.verdict in (VERDICT_SOLID, VERDICT_CAUTION, VERDICT_INCONCLUSIVE)
    lo, hi = r.sensitivity_range
    assert lo <= r.estimate <= hi
    # The range covers Occam's window (models within 2 log 20 of the best BIC) and the stepwise model.
    window = r.sensitivity.window
    assert window and window[0].delta_bic == 0
    assert all(m.delta_bic <= WINDOW_DELTA_BIC + 1e-9 and m.checkident == 0 for m in window)
    assert sum(m.weight for m in window) == pytest.approx(1)
    assert all(lo <= m.estimate <= hi for m in window)
    in_window = frozenset(r.stepwise_fit.terms) in {frozenset(m.term_indices) for m in window}
    assert r.sensitivity.stepwise_in_window == in_window
    ma = r.model_average
    assert ma is not None and r.n_observed <= ma.ci_low <= ma.estimate <= ma.ci_high
    d = r.to_dict()
    text = json.dumps(d, allow_nan=False, ensure_ascii=False)
    for key in ("estimate", "ci_low", "ci_high", "model", "method"):
        assert key in d
    assert json.loads(text)["estimate"] == pytest.approx(r.estimate)
    assert "Estimation" in r.summary_fr()


@needs_data
def test_analyse_accepts_a_path() -> None:
    r = analyse(MSE_DIR / "uk_2013_5lists.csv")
    assert round(r.estimate) == 11313
    assert r.source == "uk_2013_5lists.csv"


@needs_data
def test_sensitivity_scope() -> None:
    four = analyse(load("australia_4lists"))
    assert four.sensitivity.n_models_examined == 64
    assert "64" in four.sensitivity.scope
    assert four.sensitivity.exhaustive
    six = analyse(load("uk_2013_6lists"))
    assert not six.sensitivity.exhaustive and not six.sensitivity.truncated
    assert "proche en proche" in six.sensitivity.scope
    # the search examined more than the window, far fewer than the 32 768 models
    assert six.sensitivity.n_models_window < six.sensitivity.n_models_examined < 2**15


@needs_data
@pytest.mark.parametrize(
    "name",
    ["uk_2013_5lists", "netherlands_5lists", "western_us_5lists", "new_orleans_5lists", "kosovo_4lists"],
)
def test_window_search_finds_the_exhaustive_window(name: str) -> None:
    """The neighbourhood search used from 6 lists on finds exactly the window of the exhaustive ranking."""
    table = load(name)
    models = MSEModels(table)
    sw = models.stepwise()
    full = occam_window(models, sw, exhaustive=True)
    searched = occam_window(models, sw, exhaustive=False)
    assert {m.terms for m in searched.window} == {m.terms for m in full.window}
    assert searched.n_models_examined < full.n_models_examined
    assert (searched.min_estimate, searched.max_estimate) == pytest.approx(
        (full.min_estimate, full.max_estimate)
    )


@needs_data
def test_window_excludes_models_the_data_reject() -> None:
    """Australia: the old range (every model) went from 489 to 7 654; the all-two-way and main-effects
    models are far outside the window (their BIC is more than 6 above the best), so they leave the range."""
    r = analyse(load("australia_4lists"))
    models = MSEModels(load("australia_4lists"))
    best = r.sensitivity.best.bic
    logn = math.log(r.n_observed)
    main_bic = models.main_effects().aic + 5 * (logn - 2)
    assert main_bic - best > WINDOW_DELTA_BIC
    assert r.sensitivity.min_estimate > 5000 > r.main_effects.estimate
    assert r.sensitivity.max_estimate == pytest.approx(7654, rel=1e-3)


@needs_data
def test_verdicts_on_reference_tables() -> None:
    aus = analyse(load("australia_4lists"))
    assert aus.verdict == VERDICT_INCONCLUSIVE
    assert any("Intervalle de confiance trop large" in w for w in aus.warnings)
    assert any(w.startswith("L'estimation dépend du modèle : de 5 263 à 7 654") for w in aus.warnings)
    art = analyse(load("artificial_3lists"))
    assert art.verdict == VERDICT_INCONCLUSIVE
    assert any("Trop peu de recoupements" in w for w in art.warnings)
    assert any("ne se croisent jamais (A:C, B:C)" in w for w in art.warnings)
    assert any("estimation finie" in w for w in art.warnings)
    assert art.all_two_way is None and art.all_two_way_checkident == 2
    ned = analyse(load("netherlands_5lists"))
    assert any("disjointes les paires K:R" in w for w in ned.warnings)
    assert ned.verdict == VERDICT_INCONCLUSIVE
    hare = analyse(load("rcapture_hare_6occasions"))
    assert hare.verdict != VERDICT_INCONCLUSIVE


@needs_data
def test_analyse_with_bootstrap_reports_bca_interval() -> None:
    r = analyse(load("kosovo_4lists"), bootstrap=30, seed=11)
    assert r.bootstrap is not None
    assert (r.ci_low, r.ci_high) == (r.bootstrap.ci_low, r.bootstrap.ci_high)
    assert r.normal_ci != (r.ci_low, r.ci_high)
    assert "bootstrap" in r.interval_method
    again = analyse(load("kosovo_4lists"), bootstrap=30, seed=11)
    assert (again.ci_low, again.ci_high) == (r.ci_low, r.ci_high)
    assert r.to_dict()["bootstrap"]["n_boot"] == 30


@needs_data
def test_check_all_models_option() -> None:
    r = analyse(load("artificial_3lists"), check_all_models=True)
    assert r.check_all is not None
    assert r.to_dict()["checkallmodels"]["models_without_mle"] == ["A:B", "A:B+A:C", "A:B+B:C"]


def test_two_lists() -> None:
    t = table_from_mapping(["CAF", "Police"], {(1, 0): 80, (0, 1): 60, (1, 1): 20})
    r = analyse(t)
    assert r.estimate == pytest.approx(400)
    assert set(r.two_lists) == {"lincoln_petersen", "chapman"}
    assert r.model == []


def test_noninformative_list_removed_with_warning() -> None:
    t = table_from_rows(
        ["A", "B", "C", "Tous"],
        [[1, 0, 0, 1], [0, 1, 0, 1], [0, 0, 1, 1], [1, 1, 0, 1], [0, 1, 1, 1], [1, 0, 1, 1]],
        [30, 25, 20, 6, 5, 4],
    )
    r = analyse(t)
    assert r.lists == ("A", "B", "C")
    assert any("Tous" in w for w in r.warnings)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"confidence": 1.5}, "bad_confidence"),
        ({"pthresh": -1}, "bad_pthresh"),
        ({"bootstrap": -3}, "bad_bootstrap"),
    ],
)
def test_bad_parameters(kwargs: dict, code: str) -> None:
    t = table_from_mapping(["A", "B"], {(1, 0): 8, (0, 1): 6, (1, 1): 3})
    with pytest.raises(EstimationError) as exc:
        analyse(t, **kwargs)
    assert exc.value.code == code


@needs_data
@pytest.mark.parametrize(
    "name", ["uk_2013_5lists", "kosovo_4lists", "rcapture_lesbian_4lists", "western_us_5lists"]
)
def test_stepwise_invariant_under_list_permutation(name: str) -> None:
    table = load(name)
    base = MSEModels(table).stepwise().fit
    t = table.n_lists
    for order in (list(reversed(range(t))), [*range(1, t), 0]):
        fit = MSEModels(table.permuted(order)).stepwise().fit
        assert rel(fit.estimate, base.estimate) < 1e-9
        names = {frozenset(n.split(":")) for n in fit.term_names}
        assert names == {frozenset(n.split(":")) for n in base.term_names}


# ---------------------------------------------------------------------------- properties

cells3 = list(product([0, 1], repeat=3))[1:]
cells4 = list(product([0, 1], repeat=4))[1:]


@st.composite
def random_tables(draw: st.DrawFn) -> tuple[list[str], dict]:
    t = draw(st.sampled_from([3, 4]))
    cells = cells3 if t == 3 else cells4
    counts = draw(st.lists(st.integers(0, 60), min_size=len(cells), max_size=len(cells)))
    names = ["A", "B", "C", "D"][:t]
    return names, {c: n for c, n in zip(cells, counts, strict=True) if n > 0}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_tables())
def test_property_estimate_at_least_observed(data: tuple[list[str], dict]) -> None:
    names, mapping = data
    try:
        table = table_from_mapping(names, mapping)
        r = analyse(table, reference_models=False)
    except EstimationError as exc:
        assert str(exc)  # a French message, never a crash
        return
    assert math.isfinite(r.estimate)
    assert r.estimate >= r.n_observed
    assert r.ci_low <= r.estimate * (1 + 1e-12)
    assert r.estimate <= r.ci_high * (1 + 1e-12)
    assert r.sensitivity.min_estimate <= r.estimate <= r.sensitivity.max_estimate


@settings(max_examples=30, deadline=None)
@given(random_tables(), st.randoms(use_true_random=False))
def test_property_fixed_models_invariant_under_permutation(data: tuple[list[str], dict], rnd) -> None:
    names, mapping = data
    try:
        table = table_from_mapping(names, mapping)
    except EstimationError:
        return
    order = list(range(len(names)))
    rnd.shuffle(order)
    perm = table.permuted(order)
    a, b = MSEModels(table), MSEModels(perm)
    assume(a.checkident([]) == 0)
    assert b.checkident([]) == 0
    assert rel(b.main_effects().estimate, a.main_effects().estimate) < 1e-7
    code = a.checkident(all_pairs(len(names)))
    assert b.checkident(all_pairs(len(names))) == code
    if code == 0:
        assert rel(b.all_two_way().estimate, a.all_two_way().estimate) < 1e-7


@settings(max_examples=40, deadline=None)
@given(random_tables(), st.integers(0, 63))
def test_property_mle_shortcut_agrees_with_lp(data: tuple[list[str], dict], mask: int) -> None:
    """The algebraic existence test equals the Fienberg-Rinaldo LP on arbitrary models."""
    names, mapping = data
    try:
        table = table_from_mapping(names, mapping)
    except EstimationError:
        return
    pairs = all_pairs(len(names))
    terms = [p for k, p in enumerate(pairs) if mask >> k & 1]
    fast, slow = MSEModels(table), MSEModels(table)
    slow.use_lp = True
    assert fast.checkident(terms) == slow.checkident(terms)


def test_counts_are_integers_in_result() -> None:
    t = table_from_mapping(
        ["A", "B", "C"], {(1, 0, 0): 40, (0, 1, 0): 30, (0, 0, 1): 20, (1, 1, 0): 6, (1, 0, 1): 4}
    )
    r = analyse(t)
    assert isinstance(r.n_observed, int)
    assert np.isfinite(r.estimate)


@needs_data
def test_fixed_model_by_names_and_bad_terms() -> None:
    m = MSEModels(load("uk_2013_5lists"))
    terms = m.terms_from_names(["LA:NG", "NG:GP", "PFNCA:GP", "LA:PFNCA", "GO:GP", "NG:GO"])
    assert m.fit(terms, check=True).estimate == pytest.approx(11312.9902894352, rel=1e-9)
    for bad in (["LA"], ["LA:XX"], ["LA:LA"]):
        with pytest.raises(EstimationError):
            m.terms_from_names(bad)
    with pytest.raises(EstimationError):
        m.fit([(0, 9)])
    art = MSEModels(load("artificial_3lists"))
    with pytest.raises(EstimationError) as exc:
        art.fit(art.terms_from_names(["A:B"]), check=True)
    assert exc.value.code == "checkident_1"


def test_a_chao_bound_above_the_interval_warns_and_lowers_the_verdict() -> None:
    """Two kinds of people (1 500 hard to find, 300 easy; 4 lists, seed 1 of simulate_histories): the
    independence model gives 1 352 (interval up to 1 465) for a truth of 1 800, and Chao's finite-list bound
    is 1 479. The user is told what this can mean, and the verdict is no longer « solide »."""
    rows = [
        ((1, 0, 0, 0), 123), ((0, 1, 0, 0), 156), ((0, 0, 1, 0), 131), ((0, 0, 0, 1), 154),
        ((1, 1, 0, 0), 30), ((1, 0, 1, 0), 31), ((1, 0, 0, 1), 24), ((0, 1, 1, 0), 26),
        ((0, 1, 0, 1), 34), ((0, 0, 1, 1), 26), ((1, 1, 1, 0), 12), ((1, 1, 0, 1), 8),
        ((1, 0, 1, 1), 13), ((0, 1, 1, 1), 9), ((1, 1, 1, 1), 4),
    ]  # fmt: skip
    r = analyse(table_from_rows(["A", "B", "C", "D"], [p for p, _ in rows], [c for _, c in rows]))
    assert r.chao.estimate > r.ci_high
    assert len(r.warnings) == 1
    (warning,) = r.warnings
    assert warning.startswith("La borne inférieure de Chao (1 479) dépasse l'intervalle")
    for cause in ("plus difficiles à repérer", "comptée deux fois", "publics différents"):
        assert cause in warning
    assert "probablement trop basse" not in warning
    assert r.verdict == VERDICT_CAUTION
