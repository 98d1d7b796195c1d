"""guarantor: plan and stress-test a multinational security guarantee for Ukraine.

The package is organised as pure models (``guarantor.model`` and the model packages) with
thin shells around them (CLI, web app, report, sweeps). Data flows one way: scenario file or
store -> validated :class:`~guarantor.model.Scenario` -> models -> results.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from guarantor.assessment import Assessment
    from guarantor.model import Scenario, WhatIf

#: The release; pyproject.toml reads it from here (importlib.metadata costs 30 ms at start).
__version__ = "0.1.0"

__all__ = ["__version__", "assess"]


def assess(
    scenario: Scenario | str | Path,
    seed: int = 0,
    whatif: WhatIf | dict[str, Any] | None = None,
    **options: Any,
) -> Assessment:
    """Assess a scenario (a :class:`~guarantor.model.Scenario`, a bundled name or a path).

    ``whatif`` (a :class:`~guarantor.model.WhatIf` or its fields as a dict, e.g.
    ``{"without": ["GBR"]}``) is applied to the whole pipeline and the base case is assessed
    beside it; ``options`` are :class:`~guarantor.assessment.AssessOptions` fields. The same
    result ``guarantor assess`` writes as assessment.json. Imported lazily so that
    ``import guarantor`` stays fast.
    """
    from guarantor.assessment import AssessOptions
    from guarantor.assessment import assess as _assess
    from guarantor.model import Scenario, WhatIf
    from guarantor.scenarios import load_scenario

    sc = scenario if isinstance(scenario, Scenario) else load_scenario(str(scenario))
    w = WhatIf.model_validate(whatif) if isinstance(whatif, dict) else whatif
    return _assess(sc, seed=seed, options=AssessOptions(**options), whatif=w)
