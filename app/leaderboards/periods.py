"""Time windows: which period an instant falls in, and where each period starts and ends.

Periods roll over in the board's own time zone: a DAILY board at local midnight, a WEEKLY
board at local midnight between Sunday and Monday (ISO weeks), a MONTHLY board at local
midnight on the first. Period keys name them: ``2025-11-04``, ``2025-W44``, ``2025-11``,
``all`` (ALL_TIME), ``custom`` (CUSTOM: the one span ``starts_at .. ends_at``), and for TERM
and SEASON boards the key of one of the tenant's calendar periods. Instants are UTC-aware
datetimes; a span includes its start and excludes its end. Nothing here touches a database.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.errors import BadUserInput
from app.leaderboards.models import TimeWindow

ALL_TIME_KEY = "all"
CUSTOM_KEY = "custom"
MAX_KEY_LENGTH = 16

# ASCII digits, whole key (fullmatch): one period has exactly one key.
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


@dataclass(frozen=True, slots=True)
class Period:
    key: str
    start: datetime | None  # None: since the beginning
    end: datetime | None  # None: never closes


@dataclass(frozen=True, slots=True)
class Span:
    """A calendar period of the tenant (a term, a season)."""

    key: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class WindowSpec:
    """What decides a board's periods."""

    kind: TimeWindow
    timezone: str = "UTC"
    starts_at: datetime | None = None  # CUSTOM only
    ends_at: datetime | None = None
    calendar: tuple[Span, ...] = ()  # TERM and SEASON only

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.timezone)


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``, or :class:`BadUserInput`."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadUserInput(f"Unknown time zone {name!r}.", field="timezone") from None


def period_at(spec: WindowSpec, at: datetime) -> Period | None:
    """The period ``at`` falls in; None when it falls in none (outside a CUSTOM span, or
    in no calendar period)."""
    kind = spec.kind
    if kind == TimeWindow.ALL_TIME:
        return Period(ALL_TIME_KEY, None, None)
    if kind == TimeWindow.CUSTOM:
        inside = spec.starts_at is not None and spec.ends_at is not None
        if inside and spec.starts_at <= at < spec.ends_at:  # type: ignore[operator]
            return Period(CUSTOM_KEY, spec.starts_at, spec.ends_at)
        return None
    if kind in (TimeWindow.TERM, TimeWindow.SEASON):
        span = next((s for s in spec.calendar if s.start <= at < s.end), None)
        return None if span is None else Period(span.key, span.start, span.end)
    local = at.astimezone(spec.zone).date()
    if kind == TimeWindow.DAILY:
        return _local_span(spec, local.isoformat(), local, local + timedelta(days=1))
    if kind == TimeWindow.WEEKLY:
        year, week, weekday = local.isocalendar()
        monday = local - timedelta(days=weekday - 1)
        return _local_span(spec, f"{year}-W{week:02d}", monday, monday + timedelta(days=7))
    first = local.replace(day=1)
    return _local_span(spec, f"{first:%Y-%m}", first, _next_month(first))


def period_named(spec: WindowSpec, key: str) -> Period:
    """The period called ``key`` (a past one, say), or :class:`BadUserInput`."""
    found = _parse(spec, key)
    if found is None:
        raise BadUserInput(
            f"{key!r} is not a period of a {spec.kind.value} leaderboard"
            f" (for example {example_key(spec)!r}).",
            field="period",
        )
    return found


@functools.lru_cache(maxsize=4096)
def period_end(spec: WindowSpec, key: str) -> datetime | None:
    """When period ``key`` closes (exclusive); None when it never does or is not one."""
    found = _parse(spec, key)
    return None if found is None else found.end


def example_key(spec: WindowSpec) -> str:
    now = datetime.now(UTC)
    current = period_at(spec, now)
    if current is not None:
        return current.key
    return {TimeWindow.CUSTOM: CUSTOM_KEY}.get(
        spec.kind, spec.calendar[0].key if spec.calendar else ""
    )


def _parse(spec: WindowSpec, key: str) -> Period | None:
    kind = spec.kind
    if kind == TimeWindow.ALL_TIME:
        return Period(ALL_TIME_KEY, None, None) if key == ALL_TIME_KEY else None
    if kind == TimeWindow.CUSTOM:
        return Period(CUSTOM_KEY, spec.starts_at, spec.ends_at) if key == CUSTOM_KEY else None
    if kind in (TimeWindow.TERM, TimeWindow.SEASON):
        span = next((s for s in spec.calendar if s.key == key), None)
        return None if span is None else Period(span.key, span.start, span.end)
    try:
        if kind == TimeWindow.DAILY and (m := _DAY.fullmatch(key)):
            day = date(int(m[1]), int(m[2]), int(m[3]))
            return _local_span(spec, key, day, day + timedelta(days=1))
        if kind == TimeWindow.WEEKLY and (m := _WEEK.fullmatch(key)):
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return _local_span(spec, key, monday, monday + timedelta(days=7))
        if kind == TimeWindow.MONTHLY and (m := _MONTH.fullmatch(key)):
            first = date(int(m[1]), int(m[2]), 1)
            return _local_span(spec, key, first, _next_month(first))
    except ValueError:  # 2025-02-30, week 54, month 13
        return None
    return None


def _local_span(spec: WindowSpec, key: str, first: date, after: date) -> Period:
    """The period from local midnight of ``first`` to local midnight of ``after``, in UTC."""
    tz = spec.zone
    start = datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(after, time(0), tzinfo=tz).astimezone(UTC)
    return Period(key, start, end)


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def previous(spec: WindowSpec, period: Period) -> Period | None:
    """The period just before ``period``; None for windows with a single period."""
    if spec.kind in (TimeWindow.ALL_TIME, TimeWindow.CUSTOM) or period.start is None:
        return None
    if spec.kind in (TimeWindow.TERM, TimeWindow.SEASON):
        earlier = [s for s in spec.calendar if s.end <= period.start]
        if not earlier:
            return None
        span = max(earlier, key=lambda s: s.start)
        return Period(span.key, span.start, span.end)
    return period_at(spec, period.start - timedelta(microseconds=1))


def ended_between(spec: WindowSpec, after: datetime, until: datetime) -> list[Period]:
    """The periods that ended in (``after``, ``until``], oldest first (none for ALL_TIME)."""
    if spec.kind == TimeWindow.ALL_TIME:
        return []
    if spec.kind in (TimeWindow.TERM, TimeWindow.SEASON):
        spans = [s for s in spec.calendar if after < s.end <= until]
        return [Period(s.key, s.start, s.end) for s in sorted(spans, key=lambda s: s.end)]
    if spec.kind == TimeWindow.CUSTOM:
        end = spec.ends_at
        inside = end is not None and after < end <= until
        return [Period(CUSTOM_KEY, spec.starts_at, end)] if inside else []
    found: list[Period] = []
    period = period_at(spec, until - timedelta(microseconds=1))
    while period is not None and period.end is not None and period.end > after:
        if period.end <= until:
            found.append(period)
        period = previous(spec, period)
    return found[::-1]
