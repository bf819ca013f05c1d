"""Who is asking, and what they may see.

Until API keys arrive, a process serves one tenant and knows one privileged caller: whoever
presents ``RANKED_ADMIN_TOKEN`` as ``Authorization: Bearer <token>`` (on HTTP requests and on
the websocket's upgrade request). Admins define metrics, leaderboards and calendar periods,
and see PRIVATE leaderboards. TENANT and PUBLIC leaderboards are seen by every caller of the
tenant's endpoint. Without a configured token every caller is an admin: the embedded first
run needs no set-up, and a deployment that wants protection sets the token.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from pydantic import SecretStr

from app.errors import Forbidden, Unauthenticated
from app.leaderboards.models import Visibility

SCHEME = "bearer"


@dataclass(frozen=True, slots=True)
class Caller:
    admin: bool
    presented: bool  # a token was given (a wrong one is FORBIDDEN, none UNAUTHENTICATED)


def caller(token: SecretStr | None, authorization: str | None) -> Caller:
    """The caller presenting ``authorization`` (a header value) to a service with ``token``."""
    scheme, _, given = (authorization or "").strip().partition(" ")
    presented = scheme.lower() == SCHEME and bool(given.strip())
    if token is None:
        return Caller(admin=True, presented=presented)
    expected = token.get_secret_value().encode()
    admin = presented and hmac.compare_digest(given.strip().encode(), expected)
    return Caller(admin=admin, presented=presented)


def require_admin(who: Caller) -> None:
    if who.admin:
        return
    if who.presented:
        raise Forbidden("This token may not change definitions.")
    raise Unauthenticated("Changing definitions needs the admin token (Authorization: Bearer).")


def can_see(who: Caller, visibility: Visibility) -> bool:
    """PRIVATE boards are for admins; TENANT and PUBLIC ones for every caller of the tenant
    (until API keys tell tenants' callers apart, they are the same callers)."""
    return who.admin or visibility != Visibility.PRIVATE
