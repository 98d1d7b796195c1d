"""The threat catalogue: every weapon model the Air Force reports name, with its class and cost."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from guarantor.data import read_toml
from guarantor.errors import InputError, Problem
from guarantor.model import Provenance

#: Columns of the layers' kill-probability tables; each threat class engages as one of them.
ENGAGEMENT_CLASSES: tuple[str, ...] = ("drone", "cruise", "ballistic", "sam", "bomb")


@dataclass(frozen=True)
class ThreatClass:
    """A class of threat and the engagement column it uses."""

    id: str
    name: str
    engagement: str


@dataclass(frozen=True)
class Threat:
    """One weapon model (or a combined label the reports use) and what the engagement needs."""

    model: str
    threat_class: ThreatClass
    speed: str
    altitude: str
    manoeuvre: str
    unit_cost_usd: float
    provenance: Provenance
    components: tuple[str, ...] = ()
    decoy_share: float = 0.0
    decoy_cost_usd: float = 0.0

    @property
    def engagement(self) -> str:
        """The engagement class (column of the Pk tables)."""
        return self.threat_class.engagement

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready record."""
        return {
            "model": self.model,
            "class": self.threat_class.id,
            "engagement": self.engagement,
            "components": list(self.components),
            "speed": self.speed,
            "altitude": self.altitude,
            "manoeuvre": self.manoeuvre,
            "unit_cost_usd": self.unit_cost_usd,
            "decoy_share": self.decoy_share,
            "decoy_cost_usd": self.decoy_cost_usd,
            "provenance": self.provenance.model_dump(mode="json"),
        }


@dataclass(frozen=True)
class ThreatCatalogue:
    """Threats by model name, with the decoy assumption's provenance."""

    threats: Mapping[str, Threat]
    classes: Mapping[str, ThreatClass]
    decoy_provenance: Provenance

    def __getitem__(self, model: str) -> Threat:
        return self.threats[model]

    def __contains__(self, model: object) -> bool:
        return model in self.threats

    def resolve(self, models: Iterable[str], where: str = "weapons") -> list[Threat]:
        """The threats for these names; an unknown name raises InputError with the closest names."""
        problems: list[Problem] = []
        found: list[Threat] = []
        for m in models:
            if m in self.threats:
                found.append(self.threats[m])
                continue
            close = difflib.get_close_matches(m, list(self.threats), n=5, cutoff=0.4)
            hint = f"; closest known: {', '.join(close)}" if close else ""
            problems.append(Problem(where=where, reason=f"unknown weapon model {m!r}{hint}"))
        if problems:
            raise InputError(problems)
        return found


@cache
def load_threats() -> ThreatCatalogue:
    """The packaged catalogue (``data/airdefence/threats.toml``)."""
    raw = read_toml("airdefence", "threats.toml")
    classes = {
        cid: ThreatClass(id=cid, name=c["name"], engagement=c["engagement"])
        for cid, c in raw["class"].items()
    }
    for c in classes.values():
        if c.engagement not in ENGAGEMENT_CLASSES:
            raise ValueError(f"threat class {c.id}: unknown engagement {c.engagement!r}")
    decoys = raw["decoys"]
    threats: dict[str, Threat] = {}
    for model, t in raw["model"].items():
        is_decoy_carrier = model == decoys["model"]
        threats[model] = Threat(
            model=model,
            threat_class=classes[t["class"]],
            speed=t["speed"],
            altitude=t["altitude"],
            manoeuvre=t["manoeuvre"],
            unit_cost_usd=float(t["unit_cost_usd"]),
            provenance=Provenance(**t["provenance"]),
            components=tuple(t.get("components", ())),
            decoy_share=float(decoys["share"]) if is_decoy_carrier else 0.0,
            decoy_cost_usd=float(decoys["unit_cost_usd"]) if is_decoy_carrier else 0.0,
        )
    return ThreatCatalogue(threats, classes, Provenance(**decoys["provenance"]))
