"""Period keys and boundaries, across time zones and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.errors import BadUserInput
from app.leaderboards.models import TimeWindow
from app.leaderboards.periods import (
    Period,
    Span,
    WindowSpec,
    ended_between,
    period_at,
    period_named,
    previous,
    zone,
)

NEW_YORK = "America/New_York"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(name: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone(name))


def test_sunday_23_30_in_new_york_belongs_to_the_week_that_ends_that_sunday() -> None:
    weekly = WindowSpec(TimeWindow.WEEKLY, NEW_YORK)
    # Sunday 2 November 2025, 23:30 EST: already Monday 04:30 in UTC (ISO week 45 there).
    event = local(NEW_YORK, 2025, 11, 2, 23, 30)
    assert event.astimezone(UTC) == utc(2025, 11, 3, 4, 30)
    period = period_at(weekly, event)
    # The week began on Monday 27 October at midnight EDT (UTC-4) and ends at midnight EST
    # (UTC-5): daylight saving ended during it, so it lasts 7 days and one hour.
    assert period == Period("2025-W44", utc(2025, 10, 27, 4), utc(2025, 11, 3, 5))
    assert period_at(WindowSpec(TimeWindow.WEEKLY), event) is not None
    assert period_at(WindowSpec(TimeWindow.WEEKLY), event).key == "2025-W45"


def test_the_next_week_starts_at_local_midnight_on_monday() -> None:
    weekly = WindowSpec(TimeWindow.WEEKLY, NEW_YORK)
    assert period_at(weekly, utc(2025, 11, 3, 4, 59, 59)).key == "2025-W44"
    assert period_at(weekly, utc(2025, 11, 3, 5)).key == "2025-W45"


def test_a_day_in_spring_forward_lasts_23_hours() -> None:
    daily = WindowSpec(TimeWindow.DAILY, NEW_YORK)
    period = period_at(daily, local(NEW_YORK, 2025, 3, 9, 12))
    assert period == Period("2025-03-09", utc(2025, 3, 9, 5), utc(2025, 3, 10, 4))


def test_daily_periods_follow_the_local_date() -> None:
    tokyo = WindowSpec(TimeWindow.DAILY, "Asia/Tokyo")
    assert period_at(tokyo, utc(2025, 11, 4, 14, 59)).key == "2025-11-04"
    assert period_at(tokyo, utc(2025, 11, 4, 15, 0)).key == "2025-11-05"


def test_months_roll_over_at_local_midnight_on_the_first_and_in_december() -> None:
    monthly = WindowSpec(TimeWindow.MONTHLY, NEW_YORK)
    assert period_at(monthly, utc(2025, 12, 1, 4, 59)).key == "2025-11"
    december = period_at(monthly, utc(2025, 12, 1, 5))
    assert december == Period("2025-12", utc(2025, 12, 1, 5), utc(2026, 1, 1, 5))


def test_iso_weeks_cross_the_new_year() -> None:
    weekly = WindowSpec(TimeWindow.WEEKLY)
    assert period_at(weekly, utc(2024, 12, 30)).key == "2025-W01"
    assert period_named(weekly, "2025-W01").start == utc(2024, 12, 30)


def test_all_time_has_one_period() -> None:
    assert period_at(WindowSpec(TimeWindow.ALL_TIME), utc(1999, 1, 1)) == Period("all", None, None)


def test_custom_windows_include_their_start_and_exclude_their_end() -> None:
    spec = WindowSpec(TimeWindow.CUSTOM, starts_at=utc(2025, 11, 1), ends_at=utc(2025, 11, 15))
    assert period_at(spec, utc(2025, 10, 31, 23, 59)) is None
    assert period_at(spec, utc(2025, 11, 1)) == Period(
        "custom", utc(2025, 11, 1), utc(2025, 11, 15)
    )
    assert period_at(spec, utc(2025, 11, 15)) is None


def test_terms_come_from_the_calendar() -> None:
    spec = WindowSpec(
        TimeWindow.TERM,
        calendar=(
            Span("2025-T1", utc(2025, 9, 1), utc(2025, 12, 20)),
            Span("2026-T2", utc(2026, 1, 5), utc(2026, 4, 1)),
        ),
    )
    assert period_at(spec, utc(2025, 10, 1)).key == "2025-T1"
    assert period_at(spec, utc(2025, 12, 25)) is None  # holidays count on no term
    assert period_named(spec, "2026-T2").end == utc(2026, 4, 1)


@pytest.mark.parametrize(
    ("window", "key"),
    [
        (TimeWindow.DAILY, "2025-02-30"),
        (TimeWindow.DAILY, "2025-W01"),
        (TimeWindow.WEEKLY, "2025-W54"),
        (TimeWindow.MONTHLY, "2025-13"),
        (TimeWindow.MONTHLY, "all"),
        (TimeWindow.ALL_TIME, "2025"),
        (TimeWindow.TERM, "nope"),
    ],
)
def test_malformed_or_unknown_period_keys_are_bad_input(window: TimeWindow, key: str) -> None:
    with pytest.raises(BadUserInput) as caught:
        period_named(WindowSpec(window), key)
    assert caught.value.extensions["field"] == "period"


def test_past_periods_are_named_by_their_keys() -> None:
    weekly = WindowSpec(TimeWindow.WEEKLY, NEW_YORK)
    assert period_named(weekly, "2025-W44") == period_at(
        weekly, local(NEW_YORK, 2025, 11, 2, 23, 30)
    )


def test_unknown_time_zones_are_bad_input() -> None:
    with pytest.raises(BadUserInput):
        zone("Mars/Olympus_Mons")
    with pytest.raises(BadUserInput):
        zone("../etc/passwd")


def test_the_period_before_another() -> None:
    weekly = WindowSpec(TimeWindow.WEEKLY, NEW_YORK)
    assert previous(weekly, period_named(weekly, "2025-W45")) == period_named(weekly, "2025-W44")
    monthly = WindowSpec(TimeWindow.MONTHLY)
    assert previous(monthly, period_named(monthly, "2025-01")).key == "2024-12"
    terms = WindowSpec(
        TimeWindow.TERM,
        calendar=(
            Span("T1", utc(2025, 9, 1), utc(2025, 12, 20)),
            Span("T2", utc(2026, 1, 5), utc(2026, 4, 1)),
        ),
    )
    assert previous(terms, period_named(terms, "T2")).key == "T1"
    assert previous(terms, period_named(terms, "T1")) is None
    assert previous(WindowSpec(TimeWindow.ALL_TIME), Period("all", None, None)) is None


def test_the_periods_that_ended_in_a_window_oldest_first_across_dst() -> None:
    spec = WindowSpec(TimeWindow.DAILY, "America/New_York")
    after, until = datetime(2025, 11, 1, 12, tzinfo=UTC), datetime(2025, 11, 3, 5, tzinfo=UTC)

    ended = ended_between(spec, after, until)

    assert [(p.key, p.end) for p in ended] == [
        ("2025-11-01", datetime(2025, 11, 2, 4, tzinfo=UTC)),
        ("2025-11-02", datetime(2025, 11, 3, 5, tzinfo=UTC)),  # 25 hours: the clocks went back
    ]


def test_only_periods_that_ended_count_and_all_time_never_ends() -> None:
    weekly = WindowSpec(TimeWindow.WEEKLY, "Europe/Paris")
    monday = datetime(2025, 11, 2, 23, tzinfo=UTC)  # Monday 00:00 in Paris
    calendar = WindowSpec(
        TimeWindow.TERM, calendar=(Span("T1", monday - timedelta(days=90), monday),)
    )

    last_week = ended_between(weekly, monday - timedelta(days=6), monday)
    assert [p.key for p in last_week] == ["2025-W44"]
    assert ended_between(
        weekly, monday - timedelta(days=8), monday - timedelta(microseconds=1)
    ) == [
        Period(
            "2025-W43",
            datetime(2025, 10, 19, 22, tzinfo=UTC),
            datetime(2025, 10, 26, 23, tzinfo=UTC),
        )
    ]
    assert [p.key for p in ended_between(calendar, monday - timedelta(days=1), monday)] == ["T1"]
    assert (
        ended_between(WindowSpec(TimeWindow.ALL_TIME), datetime(1970, 1, 2, tzinfo=UTC), monday)
        == []
    )
