"""A defence: units and interceptors per layer and zone, from Ukraine's inventory plus additions.

Coalition contributions come in as an explicit list of :class:`CoalitionAddition`, so either a
scenario's pledges (:func:`additions_from_pledges`) or an optimiser's assignment can supply them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from guarantor.airdefence.layers import FloatArray, LayerParams, load_layer_params
from guarantor.errors import InputError, Problem
from guarantor.model import AirDefenceLayer, CapabilityType, Scenario, Zone
from guarantor.model.zones import AIR_DEFENCE_ZONES


@dataclass(frozen=True)
class CoalitionAddition:
    """Units a coalition member adds to one layer in one zone (units may be fractional)."""

    layer: AirDefenceLayer
    zone: Zone
    units: float
    interceptors: float | None = None
    source: str = ""


@dataclass(frozen=True)
class Defence:
    """Units, magazines and resupply per layer (engagement order) and zone (AIR_DEFENCE_ZONES).

    ``magazine`` is ``inf`` where a layer is not limited by interceptors (guns, EW).
    """

    params: LayerParams
    units: FloatArray
    magazine: FloatArray
    resupply_per_day: FloatArray
    additions: tuple[CoalitionAddition, ...] = field(default=())
    zones: tuple[str, ...] = tuple(z.value for z in AIR_DEFENCE_ZONES)
    zone_weights: Mapping[str, FloatArray] | None = None

    def weights(self, engagement: str) -> FloatArray:
        """How an engagement class's weapons split over this defence's zones."""
        table = self.zone_weights if self.zone_weights is not None else self.params.zone_weights
        return table[engagement]

    def national(self) -> Defence:
        """All zones pooled into one (no local saturation; a faster view for campaigns)."""
        return Defence(
            self.params,
            self.units.sum(axis=1, keepdims=True),
            self.magazine.sum(axis=1, keepdims=True),
            self.resupply_per_day.sum(axis=1, keepdims=True),
            self.additions,
            ("ukraine",),
            {e: np.ones(1) for e in self.params.zone_weights},
        )

    @property
    def capacity(self) -> FloatArray:
        """Targets each layer can engage per zone in one raid window."""
        cap = np.array([s.capacity_per_unit for s in self.params.layers])[:, None]
        return np.asarray(np.floor(self.units * cap), dtype=np.float64)

    def to_dict(self) -> dict[str, object]:
        """Units and interceptors by layer and zone."""
        return {
            s.layer.value: {
                z: {
                    "units": float(self.units[i, j]),
                    "interceptors": None
                    if np.isinf(self.magazine[i, j])
                    else float(self.magazine[i, j]),
                }
                for j, z in enumerate(self.zones)
            }
            for i, s in enumerate(self.params.layers)
        }


def additions_from_pledges(
    scenario: Scenario, capabilities: Mapping[str, CapabilityType]
) -> list[CoalitionAddition]:
    """Air-defence units the scenario's pledges add, only in zones their caveats allow.

    A pledge's units are spread evenly over the air-defence zones its caveats allow (a
    time-averaged view of where rotating units stand); pledges confined to other zones
    (neighbouring NATO states, the Black Sea) add nothing here.
    """
    out: list[CoalitionAddition] = []
    for p in scenario.pledges:
        cap = capabilities.get(p.capability)
        if cap is None:
            raise InputError(
                [Problem(where=f"pledge {p.id}", reason=f"unknown capability {p.capability!r}")]
            )
        if cap.air_defence_layer is None:
            continue
        zones = [z for z in AIR_DEFENCE_ZONES if z in p.caveats.zones]
        for z in zones:
            out.append(
                CoalitionAddition(
                    layer=cap.air_defence_layer,
                    zone=z,
                    units=p.quantity / len(zones),
                    source=p.id,
                )
            )
    return out


def build_defence(
    scenario: Scenario,
    additions: Sequence[CoalitionAddition] | None = None,
    params: LayerParams | None = None,
    capabilities: Mapping[str, CapabilityType] | None = None,
) -> Defence:
    """Ukraine's air defence in a scenario plus coalition additions.

    ``additions=None`` takes them from the scenario's pledges (needs ``capabilities``, the
    packaged catalogue by default); pass ``[]`` for Ukraine's own defences only.
    """
    params = params or load_layer_params()
    if additions is None:
        if capabilities is None:
            from guarantor.data import load_capabilities

            capabilities = load_capabilities()
        additions = additions_from_pledges(scenario, capabilities)
    nl, nz = len(params.layers), len(AIR_DEFENCE_ZONES)
    units = np.zeros((nl, nz))
    magazine = np.zeros((nl, nz))
    zidx = {z: j for j, z in enumerate(AIR_DEFENCE_ZONES)}

    def add(layer: AirDefenceLayer, zone: Zone, n: float, interceptors: float | None) -> None:
        if zone not in zidx:
            return
        i, j = params.index(layer), zidx[zone]
        spec = params.layers[i]
        units[i, j] += n
        if spec.magazine_per_unit is None:
            magazine[i, j] = np.inf
        else:
            magazine[i, j] += (
                interceptors if interceptors is not None else (n * spec.magazine_per_unit)
            )

    for a in scenario.ukraine.air_defence:
        add(a.layer, a.zone, float(a.units), None if a.interceptors is None else a.interceptors)
    for c in additions:
        if c.units < 0:
            raise InputError([Problem(where=f"addition {c.source}", reason="negative units")])
        add(c.layer, c.zone, c.units, c.interceptors)
    for i, s in enumerate(params.layers):
        if s.magazine_per_unit is None:
            magazine[i, :] = np.inf
    # Resupply per day: the scenario's supply where given (split by units), else per unit.
    resupply = np.zeros((nl, nz))
    supply = {s.layer: s.per_month for s in scenario.ukraine.interceptor_supply}
    for i, s in enumerate(params.layers):
        if s.magazine_per_unit is None:
            continue
        total = units[i].sum()
        if total <= 0:
            continue
        if s.layer in supply:
            resupply[i] = supply[s.layer] * units[i] / total / params.days_per_month
        else:
            resupply[i] = s.resupply_per_unit_month * units[i] / params.days_per_month
    return Defence(params, units, magazine, resupply, tuple(additions))
