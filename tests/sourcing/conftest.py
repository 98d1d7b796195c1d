"""Small scenarios for the sourcing tests, built on the bundled scenario's other sections."""

from __future__ import annotations

from typing import Any

import pytest

from guarantor.model import (
    Caveats,
    Contributor,
    MissionSet,
    Pledge,
    Provenance,
    Requirement,
    Scenario,
    Sustainment,
    Zone,
)
from guarantor.scenarios import load_scenario

PROV = Provenance(source="test", date="2026", confidence="low", assumption=True)


def pledge(pid: str, nation: str, capability: str, quantity: int = 1, **kw: Any) -> Pledge:
    """A pledge with test defaults (ready at once, anywhere, no caveats)."""
    kw.setdefault("readiness_days", 0)
    kw.setdefault("caveats", Caveats())
    kw.setdefault("sustainment", Sustainment())
    return Pledge(
        id=pid, nation=nation, capability=capability, quantity=quantity, provenance=PROV, **kw
    )


def requirement(rid: str, cls: str, quantity: int = 1, **kw: Any) -> Requirement:
    """A requirement with test defaults (western Ukraine, day 30, priority 3)."""
    kw.setdefault("zone", Zone.WEST)
    kw.setdefault("phase_start_day", 30)
    kw.setdefault("mission_set", MissionSet.LAND_REASSURANCE)
    return Requirement(id=rid, capability_class=cls, quantity=quantity, provenance=PROV, **kw)


def make(
    pledges: list[Pledge],
    requirements: list[Requirement],
    contributors: list[Contributor] | None = None,
    **update: Any,
) -> Scenario:
    """A scenario holding only these pledges and requirements."""
    base = load_scenario("mnf-u-2026-01")
    codes = sorted({p.nation for p in pledges} | {"GBR"})
    update.setdefault("parliamentary_approval_day", 0)
    return base.model_copy(
        update={
            "contributors": contributors or [Contributor(code=c) for c in codes],
            "pledges": pledges,
            "requirements": requirements,
            **update,
        }
    )


@pytest.fixture(scope="session")
def bundled() -> Scenario:
    return load_scenario("mnf-u-2026-01")
