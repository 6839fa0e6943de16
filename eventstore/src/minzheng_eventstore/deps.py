"""FastAPI dependencies every service's routers use.

    @router.post("/households/{hid}/notice")
    async def notice(hid: UUID, ctx: Ctx, actor: Annotated[Actor, permit("household.notice")]): ...

``Ctx`` is the service's context; the caller comes from ``access.permit``, the one place where a
caller is identified (a verified bearer token) and its permission checked.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from .context import ServiceContext


def _context(request: Request) -> ServiceContext:
    context: ServiceContext = request.app.state.context
    return context


Ctx = Annotated[ServiceContext, Depends(_context)]
