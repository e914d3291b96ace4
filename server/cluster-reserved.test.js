// What one client address can leave reserved in Redis: no more than on one instance. Skipped
// when redis-server is not installed (test/redis-fixture.mjs).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectPeer, until } from '../test/peer-client.mjs';
import { skip, startInstance, startRedis } from '../test/redis-fixture.mjs';

test('ids one address leaves reserved are bounded in Redis as on one instance: the oldest are free again on every instance', { skip }, async (t) => {
  const redis = await startRedis(t);
  // One address may reserve twice its WebSocket limit: 10 here.
  const args = ['--redis', redis.url, '--max-connections-per-address', '5'];
  const [a, b] = await Promise.all([startInstance(t, args), startInstance(t, args)]);
  const { Redis } = await import('ioredis');
  const client = new Redis(redis.url);
  t.after(() => client.disconnect());

  // Each connection is cut off, never closed by its client: its id stays reserved for its token.
  const churn = 40;
  for (let i = 0; i < churn; i++) {
    const peer = connectPeer(t, a.port, { id: `churn-${i}` });
    assert.deepEqual(await peer.next(), { type: 'OPEN' });
    peer.socket.terminate();
    await peer.closed;
  }
  let reserved = 0;
  await until(async () => (reserved = (await client.keys('rtc:id:*')).length) <= 10, 'at most 10 ids reserved in Redis', 5000).catch(() => {
    assert.fail(`${reserved} of ${churn} ids reserved in Redis`);
  });
  // The first ones were let go on A: free on B too, to another token.
  const taker = connectPeer(t, b.port, { id: 'churn-0', token: 'someone-else' });
  assert.deepEqual(await taker.next(), { type: 'OPEN' });
  // The latest stay reserved for their tokens on every instance.
  const squatter = connectPeer(t, b.port, { id: `churn-${churn - 1}`, token: 'someone-else' });
  assert.deepEqual(await squatter.next(), { type: 'ID-TAKEN', payload: { msg: 'ID is taken' } });
});
