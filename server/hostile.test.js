// Attacks on rtc-server, each performed as an attacker would (bounded, on 127.0.0.1), and what an
// honest client notices. The attacker's sockets come from 127.0.0.2: Linux routes all of
// 127.0.0.0/8 to the loopback interface, so the server sees a second address.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { connectPeer, until } from '../test/peer-client.mjs';
import { MAX_IN_FLIGHT } from './descriptor-limit.js';
import { createRtcServer } from './index.js';
import { INVALID_ID, TOO_MANY_CONNECTIONS } from './socket-guard.js';

const ATTACKER = '127.0.0.2';

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

/**
 * Resolves with `promise`, or rejects once `ms` have passed.
 * @template T
 * @param {Promise<T>} promise
 * @param {string} what
 * @param {number} [ms]
 * @returns {Promise<T>}
 */
function within(promise, what, ms = 5000) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return /** @type {Promise<T>} */ (Promise.race([promise, deadline]).finally(() => clearTimeout(timer)));
}

/**
 * A client of the attacker's address and another one, both open.
 * @param {import('node:test').TestContext} t
 * @param {number} port
 */
async function senderAndReceiver(t, port) {
  const sender = connectPeer(t, port, { id: 'sender', from: ATTACKER });
  const receiver = connectPeer(t, port, { id: 'receiver' });
  assert.deepEqual(await sender.next(), { type: 'OPEN' });
  assert.deepEqual(await receiver.next(), { type: 'OPEN' });
  return { sender, receiver };
}

/**
 * Resolves with the client `peer` gives `id` to next.
 * @param {ReturnType<typeof createRtcServer>} server
 * @param {'connection' | 'disconnect'} event
 * @param {string} id
 */
function peerEvent(server, event, id) {
  return within(
    new Promise((resolve) => {
      const listener = (/** @type {any} */ client) => {
        if (client.getId() !== id) return;
        server.peerServer.off(event, listener);
        resolve(client);
      };
      server.peerServer.on(event, listener);
    }),
    `${event} of ${id}`,
  );
}

test('one address cannot fill the PeerServer: past its cap it is refused, others still get in', async (t) => {
  const { server, port } = await startServer(t, { concurrentLimit: 100, maxConnectionsPerAddress: 50 });
  // The whole server's worth of sockets from one address.
  const attackers = Array.from({ length: 100 }, (_, i) => connectPeer(t, port, { id: `bot-${i}`, from: ATTACKER }));
  const answers = await Promise.all(attackers.map((a) => a.next()));
  assert.equal(answers.filter((m) => m.type === 'OPEN').length, 50);
  const refused = answers.filter((m) => m.type === 'ERROR');
  assert.equal(refused.length, 50);
  assert.deepEqual(refused[0], { type: 'ERROR', payload: { msg: TOO_MANY_CONNECTIONS } });
  const closes = await within(
    Promise.all(attackers.filter((_, i) => answers[i].type === 'ERROR').map((a) => a.closed)),
    'the refused sockets to close',
  );
  assert.ok(closes.every(({ code }) => code === 1008));
  assert.equal(server.guard.connectionsByAddress.get(ATTACKER), 50);

  const newcomer = connectPeer(t, port, { id: 'newcomer' });
  assert.deepEqual(await newcomer.next(), { type: 'OPEN' });

  // A socket that closes makes room for another from the same address.
  attackers[0].socket.close();
  await until(() => server.guard.connectionsByAddress.get(ATTACKER) === 49, 'the closed socket to be counted out');
  assert.deepEqual(await connectPeer(t, port, { id: 'bot-again', from: ATTACKER }).next(), { type: 'OPEN' });
});

test('a 16 MiB message is refused before it is read and its connection closed', async (t) => {
  const { port } = await startServer(t);
  const { sender, receiver } = await senderAndReceiver(t, port);

  // The largest message allowed still goes through.
  const fits = { type: 'OFFER', dst: 'receiver', payload: { sdp: 'x'.repeat(64 * 1024 - 100) } };
  assert.ok(JSON.stringify(fits).length <= 64 * 1024);
  sender.send(fits);
  assert.equal((await receiver.next()).payload.sdp.length, fits.payload.sdp.length);

  sender.send({ type: 'OFFER', dst: 'receiver', payload: { sdp: 'x'.repeat(16 * 1024 * 1024) } });
  const { code } = await within(sender.closed, 'the sender to be disconnected');
  assert.equal(code, 1009, 'message too big');
  // Nothing reached the receiver, which is still connected.
  sender.received.length = 0;
  const witness = connectPeer(t, port, { id: 'witness' });
  assert.deepEqual(await witness.next(), { type: 'OPEN' });
  witness.send({ type: 'CANDIDATE', dst: 'receiver', payload: { candidate: 'c' } });
  assert.equal((await receiver.next()).src, 'witness');
});

/**
 * Records the most the server holds for `serverSide` after each message sent to it.
 * @param {import('ws').WebSocket} serverSide
 */
function watchQueue(serverSide) {
  const watch = { most: 0 };
  const send = serverSide.send;
  serverSide.send = (/** @type {any[]} */ ...args) => {
    send.apply(serverSide, /** @type {any} */ (args));
    watch.most = Math.max(watch.most, serverSide.bufferedAmount);
  };
  return watch;
}

test('a client that stops reading is cut off once nothing reaches it for stalledReaderTimeout, never holding more than the limit; the sender hears EXPIRE', async (t) => {
  const maxBufferedBytes = 1024 * 1024;
  const stalledReaderTimeout = 1000;
  // The relay rate is not what this test is about.
  const { server, port } = await startServer(t, { maxBufferedBytes, stalledReaderTimeout, maxRelayedBytesPerSecond: 1024 ** 3 });
  const slow = connectPeer(t, port, { id: 'slow', from: ATTACKER });
  const opened = peerEvent(server, 'connection', 'slow');
  assert.deepEqual(await slow.next(), { type: 'OPEN' });
  const serverSide = /** @type {import('ws').WebSocket} */ ((await opened).getSocket());
  const gone = peerEvent(server, 'disconnect', 'slow');
  // The client stops reading: the kernel's buffers fill, then the server's.
  /** @type {any} */ (slow.socket)._socket.pause();

  const sender = connectPeer(t, port, { id: 'flooder', from: ATTACKER });
  assert.deepEqual(await sender.next(), { type: 'OPEN' });
  const queue = watchQueue(serverSide);
  const message = JSON.stringify({ type: 'OFFER', dst: 'slow', payload: { sdp: 'x'.repeat(60 * 1024) } });
  const started = Date.now();
  let sent = 0;
  // For 10 s at most, until the server cuts the reader off.
  for (; Date.now() - started < 10_000 && serverSide.readyState === WebSocket.OPEN; sent++) {
    await new Promise((resolve) => sender.socket.send(message, resolve));
    await new Promise((resolve) => setImmediate(resolve));
  }
  await gone;
  assert.ok(serverSide.readyState !== WebSocket.OPEN, `still open after ${sent} messages`);
  assert.ok(Date.now() - started >= stalledReaderTimeout, 'cut off before stalledReaderTimeout');
  // Messages from other clients stop at half the limit: the limit itself is never reached.
  assert.ok(queue.most <= maxBufferedBytes, `${queue.most} bytes held for the slow reader`);
  // The sender heard that its messages were not delivered, and is not punished for them.
  assert.ok(sender.received.some((m) => m.type === 'EXPIRE' && m.src === 'slow'), 'no EXPIRE for the dropped messages');
  assert.equal(sender.socket.readyState, WebSocket.OPEN);
});

test('a flood at a member on a slower link drops the flood, not the member: it stays connected and hears others', async (t) => {
  const maxBufferedBytes = 1024 * 1024;
  // The queue alone must hold: the relay rate would otherwise slow this flood down first.
  const { server, port } = await startServer(t, { maxBufferedBytes, maxRelayedBytesPerSecond: 1024 ** 3 });
  // The holder of a room's beacon id, which any stranger to the room may know.
  const victim = connectPeer(t, port, { id: 'rtc-room-0123456789abcdef0123456789abcdef' });
  const opened = peerEvent(server, 'connection', 'rtc-room-0123456789abcdef0123456789abcdef');
  assert.deepEqual(await victim.next(), { type: 'OPEN' });
  const serverSide = /** @type {import('ws').WebSocket} */ ((await opened).getSocket());
  // An honest client on a slower downlink than the attacker's uplink: it reads in short bursts,
  // 20 a second, through a small receive buffer.
  const raw = /** @type {any} */ (victim.socket)._socket;
  raw.setRecvBufferSize?.(64 * 1024);
  raw.pause();
  /** @type {NodeJS.Timeout | undefined} */
  let pausing;
  const reading = setInterval(() => {
    raw.resume();
    pausing = setTimeout(() => raw.pause(), 1);
  }, 50);
  const readAtFullSpeed = () => {
    clearInterval(reading);
    clearTimeout(pausing);
    raw.resume();
  };
  t.after(readAtFullSpeed);

  const attacker = connectPeer(t, port, { id: 'attacker', from: ATTACKER });
  assert.deepEqual(await attacker.next(), { type: 'OPEN' });
  const queue = watchQueue(serverSide);
  const offer = JSON.stringify({
    type: 'OFFER',
    dst: 'rtc-room-0123456789abcdef0123456789abcdef',
    payload: { type: 'data', connectionId: 'dc_x', serialization: 'raw', sdp: { type: 'offer', sdp: 'x'.repeat(60 * 1024) } },
  });
  // 24 MiB as fast as the attacker can send them.
  for (let sent = 0; sent < 400 && serverSide.readyState === WebSocket.OPEN; sent++) {
    await new Promise((resolve) => attacker.socket.send(offer, resolve));
  }
  assert.equal(serverSide.readyState, WebSocket.OPEN, 'the victim was cut off');
  assert.ok(queue.most <= maxBufferedBytes, `${queue.most} bytes held for the victim`);
  await until(() => attacker.received.some((m) => m.type === 'EXPIRE'), 'the attacker to hear EXPIRE');
  assert.equal(attacker.socket.readyState, WebSocket.OPEN);

  // The flood over, the victim reads what it was sent, and then a member's message.
  readAtFullSpeed();
  await until(() => serverSide.bufferedAmount === 0, 'the victim to read its queue', 10_000);
  const member = connectPeer(t, port, { id: 'member' });
  assert.deepEqual(await member.next(), { type: 'OPEN' });
  member.send({ type: 'OFFER', dst: 'rtc-room-0123456789abcdef0123456789abcdef', payload: { sdp: 'intro' } });
  await until(() => victim.received.some((m) => m.src === 'member'), 'the member\'s offer to reach the victim');
  assert.equal(victim.socket.readyState, WebSocket.OPEN);
});

test('one WebSocket sends at most maxRelayedBytesPerSecond to others, a second\'s worth at once; past it, it hears EXPIRE', async (t) => {
  const { port } = await startServer(t);
  const { sender, receiver } = await senderAndReceiver(t, port);
  // 1.2 MB at once, in 60 KB candidates; the default is 512 KiB per second.
  const big = 'x'.repeat(60 * 1024);
  for (let i = 0; i < 20; i++) sender.send({ type: 'CANDIDATE', dst: 'receiver', payload: { i, big } });
  const expired = () => sender.received.filter((m) => m.type === 'EXPIRE').length;
  const passed = () => receiver.received.filter((m) => m.src === 'sender').length;
  await until(() => expired() + passed() === 20, 'every candidate to be passed on or refused');
  // A second's worth, and what the next few milliseconds add, however slow the machine.
  assert.ok(passed() >= 8 && passed() <= 12, `${passed()} passed`);
  assert.deepEqual(sender.received.at(-1), { type: 'EXPIRE', src: 'receiver', dst: 'sender' });
  // Paid off, the sender is heard again.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  sender.send({ type: 'CANDIDATE', dst: 'receiver', payload: { i: 'later' } });
  await until(() => receiver.received.some((m) => m.payload?.i === 'later'), 'the later candidate');
  assert.equal(receiver.socket.readyState, WebSocket.OPEN);
});

test('an id that would multiply what its holder relays is refused: at most 64 characters, as PeerJS writes ids', async (t) => {
  const { server, port } = await startServer(t);
  const receiver = connectPeer(t, port, { id: 'receiver' });
  assert.deepEqual(await receiver.next(), { type: 'OPEN' });
  // The server adds the sender's id to every message it relays: with this one, a candidate of
  // 46 bytes arrived as 10 KB, 210 times what the relay rate counted.
  const long = connectPeer(t, port, { id: 'a'.repeat(10_000), token: 'token', from: ATTACKER });
  const tiny = { type: 'CANDIDATE', dst: 'receiver', payload: 1 };
  const first = await long.next();
  if (first.type === 'OPEN') for (let i = 0; i < 100; i++) long.send(tiny);
  assert.deepEqual(first, { type: 'ERROR', payload: { msg: INVALID_ID } });
  assert.equal((await within(long.closed, 'the long id to be closed')).code, 1008);
  // Nor one PeerJS would not send, nor a token past 64 characters.
  for (const options of [{ id: 'a\u0001b' }, { id: 'a--b' }, { id: 'ok', token: 't'.repeat(65) }]) {
    const odd = connectPeer(t, port, { ...options, from: ATTACKER });
    assert.equal((await odd.next()).type, 'ERROR', JSON.stringify(options));
  }
  // The longest id taken adds at most 73 bytes to a message.
  const longest = connectPeer(t, port, { id: `${'a'.repeat(31)} ${'b'.repeat(32)}`, token: 'token', from: ATTACKER });
  assert.deepEqual(await longest.next(), { type: 'OPEN' });
  for (let i = 0; i < 100; i++) longest.send(tiny);
  const candidates = () => receiver.received.filter((m) => m.type === 'CANDIDATE');
  await until(() => candidates().length === 100, 'the 100 candidates');
  const received = candidates().reduce((sum, m) => sum + JSON.stringify(m).length, 0);
  assert.ok(received <= 100 * (JSON.stringify(tiny).length + 73), `${received} bytes received`);
  assert.equal(server.claims.size.held, 2);
});

test('messages kept for an absent id are capped per id and in total; the sender hears EXPIRE', async (t) => {
  const { server, port } = await startServer(t, { maxQueuedPerId: 5, maxQueuedBytes: 64 * 1024, expireTimeout: 60_000 });
  const attacker = connectPeer(t, port, { id: 'attacker', from: ATTACKER });
  assert.deepEqual(await attacker.next(), { type: 'OPEN' });

  for (let i = 0; i < 20; i++) attacker.send({ type: 'OFFER', dst: 'absent', payload: { n: i } });
  for (let i = 5; i < 20; i++) assert.deepEqual(await attacker.next(), { type: 'EXPIRE', src: 'absent', dst: 'attacker' });
  assert.deepEqual(server.guard.kept, { ids: 1, count: 5, bytes: server.guard.kept.bytes, senders: 1, addresses: 1 });

  // In total: big messages to many ids fill the server's share, and then nothing more is kept.
  const big = 'x'.repeat(10 * 1024);
  for (let i = 0; i < 20; i++) attacker.send({ type: 'CANDIDATE', dst: `absent-${i}`, payload: { big } });
  await until(() => attacker.received.some((m) => m.type === 'EXPIRE' && m.src === 'absent-19'), 'the last one to be refused');
  const refused = attacker.received.filter((m) => m.type === 'EXPIRE' && m.src.startsWith('absent-')).length;
  const { ids, bytes } = server.guard.kept;
  assert.ok(bytes <= 64 * 1024, `${bytes} bytes kept`);
  assert.equal(ids, 1 + 20 - refused);
  assert.ok(refused >= 13, `only ${refused} refused`);

  // Messages to someone present still go through while the server's share is full.
  const present = connectPeer(t, port, { id: 'present' });
  assert.deepEqual(await present.next(), { type: 'OPEN' });
  attacker.send({ type: 'CANDIDATE', dst: 'present', payload: { big } });
  assert.equal((await present.next()).src, 'attacker');

  // The absent id, arriving, gets the five kept messages and then what comes next.
  const absent = connectPeer(t, port, { id: 'absent' });
  assert.deepEqual(await absent.next(), { type: 'OPEN' });
  for (let i = 0; i < 5; i++) assert.deepEqual((await absent.next()).payload, { n: i });
  attacker.send({ type: 'ANSWER', dst: 'absent', payload: { n: 'live' } });
  assert.deepEqual((await absent.next()).payload, { n: 'live' });
});

test('a message whose destination is not a string is dropped: kept, it would have crashed the server when it lapsed', async (t) => {
  const { port } = await startServer(t, { expireTimeout: 200 });
  const attacker = connectPeer(t, port, { id: 'attacker', from: ATTACKER });
  assert.deepEqual(await attacker.next(), { type: 'OPEN' });
  for (const dst of [{ toString: 0 }, [{ toString: 0 }], 42, null]) attacker.send({ type: 'OFFER', dst, payload: {} });
  // A message for an absent id, sent after them, lapses in the same sweep they would have.
  attacker.send({ type: 'OFFER', dst: 'absent', payload: {} });
  assert.deepEqual(await within(attacker.next(), 'the EXPIRE'), { type: 'EXPIRE', src: 'absent', dst: 'attacker' });
  // Still up, for everyone.
  const honest = connectPeer(t, port, { id: 'honest' });
  assert.deepEqual(await honest.next(), { type: 'OPEN' });
});

test('messages kept for an absent id are counted as the server will send them, not as the client wrote them', async (t) => {
  const { server, port } = await startServer(t, { expireTimeout: 60_000 });
  const attacker = connectPeer(t, port, { id: 'attacker', from: ATTACKER });
  assert.deepEqual(await attacker.next(), { type: 'OPEN' });
  // 60 KB as written; `peer` sends each 1e20 as 21 digits: about 280 KB each as sent.
  const payload = Array(12_000).fill(1e20);
  const written = `{"type":"CANDIDATE","dst":"absent","payload":[${Array(12_000).fill('1e20').join(',')}]}`;
  for (let i = 0; i < 8; i++) attacker.socket.send(written);
  await until(() => attacker.received.filter((m) => m.type === 'EXPIRE').length >= 6, 'the refused ones');
  const sent = Buffer.byteLength(JSON.stringify({ type: 'CANDIDATE', src: 'attacker', dst: 'absent', payload }));
  assert.ok(sent > 250_000, `${sent} bytes as sent`);
  // Half the slow-reader limit per destination: what it gets when it connects never cuts it off.
  assert.ok(server.guard.kept.bytes <= 512 * 1024, `${server.guard.kept.bytes} bytes kept`);
  assert.equal(server.guard.kept.count, 1);
});

test('one address cannot fill what is kept for free ids: past its share it hears EXPIRE, a newcomer\'s intro is still kept', async (t) => {
  // A long expireTimeout: nothing lapses while the test runs, however slow the machine. Each
  // bot sends more than a second's worth of the relay rate, which is not what this test is about.
  const { server, port } = await startServer(t, { expireTimeout: 60_000, maxRelayedBytesPerSecond: 1024 ** 3 });
  // The default share of one sender: an eighth of maxQueuedBytes.
  const share = 512 * 1024;
  // Eight peer ids from one address, each sending 64 KiB offers to ten ids nobody holds, then
  // small candidates to ten more to fill the gaps: more than maxQueuedBytes in all, and within
  // the caps per destination.
  const bots = Array.from({ length: 8 }, (_, i) => connectPeer(t, port, { id: `bot-${i}`, from: ATTACKER }));
  for (const bot of bots) assert.deepEqual(await bot.next(), { type: 'OPEN' });
  const sdp = 'x'.repeat(64 * 1024 - 100);
  for (let n = 0; n < 80; n++) bots[n % 8].send({ type: 'OFFER', dst: `free-${n % 20}`, payload: { sdp } });
  for (const candidate of ['x'.repeat(2048), 'x'.repeat(256)]) {
    for (let n = 0; n < 40; n++) bots[n % 8].send({ type: 'CANDIDATE', dst: `free-${10 + (n % 10)}`, payload: { candidate } });
  }
  const refused = () => bots.reduce((sum, bot) => sum + bot.received.filter((m) => m.type === 'EXPIRE').length, 0);
  await until(() => server.guard.kept.count + refused() === 160, 'every message to be kept or refused');
  const kept = server.guard.kept;
  assert.ok(kept.bytes <= share, `${kept.bytes} bytes kept from one address, its share is ${share}`);
  assert.ok(refused() > 140, `only ${refused()} refused`);

  // A newcomer's intro to a room's beacon id, which nobody holds at this moment.
  const newcomer = connectPeer(t, port, { id: 'newcomer' });
  assert.deepEqual(await newcomer.next(), { type: 'OPEN' });
  // An SDP offer is a few KiB.
  const intro = { sdp: 'x'.repeat(2048) };
  newcomer.send({ type: 'OFFER', dst: 'beacon', payload: intro });
  await until(() => server.guard.kept.count === kept.count + 1 || newcomer.received.length > 1, 'the intro to be kept or refused');
  assert.deepEqual(newcomer.received.slice(1), [], 'the newcomer heard EXPIRE for its intro');

  // Whoever claims the beacon id gets it.
  const beacon = connectPeer(t, port, { id: 'beacon' });
  assert.deepEqual(await beacon.next(), { type: 'OPEN' });
  assert.deepEqual(await beacon.next(), { type: 'OFFER', src: 'newcomer', dst: 'beacon', payload: intro });

  // Counts per sender go with their messages.
  for (let i = 0; i < 20; i++) assert.deepEqual(await connectPeer(t, port, { id: `free-${i}` }).next(), { type: 'OPEN' });
  await until(() => server.guard.kept.ids === 0, 'the free ids to be given what was kept for them');
  assert.deepEqual(server.guard.kept, { ids: 0, count: 0, bytes: 0, senders: 0, addresses: 0 });
});

test('requests written at once on a connection that reads nothing open a few files, and none stays open once it closes', async (t) => {
  // A bundle larger than the sockets' buffers: each response waits for the one before it.
  const distDir = await mkdtemp(path.join(tmpdir(), 'rtc-server-dist-'));
  t.after(() => rm(distDir, { recursive: true, force: true }));
  await mkdir(distDir, { recursive: true });
  await writeFile(path.join(distDir, 'rtc-elements.js'), 'x'.repeat(8 * 1024 * 1024));
  const { port } = await startServer(t, { distDir });
  const openFiles = async () => (await readdir('/proc/self/fd')).length;
  const before = await openFiles();

  /** @type {net.Socket[]} */
  const connections = [];
  t.after(() => connections.forEach((socket) => socket.destroy()));
  const pipelined = (/** @type {number} */ requests) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: ATTACKER }).on('error', () => {});
    socket.pause();
    socket.write('GET /rtc-elements.js HTTP/1.1\r\nHost: localhost\r\n\r\n'.repeat(requests));
    connections.push(socket);
  };
  // One connection, 300 requests: each one opened the bundle (and read 128 KiB of it) at once.
  pipelined(300);
  // Twenty more with a few each, closed while their answers wait.
  for (let i = 0; i < 20; i++) pipelined(MAX_IN_FLIGHT);
  await new Promise((resolve) => setTimeout(resolve, 500));
  // Each connection (the client's end and the server's) and the files its answers read.
  const most = 2 * connections.length + connections.length * MAX_IN_FLIGHT;
  assert.ok((await openFiles()) - before <= most, `${(await openFiles()) - before} descriptors for ${connections.length} connections`);
  connections.forEach((socket) => socket.destroy());
  // Queued behind another, an answer's file stayed open for good once its connection closed.
  await until(async () => (await openFiles()) <= before, 'every file to be closed', 2000).catch(async () =>
    assert.fail(`${(await openFiles()) - before} descriptors still open`),
  );
});

test('an id stays bound to its token after its owner lost the connection: a squatter is refused, the owner gets it back', async (t) => {
  const { server, port } = await startServer(t);
  const owner = connectPeer(t, port, { id: 'member-1', token: 'owner-token' });
  assert.deepEqual(await owner.next(), { type: 'OPEN' });

  // The owner's network goes: no close frame.
  const gone = peerEvent(server, 'disconnect', 'member-1');
  owner.socket.terminate();
  await gone;

  const squatter = connectPeer(t, port, { id: 'member-1', token: 'stolen', from: ATTACKER });
  assert.deepEqual(await squatter.next(), { type: 'ID-TAKEN', payload: { msg: 'ID is taken' } });
  await within(squatter.closed, 'the squatter to be disconnected');

  const back = connectPeer(t, port, { id: 'member-1', token: 'owner-token' });
  assert.deepEqual(await back.next(), { type: 'OPEN' });
});

test('an id whose owner closed its socket itself is free at once, as on a stock PeerServer', async (t) => {
  const { server, port } = await startServer(t);
  const owner = connectPeer(t, port, { id: 'member-2', token: 'owner-token' });
  assert.deepEqual(await owner.next(), { type: 'OPEN' });
  const gone = peerEvent(server, 'disconnect', 'member-2');
  owner.socket.close();
  await gone;
  const successor = connectPeer(t, port, { id: 'member-2', token: 'another-token' });
  assert.deepEqual(await successor.next(), { type: 'OPEN' });
});

test('a reserved id lapses after idGraceTimeout', async (t) => {
  const { server, port } = await startServer(t, { idGraceTimeout: 300 });
  const owner = connectPeer(t, port, { id: 'member-3', token: 'owner-token' });
  assert.deepEqual(await owner.next(), { type: 'OPEN' });
  const gone = peerEvent(server, 'disconnect', 'member-3');
  owner.socket.terminate();
  await gone;
  assert.deepEqual(server.claims.size, { held: 0, reserved: 1 });
  await until(() => server.claims.size.reserved === 0, 'the reservation to lapse');
  const successor = connectPeer(t, port, { id: 'member-3', token: 'another-token' });
  assert.deepEqual(await successor.next(), { type: 'OPEN' });
});

test('after a restart with a state file, the owners get their ids back first and a squatter does not', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'rtc-server-state-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const stateFile = path.join(dir, 'ids.json');

  const first = await startServer(t, { stateFile });
  const owner = connectPeer(t, first.port, { id: 'member-4', token: 'owner-token' });
  const beacon = connectPeer(t, first.port, { id: 'rtc-room-0123456789abcdef0123456789abcdef', token: 'holder-token' });
  assert.deepEqual(await owner.next(), { type: 'OPEN' });
  assert.deepEqual(await beacon.next(), { type: 'OPEN' });
  await first.server.close();
  await within(owner.closed, 'the owner to lose the server');

  const saved = await readFile(stateFile, 'utf8');
  assert.doesNotMatch(saved, /member-4|owner-token|rtc-room/, 'the file holds hashes only');

  const second = await startServer(t, { stateFile });
  // The squatter is quicker than the owner's reconnect.
  const squatter = connectPeer(t, second.port, { id: 'member-4', token: 'stolen', from: ATTACKER });
  assert.deepEqual(await squatter.next(), { type: 'ID-TAKEN', payload: { msg: 'ID is taken' } });
  const back = connectPeer(t, second.port, { id: 'member-4', token: 'owner-token' });
  assert.deepEqual(await back.next(), { type: 'OPEN' });
  // A room's beacon id changes hands by design: any member may take it over.
  const taker = connectPeer(t, second.port, { id: 'rtc-room-0123456789abcdef0123456789abcdef', token: 'new-holder' });
  assert.deepEqual(await taker.next(), { type: 'OPEN' });
});

test('a state file that is not one is ignored with a warning', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'rtc-server-state-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const stateFile = path.join(dir, 'ids.json');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(stateFile, '{"version":1,"salt":"x","ids":[["a","b",1e9]]}');
  /** @type {string[]} */
  const warnings = [];
  const server = createRtcServer({ port: 0, host: '127.0.0.1', stateFile }, { logger: { warn: (m) => warnings.push(m) } });
  t.after(() => server.close());
  const { port } = await server.listen();
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /not an rtc-server state file/);
  assert.deepEqual(await connectPeer(t, port, { id: 'anyone' }).next(), { type: 'OPEN' });
});
