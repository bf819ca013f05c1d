"""Lua scripts of a ranking's rebuild: take the lock, keep it, swap the result in, let go.

The lock (``rebuild``) holds a token that only its holder knows; every script that acts for
a holder checks it first, so a holder whose lock expired (it stalled, or was killed and its
lock taken over) can no longer change anything. A build *aside* also sets ``building`` to
``"<token>|<1 if the build keeps levels>"``: while it exists, ``PROJECT`` applies every
write to the staged keys too. Lock, ``building`` and the staged keys expire together unless
the holder extends them, so a killed holder leaves nothing behind for long.
"""

from __future__ import annotations

# Take the lock. KEYS: lock, building, staged scores, versions, ties, levels. ARGV: token,
# lifetime in ms, "aside" or "in-place", "1" when the build keeps levels. A build aside
# starts from empty staged keys. Returns 1, or 0 when somebody else holds the lock.
BEGIN = """
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
if ARGV[3] == 'aside' then
  redis.call('UNLINK', KEYS[3], KEYS[4], KEYS[5], KEYS[6])
  redis.call('SET', KEYS[2], ARGV[1] .. '|' .. ARGV[4], 'PX', ARGV[2])
end
return 1
"""

# Keep the lock for another lifetime. KEYS: lock, building, staged scores, versions, ties,
# levels. ARGV: token, lifetime in ms. Returns 0 when the lock is no longer the holder's.
EXTEND = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
return 1
"""

# Let go without a result. KEYS: lock, building, staged scores, versions, ties, levels.
# ARGV: token. Returns 0 when the lock was not the holder's any more.
RELEASE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
local building = redis.call('GET', KEYS[2])
if building and string.sub(building, 1, #ARGV[1]) == ARGV[1] then
  redis.call('DEL', KEYS[2])
  redis.call('UNLINK', KEYS[3], KEYS[4], KEYS[5], KEYS[6])
end
return 1
"""

# Swap a ranking built aside in for the live one, atomically, and let go. KEYS: lock,
# building, staged scores, versions, ties, levels, live scores, versions, ties, levels,
# levels ready, ready, levels fill. ARGV: token, when the build began (epoch ms), "1" when
# it kept levels. The old live keys are UNLINKed (freed in the background, so a large
# ranking does not block Redis). An in-place fill of levels under way is void. Returns 0
# when the lock is not the holder's (nothing changed).
SWAP = """
local building = redis.call('GET', KEYS[2])
if redis.call('GET', KEYS[1]) ~= ARGV[1] or building ~= ARGV[1] .. '|' .. ARGV[3] then
  return 0
end
for i = 0, 3 do
  local staged, live = KEYS[3 + i], KEYS[7 + i]
  redis.call('UNLINK', live)
  if redis.call('EXISTS', staged) == 1 then
    redis.call('RENAME', staged, live)
    redis.call('PERSIST', live)
  end
end
redis.call('DEL', KEYS[13])
if ARGV[3] == '1' then redis.call('SET', KEYS[11], ARGV[2]) else redis.call('DEL', KEYS[11]) end
redis.call('SET', KEYS[12], ARGV[2])
redis.call('DEL', KEYS[1], KEYS[2])
return 1
"""

# Mark an in-place rebuild done. KEYS: lock, ready. ARGV: token, when it began (epoch ms).
# ``ready`` only moves forward (it says how recent the data is). Returns 0 when the lock is
# not the holder's.
FINISH_IN_PLACE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local current = tonumber(redis.call('GET', KEYS[2]) or '0') or 0
if tonumber(ARGV[2]) > current then redis.call('SET', KEYS[2], ARGV[2]) end
redis.call('DEL', KEYS[1])
return 1
"""

# Finish an in-place fill of a DENSE ranking's levels. KEYS: levels fill, levels ready.
# ARGV: the fill's token, when it began (epoch ms). A drop of the levels (or a swap) while
# the fill ran removed its token: then the levels may be incomplete and nothing is marked.
FINISH_FILL = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('DEL', KEYS[1])
return 1
"""
