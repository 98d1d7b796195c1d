"""HTML pages: shells rendered with Jinja2; their data comes from the API with the user's token."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from guarantor import __version__

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
router = APIRouter(include_in_schema=False)

PAGES = {
    "/": ("dashboard.html", "Dashboard"),
    "/pledges": ("pledges.html", "Pledges"),
    "/scenarios": ("scenarios.html", "Scenarios"),
    "/runs": ("runs.html", "Runs"),
}


def _page(template: str, title: str) -> Callable[[Request], HTMLResponse]:
    def render(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(
            request, template, {"title": title, "version": __version__, "pages": PAGES}
        )

    render.__name__ = f"page_{title.lower()}"
    return render


for _path, (_template, _title) in PAGES.items():
    router.add_api_route(
        _path, _page(_template, _title), methods=["GET"], response_class=HTMLResponse
    )
