"""Generic leaderboards as an admin and a backend see them: metrics, weights, aggregations,
rank modes, sort orders, filters, periods, batches, re-scoring; exact expected ranks."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.deps import Deps
from app.participants.models import Participant
from app.ranking.rebuild import rebuild_board
from app.scoring.models import MetricAggregate, ScoreEvent
from app.scoring.recompute import verify
from app.scoring.service import ScoreInput, record_scores
from app.tenancy.service import TenantRef
from tests.conftest import GQL, error_code
from tests.leaderboards.test_rankings_api import add, data

METRIC = "mutation($input: MetricInput!) { defineMetric(input: $input) { key aggregation } }"
DEFINE = "mutation($key: String!, $input: LeaderboardInput!) { defineLeaderboard(key: $key, input: $input) { key period } }"
UPDATE = "mutation($key: String!, $input: LeaderboardInput!) { updateLeaderboard(key: $key, input: $input) { key rankMode } }"
WEIGHTS = "mutation($key: String!, $weights: [WeightInput!]!) { setLeaderboardWeights(key: $key, weights: $weights) { key metrics { metric weight } } }"
RECORD = "mutation($inputs: [ScoreInput!]!) { recordScores(inputs: $inputs) { recorded duplicates results { eventId participantId duplicate } } }"
BOARD = """query($key: String!, $period: String) { leaderboard(key: $key, period: $period) {
  key period periodStart periodEnd size
  entries(first: 50) { edges { node { rank score percentile participant { name }
    breakdown { metric value weighted events } } } } } }"""

T0 = datetime(2025, 11, 4, 12, tzinfo=UTC)


async def metric(gql: GQL, key: str, aggregation: str = "SUM", higher: bool = True) -> None:
    given = {"key": key, "name": key.title(), "aggregation": aggregation, "higherIsBetter": higher}
    data(await gql(METRIC, {"input": given}))


async def board(gql: GQL, key: str, metrics: list[tuple[str, float]], **fields: Any) -> None:
    given = {"name": key, "metrics": [{"metric": m, "weight": w} for m, w in metrics], **fields}
    data(await gql(DEFINE, {"key": key, "input": given}))


async def record(gql: GQL, *events: tuple[str, str, float], at: datetime = T0) -> dict[str, Any]:
    """Record (participant id, metric, value) events, each with a fresh source id."""
    inputs = [
        {"participantId": pid, "metric": m, "value": v, "source": "test",
         "sourceId": f"{pid}-{m}-{v}-{at.isoformat()}-{i}", "occurredAt": at.isoformat()}
        for i, (pid, m, v) in enumerate(events)
    ]  # fmt: skip
    result: dict[str, Any] = data(await gql(RECORD, {"inputs": inputs}))["recordScores"]
    return result


async def ranking(gql: GQL, key: str, period: str | None = None) -> list[tuple[str, int, float]]:
    found = data(await gql(BOARD, {"key": key, "period": period}))["leaderboard"]
    return [
        (e["node"]["participant"]["name"], e["node"]["rank"], e["node"]["score"])
        for e in found["entries"]["edges"]
    ]


@pytest.mark.parametrize(
    ("aggregation", "expected"),
    [
        ("SUM", [("B", 1, 9.0), ("A", 2, 6.0)]),
        ("COUNT", [("A", 1, 3.0), ("B", 2, 2.0)]),
        ("MAX", [("B", 1, 8.0), ("A", 2, 3.0)]),
        ("MIN", [("A", 1, 1.0), ("B", 1, 1.0)]),  # a tie shares the rank
        ("AVG", [("B", 1, 4.5), ("A", 2, 2.0)]),
        ("LAST", [("A", 1, 2.0), ("B", 2, 1.0)]),
    ],
)
async def test_each_aggregation(
    gql: GQL, aggregation: str, expected: list[tuple[str, int, float]]
) -> None:
    await metric(gql, "m", aggregation)
    await board(gql, "b", [("m", 1)])
    a, b = await add(gql, "A"), await add(gql, "B")
    # LAST follows occurredAt, not arrival: A's latest event (2.0) arrives before an older one.
    await record(gql, (a, "m", 2), at=T0 + timedelta(hours=2))
    await record(gql, (a, "m", 1), (a, "m", 3), (b, "m", 8), at=T0)
    await record(gql, (b, "m", 1), at=T0 + timedelta(hours=1))
    assert await ranking(gql, "b") == expected


async def test_weighted_composite_with_breakdown(gql: GQL) -> None:
    await metric(gql, "answers")
    await metric(gql, "rate", "AVG")
    await metric(gql, "logins", "COUNT")
    await board(gql, "experts", [("answers", 2), ("rate", 10), ("logins", 0.5)])
    a, b = await add(gql, "A"), await add(gql, "B")
    await record(gql, (a, "answers", 3), (a, "rate", 0.5), (a, "rate", 1.0), (a, "logins", 1))
    await record(gql, (b, "answers", 10), (b, "logins", 1), (b, "logins", 1))

    found = data(await gql(BOARD, {"key": "experts"}))["leaderboard"]
    nodes = [e["node"] for e in found["entries"]["edges"]]
    # A: 2*3 + 10*0.75 + 0.5*1 = 14.0; B: 2*10 + 0 + 0.5*2 = 21.0
    assert [(n["participant"]["name"], n["rank"], n["score"]) for n in nodes] == [
        ("B", 1, 21.0),
        ("A", 2, 14.0),
    ]
    assert nodes[1]["breakdown"] == [
        {"metric": "answers", "value": 3.0, "weighted": 6.0, "events": 1},
        {"metric": "logins", "value": 1.0, "weighted": 0.5, "events": 1},
        {"metric": "rate", "value": 0.75, "weighted": 7.5, "events": 2},
    ]
    assert [n["percentile"] for n in nodes] == [100.0, 50.0]


@pytest.mark.parametrize(
    ("mode", "ranks"),
    [("COMPETITION", [1, 2, 2, 4]), ("DENSE", [1, 2, 2, 3]), ("ORDINAL", [1, 2, 3, 4])],
)
async def test_rank_modes(gql: GQL, mode: str, ranks: list[int]) -> None:
    await metric(gql, "m")
    await board(gql, "b", [("m", 1)], rankMode=mode)
    people = [await add(gql, n) for n in "ABCD"]
    await record(gql, *((p, "m", v) for p, v in zip(people, [9, 5, 5, 1], strict=True)))
    assert [r for _, r, _ in await ranking(gql, "b")] == ranks
    # Entries deep in the ranking carry the same ranks as a page from the top.
    query = 'query($id: ID!) { leaderboard(key: "b") { around(participantId: $id, radius: 1) { rank } } }'
    around = data(await gql(query, {"id": people[3]}))["leaderboard"]["around"]
    assert [e["rank"] for e in around] == ranks[2:]


async def test_lower_is_better_metrics_rank_ascending(gql: GQL) -> None:
    await metric(gql, "seconds", "MIN", higher=False)
    await board(gql, "fastest", [("seconds", 1)])
    a, b, c = [await add(gql, n) for n in "ABC"]
    await record(
        gql, (a, "seconds", 31.5), (b, "seconds", 12.25), (c, "seconds", 20), (a, "seconds", 11)
    )
    assert await ranking(gql, "fastest") == [("A", 1, 11.0), ("B", 2, 12.25), ("C", 3, 20.0)]
    sort = data(await gql('{ leaderboard(key: "fastest") { sortOrder } }'))
    assert sort == {"leaderboard": {"sortOrder": "ASC"}}


async def test_filters_participant_type_metadata_and_new_users(gql: GQL) -> None:
    await metric(gql, "m")
    now = datetime.now(UTC)
    await board(gql, "classes", [("m", 1)], filter={"participantType": "class"})
    await board(gql, "paris", [("m", 1)], filter={"metadata": {"city": "Paris"}})
    await board(gql, "newcomers", [("m", 1)], filter={"registeredWithinDays": 7})
    add_typed = "mutation($input: AddParticipantInput!) { addParticipant(input: $input) { id } }"
    klass = data(await gql(add_typed, {"input": {"name": "K", "participantType": "class"}}))
    k = klass["addParticipant"]["id"]
    paris = data(await gql(add_typed, {"input": {"name": "P", "metadata": {"city": "Paris"}}}))
    p = paris["addParticipant"]["id"]
    await record(gql, (k, "m", 1), (p, "m", 2), at=now)
    veteran = await add(gql, "V")  # registered a month ago ("existing users")
    await Participant.filter(id=int(veteran)).update(created_at=now - timedelta(days=30))
    await board(
        gql,
        "veterans",
        [("m", 1)],
        filter={"registeredBefore": (now - timedelta(days=7)).isoformat()},
    )
    await record(gql, (veteran, "m", 5), at=now)
    assert await ranking(gql, "classes") == [("K", 1, 1.0)]
    assert await ranking(gql, "paris") == [("P", 1, 2.0)]
    assert await ranking(gql, "newcomers") == [("P", 1, 2.0), ("K", 2, 1.0)]
    assert await ranking(gql, "veterans") == [("V", 1, 5.0)]


async def test_events_in_a_past_period_update_that_period_only(gql: GQL) -> None:
    await metric(gql, "m")
    await board(gql, "weekly", [("m", 1)], timeWindow="WEEKLY", timezone="America/New_York")
    a = await add(gql, "A")
    sunday_night = datetime(2025, 11, 2, 23, 30, tzinfo=UTC) + timedelta(hours=5)  # 23:30 EST
    await record(gql, (a, "m", 5), at=sunday_night)
    await record(gql, (a, "m", 7), at=sunday_night + timedelta(hours=1))  # Monday 00:30 EST
    assert await ranking(gql, "weekly", "2025-W44") == [("A", 1, 5.0)]
    assert await ranking(gql, "weekly", "2025-W45") == [("A", 1, 7.0)]
    found = data(await gql(BOARD, {"key": "weekly", "period": "2025-W44"}))["leaderboard"]
    assert (found["periodStart"], found["periodEnd"]) == (
        "2025-10-27T04:00:00+00:00",
        "2025-11-03T05:00:00+00:00",
    )


async def test_next_reset_is_given_in_utc_and_in_the_boards_time_zone(gql: GQL) -> None:
    await metric(gql, "m")
    await board(gql, "daily", [("m", 1)], timeWindow="DAILY", timezone="Asia/Tokyo")
    query = '{ leaderboard(key: "daily") { period nextReset { utc local timezone } } }'
    found = data(await gql(query))["leaderboard"]
    local = datetime.fromisoformat(found["nextReset"]["local"])
    assert (local.hour, local.minute, local.utcoffset()) == (0, 0, timedelta(hours=9))
    assert datetime.fromisoformat(found["nextReset"]["utc"]) == local
    today = datetime.now(UTC).astimezone(local.tzinfo).date()
    assert found["period"] == today.isoformat()


async def test_a_batch_is_all_or_nothing_and_reports_duplicates(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    await metric(gql, "m")
    await board(gql, "b", [("m", 1)])
    a = await add(gql, "A")
    item = {"participantId": a, "metric": "m", "value": 2, "source": "lms", "sourceId": "e1"}
    first = data(await gql(RECORD, {"inputs": [item, {**item, "sourceId": "e2"}]}))
    assert first["recordScores"]["recorded"] == 2
    again = data(await gql(RECORD, {"inputs": [item, item, {**item, "sourceId": "e3"}]}))
    results = again["recordScores"]
    assert (results["recorded"], results["duplicates"]) == (1, 2)
    assert [r["duplicate"] for r in results["results"]] == [True, True, False]
    assert results["results"][0]["eventId"] == first["recordScores"]["results"][0]["eventId"]
    assert await ranking(gql, "b") == [("A", 1, 6.0)]

    # One bad input (unknown participant) rejects the whole batch, naming its index.
    bad = [{**item, "sourceId": "e4"}, {**item, "sourceId": "e5", "participantId": "999999"}]
    response = await gql(RECORD, {"inputs": bad})
    assert error_code(response) == "NOT_FOUND"
    assert response["errors"][0]["extensions"]["index"] == 1
    # A reused sourceId with a different value is a conflict, and nothing else lands either.
    clash = [{**item, "sourceId": "e6"}, {**item, "value": 99}]
    assert error_code(await gql(RECORD, {"inputs": clash})) == "CONFLICT"
    assert await ScoreEvent.filter(tenant_id=tenant.id).count() == 3
    assert await ranking(gql, "b") == [("A", 1, 6.0)]


async def test_external_ids_identify_participants(gql: GQL) -> None:
    await metric(gql, "m")
    await board(gql, "b", [("m", 1)])
    add_ext = "mutation($input: AddParticipantInput!) { addParticipant(input: $input) { id } }"
    data(await gql(add_ext, {"input": {"name": "X", "externalId": "user-42"}}))
    item = {"externalId": "user-42", "metric": "m", "value": 3, "source": "s", "sourceId": "1"}
    data(await gql(RECORD, {"inputs": [item]}))
    assert await ranking(gql, "b") == [("X", 1, 3.0)]
    both = {**item, "participantId": "1", "sourceId": "2"}
    assert error_code(await gql(RECORD, {"inputs": [both]})) == "BAD_USER_INPUT"


async def test_weight_changes_rescore_consistently(gql: GQL, deps: Deps, tenant: TenantRef) -> None:
    await metric(gql, "x")
    await metric(gql, "y")
    await board(gql, "b", [("x", 1)])
    a, b = await add(gql, "A"), await add(gql, "B")
    await record(gql, (a, "x", 10), (b, "x", 4), (b, "y", 5))
    assert await ranking(gql, "b") == [("A", 1, 10.0), ("B", 2, 4.0)]

    weights = [{"metric": "x", "weight": 1}, {"metric": "y", "weight": 2}]
    data(await gql(WEIGHTS, {"key": "b", "weights": weights}))
    assert await ranking(gql, "b") == [("B", 1, 14.0), ("A", 2, 10.0)]
    await record(gql, (a, "y", 1))  # new events use the new weights
    assert await ranking(gql, "b") == [("B", 1, 14.0), ("A", 2, 12.0)]
    definition = await deps.definitions.board(tenant.id, "b")
    assert await verify(deps, definition, "all", 10) == []


async def test_a_new_board_is_scored_from_the_events_already_recorded(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    await metric(gql, "m", "MAX")
    a, b = await add(gql, "A"), await add(gql, "B")
    await record(gql, (a, "m", 3), (b, "m", 7), (a, "m", 9))
    await board(gql, "late", [("m", 1)])
    assert await ranking(gql, "late") == [("A", 1, 9.0), ("B", 2, 7.0)]
    assert await MetricAggregate.filter(tenant_id=tenant.id).count() == 2


async def test_max_entries_caps_the_listing(gql: GQL) -> None:
    await metric(gql, "m")
    await board(gql, "b", [("m", 1)], maxEntries=2)
    people = [await add(gql, n) for n in "ABC"]
    await record(gql, *((p, "m", v) for p, v in zip(people, [3, 2, 1], strict=True)))
    assert await ranking(gql, "b") == [("A", 1, 3.0), ("B", 2, 2.0)]
    found = data(await gql('{ leaderboard(key: "b") { size } }'))
    assert found == {"leaderboard": {"size": 2}}
    entry = 'query($id: ID!) { leaderboard(key: "b") { entry(participantId: $id) { rank } } }'
    assert data(await gql(entry, {"id": people[2]})) == {"leaderboard": {"entry": None}}


async def test_distribution_counts_participants_per_score_range(gql: GQL) -> None:
    await metric(gql, "m")
    await board(gql, "b", [("m", 1)])
    people = [await add(gql, str(i)) for i in range(5)]
    await record(gql, *((p, "m", v) for p, v in zip(people, [0.5, 1, 4, 9, 10], strict=True)))
    query = '{ leaderboard(key: "b") { distribution(buckets: 2) { low high count } } }'
    assert data(await gql(query))["leaderboard"]["distribution"] == [
        {"low": 0.5, "high": 5.25, "count": 3},
        {"low": 5.25, "high": 10.0, "count": 2},
    ]


async def test_a_metric_in_use_cannot_be_deleted(gql: GQL) -> None:
    await metric(gql, "m")
    await metric(gql, "unused")
    await board(gql, "b", [("m", 1)])
    delete = "mutation($key: String!) { deleteMetric(key: $key) }"
    assert error_code(await gql(delete, {"key": "m"})) == "CONFLICT"
    assert data(await gql(delete, {"key": "unused"})) == {"deleteMetric": True}
    assert error_code(await gql(delete, {"key": "unused"})) == "NOT_FOUND"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"metrics": [{"metric": "nope", "weight": 1}]}, "metric"),
        ({"maxEntries": -1}, "maxEntries"),
        ({"timezone": "Mars/Base"}, "timezone"),
        ({"timeWindow": "CUSTOM"}, "startsAt"),
        (
            {
                "timeWindow": "CUSTOM",
                "startsAt": "2025-01-02T00:00:00Z",
                "endsAt": "2025-01-01T00:00:00Z",
            },
            "endsAt",
        ),
        ({"metrics": []}, "metrics"),
        ({"metrics": [{"metric": "m", "weight": 1}, {"metric": "m", "weight": 2}]}, "metrics"),
        ({"filter": {"registeredWithinDays": 0}}, "registeredWithinDays"),
    ],
)
async def test_invalid_definitions_are_rejected_and_change_nothing(
    gql: GQL, fields: dict[str, Any], field: str
) -> None:
    await metric(gql, "m")
    given = {"name": "B", "metrics": [{"metric": "m", "weight": 1}], **fields}
    response = await gql(DEFINE, {"key": "b", "input": given})
    assert error_code(response) == "BAD_USER_INPUT"
    assert response["errors"][0]["extensions"]["field"] == field
    listed = data(await gql("{ leaderboards(active: null) { key } }"))
    assert listed == {"leaderboards": [{"key": "points"}]}


async def test_bad_keys_and_duplicate_boards(gql: GQL) -> None:
    await metric(gql, "m")
    given = {"name": "B", "metrics": [{"metric": "m"}]}
    assert error_code(await gql(DEFINE, {"key": "has space", "input": given})) == "BAD_USER_INPUT"
    data(await gql(DEFINE, {"key": "b", "input": given}))
    assert error_code(await gql(DEFINE, {"key": "b", "input": given})) == "CONFLICT"


async def test_leaderboards_are_listed_by_category_and_deactivated(gql: GQL) -> None:
    await metric(gql, "m")
    await board(gql, "b1", [("m", 1)], category="experts")
    await board(gql, "b2", [("m", 1)], category="classes")
    listed = '{ leaderboards(category: "experts") { key category isActive } }'
    assert data(await gql(listed)) == {
        "leaderboards": [{"key": "b1", "category": "experts", "isActive": True}]
    }
    data(await gql('mutation { deactivateLeaderboard(key: "b1") }'))
    assert data(await gql(listed)) == {"leaderboards": []}
    assert error_code(await gql('{ leaderboard(key: "b1") { key } }')) == "NOT_FOUND"
    assert error_code(await gql('mutation { deactivateLeaderboard(key: "points") }')) == (
        "BAD_USER_INPUT"
    )


async def test_terms_come_from_the_calendar(gql: GQL) -> None:
    await metric(gql, "m")
    term = """mutation($key: String!, $s: DateTime!, $e: DateTime!) {
      defineCalendarPeriod(kind: TERM, key: $key, startsAt: $s, endsAt: $e) { key } }"""
    data(await gql(term, {"key": "T1", "s": "2025-09-01T00:00:00Z", "e": "2025-12-20T00:00:00Z"}))
    await board(gql, "term", [("m", 1)], timeWindow="TERM")
    a = await add(gql, "A")
    await record(gql, (a, "m", 2), at=T0)
    await record(gql, (a, "m", 5), at=datetime(2025, 12, 25, tzinfo=UTC))  # holidays: no term
    assert await ranking(gql, "term", "T1") == [("A", 1, 2.0)]
    overlap = {"key": "T2", "s": "2025-12-01T00:00:00Z", "e": "2026-01-20T00:00:00Z"}
    assert error_code(await gql(term, overlap)) == "CONFLICT"


async def test_events_keep_their_context_action_and_time(gql: GQL, tenant: TenantRef) -> None:
    await metric(gql, "m")
    a = await add(gql, "A")
    item = {"participantId": a, "metric": "m", "value": 1.5, "source": "lms", "sourceId": "x1",
            "actionType": "answer", "context": {"course": "C1"}, "occurredAt": T0.isoformat()}  # fmt: skip
    data(await gql(RECORD, {"inputs": [item]}))
    event = await ScoreEvent.get(tenant_id=tenant.id, source="lms", source_id="x1")
    assert (event.value, event.action_type, event.context, event.occurred_at) == (
        1.5, "answer", {"course": "C1"}, T0,
    )  # fmt: skip
    for bad in ({"occurredAt": "2025-11-04T12:00:00"}, {"value": 1e300}, {"sourceId": ""},
                {"context": [1]}):  # fmt: skip
        response = await gql(RECORD, {"inputs": [{**item, "sourceId": "x2", **bad}]})
        assert error_code(response) == "BAD_USER_INPUT", bad


async def test_concurrent_batches_on_different_metrics_of_one_participant_lose_nothing(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    await metric(gql, "x")
    await metric(gql, "y")
    await board(gql, "b", [("x", 1), ("y", 10)])
    people = [await add(gql, f"P{i}") for i in range(3)]
    rounds = 15

    async def send(m: str, r: int) -> None:
        inputs = [ScoreInput(m, 1.0, "race", f"{m}-{r}-{p}", participant_id=int(p)) for p in people]
        await record_scores(deps, tenant.id, inputs)

    for r in range(rounds):  # each round: two transactions, same participants, other metrics
        await asyncio.gather(send("x", r), send("y", r))
    assert [s for _, _, s in await ranking(gql, "b")] == [rounds * 11.0] * 3
    definition = await deps.definitions.board(tenant.id, "b")
    assert await verify(deps, definition, "all", 10) == []


async def test_a_standing_dropped_by_a_reweighting_comes_back_with_a_new_event(gql: GQL) -> None:
    await metric(gql, "x")
    await metric(gql, "y")
    await board(gql, "b", [("x", 1)])
    a, b = await add(gql, "A"), await add(gql, "B")
    await record(gql, (a, "x", 5), (b, "y", 1))
    data(await gql(WEIGHTS, {"key": "b", "weights": [{"metric": "y", "weight": 1}]}))
    assert await ranking(gql, "b") == [("B", 1, 1.0)]  # A has no y: off the board
    await record(gql, (a, "y", 2))
    assert await ranking(gql, "b") == [("A", 1, 2.0), ("B", 2, 1.0)]


async def test_percentiles_follow_competition_ranks_in_every_mode(gql: GQL) -> None:
    await metric(gql, "m")
    await board(gql, "b", [("m", 1)], rankMode="DENSE")
    people = [await add(gql, n) for n in "ABCD"]
    await record(gql, *((p, "m", v) for p, v in zip(people, [9, 5, 5, 1], strict=True)))
    found = data(await gql(BOARD, {"key": "b"}))["leaderboard"]["entries"]["edges"]
    assert [(e["node"]["rank"], e["node"]["percentile"]) for e in found] == [
        (1, 100.0), (2, 75.0), (2, 75.0), (3, 25.0),
    ]  # fmt: skip


async def test_a_custom_window_can_be_moved_and_rescored(gql: GQL) -> None:
    await metric(gql, "m")
    window = {"timeWindow": "CUSTOM", "startsAt": "2025-11-01T00:00:00Z",
              "endsAt": "2025-11-04T00:00:00Z"}  # fmt: skip
    await board(gql, "b", [("m", 1)], **window)
    a = await add(gql, "A")
    await record(gql, (a, "m", 3), at=T0)  # 4 November: outside
    assert await ranking(gql, "b") == []
    data(await gql(UPDATE, {"key": "b", "input": {"endsAt": "2025-11-05T00:00:00+01:00"}}))
    assert await ranking(gql, "b") == [("A", 1, 3.0)]
    found = data(await gql(BOARD, {"key": "b"}))["leaderboard"]
    assert found["periodEnd"] == "2025-11-04T23:00:00+00:00"


async def test_score_history_lists_a_participants_events_newest_first(gql: GQL) -> None:
    await metric(gql, "x")
    await metric(gql, "y")
    a, b = await add(gql, "A"), await add(gql, "B")
    await record(gql, (a, "x", 1), (b, "x", 9), at=T0)
    await record(gql, (a, "y", 2), at=T0 + timedelta(days=1))
    await record(gql, (a, "x", 3), at=T0 + timedelta(days=2))
    query = """query($id: ID!, $metric: String, $from: DateTime, $to: DateTime) {
      participant(id: $id) { scoreHistory(metric: $metric, from: $from, to: $to) {
        metric value occurredAt source } } }"""

    async def history(**args: Any) -> list[tuple[str, float]]:
        found = data(await gql(query, {"id": a, **args}))["participant"]["scoreHistory"]
        return [(e["metric"], e["value"]) for e in found]

    assert await history() == [("x", 3.0), ("y", 2.0), ("x", 1.0)]
    assert await history(metric="x") == [("x", 3.0), ("x", 1.0)]
    window = {
        "from": (T0 + timedelta(hours=1)).isoformat(),
        "to": (T0 + timedelta(days=2)).isoformat(),
    }
    assert await history(**window) == [("y", 2.0)]
    assert error_code(await gql(query, {"id": a, "metric": "nope"})) == "NOT_FOUND"


async def test_streaks_count_consecutive_active_periods(gql: GQL) -> None:
    await metric(gql, "m")
    await board(gql, "daily", [("m", 1)], timeWindow="DAILY")
    a, b = await add(gql, "A"), await add(gql, "B")
    for days_ago, who in ((2, a), (1, a), (0, a), (2, b), (0, b)):  # B skipped a day
        await record(gql, (who, "m", 1), at=T0 - timedelta(days=days_ago))
    query = """query($p: String) { leaderboard(key: "daily", period: $p) {
      entries { edges { node { streak participant { name } } } } } }"""

    async def streaks(period: str) -> dict[str, int]:
        found = data(await gql(query, {"p": period}))["leaderboard"]["entries"]["edges"]
        return {e["node"]["participant"]["name"]: e["node"]["streak"] for e in found}

    assert await streaks("2025-11-04") == {"A": 3, "B": 1}
    assert await streaks("2025-11-03") == {"A": 2}


async def test_opted_out_participants_are_scored_but_never_ranked(
    gql: GQL, deps: Deps, tenant: TenantRef
) -> None:
    await metric(gql, "m")
    await board(gql, "b", [("m", 1)])
    a, b = await add(gql, "A"), await add(gql, "B")
    await record(gql, (a, "m", 5), (b, "m", 3))
    opt = "mutation($id: ID!, $out: Boolean) { updateParticipant(id: $id, input: {optedOut: $out}) { optedOut } }"
    assert data(await gql(opt, {"id": a, "out": True})) == {"updateParticipant": {"optedOut": True}}
    assert await ranking(gql, "b") == [("B", 1, 3.0)]
    points = "{ leaderboard { entries { edges { node { participant { name } } } } } }"
    names = [
        e["node"]["participant"]["name"]
        for e in data(await gql(points))["leaderboard"]["entries"]["edges"]
    ]
    assert names == ["B"]

    await record(gql, (a, "m", 4))  # still scored while out
    assert await ranking(gql, "b") == [("B", 1, 3.0)]
    definition = await deps.definitions.board(tenant.id, "b")
    assert await verify(deps, definition, "all", 10) == []
    await rebuild_board(deps.store, definition.ref("all"), batch=100, fresh=True)
    assert await ranking(gql, "b") == [("B", 1, 3.0)]  # a rebuild keeps them out

    data(await gql(opt, {"id": a, "out": False}))
    assert await ranking(gql, "b") == [("A", 1, 9.0), ("B", 2, 3.0)]
    assert await verify(deps, definition, "all", 10) == []


async def test_entries_show_the_name_and_avatar_of_their_time(gql: GQL) -> None:
    await metric(gql, "m")
    await board(gql, "weekly", [("m", 1)], timeWindow="WEEKLY")
    make = "mutation($input: AddParticipantInput!) { addParticipant(input: $input) { id } }"
    added = await gql(make, {"input": {"name": "Ada", "avatarUrl": "https://x/ada.png"}})
    a = data(added)["addParticipant"]["id"]
    await record(gql, (a, "m", 1), at=T0 - timedelta(days=7))  # week 44
    rename = 'mutation($id: ID!) { updateParticipant(id: $id, input: {name: "Ada L.", avatarUrl: ""}) { name } }'
    data(await gql(rename, {"id": a}))
    await record(gql, (a, "m", 1), at=T0)  # week 45
    query = """query($p: String) { leaderboard(key: "weekly", period: $p) {
      entries { edges { node { displayName avatar participant { name avatarUrl } } } } } }"""

    async def entry(period: str) -> dict[str, Any]:
        found = data(await gql(query, {"p": period}))["leaderboard"]["entries"]["edges"]
        node: dict[str, Any] = found[0]["node"]
        return node

    assert await entry("2025-W44") == {
        "displayName": "Ada", "avatar": "https://x/ada.png",
        "participant": {"name": "Ada L.", "avatarUrl": ""},
    }  # fmt: skip
    assert (await entry("2025-W45"))["displayName"] == "Ada L."


async def test_adjust_points_of_an_opted_out_participant_answers_the_rank_it_would_have(
    gql: GQL,
) -> None:
    a, b = await add(gql, "A"), await add(gql, "B")
    opt = "mutation($id: ID!) { updateParticipant(id: $id, input: {optedOut: true}) { id } }"
    data(await gql(opt, {"id": a}))
    adjust = "mutation($id: ID!, $k: String) { adjustPoints(participantId: $id, delta: 5, idempotencyKey: $k) { rank score } }"
    first = data(await gql(adjust, {"id": a, "k": "once"}))["adjustPoints"]
    again = data(await gql(adjust, {"id": a, "k": "once"}))["adjustPoints"]
    assert first == again == {"rank": 1, "score": 5.0}
    points = "{ leaderboard { entries { edges { node { participant { id } } } } } }"
    listed = data(await gql(points))["leaderboard"]["entries"]["edges"]
    assert [e["node"]["participant"]["id"] for e in listed] == [b]


async def test_a_rescoring_keeps_the_names_of_past_periods(gql: GQL) -> None:
    await metric(gql, "m")
    await board(gql, "weekly", [("m", 1)], timeWindow="WEEKLY")
    a = await add(gql, "Ada")
    await record(gql, (a, "m", 1), at=T0 - timedelta(days=7))
    rename = 'mutation($id: ID!) { updateParticipant(id: $id, input: {name: "Ada L."}) { id } }'
    data(await gql(rename, {"id": a}))
    data(await gql(WEIGHTS, {"key": "weekly", "weights": [{"metric": "m", "weight": 3}]}))
    query = '{ leaderboard(key: "weekly", period: "2025-W44") { entries { edges { node { displayName score } } } } }'
    found = data(await gql(query))["leaderboard"]["entries"]["edges"]
    assert [e["node"] for e in found] == [{"displayName": "Ada", "score": 3.0}]
