// The guard's own bookkeeping against what `peer` does: the query it reads, a second socket for the
// same id and token, a LEAVE without destination. The attacks themselves are in hostile.test.js.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectPeer, until } from '../test/peer-client.mjs';
import { createRtcServer } from './index.js';
import { peerQuery } from './peer-query.js';

/**
 * @param {import('node:test').TestContext} t
 * @param {Partial<import('./config.js').RtcServerConfig>} [overrides]
 */
async function startServer(t, overrides = {}) {
  const server = createRtcServer({ port: 0, host: '127.0.0.1', ...overrides });
  t.after(() => server.close());
  const { port } = await server.listen();
  return { server, port };
}

test('the guard reads the id, token and key that peer reads from the URL', () => {
  const path = '/peerjs/peerjs';
  const queries = [
    'key=peerjs&id=alice&token=t1',
    'id=a&id=b&token=x&key=peerjs',
    'id=a%62c&token=t+u&key=peerjs',
    'id=a#b&token=t&key=peerjs',
    'id&token=&key=peerjs',
    'id=a=b&&token=t&key=peerjs&',
    '__proto__=x&id=%E2%82%AC&token=%zz&key=peerjs',
    'id=%00&token=%0A&key=peer%6As',
    'id=a;b&token=t&key=peerjs',
    '',
  ];
  for (const query of queries) {
    const url = `${path}?${query}`;
    const { id, token, key } = Object.fromEntries(new URL(url, 'https://peerjs').searchParams.entries());
    assert.deepEqual(peerQuery(url), { id, token, key }, url);
  }
  assert.deepEqual(peerQuery(path), {});
});

test('a second socket for the same id and token takes the id over; the first one is closed, which does not release it', async (t) => {
  const { server, port } = await startServer(t);
  const first = connectPeer(t, port, { id: 'carol', token: 'carol-token' });
  assert.deepEqual(await first.next(), { type: 'OPEN' });
  // As PeerJS reconnects: the same id and token while the old socket is still open. `peer`
  // gives the client the new socket and sends no OPEN.
  const second = connectPeer(t, port, { id: 'carol', token: 'carol-token' });
  await new Promise((resolve) => second.socket.once('open', resolve));
  await until(() => server.claims.holder('carol') !== undefined && server.guard.connectionsByAddress.get('127.0.0.1') === 2, 'both sockets to be counted');

  const dave = connectPeer(t, port, { id: 'dave' });
  assert.deepEqual(await dave.next(), { type: 'OPEN' });
  dave.send({ type: 'CANDIDATE', dst: 'carol', payload: { n: 1 } });
  assert.deepEqual((await second.next()).payload, { n: 1 });

  // `peer` no longer listens to the first socket, and nobody would time it out: it is closed.
  assert.deepEqual(await first.closed, { code: 1000 });
  await until(() => server.guard.connectionsByAddress.get('127.0.0.1') === 2, 'the first socket to be counted out');
  assert.deepEqual(server.claims.size, { held: 2, reserved: 0 });
  dave.send({ type: 'CANDIDATE', dst: 'carol', payload: { n: 2 } });
  assert.deepEqual((await second.next()).payload, { n: 2 });
  // Someone else still cannot claim it.
  const squatter = connectPeer(t, port, { id: 'carol', token: 'stolen' });
  assert.deepEqual(await squatter.next(), { type: 'ID-TAKEN', payload: { msg: 'ID is taken' } });
});

test('after a LEAVE without destination its socket is closed and its sender counts as absent: what is kept for it is capped', async (t) => {
  const { server, port } = await startServer(t, { expireTimeout: 60_000, maxQueuedPerId: 2 });
  const erin = connectPeer(t, port, { id: 'erin' });
  const frank = connectPeer(t, port, { id: 'frank' });
  assert.deepEqual(await erin.next(), { type: 'OPEN' });
  assert.deepEqual(await frank.next(), { type: 'OPEN' });

  // `peer` drops erin from its list and would leave her socket open: it is closed, and what
  // comes for her is kept.
  erin.send({ type: 'LEAVE' });
  assert.deepEqual(await erin.closed, { code: 1000 });
  await until(async () => {
    frank.send({ type: 'CANDIDATE', dst: 'erin', payload: { probe: true } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    return server.guard.kept.count > 0;
  }, 'a message for erin to be kept');
  for (let i = 0; i < 3; i++) frank.send({ type: 'CANDIDATE', dst: 'erin', payload: { n: i } });
  // Past the cap, frank hears what he would hear when they lapse.
  await until(() => frank.received.some((m) => m.type === 'EXPIRE' && m.src === 'erin'), 'an EXPIRE from erin');
  assert.equal(server.guard.kept.count, 2);
});
