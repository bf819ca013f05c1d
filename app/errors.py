"""The one exception tree of the service.

Every failure a client can see is a :class:`RankedError` subclass; the GraphQL layer maps
``code`` to ``extensions.code`` (see ``app.graphql.errors``). Anything else that escapes a
resolver is a bug and reaches clients as ``INTERNAL`` with a generic message.

    RankedError
      BadUserInput      BAD_USER_INPUT   input failed validation; nothing was changed
      NotFound          NOT_FOUND        the thing named does not exist in this tenant
      Unauthenticated   UNAUTHENTICATED  no or unknown credentials
      Forbidden         FORBIDDEN        credentials lack the scope
      Conflict          CONFLICT         clashes with existing state (duplicate key, reuse)
      RateLimited       RATE_LIMITED     too many requests
      Unavailable       INTERNAL         a backing service is down; retry later
"""

from __future__ import annotations

from typing import Any, ClassVar


class RankedError(Exception):
    """Base of every error a client may see; ``message`` is safe to show."""

    code: ClassVar[str] = "INTERNAL"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = extensions


class BadUserInput(RankedError):
    code = "BAD_USER_INPUT"


class NotFound(RankedError):
    code = "NOT_FOUND"


class Unauthenticated(RankedError):
    code = "UNAUTHENTICATED"


class Forbidden(RankedError):
    code = "FORBIDDEN"


class Conflict(RankedError):
    code = "CONFLICT"


class RateLimited(RankedError):
    code = "RATE_LIMITED"


class Unavailable(RankedError):
    """A backing service (Redis) cannot serve the request now; the data is safe."""

    code = "INTERNAL"
