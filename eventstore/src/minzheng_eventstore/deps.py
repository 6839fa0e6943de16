"""FastAPI dependencies every service's routers use: the context, and the caller.

    @router.post("/households/{hid}/notice")
    async def notice(hid: UUID, ctx: Ctx, actor: CurrentActor) -> HouseholdView: ...

``CurrentActor`` is the one place where a caller is identified. Today that is the official's id in
the ``x-official-id`` header; the identity issue replaces it with a verified bearer token, here and
nowhere else.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from .builder import Actor
from .context import ServiceContext

OFFICIAL_HEADER = "x-official-id"


def _context(request: Request) -> ServiceContext:
    context: ServiceContext = request.app.state.context
    return context


def _actor(
    request: Request,
    official: Annotated[
        str,
        Header(
            alias=OFFICIAL_HEADER,
            min_length=1,
            max_length=100,
            pattern=r"^[^\x00-\x1f\x7f]+$",
            description="The official issuing the command.",
        ),
    ],
) -> Actor:
    return Actor(official, getattr(request.state, "correlation_id", None))


Ctx = Annotated[ServiceContext, Depends(_context)]
CurrentActor = Annotated[Actor, Depends(_actor)]
