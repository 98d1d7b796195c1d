"""CDB90 battles as a tidy table, and the feature sets the victory models read from it.

CDB90 (US Army Concepts Analysis Agency, 1990; tidy version by Jeffrey B. Arnold, ODC-BY 1.0)
holds 660 battles from 1600 to 1973. The packaged copy has lost the minus signs of negative
codes: ``wina``, ``aeroa``, ``cea`` and ``surpa`` are blank where the source coded -1 (or -2, -3).
The blanks line up with the attacker's mission-accomplishment score (blank ``wina`` rows score
0-6 out of 10; wins score 5-10), so a blank ``wina`` is read as an attacker loss, a blank
``aeroa`` as defender air superiority and a blank ``surpa`` as surprise by the defender.
Battles that duplicate a parent battle, or lack a strength on either side, are dropped.

Only what is known before a battle enters the models (see :data:`EXCLUDED` for what is left
out and why); the fits are in :mod:`.victory_models`, :mod:`.attrition_fit` and
:mod:`.historical_fit`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray

from guarantor.data import read_csv

FloatArray = NDArray[np.float64]
CDB90 = ("battles", "cdb90")

#: Feature sets of the victory models (the baseline is the first); each adds to the one before.
_CONDITIONS = (
    "log_ratio",
    "prepared",
    "fortified",
    "attacker_surprise",
    "defender_surprise",
    "attacker_air",
    "defender_air",
)
MODELS: dict[str, tuple[str, ...]] = {
    "force-ratio": ("log_ratio",),
    "ratio+posture+surprise+air": _CONDITIONS,
    "ratio+conditions+terrain": (*_CONDITIONS, "urban", "wooded", "rugged"),
}
BASELINE = "force-ratio"

#: Everything known before a battle that the regularised models use (besides who fights whom).
_BEFORE = (
    *_CONDITIONS,
    "delay",
    "urban",
    "wooded",
    "rugged",
    "bare",
    "desert_terrain",
    "wet",
    "winter",
    "desert_climate",
    "year",
    "year_squared",
    "tank_ratio",
    "artillery_ratio",
    "log_width_ratio",
    "war_initiator",
)
#: The force ratio's interactions: does its weight change with posture, air, surprise, era?
_INTERACTIONS = (
    ("log_ratio", "prepared"),
    ("log_ratio", "fortified"),
    ("log_ratio", "attacker_air"),
    ("log_ratio", "defender_air"),
    ("log_ratio", "attacker_surprise"),
    ("log_ratio", "year"),
)


@dataclass(frozen=True)
class RidgeSpec:
    """A regularised victory model: features, interactions, and belligerent strengths."""

    features: tuple[str, ...]
    interactions: tuple[tuple[str, str], ...] = ()
    belligerents: bool = False


RIDGE_MODELS: dict[str, RidgeSpec] = {
    "before-battle conditions (ridge)": RidgeSpec(_BEFORE, _INTERACTIONS),
    "before-battle conditions+belligerents (ridge)": RidgeSpec(_BEFORE, _INTERACTIONS, True),
}
#: Penalties the inner cross-validation chooses from (standardised features).
PENALTIES = (1.0, 3.0, 10.0, 30.0, 100.0, 300.0)
#: A belligerent enters with a strength of its own from this many battles on (others pooled).
MIN_BELLIGERENT_BATTLES = 5
#: Left out of every model, and why (the JSON names them).
EXCLUDED = {
    "cea, leada, trnga, morala, logsa, momnta, intela, techa, inita": (
        "HERO's judgements of relative combat effectiveness, leadership, training, morale, "
        "logistics, momentum, intelligence, technology and initiative, coded with the outcome "
        "known (hindsight): with them the cross-validated AUC reaches 0.72-0.81"
    ),
    "quala, resa, mobila, aira, fprepa, wxa, terra, leadaa, plana, surpaa, mana, logsaa, "
    "fortsa, deepa": "degree of influence of each factor on the outcome: explanations of it",
    "cas, finst, rerp, ctank, carty, cfly, fly, kmda, ach, reso, crit, duration": (
        "measured during or after the battle"
    ),
    "front widths missing": "whether CDB90 recorded a width says how the battle was documented",
}


@dataclass(frozen=True)
class Battles:
    """CDB90 as a tidy table of arrays, one entry per battle kept, and what was dropped."""

    isqno: NDArray[np.int64]
    attacker_won: FloatArray
    features: dict[str, FloatArray]
    att_strength: FloatArray
    def_strength: FloatArray
    att_cas: FloatArray  # NaN where not reported
    def_cas: FloatArray
    days: FloatArray  # NaN where not reported
    dropped: dict[str, int]
    attacker_actor: tuple[str, ...] = ()  # the first actor named on each side
    defender_actor: tuple[str, ...] = ()
    war: tuple[str, ...] = ()
    campaign: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        """Battles kept."""
        return int(self.isqno.size)

    def design(self, names: Sequence[str]) -> FloatArray:
        """Design matrix with an intercept column first."""
        return np.column_stack([np.ones(self.n), *(self.features[k] for k in names)])


def _num(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def _count(text: str) -> float:
    """A count of equipment; blank (not reported) counts as none."""
    value = _num(text)
    return value if value > 0 else 0.0


@cache
def load_battles() -> Battles:
    """CDB90 battles with both strengths known, duplicates dropped (see the module notes)."""
    battles = read_csv(*CDB90, "battles.csv")
    sides: dict[tuple[str, str], dict[str, str]] = {
        (r["isqno"], r["attacker"]): r for r in read_csv(*CDB90, "belligerents.csv")
    }
    terrain: dict[str, dict[str, str]] = {}
    for r in read_csv(*CDB90, "terrain.csv"):
        terrain.setdefault(r["isqno"], r)
    durations = {r["isqno"]: r for r in read_csv(*CDB90, "battle_durations.csv")}
    weather: dict[str, dict[str, str]] = {}
    for r in read_csv(*CDB90, "weather.csv"):
        weather.setdefault(r["isqno"], r)
    widths = {
        r["isqno"]: r for r in read_csv(*CDB90, "front_widths.csv") if r["front_number"] == "1"
    }
    dropped = {"duplicate of a parent battle": 0, "missing or zero strength": 0}
    rows: list[dict[str, float]] = []
    labels: list[tuple[str, str, str, str]] = []
    for b in battles:
        if b["parent"]:
            dropped["duplicate of a parent battle"] += 1
            continue
        att, dfn = sides.get((b["isqno"], "1")), sides.get((b["isqno"], "0"))
        sa = _num(att["str"]) if att else math.nan
        sd = _num(dfn["str"]) if dfn else math.nan
        if not (sa > 0 and sd > 0):
            dropped["missing or zero strength"] += 1
            continue
        assert att is not None and dfn is not None
        wina = b["wina"] or "-1"  # blank = attacker loss (lost minus sign)
        surpa = _num(b["surpa"]) if b["surpa"] else -1.0
        aeroa = b["aeroa"] or "-1"
        post = b["post1"]
        ter = terrain.get(b["isqno"], {})
        dur = durations.get(b["isqno"], {})
        active = _num(dur.get("duration2", ""))
        days = active if active > 0 else _num(dur.get("duration1", ""))
        wx = weather.get(b["isqno"], {})
        width = widths.get(b["isqno"], {})
        wofa, wofd = _num(width.get("wofa", "")), _num(width.get("wofd", ""))
        width_ratio = wofa / wofd if wofa > 0 and wofd > 0 else math.nan
        year = _num(dur.get("datetime", "")[:4])
        labels.append(
            (
                att["actors"].split(" & ")[0],
                dfn["actors"].split(" & ")[0],
                b["war4"] or b["war"],
                b["campgn"],
            )
        )
        rows.append(
            {
                "isqno": float(b["isqno"]),
                "won": 1.0 if wina == "1" else 0.0,
                "log_ratio": math.log(sa / sd),
                "prepared": 1.0 if post == "PD" else 0.0,
                "fortified": 1.0 if post == "FD" else 0.0,
                "attacker_surprise": max(surpa, 0.0) / 3.0,
                "defender_surprise": 1.0 if surpa < 0 else 0.0,
                "attacker_air": 1.0 if aeroa == "1" else 0.0,
                "defender_air": 1.0 if aeroa == "-1" else 0.0,
                "urban": 1.0 if ter.get("terra3") == "U" else 0.0,
                "wooded": 1.0 if ter.get("terra2") == "W" else 0.0,
                "rugged": 1.0 if ter.get("terra1") == "G" else 0.0,
                "delay": 1.0 if post == "DL" else 0.0,
                "bare": 1.0 if ter.get("terra2") == "B" else 0.0,
                "desert_terrain": 1.0 if ter.get("terra2") == "D" else 0.0,
                "wet": 1.0 if wx.get("wx1") == "W" else 0.0,
                "winter": 1.0 if wx.get("wx4") == "W" else 0.0,
                "desert_climate": 1.0 if wx.get("wx5") == "D" else 0.0,
                "year": year,
                "tank_ratio": math.log1p(_count(att["tank"])) - math.log1p(_count(dfn["tank"])),
                "artillery_ratio": (
                    math.log1p(_count(att["arty"])) - math.log1p(_count(dfn["arty"]))
                ),
                "log_width_ratio": math.log(width_ratio) if width_ratio > 0 else 0.0,
                "war_initiator": 1.0 if b["war_initiator"] == "1" else 0.0,
                "sa": sa,
                "sd": sd,
                "ca": _num(att["cas"]),
                "cd": _num(dfn["cas"]),
                "days": days,
            }
        )

    def col(k: str) -> FloatArray:
        return np.array([r[k] for r in rows], dtype=float)

    names = {n for feats in MODELS.values() for n in feats} | set(_BEFORE)
    names.discard("year_squared")
    features = {k: col(k) for k in sorted(names)}
    # the year in centuries from 1900 (the two battles without a date at the mean)
    years = features["year"]
    years = np.where(np.isnan(years), np.nanmean(years), years)
    features["year"] = (years - 1900.0) / 100.0
    features["year_squared"] = features["year"] ** 2
    return Battles(
        isqno=col("isqno").astype(np.int64),
        attacker_won=col("won"),
        features=features,
        att_strength=col("sa"),
        def_strength=col("sd"),
        att_cas=col("ca"),
        def_cas=col("cd"),
        days=col("days"),
        dropped=dropped,
        attacker_actor=tuple(x[0] for x in labels),
        defender_actor=tuple(x[1] for x in labels),
        war=tuple(x[2] for x in labels),
        campaign=tuple(x[3] for x in labels),
    )
