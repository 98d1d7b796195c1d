"""One registry of model kinds: how the assessment, the sweeps and the web app call a model.

A :class:`ModelKind` bundles everything a shell needs to run one model on a scenario:

- ``params``: a pydantic model (``extra="forbid"``) of its parameters, with a ``whatif``
  (:class:`~guarantor.model.WhatIf`, empty by default) and, where the model draws random
  numbers, a ``seed``;
- ``run(scenario, params, progress) -> result``: the model, reached through the assessment
  pipeline (:func:`~guarantor.assessment.pipeline.run_pipeline` or
  :func:`~guarantor.assessment.assess`), so that the same scenario, what-if, seed and sizes
  give the same numbers as ``assess`` (each model draws from its named stream of the seed
  tree, :mod:`guarantor.seeds`);
- ``columns(scenario)`` and ``row(result)``: its sweep outputs, one flat row a point;
- ``to_json(result)``: its result as plain JSON values.

Kinds: ``source`` (alias ``sourcing``), ``raid``, ``campaign``, ``ground``, ``deter``,
``assess`` (alias ``assessment``) and ``summary`` (no model; web only)::

    kind = get_kind("raid")
    result = kind(scenario, {"trials": 2000, "seed": 7, "whatif": {"without": ["FRA"]}})
    kind.row(result), kind.to_json(result)

Progress callbacks take ``(fraction, message)`` (:mod:`guarantor.progress`), as everywhere.
"""

from __future__ import annotations

from guarantor.assessment.pipeline import Progress
from guarantor.kinds.air import CampaignParams, RaidParams, RaidRun
from guarantor.kinds.assessment import AssessParams, GroundParams
from guarantor.kinds.base import KindParams, ModelKind, Row, params_problems
from guarantor.kinds.force import DeployParams, SourceParams, SummaryParams
from guarantor.kinds.registry import KINDS, get_kind, kind_names

__all__ = [
    "KINDS",
    "AssessParams",
    "CampaignParams",
    "DeployParams",
    "GroundParams",
    "KindParams",
    "ModelKind",
    "Progress",
    "RaidParams",
    "RaidRun",
    "Row",
    "SourceParams",
    "SummaryParams",
    "get_kind",
    "kind_names",
    "params_problems",
]
