"""Forecasts of the neutralized share: a recency-weighted hierarchical beta-binomial.

For report row i (weapon type m of class c in family f, n_i launched, y_i neutralized)::

    y_i ~ BetaBinomial(n_i, mu_i phi_i, (1 - mu_i) phi_i)
    logit mu_i = a_c + u_m
    log phi_i  = l_c + v_m + g_c log(n_i / 10)

The beta-binomial carries the night-to-night overdispersion (weather, routing, tactics); its
precision grows with the night's size (a salvo of 50 spreads its share less than a shot of 2,
which the reports show). The classes of a family (drones: strike, jet, reconnaissance;
missiles: cruise, ballistic, hypersonic, surface-to-air) are fitted together and pooled: class
levels a_c ~ N(A_f, s_class²), log precisions l_c ~ N(L_f, s_phi²) and size slopes around the
family's; each type's effects u_m ~ N(0, s_type²), v_m ~ N(0, s_vtype²), so a class or type
with few reports borrows from its family or class. A report d days old weighs 2^(-d / h) in
the likelihood (recency weighting with half-life h): the level follows changes in the record.
Fitting: :mod:`.estimate`.

Forecast s years after the history date: the class level is a random walk with variance q_c a
year (fitted to the class's monthly record), and the weighted fit sees the level a mean age of
h / ln 2 ago, so the logit location of type m has variance V_m + q_c (s + h / ln 2): intervals
widen with the horizon. A night's share is then a beta draw and its count a binomial one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from guarantor.params import DAYS_PER_YEAR

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
#: Gauss-Hermite nodes for the predictive mixture over the logit location.
_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(24)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()
#: Launches of the night the class and type precisions refer to (precision_at_10).
REFERENCE_SIZE = 10.0


@dataclass(frozen=True)
class FamilySettings:
    """Hyperparameters of one family (packaged in ``layers.toml``, chosen by validation)."""

    half_life_days: float
    drift_sd_per_year: float
    type_sd: float = 1.5
    class_sd: float = 4.0
    precision_sd: float = 1.0
    type_precision_sd: float = 1.0
    #: > 0: the drift variance is fitted to the class's record (local level), with a log-normal
    #: prior of this sd around drift_sd_per_year²; 0: drift_sd_per_year² as it stands.
    drift_prior_sd: float = 0.0

    @property
    def lag_years(self) -> float:
        """Mean age of the weighted reports, in years (h / ln 2)."""
        return float(self.half_life_days / np.log(2.0) / DAYS_PER_YEAR)


@dataclass(frozen=True)
class ClassForecast:
    """The fitted class: level and type effects (logit) with covariance, precision, settings."""

    weapon_class: str
    family: str
    types: tuple[str, ...]
    level: float
    effects: FloatArray
    cov: FloatArray  # (1 + types)²: level first, then the type effects
    log_phi: float
    log_phi_effects: FloatArray  # each type's log precision less the class's
    size_slope: float  # d log precision / d log launches
    drift_var: float  # variance a year of the class level's random walk
    settings: FamilySettings
    rows: int
    weight: float  # effective rows (sum of weights)
    mean_launched: float
    max_launched: int
    top_type: str
    converged: bool

    @property
    def phi(self) -> float:
        """Beta precision: the smaller, the more nights differ."""
        return float(np.exp(self.log_phi))

    def location(self, model: str, s_years: float | FloatArray) -> tuple[FloatArray, FloatArray]:
        """Mean and variance of a type's logit share ``s_years`` after the history date."""
        s = np.maximum(np.asarray(s_years, dtype=np.float64), 0.0)
        drift = self.drift_var * (s + self.settings.lag_years)
        if model in self.types:
            j = 1 + self.types.index(model)
            mean = self.level + float(self.effects[j - 1])
            var = self.cov[0, 0] + self.cov[j, j] + 2 * self.cov[0, j]
        else:  # a type the window has not seen: the class level, the spread of types
            mean, var = self.level, self.cov[0, 0] + self.settings.type_sd**2
        return np.full_like(s, mean), np.asarray(max(var, 0.0) + drift, dtype=np.float64)

    def type_phi(self, model: str, n: float = REFERENCE_SIZE) -> float:
        """A type's beta precision on a night of ``n`` launches (the class's for a type the
        window has not seen)."""
        effect = 0.0
        if model in self.types:
            effect = float(self.log_phi_effects[self.types.index(model)])
        size = self.size_slope * np.log(max(n, 1.0) / REFERENCE_SIZE)
        return float(np.exp(self.log_phi + effect + size))

    def mean_share(self, model: str, s_years: float | FloatArray) -> FloatArray:
        """Expected neutralized share (the logit location's uncertainty integrated out)."""
        m, v = self.location(model, s_years)
        eta = m[..., None] + np.sqrt(v)[..., None] * _NODES
        return np.asarray(_expit(eta) @ _WEIGHTS, dtype=np.float64)

    def pmf(self, model: str, n: int, s_years: float) -> FloatArray:
        """Predictive probabilities of 0..n neutralized out of ``n``."""
        m, v = self.location(model, s_years)
        return bb_mixture_pmf(n, float(m), float(v), self.type_phi(model, n))

    def sample_rates(
        self,
        rng: np.random.Generator,
        models: Mapping[str, float],
        s_years: float,
        runs: int,
    ) -> dict[str, FloatArray]:
        """A night's neutralized share by type (``models``: type -> launches that night), per
        trial: one normal draw of the class's logit location per night (shared by its types),
        then each type's beta draw."""
        z = rng.standard_normal(runs)
        out: dict[str, FloatArray] = {}
        for model, n in models.items():
            m, v = self.location(model, s_years)
            phi = self.type_phi(model, n)
            mu = np.clip(_expit(float(m) + np.sqrt(float(v)) * z), 1e-6, 1 - 1e-6)
            out[model] = np.asarray(rng.beta(mu * phi, (1 - mu) * phi), dtype=np.float64)
        return out

    def to_dict(self) -> dict[str, object]:
        """Level, type effects and precision with standard errors, and the settings."""
        se = np.sqrt(np.clip(np.diag(self.cov), 0, None))
        drift = self.drift_var * self.settings.lag_years
        return {
            "weapon_class": self.weapon_class,
            "family": self.family,
            "rows": self.rows,
            "effective_rows": self.weight,
            "logit_level": self.level,
            "logit_level_se": float(se[0]),
            "rate_at_history_date": float(self.mean_share(self.top_type, 0.0)),
            "top_type": self.top_type,
            "types": {
                t: {
                    "logit_effect": float(self.effects[j]),
                    "logit_location_sd": float(np.sqrt(self.location(t, 0.0)[1] - drift)),
                    "rate_at_history_date": float(self.mean_share(t, 0.0)),
                    "precision_at_10": self.type_phi(t),
                }
                for j, t in enumerate(self.types)
            },
            "precision_at_10": self.phi,
            "precision_size_slope": self.size_slope,
            "mean_launched_per_row": self.mean_launched,
            "max_launched_per_row": self.max_launched,
            "half_life_days": self.settings.half_life_days,
            "drift_sd_per_year": float(np.sqrt(self.drift_var)),
            "converged": self.converged,
        }


def central_mass(pmf: FloatArray, y: int, level: float) -> float:
    """The share of the probability at ``y`` that lies in the central ``level`` of the
    predictive distribution (the non-randomised PIT coverage of Czado, Gneiting & Held 2009):
    its mean over observations is ``level`` for a calibrated forecast of counts."""
    q = (1 - level) / 2
    cdf_y = float(pmf[: y + 1].sum())
    below = cdf_y - float(pmf[y])
    at = float(pmf[y])
    if at <= 0:
        return float(q <= below <= 1 - q)
    return max(0.0, min(cdf_y, 1 - q) - max(below, q)) / at


def _expit(x: float | FloatArray) -> FloatArray:
    """The logistic function (NumPy: the draws need no SciPy)."""
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=np.float64))))


def bb_mixture_pmf(n: int, mean: float, var: float, phi: float) -> FloatArray:
    """P(Y = 0..n): beta-binomial with a normal logit location (Gauss-Hermite mixture)."""
    from scipy import special  # here: SciPy takes long to import

    k = np.arange(n + 1, dtype=np.float64)
    mu = np.clip(_expit(mean + np.sqrt(var) * _NODES), 1e-9, 1 - 1e-9)[:, None]
    a, b = mu * phi, (1 - mu) * phi
    logp = special.betaln(k + a, n - k + b) - special.betaln(a, b)
    logp += special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)
    p = _WEIGHTS @ np.exp(logp)
    return np.asarray(p / p.sum(), dtype=np.float64)
