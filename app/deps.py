"""What services need from the running process, passed explicitly (never a global)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.ranking.store import RankingStore
from app.settings import Settings

if TYPE_CHECKING:
    from app.ranking.keeper import RankingKeeper


@dataclass(frozen=True)
class Deps:
    settings: Settings
    store: RankingStore
    keeper: RankingKeeper
