"""The HTTP API of marriage, divorce and death registration (婚姻登记 · 离婚 · 死亡登记), one router
of the area's three: ``http_marriages`` (marriages, certificates, marital status),
``http_divorce`` (the art. 1077 procedure) and ``http_deaths``; the models are in ``models``.

Every input is bounded; refusals come from the domain (422 a rule, 409 the state, 404 unknown),
never a 500. Every route declares its one permission; the caller's division bounds what it reaches
(the office of a registration: 403 ``outside_jurisdiction``; lists filtered). Resident IDs are shown
in full only to the roles of ``adapters.common.FULL_ID_ROLES``, masked to other roles.
"""

from __future__ import annotations

from fastapi import APIRouter

from . import http_deaths, http_divorce, http_marriages

router = APIRouter()
for _part in (http_marriages, http_divorce, http_deaths):
    router.include_router(_part.router)
