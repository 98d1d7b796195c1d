"""Part files built without pandas, and the values a sweep is checked with before it runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from guarantor.errors import InputError
from guarantor.model import Scenario
from guarantor.sweep import plan_sweep
from guarantor.sweep.design import parse_param
from guarantor.sweep.store import PartWriter, column_array

COLUMNS: dict[str, list[Any]] = {
    "int": [1, None, -5, 2**62, 0],
    "float": [1.5, None, float("inf"), 3, 0.0, -2.25],
    "bool": [True, None, False, True, True, False, True, False, True, None],
    "str": ["a", None, "", "ünï ✓", "x" * 100],
}


@pytest.mark.parametrize("kind", sorted(COLUMNS))
def test_columns_equal_pyarrows_own_conversion(kind: str) -> None:
    values = COLUMNS[kind]
    ours = column_array(values, kind)
    ours.validate(full=True)
    assert ours.equals(pa.array(values, type=ours.type))


def test_values_of_another_kind_convert_as_before() -> None:
    assert column_array([1.5, None], "int").equals(pa.array([1.5, None], type=pa.int64()))
    with pytest.raises((pa.ArrowInvalid, pa.ArrowTypeError, TypeError)):
        column_array(["x"], "int")


def test_writing_parts_does_not_import_pandas(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from guarantor.sweep.store import PartWriter\n"
        "w = PartWriter(Path(sys.argv[1]), {'point': 'int', 'x': 'float', 'ok': 'bool', "
        "'error': 'str'}, 2)\n"
        "w.add({'point': 0, 'x': 1.5, 'ok': True, 'error': None})\n"
        "w.add({'point': 1, 'x': None, 'ok': False, 'error': 'bad'})\n"
        "print('pandas' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
    [part] = (tmp_path / "rows").iterdir()
    assert pq.read_table(part).to_pylist() == [
        {"point": 0, "x": 1.5, "ok": True, "error": None},
        {"point": 1, "x": None, "ok": False, "error": "bad"},
    ]


def test_part_writer_keeps_the_schema(tmp_path: Path) -> None:
    w = PartWriter(tmp_path, {"point": "int", "status": "str"}, 10)
    w.add({"point": 3})
    w.flush()
    [part] = (tmp_path / "rows").iterdir()
    table = pq.read_table(part)
    assert table.schema.field("status").type == pa.string()
    assert table.to_pylist() == [{"point": 3, "status": None}]


def test_ranges_are_checked_at_their_ends(default_scenario: Scenario) -> None:
    data = default_scenario.model_dump(mode="json")
    ranged = parse_param("threat.tempo.mean_drones=100:700:200", data, "grid")
    assert ranged.ranged and ranged.probes == (100.0, 700.0) and len(ranged.values) == 200
    listed = parse_param("pledges[GBR-armd-bde].quantity=1,2,4", data, "grid")
    assert not listed.ranged and listed.probes == (1, 2, 4)
    with pytest.raises(InputError, match="-1 makes the scenario invalid"):
        plan_sweep(default_scenario, ["pledges[GBR-armd-bde].quantity=-1:5:7"])
    with pytest.raises(InputError, match="0 makes the scenario invalid"):
        plan_sweep(default_scenario, ["pledges[GBR-armd-bde].quantity=1,0,2"])
