"""Tie-breaks: what orders participants whose scores are equal.

A board's tie-break is an optional fallback metric (one of the board's own metrics, often
with weight 0: its aggregate in the same period, better first in that metric's direction),
then, optionally, the earliest to reach the score. Both are folded into a *tie key*: a
fixed-width string whose byte order is the tie-break order. Redis orders equal scores by it
(then by participant id), SQL compares it as text, and two participants are tied (share a
rank) only when both score and tie key are equal. A board without a tie-break has the empty
key, so its equal scores stay tied.

"Reached" is in event time (``occurredAt``), so it is the same however late events arrive
and when a board is re-scored from the log: for each weighted metric, the moment its
aggregate took its current value (the latest non-zero event of a SUM, the latest event of a
COUNT, AVG or LAST, the earliest event that set the maximum of a MAX or the minimum of a
MIN); for the score, the latest of those moments.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app.db import timestamp
from app.leaderboards.models import Aggregation

VALUE_WIDTH = 16  # hex digits of a double in order-preserving form
REACHED_WIDTH = 16  # decimal digits of microseconds since 1970 (enough until the year 2286)
NO_VALUE = "f" * VALUE_WIDTH  # no aggregate of the fallback metric: after every value
NOT_REACHED = "9" * REACHED_WIDTH  # no event: after every instant
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
_SIGN = 1 << 63
_ALL = (1 << 64) - 1


@dataclass(frozen=True, slots=True)
class TieBreak:
    metric_id: int | None = None  # the fallback metric
    metric_key: str | None = None
    higher_is_better: bool = True  # of the fallback metric
    earliest: bool = False  # then the earliest to reach the score

    @property
    def active(self) -> bool:
        return self.metric_id is not None or self.earliest

    def key(self, fallback: float | None, reached: datetime | None) -> str:
        """The tie key of a standing with this fallback value and reached time."""
        out = ""
        if self.metric_id is not None:
            out += NO_VALUE if fallback is None else _ordered(fallback, self.higher_is_better)
        if self.earliest:
            out += NOT_REACHED if reached is None else _micros(reached)
        return out

    def reached_in(self, tie: str) -> datetime | None:
        """When the score was reached, read back from a tie key (None: not kept)."""
        if not self.earliest or len(tie) < REACHED_WIDTH or tie.endswith(NOT_REACHED):
            return None
        return EPOCH + int(tie[-REACHED_WIDTH:]) * MICROSECOND


NO_TIE_BREAK = TieBreak()


def _ordered(value: float, higher_is_better: bool) -> str:
    """Hex digits whose byte order is best first (IEEE 754 bits, sign-adjusted)."""
    better_first = (-value if higher_is_better else value) + 0.0  # no negative zero
    bits = struct.unpack(">Q", struct.pack(">d", better_first))[0]
    bits = (~bits & _ALL) if bits & _SIGN else bits | _SIGN
    return f"{bits:016x}"


def _micros(moment: datetime) -> str:
    """Exact microseconds since 1970 (integer arithmetic: no two instants collapse)."""
    return str(max(0, (moment - EPOCH) // MICROSECOND)).zfill(REACHED_WIDTH)


def reached_at(aggregation: Aggregation, row: Mapping[str, Any]) -> datetime | None:
    """When an aggregate row took its value under ``aggregation``, in event time."""
    column = {
        Aggregation.SUM: "total_at",
        Aggregation.MAX: "maximum_at",
        Aggregation.MIN: "minimum_at",
    }.get(aggregation, "last_at")
    return timestamp(row.get(column))


def score_reached(moments: Sequence[datetime | None]) -> datetime | None:
    """When a composite score was reached: the latest of its metrics' moments."""
    known = [m for m in moments if m is not None]
    return max(known) if known else None
