"""Poisson log-linear GLM fitted by iteratively reweighted least squares (IRLS).

This is a small, fast re-implementation of R's ``glm.fit`` for ``family = poisson`` (log
link), written to reproduce R's numbers, not merely the maximum likelihood estimate:

* same starting point (``mustart = y + 0.1``, ``eta = log(mustart)``);
* same iteration (weighted least squares via a QR decomposition, ``mu`` and ``dmu/deta``
  bounded below by the machine epsilon, as in R's ``poisson()`` family);
* same convergence test, ``|dev - dev_old| / (|dev| + 0.1) < epsilon`` with
  ``epsilon = 1e-8`` and at most 25 iterations (``glm.control()`` defaults);
* same covariance: ``summary.glm``'s ``cov.unscaled`` is computed from the QR
  decomposition of the *last* iteration, i.e. with the weights before the final update.

Reference: R Core Team, ``src/library/stats/R/glm.R`` (``glm.fit``) and
McCullagh, P. & Nelder, J. A. (1989), *Generalized Linear Models*, 2nd ed., Chapman & Hall.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

_EPS = float(np.finfo(float).eps)


@dataclass(frozen=True, eq=False)
class PoissonFit:
    """Result of :func:`poisson_glm`."""

    coef: np.ndarray
    #: linear predictor ``X @ coef`` (not bounded)
    eta: np.ndarray
    #: fitted means ``max(exp(eta), eps)``
    mu: np.ndarray
    deviance: float
    #: ``(X' W X)^-1`` from the last IRLS iteration (R's ``cov.unscaled``)
    cov_unscaled: np.ndarray
    iterations: int
    converged: bool
    rank: int
    n_obs: int

    @property
    def df_residual(self) -> int:
        return self.n_obs - self.rank

    def aic(self, y: np.ndarray) -> float:
        """R's Poisson AIC: ``-2 * sum(dpois(y, mu, log = TRUE)) + 2 * rank``."""
        return _poisson_aic(y, self.mu) + 2.0 * self.rank


class SingularDesignError(ArithmeticError):
    """The design matrix is not of full column rank."""


def _deviance(y: np.ndarray, mu: np.ndarray, pos: np.ndarray) -> float:
    """``sum(2 * (y log(y / mu) - (y - mu)))`` with ``y log y = 0`` for ``y = 0`` (R's poisson)."""
    ratio = np.where(pos, y / mu, 1.0)
    return float(2.0 * np.sum(y * np.log(ratio) - (y - mu)))


def _poisson_aic(y: np.ndarray, mu: np.ndarray) -> float:
    from scipy.special import gammaln

    with np.errstate(divide="ignore", invalid="ignore"):
        ylogmu = np.where(y > 0, y * np.log(mu), 0.0)
    return float(-2.0 * np.sum(ylogmu - mu - gammaln(y + 1.0)))


def _qr_solve(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares solution of ``a x = b`` by Householder QR (LAPACK ``dgeqrf``).

    Returns the solution and the ``p x p`` top block of the factorisation, whose upper
    triangle is ``R``.
    """
    from scipy.linalg.lapack import dgeqrf, dormqr, dtrtrs

    p = a.shape[1]
    qr, tau, _, info = dgeqrf(a)
    if info:  # pragma: no cover
        raise np.linalg.LinAlgError("QR decomposition failed")
    c, _, info = dormqr("L", "T", qr, tau, b[:, None], max(64, p))
    r = qr[:p, :p]  # upper triangle = R (the strict lower part holds Householder vectors)
    x, info = dtrtrs(r, c[:p])
    if info:
        raise SingularDesignError("singular triangular factor")
    return x[:, 0], r


def poisson_glm(
    x: np.ndarray,
    y: np.ndarray,
    *,
    epsilon: float = 1e-8,
    maxit: int = 25,
    check_rank: bool = True,
    mustart: np.ndarray | None = None,
    covariance: bool = True,
) -> PoissonFit:
    """Fit ``log E[y] = x @ beta`` by IRLS exactly as R's ``glm.fit`` does.

    Args:
        x: ``(n, p)`` design matrix (the intercept column included by the caller).
        y: ``(n,)`` non-negative counts.
        epsilon: relative deviance-change convergence threshold (R: 1e-8).
        maxit: maximum number of iterations (R: 25).
        check_rank: raise :class:`SingularDesignError` if ``x`` is rank deficient (skip it
            when the caller has already checked the rank).
        mustart: starting fitted values (R's ``mustart``); default ``y + 0.1`` as R.
        covariance: compute ``cov_unscaled`` (otherwise a matrix of NaN is returned).

    Returns:
        A :class:`PoissonFit`; ``converged`` is False when ``maxit`` was reached (R warns).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n, p = x.shape
    if check_rank and np.linalg.matrix_rank(x) < p:
        raise SingularDesignError("design matrix not of full column rank")
    pos = y > 0
    mu = y + 0.1 if mustart is None else np.maximum(np.asarray(mustart, dtype=float), _EPS)
    eta = np.log(mu)
    dev_old = _deviance(y, mu, pos)
    dev = dev_old
    converged = False
    coef = np.zeros(p)
    r = np.eye(p)
    it = 0
    for it in range(1, maxit + 1):  # noqa: B007 - `it` is reported
        mu_eta = np.maximum(np.exp(eta), _EPS)
        z = eta + (y - mu) / mu_eta
        w = mu_eta / np.sqrt(mu)  # sqrt(mu_eta^2 / variance(mu))
        coef_new, r = _qr_solve(x * w[:, None], z * w)
        eta_new = x @ coef_new
        mu_new = np.maximum(np.exp(eta_new), _EPS)
        dev = _deviance(y, mu_new, pos)
        # R halves the step while the deviance is not finite (never seen with Poisson/log).
        halvings = 0
        while not math.isfinite(dev) and halvings < 30:
            coef_new = (coef_new + coef) / 2.0
            eta_new = x @ coef_new
            mu_new = np.maximum(np.exp(eta_new), _EPS)
            dev = _deviance(y, mu_new, pos)
            halvings += 1
        coef, eta, mu = coef_new, eta_new, mu_new
        if abs(dev - dev_old) / (abs(dev) + 0.1) < epsilon:
            converged = True
            break
        dev_old = dev
    if covariance:
        from scipy.linalg.lapack import dtrtri

        rinv, info = dtrtri(r)
        if info:
            raise SingularDesignError("singular triangular factor")
        rinv = np.triu(rinv)
        cov = rinv @ rinv.T
    else:
        cov = np.full((p, p), np.nan)
    return PoissonFit(
        coef=coef,
        eta=eta,
        mu=mu,
        deviance=dev,
        cov_unscaled=cov,
        iterations=it,
        converged=converged,
        rank=p,
        n_obs=n,
    )
