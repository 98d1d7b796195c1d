"""The front: axes, the forces on them, reinforcements, and whether the line holds.

Inputs are plain dataclasses so that an analyst can state them by hand (or take them from a
scenario with :meth:`FrontInputs.from_scenario`). ``attacker_air_factor`` multiplies the
attacker's effectiveness: set it below 1 where the air-defence results say the coalition denies
Russian air support, above 1 where Russian glide bombs fly freely.

Per axis, Ukraine's brigades (blue, defending) face Russia's personnel (red, attacking); the
defender's effectiveness carries the terrain and fortification multipliers and is cut where a
brigade must hold more front than the observed maximum (force-to-space). Ukraine's reserve
brigades and the reassurance force's hubs reinforce the axes in proportion to the threat on
each; Russia's reserve and monthly reinforcement flow to the axes the same way. Given both
sides' totals (``combat_brigades``, ``attacker_personnel_in_theatre``), the reserves are what
the totals hold beyond the axes (:meth:`FrontInputs.resolved`). A breakthrough is the defence
breaking (losing its breakpoint fraction) before the attack stops at its own.

The attrition law, its Helmbold weight and the run-to-run spread of each side's effectiveness
are the CDB90 fit's (``guarantor ground fit``, recorded in ``data/ground/params.toml``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import InputError, Problem
from guarantor.ground.lanchester import (
    Engagement,
    MonteCarlo,
    Reinforcement,
    noise_key,
    parse_law,
    simulate,
    simulate_cells,
    simulate_many,
    solve,
)
from guarantor.ground.params import ParamSet
from guarantor.model import Scenario
from guarantor.model.zones import UKRAINE_ZONES


@dataclass(frozen=True)
class AxisInput:
    """One sector of the contact line and the forces on it."""

    name: str
    length_km: float
    terrain: str
    fortification: float
    defender_brigades: float
    attacker_personnel: float


@dataclass(frozen=True)
class Hub:
    """A reassurance-force site whose troops can reinforce the line."""

    name: str
    personnel: float
    reaction_days: float
    nations: tuple[str, ...] = ()


@dataclass(frozen=True)
class FrontInputs:
    """Everything the front model needs, in plain numbers."""

    axes: tuple[AxisInput, ...]
    brigade_personnel: float
    reserve_brigades: float = 0.0
    attacker_reinforcement_per_day: float = 0.0
    hubs: tuple[Hub, ...] = ()
    attacker_air_factor: float = 1.0
    #: Russian personnel in the theatre beyond the axes', committed to the axes by threat.
    attacker_reserve_personnel: float = 0.0
    #: Ukraine's combat brigades in all (``ukraine.combat_brigades``). Where given, the
    #: brigades beyond those on the axes are the reserve (``reserve_brigades`` is then not
    #: used); fewer than the axes hold scale every axis down in proportion.
    combat_brigades: float | None = None
    #: Russia's personnel in the theatre (``russia.personnel_in_theatre``). Where given, those
    #: beyond the axes' are the attacker's reserve, committed to the axes by threat; fewer than
    #: the axes' scale every axis down in proportion.
    attacker_personnel_in_theatre: float | None = None

    def __post_init__(self) -> None:
        problems = []
        if not self.axes:
            problems.append(Problem("front", "needs at least one axis"))
        for i, a in enumerate(self.axes):
            where = f"front.axes[{i}] ({a.name})"
            if a.length_km <= 0:
                problems.append(Problem(where, "length_km must be > 0"))
            if a.defender_brigades < 0 or a.attacker_personnel < 0:
                problems.append(Problem(where, "forces must be >= 0"))
            if a.fortification <= 0:
                problems.append(Problem(where, "fortification must be > 0"))
        if self.brigade_personnel <= 0:
            problems.append(Problem("brigade_personnel", "must be > 0"))
        if (
            self.reserve_brigades < 0
            or self.attacker_reinforcement_per_day < 0
            or self.attacker_reserve_personnel < 0
        ):
            problems.append(Problem("reinforcements", "must be >= 0"))
        if self.attacker_air_factor < 0:
            problems.append(Problem("attacker_air_factor", "must be >= 0"))
        for name in ("combat_brigades", "attacker_personnel_in_theatre"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value >= 0):
                problems.append(Problem(name, f"must be a number >= 0, got {value}"))
        for h in self.hubs:
            if h.personnel < 0 or h.reaction_days < 0:
                problems.append(
                    Problem(f"hub {h.name}", "personnel and reaction time must be >= 0")
                )
        if problems:
            raise InputError(problems)

    @classmethod
    def from_scenario(cls, scenario: Scenario, attacker_air_factor: float = 1.0) -> FrontInputs:
        """The scenario's axes and forces; hubs are its sites inside Ukraine."""
        return cls(
            axes=tuple(
                AxisInput(
                    a.name,
                    a.length_km,
                    a.terrain,
                    a.fortification,
                    a.ukrainian_brigades,
                    a.russian_personnel,
                )
                for a in scenario.front.axes
            ),
            brigade_personnel=scenario.ukraine.brigade_personnel,
            reserve_brigades=scenario.ukraine.reserve_brigades,
            attacker_reinforcement_per_day=scenario.russia.reinforcement_per_month / 30.0,
            hubs=tuple(
                Hub(s.name, s.personnel, s.reaction_hours / 24.0, tuple(s.nations))
                for s in scenario.sites
                if s.zone in UKRAINE_ZONES and s.personnel > 0
            ),
            attacker_air_factor=attacker_air_factor,
            combat_brigades=float(scenario.ukraine.combat_brigades),
            attacker_personnel_in_theatre=float(scenario.russia.personnel_in_theatre),
        )

    def resolved(self) -> FrontInputs:
        """The inputs with the totals applied (reserves set, axes scaled where need be).

        The rule, the same for both sides: the axes state where the forces stand; a total
        larger than the axes' sum is a reserve (Ukraine's reinforces the axes from
        ``reserve_start_day``, Russia's from ``attacker_reserve_start_day``, each in
        proportion to the threat on each axis); a total smaller than the axes' sum scales
        every axis down in proportion. So more Ukrainian brigades never leave an axis or the
        reserve smaller, nor do more Russian personnel leave Russia's smaller.
        """
        axes = self.axes
        reserve = self.reserve_brigades
        if self.combat_brigades is not None:
            line = sum(a.defender_brigades for a in axes)
            reserve = max(self.combat_brigades - line, 0.0)
            if line > self.combat_brigades:
                f = self.combat_brigades / line
                axes = tuple(replace(a, defender_brigades=a.defender_brigades * f) for a in axes)
        red_reserve = self.attacker_reserve_personnel
        if self.attacker_personnel_in_theatre is not None:
            line = sum(a.attacker_personnel for a in axes)
            red_reserve = max(self.attacker_personnel_in_theatre - line, 0.0)
            if line > self.attacker_personnel_in_theatre:
                f = self.attacker_personnel_in_theatre / line
                axes = tuple(replace(a, attacker_personnel=a.attacker_personnel * f) for a in axes)
        return replace(
            self,
            axes=axes,
            reserve_brigades=reserve,
            attacker_reserve_personnel=red_reserve,
            combat_brigades=None,
            attacker_personnel_in_theatre=None,
        )


@dataclass(frozen=True)
class ForceToSpace:
    """Km of front per brigade on an axis against doctrine and observed ranges."""

    km_per_brigade: float | None
    doctrine_km: tuple[float, float]
    observed_max_km: float
    status: str  # dense, doctrine, stretched, thin, unheld
    space_factor: float  # multiplier on the defender's effectiveness


def force_to_space(length_km: float, brigades: float, params: ParamSet) -> ForceToSpace:
    """Classify an axis's brigade density; beyond the observed maximum the defence thins."""
    lo = params.num("frontage", "doctrine_min_km")
    hi = params.num("frontage", "doctrine_max_km")
    obs = params.num("frontage", "observed_max_km")
    exponent = params.num("frontage", "thin_line_exponent")
    if brigades <= 0:
        return ForceToSpace(None, (lo, hi), obs, "unheld", 0.0)
    km = length_km / brigades
    if km < lo:
        status = "dense"
    elif km <= hi:
        status = "doctrine"
    elif km <= obs:
        status = "stretched"
    else:
        status = "thin"
    factor = min(1.0, obs / km) ** exponent
    return ForceToSpace(km, (lo, hi), obs, status, factor)


@dataclass(frozen=True)
class AxisResult:
    """What happens on one axis within the horizon."""

    name: str
    length_km: float
    defender_brigades: float
    defender_personnel: float
    attacker_combatants: float
    force_ratio: float  # attacker : defender at the start
    force_to_space: ForceToSpace
    p_breakthrough: float
    p_breakthrough_ukraine_alone: float
    days_to_breakthrough: dict[str, float | None]
    cdf: list[dict[str, float]]
    deterministic: dict[str, Any]
    brigades_to_hold: float | None
    hold_probability: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        d = asdict(self)
        d["force_to_space"]["doctrine_km"] = list(self.force_to_space.doctrine_km)
        return d


@dataclass(frozen=True)
class FrontResult:
    """Per-axis results and the whole front's chance of holding."""

    days: int
    runs: int
    seed: int | None
    law: str
    axes: list[AxisResult]
    p_any_breakthrough: float
    p_any_breakthrough_ukraine_alone: float
    notes: list[str] = field(default_factory=list)
    #: Per run: the line held with the force / with Ukraine alone (for paired comparisons:
    #: the same runs under another plan or option draw the same numbers).
    held: NDArray[np.bool_] | None = field(default=None, repr=False, compare=False)
    held_alone: NDArray[np.bool_] | None = field(default=None, repr=False, compare=False)

    @property
    def p_hold(self) -> float:
        """Chance that no axis breaks within the horizon."""
        return 1.0 - self.p_any_breakthrough

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "days": self.days,
            "runs": self.runs,
            "seed": self.seed,
            "law": self.law,
            "p_any_breakthrough": self.p_any_breakthrough,
            "p_any_breakthrough_ukraine_alone": self.p_any_breakthrough_ukraine_alone,
            "p_hold": self.p_hold,
            "axes": [a.to_dict() for a in self.axes],
            "notes": self.notes,
        }


def _defence(
    inputs: FrontInputs, axis: AxisInput, params: ParamSet, brigades: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The defender's initial strength and effectiveness for each brigade count.

    One computation for single engagements and for the search's batches, so that both give
    the same numbers to the last bit. A defender with no brigades still has a screen (one
    combatant's worth, which cannot hold).
    """
    try:
        terrain = params.num("terrain", axis.terrain)
    except InputError:
        raise InputError(
            [Problem(f"axis {axis.name}", f"no terrain multiplier for {axis.terrain!r}")]
        ) from None
    obs = params.num("frontage", "observed_max_km")
    exponent = params.num("frontage", "thin_line_exponent")
    n = np.asarray(brigades, dtype=np.float64)
    held = n > 0
    km = axis.length_km / np.where(held, n, 1.0)
    space = np.where(held, np.minimum(1.0, obs / km) ** exponent, 0.0)
    base = params.num("combat", "defender_effectiveness") * terrain * axis.fortification
    return np.maximum(n * inputs.brigade_personnel, 1.0), base * np.maximum(space, 1e-3)


def _engagement(
    inputs: FrontInputs,
    axis: AxisInput,
    share: float,
    params: ParamSet,
    days: float,
    brigades: float | None = None,
    reassurance: bool = True,
) -> tuple[Engagement, ForceToSpace]:
    """The Lanchester engagement on one axis."""
    n_bde = axis.defender_brigades if brigades is None else brigades
    space = force_to_space(axis.length_km, n_bde, params)
    blue, blue_eff = _defence(inputs, axis, params, np.array([n_bde]))
    red0 = axis.attacker_personnel * params.num("combat", "attacker_combat_share")
    red_eff = params.num("combat", "attacker_effectiveness") * inputs.attacker_air_factor
    start = params.num("reinforcement", "reserve_start_day")
    span = max(params.num("reinforcement", "reserve_arrival_days"), 1e-6)
    reserves = (
        inputs.reserve_brigades
        * params.num("reinforcement", "reserve_committed_share")
        * share
        * inputs.brigade_personnel
    )
    blue_r = [Reinforcement(start, start + span, reserves / span)] if reserves > 0 else []
    if reassurance:
        quality = params.num("combat", "reassurance_quality")
        committed = params.num("reinforcement", "reassurance_committed_share")
        combat = params.num("reinforcement", "reassurance_combat_share")
        for hub in inputs.hubs:
            men = hub.personnel * committed * combat * share * quality
            if men > 0:
                blue_r.append(Reinforcement(hub.reaction_days, hub.reaction_days + 1.0, men))
    red_rate = (
        inputs.attacker_reinforcement_per_day
        * params.num("reinforcement", "attacker_reinforcement_share")
        * params.num("combat", "attacker_combat_share")
        * share
    )
    red_r = [Reinforcement(0.0, days, red_rate)] if red_rate > 0 else []
    red_reserve = (
        inputs.attacker_reserve_personnel
        * params.num("reinforcement", "attacker_reserve_committed_share")
        * params.num("combat", "attacker_combat_share")
        * share
    )
    if red_reserve > 0:
        r_start = params.num("reinforcement", "attacker_reserve_start_day")
        r_span = max(params.num("reinforcement", "attacker_reserve_arrival_days"), 1e-6)
        red_r.append(Reinforcement(r_start, r_start + r_span, red_reserve / r_span))
    e = Engagement(
        blue=float(blue[0]),
        red=red0,
        blue_effectiveness=float(blue_eff[0]),
        red_effectiveness=red_eff,
        law=parse_law(params.text("combat", "law"), "[combat] law"),
        helmbold_weight=params.num("combat", "helmbold_weight"),
        blue_breakpoint=params.num("breakpoints", "defence_breaks_at"),
        red_breakpoint=params.num("breakpoints", "attack_stops_at"),
        blue_reinforcements=tuple(blue_r),
        red_reinforcements=tuple(red_r),
        max_days=days,
    )
    return e, space


def _steps(params: ParamSet) -> int:
    return int(params.num("simulation", "steps_per_day"))


def _spreads(params: ParamSet) -> dict[str, float]:
    """The run-to-run spreads every simulation of the front draws (the same everywhere)."""
    return {
        "effectiveness_sigma": params.num("combat", "effectiveness_sigma"),
        "breakpoint_sigma": params.num("breakpoints", "breakpoint_sigma"),
    }


def _run(
    e: Engagement, seed: int, runs: int, params: ParamSet, steps_per_day: int | None = None
) -> MonteCarlo:
    return simulate(
        e,
        np.random.default_rng(seed),
        runs=runs,
        steps_per_day=_steps(params) if steps_per_day is None else steps_per_day,
        **_spreads(params),
    )


#: Most brigades the search for the forces to hold tries on one axis.
_CAP = 400.0
#: Cells the search for the forces to hold simulates at most per pass, beyond one per run.
_SEARCH_CELLS = 2000
#: Brigade counts tried per run and pass at most.
_SEARCH_POINTS = 15
#: Rounds of checks of the search's answers at most (one suffices unless runs are not monotone).
_CHECKS = 20


@dataclass(frozen=True)
class _HoldQuery:
    """One axis whose forces to hold are sought."""

    inputs: FrontInputs
    axis: AxisInput
    share: float
    seed: int
    known: NDArray[np.bool_] | None = None  # whether each run breaks at the axis's brigades


#: Slack in comparing a share of runs with 1 - probability (0.1 of runs holds at 0.9).
_SLACK = 1e-9


def _allowed_breaks(runs: int, probability: float) -> int:
    """Most runs that may break for an axis to count as held."""
    return min(runs, math.floor((1.0 - probability) * runs + _SLACK * runs))


def _hold_search(
    queries: Sequence[_HoldQuery],
    params: ParamSet,
    days: float,
    probability: float,
    cap: float,
) -> list[float | None]:
    """Fewest brigades (to a quarter) holding each axis with the given probability, or None.

    Common random numbers make every run of the search see the same noise at every brigade
    count, so each run has (to a rare exception) a threshold: it breaks below, holds from it
    on. The answer is a quantile of these thresholds. Each pass brackets them more tightly,
    but only for the runs that can still decide the quantile, several brigade counts per run
    in one vectorised call; then the answer is checked, at that count and a quarter below,
    against exactly what :func:`brigades_to_hold` promises.
    """
    runs = int(params.num("simulation", "search_runs"))
    steps = _steps(params)
    spreads = _spreads(params)
    top = math.floor(cap * 4.0 + 1e-9)  # in quarter brigades; top + 1 stands for "beyond"
    allowed = _allowed_breaks(runs, probability)
    if allowed >= runs:
        return [0.25] * len(queries)
    base = [
        _engagement(q.inputs, q.axis, q.share, params, days)[0] for q in queries
    ]  # reinforcements and red: the same whatever the brigades
    keys = [noise_key(np.random.default_rng(q.seed)) for q in queries]
    rank = runs - (allowed + 1)  # index of the (allowed + 1)-th largest in ascending order

    def breaks(cells: Sequence[tuple[int, NDArray[np.intp], NDArray[Any]]]) -> list[Any]:
        """Whether each listed run breaks at each count (in quarters): an array per entry."""
        which = np.concatenate([np.full(r.size, k, dtype=np.intp) for k, r, _ in cells])
        blue, eff = zip(
            *(_defence(queries[k].inputs, queries[k].axis, params, n / 4.0) for k, _, n in cells),
            strict=True,
        )
        mc = simulate_cells(
            base,
            keys,
            which,
            np.concatenate([r for _, r, _ in cells]),
            steps,
            blue=np.concatenate(blue),
            blue_effectiveness=np.concatenate(eff),
            **spreads,
        )
        broke = ~np.isnan(mc.blue_broke_day)
        return np.split(broke, np.cumsum([r.size for _, r, _ in cells])[:-1])

    every = np.arange(runs, dtype=np.intp)
    start = [min(max(q.axis.defender_brigades, 1.0), cap) for q in queries]
    known: list[NDArray[np.bool_] | None] = [
        None if q.known is None else np.asarray(q.known[:runs], dtype=bool) for q in queries
    ]
    todo = [k for k, b in enumerate(known) if b is None]
    if todo:
        first = [(k, every, np.full(runs, start[k] * 4.0)) for k in todo]
        for k, broke in zip(todo, breaks(first), strict=True):
            known[k] = broke
    lo: list[NDArray[np.int64]] = []  # each run breaks at lo (or lo is 0) ...
    hi: list[NDArray[np.int64]] = []  # ... and holds at hi (or hi is top + 1)
    for k, broke in enumerate(known):
        assert broke is not None
        lo.append(np.where(broke, math.floor(start[k] * 4.0), 0).astype(np.int64))
        hi.append(np.where(broke, top + 1, min(math.ceil(start[k] * 4.0), top + 1)))
    answer: list[int | None] = [None] * len(queries)
    while True:
        # the quantile lies in [low, high]; only runs whose bracket meets it can move it
        need: list[tuple[int, NDArray[np.intp], int, int]] = []
        for k in range(len(queries)):
            if answer[k] is not None:
                continue
            low = int(np.partition(lo[k] + 1, rank)[rank])
            high = int(np.partition(hi[k], rank)[rank])
            if low >= high:
                answer[k] = high
                continue
            idx = np.flatnonzero((hi[k] - lo[k] > 1) & (lo[k] + 1 <= high) & (hi[k] >= low))
            need.append((k, idx, low, high))
        if not need:
            break
        per = max(1, min(_SEARCH_POINTS, _SEARCH_CELLS // sum(i.size for _, i, _, _ in need)))
        cells = []
        for k, idx, low, high in need:
            a = np.maximum(lo[k][idx], low - 1)[:, None]
            b = np.minimum(hi[k][idx], high)[:, None]
            i = np.arange(1, per + 1)
            even = a + np.rint(i * (b - a) / (per + 1)).astype(np.int64)
            double = np.maximum(a * 2**i, a + i)  # no bound yet above: widen geometrically
            pts = np.clip(
                np.where(b > top, double, even),
                lo[k][idx][:, None] + 1,
                np.minimum(hi[k][idx], top + 1)[:, None] - 1,
            )
            pairs = np.unique(idx[:, None] * (top + 2) + pts)
            cells.append((k, pairs // (top + 2), pairs % (top + 2)))
        for (k, r, n), broke in zip(cells, breaks(cells), strict=True):
            np.maximum.at(lo[k], r[broke], n[broke])
            np.minimum.at(hi[k], r[~broke], n[~broke])
            np.minimum(lo[k], hi[k] - 1, out=lo[k])  # a run that is not monotone: trust holds

    # check each answer at its count and a quarter below, as brigades_to_hold promises
    result: list[float | None] = [None] * len(queries)
    pending = {k: t for k, t in enumerate(answer) if t is not None and t <= top}
    for _ in range(_CHECKS):
        if not pending:
            break
        owners = [(k, c) for k, t in pending.items() for c in sorted({t, max(t - 1, 1)})]
        mcs = simulate_many(
            [
                _engagement(q.inputs, q.axis, q.share, params, days, brigades=c / 4.0)[0]
                for q, c in ((queries[k], c) for k, c in owners)
            ],
            [np.random.default_rng(queries[k].seed) for k, _ in owners],
            runs,
            steps,
            **spreads,
        )
        holds = {
            o: mc.p_blue_breaks(days) <= 1.0 - probability + _SLACK
            for o, mc in zip(owners, mcs, strict=True)
        }
        for k, t in list(pending.items()):
            if holds[k, t]:
                result[k] = t / 4.0  # the best so far, should the checks not settle
            if not holds[k, t]:
                pending[k] = t + 1  # a run was not monotone after all
            elif t > 1 and holds[k, t - 1]:
                pending[k] = t - 1
            else:
                del pending[k]
            if pending.get(k, 0) > top:
                del pending[k]
    return result


def brigades_to_hold(
    inputs: FrontInputs,
    axis: AxisInput,
    share: float,
    params: ParamSet,
    days: float,
    probability: float,
    seed: int,
    cap: float = _CAP,
) -> float | None:
    """Fewest brigades (to a quarter) holding the axis with the given probability, or None.

    At the main runs' resolution and with common random numbers: the runs of the search are
    the first ``search_runs`` runs of :func:`simulate` with this seed, and the answer ``n``
    satisfies ``P(break) <= 1 - probability`` at ``n`` and not at ``n - 0.25``, computed
    exactly as ``simulate`` would.
    """
    resolved = inputs.resolved()
    if axis in inputs.axes:
        axis = resolved.axes[inputs.axes.index(axis)]
    return _hold_search([_HoldQuery(resolved, axis, share, seed)], params, days, probability, cap)[
        0
    ]


def _cdf(broke: np.ndarray, days: int) -> list[dict[str, float]]:
    grid = sorted({*range(7, days + 1, 7), days})
    return [{"day": float(d), "p": float(np.mean(broke <= d))} for d in grid]


def assess_front(
    inputs: FrontInputs,
    params: ParamSet,
    rng: np.random.Generator,
    days: int = 90,
    hold_probability: float | None = None,
    search: bool = True,
    runs: int | None = None,
) -> FrontResult:
    """Deterministic and Monte Carlo outcome on every axis, and the forces needed to hold.

    All axes run in one vectorised pass. Each axis has one noise stream, shared by its runs
    with and without the reassurance force and by the search for the brigades to hold (whose
    runs are the first ``search_runs`` of them): differences are the forces', not noise.
    """
    if not 1 <= days <= 3650:
        raise InputError([Problem("--days", f"must lie in 1..3650, got {days}")])
    p_hold = (
        params.num("simulation", "hold_probability")
        if hold_probability is None
        else hold_probability
    )
    if not 0 < p_hold < 1:
        raise InputError([Problem("--hold-probability", "must lie strictly between 0 and 1")])
    n_runs = int(params.num("simulation", "runs")) if runs is None else runs
    totals = (inputs.combat_brigades is not None, inputs.attacker_personnel_in_theatre is not None)
    inputs = inputs.resolved()
    red_total = sum(a.attacker_personnel for a in inputs.axes)
    # one stream per axis, shared with and without the reassurance force and by the search
    # (common random numbers: differences are the forces', not noise)
    seeds = [int(x) for x in rng.integers(0, 2**63 - 1, size=len(inputs.axes))]
    shares = [
        a.attacker_personnel / red_total if red_total > 0 else 1.0 / len(inputs.axes)
        for a in inputs.axes
    ]
    pairs = [
        (
            _engagement(inputs, axis, share, params, days),
            _engagement(inputs, axis, share, params, days, reassurance=False)[0],
        )
        for axis, share in zip(inputs.axes, shares, strict=True)
    ]
    mcs = simulate_many(
        [e for (e, _), alone in pairs for e in (e, alone)],
        [np.random.default_rng(s) for s in seeds for _ in range(2)],
        runs=n_runs,
        steps_per_day=_steps(params),
        **_spreads(params),
    )
    search_runs = int(params.num("simulation", "search_runs"))
    needs: list[float | None] = [None] * len(inputs.axes)
    if search:
        queries = [
            _HoldQuery(
                inputs,
                axis,
                share,
                seed,
                # the main runs start the search where they coincide with its runs
                ~np.isnan(mc.blue_broke_day[:search_runs])
                if n_runs >= search_runs and 1.0 <= axis.defender_brigades <= _CAP
                else None,
            )
            for axis, share, seed, mc in zip(inputs.axes, shares, seeds, mcs[::2], strict=True)
        ]
        needs = _hold_search(queries, params, days, p_hold, _CAP)
    results: list[AxisResult] = []
    broke_with = np.zeros(n_runs, dtype=bool)
    broke_alone = np.zeros(n_runs, dtype=bool)
    for k, axis in enumerate(inputs.axes):
        (e, space), _ = pairs[k]
        mc, mc_alone = mcs[2 * k], mcs[2 * k + 1]
        det = solve(e)
        broke_day = np.where(np.isnan(mc.blue_broke_day), np.inf, mc.blue_broke_day)
        broke_with |= broke_day <= days
        broke_alone |= ~np.isnan(mc_alone.blue_broke_day)
        hit = broke_day[np.isfinite(broke_day)]
        dist: dict[str, float | None] = {
            "p10": float(np.percentile(hit, 10)) if hit.size else None,
            "p50": float(np.percentile(hit, 50)) if hit.size else None,
            "p90": float(np.percentile(hit, 90)) if hit.size else None,
            "mean": float(hit.mean()) if hit.size else None,
        }
        results.append(
            AxisResult(
                name=axis.name,
                length_km=axis.length_km,
                defender_brigades=axis.defender_brigades,
                defender_personnel=axis.defender_brigades * inputs.brigade_personnel,
                attacker_combatants=e.red,
                force_ratio=e.red / e.blue if e.blue > 0 else math.inf,
                force_to_space=space,
                p_breakthrough=mc.p_blue_breaks(days),
                p_breakthrough_ukraine_alone=mc_alone.p_blue_breaks(days),
                days_to_breakthrough=dist,
                cdf=_cdf(broke_day, days),
                deterministic={
                    "outcome": det.ended_by,
                    "day": det.days if det.ended_by != "time" else None,
                    "defender_final": det.blue_final,
                    "attacker_final": det.red_final,
                },
                brigades_to_hold=needs[k],
                hold_probability=p_hold,
            )
        )
    notes = [
        "Breakthrough: the defence loses its breakpoint share before the attack stops at its "
        "own. Axes are fought independently; the attacker cannot mass from one to another.",
        f"Attrition follows the {params.text('combat', 'law')} law (weight "
        f"{params.num('combat', 'helmbold_weight'):g}) and each run draws both sides' "
        f"effectiveness with a log-sd of {params.num('combat', 'effectiveness_sigma'):g}, "
        "both as the CDB90 fit selects (guarantor ground fit): a defender's losses grow only "
        "slowly with the attacker's numbers, and much of the outcome is how well each side "
        "fights.",
        f"Ukraine's reserve: {inputs.reserve_brigades:g} brigades ("
        + (
            "its combat brigades beyond those on the axes"
            if totals[0]
            else "as stated; its combat brigades in all not given"
        )
        + f"); Russia's: {inputs.attacker_reserve_personnel:,.0f} personnel ("
        + (
            "its personnel in the theatre beyond the axes' groupings"
            if totals[1]
            else "as stated; its personnel in the theatre not given"
        )
        + "). A committed share of each reinforces the axes in proportion to the threat on "
        "each.",
        "Every parameter has its provenance (data/ground/params.toml); the CDB90 fit shows "
        "how little skill such models have.",
    ]
    return FrontResult(
        days=days,
        runs=n_runs,
        seed=None,
        law=params.text("combat", "law"),
        axes=results,
        p_any_breakthrough=float(broke_with.mean()),
        p_any_breakthrough_ukraine_alone=float(broke_alone.mean()),
        notes=notes,
        held=~broke_with,
        held_alone=~broke_alone,
    )


def with_seed(result: FrontResult, seed: int | None) -> FrontResult:
    """The result labelled with the seed that produced it."""
    return replace(result, seed=seed)
