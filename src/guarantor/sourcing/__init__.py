"""Force generation and sustainment: the arithmetic of keeping a force deployed, and the
optimiser that matches national pledges, with their caveats, to the force's requirements."""

from guarantor.sourcing.options import LIFTABLE, SourcingOptions
from guarantor.sourcing.result import SourcingDiff, SourcingResult
from guarantor.sourcing.run import compare, source
from guarantor.sourcing.sustainment import (
    AirSustainment,
    LandSustainment,
    SeaSustainment,
    sustain_cap,
    sustain_land,
    sustain_ships,
    sustainment_defaults,
)

__all__ = [
    "LIFTABLE",
    "AirSustainment",
    "LandSustainment",
    "SeaSustainment",
    "SourcingDiff",
    "SourcingOptions",
    "SourcingResult",
    "compare",
    "source",
    "sustain_cap",
    "sustain_land",
    "sustain_ships",
    "sustainment_defaults",
]
