"""Lua scripts of the ranking projection. Each touches the keys of one board only."""

from __future__ import annotations

# Apply writes in version order. KEYS: scores, versions. ARGV: channel ("" publishes
# nothing), time of the change in ms, then triples of (member, stored score or "" to remove,
# version). A write older than the one already applied (a reordered or replayed projection)
# is skipped, so projecting is idempotent and commit order wins even when two processes
# race. Removal leaves a tombstone version that no later write can beat. Each applied write
# is published on the channel as "member|old score|new score|old rank|new rank|ms|version"
# (empty fields: not ranked before / after), ranks taken just before and after the write.
# Returns how many writes applied.
PROJECT = """
local channel, at = ARGV[1], ARGV[2]
local applied = 0
for i = 3, #ARGV, 3 do
  local m, new, version = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local cur = tonumber(redis.call('HGET', KEYS[2], m) or '0')
  if tonumber(version) > cur then
    local old, old_rank, new_rank = false, '', ''
    if channel ~= '' then
      old = redis.call('ZSCORE', KEYS[1], m)
      if old then old_rank = redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. old) + 1 end
    end
    redis.call('HSET', KEYS[2], m, version)
    if new == '' then
      redis.call('ZREM', KEYS[1], m)
    else
      redis.call('ZADD', KEYS[1], new, m)
    end
    applied = applied + 1
    if channel ~= '' and (old or new ~= '') then
      if new ~= '' then new_rank = redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. new) + 1 end
      redis.call('PUBLISH', channel,
        table.concat({m, old or '', new, old_rank, new_rank, at, version}, '|'))
    end
  end
end
return applied
"""

# A window of the ranking. KEYS: scores, ready. ARGV: mode, a, b, limit.
#   mode "start":  a = first position
#   mode "after":  a = stored score, b = member (a keyset cursor; the row need not still exist)
#   mode "around": a = member, b = radius
# Returns {total, start, rank of first row, member1, score1, ...}; {-1} when the ranking is
# not ready (being rebuilt); {-2} when "around" names a member that is not ranked.
# Scores come back as Redis formats them, which round-trips exactly.
WINDOW = """
if redis.call('EXISTS', KEYS[2]) == 0 then return {-1} end
local total = redis.call('ZCARD', KEYS[1])
local mode = ARGV[1]
local start = 0
local limit = tonumber(ARGV[4])
if mode == 'start' then
  start = tonumber(ARGV[2])
elseif mode == 'after' then
  local lo = redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. ARGV[2])
  local hi = redis.call('ZCOUNT', KEYS[1], '-inf', ARGV[2])
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    local m = redis.call('ZRANGE', KEYS[1], mid, mid)[1]
    if m <= ARGV[3] then lo = mid + 1 else hi = mid end
  end
  start = lo
else
  local pos = redis.call('ZRANK', KEYS[1], ARGV[2])
  if not pos then return {-2} end
  local radius = tonumber(ARGV[3])
  start = math.max(0, pos - radius)
  limit = pos + radius - start + 1
end
local out = {total, start, 0}
if limit > 0 and start < total then
  local rows = redis.call('ZRANGE', KEYS[1], start, start + limit - 1, 'WITHSCORES')
  if #rows > 0 then
    out[3] = redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. rows[2]) + 1
  end
  for i = 1, #rows do out[#out + 1] = rows[i] end
end
return out
"""

# Score and rank of members. KEYS: scores, ready. ARGV: members.
# Returns {score1, rank1, ...} with "" and 0 for a member that is not ranked; {-1} when the
# ranking is not ready.
ENTRIES = """
if redis.call('EXISTS', KEYS[2]) == 0 then return {-1} end
local out = {}
for i = 1, #ARGV do
  local s = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if s then
    out[#out + 1] = s
    out[#out + 1] = redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. s) + 1
  else
    out[#out + 1] = ''
    out[#out + 1] = 0
  end
end
return out
"""

# Bump a tenant's data version. KEYS: the version key. ARGV: the clock in nanoseconds.
# A missing key (Redis flushed or restarted) starts again from the clock, so versions handed
# out before the loss are never reused.
BUMP_VERSION = """
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[1]) end
return redis.call('INCR', KEYS[1])
"""

# The rank a member has with a given score. KEYS: scores, ready. ARGV: member, stored score.
# The member's own current entry is not counted (it may hold a newer score by now).
# Returns -1 when the ranking is not ready.
RANK_OF = """
if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
local better = redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. ARGV[2])
local current = redis.call('ZSCORE', KEYS[1], ARGV[1])
if current and tonumber(current) < tonumber(ARGV[2]) then better = better - 1 end
return better + 1
"""
