"""What a key may do: its scopes.

    PUBLIC   a publishable key, for browsers: PUBLIC boards, their winners, runs and live
             updates, with participants' display fields (id, name, avatar) only
    READ     every query and subscription of the tenant except PRIVATE boards
    INGEST   score events and points; participants' details (a backend keeps its users)
    ADMIN    everything: definitions, runs, winners by hand, keys, deletions, the audit log

ADMIN implies READ and INGEST; PUBLIC goes alone (a publishable key is published: it must
never grow into more). Stored comma-separated on the key.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from app.errors import BadUserInput


class Scope(StrEnum):
    PUBLIC = "PUBLIC"
    READ = "READ"
    INGEST = "INGEST"
    ADMIN = "ADMIN"


IMPLIED = {Scope.ADMIN: {Scope.READ, Scope.INGEST}}


def check_scopes(scopes: Iterable[Scope]) -> frozenset[Scope]:
    """The scopes a new key gets; BAD_USER_INPUT for none, or PUBLIC with others."""
    chosen = frozenset(scopes)
    if not chosen:
        raise BadUserInput("A key needs at least one scope.", field="scopes")
    if Scope.PUBLIC in chosen and len(chosen) > 1:
        raise BadUserInput(
            "A PUBLIC (publishable) key can have no other scope: it is seen by anyone.",
            field="scopes",
        )
    return chosen


def effective(scopes: Iterable[Scope]) -> frozenset[Scope]:
    """The scopes a key holds, with those its scopes imply."""
    held = set(scopes)
    for scope in list(held):
        held |= IMPLIED.get(scope, set())
    return frozenset(held)


def encode(scopes: Iterable[Scope]) -> str:
    return ",".join(sorted(s.value for s in scopes))


def decode(text: str) -> frozenset[Scope]:
    return frozenset(Scope(s) for s in text.split(",") if s)
