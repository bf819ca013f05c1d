"""API keys as presented: made, digested, and looked up (cached for a few seconds).

A key is ``rks_`` (secret: READ, INGEST, ADMIN) or ``rkp_`` (publishable: PUBLIC) followed
by 43 characters of 256 random bits. Only its keyed digest is stored, HMAC-SHA256 under the
service's pepper (``RANKED_KEY_PEPPER``; unset, a random one kept in the data directory,
which suits one machine only): a slow hash buys nothing against random 256-bit keys, and the
pepper means a copy of the database alone cannot check a guess. A lookup is by digest, so
there is nothing to compare in variable time.

Each process trusts a lookup for ``RANKED_KEY_CACHE_SECONDS``: a key revoked, or a tenant
suspended, elsewhere stops working within that (here at once).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.db import fetch
from app.tenancy.models import ApiKey, TenantStatus
from app.tenancy.scopes import Scope, decode, effective
from app.tenancy.tenant_settings import TenantSettings, parse_settings

SECRET_PREFIX, PUBLISHABLE_PREFIX = "rks_", "rkp_"
HINT_LENGTH = 12  # prefix and 8 characters: enough to tell keys apart, far from enough to use
CACHE_SIZE = 4096
UNKNOWN_CACHE_SIZE = 1024  # of keys that do not exist: their own, so a flood of made-up
# keys cannot push real ones out of the cache above
LAST_USED_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often per key
PEPPER_FILE = "key-pepper"


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """A stored key with its tenant, as a lookup finds it."""

    id: int
    name: str
    tenant_id: int
    tenant_slug: str
    tenant_status: TenantStatus
    scopes: frozenset[Scope]  # with those they imply
    revoked: bool
    tenant_settings: TenantSettings


def new_key(publishable: bool) -> str:
    return (PUBLISHABLE_PREFIX if publishable else SECRET_PREFIX) + secrets.token_urlsafe(32)


def hint_of(key: str) -> str:
    return key[:HINT_LENGTH]


def load_pepper(configured: str | None, data_dir: Path) -> bytes:
    """The configured pepper, or the one kept in ``data_dir`` (made on first use)."""
    if configured:
        return configured.encode()
    path = data_dir / PEPPER_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: use theirs
        else:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


class KeyRing:
    """Digests keys and looks them up, with a short per-process cache."""

    def __init__(self, pepper: bytes, cache_seconds: float) -> None:
        self._pepper = pepper
        self._ttl = cache_seconds
        self._cache: OrderedDict[str, tuple[float, KeyRecord | None]] = OrderedDict()
        self._unknown: OrderedDict[str, tuple[float, KeyRecord | None]] = OrderedDict()
        self._last_used: dict[int, datetime] = {}

    def digest(self, key: str) -> str:
        return hmac.new(self._pepper, key.encode(), hashlib.sha256).hexdigest()

    async def lookup(self, key: str) -> KeyRecord | None:
        """The key's record (None: no such key), from the cache while it is fresh."""
        digest = self.digest(key)
        now = time.monotonic()
        for cache in (self._cache, self._unknown):
            cached = cache.get(digest)
            if cached is not None and cached[0] > now:
                cache.move_to_end(digest)
                return cached[1]
        record = await _find(digest)
        cache, most = (self._cache, CACHE_SIZE) if record else (self._unknown, UNKNOWN_CACHE_SIZE)
        cache[digest] = (now + self._ttl, record)
        cache.move_to_end(digest)
        while len(cache) > most:
            cache.popitem(last=False)
        if (
            record is not None
            and not record.revoked
            and record.tenant_status == TenantStatus.ACTIVE
        ):
            await self._used(record.id)
        return record

    def forget(self) -> None:
        """Drop every cached lookup (a key was revoked, a tenant suspended, here)."""
        self._cache.clear()
        self._unknown.clear()

    async def _used(self, key_id: int) -> None:
        now = datetime.now(UTC)
        if now - self._last_used.get(key_id, datetime.min.replace(tzinfo=UTC)) < LAST_USED_EVERY:
            return
        self._last_used[key_id] = now
        await ApiKey.filter(id=key_id).update(last_used_at=now)


async def _find(digest: str) -> KeyRecord | None:
    rows = await fetch(
        "SELECT k.id, k.name, k.scopes, k.revoked_at, t.id AS tenant_id, t.slug, t.status,"
        " t.settings"
        " FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.digest = $1",
        [digest],
    )
    if not rows:
        return None
    row = rows[0]
    return KeyRecord(
        id=int(row["id"]),
        name=row["name"],
        tenant_id=int(row["tenant_id"]),
        tenant_slug=row["slug"],
        tenant_status=TenantStatus(row["status"]),
        scopes=effective(decode(row["scopes"])),
        revoked=row["revoked_at"] is not None,
        tenant_settings=parse_settings(_json(row["settings"])),
    )


def _json(value: Any) -> dict[str, Any]:
    loaded = json.loads(value) if isinstance(value, str | bytes) else value
    return loaded if isinstance(loaded, dict) else {}
