"""``guarantor serve``: the shared web app and REST API on one local server."""

from __future__ import annotations

import typer

from guarantor.cli.common import err_console
from guarantor.store import Store, database_url

DATABASE_HELP = "Database URL (default: GUARANTOR_DATABASE_URL, else the per-user SQLite file)."


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port."),
    database: str = typer.Option(None, "--database", help=DATABASE_HELP),
    workers: int = typer.Option(2, "--job-workers", min=1, max=32, help="Parallel model runs."),
    max_body: int = typer.Option(
        None,
        "--max-body-bytes",
        min=1024,
        max=1024**3,
        help="Largest request body (default: GUARANTOR_MAX_BODY_BYTES, else 1 MB).",
    ),
) -> None:
    """Serve the web app and the API (an empty store first gets the default scenario)."""
    import uvicorn

    from guarantor.web import create_app

    store = Store.open(database)
    app = create_app(store, workers=workers, max_body=max_body)
    shown = database_url(database)
    err_console.print(
        f"guarantor serving {shown if '@' not in shown else '(server)'} on http://{host}:{port}/ "
        "(API described at /openapi.json; add users with `guarantor users add`)",
        markup=False,
    )
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    finally:
        store.close()
