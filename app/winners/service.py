"""Winner checks (seed 003): at each tick, the participant alone at the top is declared.

A board with ``winner_every`` set is checked every that many minutes, at ticks aligned to
UTC midnight (every 5 minutes: :00, :05, ...). At a tick the top two of the board's ranking
in the period current at that tick are read in one consistent read; if exactly one
participant holds the best place it is stored as the winner of that tick with its score,
otherwise (a tie for the top, an empty board) nothing is stored. A tick has at most one
winner: the table's unique (board, tick) constraint decides between two workers, a retried
job or a check by hand. A scheduled check that runs too late (``winner_late_seconds`` after
its tick: no worker ran at the time) is recorded as missed, never declared with later
scores. An admin's ``detectWinner`` decides the current tick (the latest at or before now)
with the scores as they are now, and says so when that tick was decided already.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from tortoise.exceptions import IntegrityError

from app.db import fetch, timestamp
from app.deps import Deps
from app.errors import BadUserInput, Unavailable
from app.leaderboards import rankings
from app.leaderboards.definition import BoardDefinition, load_definitions
from app.leaderboards.models import Visibility
from app.leaderboards.service import board_in
from app.winners.models import Winner

log = logging.getLogger(__name__)
FAILED = "failed"  # a board whose check raised (counted in the job's outcome)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


class Outcome(StrEnum):
    DECLARED = "DECLARED"
    TIE = "TIE"  # several participants share the top: nobody is declared
    EMPTY = "EMPTY"  # nobody is ranked
    ALREADY_DECLARED = "ALREADY_DECLARED"  # this tick has its winner already
    MISSED = "MISSED"  # checked too long after the tick: nothing is declared for it


@dataclass(frozen=True, slots=True)
class WinnerView:
    id: int
    tenant_id: int
    leaderboard: str
    period: str
    participant_id: int
    points: float
    declared_at: datetime
    tick: datetime


@dataclass(frozen=True, slots=True)
class Detection:
    leaderboard: str
    tick: datetime
    outcome: Outcome
    winner: WinnerView | None = None


@dataclass(frozen=True, slots=True)
class WinnerPage:
    items: list[WinnerView]
    has_next: bool


def tick_at(moment: datetime, every: int) -> datetime:
    """The latest tick of an every-``every``-minutes check at or before ``moment``."""
    minutes = (moment - EPOCH) // MINUTE
    return EPOCH + (minutes - minutes % every) * MINUTE


def is_tick(moment: datetime, every: int) -> bool:
    return tick_at(moment, every) == moment


async def due_boards(tick: datetime) -> list[BoardDefinition]:
    """The active boards, of every tenant, whose winner check ticks at ``tick``."""
    boards = await load_definitions(None, is_active=True, winner_every__isnull=False)
    return [b for b in boards if b.winner_every and is_tick(tick, b.winner_every)]


async def detect(
    deps: Deps, definition: BoardDefinition, tick: datetime, now: datetime, *, late: timedelta
) -> Detection:
    """Check the board at ``tick`` (it is ``now``): declare the winner of that tick, or say
    why not. More than ``late`` after the tick it is MISSED: scores of ``now`` are not the
    scores of the tick."""
    key = definition.key
    found = await _winner_of(definition.id, tick)
    if found is not None:
        return Detection(key, tick, Outcome.ALREADY_DECLARED, found)
    if now - tick > late:
        log.warning("winner check of %s at %s missed (run at %s)", key, tick, now)
        return Detection(key, tick, Outcome.MISSED)
    board = board_in(definition, at=tick).ref
    for _ in range(2):  # a participant deleted since the read: read again
        top = await rankings.top_places(deps, board, 2)
        if not top:
            return Detection(key, tick, Outcome.EMPTY)
        if len(top) > 1 and top[1].rank == top[0].rank:
            return Detection(key, tick, Outcome.TIE)
        first = top[0]
        try:
            winner = await Winner.create(
                tenant_id=definition.tenant_id,
                leaderboard_id=definition.id,
                period=board.period,
                participant_id=first.participant_id,
                points=first.score,
                declared_at=now,
                tick=tick,
            )
        except IntegrityError:  # another check took this tick, or the participant is gone
            found = await _winner_of(definition.id, tick)
            if found is not None:
                return Detection(key, tick, Outcome.ALREADY_DECLARED, found)
            continue
        view = WinnerView(
            winner.id,
            definition.tenant_id,
            key,
            board.period,
            first.participant_id,
            first.score,
            now,
            tick,
        )
        await _announce(deps, view)
        return Detection(key, tick, Outcome.DECLARED, view)
    return Detection(key, tick, Outcome.EMPTY)


async def check_tick(
    deps: Deps, boards: list[BoardDefinition], tick: datetime, now: datetime
) -> tuple[str, dict[str, int]]:
    """The check of ``tick`` on every due board: the job's outcome ("ok"; "missed" when it
    ran too late to declare anyone; "partial" when some board's check failed, the others
    being decided) and how many boards ended how ("failed": the check raised)."""
    late = timedelta(seconds=deps.settings.winner_late_seconds)
    counts: dict[str, int] = {}
    for board in boards:
        try:
            outcome = (await detect(deps, board, tick, now, late=late)).outcome.value.lower()
        except Exception:  # one board's failure does not cost the others their winner
            log.exception("winner check of %s at %s failed", board.key, tick.isoformat())
            outcome = FAILED
        counts[outcome] = counts.get(outcome, 0) + 1
    if FAILED in counts:
        return "partial", counts
    missed = counts.get(Outcome.MISSED.value.lower(), 0) == len(boards)
    return ("missed" if missed else "ok"), counts


async def detect_now(deps: Deps, definition: BoardDefinition, now: datetime) -> Detection:
    """The check of the current tick, now (an admin's ``detectWinner``)."""
    if not definition.winner_every:
        raise BadUserInput(
            f"Leaderboard {definition.key!r} has no winner detection (set winnerEvery).",
            field="leaderboard",
        )
    tick = tick_at(now, definition.winner_every)
    return await detect(
        deps, definition, tick, now, late=timedelta(minutes=definition.winner_every)
    )


def from_event(tenant_id: int, board_key: str, event: dict[str, Any]) -> WinnerView:
    """The winner a ``winner`` event of the board announces (see ``_announce``)."""
    return WinnerView(
        id=int(event["id"]),
        tenant_id=tenant_id,
        leaderboard=board_key,
        period=str(event["period"]),
        participant_id=int(event["participantId"]),
        points=float(event["points"]),
        declared_at=datetime.fromisoformat(event["declaredAt"]),
        tick=datetime.fromisoformat(event["tick"]),
    )


async def _announce(deps: Deps, winner: WinnerView) -> None:
    event = {
        "kind": "winner",
        "id": winner.id,
        "period": winner.period,
        "participantId": winner.participant_id,
        "points": winner.points,
        "declaredAt": winner.declared_at.isoformat(),
        "tick": winner.tick.isoformat(),
    }
    if not await deps.keeper.touch(winner.tenant_id):  # cached reads of winners are out of
        return  # date; with Redis away, the repair bumps the version once it is back
    try:
        await deps.store.publish_event(winner.tenant_id, winner.leaderboard, event)
    except Unavailable:  # the winner is stored; only its announcement is lost
        log.warning("could not announce the winner of %s at %s", winner.leaderboard, winner.tick)


async def _winner_of(leaderboard_id: int, tick: datetime) -> WinnerView | None:
    rows = await _rows("w.leaderboard_id = $1 AND w.tick = $2", [leaderboard_id, tick], 1)
    return rows[0] if rows else None


async def winners(tenant_id: int, board_key: str, first: int, before_id: int | None) -> WinnerPage:
    """The board's winners, newest first, ``first`` after the cursor (an id)."""
    condition = "w.tenant_id = $1 AND l.key = $2"
    values: list[object] = [tenant_id, board_key]
    if before_id is not None:
        condition += " AND w.id < $3"
        values.append(before_id)
    found = await _rows(condition, values, first + 1)
    return WinnerPage(found[:first], len(found) > first)


async def wins_of(
    tenant_id: int,
    participant_ids: Sequence[int],
    first: int,
    *,
    visible: Collection[Visibility],
) -> dict[int, list[WinnerView]]:
    """Each participant's latest ``first`` wins, newest first (one query for all), on boards
    of the ``visible`` visibilities only (what the caller may see of boards)."""
    if not participant_ids or not visible:
        return {int(p): [] for p in participant_ids}
    marks = ", ".join(f"${i + 2}" for i in range(len(participant_ids)))
    shown = ", ".join(f"'{Visibility(v).value}'" for v in visible)  # enum values only
    seen = f" AND l.visibility IN ({shown})"
    found = await fetch(
        "SELECT * FROM (SELECT w.id, w.tenant_id, l.key, w.period, w.participant_id, w.points,"
        " w.declared_at, w.tick, ROW_NUMBER() OVER (PARTITION BY w.participant_id"
        " ORDER BY w.id DESC) AS n FROM winners w JOIN leaderboards l ON l.id = w.leaderboard_id"
        f" WHERE w.tenant_id = $1 AND w.participant_id IN ({marks}){seen}) ranked"
        f" WHERE n <= ${len(participant_ids) + 2} ORDER BY participant_id, id DESC",
        [tenant_id, *participant_ids, first],
    )
    out: dict[int, list[WinnerView]] = {int(p): [] for p in participant_ids}
    for r in found:
        out[int(r["participant_id"])].append(_from_row(r))
    return out


async def _rows(condition: str, values: list[object], limit: int) -> list[WinnerView]:
    found = await fetch(
        "SELECT w.id, w.tenant_id, l.key, w.period, w.participant_id, w.points, w.declared_at,"
        " w.tick FROM winners w JOIN leaderboards l ON l.id = w.leaderboard_id"
        f" WHERE {condition} ORDER BY w.id DESC LIMIT {int(limit)}",
        values,
    )
    return [_from_row(r) for r in found]


def _from_row(r: dict[str, Any]) -> WinnerView:
    return WinnerView(
        int(r["id"]),
        int(r["tenant_id"]),
        str(r["key"]),
        str(r["period"]),
        int(r["participant_id"]),
        float(r["points"]),
        timestamp(r["declared_at"]),
        timestamp(r["tick"]),
    )
