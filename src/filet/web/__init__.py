"""The web app: REST API (``filet.web.api``), web UI (``filet.web.ui``), authorisation and audit."""

from filet.web.app import create_app

__all__ = ["create_app"]
