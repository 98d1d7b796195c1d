"""The Air Force's national reports as tidy rows: date, model, launched, neutralized.

Neutralized = destroyed + not_reach_goal (lost to EW or did not reach a target): some reports
fold EW losses into "destroyed", others give them apart (see the dataset's notes).
Source: "Massive Missile Attacks on Ukraine" (Petro Ivaniuk), compiled from the Ukrainian Air
Force Command's posts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache

from guarantor.airdefence.threats import ThreatCatalogue, load_threats
from guarantor.data import read_csv
from guarantor.errors import InputError, Problem

REPORTS_FILE = ("air_attacks", "national_reports_2022-09-28_to_2025-06-30.csv")


@dataclass(frozen=True)
class ReportRow:
    """One report line: a weapon model on one night, launched and neutralized."""

    day: date
    model: str
    engagement: str
    launched: int
    neutralized: int


def _int(value: str) -> int | None:
    value = value.strip()
    return int(float(value)) if value else None


def parse_reports(
    rows: Iterable[Mapping[str, str]], catalogue: ThreatCatalogue, where: str = "reports"
) -> list[ReportRow]:
    """Tidy rows from the reports' CSV rows; rows without counts are skipped."""
    out: list[ReportRow] = []
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
        if model not in catalogue:
            catalogue.resolve([model], where=f"{where}:{line}")
        out.append(
            ReportRow(
                day=day,
                model=model,
                engagement=catalogue[model].engagement,
                launched=launched,
                neutralized=min(destroyed + lost, launched),
            )
        )
    return out


@cache
def load_reports() -> tuple[ReportRow, ...]:
    """The packaged national reports as tidy rows."""
    return tuple(parse_reports(read_csv(*REPORTS_FILE), load_threats(), where=REPORTS_FILE[1]))
