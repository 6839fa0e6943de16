"""The county duty team's web console (值班控制台): server-rendered pages over the services' HTTP
APIs, read with the logged-in user's own bearer token. It imports nothing of the services or the
event store: it is deployed on its own and talks HTTP only."""

from __future__ import annotations

from .app import create_app
from .config import Settings

__all__ = ["Settings", "create_app"]
