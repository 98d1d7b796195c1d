"""The shared web app: REST API (OpenAPI 3), pages with local assets, and background runs."""

from guarantor.web.app import create_app, ensure_data

__all__ = ["create_app", "ensure_data"]
