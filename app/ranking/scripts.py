"""Lua scripts of the ranking projection. Each touches the keys of one board only.

A member of a ranking's sorted set is ``tie key .. padded participant id`` (see
``app.ranking.keys``); the ``ties`` hash maps a padded id to its non-empty tie key, so the
scripts can find a participant's member. A participant's place is the pair (stored score, tie
key): its competition rank is 1 + how many members sort before that pair.
"""

from __future__ import annotations

from app.ranking.keys import MEMBER_WIDTH

# The version a removal writes: larger than any version a standing can reach (2**53 keeps
# it exact in Lua's doubles). The participant is deleted: it goes into the ranking's ``gone``
# hash, which no rebuild replaces, and a late write for it is never applied.
TOMBSTONE_VERSION = 2**53

# How many members of a sorted set (``before``: KEYS[1]) sort before (stored score s, member
# or tie key m); with ``inclusive``, also those equal to m. Within one score Redis orders
# members by their bytes, so a binary search over that score's positions finds the place of m.
_BEFORE = """
local function before_in(key, s, m, inclusive)
  local lo = redis.call('ZCOUNT', key, '-inf', '(' .. s)
  if m == '' and not inclusive then return lo end
  local hi = redis.call('ZCOUNT', key, '-inf', s)
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    local at = redis.call('ZRANGE', key, mid, mid)[1]
    if at < m or (inclusive and at == m) then lo = mid + 1 else hi = mid end
  end
  return lo
end
local function before(s, m, inclusive) return before_in(KEYS[1], s, m, inclusive) end
"""

_TIE_OF = f"""
local function tie_of(m) return string.sub(m, 1, #m - {MEMBER_WIDTH}) end
"""
# Scripts compare members only when they are made of digits and a-f, where Lua's string
# order (strcoll, locale-dependent) agrees with the byte order Redis sorts by.
_LAST_ID = f"""
local LAST_ID = '{"9" * MEMBER_WIDTH}'
local MEMBER_WIDTH = {MEMBER_WIDTH}
"""

# The dense rank of (canonical stored score s, tie key t) from the ``levels`` set KEYS[4],
# which is complete once KEYS[5] exists (a rebuild sets it): 0 when it is not.
_DENSE = """
local levels_ready = redis.call('EXISTS', KEYS[5]) == 1
local function dense_rank(s, t)
  if not levels_ready then return 0 end
  local r = redis.call('ZRANK', KEYS[4], t .. '@' .. s)
  if r then return r + 1 end
  return 0
end
"""

# One write to a ranking's keys (scores, versions, ties, levels): applied only if its version
# is newer than the one already applied (a reordered or replayed projection is skipped), so
# projecting is idempotent and commit order wins even when two processes race. ``dense``:
# maintain the levels (the distinct (score, tie key) pairs, for DENSE ranks). Returns whether
# it applied, and the stored score it left (false: removed).
_APPLY = f"""
local LEVEL_SEP = '@'
local function level(s, t) return t .. LEVEL_SEP .. s end
local function drop_level(k, s, t)  -- when no member is left at (s, t)
  local n
  if t == '' then n = redis.call('ZCOUNT', k.scores, s, s)
  else n = before_in(k.scores, s, t .. LAST_ID, true) - before_in(k.scores, s, t, false) end
  if n == 0 then redis.call('ZREM', k.levels, level(s, t)) end
end
local function apply(k, dense, id, new, version, tie)
  local cur = tonumber(redis.call('HGET', k.versions, id) or '0')
  if tonumber(version) <= cur then return false, false end
  local old_tie = redis.call('HGET', k.ties, id) or ''
  local old_member, new_member = old_tie .. id, tie .. id
  local old = redis.call('ZSCORE', k.scores, old_member)
  if version == '{TOMBSTONE_VERSION}' then
    redis.call('HDEL', k.versions, id)
  else
    redis.call('HSET', k.versions, id, version)
  end
  if old and (new == '' or old_tie ~= tie) then redis.call('ZREM', k.scores, old_member) end
  if new == '' or tie == '' then
    redis.call('HDEL', k.ties, id)
  else
    redis.call('HSET', k.ties, id, tie)
  end
  local stored = false
  if new ~= '' then
    redis.call('ZADD', k.scores, new, new_member)
    stored = redis.call('ZSCORE', k.scores, new_member)
  end
  if dense then
    if old and (old ~= stored or old_tie ~= tie) then drop_level(k, old, old_tie) end
    if stored then redis.call('ZADD', k.levels, stored, level(stored, tie)) end
  end
  return true, stored
end
"""

# Staged keys that a write creates during a build get the build's remaining lifetime (in
# ``building``, KEYS[b]), so the keys of a holder that died expire with its lock.
_EXPIRE_STAGED = """
local function expire_staged(b, first)
  local ttl = redis.call('PTTL', KEYS[b])
  if ttl <= 0 then return end
  for i = first, first + 3 do
    if redis.call('PTTL', KEYS[i]) == -1 then redis.call('PEXPIRE', KEYS[i], ttl) end
  end
end
"""

# Apply committed writes to the live ranking, and to the one being built aside while a build
# runs (``building`` holds "<token>|<1 if that build keeps levels>"), so the build's swap
# carries every write that landed meanwhile. KEYS: scores, versions, ties, levels, levels
# ready, ready, building, gone, then the staged scores, versions, ties, levels. ARGV: channel
# ("" publishes nothing), time of the change in ms, "1" when the board keeps ``levels`` (for
# DENSE ranks), then quads of (padded id, stored score or "" to remove, version, tie key).
# A removal at TOMBSTONE_VERSION is a deletion: the participant goes into ``gone`` and no
# later write of it applies. While the ranking is ready, each applied write is published as
#   "id|old score|new score|old rank|new rank|ms|version|old place|new place|old dense|new dense
#    |old tie|new tie"
# (empty: not ranked before / after; dense "" or 0: no complete levels), ranks taken just
# before and after the write: competition ranks, 1-based places (ORDINAL ranks), dense
# ranks; then the tie keys before and after (so a group's feed can rank both places).
# While it is not (flushed, being rebuilt), ranks are unknown: "gap|id" is published instead.
# Returns how many writes applied.
PROJECT = (
    _BEFORE
    + _LAST_ID
    + _DENSE
    + _APPLY
    + _EXPIRE_STAGED
    + """
local channel, at = ARGV[1], ARGV[2]
local live = {scores = KEYS[1], versions = KEYS[2], ties = KEYS[3], levels = KEYS[4]}
local staged = {scores = KEYS[9], versions = KEYS[10], ties = KEYS[11], levels = KEYS[12]}
local ready = redis.call('EXISTS', KEYS[6]) == 1
local building = redis.call('GET', KEYS[7])
local staged_dense = building and string.sub(building, -1) == '1'
-- Levels are kept for a DENSE board, and wherever they exist or were complete: a writer with
-- an outdated definition keeps them too
local dense = ARGV[3] == '1' or levels_ready or redis.call('EXISTS', KEYS[4]) == 1
local applied = 0
for i = 4, #ARGV, 4 do
  local id, new, version, tie = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  if redis.call('HEXISTS', KEYS[8], id) == 0 then
    local old_tie = redis.call('HGET', KEYS[3], id) or ''
    local old = redis.call('ZSCORE', KEYS[1], old_tie .. id)
    local publish = channel ~= '' and ready
    local old_rank, old_place, old_dense = '', '', ''
    if old and publish then
      old_rank = before(old, old_tie, false) + 1
      old_place = redis.call('ZRANK', KEYS[1], old_tie .. id) + 1
      if dense and levels_ready then old_dense = dense_rank(old, old_tie) end
    end
    local done, stored = apply(live, dense, id, new, version, tie)
    if done then
      applied = applied + 1
      if building then apply(staged, staged_dense, id, new, version, tie) end
      if version == '"""
    + str(TOMBSTONE_VERSION)
    + """' then redis.call('HSET', KEYS[8], id, 1) end
      if publish and (old or new ~= '') then
        local new_rank, new_place, new_dense = '', '', ''
        if new ~= '' then
          new_rank = before(new, tie, false) + 1
          new_place = redis.call('ZRANK', KEYS[1], tie .. id) + 1
          if stored and levels_ready then new_dense = dense_rank(stored, tie) end
        end
        redis.call('PUBLISH', channel, table.concat({id, old or '', new, old_rank, new_rank, at,
          version, old_place, new_place, old_dense, new_dense, old_tie, tie}, '|'))
      elseif channel ~= '' and not ready then
        redis.call('PUBLISH', channel, 'gap|' .. id)
      end
    end
  end
end
if building then expire_staged(7, 9) end
return applied
"""
)

# Load standings read from the database into the ranking being built aside. KEYS: the staged
# scores, versions, ties, levels, then gone and building. ARGV: "1" when the build keeps
# levels, then the quads of PROJECT in one string, each field followed by "|" ("" as the
# score: a participant that is scored but not ranked, whose version is still kept): one
# argument to encode instead of thousands, then the build's ``building`` value ("<token>|<1
# or 0>"). Members the staged keys do not know yet (nearly all of them) are added with one
# variadic call per key; a member a mirrored write already staged goes through ``apply``
# (versions decide). Returns how many applied, or -1 when the build is not the caller's any
# more (its lock expired and another build may have begun): nothing is written.
STAGE = (
    _BEFORE
    + _LAST_ID
    + _APPLY
    + _EXPIRE_STAGED
    + """
if redis.call('GET', KEYS[6]) ~= ARGV[3] then return -1 end
local staged = {scores = KEYS[1], versions = KEYS[2], ties = KEYS[3], levels = KEYS[4]}
local dense = ARGV[1] == '1'
local rows = {}
for id, new, version, tie in string.gmatch(ARGV[2], '([^|]*)|([^|]*)|([^|]*)|([^|]*)|') do
  rows[#rows + 1] = {id, new, version, tie}
end
if #rows == 0 then return 0 end
local ids = {}
for j = 1, #rows do ids[j] = rows[j][1] end
local known = redis.call('HMGET', KEYS[2], unpack(ids))
local gone = redis.call('HMGET', KEYS[5], unpack(ids))
local scores, versions, ties, fresh = {}, {}, {}, {}
local applied = 0
for j = 1, #rows do
  local id, new, version, tie = rows[j][1], rows[j][2], rows[j][3], rows[j][4]
  if gone[j] then
  elseif known[j] then
    if apply(staged, dense, id, new, version, tie) then applied = applied + 1 end
  else
    applied = applied + 1
    versions[#versions + 1] = id
    versions[#versions + 1] = version
    if new ~= '' then
      scores[#scores + 1] = new
      scores[#scores + 1] = tie .. id
      fresh[#fresh + 1] = tie .. id
      if tie ~= '' then
        ties[#ties + 1] = id
        ties[#ties + 1] = tie
      end
    end
  end
end
if #versions > 0 then redis.call('HSET', KEYS[2], unpack(versions)) end
if #ties > 0 then redis.call('HSET', KEYS[3], unpack(ties)) end
if #scores > 0 then
  redis.call('ZADD', KEYS[1], unpack(scores))
  if dense then  -- a level names the score as Redis spells it
    for _, m in ipairs(fresh) do
      local stored = redis.call('ZSCORE', KEYS[1], m)
      redis.call('ZADD', KEYS[4], stored, level(stored, string.sub(m, 1, #m - MEMBER_WIDTH)))
    end
  end
end
expire_staged(6, 1)
return applied
"""
)

# A window of the ranking. KEYS: scores, ready, ties, levels, levels ready. ARGV: mode, a,
# b, limit.
#   mode "start":  a = first position
#   mode "after":  a = stored score, b = member (a keyset cursor; the row need not still exist)
#   mode "around": a = padded id, b = radius
# Returns {total, start, rank of first row, dense rank of first row (0: unknown), member1,
# score1, ...}; {-1} when the ranking is not ready (being rebuilt); {-2} when "around" names
# a participant that is not ranked. Scores come back as Redis formats them, which
# round-trips exactly.
WINDOW = (
    _BEFORE
    + _TIE_OF
    + _DENSE
    + """
if redis.call('EXISTS', KEYS[2]) == 0 then return {-1} end
local total = redis.call('ZCARD', KEYS[1])
local mode = ARGV[1]
local start = 0
local limit = tonumber(ARGV[4])
if mode == 'start' then
  start = tonumber(ARGV[2])
elseif mode == 'after' then
  start = before(ARGV[2], ARGV[3], true)
else
  local tie = redis.call('HGET', KEYS[3], ARGV[2]) or ''
  local pos = redis.call('ZRANK', KEYS[1], tie .. ARGV[2])
  if not pos then return {-2} end
  local radius = tonumber(ARGV[3])
  start = math.max(0, pos - radius)
  limit = pos + radius - start + 1
end
local out = {total, start, 0, 0}
if limit > 0 and start < total then
  local rows = redis.call('ZRANGE', KEYS[1], start, start + limit - 1, 'WITHSCORES')
  if #rows > 0 then
    out[3] = before(rows[2], tie_of(rows[1]), false) + 1
    out[4] = dense_rank(rows[2], tie_of(rows[1]))
  end
  for i = 1, #rows do out[#out + 1] = rows[i] end
end
return out
"""
)

# The places of participants. KEYS: scores, ready, ties, levels, levels ready. ARGV: padded
# ids.
# Returns {score1, rank1, tie1, 0-based position1, dense rank1 (0: unknown), ...}, with
# "", 0, "", 0, 0 for a participant that is not ranked; {-1} when the ranking is not ready.
ENTRIES = (
    _BEFORE
    + _DENSE
    + """
if redis.call('EXISTS', KEYS[2]) == 0 then return {-1} end
local out = {}
for i = 1, #ARGV do
  local tie = redis.call('HGET', KEYS[3], ARGV[i]) or ''
  local s = redis.call('ZSCORE', KEYS[1], tie .. ARGV[i])
  if s then
    out[#out + 1] = s
    out[#out + 1] = before(s, tie, false) + 1
    out[#out + 1] = tie
    out[#out + 1] = redis.call('ZRANK', KEYS[1], tie .. ARGV[i])
    out[#out + 1] = dense_rank(s, tie)
  else
    for _ = 1, 3 do out[#out + 1] = '' end
    out[#out + 1] = 0
    out[#out + 1] = 0
  end
end
return out
"""
)

# Bump a tenant's data version and announce it. KEYS: the version key. ARGV: the clock in
# nanoseconds, the versions channel, the tenant id. A missing key (Redis flushed or
# restarted) starts again from the clock, so versions handed out before the loss are never
# reused. Returns the new version, as text: a Lua number (a double) would round it.
BUMP_VERSION = """
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[1]) end
redis.call('INCR', KEYS[1])
local version = redis.call('GET', KEYS[1])
redis.call('PUBLISH', ARGV[2], ARGV[3] .. ' ' .. version)
return version
"""

# The rank and 0-based position a participant has with a given score and tie key.
# KEYS: scores, ready, ties. ARGV: padded id, stored score, tie key. The participant's own
# current entry is not counted (it may hold a newer score by now). Returns {rank, position},
# or {-1} when the ranking is not ready.
RANK_OF = (
    _BEFORE
    + """
if redis.call('EXISTS', KEYS[2]) == 0 then return {-1} end
local s, tie = ARGV[2], ARGV[3]
local better = before(s, tie, false)
local position = before(s, tie .. ARGV[1], false)
local own_tie = redis.call('HGET', KEYS[3], ARGV[1]) or ''
local own = redis.call('ZSCORE', KEYS[1], own_tie .. ARGV[1])
if own then
  local o, n = tonumber(own), tonumber(s)
  if o < n or (o == n and own_tie < tie) then better = better - 1 end
  if o < n or (o == n and own_tie .. ARGV[1] < tie .. ARGV[1]) then position = position - 1 end
end
return {better + 1, position}
"""
)

# Fill a ranking's levels from a slice of its sorted set (a board that became DENSE).
# KEYS: scores, levels. ARGV: how many, then the stored score and member read last (none at
# first). Returns {score, member} of the last member read, {} at the end. Each slice is read
# atomically after a keyset cursor (positions shift as members move), and writes meanwhile
# keep the levels they touch, so the levels are complete once the end is reached.
FILL_LEVELS = (
    _BEFORE
    + _TIE_OF
    + """
local start = 0
if ARGV[2] then start = before(ARGV[2], ARGV[3], true) end
local rows = redis.call('ZRANGE', KEYS[1], start, start + ARGV[1] - 1, 'WITHSCORES')
for i = 1, #rows, 2 do
  redis.call('ZADD', KEYS[2], rows[i + 1], tie_of(rows[i]) .. '@' .. rows[i + 1])
end
if #rows == 0 then return {} end
return {rows[#rows], rows[#rows - 1]}
"""
)
