"""Raid tempo for campaigns: how often raids come, how large (negative binomial), and the mix
of weapon types, fitted to the national reports (combined labels split by type; drones and
missiles told apart by the catalogue's weapon-class family)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from guarantor.airdefence.attack_reports import ReportRow
from guarantor.airdefence.threats import load_threats
from guarantor.errors import InputError, Problem
from guarantor.model import Tempo


@dataclass(frozen=True)
class TempoFit:
    """Raid tempo: nightly raid probability, sizes (negative binomial) and model mix."""

    raid_probability: float
    mean_drones: float
    mean_missiles: float
    drone_dispersion: float  # negative-binomial shape k: variance = m + m^2 / k
    missile_dispersion: float
    drone_mix: Mapping[str, float]
    missile_mix: Mapping[str, float]
    source: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record."""
        return {
            "raid_probability": self.raid_probability,
            "mean_drones": self.mean_drones,
            "mean_missiles": self.mean_missiles,
            "drone_dispersion": self.drone_dispersion,
            "missile_dispersion": self.missile_dispersion,
            "drone_mix": dict(self.drone_mix),
            "missile_mix": dict(self.missile_mix),
            "source": self.source,
        }


def _nb_shape(values: Sequence[float]) -> float:
    m = float(np.mean(values)) if values else 0.0
    v = float(np.var(values)) if values else 0.0
    return m * m / (v - m) if v > m and m > 0 else 1e6


def fit_tempo(
    reports: Sequence[ReportRow], until: date, window_days: int, tempo: Tempo | None = None
) -> TempoFit:
    """Tempo from the reports in the window to ``until``; a scenario ``tempo`` sets the means."""
    since = until - timedelta(days=window_days)
    rows = [r for r in reports if since < r.day <= until]
    if not rows:
        raise InputError([Problem(where="tempo", reason=f"no reports in the window to {until}")])
    drones: Counter[date] = Counter()
    missiles: Counter[date] = Counter()
    dmix: Counter[str] = Counter()
    mmix: Counter[str] = Counter()
    families = {c.id: c.family for c in load_threats().classes.values()}
    for r in rows:
        if families.get(r.klass, "drone" if r.engagement == "drone" else "missile") == "drone":
            drones[r.day] += r.launched
            dmix[r.model] += r.launched
        else:
            missiles[r.day] += r.launched
            mmix[r.model] += r.launched
    nights = sorted(set(drones) | set(missiles))
    d = [float(drones[n]) for n in nights]
    m = [float(missiles[n]) for n in nights]
    total_d, total_m = sum(dmix.values()), sum(mmix.values())
    fit = TempoFit(
        raid_probability=len(nights) / window_days,
        mean_drones=float(np.mean(d)),
        mean_missiles=float(np.mean(m)),
        drone_dispersion=_nb_shape(d),
        missile_dispersion=_nb_shape(m),
        drone_mix={k: v / total_d for k, v in dmix.items()} if total_d else {},
        missile_mix={k: v / total_m for k, v in mmix.items()} if total_m else {},
        source=f"national reports {since + timedelta(days=1)} to {until}",
    )
    if tempo is None:
        return fit
    return TempoFit(
        raid_probability=tempo.raid_probability,
        mean_drones=tempo.mean_drones,
        mean_missiles=tempo.mean_missiles,
        drone_dispersion=fit.drone_dispersion,
        missile_dispersion=fit.missile_dispersion,
        drone_mix=fit.drone_mix,
        missile_mix=fit.missile_mix,
        source=f"scenario tempo ({tempo.provenance.source}); dispersion and mix from {fit.source}",
    )


def scenario_tempo(tempo: Tempo) -> TempoFit:
    """The campaign tempo of a scenario: its stated means, with the spread and weapon mix
    fitted to the packaged reports over the calibration window up to their last night."""
    from guarantor.airdefence.attack_reports import load_reports
    from guarantor.airdefence.layers import load_layer_params

    reports = load_reports()
    last = max(r.day for r in reports)
    return fit_tempo(reports, last, load_layer_params().calibration_window_days, tempo)
