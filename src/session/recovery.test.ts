// The session's recovery paths over the fake network: a pair's path that breaks, heals, fails or
// goes silent; the PeerServer link that drops and comes back; the beacon changing hands. Each test
// says what a person in the room would notice: who is shown, as connected or reconnecting.
import { expect } from '@open-wc/testing';
import { FakeNetwork, fakeCamera } from '../../test/fakes/peerjs.js';
import { until } from '../../test/helpers.js';
import { parseServerUrl } from './config.js';
import { RoomSession, type LeaveReason, type SessionTiming } from './room-session.js';

const timing: Partial<SessionTiming> = {
  heartbeat: 25,
  quiet: 150,
  redialAfter: 200,
  silence: 1_500,
  introTimeout: 300,
  takeoverStep: 20,
  dialTimeout: 500,
};

type Log = string[];

describe('RoomSession recovery over a fake PeerServer', () => {
  const sessions: RoomSession[] = [];
  afterEach(() => {
    for (const s of sessions.splice(0)) s.destroy();
  });

  /** A session that logs what its page would show: joins, leaves, reconnections. */
  function make(net: FakeNetwork, name: string, extra: Partial<SessionTiming> = {}) {
    const s = new RoomSession({
      room: 'recovery room',
      server: parseServerUrl('http://fake.test/peerjs'),
      name,
      peerFactory: net.factory,
      timing: { ...timing, ...extra },
    });
    const log: Log = [];
    s.on('participant-joined', (p) => log.push(`joined ${p.name}`));
    s.on('participant-left', (p, reason: LeaveReason) => log.push(`left ${p.name} ${reason}`));
    s.on('participant-reconnected', (p) => log.push(`reconnected ${p.name}`));
    s.on('signalling', (state) => log.push(`signalling ${state}`));
    sessions.push(s);
    return { s, log };
  }

  const shown = (s: RoomSession) =>
    s.participants
      .map((p) => `${p.name}:${p.connection}`)
      .sort()
      .join(' ');

  async function pair(net: FakeNetwork, extra?: Partial<SessionTiming>) {
    const a = make(net, 'A', extra);
    const b = make(net, 'B', extra);
    await a.s.join();
    await b.s.join();
    await until(() => shown(a.s) === 'B:connected' && shown(b.s) === 'A:connected', () => `A: ${shown(a.s)}; B: ${shown(b.s)}`);
    return [a, b];
  }

  /** Data connections between two members that are still open. */
  const openLinks = (net: FakeNetwork, x: RoomSession, y: RoomSession) =>
    net.between(x.id!, y.id!).filter((c) => c.type === 'data' && !c.closed);

  it('shows a member whose path breaks as reconnecting, and as connected when the path comes back, on the same connection', async () => {
    const net = new FakeNetwork();
    const [a, b] = await pair(net, { redialAfter: 60_000 });
    const before = openLinks(net, a.s, b.s);
    net.breakPath(a.s.id!, b.s.id!);
    await until(() => shown(a.s) === 'B:reconnecting' && shown(b.s) === 'A:reconnecting', () => `A: ${shown(a.s)}; B: ${shown(b.s)}`);
    net.healPath(a.s.id!, b.s.id!);
    await until(() => shown(a.s) === 'B:connected' && shown(b.s) === 'A:connected', () => `A: ${shown(a.s)}; B: ${shown(b.s)}`);
    expect(a.log).to.deep.equal(['joined B', 'reconnected B']);
    expect(b.log).to.deep.equal(['joined A', 'reconnected A']);
    expect(openLinks(net, a.s, b.s), 'no new connection').to.deep.equal(before);
  });

  it('links a pair whose first hello was lost on the way in one round trip, not when the connection would lapse', async () => {
    const net = new FakeNetwork();
    const a = make(net, 'A', { admitHold: 4_000 });
    await a.s.join();
    // The newcomer's hello reaches nobody; its next frames do (as seen in Chromium now and then).
    let lost = 0;
    net.loses = (from, _to, data) => from !== a.s.id && !lost && typeof data === 'string' && data.includes('"hello"') && ++lost > 0;
    const b = make(net, 'B', { admitHold: 4_000 });
    await b.s.join();
    await until(() => lost === 1 && shown(a.s) === 'B:connected' && shown(b.s) === 'A:connected', () => `lost ${lost}; A: ${shown(a.s)}; B: ${shown(b.s)}`, 1_500);
    expect(a.log).to.deep.equal(['joined B']);
    expect(b.log).to.deep.equal(['joined A']);
    expect(openLinks(net, a.s, b.s), 'one connection, both its ends').to.have.length(2);
  });

  it('asks nothing more once the holder that welcomed this page said hello', async () => {
    const net = new FakeNetwork();
    // dialTimeout + admitHold (700 ms) is the longest a page waits for its welcome's hello
    // before it asks again.
    const [a, b] = await pair(net, { admitHold: 200 });
    const questions = () => net.relayed.filter((m) => m.src === b.s.id && m.dst !== a.s.id && m.type === 'OFFER').length;
    const asked = questions();
    // Well past that wait; the periodic check comes 15 s after the proof at the soonest.
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(questions(), 'questions after the welcome').to.equal(asked);
    expect(b.log).to.deep.equal(['joined A']);
  });

  it('links pages whose connections take longer to open than admitHold, as on a starved machine', async () => {
    const net = new FakeNetwork();
    // Each connection opens 600 ms after it arrives; once open, it has 300 ms to say hello.
    net.openDelay = 600;
    const extra = { admitHold: 300, dialTimeout: 3_000, introTimeout: 2_000 };
    const [a, b] = await pair(net, extra);
    const c = make(net, 'C', extra);
    await c.s.join();
    await until(() => shown(c.s) === 'A:connected B:connected', () => `C: ${shown(c.s)}`, 3_000);
    expect([...a.log, ...b.log, ...c.log].filter((l) => l.startsWith('left'))).to.deep.equal([]);
    expect(openLinks(net, a.s, c.s), 'one connection between A and C, both its ends').to.have.length(2);
  });

  it('gives a connection that is still making its way more time to open, and asks nothing more meanwhile', async () => {
    const net = new FakeNetwork();
    // Each connection opens 850 ms after it arrives, past dialTimeout (300 ms); its ICE turns
    // checking at 250 ms and connected at 550 ms, each a step that gives it admitHold (400 ms)
    // more from then. The newcomer would ask again after dialTimeout + admitHold (700 ms) if its
    // welcome were not pending any more.
    net.openDelay = 850;
    net.iceSteps = [250, 550];
    const extra = { admitHold: 400, dialTimeout: 300, introTimeout: 2_000 };
    const a = make(net, 'A', extra);
    await a.s.join();
    const b = make(net, 'B', extra);
    await b.s.join();
    const questions = () => net.relayed.filter((m) => m.src === b.s.id && m.dst !== a.s.id && m.type === 'OFFER').length;
    await until(() => shown(a.s) === 'B:connected' && shown(b.s) === 'A:connected', () => `A: ${shown(a.s)}; B: ${shown(b.s)}`, 3_000);
    expect(questions(), 'questions').to.equal(1);
    expect([...a.log, ...b.log].filter((l) => l.startsWith('left'))).to.deep.equal([]);
    expect(openLinks(net, a.s, b.s), 'one connection, both its ends').to.have.length(2);
  });

  /**
   * Four in a room, where nothing gets through on the first connection between C and the
   * newcomer D: it opens, no hello arrives, and it lapses. Every other pair works.
   */
  async function firstConnectionDead(extra: Partial<SessionTiming>) {
    const net = new FakeNetwork();
    const [a, b] = await pair(net, extra);
    const c = make(net, 'C', extra);
    await c.s.join();
    await until(() => shown(c.s) === 'A:connected B:connected', () => `C: ${shown(c.s)}`);
    let first: string | null = null;
    let lost = 0;
    const d = make(net, 'D', extra);
    net.loses = (from, to, _data, connectionId) => {
      if (!d.s.id || [from, to].sort().join(' ') !== [c.s.id!, d.s.id].sort().join(' ')) return false;
      first ??= connectionId;
      if (connectionId !== first) return false;
      lost++;
      return true;
    };
    await d.s.join();
    await until(
      () => lost > 0 && shown(d.s) === 'A:connected B:connected C:connected' && shown(c.s) === 'A:connected B:connected D:connected',
      () => `lost ${lost}; D: ${shown(d.s)}; C: ${shown(c.s)}`,
      8_000,
    );
    expect([...a.log, ...b.log, ...c.log, ...d.log].filter((l) => l.startsWith('left'))).to.deep.equal([]);
  }

  it('dials again a member whose first connection lapsed without a hello, while its place holds', async () => {
    await firstConnectionDead({ admitHold: 300, dialTimeout: 3_000, dialRetry: 200, gossip: 60_000 });
  });

  it('links a pair whose places lapsed before they met, when a common neighbour names them again', async () => {
    await firstConnectionDead({ admitHold: 300, dialTimeout: 200, dialRetry: 1_000, gossip: 400 });
  });

  it('restarts ICE on the same connection when a path breaks, its offer going through the server', async () => {
    const net = new FakeNetwork();
    const [a, b] = await pair(net);
    const before = openLinks(net, a.s, b.s);
    const restarts = () => before.reduce((n, c) => n + c.peerConnection.restarts, 0);
    const offersThroughServer = () => net.relayed.filter((m) => JSON.stringify(m.payload).includes('"negotiation"')).length;
    net.breakPath(a.s.id!, b.s.id!);
    await until(() => restarts() > 0 && offersThroughServer() > 0, () => `restarts ${restarts()}, through the server ${offersThroughServer()}`);
    net.healPath(a.s.id!, b.s.id!);
    await until(() => shown(a.s) === 'B:connected' && shown(b.s) === 'A:connected', () => `A: ${shown(a.s)}; B: ${shown(b.s)}`);
    expect(openLinks(net, a.s, b.s), 'the same connection').to.deep.equal(before);
    expect([...a.log, ...b.log].filter((l) => l.startsWith('left'))).to.deep.equal([]);
  });

  it('replaces the connection of a path that stays broken, keeping the member in the room', async () => {
    const net = new FakeNetwork();
    const [a, b] = await pair(net);
    const old = openLinks(net, a.s, b.s);
    net.breakPath(a.s.id!, b.s.id!);
    await until(() => shown(a.s) === 'B:reconnecting', () => `A: ${shown(a.s)}`);
    // The side whose turn it is to dial opens a fresh connection after redialAfter.
    await until(() => shown(a.s) === 'B:connected' && shown(b.s) === 'A:connected', () => `A: ${shown(a.s)}; B: ${shown(b.s)}`);
    const now = openLinks(net, a.s, b.s);
    expect(now.some((c) => !old.includes(c)), 'a fresh connection').to.equal(true);
    expect(old.every((c) => c.closed), 'the broken one is closed').to.equal(true);
    expect(a.log.filter((l) => l.startsWith('left'))).to.deep.equal([]);
    expect(b.log.filter((l) => l.startsWith('left'))).to.deep.equal([]);
    expect(a.log).to.include('reconnected B');
    // The replaced link carries frames.
    const got: string[] = [];
    b.s.on('frame', (_from, frame) => got.push(frame.t));
    a.s.broadcast({ t: 'chat-test' });
    await until(() => got.includes('chat-test'), 'nothing arrived over the new connection');
  });

  it('replaces a connection whose ICE failed instead of removing the member', async () => {
    const net = new FakeNetwork();
    const [a, b] = await pair(net);
    net.failPath(a.s.id!, b.s.id!);
    await until(() => shown(a.s) === 'B:reconnecting' || shown(a.s) === 'B:connected', () => `A: ${shown(a.s)}`);
    await until(() => shown(a.s) === 'B:connected' && shown(b.s) === 'A:connected' && openLinks(net, a.s, b.s).length === 2, () => `A: ${shown(a.s)}; B: ${shown(b.s)}`);
    expect([...a.log, ...b.log].filter((l) => l.startsWith('left'))).to.deep.equal([]);
  });

  it('removes a member that stays silent past the deadline, when no fresh connection gets through', async () => {
    const net = new FakeNetwork();
    const [a, b] = await pair(net, { silence: 600 });
    net.failingDials = 1_000;
    net.breakPath(a.s.id!, b.s.id!);
    await until(() => a.s.participants.length === 0 && b.s.participants.length === 0, () => `A: ${shown(a.s)}; B: ${shown(b.s)}`);
    expect(a.log).to.deep.equal(['joined B', 'left B timeout']);
    expect(b.log).to.deep.equal(['joined A', 'left A timeout']);
  });

  it('links two members again whose own path was gone past the deadline while both stayed in the room', async function () {
    this.timeout(20_000);
    const net = new FakeNetwork();
    const extra = { silence: 600, keepOut: 600, gossip: 300 };
    const [a, b] = await pair(net, extra);
    const c = make(net, 'C', extra);
    await c.s.join();
    await until(() => [a, b, c].every((x) => x.s.participants.length === 2), () => `A: ${shown(a.s)}; B: ${shown(b.s)}; C: ${shown(c.s)}`);
    // Only A and B lose each other (a relay that only their pair used went down); C reaches both.
    net.sever(a.s.id!, b.s.id!);
    await until(() => a.log.includes('left B timeout') && b.log.includes('left A timeout'), () => `A: ${a.log}; B: ${b.log}`);
    expect(shown(c.s)).to.equal('A:connected B:connected');
    net.mend(a.s.id!, b.s.id!);
    // C still names each to the other: they meet again, under the same ids.
    await until(() => shown(a.s) === 'B:connected C:connected' && shown(b.s) === 'A:connected C:connected', () => `A: ${shown(a.s)}; B: ${shown(b.s)}`, 5_000);
    expect(a.log.filter((l) => l === 'joined B')).to.have.length(2);
    expect(c.log.filter((l) => l.startsWith('left')), 'C lost nobody').to.deep.equal([]);
  });

  it('says the server link is lost and back, while the members stay connected', async () => {
    const net = new FakeNetwork();
    const [a, b] = await pair(net);
    net.down = true;
    (net.peers.get(b.s.id!) as unknown as { loseServer(): void }).loseServer();
    await until(() => b.log.includes('signalling reconnecting'), 'B was not told');
    expect(shown(b.s)).to.equal('A:connected');
    net.down = false;
    await until(() => b.log.includes('signalling connected'), () => `B: ${b.log}`, 5_000);
    expect(shown(b.s)).to.equal('A:connected');
    expect(a.log).to.deep.equal(['joined B']);
  });

  it('tries the server again at once when the browser is back online, instead of waiting out its backoff', async function () {
    this.timeout(20_000);
    const net = new FakeNetwork();
    const [a, b] = await pair(net);
    net.down = true;
    const peer = net.peers.get(b.s.id!) as unknown as { loseServer(): void; disconnected: boolean };
    peer.loseServer();
    // Three attempts fail (in 3.5–7 s): the next one would wait 4–8 s more.
    await until(() => net.reconnects >= 3 && peer.disconnected, 'B did not try the server again', 10_000);
    net.down = false;
    const tried = net.reconnects;
    window.dispatchEvent(new Event('online'));
    await until(() => b.log.includes('signalling connected'), () => `B: ${b.log}`, 2_000);
    expect(net.reconnects, 'one attempt, made at once').to.equal(tried + 1);
    expect(shown(b.s)).to.equal('A:connected');
    expect(a.log).to.deep.equal(['joined B']);
  });

  it('joins again under a fresh id when the server gave its id to someone else meanwhile', async () => {
    const net = new FakeNetwork();
    const [a, b] = await pair(net);
    const old = b.s.id!;
    const rejoined: string[] = [];
    b.s.on('rejoined', (id) => rejoined.push(id));
    net.down = true;
    (net.peers.get(old) as unknown as { loseServer(): void }).loseServer();
    await until(() => b.log.includes('signalling reconnecting'), 'B was not told');
    // A squatter takes B's id while the server is back for everyone else.
    const squatter = net.factory(old, {} as never);
    await until(() => net.peers.get(old) === (squatter as unknown), 'the squatter did not get the id');
    net.down = false;
    await until(() => !!b.s.id && b.s.id !== old && shown(b.s) === 'A:connected' && shown(a.s) === 'B:connected', () => `B: ${b.s.id} ${shown(b.s)}; A: ${shown(a.s)}`, 10_000);
    expect(b.log).to.include('signalling connected');
    expect(rejoined, 'B was told its new id').to.deep.equal([b.s.id]);
    expect(a.log.filter((l) => l === 'joined B'), 'A saw B come back').to.have.length(2);
    await until(() => a.log.some((l) => l.startsWith('left B')), 'A never let the old B go', 5_000);
    squatter.destroy();
  });

  /**
   * A, B and C in a call with cameras; C's network goes, the server with it, until A and B time
   * it out, and comes back; resolves once everyone sees everyone's camera again. `others` are A's
   * and B's timings, `own` C's.
   */
  async function timedOutAndBack(others: Partial<SessionTiming>, own: Partial<SessionTiming>) {
    const net = new FakeNetwork();
    const [a, b] = await pair(net, others);
    const c = make(net, 'C', own);
    for (const x of [a, b, c]) x.s.enableMedia(fakeCamera());
    await c.s.join();
    await until(() => [a, b, c].every((x) => x.s.participants.length === 2 && x.s.participants.every((p) => p.stream)), () => `A: ${shown(a.s)}; B: ${shown(b.s)}; C: ${shown(c.s)}`);
    const old = c.s.id!;
    net.failingDials = 1_000;
    net.down = true;
    net.breakPath(old, a.s.id!);
    net.breakPath(old, b.s.id!);
    (net.peers.get(old) as unknown as { loseServer(): void }).loseServer();
    await until(() => shown(a.s) === 'B:connected' && shown(b.s) === 'A:connected', () => `A: ${shown(a.s)}; B: ${shown(b.s)}`);
    expect(a.log).to.include('left C timeout');
    net.failingDials = 0;
    net.down = false;
    await until(
      // Each sees the others' cameras: C's kept them across a fresh start.
      () => shown(c.s) === 'A:connected B:connected' && c.s.participants.every((p) => p.stream) && [a, b].every((x) => x.s.participants.some((p) => p.id === c.s.id && p.stream)),
      () => `C (${c.s.id === old ? 'old id' : 'fresh id'}): ${shown(c.s)}; A: ${shown(a.s)}; B: ${shown(b.s)}`,
      10_000,
    );
    return { old, c };
  }

  it('takes a page that everyone timed out (asleep, or its network gone) back in under a fresh id, camera and all', async function () {
    this.timeout(20_000);
    // A and B keep the old id out for longer than the test: C comes back as a newcomer.
    const { old, c } = await timedOutAndBack({ silence: 600, keepOut: 20_000 }, { silence: 600 });
    expect(c.s.id).not.to.equal(old);
    // Letting the old id go is no lost server: C was told of the outage once, and that it is over.
    expect(c.log.filter((l) => l.startsWith('signalling'))).to.deep.equal(['signalling reconnecting', 'signalling connected']);
  });

  it('takes a page that everyone timed out back in under its old id once they no longer keep it out', async function () {
    this.timeout(20_000);
    // C's server is back after A and B stopped keeping C out; C times them out only later (and
    // takes no pause for a sleep), so it asks under its old id and is welcomed. Later by more
    // than C's reconnects can take: the second comes up to 3 s after the loss, more on a busy
    // machine, and C timing A and B out first would make it start afresh.
    const { old, c } = await timedOutAndBack({ silence: 600, keepOut: 200 }, { silence: 8_000, keepOut: 200 });
    expect(c.s.id).to.equal(old);
    expect(c.log.filter((l) => l.startsWith('signalling'))).to.deep.equal(['signalling reconnecting', 'signalling connected']);
  });

  it('starts afresh after its timers were held back past the deadline only when it had someone to be timed out by', async () => {
    // A page alone in its room (its own fake server), and a pair in another.
    const lone = make(new FakeNetwork(), 'L', { silence: 600 });
    await lone.s.join();
    const net = new FakeNetwork();
    const [a, b] = await pair(net, { silence: 600, keepOut: 20_000 });
    const started: string[] = [];
    for (const x of [lone, a, b]) x.s.on('rejoined', () => started.push(x === lone ? 'L' : x === a ? 'A' : 'B'));
    const ids = [lone, a, b].map((x) => x.s.id);
    // Timers held back for longer than \`silence\`, as in a machine asleep or a hidden tab that
    // holds no peer connection (Chrome then runs its timers once a minute): the main thread is busy.
    const end = Date.now() + 800;
    while (Date.now() < end) {
      // hold the main thread
    }
    // The pair had each other: each takes it that the other timed it out, and starts afresh.
    await until(() => started.includes('A') && started.includes('B'), () => `started afresh: ${started}`);
    expect(started, 'the lone page stays as it was').not.to.include('L');
    expect(lone.s.id).to.equal(ids[0]);
    expect(a.s.id).not.to.equal(ids[1]);
  });

  it('lets go of the beacon when the holder loses the server, and holds it again once back', async () => {
    const net = new FakeNetwork();
    const [a, b] = await pair(net);
    expect(a.s.holdsBeacon).to.equal(true);
    net.down = true;
    (net.peers.get(a.s.id!) as unknown as { loseServer(): void }).loseServer();
    const beacon = [...net.peers.values()].find((p) => p.id.startsWith('rtc-room-'))!;
    beacon.loseServer();
    await until(() => !a.s.holdsBeacon, 'A still says it holds the beacon');
    net.down = false;
    await until(() => a.s.holdsBeacon || b.s.holdsBeacon, 'nobody holds the beacon again', 5_000);
    // A newcomer gets in through whoever holds it.
    const c = make(net, 'C');
    await c.s.join();
    await until(() => shown(c.s) === 'A:connected B:connected', () => `C: ${shown(c.s)}`);
  });

  it('hands the beacon to one member when its holder leaves, and the next newcomer gets in', async () => {
    const net = new FakeNetwork();
    const [a, b] = await pair(net);
    const c = make(net, 'C');
    await c.s.join();
    await until(() => shown(c.s) === 'A:connected B:connected', () => `C: ${shown(c.s)}`);
    await a.s.leave();
    await until(() => [b.s, c.s].filter((s) => s.holdsBeacon).length === 1, 'nobody took the beacon over');
    expect(b.log).to.include('left A left');
    const d = make(net, 'D');
    await d.s.join();
    await until(() => shown(d.s) === 'B:connected C:connected', () => `D: ${shown(d.s)}`);
  });

  it('takes the beacon over from a holder that vanished without a word', async () => {
    const net = new FakeNetwork();
    const [a, b] = await pair(net, { silence: 600 });
    const c = make(net, 'C', { silence: 600 });
    await c.s.join();
    await until(() => shown(c.s) === 'A:connected B:connected', () => `C: ${shown(c.s)}`);
    const beaconId = [...net.peers.keys()].find((id) => id.startsWith('rtc-room-'))!;
    net.failingDials = 1_000; // nothing reaches A any more
    net.vanish([a.s.id!, beaconId]);
    await until(() => shown(b.s) === 'C:connected' && shown(c.s) === 'B:connected', () => `B: ${shown(b.s)}; C: ${shown(c.s)}`);
    expect(b.log).to.include('left A timeout');
    await until(() => [b.s, c.s].filter((s) => s.holdsBeacon).length === 1, 'nobody took the beacon over', 5_000);
    net.failingDials = 0;
    const d = make(net, 'D');
    await d.s.join();
    await until(() => shown(d.s) === 'B:connected C:connected', () => `D: ${shown(d.s)}`);
  });
});
