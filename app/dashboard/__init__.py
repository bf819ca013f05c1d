"""The live dashboard: a page of static files the app serves at ``/dashboard``.

It is a client of the public GraphQL API only (queries over HTTP, subscriptions over
graphql-transport-ws), with no build step and nothing loaded from elsewhere: the page's
Content-Security-Policy allows this origin alone. What it shows, and how it is tested, is in
the README's "Live dashboard" section.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
PAGE = STATIC / "index.html"


def _policy(request: Request) -> str:
    """This origin only, its websockets included (older browsers do not count ws: as
    'self')."""
    host = request.headers.get("host", "")
    sockets = f" ws://{host} wss://{host}" if host.isprintable() and " " not in host else ""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        f" connect-src 'self'{sockets}; base-uri 'none'; form-action 'self';"
        " frame-ancestors 'none'"
    )


async def page(request: Request) -> Response:
    """The page, for ``/dashboard`` and ``/dashboard/{leaderboard}`` alike (the script
    reads the board from the address)."""
    return HTMLResponse(
        PAGE.read_text(encoding="utf-8"),
        headers={
            "Content-Security-Policy": _policy(request),
            "Cache-Control": "no-cache",
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
        },
    )


async def to_page(request: Request) -> Response:
    return RedirectResponse("/dashboard", status_code=308)


def dashboard_routes() -> list[BaseRoute]:
    return [
        Route("/dashboard", page, methods=["GET"]),
        Route("/dashboard/", to_page, methods=["GET"]),
        # (beside /dashboard/, not in it, so that no board's key is ever shadowed)
        Mount("/dashboard-assets", StaticFiles(directory=STATIC), name="dashboard"),
        Route("/dashboard/{leaderboard:str}", page, methods=["GET"]),
    ]
