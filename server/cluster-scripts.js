// The Lua scripts of rtc-server's Redis cluster (server/cluster.js), each one atomic step on the
// keys that file describes: claiming and releasing ids, passing on or keeping a message.

export const SCRIPTS = {
  // KEYS: id key. ARGV: instance, token hash, ttl. 0: taken with another token; 1: claimed;
  // 2: taken over from another instance or from a reservation (same token).
  rtcClaim: {
    numberOfKeys: 1,
    lua: `local v = redis.call('GET', KEYS[1])
local mine = ARGV[1] .. ':' .. ARGV[2]
if v and v ~= mine then
  local at = string.find(v, ':', 1, true)
  if not at or string.sub(v, at + 1) ~= ARGV[2] then return 0 end
end
redis.call('SET', KEYS[1], mine, 'PX', ARGV[3])
if v and v ~= mine then return 2 end
return 1`,
  },
  // KEYS: id keys. ARGV: per key, its value then its ttl. Renews ours, takes back lapsed ones
  // (Redis was away longer than their TTL) and ids reserved for the same token. A value that
  // starts with '~' is a claim its instance decided alone while Redis was away: one Redis granted
  // takes its place, and the instance that holds it hears so ('v' on the id's channel, as for a
  // take-over). Returns the places (from 1) of the keys that stay another's.
  rtcRefresh: {
    lua: `local lost = {}
for i, k in ipairs(KEYS) do
  local mine = ARGV[2 * i - 1]
  local at = string.find(mine, ':', 1, true)
  local v = redis.call('GET', k)
  local alone = v and string.sub(v, 1, 1) == '~'
  if v == mine then redis.call('PEXPIRE', k, ARGV[2 * i])
  elseif not v or v == '-' .. string.sub(mine, at) or (alone and string.sub(mine, 1, 1) ~= '~') then
    redis.call('SET', k, mine, 'PX', ARGV[2 * i])
    if alone then redis.call('PUBLISH', 'rtc:to:' .. string.sub(k, 8), 'v' .. string.sub(mine, 1, at - 1)) end
  else lost[#lost + 1] = i end
end
return lost`,
  },
  // KEYS: id keys. ARGV: per key, our value, then the reservation ('' to free it) and its ttl.
  rtcRelease: {
    lua: `for i, k in ipairs(KEYS) do
  if redis.call('GET', k) == ARGV[3 * i - 2] then
    if ARGV[3 * i - 1] == '' then redis.call('DEL', k)
    else redis.call('SET', k, ARGV[3 * i - 1], 'PX', ARGV[3 * i]) end
  end
end
return 0`,
  },
  // KEYS: id keys. ARGV: per key, the value it had while held here, the reservation ('' to free
  // it) and its ttl. Redis is back after an outage: what was let go here meanwhile is let go there
  // too, and a reservation Redis lost (it came back empty) is written again; an id held or
  // reserved anew meanwhile stays as it is.
  rtcRestore: {
    lua: `for i, k in ipairs(KEYS) do
  local v = redis.call('GET', k)
  local reservation = ARGV[3 * i - 1]
  if v == ARGV[3 * i - 2] or (not v and reservation ~= '') then
    if reservation == '' then redis.call('DEL', k)
    else redis.call('SET', k, reservation, 'PX', ARGV[3 * i]) end
  end
end
return 0`,
  },
  // KEYS: id key. Frees it if it is reserved (not held): its instance let the reservation go.
  rtcUnreserve: {
    numberOfKeys: 1,
    lua: `local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, 2) == '-:' then redis.call('DEL', KEYS[1]) end
return 0`,
  },
  // KEYS: channel, queue. ARGV: the message, keep (1/0), most kept, ttl. It is published as
  // 'm' and the message, and kept as it is. Publishing and keeping are one step, so a claim that
  // drains the queue after subscribing misses nothing. -1: the queue is full.
  rtcSend: {
    numberOfKeys: 2,
    lua: `local n = redis.call('PUBLISH', KEYS[1], 'm' .. ARGV[1])
if n > 0 or ARGV[2] == '0' then return n end
if redis.call('LLEN', KEYS[2]) >= tonumber(ARGV[3]) then return -1 end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 0`,
  },
  // KEYS: queue. ARGV: most to take. The kept messages, and the queue is gone.
  rtcDrain: {
    numberOfKeys: 1,
    lua: `local l = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
redis.call('DEL', KEYS[1])
return l`,
  },
  // KEYS: queues. ARGV: per queue, how many of its messages follow, then those messages. Per
  // queue, how many of them were still kept (not taken by a claim); they are taken out.
  rtcUnkeep: {
    lua: `local left = {}
local at = 1
for i, k in ipairs(KEYS) do
  local last = at + tonumber(ARGV[at])
  local n = 0
  for j = at + 1, last do n = n + redis.call('LREM', k, 0, ARGV[j]) end
  left[i] = n
  at = last + 1
end
return left`,
  },
};
