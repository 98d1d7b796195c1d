"""The Air Force's national reports as tidy rows: date, weapon type, launched, neutralized.

Neutralized = destroyed + not_reach_goal (lost to EW or did not reach a target): some reports
fold EW losses into "destroyed", others give them apart (see the dataset's notes). A row under
a combined label ("X-101/X-555 and Kalibr": one total for several types) is split into one row
per type by the catalogue's rule (:func:`split_counts`), using only rows up to that night.
Source: "Massive Missile Attacks on Ukraine" (Petro Ivaniuk), compiled from the Ukrainian Air
Force Command's posts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from guarantor.airdefence.threats import ThreatCatalogue, load_threats
from guarantor.data.user import REPORTS, copy_key, read_rows
from guarantor.errors import InputError, Problem

REPORTS_FILE = ("air_attacks", "national_reports_2022-09-28_to_2025-06-30.csv")
#: Days of single-type rows behind the split of a combined label.
SPLIT_WINDOW_DAYS = 365


@dataclass(frozen=True)
class ReportRow:
    """One report line: a weapon type on one night, launched and neutralized.

    ``weapon_class`` is the type's class in the catalogue; ``label`` the combined label the
    row was split from ("" for a row the report gives by type).
    """

    day: date
    model: str
    engagement: str
    launched: int
    neutralized: int
    weapon_class: str = ""
    label: str = ""

    @property
    def klass(self) -> str:
        """The weapon class (the engagement class where none was recorded)."""
        return self.weapon_class or self.engagement


def _int(value: str) -> int | None:
    value = value.strip()
    return int(float(value)) if value else None


def apportion(total: int, weights: Sequence[float], caps: Sequence[int] | None = None) -> list[int]:
    """Integers summing to ``total`` (at most the sum of ``caps``) in proportion to ``weights``,
    by largest remainder; no part exceeds its cap."""
    k = len(weights)
    caps_ = list(caps) if caps is not None else [total] * k
    total = min(total, sum(caps_))
    out = [0] * k
    left = total
    free = [i for i in range(k) if caps_[i] > 0]
    while left > 0 and free:
        w = [max(weights[i], 0.0) for i in free]
        s = sum(w)
        share = [left * x / s for x in w] if s > 0 else [left / len(free)] * len(free)
        got = [min(int(x), caps_[i] - out[i]) for x, i in zip(share, free, strict=True)]
        for g, i in zip(got, free, strict=True):
            out[i] += g
        left -= sum(got)
        # Largest remainders take the units left, one each, where room remains.
        order = sorted(range(len(free)), key=lambda j: share[j] - int(share[j]), reverse=True)
        for j in order:
            i = free[j]
            if left and out[i] < caps_[i]:
                out[i] += 1
                left -= 1
        free = [i for i in free if out[i] < caps_[i]]
    return out


def split_counts(
    launched: int,
    neutralized: int,
    mix: Sequence[tuple[int, int]],
    fallback: Sequence[float] | None = None,
) -> list[tuple[int, int]]:
    """Split a combined row: (launched, neutralized) per type from each type's record.

    ``mix`` holds each type's (launched, neutralized) in the single-type rows of the window.
    Launches go in proportion to the types' launches there (equal shares where none);
    neutralized in proportion to each type's launches times its neutralized share there (half
    a weapon added to each count; ``fallback[j]``, its class's share, where the type has no
    record), capped at the type's launches.
    """
    weights = [float(n) for n, _ in mix]
    parts = apportion(launched, weights if sum(weights) > 0 else [1.0] * len(mix))
    own = neutralized / launched if launched else 0.5
    back = list(fallback) if fallback is not None else [own] * len(mix)
    rates = [(y + 0.5) / (n + 1.0) if n else f for (n, y), f in zip(mix, back, strict=True)]
    kills = apportion(neutralized, [p * r for p, r in zip(parts, rates, strict=True)], parts)
    return list(zip(parts, kills, strict=True))


def _totals(rows: Iterable[ReportRow]) -> tuple[int, int]:
    n = y = 0
    for r in rows:
        n += r.launched
        y += r.neutralized
    return n, y


def parse_reports(
    rows: Iterable[Mapping[str, str]], catalogue: ThreatCatalogue, where: str = "reports"
) -> list[ReportRow]:
    """Tidy rows from the reports' CSV rows; rows without counts are skipped, combined labels
    split by type (rule: :func:`split_counts`, the window: :data:`SPLIT_WINDOW_DAYS`)."""
    plain: list[ReportRow] = []
    combined: list[tuple[date, str, int, int]] = []
    for line, r in enumerate(rows, start=2):
        launched = _int(r.get("launched", ""))
        destroyed = _int(r.get("destroyed", ""))
        lost = _int(r.get("not_reach_goal", "")) or 0
        if not launched or destroyed is None:
            continue
        stamp = (r.get("time_end") or r.get("time_start") or "").strip()[:10]
        try:
            day = date.fromisoformat(stamp)
        except ValueError:
            raise InputError(
                [Problem(where=where, line=line, reason=f"bad date {stamp!r}")]
            ) from None
        model = r["model"].strip()
        neutralized = min(destroyed + lost, launched)
        if model in catalogue.labels:
            combined.append((day, model, launched, neutralized))
            continue
        if model not in catalogue:
            catalogue.resolve([model], where=f"{where}:{line}")
        t = catalogue[model]
        plain.append(ReportRow(day, model, t.engagement, launched, neutralized, t.weapon_class))
    out = list(plain)
    for day, label, launched, neutralized in combined:
        since = day - timedelta(days=SPLIT_WINDOW_DAYS)
        parts = catalogue.labels[label]
        window = [r for r in plain if since < r.day <= day]
        mix = [_totals(r for r in window if r.model == p) for p in parts]
        own = neutralized / launched
        fallback = []
        for p in parts:
            n, y = _totals(r for r in window if r.weapon_class == catalogue[p].weapon_class)
            fallback.append((y + 0.5) / (n + 1.0) if n else own)
        split = split_counts(launched, neutralized, mix, fallback)
        for p, (n, y) in zip(parts, split, strict=True):
            if n:
                t = catalogue[p]
                out.append(ReportRow(day, p, t.engagement, n, y, t.weapon_class, label))
    out.sort(key=lambda r: r.day)
    return out


def load_reports() -> tuple[ReportRow, ...]:
    """The national reports in use as tidy rows, combined labels split by type: the user's
    imported copy where there is one (``guarantor data import-reports``), else the packaged."""
    return _load_reports(copy_key(REPORTS))


@cache
def _load_reports(copy: tuple[str, str, int, int]) -> tuple[ReportRow, ...]:
    path = Path(copy[1])
    return tuple(parse_reports(read_rows(path), load_threats(), where=path.name))
