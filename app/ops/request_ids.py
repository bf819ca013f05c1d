"""The request id: one per HTTP request, websocket connection or job, carried in a context
variable so that every log line written on its behalf names it (``app.ops.logs``), and
handed on to the jobs it enqueues (``app.jobs``).

An id given by the caller (a proxy's ``X-Request-ID``) is kept when it is sane: at most
``MAX_LENGTH`` characters of letters, digits and ``._:=+/-``; anything else would let a
client write what it likes into the logs, so it gets a fresh id instead.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

HEADER = "x-request-id"
MAX_LENGTH = 128
_SANE = re.compile(rf"[A-Za-z0-9._:=+/-]{{1,{MAX_LENGTH}}}")

_current: ContextVar[str | None] = ContextVar("ranked_request_id", default=None)


def current() -> str | None:
    """The id of the request (or job) this code runs for; None outside any."""
    return _current.get()


def accepted(given: str | None) -> str:
    """``given`` if it is sane, else a new id."""
    if given is not None and _SANE.fullmatch(given):
        return given
    return uuid.uuid4().hex


@contextmanager
def bound(request_id: str | None) -> Iterator[str | None]:
    """Run the block as part of ``request_id`` (None: of no request)."""
    token = _current.set(request_id)
    try:
        yield request_id
    finally:
        _current.reset(token)
