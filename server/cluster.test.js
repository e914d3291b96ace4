// Two rtc-server instances sharing one Redis (--redis), each its own process on 127.0.0.1, with
// a real redis-server started here on a free port (test/redis-fixture.mjs). Skipped when
// redis-server is not installed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import WebSocket from 'ws';
import { connectPeer, until } from '../test/peer-client.mjs';
import { freePort, skip, slowRelay, spawnInstance, startInstance, startRedis } from '../test/redis-fixture.mjs';

/** @param {import('node:test').TestContext} t */
async function twoInstances(t, extra = /** @type {string[]} */ ([])) {
  const redis = await startRedis(t);
  const [a, b] = await Promise.all([startInstance(t, ['--redis', redis.url, ...extra]), startInstance(t, ['--redis', redis.url, ...extra])]);
  return { redis, a, b };
}

test('an id held on one instance is taken on the other', { skip }, async (t) => {
  const { a, b } = await twoInstances(t);
  const alice = connectPeer(t, a.port, { id: 'alice' });
  assert.deepEqual(await alice.next(), { type: 'OPEN' });
  const squatter = connectPeer(t, b.port, { id: 'alice', token: 'not-alices' });
  assert.deepEqual(await squatter.next(), { type: 'ID-TAKEN', payload: { msg: 'ID is taken' } });
  // The holder is untouched, and still reachable from B.
  const bob = connectPeer(t, b.port, { id: 'bob' });
  assert.deepEqual(await bob.next(), { type: 'OPEN' });
  bob.send({ type: 'OFFER', dst: 'alice', payload: { n: 1 } });
  assert.deepEqual(await alice.next(), { type: 'OFFER', src: 'bob', dst: 'alice', payload: { n: 1 } });
});

test('a PeerJS handshake crosses instances: OFFER, ANSWER and CANDIDATEs arrive in order with the right src', { skip }, async (t) => {
  const { a, b } = await twoInstances(t);
  const caller = connectPeer(t, a.port, { id: 'caller' });
  const callee = connectPeer(t, b.port, { id: 'callee' });
  assert.deepEqual(await caller.next(), { type: 'OPEN' });
  assert.deepEqual(await callee.next(), { type: 'OPEN' });
  const offer = { sdp: { type: 'offer', sdp: 'v=0\r\n' }, type: 'data', connectionId: 'dc_1', label: 'dc_1', reliable: true };
  caller.send({ type: 'OFFER', dst: 'callee', payload: offer });
  for (let i = 0; i < 3; i++) caller.send({ type: 'CANDIDATE', dst: 'callee', payload: { candidate: { candidate: `c${i}` }, connectionId: 'dc_1' } });
  assert.deepEqual(await callee.next(), { type: 'OFFER', src: 'caller', dst: 'callee', payload: offer });
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(await callee.next(), { type: 'CANDIDATE', src: 'caller', dst: 'callee', payload: { candidate: { candidate: `c${i}` }, connectionId: 'dc_1' } });
  }
  // A client cannot pose as another: the server writes src.
  callee.send({ type: 'ANSWER', src: 'someone-else', dst: 'caller', payload: { sdp: { type: 'answer', sdp: 'v=0\r\n' }, connectionId: 'dc_1' } });
  callee.send({ type: 'CANDIDATE', dst: 'caller', payload: { candidate: { candidate: 'back' }, connectionId: 'dc_1' } });
  assert.deepEqual(await caller.next(), { type: 'ANSWER', src: 'callee', dst: 'caller', payload: { sdp: { type: 'answer', sdp: 'v=0\r\n' }, connectionId: 'dc_1' } });
  assert.deepEqual(await caller.next(), { type: 'CANDIDATE', src: 'callee', dst: 'caller', payload: { candidate: { candidate: 'back' }, connectionId: 'dc_1' } });
});

test('a message for an id nobody holds anywhere is answered with EXPIRE; one that arrives in time is delivered', { skip }, async (t) => {
  const { a, b } = await twoInstances(t);
  const sender = connectPeer(t, a.port, { id: 'sender' });
  assert.deepEqual(await sender.next(), { type: 'OPEN' });
  const sentAt = Date.now();
  sender.send({ type: 'OFFER', dst: 'nobody', payload: { n: 1 } });
  assert.deepEqual(await sender.next(8000), { type: 'EXPIRE', src: 'nobody', dst: 'sender' });
  // As on one PeerServer: after expireTimeout (5 s), swept once a second.
  assert.ok(Date.now() - sentAt >= 4500, `EXPIRE after ${Date.now() - sentAt} ms`);

  // Kept in Redis for an id that connects on the other instance within the time: delivered, no EXPIRE.
  sender.send({ type: 'OFFER', dst: 'late', payload: { n: 2 } });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const late = connectPeer(t, b.port, { id: 'late' });
  assert.deepEqual(await late.next(), { type: 'OPEN' });
  assert.deepEqual(await late.next(), { type: 'OFFER', src: 'sender', dst: 'late', payload: { n: 2 } });
  await new Promise((resolve) => setTimeout(resolve, 6500));
  assert.deepEqual(sender.received.slice(2), []);
});

test('what is kept for an absent id through Redis is bounded by bytes too: it connects and gets it all without being cut off', { skip }, async (t) => {
  // The burst must reach Redis: the relay rate of one socket is not what this test is about.
  const { a, b } = await twoInstances(t, ['--max-relayed-bytes-per-second', String(1024 ** 3)]);
  const sender = connectPeer(t, a.port, { id: 'sender' });
  assert.deepEqual(await sender.next(), { type: 'OPEN' });
  // 64 messages of 60 KB in one burst: 3.8 MB, where a socket is cut off past 1 MiB unread.
  const big = 'x'.repeat(60_000);
  for (let i = 0; i < 64; i++) sender.send({ type: 'CANDIDATE', dst: 'victim', payload: { i, big } });
  const refused = () => sender.received.filter((m) => m.type === 'EXPIRE').length;
  await until(() => refused() >= 55, () => `${refused()} EXPIREs`, 10_000);
  const victim = connectPeer(t, b.port, { id: 'victim' });
  assert.deepEqual(await victim.next(), { type: 'OPEN' });
  // Still connected after what was kept: a message after it arrives.
  sender.send({ type: 'OFFER', dst: 'victim', payload: { n: 'live' } });
  await until(() => victim.received.some((m) => m.type === 'OFFER'), () => `the victim got ${victim.received.length} messages, then nothing`, 10_000);
  const kept = victim.received.filter((m) => m.type === 'CANDIDATE').length;
  assert.ok(kept >= 1 && kept <= 9, `${kept} kept`);
  // Every message was either kept or refused at once.
  await until(() => kept + refused() === 64, () => `${kept} kept, ${refused()} refused`);
});

test('when an instance dies, its client takes its id back on another with its token, and no other token can', { skip }, async (t) => {
  const { a, b } = await twoInstances(t, ['--id-grace-timeout', '20000']);
  const owner = connectPeer(t, a.port, { id: 'owner', token: 'owners-token' });
  assert.deepEqual(await owner.next(), { type: 'OPEN' });
  await a.kill();
  const squatter = connectPeer(t, b.port, { id: 'owner', token: 'squatters-token' });
  assert.deepEqual(await squatter.next(), { type: 'ID-TAKEN', payload: { msg: 'ID is taken' } });
  const back = connectPeer(t, b.port, { id: 'owner', token: 'owners-token' });
  assert.deepEqual(await back.next(), { type: 'OPEN' });
  // Now held on B: messages from B's other clients reach it.
  const friend = connectPeer(t, b.port, { id: 'friend' });
  assert.deepEqual(await friend.next(), { type: 'OPEN' });
  friend.send({ type: 'OFFER', dst: 'owner', payload: {} });
  assert.deepEqual(await back.next(), { type: 'OFFER', src: 'friend', dst: 'owner', payload: {} });
});

test('a client that reconnects through another live instance takes its id over; the stale socket is closed', { skip }, async (t) => {
  const { a, b } = await twoInstances(t);
  const first = connectPeer(t, a.port, { id: 'mover', token: 'movers-token' });
  assert.deepEqual(await first.next(), { type: 'OPEN' });
  const closed = new Promise((resolve) => first.socket.once('close', resolve));
  const second = connectPeer(t, b.port, { id: 'mover', token: 'movers-token' });
  assert.deepEqual(await second.next(), { type: 'OPEN' });
  await closed;
  const other = connectPeer(t, a.port, { id: 'other' });
  assert.deepEqual(await other.next(), { type: 'OPEN' });
  other.send({ type: 'OFFER', dst: 'mover', payload: { n: 1 } });
  assert.deepEqual(await second.next(), { type: 'OFFER', src: 'other', dst: 'mover', payload: { n: 1 } });
});

test('an id given up on one instance is free on the other at once', { skip }, async (t) => {
  const { a, b } = await twoInstances(t);
  const first = connectPeer(t, a.port, { id: 'leaver' });
  assert.deepEqual(await first.next(), { type: 'OPEN' });
  first.socket.close();
  await until(async () => {
    const next = connectPeer(t, b.port, { id: 'leaver', token: 'a-new-token' });
    const answer = await next.next();
    return answer.type === 'OPEN';
  }, 'the id to be free on B', 3000);
});

test('with Redis gone, each instance serves its own peers, and the link comes back with Redis', { skip }, async (t) => {
  const redis = await startRedis(t);
  const a = await startInstance(t, ['--redis', redis.url]);
  const alice = connectPeer(t, a.port, { id: 'alice' });
  assert.deepEqual(await alice.next(), { type: 'OPEN' });
  // Stop the Redis of this test by its own port: SHUTDOWN through the protocol.
  await new Promise((resolve) => {
    const socket = net.connect(redis.port, '127.0.0.1', () => socket.write('SHUTDOWN NOSAVE\r\n'));
    socket.on('error', () => {});
    socket.once('close', resolve);
  });
  await until(() => /Redis lost/.test(a.output().stderr), 'the instance to notice');
  const bob = connectPeer(t, a.port, { id: 'bob' });
  assert.deepEqual(await bob.next(), { type: 'OPEN' });
  bob.send({ type: 'OFFER', dst: 'alice', payload: {} });
  assert.deepEqual(await alice.next(), { type: 'OFFER', src: 'bob', dst: 'alice', payload: {} });
  assert.equal(a.output().stderr.match(/Redis lost/g)?.length, 1);

  // An empty Redis on the same address: A says again which ids it holds, and B finds them.
  await startRedis(t, redis.port);
  await until(() => a.output().stderr.match(/Redis: connected/g)?.length === 2, 'the instance to reconnect', 15000);
  const b = await startInstance(t, ['--redis', redis.url]);
  assert.deepEqual(await connectPeer(t, b.port, { id: 'bob', token: 'not-bobs' }).next(), { type: 'ID-TAKEN', payload: { msg: 'ID is taken' } });
  const carol = connectPeer(t, b.port, { id: 'carol' });
  assert.deepEqual(await carol.next(), { type: 'OPEN' });
  carol.send({ type: 'OFFER', dst: 'alice', payload: { n: 2 } });
  assert.deepEqual(await alice.next(), { type: 'OFFER', src: 'carol', dst: 'alice', payload: { n: 2 } });
});

test('messages in Redis that rtc-server did not write never reach a client', { skip }, async (t) => {
  const { redis, a } = await twoInstances(t);
  const alice = connectPeer(t, a.port, { id: 'alice' });
  assert.deepEqual(await alice.next(), { type: 'OPEN' });
  const { createHash } = await import('node:crypto');
  const channel = `rtc:to:${createHash('sha256').update('alice').digest('base64url')}`;
  const { Redis } = await import('ioredis');
  const client = new Redis(redis.url);
  t.after(() => client.disconnect());
  for (const junk of [
    'x',
    'm{',
    'm[]',
    'mnull',
    'm{"type":"OPEN","src":"x","dst":"alice"}',
    'm{"type":"OFFER","src":"x","dst":"bob"}',
    'm{"type":"OFFER","src":5,"dst":"alice"}',
    `m{"type":"OFFER","src":"x","dst":"alice","payload":"${'a'.repeat(200_000)}"}`,
    'vnot-an-instance',
  ]) {
    await client.publish(channel, junk);
  }
  await client.publish(channel, 'm{"type":"OFFER","src":"x","dst":"alice","payload":1,"extra":true}');
  assert.deepEqual(await alice.next(), { type: 'OFFER', src: 'x', dst: 'alice', payload: 1 });
  assert.equal(alice.socket.readyState, WebSocket.OPEN);
});

test('a Redis that refuses the password or the database stops the start with one line; one not reached is not called shared', { skip }, async (t) => {
  const redis = await startRedis(t, 9630, ['--requirepass', 'right']);
  const url = (/** @type {string} */ auth, db = '') => `redis://${auth}127.0.0.1:${redis.port}${db}`;
  for (const [given, reply] of [
    [url(':wrong@'), /WRONGPASS/],
    [url(''), /NOAUTH/],
    // Redis has 16 databases: it refuses the 100th, and the client would go on in database 0.
    [url(':right@', '/99'), /DB index is out of range/],
  ]) {
    const instance = spawnInstance(t, ['--redis', given]);
    assert.equal(await instance.exit(), 1, given);
    const { stdout, stderr } = instance.output();
    assert.equal(stdout, '');
    assert.match(stderr, /^rtc-server: Redis refused this server \(.*\): check the user, the password and the database in the Redis URL\n$/);
    assert.match(stderr, reply);
    assert.doesNotMatch(stderr, /right|wrong/, 'no password in the message');
  }

  // The database asked for is the one used.
  const a = await startInstance(t, ['--redis', url(':right@', '/3')]);
  assert.match(a.output().stdout, /one of the instances sharing redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/3\)/);
  const alice = connectPeer(t, a.port, { id: 'alice' });
  assert.deepEqual(await alice.next(), { type: 'OPEN' });
  const { Redis } = await import('ioredis');
  const [db0, db3] = [new Redis(url(':right@', '/0')), new Redis(url(':right@', '/3'))];
  t.after(() => [db0, db3].forEach((client) => client.disconnect()));
  assert.equal((await db3.keys('rtc:id:*')).length, 1);
  assert.deepEqual(await db0.keys('*'), []);

  // Nothing listens on 9631.
  const nobody = await startInstance(t, ['--redis', 'redis://127.0.0.1:9631']);
  assert.match(nobody.output().stdout, /, alone until it reaches redis:\/\/127\.0\.0\.1:\d+\)\n$/);
});

test('while its claim is checked, a client may send a second of its relay rate; past that it is cut off, holding nothing', { skip }, async (t) => {
  const redis = await startRedis(t);
  // Redis 200 ms away each way: every claim waits at least 400 ms for its answer.
  const far = await slowRelay(t, await freePort(), redis.port, 200);
  const a = await startInstance(t, ['--redis', far.url]);
  // A PeerJS client that signals before the server's OPEN: held, then passed on in order.
  const bob = connectPeer(t, a.port, { id: 'bob' });
  assert.deepEqual(await bob.next(), { type: 'OPEN' });
  const early = connectPeer(t, a.port, { id: 'early' });
  early.socket.once('open', () => {
    for (let i = 0; i < 3; i++) early.send({ type: 'CANDIDATE', dst: 'bob', payload: { i } });
  });
  assert.deepEqual(await early.next(), { type: 'OPEN' });
  for (let i = 0; i < 3; i++) assert.deepEqual(await bob.next(), { type: 'CANDIDATE', src: 'early', dst: 'bob', payload: { i } });

  // 64 messages of 60 KB before the claim is answered: 3.8 MB the server would hold, where
  // 512 KiB (a second at the relay rate) is all it would pass on once the claim is granted.
  const flooder = connectPeer(t, a.port, { id: 'flooder' });
  const big = 'x'.repeat(60_000);
  flooder.socket.once('open', () => {
    for (let i = 0; i < 64; i++) flooder.send({ type: 'CANDIDATE', dst: 'bob', payload: { i, big } });
  });
  /** @type {number | undefined} */
  let code;
  void flooder.closed.then((closed) => (code = closed.code));
  await until(() => code !== undefined || flooder.received.length > 0, 'the flooder to be cut off or let in');
  assert.deepEqual([code, flooder.received.map((m) => m.type)], [1006, []]);
});

test('an id claimed with another token while Redis was away yields, once Redis is back, to the one Redis had granted', { skip, timeout: 40_000 }, async (t) => {
  const redis = await startRedis(t);
  const [a, b, c] = await Promise.all([1, 2, 3].map(() => startInstance(t, ['--redis', redis.url])));
  const owner = connectPeer(t, a.port, { id: 'owner', token: 'owners-token' });
  assert.deepEqual(await owner.next(), { type: 'OPEN' });
  await new Promise((resolve) => {
    const socket = net.connect(redis.port, '127.0.0.1', () => socket.write('SHUTDOWN NOSAVE\r\n'));
    socket.on('error', () => {});
    socket.once('close', resolve);
  });
  await until(() => [a, b].every((instance) => /Redis lost/.test(instance.output().stderr)), 'the instances to notice');
  // B decides alone: nothing tells it that A's client holds the id.
  const squatter = connectPeer(t, b.port, { id: 'owner', token: 'squatters-token' });
  assert.deepEqual(await squatter.next(), { type: 'OPEN' });

  // An empty Redis on the same address, as after a restart.
  await startRedis(t, redis.port);
  await until(() => [a, b, c].every((instance) => instance.output().stderr.match(/Redis: connected/g)?.length === 2), 'the instances to reconnect', 20_000);
  // The id stays with its owner, and the squatter is let go.
  /** @type {number | undefined} */
  let code;
  void squatter.closed.then((closed) => (code = closed.code));
  await until(() => code !== undefined, 'the squatter to be let go', 5000);
  assert.equal(code, 1000);
  const carol = connectPeer(t, c.port, { id: 'carol' });
  assert.deepEqual(await carol.next(), { type: 'OPEN' });
  carol.send({ type: 'OFFER', dst: 'owner', payload: { n: 1 } });
  assert.deepEqual(await owner.next(), { type: 'OFFER', src: 'carol', dst: 'owner', payload: { n: 1 } });
  assert.deepEqual(squatter.received.slice(1), []);
  assert.deepEqual(await connectPeer(t, c.port, { id: 'owner', token: 'squatters-token' }).next(), { type: 'ID-TAKEN', payload: { msg: 'ID is taken' } });
});
