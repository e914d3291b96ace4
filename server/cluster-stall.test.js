// What an instance passes to Redis and waits on: a Redis that stops answering while its
// connections stay open (SIGSTOP here: a paused VM, a long fork, a network that drops packets
// without a reset), a link to Redis that a flood fills, messages that grow on their way. The
// instances run in this process, so that what they have waiting on Redis and what they log can
// be read. Skipped when redis-server is not installed (test/redis-fixture.mjs).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectPeer, until } from '../test/peer-client.mjs';
import { freePort, skip, slowRelay, startRedis } from '../test/redis-fixture.mjs';
import { createRtcServer } from './index.js';
import { MAX_BACKLOG_BYTES } from './redis-backlog.js';

/**
 * An rtc-server sharing `redisUrl`, its warnings collected.
 * @param {import('node:test').TestContext} t
 * @param {string} redisUrl
 * @param {Partial<import('./config.js').RtcServerConfig>} [overrides]
 */
async function instance(t, redisUrl, overrides = {}) {
  /** @type {string[]} */
  const log = [];
  const server = createRtcServer({ port: 0, host: '127.0.0.1', redisUrl, ...overrides }, { logger: { warn: (message) => log.push(message) } });
  t.after(() => server.close());
  const { port } = await server.listen();
  const cluster = /** @type {import('./cluster.js').Cluster} */ (server.cluster);
  const count = (/** @type {RegExp} */ pattern) => log.filter((line) => pattern.test(line)).length;
  return { port, cluster, count };
}

test('a Redis that stops answering holds only a bounded backlog: the sender hears EXPIRE, the link is lost once, then back', { skip, timeout: 60_000 }, async (t) => {
  const redis = await startRedis(t, 9620);
  // The flood must reach Redis: the relay rate of one socket is not what this test is about.
  const a = await instance(t, redis.url, { maxRelayedBytesPerSecond: 1024 ** 3 });
  // Bob is sent at once whatever waited in Redis: not cut off as a slow reader for it.
  const b = await instance(t, redis.url, { maxBufferedBytes: 2 * MAX_BACKLOG_BYTES });
  const alice = connectPeer(t, a.port, { id: 'alice' });
  const bob = connectPeer(t, b.port, { id: 'bob' });
  assert.deepEqual(await alice.next(), { type: 'OPEN' });
  assert.deepEqual(await bob.next(), { type: 'OPEN' });
  alice.send({ type: 'OFFER', dst: 'bob', payload: { n: 'before' } });
  assert.deepEqual(await bob.next(), { type: 'OFFER', src: 'alice', dst: 'bob', payload: { n: 'before' } });

  redis.pause();
  // 60 KB candidates for bob, held on the other instance: three times what may wait on Redis.
  const big = 'x'.repeat(60_000);
  const fits = Math.floor(MAX_BACKLOG_BYTES / (2 * big.length));
  const flood = 3 * fits;
  for (let i = 0; i < flood; i++) alice.send({ type: 'CANDIDATE', dst: 'bob', payload: { i, big } });
  let most = 0;
  const expired = () => alice.received.filter((m) => m.type === 'EXPIRE').length;
  // Those past the bound are refused at once, then all once the link counts as lost; the rest
  // may wait in Redis's socket.
  await until(
    () => {
      most = Math.max(most, a.cluster.size.unanswered);
      assert.ok(most <= MAX_BACKLOG_BYTES, `${most} bytes waiting on Redis`);
      return expired() >= flood - fits && a.count(/^Redis lost \(no answer in 2 s\)/) === 1;
    },
    'EXPIRE for the messages that could not wait on Redis, and the link to count as lost',
    20_000,
  );
  assert.ok(most > 0);
  assert.equal(a.cluster.up, false);

  redis.resume();
  await until(() => a.cluster.up && a.count(/^Redis: connected/) === 2, 'the link to be back', 15_000);
  assert.equal(a.count(/^Redis lost/), 1);
  // Redis answers in order: once this arrives, everything sent before it has.
  alice.send({ type: 'OFFER', dst: 'bob', payload: { n: 'after' } });
  await until(() => bob.received.some((m) => m.type === 'OFFER' && m.payload.n === 'after'), 'the offer sent after Redis came back', 15_000);
  const passed = bob.received.filter((m) => m.type === 'CANDIDATE').length;
  assert.ok(passed <= fits, `${passed} candidates went through Redis, at most ${fits} may wait on it`);
  assert.equal(a.cluster.size.unanswered, 0);
});

test('one address flooding a narrow link to Redis neither holds up other clients there nor has the instance think Redis lost', { skip, timeout: 60_000 }, async (t) => {
  const redis = await startRedis(t);
  // 2 MB/s towards Redis: what is written faster waits, as on a link a flood fills.
  const narrow = await slowRelay(t, await freePort(), redis.port, 1, 2_000_000);
  const a = await instance(t, narrow.url);
  const b = await instance(t, redis.url);
  // 25 WebSockets from one address, each within its relay rate.
  const flooders = Array.from({ length: 25 }, (_, i) => connectPeer(t, a.port, { id: `flooder-${i}`, from: '127.0.0.2' }));
  const carol = connectPeer(t, a.port, { id: 'carol' });
  const bob = connectPeer(t, b.port, { id: 'bob' });
  for (const peer of [...flooders, carol, bob]) assert.deepEqual(await peer.next(), { type: 'OPEN' });

  // A second's worth from each, 12 MB of candidates for bob: twice that to write to Redis, 12 s
  // of the link.
  const big = 'x'.repeat(60_000);
  for (const flooder of flooders) for (let i = 0; i < 8; i++) flooder.send({ type: 'CANDIDATE', dst: 'bob', payload: { i, big } });
  await until(() => a.cluster.size.unanswered > 0, 'the flood to wait on Redis');
  carol.send({ type: 'OFFER', dst: 'bob', payload: { n: 1 } });
  const sentAt = Date.now();
  await until(() => bob.received.some((m) => m.type === 'OFFER') || carol.received.length > 1, "carol's offer to arrive", 10_000);
  const waited = Date.now() - sentAt;
  assert.deepEqual(carol.received.slice(1), []);
  // The flooders hear EXPIRE for what did not fit; the link to Redis was never counted as lost.
  const refused = () => flooders.reduce((sum, flooder) => sum + flooder.received.filter((m) => m.type === 'EXPIRE').length, 0);
  const passed = () => bob.received.filter((m) => m.type === 'CANDIDATE').length;
  await until(() => refused() + passed() === 200, 'every candidate passed on or refused', 20_000);
  assert.equal(a.count(/^Redis lost/), 0);
  assert.equal(a.cluster.up, true);
  // Behind the flooders' share of the link at most: a second's worth, twice, at 2 MB/s.
  assert.ok(waited < 2000, `carol's offer waited ${waited} ms`);
});

test('a message that grows past what the other instance accepts is refused at once, not carried through Redis to be dropped', { skip }, async (t) => {
  const redis = await startRedis(t);
  const a = await instance(t, redis.url);
  const b = await instance(t, redis.url);
  const sender = connectPeer(t, a.port, { id: 'sender' });
  const bob = connectPeer(t, b.port, { id: 'bob' });
  assert.deepEqual(await sender.next(), { type: 'OPEN' });
  assert.deepEqual(await bob.next(), { type: 'OPEN' });
  // 65 KB as sent; `1e20` is written back as 21 digits: 286 KB once parsed and written again.
  const grown = `{"type":"CANDIDATE","dst":"bob","payload":[${Array(13_000).fill('1e20').join(',')}]}`;
  sender.socket.send(grown);
  sender.send({ type: 'CANDIDATE', dst: 'bob', payload: { n: 'next' } });
  assert.deepEqual(await bob.next(), { type: 'CANDIDATE', src: 'sender', dst: 'bob', payload: { n: 'next' } });
  // Its sender hears at once that it did not arrive; bob's instance had nothing to drop.
  assert.deepEqual(await sender.next(), { type: 'EXPIRE', src: 'bob', dst: 'sender' });
  assert.equal(b.count(/not one rtc-server writes/), 0);
});

test('a client that takes its reserved id back on another instance while Redis stalls keeps it once Redis answers', { skip, timeout: 30_000 }, async (t) => {
  const redis = await startRedis(t);
  const a = await instance(t, redis.url);
  const b = await instance(t, redis.url);
  const first = connectPeer(t, a.port, { id: 'owner', token: 'owners-token' });
  assert.deepEqual(await first.next(), { type: 'OPEN' });
  // Cut off, not closed: the id stays reserved for its token, in Redis too.
  first.socket.terminate();
  await until(() => a.cluster.size.held === 0, 'the id to be reserved');
  redis.pause();
  await until(() => !b.cluster.up, 'B to count Redis as lost', 10_000);
  const back = connectPeer(t, b.port, { id: 'owner', token: 'owners-token' });
  assert.deepEqual(await back.next(), { type: 'OPEN' });
  redis.resume();
  await until(() => b.cluster.up && b.count(/^Redis: connected/) === 2, 'B to be back', 10_000);
  // The reservation was its own: B writes the id as held, and the connection stays.
  const friend = connectPeer(t, a.port, { id: 'friend' });
  assert.deepEqual(await friend.next(), { type: 'OPEN' });
  friend.send({ type: 'OFFER', dst: 'owner', payload: { n: 1 } });
  assert.deepEqual(await back.next(), { type: 'OFFER', src: 'friend', dst: 'owner', payload: { n: 1 } });
  assert.equal(back.socket.readyState, back.socket.OPEN);
  assert.equal(b.count(/another instance's in Redis/), 0);
});
