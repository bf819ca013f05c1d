"""Relay-style connection types and the checks every paginated field shares."""

from __future__ import annotations

from typing import Generic, TypeVar

import strawberry

from app.errors import BadUserInput

T = TypeVar("T")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def page_info(cursors: list[str], *, has_next: bool, has_previous: bool) -> PageInfo:
    """The page info of a page whose edges have ``cursors``, in order."""
    return PageInfo(
        has_next_page=has_next,
        has_previous_page=has_previous,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int


def check_first(first: int, cap: int, *, name: str = "first") -> int:
    """``first`` if within 1..cap, else :class:`BadUserInput` naming the cap."""
    if first < 1:
        raise BadUserInput(f"{name} must be at least 1.", field=name)
    if first > cap:
        raise BadUserInput(f"{name} must be at most {cap}.", field=name, max=cap)
    return first


def parse_id(value: str, *, name: str = "id") -> int:
    """A numeric id from a GraphQL ``ID``; malformed ids are BAD_USER_INPUT."""
    if not (value.isascii() and value.isdigit()) or len(value) > 18 or int(value) == 0:
        raise BadUserInput(f"{name} must be a positive integer id.", field=name)
    return int(value)
