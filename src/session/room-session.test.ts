import { expect } from '@open-wc/testing';
import { FakeNetwork, FakePeer, fakeCamera } from '../../test/fakes/peerjs.js';
import { until } from '../../test/helpers.js';
import { parseServerUrl } from './config.js';
import { MAX_QUEUED } from './files-channel.js';
import { beaconIdFor } from './ids.js';
import { PROTOCOL, metadata } from './protocol.js';
import { RoomSession, SessionError, type PeerFactory } from './room-session.js';

const timing = { heartbeat: 50, quiet: 60_000, silence: 60_000, introTimeout: 300, takeoverStep: 20 };

type Options = { room?: string; password?: string; max?: number; timing?: Partial<typeof timing & { claimAfter: number; dialRetry: number; dialTimeout: number; admitHold: number }>; peerFactory?: PeerFactory };

function session(net: FakeNetwork, name: string, options: Options = {}) {
  return new RoomSession({
    room: options.room ?? 'fake room',
    password: options.password,
    server: parseServerUrl('http://fake.test/peerjs'),
    name,
    maxParticipants: options.max ?? 0,
    peerFactory: options.peerFactory ?? net.factory,
    timing: { ...timing, ...options.timing },
  });
}

const linked = (s: RoomSession) => s.participants.map((p) => p.name).sort();
/** Each linked member's name with its mark among namesakes. */
const tags = (s: RoomSession) => s.participants.map((p) => `${p.name}${p.tag}`).sort();
const fullMesh = (all: RoomSession[]) =>
  all.every((s) => linked(s).join() === all.filter((o) => o !== s).map((o) => o.name).sort().join());
const describeMesh = (all: RoomSession[]) => () => all.map((s) => `${s.name}: [${linked(s)}]`).join('; ');
/** Waits until the sessions form a full mesh. */
const untilMesh = (all: RoomSession[], timeout?: number) => until(() => fullMesh(all), describeMesh(all), timeout);
/** Joins one after another, each once the ones before it are linked. */
async function joinInTurn(all: RoomSession[]) {
  for (let i = 0; i < all.length; i++) {
    await all[i].join();
    await untilMesh(all.slice(0, i + 1));
  }
}

describe('RoomSession over a fake PeerServer', () => {
  const sessions: RoomSession[] = [];
  const make = (net: FakeNetwork, name: string, options?: Options) => {
    const s = session(net, name, options);
    sessions.push(s);
    return s;
  };
  afterEach(() => {
    for (const s of sessions.splice(0)) s.destroy();
  });

  it('five people joining at the same instant end in one full mesh with one beacon holder', async () => {
    const net = new FakeNetwork();
    const all = ['A', 'B', 'C', 'D', 'E'].map((n) => make(net, n));
    await Promise.all(all.map((s) => s.join()));
    await untilMesh(all);
    expect(all.filter((s) => s.holdsBeacon)).to.have.length(1);
  });

  it('a newcomer waits for those its welcome names until it meets them, or until their places lapse', async () => {
    const net = new FakeNetwork();
    const quick = { dialRetry: 20, dialTimeout: 300, admitHold: 100 };
    const [a, b] = ['A', 'B'].map((n) => make(net, n, { timing: quick }));
    await joinInTurn([a, b]);
    const awaited = (s: RoomSession) => s.awaited.map((m) => m.name).sort();

    // C meets both: it waited for them from its join until it was linked with each.
    const c = make(net, 'C', { timing: quick });
    await c.join();
    expect(awaited(c).length, 'C was let in, its links not up yet').to.be.greaterThan(0);
    await untilMesh([a, b, c]);
    expect(awaited(c)).to.deep.equal([]);

    // D reaches nobody: it waits for all three, and not for ever.
    const d = make(net, 'D', { timing: quick });
    // What D's page is told, each time: how many it still waits for.
    const told: number[] = [];
    d.on('awaiting', () => told.push(d.awaited.length));
    net.failingDials = 100;
    await d.join();
    expect(awaited(d)).to.deep.equal(['A', 'B', 'C']);
    expect(told[0], 'D was told it waits for three').to.equal(3);
    // The places lapse (at the next heartbeat after their deadline), and D's page is told.
    await until(() => told.at(-1) === 0, () => `D was told [${told}]; it waits for [${awaited(d)}]`, 5_000);
    expect(awaited(d)).to.deep.equal([]);
    expect(d.participants).to.have.length(0);
  });

  it('dials again a member whose first connection failed to open, and says so when it never does', async () => {
    const net = new FakeNetwork();
    const [a, b] = ['A', 'B'].map((n) => make(net, n, { timing: { dialRetry: 20 } }));
    await a.join();
    net.failingDials = 2; // the welcoming connection and the first dial again
    await b.join();
    await untilMesh([a, b]);

    // C can reach nobody: A (whose welcome to C fails) and C (who dials B) give up, and say so.
    const c = make(net, 'C', { timing: { dialRetry: 20 } });
    const errors = new Map<RoomSession, SessionError[]>([a, b, c].map((s) => [s, []]));
    for (const [s, list] of errors) s.on('error', (e) => list.push(e));
    net.failingDials = 100;
    await c.join();
    const told = (s: RoomSession) => errors.get(s)!.map((e) => `${e.type}, ${e.fatal ? 'fatal' : 'not fatal'}: ${e.message}`);
    await until(() => told(a).length > 0 && told(c).length > 0, () => `A was told [${told(a)}], C [${told(c)}]`);
    expect(told(a)).to.have.length(1);
    expect(told(a)[0]).to.match(/^negotiation-failed, not fatal: Could not connect to C\b/);
    expect(told(c)).to.have.length(1);
    expect(told(c)[0]).to.match(/^negotiation-failed, not fatal: Could not connect to B\b/);
    expect(told(b)).to.deep.equal([]);
    expect(linked(c)).to.deep.equal([]);
    expect(linked(a)).to.deep.equal(['B']);
  });

  it('tells who was already in the room from who arrived later', async () => {
    const net = new FakeNetwork();
    const [a, b, c] = ['A', 'B', 'C'].map((n) => make(net, n));
    await joinInTurn([a, b, c]);
    const arrived = (s: RoomSession) => Object.fromEntries(s.participants.map((p) => [p.name, p.arrived]));
    expect(arrived(a)).to.deep.equal({ B: true, C: true });
    expect(arrived(b)).to.deep.equal({ A: false, C: true });
    expect(arrived(c)).to.deep.equal({ A: false, B: false });
  });

  it('sends media on each pair\'s one connection, once the pair is linked', async () => {
    const net = new FakeNetwork();
    const all = ['A', 'B', 'C', 'D'].map((n) => make(net, n));
    for (const s of all) s.enableMedia(fakeCamera());
    for (const s of all) await s.join();
    await until(() => fullMesh(all) && all.every((s) => s.participants.every((p) => p.stream)), describeMesh(all));
    for (const s of all) {
      const conns = [...net.peers.get(s.id!)!.connections].filter((c) => !c.closed);
      expect(conns.map((c) => c.type), `${s.name}'s connections`).to.deep.equal(['data', 'data', 'data']);
    }
    expect(net.callsPlaced, 'no separate media calls').to.deep.equal([]);
  });

  it('sends a newcomer still asking for its devices the media of the room, and its own once they answer', async () => {
    const net = new FakeNetwork();
    const [a, b] = ['A', 'B'].map((n) => make(net, n));
    a.enableMedia(fakeCamera());
    await a.join();
    b.expectMedia();
    await b.join();
    await until(() => !!b.participants[0]?.stream, 'B does not get A\'s media');
    expect(a.participants[0].stream, 'nothing from B before its devices answer').to.equal(null);
    b.enableMedia(fakeCamera());
    await until(() => !!a.participants[0].stream, 'B\'s media does not reach A');
  });

  it('links a newcomer whose id sorts first (a slow clock): the others dial it after gossip', async () => {
    const net = new FakeNetwork();
    net.idQueue.push('rtc-3', 'rtc-2', 'rtc-1');
    const [a, b, c] = ['A', 'B', 'C'].map((n) => make(net, n));
    await joinInTurn([a, b, c]);
  });

  it('merges a newcomer who takes the beacon while its holder leaves with the members left behind', async () => {
    const net = new FakeNetwork();
    const a = make(net, 'A');
    // B's claim is slow to reach the server, and C claims as soon as its introduction goes out
    // (by default C's unanswered introduction would wait at the server for B, which lets it in).
    const b = make(net, 'B', { peerFactory: net.slowClaims(50) });
    const c = make(net, 'C', { timing: { claimAfter: 0 } });
    await joinInTurn([a, b]);
    expect(a.holdsBeacon).to.equal(true);
    // A leaves and frees the beacon id; C arrives in the same instant and finds it free.
    await a.leave();
    await c.join();
    expect(c.holdsBeacon, 'C took the free beacon').to.equal(true);
    await untilMesh([b, c], 5_000);
    expect([b, c].filter((s) => s.holdsBeacon)).to.have.length(1);
  });

  it('lets a newcomer into a room with people on its introduction alone: it never claims the beacon', async () => {
    const net = new FakeNetwork();
    const [a, b, c] = ['A', 'B', 'C'].map((n) => make(net, n));
    await joinInTurn([a, b, c]);
    // A claimed the beacon (alone, nobody answered); B and C asked and were answered in time.
    expect(net.claims.filter((id) => id.startsWith('rtc-room-'))).to.have.length(1);
    expect([a, b, c].map((s) => s.holdsBeacon)).to.deep.equal([true, false, false]);
  });

  it('lets in a newcomer whose introduction reached the server while the room was empty, once someone holds the beacon', async () => {
    const net = new FakeNetwork();
    net.expireAfter = 5_000; // as a PeerServer keeps it
    const a = make(net, 'A', { timing: { claimAfter: 60_000 } }); // never claims on its own
    const b = make(net, 'B');
    const joining = a.join();
    // A's introduction waits at the server; B, arriving later, finds nobody to answer and claims.
    await until(() => net.peers.size === 1, 'A did not open');
    await b.join();
    await joining;
    await untilMesh([a, b]);
    expect(b.holdsBeacon).to.equal(true);
  });

  it('refuses a newcomer beyond max-participants, counting one admitted but not yet linked', async () => {
    const net = new FakeNetwork();
    const a = make(net, 'A', { max: 2 });
    await a.join();
    const b = make(net, 'B', { max: 2 });
    const c = make(net, 'C', { max: 2 });
    // B and C knock at the same moment: only one gets the last place.
    const results = await Promise.allSettled([b.join(), c.join()]);
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).to.have.length(1);
    expect(((refused[0] as PromiseRejectedResult).reason as SessionError).type).to.equal('room-full');
  });

  it('holds no place for a newcomer that it cannot dial: the next one gets in', async () => {
    const net = new FakeNetwork();
    const a = make(net, 'A', { max: 2, timing: { dialRetry: 20 } });
    const told: string[] = [];
    a.on('error', (e) => told.push(e.type));
    await a.join();
    // A bare page that asks to come in, but cannot be reached: A dials it four times, then gives up.
    const nobody = net.factory('rtc-000000000nobodyhere0', {}) as unknown as FakePeer;
    await until(() => nobody.open, 'the bare page did not open');
    const ask = () =>
      nobody.socket.send({ type: 'OFFER', dst: beaconIdFor('fake room', 'peerjs'), payload: { type: PROTOCOL, metadata: { ...metadata('intro'), name: 'Nobody', media: false, nonce: `nonce${Math.random().toString(36).slice(2, 10)}` } } });
    net.failingDials = 4;
    ask();
    await until(() => told.includes('negotiation-failed'), () => `A was told ${told}`);
    // It asks again: A, which gave up on it, cannot dial it, and must not keep the room's last place for it.
    ask();
    const b = make(net, 'B', { max: 2 });
    await b.join();
    await untilMesh([a, b]);
  });

  it('tells two people with the same name apart: a mark per namesake, and a notice', async () => {
    const net = new FakeNetwork();
    const [a, b, c] = ['Alice', 'Bob', 'alice '].map((n) => make(net, n));
    const notices: string[] = [];
    a.on('error', (e) => notices.push(`${e.type}: ${e.message}`));
    await joinInTurn([a, b, c]);
    expect(tags(b)).to.deep.equal(['Alice#1', 'alice#2']);
    expect(tags(a), 'her own name counts first').to.deep.equal(['Bob', 'alice#2']);
    expect(notices).to.deep.equal(['duplicate-name: Two people here are called alice: a mark beside the name (#1, #2) tells them apart.']);
    await c.leave();
    await until(() => b.participants.length === 1, 'C did not leave');
    expect(tags(b), 'the mark goes with the namesake').to.deep.equal(['Alice']);
  });

  it('a new name reaches everyone at once, and the marks of namesakes old and new follow it', async () => {
    const net = new FakeNetwork();
    const [a, b, c] = ['Alice', 'Bob', 'Cy'].map((n) => make(net, n));
    const notices: string[] = [];
    b.on('error', (e) => notices.push(`${e.type}: ${e.message}`));
    await joinInTurn([a, b, c]);
    c.rename('  alice ');
    expect(c.name, 'cleaned').to.equal('alice');
    await until(() => tags(b).join() === 'Alice#1,alice#2', () => `Bob sees ${tags(b)}`);
    expect(notices).to.deep.equal(['duplicate-name: Two people here are called alice: a mark beside the name (#1, #2) tells them apart.']);
    await until(() => tags(a).join() === 'Bob,alice#2', () => `Alice sees ${tags(a)}`);
    expect(tags(c), 'her own new name counts first').to.deep.equal(['Alice#2', 'Bob']);
    // Another name again: the marks go; an empty name changes nothing.
    c.rename('Cyrus');
    c.rename(' \u200b ');
    await until(() => tags(b).join() === 'Alice,Cyrus', () => `Bob sees ${tags(b)}`);
    expect(tags(c)).to.deep.equal(['Alice', 'Bob']);
    expect(c.name).to.equal('Cyrus');
  });

  for (const password of ['', 'secret']) it(`a member that joins the call and takes a new name while its link comes up is seen with both${password ? ', in a private room' : ''}`, async () => {
    const net = new FakeNetwork();
    const [a, b] = ['A', 'B'].map((n) => make(net, n, { password }));
    await a.join();
    // Nothing of B's but its proof reaches A for now: B links A on A's hello, A still waits for B's.
    let held = true;
    net.loses = (from, to, data) => held && from === b.id && to === a.id && !/"t":"(auth|proof)"/.test(String(data));
    b.enableMedia(fakeCamera());
    await b.join();
    await until(() => linked(b).join() === 'A', 'B does not link A');
    expect(linked(a)).to.deep.equal([]);
    // A's hello told B that A is not in the call, and its name.
    a.enableMedia(fakeCamera());
    a.rename('Ada');
    held = false;
    const seen = () => `B sees ${JSON.stringify(b.participants.map((p) => [p.name, p.media, !!p.stream]))}, A ${JSON.stringify(a.participants.map((p) => [p.name, p.media, !!p.stream]))}`;
    await until(() => b.participants[0]?.media === true && b.participants[0].name === 'Ada' && !!b.participants[0].stream && !!a.participants[0]?.stream, seen);
  });

  it('links a newcomer whose dial reaches a member before the holder\'s word of it, without waiting for the dial to time out', async () => {
    const net = new FakeNetwork();
    net.idQueue.push('rtc-1', 'rtc-2', 'rtc-3');
    const [a, b, c] = ['A', 'B', 'C'].map((n) => make(net, n, { timing: { dialTimeout: 30_000 } }));
    await a.join();
    // B's link to the holder A is still coming up (its frames held back) when A lets C in: A's
    // welcome names B to C, and C's dial reaches B, who has not heard of C yet.
    let held = true;
    net.loses = (from, to) => held && from === b.id && to === a.id;
    await b.join();
    await until(() => linked(b).join() === 'A', 'B does not link A');
    await c.join();
    await until(() => linked(c).join() === 'A', 'C does not link A');
    held = false;
    await until(() => fullMesh([a, b, c]), describeMesh([a, b, c]), 4_000);
  });

  it('a member naming 40 real ids that never connect: each is dialled a bounded number of times, and a few notices say so', async () => {
    const net = new FakeNetwork();
    const [a, b] = ['A', 'B'].map((n) => make(net, n, { timing: { dialRetry: 20 } }));
    await joinInTurn([a, b]);
    // Pages on the server whose connections never open (their ICE fails), with ids that A dials.
    const ghosts = Array.from({ length: 40 }, (_, i) => new FakePeer(net, `rtc-000ghost${String(i).padStart(2, '0')}`));
    await until(() => ghosts.every((g) => g.open), 'the ghosts are not on the server');
    let dials = 0;
    for (const g of ghosts) g.on('connection', () => dials++);
    const errors: SessionError[] = [];
    a.on('error', (e) => errors.push(e));
    net.failingDials = 1_000;
    // B names them as admitted (each with a name of its own), then as its links.
    for (const g of ghosts) b.broadcast({ t: 'admit', id: g.id, name: `Ghost ${g.id.slice(-2)}`, media: false });
    b.broadcast({ t: 'peers', ids: ghosts.map((g) => g.id) });
    // Every ghost dialled (some more than once), until the last of them is given up.
    await until(() => dials >= 40 && errors.length > 0, () => `${dials} dials, ${errors.length} errors`, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(dials, 'dials in all: 4 each at most').to.be.at.most(40 * 4);
    expect(errors.map((e) => e.type), 'notices').to.deep.equal(Array(4).fill('negotiation-failed'));
    expect(linked(a)).to.deep.equal(['B']);
  });

  it('a connection whose ICE goes back and forth without ever opening gets more time once per step, no more', async () => {
    const net = new FakeNetwork();
    // Connections never open; their ICE flips between checking and connected every 100 ms.
    net.openDelay = 60_000;
    net.iceSteps = Array.from({ length: 40 }, (_, i) => 100 * (i + 1));
    const options = { timing: { dialTimeout: 300, admitHold: 300 } };
    const a = make(net, 'A', options);
    await a.join();
    const b = make(net, 'B', options);
    await b.join();
    const first = net.between(a.id!, b.id!).filter((c) => c.type === 'data');
    expect(first, 'the welcome, both its ends').to.have.length(2);
    // 300 ms to open, at least 300 more after each of its two steps: closed by 900 ms.
    await until(() => first.every((c) => c.closed), 'the welcome is still waiting', 1_500);
    expect(linked(a)).to.deep.equal([]);
  });

  it('ignores gossip about members that do not exist', async () => {
    const net = new FakeNetwork();
    const [a, b] = ['A', 'B'].map((n) => make(net, n));
    await joinInTurn([a, b]);
    b.broadcast({ t: 'peers', ids: ['rtc-000ghost', 'rtc-zzghost'] });
    // A dials the ghost whose id sorts below its own (the higher id dials); the server says it
    // is not there. The other ghost would have to dial A, and never does.
    await until(() => net.unavailable.includes('rtc-000ghost'), 'A did not try the ghost');
    expect(linked(a)).to.deep.equal(['B']);
    expect(linked(b)).to.deep.equal(['A']);
  });

  it('drops frames to a member whose connection holds as much unsent as it may, says so once, and sends again once it drains', async () => {
    const net = new FakeNetwork();
    const [a, b] = ['A', 'B'].map((n) => make(net, n));
    await joinInTurn([a, b]);
    const notices: string[] = [];
    a.on('error', (e) => notices.push(`${e.type}: ${e.message}`));
    const got: unknown[] = [];
    b.on('frame', (_from, frame) => got.push((frame as { n?: number }).n));
    const [toB] = net.between(a.id!, b.id!).filter((c) => c.type === 'data' && c.open && c.owner.id === a.id);
    // B stopped taking in what A sends: what A handed its channel is still there.
    toB.dataChannel.bufferedAmount = MAX_QUEUED;
    for (let n = 1; n <= 100; n++) a.send(b.id!, { t: 'chat-test', n });
    toB.dataChannel.bufferedAmount = 0;
    a.send(b.id!, { t: 'chat-test', n: 101 });
    await until(() => got.includes(101), 'nothing arrives once it drained');
    expect(got).to.deep.equal([101]);
    expect(notices).to.deep.equal(['protocol: B is not taking in what this page sends; messages to them were dropped.']);
  });
});
