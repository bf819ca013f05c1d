"""Who is asking, and what they may see and do.

Every request runs inside the tenant of the key it presents (``Authorization: Bearer
<key>`` over HTTP; the ``connection_init`` payload's ``Authorization``, or the upgrade
request's header, over websockets). Without a valid key a caller has no tenant and no
scope: every operation answers UNAUTHENTICATED (no key, an unknown or a revoked one) or
FORBIDDEN (the tenant is suspended, or the key lacks the scope). What each scope allows is
in ``app.tenancy.scopes``; which scope each operation needs, in ``app.graphql.permissions``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

from app.errors import Forbidden, Unauthenticated
from app.leaderboards.models import Visibility
from app.tenancy.keyring import KeyRecord, KeyRing
from app.tenancy.models import TenantStatus
from app.tenancy.scopes import Scope
from app.tenancy.service import TenantRef
from app.tenancy.tenant_settings import TenantSettings

SCHEME = "bearer"
NO_TENANT = TenantRef(0, "")
NO_SETTINGS = TenantSettings()  # matches no row: a caller without a valid key reads nothing


class Problem(StrEnum):
    """Why a caller holds no scope."""

    MISSING = "missing"
    UNKNOWN = "unknown"
    REVOKED = "revoked"
    SUSPENDED = "suspended"


@dataclass(frozen=True, slots=True)
class Caller:
    tenant: TenantRef
    scopes: frozenset[Scope]  # with those they imply; empty when ``problem``
    key_id: int | None = None
    key_name: str = ""
    problem: Problem | None = None
    tenant_settings: TenantSettings = NO_SETTINGS
    client: str = ""  # the client's address, as the server saw it (proxies: see README)

    @property
    def admin(self) -> bool:
        return Scope.ADMIN in self.scopes

    @property
    def view(self) -> str:
        """What the caller sees of the tenant (cached results are shared only within one):
        ADMIN, READ or PUBLIC."""
        for scope in (Scope.ADMIN, Scope.READ, Scope.PUBLIC):
            if scope in self.scopes:
                return scope.value
        return ""

    @property
    def publishable(self) -> bool:
        """A PUBLIC key: anyone may hold it."""
        return self.scopes == {Scope.PUBLIC}

    @property
    def bucket(self) -> str | None:
        """Whose rate budget the caller spends: its key's; a publishable key's per client
        address (every visitor of a web page holds it: one must not starve the others); a
        caller without a valid key, its address's (None: not known, not limited)."""
        if self.key_id is None or self.problem is not None:
            return f"addr:{self.client}" if self.client else None
        if self.publishable and self.client:
            return f"{self.key_id}@{self.client}"
        return str(self.key_id)


ANONYMOUS = Caller(NO_TENANT, frozenset(), problem=Problem.MISSING)


def presented_key(authorization: object) -> str | None:
    """The key in an ``Authorization`` value ("Bearer <key>"), if any."""
    if not isinstance(authorization, str):
        return None
    scheme, _, given = authorization.strip().partition(" ")
    return given.strip() or None if scheme.lower() == SCHEME else None


_ADDRESS = re.compile(r"[0-9A-Za-z.:_-]{1,64}")


async def identify(keys: KeyRing, authorization: object, client: str | None = None) -> Caller:
    """The caller presenting ``authorization`` (a header value, or a connection param),
    from address ``client``."""
    key = presented_key(authorization)
    found = ANONYMOUS if key is None else caller_of(key, await keys.lookup(key))
    if client and _ADDRESS.fullmatch(client):
        return replace(found, client=client)
    return found


def caller_of(key: str, record: KeyRecord | None) -> Caller:
    if record is None:
        return Caller(NO_TENANT, frozenset(), problem=Problem.UNKNOWN)
    tenant = TenantRef(record.tenant_id, record.tenant_slug)
    problem = None
    if record.revoked:
        problem = Problem.REVOKED
    elif record.tenant_status != TenantStatus.ACTIVE:
        problem = Problem.SUSPENDED
    scopes = frozenset() if problem else record.scopes
    return Caller(tenant, scopes, record.id, record.name, problem, record.tenant_settings)


def check_caller(who: Caller) -> None:
    """UNAUTHENTICATED or FORBIDDEN unless the caller holds a valid key."""
    match who.problem:
        case Problem.MISSING:
            raise Unauthenticated("Send an API key: Authorization: Bearer <key>.")
        case Problem.UNKNOWN:
            raise Unauthenticated("This API key is not known.")
        case Problem.REVOKED:
            raise Unauthenticated("This API key was revoked.")
        case Problem.SUSPENDED:
            raise Forbidden(f"Tenant {who.tenant.slug!r} is suspended.")


def require(who: Caller, scope: Scope, what: str) -> None:
    """Raise unless the caller may do ``what``, which needs ``scope``."""
    check_caller(who)
    if scope in who.scopes or (scope == Scope.PUBLIC and who.scopes):
        return
    held = ", ".join(sorted(who.scopes)) or "none"
    raise Forbidden(f"{what} needs a key with scope {scope.value} (this key: {held}).")


def require_admin(who: Caller) -> None:
    require(who, Scope.ADMIN, "This operation")


def can_see(who: Caller, visibility: Visibility) -> bool:
    """PRIVATE boards are for admins, TENANT boards for READ keys, PUBLIC ones for any
    valid key of the tenant (a publishable one too)."""
    if visibility == Visibility.PRIVATE:
        return who.admin
    if visibility == Visibility.TENANT:
        return Scope.READ in who.scopes
    return bool(who.scopes)
