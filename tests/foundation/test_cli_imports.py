"""The command line starts light: importing it, or asking for help, loads no heavy library."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("scipy", "sqlalchemy", "alembic", "dask", "plotly", "fastapi", "pandas", "highspy")


def _loaded(code: str) -> set[str]:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            f"{code}\nimport sys\nprint(' '.join(sys.modules), file=sys.stderr)",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stderr.split()
    return {m.split(".")[0] for m in out}


def test_importing_the_cli_loads_no_heavy_library() -> None:
    assert not _loaded("import guarantor.cli.app") & set(HEAVY)


def test_help_and_version_load_no_heavy_library() -> None:
    for args in (["--help"], ["--version"], ["raid", "--help"], ["store", "--help"]):
        code = (
            "import sys\nfrom guarantor.cli.app import app\n"
            f"sys.argv = ['guarantor', *{args!r}]\n"
            "try:\n    app()\nexcept SystemExit:\n    pass"
        )
        loaded = _loaded(code)
        assert not loaded & {"scipy", "sqlalchemy", "alembic", "dask", "fastapi"}, args
