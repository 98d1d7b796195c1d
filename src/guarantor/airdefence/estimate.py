"""Fitting the forecast model of :mod:`.forecast` to report rows, family by family.

The fit is the posterior mode of the hierarchical beta-binomial (truncated Newton on the
analytic gradient of the negative log posterior); the covariance of each class's level and
type effects is the inverse of the analytic curvature in them at the mode, precisions held
there (a conditional Laplace approximation); each class's random-walk variance of the level is
fitted to its monthly record by a local-level Kalman filter (:func:`drift_variance`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
from scipy import optimize, special

from guarantor.airdefence.attack_reports import ReportRow
from guarantor.airdefence.forecast import (
    REFERENCE_SIZE,
    ClassForecast,
    FamilySettings,
    FloatArray,
)

#: Bounds of logit locations and log precisions in the fit.
_ETA_BOUND, _LOGPHI_BOUNDS = 9.0, (-3.0, 9.0)


def _bb_terms(
    y: FloatArray, n: FloatArray, eta: FloatArray, log_phi: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Beta-binomial log-likelihood (without the binomial coefficient) and its derivatives in
    the logit location and the log precision, row by row."""
    mu = special.expit(eta)
    phi = np.exp(log_phi)
    a, b = mu * phi, (1 - mu) * phi
    ll = special.betaln(y + a, n - y + b) - special.betaln(a, b)
    common = special.digamma(phi) - special.digamma(n + phi)
    da = special.digamma(y + a) - special.digamma(a) + common
    db = special.digamma(n - y + b) - special.digamma(b) + common
    d_eta = phi * mu * (1 - mu) * (da - db)
    d_logphi = a * da + b * db
    return ll, d_eta, d_logphi


@dataclass(frozen=True)
class _Design:
    """Rows of one family as arrays, and the layout of the parameter vector.

    theta = [A, logPhi, Gamma, a_c.., logphi_c.., g_c.., u_m.., v_m..]: the family's level,
    log precision and size slope of the log precision; the classes' levels, log precisions and
    size slopes; the types' effects on the level and on the log precision.
    """

    classes: tuple[str, ...]
    types: tuple[tuple[str, ...], ...]  # per class
    y: FloatArray
    n: FloatArray
    size: FloatArray  # log(n / REFERENCE_SIZE)
    w: FloatArray
    cls: npt.NDArray[np.intp]
    typ: npt.NDArray[np.intp]  # index into the flat type list

    @property
    def nc(self) -> int:
        return len(self.classes)

    @property
    def nt(self) -> int:
        return sum(len(t) for t in self.types)

    def slices(self) -> tuple[slice, slice, slice, slice, slice]:
        """Where the class levels, log precisions and size slopes, the type effects and the
        type precision effects sit in theta."""
        nc, nt = self.nc, self.nt
        return (
            slice(3, 3 + nc),
            slice(3 + nc, 3 + 2 * nc),
            slice(3 + 2 * nc, 3 + 3 * nc),
            slice(3 + 3 * nc, 3 + 3 * nc + nt),
            slice(3 + 3 * nc + nt, 3 + 3 * nc + 2 * nt),
        )


def _design(
    rows: Sequence[ReportRow], classes: Sequence[str], until: date, half_life_days: float
) -> _Design:
    types = tuple(tuple(sorted({r.model for r in rows if r.klass == c})) for c in classes)
    pairs = [(c, t) for c, ts in zip(classes, types, strict=True) for t in ts]
    flat = {p: i for i, p in enumerate(pairs)}
    ages = np.array([(until - r.day).days for r in rows], dtype=np.float64)
    n = np.array([r.launched for r in rows], dtype=np.float64)
    return _Design(
        classes=tuple(classes),
        types=types,
        y=np.array([r.neutralized for r in rows], dtype=np.float64),
        n=n,
        size=np.log(n / REFERENCE_SIZE),
        w=np.exp2(-ages / half_life_days),
        cls=np.array([classes.index(r.klass) for r in rows], dtype=np.intp),
        typ=np.array([flat[(r.klass, r.model)] for r in rows], dtype=np.intp),
    )


#: Prior sd of a class's size slope around the family's.
SLOPE_SD = 0.5
#: Weak priors on the family's level N(0, 3²), log precision N(2.5, 2²), size slope N(0, 1).
_FAMILY_PRIOR = ((0.0, 9.0), (2.5, 4.0), (0.0, 1.0))


def _objective(theta: FloatArray, d: _Design, s: FamilySettings) -> tuple[float, FloatArray]:
    """Negative log posterior and its gradient (layout: :class:`_Design`)."""
    sa, sp, sg, su, sv = d.slices()
    big_a, big_lphi, big_g = theta[0], theta[1], theta[2]
    a, lphi, g, u, v = theta[sa], theta[sp], theta[sg], theta[su], theta[sv]
    log_phi = lphi[d.cls] + v[d.typ] + g[d.cls] * d.size
    ll, g_eta, g_lphi = _bb_terms(d.y, d.n, a[d.cls] + u[d.typ], log_phi)
    f = -float(d.w @ ll)
    grad = np.zeros_like(theta)
    we, wp = d.w * g_eta, d.w * g_lphi
    grad[sa] = -np.bincount(d.cls, we, minlength=d.nc)
    grad[sp] = -np.bincount(d.cls, wp, minlength=d.nc)
    grad[su] = -np.bincount(d.typ, we, minlength=d.nt)
    grad[sv] = -np.bincount(d.typ, wp, minlength=d.nt)
    grad[sg] = -np.bincount(d.cls, wp * d.size, minlength=d.nc)
    # Priors: classes around the family, types around their class, weak ones on the family.
    ra, rp = (a - big_a) / s.class_sd**2, (lphi - big_lphi) / s.precision_sd**2
    ru, rv = u / s.type_sd**2, v / s.type_precision_sd**2
    rg = (g - big_g) / SLOPE_SD**2
    f += 0.5 * float((a - big_a) @ ra + (lphi - big_lphi) @ rp + u @ ru + v @ rv)
    f += 0.5 * float((g - big_g) @ rg)
    grad[sa] += ra
    grad[sp] += rp
    grad[sg] += rg
    grad[2] -= rg.sum()
    grad[su] += ru
    grad[sv] += rv
    grad[0] -= ra.sum()
    grad[1] -= rp.sum()
    for k, (m, var) in enumerate(_FAMILY_PRIOR):
        f += 0.5 * (theta[k] - m) ** 2 / var
        grad[k] += (theta[k] - m) / var
    return f, grad


def _location_cov(d: _Design, s: FamilySettings, x: FloatArray, c: int) -> FloatArray:
    """Covariance of a class's level and its types' effects: the inverse of the negative log
    posterior's curvature in them (analytic), precisions and the family level held at the
    mode (a conditional Laplace approximation)."""
    sa, sp, sg, su, sv = d.slices()
    sel = np.flatnonzero(d.cls == c)
    eta = x[sa][c] + x[su][d.typ[sel]]
    log_phi = x[sp][c] + x[sv][d.typ[sel]] + x[sg][c] * d.size[sel]
    y, n = d.y[sel], d.n[sel]
    mu, phi = special.expit(eta), np.exp(log_phi)
    a, b = mu * phi, (1 - mu) * phi
    g = phi * mu * (1 - mu)
    da = special.digamma(y + a) - special.digamma(a)
    db = special.digamma(n - y + b) - special.digamma(b)
    tri = special.polygamma(1, y + a) - special.polygamma(1, a)
    tri += special.polygamma(1, n - y + b) - special.polygamma(1, b)
    curv = -(g * (1 - 2 * mu) * (da - db) + g * g * tri) * d.w[sel]
    first = sum(len(t) for t in d.types[:c])
    k = len(d.types[c])
    per_type = np.bincount(d.typ[sel] - first, curv, minlength=k)
    hess = np.zeros((k + 1, k + 1))
    hess[0, 0] = curv.sum() + 1 / s.class_sd**2
    hess[0, 1:] = hess[1:, 0] = per_type
    hess[1:, 1:] = np.diag(per_type + 1 / s.type_sd**2)
    try:
        return np.asarray(np.linalg.inv(hess), dtype=np.float64)
    except np.linalg.LinAlgError:
        return np.diag([s.class_sd**2] + [s.type_sd**2] * k)


def _start(d: _Design) -> tuple[FloatArray, list[tuple[float, float]]]:
    """Starting point (weighted rates) and bounds of the fit."""
    sa, sp, _, _, sv = d.slices()
    x0 = np.zeros(sv.stop)
    pooled = (d.w @ d.y + 0.5) / (d.w @ d.n + 1.0)
    x0[0] = special.logit(np.clip(pooled, 0.02, 0.98))
    x0[1] = 2.5
    for c in range(d.nc):
        sel = d.cls == c
        rate = (d.w[sel] @ d.y[sel] + 0.5) / (d.w[sel] @ d.n[sel] + 1.0)
        x0[sa.start + c] = special.logit(np.clip(rate, 0.02, 0.98))
    x0[sp] = 2.5
    eta, lphi = (-_ETA_BOUND, _ETA_BOUND), _LOGPHI_BOUNDS
    bounds = [eta, lphi, (-2.0, 2.0)] + [eta] * d.nc + [lphi] * d.nc + [(-2.0, 2.0)] * d.nc
    bounds += [(-2 * _ETA_BOUND, 2 * _ETA_BOUND)] * d.nt + [(-4.0, 4.0)] * d.nt
    return x0, bounds


#: Grid of random-walk variances a year for the local-level fit of the drift.
_DRIFT_GRID = np.exp(np.linspace(np.log(0.005), np.log(8.0), 49))


def drift_variance(
    rows: Sequence[ReportRow], fit: ClassForecast, prior_var: float, prior_sd: float
) -> float:
    """Random-walk variance a year of a class's level, from its monthly record.

    Each month's type-adjusted logit share (the fitted type effects removed) is a noisy
    reading of the level (beta-binomial sampling variance, delta method); the level is a
    local-level (random walk) model. The variance maximises the Kalman filter's likelihood
    times a log-normal prior centred on ``prior_var`` (``prior_sd`` on the log scale).
    """
    months: dict[int, list[ReportRow]] = {}
    for r in rows:
        months.setdefault(r.day.year * 12 + r.day.month, []).append(r)
    if len(months) < 3:
        return prior_var
    key = sorted(months)
    z = np.empty(len(key))
    var = np.empty(len(key))
    for k, m in enumerate(key):
        sel = months[m]
        n = np.array([r.launched for r in sel], dtype=np.float64)
        y = np.array([r.neutralized for r in sel], dtype=np.float64)
        eff = np.array(
            [fit.effects[fit.types.index(r.model)] if r.model in fit.types else 0.0 for r in sel]
        )
        phi = np.array([fit.type_phi(r.model, r.launched) for r in sel])
        share = float(np.clip((y.sum() + 0.5) / (n.sum() + 1.0), 0.02, 0.98))
        z[k] = special.logit(share) - float(n @ eff) / n.sum()
        v_share = float((n * share * (1 - share) * (n + phi) / (1 + phi)).sum()) / n.sum() ** 2
        var[k] = v_share / (share * (1 - share)) ** 2
    gaps = np.diff(np.array(key, dtype=np.float64)) / 12.0
    best, best_q = -np.inf, prior_var
    for q in _DRIFT_GRID:
        level, p = z[0], var[0]
        ll = 0.0
        for k in range(1, len(key)):
            p_pred = p + q * gaps[k - 1]
            f = p_pred + var[k]
            e = z[k] - level
            ll -= 0.5 * (np.log(f) + e * e / f)
            gain = p_pred / f
            level += gain * e
            p = p_pred * (1 - gain)
        ll -= 0.5 * (np.log(q / prior_var) / prior_sd) ** 2
        if ll > best:
            best, best_q = ll, float(q)
    return best_q


def fit_family(
    rows: Sequence[ReportRow],
    classes: Sequence[str],
    family: str,
    until: date,
    settings: FamilySettings,
) -> dict[str, ClassForecast]:
    """Fit the classes of one family to their rows (all dated up to ``until``)."""
    d = _design(rows, classes, until, settings.half_life_days)
    x0, bounds = _start(d)
    # Truncated Newton: no BLAS calls, so its time does not depend on the machine's threads.
    res = optimize.minimize(
        _objective, x0, args=(d, settings), jac=True, method="TNC", bounds=bounds
    )
    x = np.asarray(res.x, dtype=np.float64)
    sa, sp, sg, su, sv = d.slices()
    out: dict[str, ClassForecast] = {}
    start = 0
    for c, name in enumerate(classes):
        ts = d.types[c]
        types_at = [start + j for j in range(len(ts))]
        start += len(ts)
        sub = _location_cov(d, settings, x, c)
        # A flat direction (a bound, a class every report of which was neutralized) has no
        # usable curvature: cap the variances at the prior's.
        cap = settings.class_sd**2 + settings.type_sd**2
        diag = np.clip(np.diag(sub), 0.0, cap)
        scale = np.sqrt(diag / np.maximum(np.diag(sub), 1e-300))
        sub = sub * np.outer(scale, scale)
        sel = d.cls == c
        by_type = np.bincount(d.typ[sel], d.n[sel], minlength=d.nt)
        out[name] = ClassForecast(
            weapon_class=name,
            family=family,
            types=ts,
            level=float(x[sa.start + c]),
            effects=np.asarray(x[[su.start + j for j in types_at]], dtype=np.float64),
            cov=np.asarray(sub, dtype=np.float64),
            log_phi=float(x[sp.start + c]),
            log_phi_effects=np.asarray(x[[sv.start + j for j in types_at]], dtype=np.float64),
            size_slope=float(x[sg.start + c]),
            drift_var=settings.drift_sd_per_year**2,
            settings=settings,
            rows=int(sel.sum()),
            weight=float(d.w[sel].sum()),
            mean_launched=float(d.n[sel].mean()),
            max_launched=int(d.n[sel].max()),
            top_type=ts[int(np.argmax(by_type[types_at]))],
            converged=bool(res.success),
        )
    if settings.drift_prior_sd > 0:
        for name, f in out.items():
            q = drift_variance(
                [r for r in rows if r.klass == name],
                f,
                settings.drift_sd_per_year**2,
                settings.drift_prior_sd,
            )
            out[name] = dataclasses.replace(f, drift_var=q)
    return out


def fit_classes(
    rows: Sequence[ReportRow],
    until: date,
    families: Mapping[str, str],
    settings: Mapping[str, FamilySettings],
    min_rows: int,
) -> dict[str, ClassForecast]:
    """Fit every class with at least ``min_rows`` rows, family by family (``families`` maps a
    class to its family; ``settings`` holds each family's hyperparameters)."""
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.klass] = counts.get(r.klass, 0) + 1
    fitted = [c for c, k in counts.items() if k >= min_rows]
    out: dict[str, ClassForecast] = {}
    for fam in sorted({families.get(c, c) for c in fitted}):
        classes = sorted(c for c in fitted if families.get(c, c) == fam)
        sel = [r for r in rows if r.klass in classes]
        out.update(fit_family(sel, classes, fam, until, settings[fam]))
    return out
