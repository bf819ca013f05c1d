"""A small school with months of history, through the real services: daily and monthly
boards of one metric, scores on many days, and the scheduled run of every closed period
made by a real worker (the snapshots archiving moves and history reads)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from app.deps import Deps
from app.groups.memberships import set_memberships
from app.groups.service import GroupFields, MembershipFields, define_groups
from app.leaderboards.admin import (
    BoardFields,
    MetricFields,
    WeightFields,
    define_leaderboard,
    define_metric,
)
from app.leaderboards.models import TimeWindow
from app.leaderboards.service import board_in, get_definition
from app.runs.models import RunTrigger
from app.runs.service import trigger_run
from app.scoring.service import ScoreInput, record_scores
from tests.factories import participant
from tests.workers import drain

BOARDS = {"daily": TimeWindow.DAILY, "monthly": TimeWindow.MONTHLY}


@dataclass
class School:
    tenant_id: int
    pupils: list[int]
    runs: dict[str, list[int]] = field(default_factory=dict)  # board -> run ids, oldest first


def school_days(first: date, every: int, count: int) -> list[date]:
    return [first + timedelta(days=every * i) for i in range(count)]


async def school(
    deps: Deps,
    tenant_id: int,
    days: list[date],
    *,
    pupils: int = 3,
    now: datetime,
    classes: list[str] | None = None,
    max_entries: int | None = None,
) -> School:
    """Pupils scoring on each of ``days``, and the scheduled run of each closed daily and
    monthly period. On day n pupil i scores (i + n) % pupils + 1: the order rotates daily
    (rank 1 on day n: the pupil with (i + n) % pupils == pupils - 1). With ``classes``
    (pupil i's CLASS group, by key), the boards are scoped by CLASS."""
    # (``max_entries``: what the boards' runs keep.)
    await define_metric(deps, tenant_id, MetricFields("m", "M"))
    scope = None if classes is None else "CLASS"
    for key, window in BOARDS.items():
        fields = BoardFields(
            name=key,
            metrics=(WeightFields("m"),),
            time_window=window,
            scope=scope,
            max_entries=max_entries,
        )
        await define_leaderboard(deps, tenant_id, key, fields)
    made = School(tenant_id, [await participant(deps, tenant_id, f"P{i}") for i in range(pupils)])
    if classes is not None:
        keys = sorted(set(classes))
        await define_groups(deps, tenant_id, [GroupFields(k, "CLASS", k) for k in keys])
        rows = [
            MembershipFields(p, "CLASS", (c,)) for p, c in zip(made.pupils, classes, strict=True)
        ]
        await set_memberships(deps, tenant_id, rows)
    scores = [
        ScoreInput(
            "m",
            float((i + n) % pupils + 1),
            "school",
            f"{day}:{pid}",
            participant_id=pid,
            occurred_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
        )
        for n, day in enumerate(days)
        for i, pid in enumerate(made.pupils)
    ]
    for start in range(0, len(scores), 500):
        await record_scores(deps, tenant_id, scores[start : start + 500])
    for key in BOARDS:
        definition = await get_definition(tenant_id, key)
        periods: dict[str, datetime] = {}
        for day in days:
            period = board_in(definition, at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC))
            if period.period.end is not None and period.period.end <= now:
                periods[period.period.key] = period.period.end
        made.runs[key] = [
            (await trigger_run(deps, definition, p, now, trigger=RunTrigger.SCHEDULE)).id
            for p in sorted(periods, key=periods.__getitem__)
        ]
    await drain(deps)
    return made
