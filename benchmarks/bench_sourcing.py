"""Sourcing optimiser speed: the bundled scenario, a 10x copy of it, and the issue's generated
instance (40 nations, 2,000 pledges, 150 requirements), which must solve to proven optimality
in at most 5 s with model building and reporting at most a quarter of the total.

Run: ``.venv/bin/python benchmarks/bench_sourcing.py``
"""

from __future__ import annotations

import sys
import time

import numpy as np

from guarantor.data import load_capabilities, load_nations
from guarantor.model import (
    Caveats,
    Condition,
    Contributor,
    MissionSet,
    Pledge,
    PledgeStatus,
    Provenance,
    Requirement,
    Role,
    Scenario,
    Sustainment,
    Zone,
)
from guarantor.model.capabilities import DOMAIN_ZONES
from guarantor.scenarios import load_scenario
from guarantor.sourcing import SourcingResult, source

PROV = Provenance(source="benchmark generator", date="2026", confidence="low", assumption=True)
MISSION = {
    "land": MissionSet.LAND_REASSURANCE,
    "air": MissionSet.AIR_POLICING,
    "air-defence": MissionSet.INTEGRATED_AIR_DEFENCE,
    "sea": MissionSet.MARITIME,
    "enabler": MissionSet.ENABLERS,
}


def generated(
    n_nations: int = 40, n_pledges: int = 2000, n_reqs: int = 150, seed: int = 2026
) -> Scenario:
    """A random but valid-looking instance built on the bundled scenario's other sections."""
    rng = np.random.default_rng(seed)
    base = load_scenario("mnf-u-2026-01")
    states = sorted(c for c, n in load_nations().items() if n.is_state and n.gdp_usd)
    codes = [str(c) for c in rng.choice(states, size=min(n_nations, len(states)), replace=False)]
    caps = list(load_capabilities().values())
    contributors = [
        Contributor(
            code=c, max_personnel=int(rng.integers(500, 20000)) if rng.random() < 0.4 else None
        )
        for c in codes
    ]
    pledges = []
    for i in range(n_pledges):
        cap = caps[int(rng.integers(len(caps)))]
        zones = sorted(DOMAIN_ZONES[cap.domain], key=str)
        allowed = [z for z in zones if rng.random() < 0.6] or [zones[0]]
        conds = [c for c in Condition if rng.random() < 0.15]
        roles = [r for r in (Role.COMBAT,) if rng.random() < 0.2]
        pledges.append(
            Pledge(
                id=f"P{i:05d}",
                nation=codes[int(rng.integers(len(codes)))],
                capability=cap.id,
                quantity=int(rng.integers(1, 6)),
                status=PledgeStatus.COMMITTED,
                readiness_days=int(rng.choice([0, 7, 14, 30, 60])),
                sustainment=Sustainment(
                    mode="one-tour" if rng.random() < 0.1 else "rotational", tour_months=6
                ),
                caveats=Caveats(zones=allowed, excluded_roles=roles, conditions=conds),
                provenance=PROV,
            )
        )
    reqs = []
    for j in range(n_reqs):
        cap = caps[int(rng.integers(len(caps)))]
        zones = sorted(DOMAIN_ZONES[cap.domain] - {Zone.HOME}, key=str) or [Zone.HOME]
        reqs.append(
            Requirement(
                id=f"R{j:04d}",
                mission_set=MISSION[cap.domain.value],
                capability_class=cap.capability_class,
                quantity=int(rng.integers(1, 25)),
                zone=zones[int(rng.integers(len(zones)))],
                phase_start_day=int(rng.choice([0, 14, 30, 60, 90])),
                priority=int(rng.integers(1, 6)),
                combat=bool(rng.random() < 0.5),
                provenance=PROV,
            )
        )
    return base.model_copy(
        update={"contributors": contributors, "pledges": pledges, "requirements": reqs}
    )


def tenfold() -> Scenario:
    """The bundled scenario with every pledge and requirement copied ten times."""
    base = load_scenario("mnf-u-2026-01")
    pledges = [p.model_copy(update={"id": f"{p.id}-{k}"}) for k in range(10) for p in base.pledges]
    reqs = [
        r.model_copy(update={"id": f"{r.id}-{k}"}) for k in range(10) for r in base.requirements
    ]
    return base.model_copy(update={"pledges": pledges, "requirements": reqs})


def seconds(value: float | None) -> float:
    """A wall-clock figure of a timed run (only reproducible documents leave them out)."""
    assert value is not None, "a timed sourcing run records its wall-clock times"
    return value


def timed(name: str, scenario: Scenario, repeat: int = 3) -> tuple[SourcingResult, float]:
    """Solve ``repeat`` times; print the fastest run's own figures (so that its parts add up
    to its total) and the range of wall times."""
    best: SourcingResult | None = None
    walls = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = source(scenario)
        walls.append(time.perf_counter() - t0)
        if walls[-1] == min(walls):
            best = r
    assert best is not None
    total = min(walls)
    outside = seconds(best.build_seconds) + seconds(best.report_seconds)
    print(
        f"{name:<28} pledges={len(scenario.pledges):5d} reqs={len(scenario.requirements):4d} "
        f"status={best.status:<9} total={total:.3f}s (max {max(walls):.3f}s) "
        f"solver={seconds(best.solve_seconds):.3f}s "
        f"build+report={outside:.3f}s ({100 * outside / total:.0f}%) "
        f"stages={[(s.name, s.status, round(seconds(s.seconds), 3)) for s in best.stages]}"
    )
    return best, total


def main() -> int:
    timed("bundled mnf-u-2026-01", load_scenario("mnf-u-2026-01"))
    timed("bundled x10", tenfold())
    t0 = time.perf_counter()
    scenario = generated()
    print(f"generated instance built in {time.perf_counter() - t0:.2f}s (not timed below)")
    r, total = timed("generated 40x2000x150", scenario)
    outside = (seconds(r.build_seconds) + seconds(r.report_seconds)) / total
    ok = r.status == "optimal" and all(s.status == "optimal" for s in r.stages)
    ok = ok and total <= 5.0 and outside <= 0.25
    # Other draws of the same generator: how much the figure depends on the instance.
    for seed in range(1, 6):
        timed(f"  other draw (seed {seed})", generated(seed=seed), repeat=1)
    print("target (proven optimal in 5 s, build and report <= 25%):", "met" if ok else "NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
