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
_LGAMMA = np.frompyfunc(math.lgamma, 1, 1)


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


def _deviance(y: np.ndarray, mu: np.ndarray) -> float:
    pos = y > 0
    r = 2.0 * mu  # y = 0: 2 * mu
    r[pos] = 2.0 * (y[pos] * np.log(y[pos] / mu[pos]) - (y[pos] - mu[pos]))
    return float(r.sum())


def _poisson_aic(y: np.ndarray, mu: np.ndarray) -> float:
    lg = np.array(_LGAMMA(y + 1.0), dtype=float) if y.size else np.zeros(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ylogmu = np.where(y > 0, y * np.log(mu), 0.0)
    return float(-2.0 * np.sum(ylogmu - mu - lg))


def _back_substitute(r: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve the (upper-triangular) system ``r x = b``."""
    return np.linalg.solve(r, b)


def poisson_glm(
    x: np.ndarray,
    y: np.ndarray,
    *,
    epsilon: float = 1e-8,
    maxit: int = 25,
    check_rank: bool = True,
) -> PoissonFit:
    """Fit ``log E[y] = x @ beta`` by IRLS exactly as R's ``glm.fit`` does.

    Args:
        x: ``(n, p)`` design matrix (the intercept column included by the caller).
        y: ``(n,)`` non-negative counts.
        epsilon: relative deviance-change convergence threshold (R: 1e-8).
        maxit: maximum number of iterations (R: 25).
        check_rank: raise :class:`SingularDesignError` if ``x`` is rank deficient.

    Returns:
        A :class:`PoissonFit`; ``converged`` is False when ``maxit`` was reached (R warns).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n, p = x.shape
    if check_rank and np.linalg.matrix_rank(x) < p:
        raise SingularDesignError("design matrix not of full column rank")
    mu = y + 0.1
    eta = np.log(mu)
    dev_old = _deviance(y, mu)
    converged = False
    coef = np.zeros(p)
    r = np.eye(p)
    it = 0
    for it in range(1, maxit + 1):  # noqa: B007 - `it` is reported
        mu_eta = np.maximum(np.exp(eta), _EPS)
        z = eta + (y - mu) / mu_eta
        w = np.sqrt(mu_eta * mu_eta / mu)
        q, r = np.linalg.qr(x * w[:, None])
        coef_new = _back_substitute(r, q.T @ (z * w))
        eta_new = x @ coef_new
        mu_new = np.maximum(np.exp(eta_new), _EPS)
        dev = _deviance(y, mu_new)
        # R halves the step while the deviance is not finite (never seen with Poisson/log).
        halvings = 0
        while not math.isfinite(dev) and halvings < 30:
            coef_new = (coef_new + coef) / 2.0
            eta_new = x @ coef_new
            mu_new = np.maximum(np.exp(eta_new), _EPS)
            dev = _deviance(y, mu_new)
            halvings += 1
        coef, eta, mu = coef_new, eta_new, mu_new
        if abs(dev - dev_old) / (abs(dev) + 0.1) < epsilon:
            converged = True
            break
        dev_old = dev
    rinv = _back_substitute_matrix(r)
    cov = rinv @ rinv.T
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


def _back_substitute_matrix(r: np.ndarray) -> np.ndarray:
    """Inverse of an upper-triangular matrix."""
    p = r.shape[0]
    return np.linalg.solve(r, np.eye(p)) if p else np.zeros((0, 0))
