"""What this process knows of the tenants' data versions, so a cached read needs no Redis
round trip to learn whether it is still current (issue 17).

Every bump of a version is published on ``<prefix>:versions`` ("<tenant> <version>", by
the script that bumps it). This process's pub/sub hub hands those messages to
:class:`KnownVersions` (it is a hub listener); a version read from Redis or bumped here is
learned too. A version is answered from here only while the channel is confirmed
subscribed, and only if it was learned since: a read that began before the subscription was
confirmed, or before an interruption, teaches nothing, and an interruption (or its end)
forgets everything, since messages may have been missed meanwhile. Versions only grow, so
a late, older one never replaces a newer one.
"""

from __future__ import annotations

from collections.abc import Callable


def _never() -> bool:
    return False


class KnownVersions:
    def __init__(self) -> None:
        self._known: dict[int, int] = {}
        self._trusted: Callable[[], bool] = _never
        self.epoch = 0  # changes whenever what is known may have gone stale

    def trust(self, subscribed: Callable[[], bool]) -> None:
        """Answer from here while ``subscribed()`` (the hub confirms the channel)."""
        self._trusted = subscribed
        self.forget()

    def trusted(self) -> bool:
        return self._trusted()

    def since(self) -> int | None:
        """The epoch an operation begins in, for :meth:`learn`; None while not trusted (what
        it reads may predate messages published before the subscription was confirmed)."""
        return self.epoch if self._trusted() else None

    def get(self, tenant_id: int) -> str | None:
        if not self._trusted():
            return None
        found = self._known.get(tenant_id)
        return None if found is None else str(found)

    def learn(self, tenant_id: int, version: object, epoch: int | None) -> None:
        """Record ``version``, read or bumped by an operation that began at ``epoch`` while
        trusted (an older epoch: it may predate a missed message, so it is not kept)."""
        if epoch is None or epoch != self.epoch or not self._trusted():
            return
        try:
            value = int(str(version))
        except ValueError:
            return
        if value > self._known.get(tenant_id, -1):
            self._known[tenant_id] = value

    def forget(self) -> None:
        self._known.clear()
        self.epoch += 1

    # -- a listener of the hub (app.live.hub.Listener) ------------------------------------

    def deliver(self, payload: str) -> None:
        tenant, _, version = payload.partition(" ")
        if tenant.isdigit():
            self.learn(int(tenant), version, self.epoch)

    def interrupted(self) -> None:
        self.forget()

    def resumed(self) -> None:
        self.forget()
