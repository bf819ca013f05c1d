"""Subscriptions over real websockets, both protocols, against a real server."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from redis.asyncio import Redis

from app.deps import Deps
from app.leaderboards.admin import (
    BoardFields,
    MetricFields,
    WeightFields,
    define_calendar_period,
    define_leaderboard,
    define_metric,
)
from app.leaderboards.models import RankMode, TimeWindow
from app.live.service import LiveService
from app.participants.service import add_participant, delete_participant, update_participant
from app.participants.validation import ParticipantFields
from app.scoring.service import ScoreInput, adjust_points, record_scores
from app.tenancy.service import TenantRef
from tests.factories import participant
from tests.live.conftest import channel_of, numsub, until
from tests.live.wsclient import LegacyWsClient, WsClient

RANK_CHANGED = """
subscription($ids: [ID!]) {
  rankChanged(participantIds: $ids) {
    leaderboard participantId participant { name } oldRank newRank oldScore newScore at merged
  }
}"""
TOP = """
subscription($first: Int!) {
  leaderboardTop(first: $first) { rank score participant { id name } }
}"""


def change(payload: dict[str, Any]) -> tuple[Any, ...]:
    assert "errors" not in payload, payload
    c = payload["data"]["rankChanged"]
    return (c["participantId"], c["oldRank"], c["newRank"], c["oldScore"], c["newScore"])


def top(payload: dict[str, Any]) -> list[tuple[str, int, float]]:
    assert "errors" not in payload, payload
    return [
        (e["participant"]["name"], e["rank"], e["score"]) for e in payload["data"]["leaderboardTop"]
    ]


async def _numsub_at_least(redis: Redis, channel: str) -> bool:
    return await numsub(redis, channel) >= 1


@pytest.mark.parametrize(
    "client_class", [WsClient, LegacyWsClient], ids=["transport-ws", "legacy-ws"]
)
async def test_rank_changed_reports_additions_changes_and_deletions(
    ws_url: str,
    deps: Deps,
    live: LiveService,
    tenant: TenantRef,
    redis: Redis,
    client_class: type[WsClient],
) -> None:
    ada = await participant(deps, tenant.id, "Ada", points=10)
    client = await client_class.open(ws_url)
    await client.subscribe("1", RANK_CHANGED)
    channel = await channel_of(deps, tenant)
    await until(lambda: _numsub_at_least(redis, channel), what="the subscription")

    bob = await participant(deps, tenant.id, "Bob")
    await adjust_points(deps, tenant.id, bob, 15, None)
    await delete_participant(deps, tenant.id, ada)

    added = await client.next_data("1")
    assert change(added) == (str(bob), None, 2, None, 0.0)
    assert added["data"]["rankChanged"]["participant"] == {"name": "Bob"}
    assert added["data"]["rankChanged"]["leaderboard"] == "points"
    assert added["data"]["rankChanged"]["merged"] == 1
    assert change(await client.next_data("1")) == (str(bob), 2, 1, 0.0, 15.0)
    deleted = await client.next_data("1")
    assert change(deleted) == (str(ada), 2, None, 10.0, None)
    assert deleted["data"]["rankChanged"]["participant"] is None  # gone with its row

    if client_class is LegacyWsClient:  # the legacy protocol's keep-alive
        assert {"type": "ka"} in client.ignored
    await client.stop("1")
    await until(lambda: live.feed_count() == 0, what="the feed to close")
    await until(lambda: _numsub_is(redis, channel, 0), what="the channel to be unsubscribed")
    await client.close()


async def _numsub_is(redis: Redis, channel: str, count: int) -> bool:
    return await numsub(redis, channel) == count


async def test_rank_changed_filters_by_participant(
    ws_url: str, deps: Deps, tenant: TenantRef, redis: Redis
) -> None:
    ada = await participant(deps, tenant.id, "Ada")
    bob = await participant(deps, tenant.id, "Bob")
    client = await WsClient.open(ws_url)
    await client.subscribe("f", RANK_CHANGED, {"ids": [str(bob)]})
    channel = await channel_of(deps, tenant)
    await until(lambda: _numsub_at_least(redis, channel), what="the subscription")

    await adjust_points(deps, tenant.id, ada, 5, None)  # not Bob: not delivered
    await adjust_points(deps, tenant.id, bob, 7, None)

    assert change(await client.next_data("f")) == (str(bob), 2, 1, 0.0, 7.0)
    await client.close()


async def test_leaderboard_top_pushes_at_once_then_when_the_top_changes(
    ws_url: str, deps: Deps, tenant: TenantRef
) -> None:
    ids = {n: await participant(deps, tenant.id, n, points=p) for n, p in
           [("A", 40), ("B", 30), ("C", 20), ("D", 10), ("E", 5)]}  # fmt: skip
    client = await WsClient.open(ws_url)
    await client.subscribe("t", TOP, {"first": 3})

    assert top(await client.next_data("t")) == [("A", 1, 40.0), ("B", 2, 30.0), ("C", 3, 20.0)]

    await adjust_points(deps, tenant.id, ids["E"], 1, None)  # 5 -> 6: below the top 3
    await adjust_points(deps, tenant.id, ids["D"], 25, None)  # 10 -> 35: into the top 3

    # The first push after subscribing is the second change: the first could not alter it.
    assert top(await client.next_data("t")) == [("A", 1, 40.0), ("D", 2, 35.0), ("B", 3, 30.0)]
    await client.close()


async def test_leaderboard_top_coalesces_bursts(
    ws_url: str, deps: Deps, tenant: TenantRef, monkeypatch: pytest.MonkeyPatch
) -> None:
    interval = 0.25
    monkeypatch.setattr(deps.settings, "live_top_interval", interval)
    a = await participant(deps, tenant.id, "A", points=1)
    client = await WsClient.open(ws_url)
    await client.subscribe("t", TOP, {"first": 1})
    assert top(await client.next_data("t")) == [("A", 1, 1.0)]

    loop = asyncio.get_running_loop()
    started = loop.time()
    for _ in range(40):
        await adjust_points(deps, tenant.id, a, 1, None)
    burst = loop.time() - started

    pushes = [top(await client.next_data("t"))]
    while pushes[-1] != [("A", 1, 41.0)]:
        pushes.append(top(await client.next_data("t")))
    # One push per interval at most (plus one at each end), never one per change.
    assert len(pushes) <= 2 + burst / interval, (len(pushes), burst)
    assert len(pushes) < 40
    await client.close()


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        (TOP, {"first": 101}, "BAD_USER_INPUT"),
        (TOP, {"first": 0}, "BAD_USER_INPUT"),
        ('subscription { leaderboardTop(leaderboard: "nope") { rank } }', {}, "NOT_FOUND"),
        (RANK_CHANGED, {"ids": ["x1"]}, "BAD_USER_INPUT"),
        ("subscription { rankChanged { nope } }", {}, "BAD_USER_INPUT"),
    ],
    ids=["first-above-cap", "first-zero", "unknown-board", "bad-id", "unknown-field"],
)
async def test_bad_subscriptions_get_a_coded_error_and_leave_nothing_behind(
    ws_url: str, deps: Deps, live: LiveService, query: str, variables: dict[str, Any], code: str
) -> None:
    client = await WsClient.open(ws_url)
    await client.subscribe("bad", query, variables)

    message = await client.receive()

    assert message["id"] == "bad"
    assert message["type"] == "error", message  # a request error: no stream was started
    assert [e["extensions"]["code"] for e in message["payload"]] == [code], message
    assert live.feed_count() == 0
    assert live.hub.listener_count() == 0
    await client.close()


async def test_leaderboard_top_pushes_when_a_shown_participant_is_renamed(
    ws_url: str, deps: Deps, tenant: TenantRef
) -> None:
    a = await participant(deps, tenant.id, "A", points=2)
    outside = await participant(deps, tenant.id, "Z", points=1)
    client = await WsClient.open(ws_url)
    await client.subscribe("t", TOP, {"first": 1})
    assert top(await client.next_data("t")) == [("A", 1, 2.0)]

    await update_participant(deps, tenant.id, outside, ParticipantFields(name="Y"))  # not shown
    await update_participant(deps, tenant.id, a, ParticipantFields(name="Ada"))

    assert top(await client.next_data("t")) == [("Ada", 1, 2.0)]
    await client.close()


async def test_a_client_that_stops_reading_is_cut_off_and_forgotten(
    ws_url: str, deps: Deps, live: LiveService, tenant: TenantRef, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deps.settings, "live_buffer", 3)
    monkeypatch.setattr(deps.settings, "live_stuck_seconds", 0.2)
    bulky = {"notes": "x" * 15_000}  # ~450 KB per message below: socket buffers fill fast
    ids = [
        (await add_participant(deps, tenant.id, ParticipantFields(name=f"P{i}", metadata=bulky))).id
        for i in range(60)
    ]
    fields = " ".join(f"a{i}: participant {{ metadata }}" for i in range(30))
    # A client that buffers little: a small socket receive buffer, one queued message, and
    # no compression (which would squeeze these repetitive messages to almost nothing).
    raw = socket.create_connection(("127.0.0.1", int(ws_url.split(":")[2].split("/")[0])))
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    client = await WsClient.open(ws_url, sock=raw, max_queue=1, compression=None)
    await client.subscribe("s", f"subscription {{ rankChanged {{ {fields} }} }}")
    channel = await channel_of(deps, tenant)
    await until(lambda: live.hub.confirmed(channel), what="the subscription")

    for pid in ids:  # the client reads none of this
        await adjust_points(deps, tenant.id, pid, 1, None)

    # Changes keep coming; once it has read nothing for live_stuck_seconds while they wait,
    # the server cuts it: no subscriber, no feed, nothing buffered for it.
    async def cut() -> bool:
        await adjust_points(deps, tenant.id, ids[0], 1, None)
        return live.feed_count() == 0

    await until(cut, seconds=30, what="the stuck client to go")
    assert live.hub.listener_count() == 0
    client.socket.transport.abort()


async def test_many_subscribers_share_one_redis_subscription(
    ws_url: str, deps: Deps, live: LiveService, tenant: TenantRef, redis: Redis
) -> None:
    clients = [await WsClient.open(ws_url) for _ in range(10)]
    for i, client in enumerate(clients):
        await client.subscribe("a", RANK_CHANGED)
        await client.subscribe("b", TOP, {"first": 1 + i})
    channel = await channel_of(deps, tenant)
    await until(lambda: live.subscriber_count() == 20 and live.hub.confirmed(channel))

    assert await numsub(redis, channel) == 1  # one connection for 20 subscriptions
    assert live.feed_count() == 1
    for client in clients:
        await client.close()
    await until(lambda: _numsub_is(redis, channel, 0), what="the channel to be released")


@pytest.mark.parametrize(
    "client_class", [WsClient, LegacyWsClient], ids=["transport-ws", "legacy-ws"]
)
async def test_subscriptions_beyond_the_per_connection_limit_are_rate_limited(
    ws_url: str, deps: Deps, client_class: type[WsClient]
) -> None:
    client = await client_class.open(ws_url)
    await client.subscribe("1", TOP, {"first": 1})
    await client.next_data("1")
    limit = deps.settings.live_max_subscriptions
    for i in range(2, limit + 1):
        await client.subscribe(str(i), TOP, {"first": 1})
        await client.next_data(str(i))

    await client.subscribe("over", TOP, {"first": 1})

    message = await client.receive()
    assert (message["id"], message["type"]) == ("over", "error")
    errors = message["payload"] if isinstance(message["payload"], list) else [message["payload"]]
    assert [e["extensions"]["code"] for e in errors] == ["RATE_LIMITED"]
    await client.close()


async def test_subscriptions_follow_the_board_into_its_next_period(
    ws_url: str, deps: Deps, tenant: TenantRef
) -> None:
    now = datetime.now(UTC)
    rollover = now + timedelta(seconds=2)
    for key, starts, ends in (("T1", now - timedelta(hours=1), rollover),
                              ("T2", rollover, now + timedelta(days=1))):  # fmt: skip
        await define_calendar_period(deps, tenant.id, TimeWindow.TERM, key, key, starts, ends)
    await define_metric(deps, tenant.id, MetricFields("m", "M"))
    fields = BoardFields(name="T", time_window=TimeWindow.TERM, metrics=(WeightFields("m"),))
    await define_leaderboard(deps, tenant.id, "term", fields)
    a, b = await participant(deps, tenant.id, "A"), await participant(deps, tenant.id, "B")
    await record_scores(deps, tenant.id, [ScoreInput("m", 1, "t", "1", participant_id=a)])

    client = await WsClient.open(ws_url)
    query = (
        'subscription { leaderboardTop(leaderboard: "term", first: 3) { participant { name } } }'
    )
    await client.subscribe("t", query)
    names = lambda p: [e["participant"]["name"] for e in p["data"]["leaderboardTop"]]  # noqa: E731
    assert names(await client.next_data("t")) == ["A"]  # term T1
    assert names(await client.next_data("t", seconds=10)) == []  # T2 began: nobody yet
    await until(lambda: datetime.now(UTC) >= rollover, what="the rollover")
    await record_scores(deps, tenant.id, [ScoreInput("m", 1, "t", "2", participant_id=b)])
    assert names(await client.next_data("t")) == ["B"]
    await client.close()


async def _board_of_four(
    deps: Deps, tenant: TenantRef, key: str, mode: RankMode, max_entries: int | None = None
) -> list[int]:
    """Board ``key`` of metric m in rank mode ``mode``, with A, B, C, D scoring 9, 5, 5, 1;
    returns their ids."""
    await define_metric(deps, tenant.id, MetricFields("m", "M"))
    fields = BoardFields(
        name=key, rank_mode=mode, max_entries=max_entries, metrics=(WeightFields("m"),)
    )
    await define_leaderboard(deps, tenant.id, key, fields)
    people = [await participant(deps, tenant.id, name) for name in "ABCD"]
    events = [ScoreInput("m", v, "t", str(i), participant_id=p)
              for i, (p, v) in enumerate(zip(people, [9, 5, 5, 1], strict=True))]  # fmt: skip
    await record_scores(deps, tenant.id, events)
    return people


async def test_live_tops_use_the_boards_rank_mode_and_cap(
    ws_url: str, deps: Deps, tenant: TenantRef
) -> None:
    await _board_of_four(deps, tenant, "dense", RankMode.DENSE, max_entries=3)

    client = await WsClient.open(ws_url)
    query = """subscription { leaderboardTop(leaderboard: "dense", first: 10) {
      rank participant { name } displayName breakdown { metric value } } }"""
    await client.subscribe("t", query)
    payload = await client.next_data("t")
    ranks = [(e["participant"]["name"], e["rank"]) for e in payload["data"]["leaderboardTop"]]
    assert ranks == [("A", 1), ("B", 2), ("C", 2)]  # dense, and only maxEntries of them
    first = payload["data"]["leaderboardTop"][0]  # entries of the board: its snapshots too
    assert (first["displayName"], first["breakdown"]) == ("A", [{"metric": "m", "value": 9.0}])
    await client.close()


@pytest.mark.parametrize(
    ("mode", "ranks"),
    [("COMPETITION", (4, 1)), ("DENSE", (3, 1)), ("ORDINAL", (4, 2))],
)
async def test_rank_changes_use_the_boards_rank_mode(
    ws_url: str, deps: Deps, tenant: TenantRef, redis: Redis, mode: str, ranks: tuple[int, int]
) -> None:
    people = await _board_of_four(deps, tenant, "b", RankMode(mode))

    client = await WsClient.open(ws_url)
    query = 'subscription { rankChanged(leaderboard: "b") { participantId oldRank newRank } }'
    await client.subscribe("c", query)
    definition = await deps.definitions.board(tenant.id, "b")
    channel = deps.store.keys(definition.ref("all")).changes
    await until(lambda: _numsub_at_least(redis, channel), what="the subscription")
    # D (last of 9, 5, 5, 1) joins A at 9, after A in the ordering (by participant id).
    await record_scores(deps, tenant.id, [ScoreInput("m", 8, "t", "d", participant_id=people[3])])
    payload = await client.next_data("c")
    found = payload["data"]["rankChanged"]
    assert (found["participantId"], found["oldRank"], found["newRank"]) == (str(people[3]), *ranks)
    await client.close()
