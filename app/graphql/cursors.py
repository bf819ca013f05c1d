"""Opaque cursors. Clients must treat them as strings; a tampered one is BAD_USER_INPUT."""

from __future__ import annotations

import base64
import binascii
import math
import re
from datetime import UTC, datetime, timedelta

from app.errors import BadUserInput
from app.ranking.store import Cursor
from app.text import KEY

_TIE = re.compile(r"(?:[0-9a-f]{16}){1,2}")  # a tie key (app.leaderboards.ties)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SCORE = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


def _encode(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str, kind: str) -> list[str]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadUserInput("Malformed cursor.", field="after") from None
    tag, _, rest = text.partition(":")
    if tag != kind or not rest:
        raise BadUserInput("Malformed cursor.", field="after")
    return rest.split(":")


def _positive_int(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        raise BadUserInput("Malformed cursor.", field="after")
    return int(text)


def id_cursor(pid: int) -> str:
    return _encode(f"id:{pid}")


def parse_id_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    parts = _decode(cursor, "id")
    if len(parts) != 1:
        raise BadUserInput("Malformed cursor.", field="after")
    return _positive_int(parts[0])


def rank_cursor(cursor: Cursor) -> str:
    tie = f":{cursor.tie}" if cursor.tie else ""
    return _encode(f"rk:{cursor.stored}:{cursor.participant_id}{tie}")


def parse_rank_cursor(cursor: str | None) -> Cursor | None:
    if cursor is None:
        return None
    parts = _decode(cursor, "rk")
    if len(parts) == 3 and not _TIE.fullmatch(parts[2]):
        raise BadUserInput("Malformed cursor.", field="after")
    if len(parts) == 2:  # no tie key
        parts.append("")
    if len(parts) != 3:
        raise BadUserInput("Malformed cursor.", field="after")
    # Only the spellings Redis itself uses for scores: they go back to Redis verbatim.
    if not _SCORE.fullmatch(parts[0]) or not math.isfinite(float(parts[0])):
        raise BadUserInput("Malformed cursor.", field="after")
    return Cursor(parts[0], _positive_int(parts[1]), parts[2])


def position_cursor(position: int) -> str:
    """A cursor of a fixed list read in order (a run's entries): the 0-based position."""
    return _encode(f"pos:{position}")


def parse_position_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    parts = _decode(cursor, "pos")
    if len(parts) != 1 or not (parts[0].isascii() and parts[0].isdigit()) or len(parts[0]) > 9:
        raise BadUserInput("Malformed cursor.", field="after")
    return int(parts[0])


def history_cursor(ended_at: datetime, run_id: int) -> str:
    """A cursor of ``history``: the run's period end (microseconds since the epoch) and id."""
    micros = round((ended_at - _EPOCH).total_seconds() * 1_000_000)
    return _encode(f"hi:{micros}:{run_id}")


def parse_history_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    if cursor is None:
        return None
    parts = _decode(cursor, "hi")
    if len(parts) != 2:
        raise BadUserInput("Malformed cursor.", field="after")
    micros = parts[0][1:] if parts[0].startswith("-") else parts[0]
    sign = -1 if parts[0].startswith("-") else 1
    try:
        at = _EPOCH + timedelta(microseconds=sign * _positive_int(micros))
    except OverflowError:
        raise BadUserInput("Malformed cursor.", field="after") from None
    return at, _positive_int(parts[1])


def key_cursor(key: str) -> str:
    """A cursor of a list in key order (groups): the last key read."""
    return _encode(f"key:{key}")


def parse_key_cursor(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    parts = _decode(cursor, "key")
    if len(parts) != 1 or not KEY.fullmatch(parts[0]):
        raise BadUserInput("Malformed cursor.", field="after")
    return parts[0]
