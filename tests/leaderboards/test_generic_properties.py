"""Property: for random event streams (any aggregation, weights, tie-breaks, out-of-order and
replayed events, past periods, re-weighting), every live ranking equals the ranking computed
from the events in the database by an independent model: order, scores and ranks."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.deps import Deps
from app.leaderboards import admin, rankings
from app.leaderboards.admin import BoardFields, MetricFields, TieBreakFields, WeightFields
from app.leaderboards.models import Aggregation, TimeWindow
from app.leaderboards.periods import WindowSpec, period_at
from app.participants.service import add_participant
from app.participants.validation import ParticipantFields
from app.scoring.recompute import verify
from app.scoring.service import ScoreInput, record_scores
from app.tenancy.service import ensure_tenant

ZONE = "America/New_York"
START = datetime(2025, 10, 20, tzinfo=UTC)

# (participant index, metric index, value, hours after START); its source id is its index
Event = tuple[int, int, int, int]
events = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 2), st.integers(-20, 20), st.integers(0, 24 * 21)),
    min_size=1,
    max_size=40,
)
replays = st.lists(st.integers(0, 39), max_size=5)  # events sent again, unchanged
aggregations = st.lists(st.sampled_from(list(Aggregation)), min_size=3, max_size=3)
weights = st.lists(st.sampled_from([1.0, 2.0, -1.0, 0.5, 0.0]), min_size=3, max_size=3).filter(
    any  # weight 0 tracks a metric; a board needs one that counts
)
tie_metrics = st.one_of(st.none(), st.integers(0, 2))
Tie = tuple[int | None, bool]  # (fallback metric index, earliest to reach)
Row = tuple[int, float, int]  # (participant, score, competition rank)


def model(
    stream: list[Event], pids: list[int], aggs: list[Aggregation], w: list[float], tie: Tie
) -> dict[str, list[Row]]:
    """Per weekly period: entries best first (score, then the tie-break, then participant
    id), with competition ranks; computed plainly from the events."""
    spec = WindowSpec(TimeWindow.WEEKLY, ZONE)
    values: dict[tuple[str, int, int], list[tuple[datetime, int, float]]] = {}
    for order, (p, m, v, hours) in enumerate(stream):
        at = START + timedelta(hours=hours)
        key = (period_at(spec, at).key, pids[p], m)  # type: ignore[union-attr]
        values.setdefault(key, []).append((at, order, float(v)))
    scores: dict[str, dict[int, float]] = {}
    aggregate: dict[tuple[str, int, int], float] = {}
    reached: dict[tuple[str, int], list[datetime]] = {}
    for (period, pid, m), vs in values.items():
        nums = [v for _, _, v in vs]
        agg = {
            Aggregation.SUM: sum(nums), Aggregation.COUNT: float(len(nums)),
            Aggregation.MAX: max(nums), Aggregation.MIN: min(nums),
            Aggregation.AVG: sum(nums) / len(nums), Aggregation.LAST: max(vs)[2],
        }[aggs[m]]  # fmt: skip
        aggregate[(period, pid, m)] = agg
        board = scores.setdefault(period, {})
        if w[m] != 0:  # a participant with events of weight-0 metrics only is not ranked
            board[pid] = board.get(pid, 0.0) + w[m] * agg
        when = _reached(aggs[m], vs, agg)
        if w[m] != 0 and when is not None:
            reached.setdefault((period, pid), []).append(when)

    def order(period: str, pid: int) -> tuple[object, ...]:
        fallback, earliest = tie
        out: list[object] = [-scores[period][pid]]
        if fallback is not None:
            value = aggregate.get((period, pid, fallback))
            out.append((0, -value) if value is not None else (1, 0.0))
        if earliest:
            moments = reached.get((period, pid))
            out.append((0, max(moments)) if moments else (1, START))
        return tuple(out)

    out: dict[str, list[Row]] = {}
    for period, board in scores.items():
        ranked = sorted(board, key=lambda pid: (order(period, pid), pid))
        places = [order(period, pid) for pid in ranked]
        out[period] = [
            (pid, board[pid], places.index(place) + 1)
            for pid, place in zip(ranked, places, strict=True)
        ]
    return out


def _reached(
    aggregation: Aggregation, vs: list[tuple[datetime, int, float]], value: float
) -> datetime | None:
    """When the metric took its value: the rules of ``app.leaderboards.ties``."""
    if aggregation == Aggregation.SUM:
        return max((at for at, _, v in vs if v != 0), default=None)
    if aggregation in (Aggregation.MAX, Aggregation.MIN):
        return min(at for at, _, v in vs if v == value)
    return max(at for at, _, _ in vs)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    stream=events, again=replays, aggs=aggregations, w=weights, reweighted=weights,
    tie_metric=tie_metrics, earliest=st.booleans(),
)  # fmt: skip
async def test_live_rankings_equal_the_events(
    deps: Deps,
    stream: list[Event],
    again: list[int],
    aggs: list[Aggregation],
    w: list[float],
    reweighted: list[float],
    tie_metric: int | None,
    earliest: bool,
) -> None:
    tenant = await ensure_tenant(f"gprop-{uuid.uuid4().hex[:8]}")
    keys = [f"m{i}" for i in range(3)]
    for key, agg in zip(keys, aggs, strict=True):
        await admin.define_metric(deps, tenant.id, MetricFields(key, key, aggregation=agg))
    pids = [
        (await add_participant(deps, tenant.id, ParticipantFields(name=f"P{i}"))).id
        for i in range(6)
    ]
    fields = BoardFields(
        name="weekly", time_window=TimeWindow.WEEKLY, timezone=ZONE,
        metrics=tuple(WeightFields(k, x) for k, x in zip(keys, w, strict=True)),
        tie_break=TieBreakFields(keys[tie_metric] if tie_metric is not None else None, earliest),
    )  # fmt: skip
    await admin.define_leaderboard(deps, tenant.id, "weekly", fields)
    numbered = list(enumerate(stream))
    half = len(numbered) // 2
    replayed = [numbered[i % len(numbered)] for i in again]
    for part in (numbered[:half], numbered[half:] + replayed):  # two batches, some replays
        if part:
            await record_scores(
                deps,
                tenant.id,
                [
                    ScoreInput(keys[m], v, "prop", str(sid), participant_id=pids[p],
                               occurred_at=START + timedelta(hours=hours))
                    for sid, (p, m, v, hours) in part
                ],
            )  # fmt: skip
    tie = (tie_metric, earliest)
    await _check(deps, tenant.id, model(stream, pids, aggs, w, tie))

    new = [WeightFields(k, x) for k, x in zip(keys, reweighted, strict=True)]
    await admin.set_weights(deps, tenant.id, "weekly", new)
    await _check(deps, tenant.id, model(stream, pids, aggs, reweighted, tie))


async def _check(deps: Deps, tenant_id: int, expected: dict[str, list[Row]]) -> None:
    definition = await deps.definitions.board(tenant_id, "weekly")
    for period, ranking in expected.items():
        rows = await rankings.top_rows(deps, definition.ref(period), 100)
        assert [r.participant_id for r in rows] == [p for p, _, _ in ranking], period
        assert [r.rank for r in rows] == [rank for _, _, rank in ranking], period
        for row, (_, want, _) in zip(rows, ranking, strict=True):
            assert math.isclose(row.score, want, rel_tol=1e-9, abs_tol=1e-9)
        assert await verify(deps, definition, period, 100) == []
