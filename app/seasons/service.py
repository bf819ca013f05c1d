"""Seasons: their definition, activity, progress and rewards.

A season's points are the scores of its own board (``season-<key>``, a SEASON board bound
to the season's calendar period), read from the ranking as any board's are; this module
only defines that board (through ``app.leaderboards.admin``) and maps scores to levels.

Conventions: a season spans [startsAt, endsAt) (an event at startsAt counts, one at endsAt
does not); seasons of a tenant never overlap (CONFLICT, as calendar periods); a season is
active while its flag is set *and* now is within its dates, and at most one season of a
tenant has the flag (a partial unique index). Points are read from the stored standings,
so a level is the one the points make now (after the season ended too: its rewards can
still be claimed). "Now" is always passed in (``at``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.deps import Deps
from app.errors import BadUserInput, Conflict, NotFound
from app.leaderboards import rankings
from app.leaderboards.admin import BoundBoard, WeightFields, define_calendar_period, set_weights
from app.leaderboards.definition import BoardDefinition
from app.leaderboards.models import CalendarPeriod, Leaderboard, TimeWindow, Visibility
from app.leaderboards.periods import MAX_KEY_LENGTH
from app.participants.views import ParticipantView, get_participants
from app.seasons.levels import LevelProgress, Levels, progress_of
from app.seasons.models import Season
from app.seasons.validation import (
    WeightGiven,
    check_name,
    check_season_key,
    check_weights,
    checked_levels,
)
from app.text import storable

BOARD_PREFIX = "season-"  # a season's board is season-<season key>


@dataclass(frozen=True, slots=True)
class SeasonView:
    id: int
    tenant_id: int
    key: str
    name: str
    starts_at: datetime
    ends_at: datetime
    flagged_active: bool  # the admin's flag; see ``active_at``
    levels: Levels
    board_key: str
    board_id: int

    def active_at(self, at: datetime) -> bool:
        """Active: flagged so, and ``at`` within [startsAt, endsAt)."""
        return self.flagged_active and self.starts_at <= at < self.ends_at


@dataclass(frozen=True, slots=True)
class SeasonFields:
    key: str
    name: str
    starts_at: datetime
    ends_at: datetime
    weights: tuple[WeightGiven, ...]
    level_step: int | None = None  # neither step nor thresholds: a step of 1000
    level_thresholds: tuple[float, ...] | None = None
    visibility: Visibility = Visibility.TENANT  # of the season's board, so of its progress


@dataclass(frozen=True, slots=True)
class SeasonChanges:
    """What ``update_season`` changes; None leaves a field as it is."""

    name: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    level_step: int | None = None  # a step or thresholds replaces the scheme
    level_thresholds: tuple[float, ...] | None = None
    is_active: bool | None = None


@dataclass(frozen=True, slots=True)
class ProgressView:
    season: SeasonView
    participant_id: int
    participant: ParticipantView | None
    points: float
    level: LevelProgress
    rank: int | None  # None: not ranked on the season's board


# -- seasons ------------------------------------------------------------------------------


def not_found(key: str) -> NotFound:
    return NotFound(f"No season with key {key!r}.")


async def get_season(tenant_id: int, key: str) -> SeasonView:
    """The tenant's season ``key``, or :class:`NotFound`."""
    row = None
    if storable(key) and len(key) <= MAX_KEY_LENGTH:
        row = await Season.get_or_none(tenant_id=tenant_id, key=key).select_related(
            "calendar_period", "leaderboard"
        )
    if row is None:
        raise not_found(key)
    return _view(row)


def _view(row: Season) -> SeasonView:
    thresholds = tuple(float(t) for t in row.level_thresholds or ())
    levels = Levels(step=row.level_step, thresholds=thresholds)
    period = row.calendar_period
    return SeasonView(
        id=row.id, tenant_id=row.tenant_id, key=row.key, name=row.name,  # type: ignore[attr-defined]
        starts_at=period.starts_at, ends_at=period.ends_at, flagged_active=row.is_active,
        levels=levels, board_key=row.leaderboard.key, board_id=row.leaderboard.id,
    )  # fmt: skip


async def list_seasons(tenant_id: int) -> list[SeasonView]:
    """The tenant's seasons, earliest first."""
    rows = await Season.filter(tenant_id=tenant_id).select_related("calendar_period", "leaderboard")
    return sorted((_view(r) for r in rows), key=lambda s: s.starts_at)


async def active_season(tenant_id: int, at: datetime) -> SeasonView | None:
    """The season flagged active, if ``at`` is within its dates; else None."""
    row = await Season.get_or_none(tenant_id=tenant_id, is_active=True).select_related(
        "calendar_period", "leaderboard"
    )
    season = _view(row) if row is not None else None
    return season if season is not None and season.active_at(at) else None


async def season_board(deps: Deps, season: SeasonView) -> BoardDefinition:
    """The definition of the season's board (its weights, visibility, ranking)."""
    return await deps.definitions.board(season.tenant_id, season.board_key)


async def create_season(deps: Deps, tenant_id: int, given: SeasonFields) -> SeasonView:
    """Create, in one transaction, the season's calendar period, its board (scored at once
    from the events already recorded within its dates) and its row. Not active."""
    check_season_key(given.key)
    check_name(given.name)
    levels = checked_levels(given.level_step, given.level_thresholds)
    check_weights(given.weights)
    if await Season.exists(tenant_id=tenant_id, key=given.key):
        raise Conflict(f"A season with key {given.key!r} exists.", field="key")
    bound = BoundBoard(
        BOARD_PREFIX + given.key, given.name, _board_weights(given.weights), given.visibility
    )

    async def also() -> None:
        period = await CalendarPeriod.get(
            tenant_id=tenant_id, kind=TimeWindow.SEASON, key=given.key
        )
        board = await Leaderboard.get(tenant_id=tenant_id, key=bound.key)
        await Season.create(
            tenant_id=tenant_id, key=given.key, name=given.name, leaderboard_id=board.id,
            calendar_period_id=period.id, **_level_values(levels),
        )  # fmt: skip

    await define_calendar_period(
        deps, tenant_id, TimeWindow.SEASON, given.key, given.name, given.starts_at,
        given.ends_at, bound=bound, also=also,
    )  # fmt: skip
    await deps.keeper.touch(tenant_id)
    return await get_season(tenant_id, given.key)


async def update_season(
    deps: Deps, tenant_id: int, key: str, changes: SeasonChanges, at: datetime
) -> SeasonView:
    """Change what is given, in one transaction. New dates move the season's period and
    re-score its board from the event log; ``is_active`` false clears the flag, true
    activates (as ``activate_season``). Everything is checked before anything is written:
    a refused update changes nothing."""
    season = await get_season(tenant_id, key)
    check_name(changes.name)
    levels = None
    if changes.level_step is not None or changes.level_thresholds is not None:
        levels = checked_levels(changes.level_step, changes.level_thresholds)
    starts, ends = changes.starts_at or season.starts_at, changes.ends_at or season.ends_at
    if changes.is_active:
        _check_within(starts, ends, at)
    name = changes.name or season.name
    values: dict[str, Any] = {"name": name, **(_level_values(levels) if levels else {})}
    if changes.is_active is not None:
        values["is_active"] = changes.is_active

    async def also() -> None:  # in the period's (re-scoring) transaction
        if changes.is_active:
            await _clear_other_flags(tenant_id, season.id, at)
        await Season.filter(id=season.id).update(**values, updated_at=at)
        if changes.name is not None:  # the board's name follows; its definition reloads
            await Leaderboard.filter(id=season.board_id).update(name=name, updated_at=at)

    try:  # moves the period when the dates changed, re-scoring the board
        await define_calendar_period(
            deps, tenant_id, TimeWindow.SEASON, key, name, starts, ends, also=also, owner=True
        )
    except IntegrityError:  # the partial unique index: another season was just activated
        raise _activated_meanwhile() from None
    await deps.keeper.touch(tenant_id)
    return await get_season(tenant_id, key)


async def activate_season(deps: Deps, tenant_id: int, key: str, at: datetime) -> SeasonView:
    """Flag the season active (``at`` must be within its dates) and every other season of
    the tenant inactive, in one transaction."""
    season = await get_season(tenant_id, key)
    _check_within(season.starts_at, season.ends_at, at)
    try:
        async with in_transaction():
            await _clear_other_flags(tenant_id, season.id, at)
            await Season.filter(id=season.id).update(is_active=True, updated_at=at)
    except IntegrityError:  # the partial unique index: another season was just activated
        raise _activated_meanwhile() from None
    await deps.keeper.touch(tenant_id)
    return await get_season(tenant_id, key)


async def _clear_other_flags(tenant_id: int, season_id: int, at: datetime) -> None:
    await (
        Season.filter(tenant_id=tenant_id, is_active=True)
        .exclude(id=season_id)
        .update(is_active=False, updated_at=at)
    )


def _activated_meanwhile() -> Conflict:
    return Conflict("Another season was activated at the same time; try again.")


def _check_within(starts: datetime, ends: datetime, at: datetime) -> None:
    if not starts <= at < ends:
        raise BadUserInput(
            "A season can be active only within its dates (startsAt <= now < endsAt).",
            field="season",
        )


def _level_values(levels: Levels) -> dict[str, Any]:
    if levels.step is not None:
        return {"level_step": levels.step, "level_thresholds": None}
    return {"level_step": None, "level_thresholds": list(levels.thresholds)}


def _board_weights(weights: Sequence[WeightGiven]) -> tuple[WeightFields, ...]:
    return tuple(WeightFields(w.metric, float(w.weight)) for w in weights)


# -- weights ------------------------------------------------------------------------------


def weights_of(definition: BoardDefinition) -> list[WeightGiven]:
    """The season's weights: its board's metrics."""
    return [WeightGiven(m.key, round(m.weight)) for m in definition.metrics]


async def set_season_weights(
    deps: Deps, tenant_id: int, key: str, weights: Sequence[WeightGiven]
) -> list[WeightGiven]:
    """Replace the season's weights; its board is re-scored from the event log."""
    season = await get_season(tenant_id, key)
    check_weights(weights)
    given = _board_weights(weights)
    definition = await set_weights(deps, tenant_id, season.board_key, given, owner=True)
    return weights_of(definition)


# -- progress -----------------------------------------------------------------------------


async def progress(
    deps: Deps, season: SeasonView, participant_ids: Sequence[int]
) -> dict[int, ProgressView]:
    """Each participant's points and level in the season, from their stored standing on its
    board (so a participant who opted out, or is beyond the board's maxEntries, keeps their
    points), and their rank from its ranking (Redis, or the database while Redis rebuilds
    it; None when not ranked). No standing: 0 points. Only participants of the tenant are
    in the answer."""
    definition = await season_board(deps, season)
    board = definition.ref(season.key)
    people = await get_participants(season.tenant_id, participant_ids)
    stored = await rankings.standing_scores(board, list(people))
    places = await rankings.scores_and_ranks(deps, board, list(people))
    found = {}
    for pid, person in people.items():
        points = stored.get(pid, 0.0)
        place = places.get(pid)
        rank = await rankings.rank_as(deps, definition.rank_mode, board, place) if place else None
        found[pid] = ProgressView(
            season, pid, person, points, progress_of(season.levels, points), rank
        )
    return found


async def progress_of_one(deps: Deps, season: SeasonView, participant_id: int) -> ProgressView:
    """One participant's progress, or :class:`NotFound` for a participant not of the tenant."""
    found = (await progress(deps, season, [participant_id])).get(participant_id)
    if found is None:
        raise NotFound(f"No participant with id {participant_id}.")
    return found
