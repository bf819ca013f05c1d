"""Mailboxes: a lagging subscriber skips ahead instead of queueing, and a stuck one is cut."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from app.live.mailbox import Latest, PerParticipant, SubscriberTooSlow
from app.live.messages import Change

AT = datetime(2026, 1, 1, tzinfo=UTC)


def change(
    pid: int, old: float | None, new: float | None, old_rank: int | None, new_rank: int | None
) -> Change:
    return Change(pid, old, new, old_rank, new_rank, AT, version=1)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Cut:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1


async def test_a_lagging_reader_gets_one_merged_change_per_participant_in_arrival_order() -> None:
    box = PerParticipant(capacity=10, stuck_after=30, on_stuck=Cut())
    box.offer(change(1, 0, 5, 3, 2))
    box.offer(change(2, 1, 2, 2, 3))
    box.offer(change(1, 5, 9, 2, 1))

    first, second = await box.get(), await box.get()

    assert (first.participant_id, first.old_score, first.new_score) == (1, 0, 9)
    assert (first.old_rank, first.new_rank, first.merged) == (3, 1, 2)
    assert (second.participant_id, second.merged) == (2, 1)


async def test_a_reader_that_keeps_up_sees_every_change() -> None:
    box = PerParticipant(capacity=10, stuck_after=30, on_stuck=Cut())
    seen = []
    for score in range(1, 6):
        box.offer(change(1, score - 1, score, 1, 1))
        seen.append((await box.get()).new_score)
    assert seen == [1, 2, 3, 4, 5]


async def test_overflowing_the_capacity_ends_the_subscription() -> None:
    cut = Cut()
    box = PerParticipant(capacity=3, stuck_after=30, on_stuck=cut)
    for pid in range(1, 5):
        box.offer(change(pid, None, 0, None, 1))

    with pytest.raises(SubscriberTooSlow, match="behind"):
        await box.get()
    assert cut.calls == 0  # a reader gets the error; the connection stays


async def test_an_overflowed_box_that_is_not_read_either_is_cut() -> None:
    clock, cut = Clock(), Cut()
    box = PerParticipant(capacity=3, stuck_after=5, on_stuck=cut, clock=clock)
    for pid in range(1, 5):
        box.offer(change(pid, None, 0, None, 1))
    clock.now = 6
    box.offer(change(9, None, 0, None, 1))
    box.offer(change(10, None, 0, None, 1))

    assert cut.calls == 1


async def test_a_reader_behind_for_longer_than_stuck_after_is_cut() -> None:
    clock, cut = Clock(), Cut()
    box = PerParticipant(capacity=100, stuck_after=5, on_stuck=cut, clock=clock)
    box.offer(change(1, None, 0, None, 1))
    clock.now = 4.9
    box.offer(change(2, None, 0, None, 2))
    assert cut.calls == 0

    clock.now = 5.1
    box.offer(change(3, None, 0, None, 3))

    assert cut.calls == 1
    with pytest.raises(SubscriberTooSlow):
        await box.get()


async def test_reading_resets_the_stuck_clock() -> None:
    clock, cut = Clock(), Cut()
    box = PerParticipant(capacity=100, stuck_after=5, on_stuck=cut, clock=clock)
    for t in range(20):
        clock.now = float(t)
        box.offer(change(1, None, t, None, 1))
        await box.get()
    assert cut.calls == 0


async def test_latest_keeps_only_the_newest_item() -> None:
    box: Latest[str] = Latest(stuck_after=30, on_stuck=Cut())
    for item in ("a", "b", "c"):
        box.offer(item)

    assert await box.get() == "c"
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(box.get(), 0.05)  # nothing newer arrived


async def test_latest_wakes_a_waiting_reader() -> None:
    box: Latest[str] = Latest(stuck_after=30, on_stuck=Cut())
    reader = asyncio.create_task(box.get())
    await asyncio.sleep(0)  # let the reader start waiting
    box.offer("x")
    assert await asyncio.wait_for(reader, 1) == "x"
