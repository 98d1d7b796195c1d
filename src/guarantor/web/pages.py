"""HTML pages: shells rendered with Jinja2; their data comes from the API with the user's token.

Each page gets the vocabulary its forms offer (zones, roles, statuses, ...) as a JSON data
block, read by the page's script (a data block is not executed, so the strict CSP holds).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from guarantor import __version__

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
router = APIRouter(include_in_schema=False)

#: Path -> (template, title, the scripts it loads besides app.js).
PAGES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "/": ("dashboard.html", "Dashboard", ()),
    "/pledges": ("pledges.html", "Pledges", ()),
    "/scenarios": ("scenarios.html", "Scenarios", ("forms.js",)),
    "/scenario": ("scenario.html", "Scenario", ("sections.js",)),
    "/runs": ("runs.html", "Runs", ("forms.js",)),
}


@cache
def choices() -> dict[str, Any]:
    """The values the forms offer, from the models' own enumerations."""
    from guarantor.data import load_capabilities
    from guarantor.model import CommitmentForm, PledgeStatus, USRole
    from guarantor.model.capabilities import AirDefenceLayer
    from guarantor.model.pledges import Condition
    from guarantor.model.provenance import Confidence
    from guarantor.model.zones import MissionSet, Role, Zone
    from guarantor.sourcing.options import LIFTABLE

    def values(enum: Any) -> list[str]:
        return [e.value for e in enum]

    return {
        "zones": values(Zone),
        "roles": values(Role),
        "conditions": values(Condition),
        "statuses": values(PledgeStatus),
        "confidence": values(Confidence),
        "mission_sets": values(MissionSet),
        "layers": values(AirDefenceLayer),
        "us_roles": values(USRole),
        "commitments": values(CommitmentForm),
        "terrains": ["open", "mixed", "urban", "forest", "river"],
        "site_kinds": ["hub", "base", "hq"],
        "modes": ["rotational", "one-tour"],
        "lifts": list(LIFTABLE),
        "classes": sorted({c.capability_class for c in load_capabilities().values()}),
    }


def _page(template: str, title: str, scripts: tuple[str, ...]) -> Callable[[Request], HTMLResponse]:
    def render(request: Request) -> HTMLResponse:
        context = {
            "title": title,
            "version": __version__,
            "pages": PAGES,
            "scripts": scripts,
            "choices": choices(),
        }
        return templates.TemplateResponse(request, template, context)

    render.__name__ = f"page_{title.lower()}"
    return render


for _path, (_template, _title, _scripts) in PAGES.items():
    router.add_api_route(
        _path, _page(_template, _title, _scripts), methods=["GET"], response_class=HTMLResponse
    )
