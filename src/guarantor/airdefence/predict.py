"""Out-of-sample prediction of later raids from the reports up to a history date."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np

from guarantor.airdefence.calibrate import CalibratedEffectiveness, Calibration
from guarantor.airdefence.defence import Defence
from guarantor.airdefence.raid import simulate_weapons
from guarantor.airdefence.threats import ThreatCatalogue, load_threats
from guarantor.errors import InputError, Problem

RAIDS_HEADER = ("raid_id", "date", "model", "launched")


@dataclass(frozen=True)
class RaidRow:
    """One input row: a raid's launches of one weapon model."""

    raid_id: str
    day: date
    model: str
    launched: int


def parse_weapons(text: str) -> list[tuple[str, int]]:
    """``"MODEL=N,MODEL=N"`` into (model, count) pairs; names may contain spaces and slashes."""
    items: list[tuple[str, int]] = []
    for part in (p for p in text.split(",") if p.strip()):
        name, sep, count = part.rpartition("=")
        try:
            n = int(count.strip())
            if not sep or not name.strip() or n < 0:
                raise ValueError
        except ValueError:
            raise InputError(
                [Problem(where="--weapons", reason=f"expected MODEL=COUNT, got {part.strip()!r}")]
            ) from None
        items.append((name.strip(), n))
    if not items:
        raise InputError([Problem(where="--weapons", reason="no weapons given")])
    return items


def parse_raid_rows(
    rows: Iterable[Mapping[str, str]],
    header: Iterable[str],
    until: date,
    catalogue: ThreatCatalogue,
    where: str,
) -> list[RaidRow]:
    """Validated rows: header, dates after the history date, known models, counts >= 0."""
    missing = [h for h in RAIDS_HEADER if h not in list(header)]
    if missing:
        raise InputError(
            [
                Problem(
                    where=where,
                    line=1,
                    reason=f"header needs {','.join(RAIDS_HEADER)}; missing {', '.join(missing)}",
                )
            ]
        )
    out: list[RaidRow] = []
    problems: list[Problem] = []
    dates: dict[str, date] = {}
    for line, r in enumerate(rows, start=2):
        rid = (r.get("raid_id") or "").strip()
        model = (r.get("model") or "").strip()
        try:
            day = date.fromisoformat((r.get("date") or "").strip())
        except ValueError:
            problems.append(Problem(where=where, line=line, reason=f"bad date {r.get('date')!r}"))
            continue
        try:
            launched = int((r.get("launched") or "").strip())
            if launched < 0:
                raise ValueError
        except ValueError:
            problems.append(
                Problem(
                    where=where,
                    line=line,
                    reason=f"launched must be a count, got {r.get('launched')!r}",
                )
            )
            continue
        if not rid:
            problems.append(Problem(where=where, line=line, reason="empty raid_id"))
            continue
        if day <= until:
            problems.append(
                Problem(
                    where=where,
                    line=line,
                    reason=f"date {day} is not after the history date {until}",
                )
            )
        if dates.setdefault(rid, day) != day:
            problems.append(Problem(where=where, line=line, reason=f"raid {rid!r} has two dates"))
        try:
            catalogue.resolve([model], where=f"{where}:{line}")
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        out.append(RaidRow(rid, day, model, launched))
    if problems:
        raise InputError(problems)
    if not out:
        raise InputError([Problem(where=where, reason="no raids in the file")])
    return out


def predict_raids(
    rows: list[RaidRow],
    calibration: Calibration,
    baseline: Defence,
    trials: int,
    seed: int,
    catalogue: ThreatCatalogue | None = None,
) -> dict[str, object]:
    """One prediction per input row, each raid simulated against the calibrated defence."""
    catalogue = catalogue or load_threats()
    raids: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        raids.setdefault(r.raid_id, []).append(i)
    children = np.random.SeedSequence(seed).spawn(len(raids))
    preds: list[dict[str, object] | None] = [None] * len(rows)
    for child, (_, idx) in zip(children, raids.items(), strict=True):
        items = [(rows[i].model, rows[i].launched) for i in idx]
        eff = CalibratedEffectiveness(calibration, rows[idx[0]].day, baseline, catalogue)
        res = simulate_weapons(baseline, items, trials, child, eff, catalogue)
        for j, i in enumerate(idx):
            n = res.neutralized[:, j]
            preds[i] = {
                "raid_id": rows[i].raid_id,
                "date": rows[i].day.isoformat(),
                "model": rows[i].model,
                "launched": rows[i].launched,
                "neutralized_mean": float(n.mean()),
                "neutralized_p05": float(np.quantile(n, 0.05)),
                "neutralized_p95": float(np.quantile(n, 0.95)),
            }
    return {
        "history_until": calibration.until.isoformat(),
        "trials": trials,
        "seed": seed,
        "predictions": preds,
    }
