"""Which processes are alive, so that what a dead one left unprojected is found.

A process commits a change to the database, then projects it into Redis. Killed between the
two (SIGKILL, OOM, a lost machine), it leaves the change committed but missing from the live
ranking, with nothing in the database saying so (a Redis *failure* marks the board dirty;
a death cannot). So every process beats: its keeper writes the time (Redis's clock, one for
all processes) into ``{prefix}:processes`` every few seconds, and removes its entry when it
stops cleanly. A process whose beat is older than ``dead_after`` is claimed by exactly one
other process (the claim is one script), which re-projects what changed since the dead
one's last beat, less a margin (``app.leaderboards.keeper``), then lets the entry go. A
claimant that dies in turn leaves its claim to expire (``lease``) and be claimed again.

Re-projecting too much is harmless: projections carry versions, and a standing already
projected changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.ranking.keys import processes_key
from app.ranking.store import RankingStore

# KEYS: the processes hash. ARGV: this process's token, dead after (ms), lease (ms). Beats
# for the caller, then claims every process whose beat is older than ``dead after`` and
# every claim older than the lease. Returns {token, last beat, claim, ...} of its claims.
BEAT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('HSET', KEYS[1], ARGV[1], 'b|' .. now)
local claimed = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local token, value = all[i], all[i + 1]
  local kind, beat, at = string.match(value, '^(%a)|(%d+)|?(%d*)$')
  local stale = (kind == 'b' and tonumber(beat) < now - tonumber(ARGV[2]))
    or (kind == 's' and tonumber(at) < now - tonumber(ARGV[3]))
  if stale then
    local claim = 's|' .. beat .. '|' .. now
    redis.call('HSET', KEYS[1], token, claim)
    claimed[#claimed + 1] = token
    claimed[#claimed + 1] = beat
    claimed[#claimed + 1] = claim
  end
end
return claimed
"""

# KEYS: the processes hash. ARGV: token, value. Deletes the entry if it still has the value.
LET_GO = """
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
return redis.call('HDEL', KEYS[1], ARGV[1])
"""

LEAVE = "return redis.call('HDEL', KEYS[1], ARGV[1])"


@dataclass(frozen=True, slots=True)
class Claim:
    """A dead process claimed by this one: whatever it committed after ``last_beat`` (epoch
    ms, Redis's clock) may be missing from Redis."""

    token: str
    last_beat: int
    value: str  # the entry as claimed: let go only if nobody claimed it again since


class Processes:
    def __init__(self, store: RankingStore, token: str, *, dead_after: float, lease: float):
        self.store = store
        self.token = token
        self.dead_after = dead_after
        self.lease = lease
        self.key = processes_key(store.prefix)

    async def beat(self) -> list[Claim]:
        """Say this process is alive; returns the dead processes it now has to sweep."""
        args = [self.token, int(self.dead_after * 1000), int(self.lease * 1000)]
        found = await self.store.run(BEAT, [self.key], args)
        return [
            Claim(_text(found[i]), int(found[i + 1]), _text(found[i + 2]))
            for i in range(0, len(found), 3)
        ]

    async def swept(self, claim: Claim) -> None:
        """The dead process's changes are all projected: forget it."""
        await self.store.run(LET_GO, [self.key], [claim.token, claim.value])

    async def leave(self) -> None:
        """This process stops cleanly: everything it committed is projected (or marked)."""
        await self.store.run(LEAVE, [self.key], [self.token])


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value
