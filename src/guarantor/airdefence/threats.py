"""The threat catalogue: every weapon type the Air Force reports name, with its class and cost.

A weapon type belongs to a weapon class (strike drone, jet drone, reconnaissance UAV, cruise,
ballistic, hypersonic, surface-to-air used against the ground, guided bomb); the class names
the engagement column of the layers' kill-probability tables it uses and the family the
calibration pools it with. Combined report labels ("X-101/X-555 and Kalibr") are not weapon
types: the reports' rows under them are split into their types by the catalogue's stated rule
(:mod:`guarantor.airdefence.attack_reports`), and a raid names the types themselves.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from guarantor.data import read_toml
from guarantor.errors import InputError, Problem
from guarantor.frozen import freeze
from guarantor.model import Provenance
from guarantor.params import packaged_where, validated

#: Columns of the layers' kill-probability tables; each weapon class engages as one of them.
ENGAGEMENT_CLASSES: tuple[str, ...] = ("drone", "cruise", "ballistic", "sam", "bomb")
#: Families of weapon classes the calibration pools, and the scores of its validation.
FAMILIES: tuple[str, ...] = ("drone", "missile", "bomb")


@dataclass(frozen=True)
class ThreatClass:
    """A weapon class, the engagement column it uses and the family it is pooled with."""

    id: str
    name: str
    engagement: str
    family: str = "missile"


@dataclass(frozen=True)
class Threat:
    """One weapon type and what the engagement needs."""

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

    @property
    def weapon_class(self) -> str:
        """The weapon class id (what the calibration fits)."""
        return self.threat_class.id

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready record."""
        return {
            "model": self.model,
            "class": self.threat_class.id,
            "family": self.threat_class.family,
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
    """Weapon types by name, combined report labels and their split rule, decoy provenance."""

    threats: Mapping[str, Threat]
    classes: Mapping[str, ThreatClass]
    decoy_provenance: Provenance
    labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    label_rule: str = ""
    label_provenance: Provenance | None = None

    def __getitem__(self, model: str) -> Threat:
        return self.threats[model]

    def __contains__(self, model: object) -> bool:
        return model in self.threats

    def resolve(self, models: Iterable[str], where: str = "weapons") -> list[Threat]:
        """The threats for these names; an unknown name or a combined label raises InputError
        (with the closest names, or the label's types)."""
        problems: list[Problem] = []
        found: list[Threat] = []
        for m in models:
            if m in self.threats:
                found.append(self.threats[m])
                continue
            if m in self.labels:
                types = ", ".join(self.labels[m])
                reason = (
                    f"{m!r} is a combined report label, not a weapon type; name its types: {types}"
                )
                problems.append(Problem(where=where, reason=reason))
                continue
            close = difflib.get_close_matches(m, list(self.threats), n=5, cutoff=0.4)
            hint = f"; closest known: {', '.join(close)}" if close else ""
            problems.append(Problem(where=where, reason=f"unknown weapon model {m!r}{hint}"))
        if problems:
            raise InputError(problems)
        return found

    def to_dict(self) -> dict[str, object]:
        """Types, classes and labels with the split rule (``raid threats --json``)."""
        return {
            "classes": {
                c.id: {"name": c.name, "engagement": c.engagement, "family": c.family}
                for c in self.classes.values()
            },
            "models": [t.to_dict() for t in self.threats.values()],
            "labels": {k: list(v) for k, v in self.labels.items()},
            "label_rule": self.label_rule,
            "label_provenance": None
            if self.label_provenance is None
            else self.label_provenance.model_dump(mode="json"),
        }


@cache
def load_threats() -> ThreatCatalogue:
    """The packaged catalogue (``data/airdefence/threats.toml``), read-only; a bad entry is an
    input error naming the file and the key."""
    raw = read_toml("airdefence", "threats.toml")
    where = packaged_where("airdefence", "threats.toml")
    classes = {
        cid: ThreatClass(
            id=cid, name=c["name"], engagement=c["engagement"], family=c.get("family", "missile")
        )
        for cid, c in raw["class"].items()
    }
    problems: list[Problem] = []
    for c in classes.values():
        if c.engagement not in ENGAGEMENT_CLASSES:
            problems.append(
                Problem(where, f"unknown engagement {c.engagement!r}", path=f"class.{c.id}")
            )
        if c.family not in FAMILIES:
            problems.append(Problem(where, f"unknown family {c.family!r}", path=f"class.{c.id}"))
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
            provenance=validated(Provenance, t["provenance"], where, f"model.{model}.provenance"),
            decoy_share=float(decoys["share"]) if is_decoy_carrier else 0.0,
            decoy_cost_usd=float(decoys["unit_cost_usd"]) if is_decoy_carrier else 0.0,
        )
    labels = {k: tuple(v["components"]) for k, v in raw.get("label", {}).items()}
    for label, parts in labels.items():
        missing = [p for p in parts if p not in threats]
        if missing or label in threats:
            problems.append(
                Problem(where, f"components not catalogued: {missing}", path=f"label.{label}")
            )
    if problems:
        raise InputError(problems)
    rule = raw.get("labels", {})
    return ThreatCatalogue(
        freeze(threats),
        freeze(classes),
        validated(Provenance, decoys["provenance"], where, "decoys.provenance"),
        freeze(labels),
        str(rule.get("rule", "")),
        validated(Provenance, rule["provenance"], where, "labels.provenance")
        if "provenance" in rule
        else None,
    )
