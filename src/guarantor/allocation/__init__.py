"""What the next billion buys: spending options as scenario inputs, the models' response to
money, and the allocation that does the most for the guarantee."""

from guarantor.allocation.allocate import AllocationResult, FrontierPoint, UseAllocation, allocate
from guarantor.allocation.portfolio import Budget, Tranche, apply_portfolio
from guarantor.allocation.reference import UseSpec, load_context, load_settings, load_uses
from guarantor.allocation.response import Evaluation, Objective, PipelineResponse
from guarantor.allocation.run import run_allocation

__all__ = [
    "AllocationResult",
    "Budget",
    "Evaluation",
    "FrontierPoint",
    "Objective",
    "PipelineResponse",
    "Tranche",
    "UseAllocation",
    "UseSpec",
    "allocate",
    "apply_portfolio",
    "load_context",
    "load_settings",
    "load_uses",
    "run_allocation",
]
