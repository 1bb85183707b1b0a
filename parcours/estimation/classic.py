"""Classic closed-form estimators: Lincoln-Petersen, Chapman (two lists) and Chao's lower bound.

* Lincoln-Petersen: ``N = n1 n2 / m`` with Seber's variance
  ``n1 n2 (n1 - m)(n2 - m) / m^3`` (Seber, G. A. F. (1982), *The Estimation of Animal
  Abundance*, 2nd ed., Griffin, section 3.1).
* Chapman (1951): ``N = (n1 + 1)(n2 + 1)/(m + 1) - 1``, nearly unbiased, defined when
  ``m = 0``; variance ``(n1+1)(n2+1)(n1-m)(n2-m) / ((m+1)^2 (m+2))`` (Seber 1970).
* Chao's lower bound under heterogeneous catchability, in its finite-list form
  (Chao 1987; Chao & Huggins 2005, section 4.3, model Mh): with ``t`` lists, ``A = (t - 1)/t`` and
  ``f_k`` the number of people on exactly ``k`` lists, the unseen count is ``f0 = A f1^2 / (2 f2)``
  with variance ``f2 [A (f1/f2)^2 / 2 + A^2 (f1/f2)^3 + A^2 (f1/f2)^4 / 4]``.  When ``f2 = 0`` the
  bias-corrected form ``f0 = A f1 (f1 - 1) / 2`` is used, with variance
  ``A f1 (f1 - 1) / 2 + A^2 f1 (2 f1 - 1)^2 / 4 - A^2 f1^4 / (4 N)``.  These are the formulas of
  Anne Chao's own package SpadeR (``SpecInciChao2``, "Chao2 (Chao, 1987)"), read in its source,
  and of Chao & Colwell (2017, eq. for Chao2).  Without the factor ``A`` (the limit ``t -> inf``,
  Chao 1987's large-``t`` form) the unseen count is overstated ``t/(t-1)`` times: twice with 2
  lists, 1.25 times with 5.  Under homogeneous capture (``p`` the same for everyone)
  ``E f1^2 / (2 E f2) = N q^t t/(t-1)``, so the finite form is exactly the expected unseen count:
  the bound is then unbiased, not conservative.
  ``bias_corrected=True`` with ``f2 > 0`` gives ``A f1 (f1 - 1) / (2 (f2 + 1))`` with the
  EstimateS variance (Colwell 2013, eq. 6) carrying the same factors ``A`` and ``A^2``.

  This is not Rcapture's ``closedp`` "Mh Chao (LB)" (a log-linear model with Chao's
  heterogeneity columns, :mod:`.rcapture`), which is kept as another reference figure.

Intervals use the log-transformation of the estimated number of unseen people (Chao 1987,
eq. 12): ``[n + f0/C, n + f0 C]`` with ``C = exp(z sqrt(log(1 + var / f0^2)))``; they never
go below the number of people observed.

Chao, A. (1987). Estimating the population size for capture-recapture data with unequal
catchability. *Biometrics* 43, 783-791.  Chao, A. & Huggins, R. M. (2005). Modern closed-population
capture-recapture models. In Amstrup, S. C., McDonald, T. L. & Manly, B. F. J. (eds.), *Handbook of
Capture-Recapture Analysis*, Princeton University Press, chapter 4.  Chao, A. & Colwell, R. K.
(2017). Thirty years of progeny from Chao's inequality. *SORT* 41(1), 3-54.  Chao, A. et al.
SpadeR (R package, github.com/AnneChao/SpadeR, ``R/SpecInciChao2.R``).  Colwell, R. K. (2013).
*EstimateS* 9 user's guide, appendix B.  Chapman, D. G. (1951). Some properties of the
hypergeometric distribution with applications to zoological sample censuses. *Univ. California
Publ. Statist.* 1, 131-160.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from statistics import NormalDist

from .errors import EstimationError
from .table import CaptureTable


@dataclass(frozen=True)
class ClosedFormEstimate:
    """A closed-form estimate of the total population with a log-transformed interval."""

    method: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    n_observed: int
    confidence: float = 0.95

    @property
    def dark_figure(self) -> float:
        return self.estimate - self.n_observed

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["dark_figure"] = self.dark_figure
        return d


def log_interval(
    n_obs: float, estimate: float, variance: float, confidence: float = 0.95
) -> tuple[float, float]:
    """Chao (1987) log-transformed interval ``[n + f0/C, n + f0*C]`` for ``f0 = N - n``."""
    f0 = estimate - n_obs
    if not math.isfinite(estimate) or not math.isfinite(variance):
        return float("nan"), float("nan")
    if f0 <= 0 or variance <= 0:
        return float(estimate), float(estimate)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    c = math.exp(z * math.sqrt(math.log(1.0 + variance / (f0 * f0))))
    return n_obs + f0 / c, n_obs + f0 * c


def _two_list_counts(n1: int, n2: int, m: int) -> None:
    if min(n1, n2, m) < 0 or m > min(n1, n2):
        raise EstimationError(
            "Effectifs incohérents : le recoupement ne peut pas dépasser la taille de chaque liste.",
            "bad_counts",
        )


def lincoln_petersen(n1: int, n2: int, m: int, confidence: float = 0.95) -> ClosedFormEstimate:
    """Lincoln-Petersen estimate from list sizes ``n1``, ``n2`` and overlap ``m``."""
    _two_list_counts(n1, n2, m)
    if m == 0:
        raise EstimationError(
            "Aucune personne commune aux deux listes : l'estimateur de Lincoln-Petersen est infini.",
            "no_overlap",
        )
    n = n1 + n2 - m
    est = n1 * n2 / m
    var = n1 * n2 * (n1 - m) * (n2 - m) / m**3
    lo, hi = log_interval(n, est, var, confidence)
    return ClosedFormEstimate("Lincoln-Petersen", est, math.sqrt(var), lo, hi, n, confidence)


def chapman(n1: int, n2: int, m: int, confidence: float = 0.95) -> ClosedFormEstimate:
    """Chapman's nearly unbiased version of Lincoln-Petersen."""
    _two_list_counts(n1, n2, m)
    n = n1 + n2 - m
    est = (n1 + 1) * (n2 + 1) / (m + 1) - 1
    var = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ** 2 * (m + 2))
    lo, hi = log_interval(n, est, var, confidence)
    return ClosedFormEstimate("Chapman", est, math.sqrt(var), lo, hi, n, confidence)


def two_list_estimates(table: CaptureTable, confidence: float = 0.95) -> dict[str, ClosedFormEstimate]:
    """Lincoln-Petersen (if the lists overlap) and Chapman for a two-list table."""
    if table.n_lists != 2:
        raise EstimationError(
            "Lincoln-Petersen et Chapman ne s'appliquent qu'à deux listes.", "not_two_lists"
        )
    ov = table.overlap_matrix()
    n1, n2, m = int(ov[0, 0]), int(ov[1, 1]), int(ov[0, 1])
    out = {"chapman": chapman(n1, n2, m, confidence)}
    if m > 0:
        out = {"lincoln_petersen": lincoln_petersen(n1, n2, m, confidence), **out}
    return out


def chao_lower_bound(
    table: CaptureTable, confidence: float = 0.95, *, bias_corrected: bool = False
) -> ClosedFormEstimate:
    """Chao's lower bound in its finite-list form (Chao & Huggins 2005), with its variance.

    ``f0 = ((t-1)/t) f1^2 / (2 f2)``; the bias-corrected form ``((t-1)/t) f1 (f1 - 1) / (2 (f2 + 1))``
    is used when ``f2 = 0`` or when ``bias_corrected=True`` (see the module docstring for the
    variances and their sources).
    """
    f = table.capture_frequencies()
    n = table.n_observed
    t = table.n_lists
    a = (t - 1) / t
    f1, f2 = int(f[1]), int(f[2]) if len(f) > 2 else 0
    if f2 == 0:
        f0 = a * f1 * (f1 - 1) / 2
        est = n + f0
        var = a * f1 * (f1 - 1) / 2 + a * a * f1 * (2 * f1 - 1) ** 2 / 4 - a * a * f1**4 / (4 * est)
        method = "Chao (borne inférieure, forme corrigée du biais)"
    elif bias_corrected:
        f0 = a * f1 * (f1 - 1) / (2 * (f2 + 1))
        var = (
            a * f1 * (f1 - 1) / (2 * (f2 + 1))
            + a * a * f1 * (2 * f1 - 1) ** 2 / (4 * (f2 + 1) ** 2)
            + a * a * f1**2 * f2 * (f1 - 1) ** 2 / (4 * (f2 + 1) ** 4)
        )
        method = "Chao (borne inférieure, forme corrigée du biais)"
    else:
        r = f1 / f2
        f0 = a * f1 * f1 / (2 * f2)
        var = f2 * (a * r**2 / 2 + a * a * r**3 + a * a * r**4 / 4)
        method = "Chao (borne inférieure, 1987, forme à t listes)"
    var = max(var, 0.0)
    est = n + f0
    lo, hi = log_interval(n, est, var, confidence)
    return ClosedFormEstimate(method, est, math.sqrt(var), lo, hi, n, confidence)
