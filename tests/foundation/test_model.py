"""Domain-model validation: the rules a pydantic type enforces on its own."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from guarantor.model import (
    Caveats,
    ContributorKind,
    Figure,
    Nation,
    Pledge,
    Provenance,
    Role,
    Zone,
)

PROV = Provenance(source="test", date="2025-09", confidence="low", assumption=True)


def test_provenance_date_formats() -> None:
    for good in ("2025", "2025-09", "2025-09-04"):
        assert Provenance(source="s", date=good, confidence="high").date == good
    with pytest.raises(ValidationError):
        Provenance(source="s", date="Sept 2025", confidence="high")
    with pytest.raises(ValidationError):
        Provenance(source="s", date="2025", confidence="certain")


def test_organisation_has_no_gdp_share() -> None:
    gdp = Figure(value=1e12, unit="USD", year=2023, provenance=PROV)
    with pytest.raises(ValidationError, match="no GDP share"):
        Nation(code="NATO-CS", name="NATO", kind=ContributorKind.ORGANISATION, gdp_usd=gdp)
    org = Nation(code="NATO-CS", name="NATO", kind=ContributorKind.ORGANISATION)
    assert not org.is_state


def test_state_needs_iso3() -> None:
    with pytest.raises(ValidationError, match="ISO3"):
        Nation(code="GB", name="United Kingdom")


def test_caveats_reject_impossible_sets() -> None:
    with pytest.raises(ValidationError, match="at least one zone"):
        Caveats(zones=[])
    every_role = [r for r in Role if r is not Role.COMBAT]
    with pytest.raises(ValidationError, match="every role"):
        Caveats(excluded_roles=every_role)
    assert Caveats(zones=[Zone.WEST, Zone.WEST]).zones == [Zone.WEST]


def test_pledge_quantity_and_extra_fields() -> None:
    base = dict(id="p1", nation="GBR", capability="frigate", quantity=1, provenance=PROV)
    assert Pledge.model_validate(base).status == "announced"
    with pytest.raises(ValidationError):
        Pledge.model_validate({**base, "quantity": 0})
    with pytest.raises(ValidationError, match="Extra inputs"):
        Pledge.model_validate({**base, "colour": "blue"})
