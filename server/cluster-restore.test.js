// What an instance lets go while Redis is away, or loses with it: told to Redis again when it is
// back (cluster-held.js, rtcRestore). Skipped when redis-server is not installed
// (test/redis-fixture.mjs).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { connectPeer, until } from '../test/peer-client.mjs';
import { skip, startInstance, startRedis } from '../test/redis-fixture.mjs';

/**
 * Two instances sharing a Redis, and a client of that Redis to read it.
 * @param {import('node:test').TestContext} t
 */
async function cluster(t) {
  const redis = await startRedis(t);
  const [a, b] = await Promise.all([startInstance(t, ['--redis', redis.url]), startInstance(t, ['--redis', redis.url])]);
  const { Redis } = await import('ioredis');
  const reader = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  t.after(() => reader.disconnect());
  /** The values Redis has for ids now. */
  const ids = async () => {
    const keys = await reader.keys('rtc:id:*');
    return keys.length ? await reader.mget(keys) : [];
  };
  /** @param {number} count how many times each instance has said so */
  const connected = (count) =>
    until(() => [a, b].every((instance) => instance.output().stderr.match(/Redis: connected/g)?.length === count), 'the instances to be connected to Redis', 20_000);
  return { redis, a, b, ids, connected };
}

test('an id reserved for its owner stays reserved on every instance after Redis comes back empty', { skip, timeout: 40_000 }, async (t) => {
  const { redis, a, b, ids, connected } = await cluster(t);
  await connected(1);
  // Cut off, not closed by its client: the id stays reserved for its token.
  const owner = connectPeer(t, a.port, { id: 'owner', token: 'owners-token' });
  assert.deepEqual(await owner.next(), { type: 'OPEN' });
  owner.socket.terminate();
  await owner.closed;
  await until(async () => (await ids()).some((value) => value?.startsWith('-:')), 'the reservation in Redis');

  // Redis restarts with nothing saved.
  await new Promise((resolve) => {
    const socket = net.connect(redis.port, '127.0.0.1', () => socket.write('SHUTDOWN NOSAVE\r\n'));
    socket.on('error', () => {});
    socket.once('close', resolve);
  });
  await until(() => [a, b].every((instance) => /Redis lost/.test(instance.output().stderr)), 'the instances to notice');
  await startRedis(t, redis.port);
  await connected(2);
  await until(async () => (await ids()).some((value) => value?.startsWith('-:')), 'the reservation written again', 5000);

  // Someone else who knows the id cannot take it on the other instance; its owner can.
  const squatter = connectPeer(t, b.port, { id: 'owner', token: 'squatters-token' });
  assert.deepEqual(await squatter.next(), { type: 'ID-TAKEN', payload: { msg: 'ID is taken' } });
  const back = connectPeer(t, b.port, { id: 'owner', token: 'owners-token' });
  assert.deepEqual(await back.next(), { type: 'OPEN' });
});

test('an id given up while Redis did not answer is free on every instance once it answers again', { skip, timeout: 40_000 }, async (t) => {
  const { redis, a, b, ids, connected } = await cluster(t);
  await connected(1);
  const owner = connectPeer(t, a.port, { id: 'leaver', token: 'leavers-token' });
  assert.deepEqual(await owner.next(), { type: 'OPEN' });
  await until(async () => (await ids()).length === 1, 'the id held in Redis');

  redis.pause();
  await until(() => [a, b].every((instance) => /Redis lost/.test(instance.output().stderr)), 'the instances to notice', 10_000);
  // The client leaves with a close frame of its own: it gives the id up.
  owner.socket.close();
  await owner.closed;
  redis.resume();
  await connected(2);
  await until(async () => (await ids()).length === 0, 'the id let go in Redis', 5000);

  const next = connectPeer(t, b.port, { id: 'leaver', token: 'someone-elses-token' });
  assert.deepEqual(await next.next(), { type: 'OPEN' });
});
