// An instance renews the ids its clients hold in Redis however many messages for absent ids it
// has to answer EXPIRE for at the same time, with Redis a few milliseconds away (a relay that
// holds each packet). Skipped when redis-server is not installed (test/redis-fixture.mjs).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connectPeer, until } from '../test/peer-client.mjs';
import { skip, slowRelay, startInstance, startRedis } from '../test/redis-fixture.mjs';

const FLOOD = 10_000;

test('ids held on an instance stay renewed while one client has it answer EXPIRE for thousands of made-up ids', { skip, timeout: 90_000 }, async (t) => {
  const redis = await startRedis(t, 9610);
  const far = await slowRelay(t, 9611, redis.port, 2);
  // The flood must reach Redis: the relay rate of one socket is not what this test is about.
  const unlimited = ['--max-relayed-bytes-per-second', String(1024 ** 3)];
  const [a, b] = await Promise.all([startInstance(t, ['--redis', far.url, ...unlimited]), startInstance(t, ['--redis', redis.url])]);
  // A room's beacon: its TTL in Redis is 15 s, renewed every 5 s while its holder is connected.
  const beacon = connectPeer(t, a.port, { id: 'rtc-room-renewal' });
  assert.deepEqual(await beacon.next(), { type: 'OPEN' });
  const flooder = connectPeer(t, a.port, { id: 'flooder' });
  assert.deepEqual(await flooder.next(), { type: 'OPEN' });

  const { Redis } = await import('ioredis');
  // Not waiting for a Redis that goes at the end of the test.
  const watch = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  const key = `rtc:id:${createHash('sha256').update('rtc-room-renewal').digest('base64url')}`;
  // The least time the beacon's id had left in Redis, read every 50 ms (-2: none left).
  let lowest = Infinity;
  let watching = true;
  const watched = (async () => {
    while (watching) {
      lowest = Math.min(lowest, await watch.pttl(key).catch(() => Infinity));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  t.after(async () => {
    watching = false;
    await watched;
    watch.disconnect();
  });

  // Renewed at a third of its TTL: never near lapsing.
  const renewed = () => assert.ok(lowest > 5000, `the beacon's id had ${lowest} ms left`);
  const expired = () => flooder.received.filter((m) => m.type === 'EXPIRE').length;
  // Two rounds of offers to ids nobody holds, each kept for 5 s, then answered EXPIRE: together
  // longer than the beacon's TTL. Each sender hears EXPIRE.
  for (let round = 1; round <= 2; round++) {
    for (let i = 0; i < FLOOD; i++) flooder.send({ type: 'OFFER', dst: `nobody-${round}-${i}`, payload: { sdp: 'x'.repeat(100) } });
    await until(
      () => {
        renewed();
        return expired() === round * FLOOD;
      },
      `${round * FLOOD} EXPIREs`,
      25_000,
    );
  }
  renewed();

  const squatter = connectPeer(t, b.port, { id: 'rtc-room-renewal', token: 'not-the-holders' });
  assert.deepEqual(await squatter.next(), { type: 'ID-TAKEN', payload: { msg: 'ID is taken' } });
  const member = connectPeer(t, b.port, { id: 'member' });
  assert.deepEqual(await member.next(), { type: 'OPEN' });
  member.send({ type: 'OFFER', dst: 'rtc-room-renewal', payload: { n: 1 } });
  assert.deepEqual(await beacon.next(), { type: 'OFFER', src: 'member', dst: 'rtc-room-renewal', payload: { n: 1 } });
});
