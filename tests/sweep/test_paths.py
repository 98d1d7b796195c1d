"""Parameter paths: fields, list entries by index and id, table keys, and clear errors."""

from __future__ import annotations

import pytest

from guarantor.errors import InputError
from guarantor.model import Scenario
from guarantor.sweep.paths import parse_path, parse_scalar, resolve
from guarantor.sweep.point_runners import apply_values


@pytest.fixture(scope="module")
def data(default_scenario: Scenario) -> dict[str, object]:
    return default_scenario.model_dump(mode="json")


def test_fields_and_kinds(data: dict[str, object]) -> None:
    assert resolve(data, "threat.tempo.mean_drones").kind == "float"
    assert resolve(data, "ukraine.personnel").kind == "int"
    assert resolve(data, "us_role").kind == "str"
    assert resolve(data, "ceasefire").kind == "bool"


def test_selectors(default_scenario: Scenario, data: dict[str, object]) -> None:
    r = resolve(data, "pledges[GBR-armd-bde].quantity")
    idx = next(i for i, p in enumerate(default_scenario.pledges) if p.id == "GBR-armd-bde")
    assert r.steps == ("pledges", idx, "quantity")
    axis = default_scenario.front.axes[1]
    by_name = resolve(data, f"front.axes[{axis.name}].ukrainian_brigades")
    by_index = resolve(data, "front.axes[1].ukrainian_brigades")
    assert by_name.steps == by_index.steps
    assert by_name.current == axis.ukrainian_brigades
    assert resolve(data, "contributors[FRA].max_personnel").current == 6000
    raid = default_scenario.threat.raids[0]
    weapon = next(iter(raid.weapons))
    assert (
        resolve(data, f"threat.raids[{raid.name}].weapons[{weapon}]").current
        == (raid.weapons[weapon])
    )


@pytest.mark.parametrize(
    ("path", "needle"),
    [
        ("threat.tempo.nope", "no field 'nope' in threat.tempo"),
        ("nope", "no field 'nope'"),
        ("pledges[XX-none].quantity", "no entry 'XX-none' in pledges"),
        ("front.axes[99].length_km", "index 99 out of range"),
        ("threat.tempo", "is a table"),
        ("pledges", "is a list"),
        ("us_role[0]", "is a value"),
        ("threat..tempo", "malformed"),
    ],
)
def test_bad_paths_name_the_problem(data: dict[str, object], path: str, needle: str) -> None:
    with pytest.raises(InputError) as err:
        resolve(data, path)
    assert needle in str(err.value)


def test_parse_path_keeps_dots_inside_selectors() -> None:
    assert parse_path("a[x.y].b") == [("a", ["x.y"]), ("b", [])]


def test_scalars() -> None:
    assert parse_scalar("3", "int", "p") == 3
    assert parse_scalar("3.0", "int", "p") == 3
    assert parse_scalar("yes", "bool", "p") is True
    with pytest.raises(InputError):
        parse_scalar("3.5", "int", "p")
    with pytest.raises(InputError):
        parse_scalar("many", "float", "p")


def test_apply_values_revalidates(default_scenario: Scenario, data: dict[str, object]) -> None:
    sc = apply_values(data, {"ukraine.personnel": 500000, "us_role": "none"})
    assert sc.ukraine.personnel == 500000 and sc.us_role.value == "none"
    assert default_scenario.ukraine.personnel != 500000  # the base is untouched
    with pytest.raises(InputError, match="quantity"):
        apply_values(data, {"pledges[GBR-armd-bde].quantity": -2})
    with pytest.raises(InputError, match="us_role"):
        apply_values(data, {"us_role": "everything"})
