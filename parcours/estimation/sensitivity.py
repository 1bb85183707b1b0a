"""Sensitivity of the estimate to the choice of log-linear model, and a plain-French verdict.

The selected model is only one of many that fit the data about equally well, and with sparse
lists the estimate can change several-fold from one model to another (Silverman 2020, *JRSS A*
183(3); Binette & Steorts 2022, *JRSS A* 185(2)).  A single figure must therefore always be
shown with the range of the estimates of the plausible models.

**Models examined** (main effects are always included):

* ``t <= 4`` lists: every subset of the two-list terms (8 models for 3 lists, 64 for 4);
* ``t >= 5`` lists (1 024 models for 5 lists, 32 768 for 6): the models of the stepwise path,
  the main-effects model, each single two-list model and the all-two-way model; for 5 lists
  the analysis also adds the best model by BIC among the 1 024 (Rcapture's ``closedpMS.t``).

Only models whose maximum likelihood estimate exists and which are identifiable
(:meth:`~parcours.estimation.loglinear.MSEModels.checkident` code 0) are kept: the others
give an infinite or meaningless figure.  The range is the minimum and maximum of their point
estimates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from .loglinear import ModelFit, MSEModels, StepwiseResult, Term, all_pairs, model_space, stepwise_pairs

#: Lists up to this number: every two-list model is examined.
FULL_ENUMERATION_MAX_LISTS = 4
#: max/min of the model range above which no single figure should be acted upon.
RANGE_RATIO_LIMIT = 2.0
#: ci_high/ci_low above which the interval is considered too wide.
CI_RATIO_WARN = 2.0
CI_RATIO_LIMIT = 4.0
#: estimated total / observed above which the estimate is mostly extrapolation.
DARK_RATIO_WARN = 5.0
DARK_RATIO_LIMIT = 10.0
#: ratio between the stepwise and the BIC-best estimates above which a warning is given.
BIC_RATIO_WARN = 1.5
#: people on two lists or more below which the overlaps carry too little information.
MIN_OVERLAP_CASES = 10
MIN_OVERLAP_CASES_LIMIT = 5
#: observed people below which any estimate is very uncertain.
MIN_OBSERVED = 30

VERDICT_SOLID = "solide"
VERDICT_CAUTION = "à interpréter avec prudence"
VERDICT_INCONCLUSIVE = "non concluant"


@dataclass(frozen=True)
class ModelSummary:
    """One model of the sensitivity analysis."""

    terms: tuple[str, ...]
    checkident: int
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    aic: float | None = None
    deviance: float | None = None
    df_residual: int | None = None
    on_stepwise_path: bool = False

    @property
    def label(self) -> str:
        return "effets principaux" if not self.terms else "effets principaux + " + ", ".join(self.terms)

    def to_dict(self) -> dict[str, object]:
        return {
            "terms": list(self.terms),
            "checkident": self.checkident,
            "estimate": self.estimate,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "aic": self.aic,
            "deviance": self.deviance,
            "df_residual": self.df_residual,
            "on_stepwise_path": self.on_stepwise_path,
        }


@dataclass(frozen=True)
class SensitivityResult:
    scope: str
    n_models_examined: int
    n_models_valid: int
    min_estimate: float
    max_estimate: float
    min_model: str
    max_model: str
    models: tuple[ModelSummary, ...] = field(repr=False)

    @property
    def ratio(self) -> float:
        if self.min_estimate > 0 and math.isfinite(self.max_estimate):
            return self.max_estimate / self.min_estimate
        return float("inf")

    @property
    def n_models_without_mle(self) -> int:
        return sum(1 for m in self.models if m.checkident in (1, 3))

    def to_dict(self) -> dict[str, object]:
        return {
            "scope": self.scope,
            "n_models_examined": self.n_models_examined,
            "n_models_valid": self.n_models_valid,
            "n_models_without_mle": self.n_models_without_mle,
            "min": self.min_estimate,
            "max": self.max_estimate,
            "ratio": self.ratio,
            "min_model": self.min_model,
            "max_model": self.max_model,
            "models": [m.to_dict() for m in self.models],
        }


def _summary(models: MSEModels, terms: tuple[Term, ...], path: set[frozenset[Term]]) -> ModelSummary:
    code = models.checkident(terms)
    names = tuple(models.name(t) for t in terms)
    on_path = frozenset(terms) in path
    if code != 0:
        return ModelSummary(names, code, on_stepwise_path=on_path)
    f: ModelFit = models.fit(terms)
    return ModelSummary(names, 0, f.estimate, f.ci_low, f.ci_high, f.aic, f.deviance, f.df_residual, on_path)


def sensitivity(
    models: MSEModels, stepwise: StepwiseResult, extra: Sequence[tuple[Term, ...]] = ()
) -> SensitivityResult:
    """Range of the estimates over the plausible two-list models (see module docstring).

    ``extra`` adds models to the reduced set used from five lists on (the analysis adds the
    best model by BIC when it ranked all the models).
    """
    t = models.t
    path_terms = [f.terms for f in stepwise.path]
    path = {frozenset(p) for p in path_terms}
    candidates: list[tuple[Term, ...]] = []
    if t <= FULL_ENUMERATION_MAX_LISTS:
        scope = f"tous les modèles à interactions d'ordre deux ({2 ** (t * (t - 1) // 2)} modèles)"
        candidates = list(model_space(t))
    else:
        scope = (
            "modèles du parcours pas à pas, effets principaux, chaque interaction seule "
            "et toutes les interactions d'ordre deux"
        )
        candidates = [*path_terms, ()]
        candidates += [(p,) for p in stepwise_pairs(t)]
        candidates.append(tuple(all_pairs(t)))
        if extra:
            scope = scope.replace(" et toutes", ", toutes") + " et le meilleur modèle selon le BIC"
            candidates += [tuple(e) for e in extra]
    seen: set[frozenset[Term]] = set()
    out: list[ModelSummary] = []
    for terms in candidates:
        key = frozenset(terms)
        if key in seen:
            continue
        seen.add(key)
        out.append(_summary(models, tuple(terms), path))
    valid = [m for m in out if m.estimate is not None and math.isfinite(m.estimate)]
    lo = min(valid, key=lambda m: m.estimate)  # type: ignore[arg-type, return-value]
    hi = max(valid, key=lambda m: m.estimate)  # type: ignore[arg-type, return-value]
    return SensitivityResult(
        scope=scope,
        n_models_examined=len(out),
        n_models_valid=len(valid),
        min_estimate=float(lo.estimate),  # type: ignore[arg-type]
        max_estimate=float(hi.estimate),  # type: ignore[arg-type]
        min_model=lo.label,
        max_model=hi.label,
        models=tuple(out),
    )


def fmt_int(v: float) -> str:
    """French thousands formatting: ``11313.0 -> '11 313'`` (no-break spaces avoided)."""
    if v is None or not math.isfinite(v):
        return "∞" if v is not None and v > 0 else "—"
    return f"{round(v):,}".replace(",", " ")


def fmt_dec(v: float, digits: int = 1) -> str:
    """French decimal formatting: ``4.25 -> '4,2'``."""
    return f"{v:.{digits}f}".replace(".", ",")


def fmt_p(p: float) -> str:
    """French p-value: ``'< 0,001'`` or ``'= 0,031'``."""
    return "< 0,001" if p < 0.001 else "= " + fmt_dec(p, 3)


def assess(
    *,
    n_observed: int,
    n_multi: int,
    estimate: float,
    ci_low: float,
    ci_high: float,
    sens: SensitivityResult,
    nonoverlapping_pairs: list[str],
    empty_terms_selected: list[str],
    gof_pvalue: float | None,
    removed_lists: list[str],
    bic_best: tuple[str, float] | None = None,
) -> tuple[str, list[str]]:
    """Verdict (``solide`` / ``à interpréter avec prudence`` / ``non concluant``) and warnings."""
    level = 0
    warnings: list[str] = []

    def warn(text: str, severity: int) -> None:
        nonlocal level
        warnings.append(text)
        level = max(level, severity)

    if n_observed < MIN_OBSERVED:
        warn(
            f"Très peu de personnes observées ({n_observed}) : toute estimation est très incertaine.",
            1,
        )
    if n_multi < MIN_OVERLAP_CASES:
        warn(
            f"Trop peu de recoupements : seules {n_multi} personnes figurent sur plusieurs listes ; "
            "l'estimation repose sur très peu d'information.",
            2 if n_multi < MIN_OVERLAP_CASES_LIMIT else 1,
        )
    if nonoverlapping_pairs:
        pairs = ", ".join(nonoverlapping_pairs)
        warn(
            f"Listes qui ne se croisent jamais ({pairs}) : aucune personne en commun. Ces listes "
            "couvrent peut-être des publics différents ; l'hypothèse d'une population unique est fragile.",
            1 if len(nonoverlapping_pairs) > 0 else 0,
        )
    if empty_terms_selected:
        warn(
            "Le modèle retenu traite comme structurellement disjointes les paires "
            + ", ".join(empty_terms_selected)
            + " (méthode de Chan, Silverman et Vincent) : l'estimation en dépend directement.",
            1,
        )
    if sens.ratio > RANGE_RATIO_LIMIT:
        warn(
            f"Fourchette trop large pour agir : selon le modèle retenu, l'estimation varie de "
            f"{fmt_int(sens.min_estimate)} à {fmt_int(sens.max_estimate)} (rapport {fmt_dec(sens.ratio)}). "
            "Le choix du modèle détermine le résultat : ne retenez pas un chiffre unique.",
            2,
        )
    elif sens.ratio > 1.3:
        warn(
            f"L'estimation dépend du modèle : de {fmt_int(sens.min_estimate)} à "
            f"{fmt_int(sens.max_estimate)} selon les {sens.n_models_valid} modèles examinés.",
            1,
        )
    if math.isfinite(ci_low) and ci_low > 0 and math.isfinite(ci_high):
        r = ci_high / ci_low
        if r > CI_RATIO_LIMIT:
            warn(
                f"Intervalle de confiance trop large ({fmt_int(ci_low)} à {fmt_int(ci_high)}, la borne haute "
                f"vaut {fmt_dec(r)} fois la borne basse) : l'ordre de grandeur lui-même est incertain.",
                2,
            )
        elif r > CI_RATIO_WARN:
            warn(
                f"Intervalle de confiance large ({fmt_int(ci_low)} à {fmt_int(ci_high)}).",
                1,
            )
    elif not math.isfinite(ci_high):
        warn("Borne haute de l'intervalle infinie : l'estimation n'est pas exploitable.", 2)
    ratio_dark = estimate / n_observed if n_observed else float("inf")
    if ratio_dark > DARK_RATIO_LIMIT:
        warn(
            f"L'estimation vaut {fmt_dec(ratio_dark, 0)} fois le nombre de personnes connues : "
            "c'est surtout une extrapolation du modèle, très sensible à ses hypothèses.",
            2,
        )
    elif ratio_dark > DARK_RATIO_WARN:
        warn(
            f"L'estimation vaut {fmt_dec(ratio_dark)} fois le nombre de personnes connues : le chiffre noir "
            "domine, l'estimation est sensible aux hypothèses du modèle.",
            1,
        )
    if bic_best is not None:
        label, value = bic_best
        r = max(value, estimate) / min(value, estimate)
        if r > BIC_RATIO_WARN:
            warn(
                f"Le meilleur modèle selon le critère BIC ({label}) donne {fmt_int(value)}, contre "
                f"{fmt_int(estimate)} pour la sélection pas à pas : deux méthodes de choix du modèle "
                "aussi défendables l'une que l'autre aboutissent à des chiffres différents.",
                1,
            )
    if gof_pvalue is not None and gof_pvalue < 0.05:
        warn(
            "Le modèle retenu s'ajuste mal aux données (test du rapport de vraisemblance, "
            f"p {fmt_p(gof_pvalue)}) : "
            "des dépendances entre listes non prises en compte peuvent biaiser l'estimation.",
            1,
        )
    if sens.n_models_without_mle:
        warn(
            f"{sens.n_models_without_mle} modèle(s) examiné(s) n'ont pas d'estimation finie "
            "(maximum de vraisemblance inexistant) et ont été écartés.",
            0,
        )
    if removed_lists:
        warn("Listes retirées car non informatives : " + "; ".join(removed_lists) + ".", 0)
    verdict = (VERDICT_SOLID, VERDICT_CAUTION, VERDICT_INCONCLUSIVE)[level]
    return verdict, warnings
