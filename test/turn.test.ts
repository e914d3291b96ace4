// TURN from the elements' own server: a real coturn on 127.0.0.1 and rtc-servers that hand out
// credentials for it at /ice-servers (web-test-runner.config.mjs, turnRelay). The pages give no
// ice-servers attribute and allow relayed connections only, so nothing connects without TURN.
import { expect } from '@open-wc/testing';
import type { PeerFactory } from '../src/index.js';
import { addParticipant, closeAll, eventsOf, joinAll, namesWithVideo, part, pressInBar, uniqueRoom, until, untilEveryoneSeesEveryone, type TestParticipant } from './helpers.js';

interface TurnEnv {
  turnUrl: string;
  /** rtc-server with coturn's secret. */
  server: string;
  /** rtc-server whose secret coturn does not know. */
  wrongSecretServer: string;
  /** rtc-server whose credentials last `shortTtl` seconds. */
  shortTtlServer: string;
  shortTtl: number;
  /** coturn's allocations last this many seconds (refreshed at half of it). */
  allocationLifetime: number;
}

const turn = (globalThis as unknown as { rtcTestEnv: { turn?: TurnEnv | null } }).rtcTestEnv.turn ?? null;
const relay = { 'ice-transport-policy': 'relay' };

/** Every peer connection of a participant's page, through the PeerJS peers it made. */
function peerConnections(p: TestParticipant): RTCPeerConnection[] {
  const peers = (p.frame.contentWindow as unknown as { rtcPeers: ReturnType<PeerFactory>[] }).rtcPeers;
  return peers.flatMap((peer) =>
    Object.values(peer.connections as Record<string, { peerConnection?: RTCPeerConnection }[]>)
      .flat()
      .map((c) => c.peerConnection)
      .filter((pc): pc is RTCPeerConnection => !!pc),
  );
}

const connected = (p: TestParticipant) => peerConnections(p).filter((pc) => pc.connectionState === 'connected');

/** The candidate types of a connection's selected pair, as `local/remote`. */
async function selectedPair(pc: RTCPeerConnection): Promise<string> {
  const stats = await pc.getStats();
  const all = [...stats.values()] as Record<string, unknown>[];
  const transport = all.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
  const pair = stats.get(transport?.selectedCandidatePairId as string) as Record<string, unknown> | undefined;
  if (!pair) return 'none';
  const type = (id: unknown) => (stats.get(id as string) as { candidateType?: string } | undefined)?.candidateType;
  return `${type(pair.localCandidateId)}/${type(pair.remoteCandidateId)}`;
}

/** Bytes of video received so far over a participant's media connections. */
async function videoBytes(p: TestParticipant): Promise<number> {
  let total = 0;
  for (const pc of connected(p)) {
    for (const s of (await pc.getStats()).values()) if (s.type === 'inbound-rtp' && s.kind === 'video') total += s.bytesReceived ?? 0;
  }
  return total;
}

/** Expiry (Unix seconds) of the TURN username a page's connections are configured with now. */
function credentialExpiry(p: TestParticipant): number {
  const pc = peerConnections(p).at(-1);
  const username = pc?.getConfiguration().iceServers?.find((s) => s.username)?.username ?? '';
  return Number(username.split(':')[0]);
}

async function expectAllRelayed(people: TestParticipant[]): Promise<void> {
  for (const p of people) {
    const pcs = connected(p);
    expect(pcs.length, `${p.name}'s open connections`).to.be.greaterThan(0);
    for (const pc of pcs) {
      expect(pc.getConfiguration().iceTransportPolicy).to.equal('relay');
      expect(await selectedPair(pc), `${p.name}'s selected candidate pair`).to.equal('relay/relay');
    }
  }
}

describe('TURN credentials from rtc-server', function () {
  this.timeout(60_000);

  before(function () {
    if (!turn) this.skip(); // coturn's turnserver is not installed
  });

  afterEach(() => closeAll());

  it('connects two relay-only pages through coturn with credentials fetched from their server', async () => {
    const people = await joinAll(uniqueRoom('turn'), turn!.server, ['Ada', 'Bob'], relay);
    await untilEveryoneSeesEveryone(people);
    await expectAllRelayed(people);
    // The list of people says so: the connection goes through a relay.
    const [ada] = people;
    await pressInBar(ada, 'people-button');
    const sign = () => part(ada.call, 'person-quality-button')[0];
    await until(() => !!sign(), 'no connection sign in the list of people');
    sign().click();
    const route = () => [...(part(ada.call, 'connection-details')[0]?.querySelectorAll('dt') ?? [])].find((dt) => dt.textContent === 'Route')?.nextElementSibling?.textContent;
    await until(() => route() === 'Through a relay server (TURN)', () => `the route shown: ${route()}`);
    for (const p of people) {
      const servers = connected(p)[0].getConfiguration().iceServers ?? [];
      expect(servers.flatMap((s) => s.urls)).to.deep.equal([turn!.turnUrl], 'only the server-given TURN URL, nothing public');
      expect(eventsOf(p, 'rtc-error'), `${p.name}'s errors`).to.deep.equal([]);
    }
  });

  it("uses the page's own ice-servers and does not ask the server", async () => {
    // No TURN at all and relay only: nothing can connect, and the configuration shows none.
    const [ada] = await joinAll(uniqueRoom('own ice'), turn!.server, ['Ada'], { ...relay, 'ice-servers': '[]' });
    const bob = await addParticipant({ room: ada.call.getAttribute('room')!, server: turn!.server, name: 'Bob', autojoin: '', ...relay, 'ice-servers': '[]' });
    await until(() => peerConnections(bob).length > 0, 'Bob made no peer connection');
    for (const pc of [...peerConnections(ada), ...peerConnections(bob)]) expect(pc.getConfiguration().iceServers).to.deep.equal([]);
    expect(eventsOf(ada, 'rtc-error').filter((e) => e.detail.type === 'server-error')).to.deep.equal([]);
  });

  it("uses the page's own ice-servers given between pointing at Join (which asks the server) and joining", async () => {
    const ada = await addParticipant({ room: uniqueRoom('own ice late'), server: turn!.server, name: 'Ada', ...relay });
    // A fresh page: the code that reads the server's answer is still on its way when the page names its own.
    part(ada.call, 'join-button')[0].dispatchEvent(new PointerEvent('pointerenter'));
    ada.call.setAttribute('ice-servers', '[]');
    await ada.call.join();
    const bob = await addParticipant({ room: ada.call.getAttribute('room')!, server: turn!.server, name: 'Bob', autojoin: '', ...relay, 'ice-servers': '[]' });
    await until(() => peerConnections(ada).length > 0 && peerConnections(bob).length > 0, 'no peer connection made');
    for (const pc of [...peerConnections(ada), ...peerConnections(bob)]) expect(pc.getConfiguration().iceServers).to.deep.equal([]);
  });

  it('says once that nobody can be reached when relay-only and the server gives no credentials', async () => {
    // The stock PeerServer has no /ice-servers: the fetch fails, the join goes on.
    const stock = (globalThis as unknown as { rtcTestEnv: { stockServer: string } }).rtcTestEnv.stockServer;
    const [ada] = await joinAll(uniqueRoom('no turn'), stock, ['Ada'], relay);
    await until(() => eventsOf(ada, 'rtc-error').length > 0, 'no rtc-error');
    const [error] = eventsOf(ada, 'rtc-error');
    expect(error.detail).to.include({ type: 'server-error', fatal: false });
    expect(error.detail.message).to.match(/relay server/);
    expect(ada.call.phase).to.equal('in-call');
    await until(() => part(ada.call, 'notice').some((n) => /relay server/.test(n.textContent ?? '')), 'the element does not say it');
  });

  it("says once, in the page's language, that nobody can be reached when relay-only and the server offers no TURN", async () => {
    // An rtc-server without --turn-url answers /ice-servers with no servers at all.
    const plain = (globalThis as unknown as { rtcTestEnv: { rtcServer: string } }).rtcTestEnv.rtcServer;
    const [ada] = await joinAll(uniqueRoom('no relay'), plain, ['Ada'], { ...relay, lang: 'de' });
    await until(() => eventsOf(ada, 'rtc-error').length > 0, 'no rtc-error');
    const [error] = eventsOf(ada, 'rtc-error');
    expect(error.detail).to.include({ type: 'server-error', fatal: false });
    expect(error.detail.message).to.match(/offers no relay server/);
    expect(ada.call.phase).to.equal('in-call');
    await until(() => part(ada.call, 'notice').some((n) => /bietet keinen Relay-Server/.test(n.textContent ?? '')), 'the element does not say it');
    expect(eventsOf(ada, 'rtc-error'), 'said once').to.have.length(1);
  });

  it('with a secret coturn does not know, the pair never connects and both pages say why at once', async () => {
    const room = uniqueRoom('wrong secret');
    const [ada, bob] = await joinAll(room, turn!.wrongSecretServer, ['Ada', 'Bob'], relay);
    for (const p of [ada, bob]) {
      await until(() => eventsOf(p, 'rtc-error').length > 0, `${p.name} said nothing`, 10_000);
      expect(eventsOf(p, 'rtc-error')[0].detail).to.include({ type: 'server-error', fatal: false });
      expect(eventsOf(p, 'rtc-error')[0].detail.message).to.match(/relay server refused/);
      await until(() => part(p.call, 'notice').some((n) => /relay server refused/.test(n.textContent ?? '')), `${p.name}'s element does not say it`);
    }
    // The room's own report comes later; by then nothing has connected.
    await until(() => eventsOf(bob, 'rtc-error').length > 1 || eventsOf(ada, 'rtc-error').length > 1, 'the room said nothing more', 30_000);
    for (const p of [ada, bob]) {
      expect(eventsOf(p, 'rtc-error').filter((e) => /relay server/.test(e.detail.message)), 'said once').to.have.length(1);
      expect(namesWithVideo(p.call), `${p.name} sees`).to.deep.equal([]);
      expect(connected(p), `${p.name}'s open connections`).to.deep.equal([]);
    }
  });

  it('keeps a call going past its credentials, and a newcomer connects with refreshed ones', async () => {
    const room = uniqueRoom('short ttl');
    const [ada, bob] = await joinAll(room, turn!.shortTtlServer, ['Ada', 'Bob'], relay);
    await untilEveryoneSeesEveryone([ada, bob]);
    const firstExpiry = credentialExpiry(ada);
    expect(firstExpiry).to.be.greaterThan(0);
    // Past the first credentials' expiry and one allocation lifetime on top: coturn has been
    // asked to refresh the running allocations since they expired.
    const after = (firstExpiry + turn!.allocationLifetime + 1) * 1000;
    await until(() => Date.now() > after, 'the credentials did not expire', (turn!.shortTtl + turn!.allocationLifetime + 5) * 1000);
    const before = await videoBytes(ada);
    let now = before;
    await until(
      () => (void videoBytes(ada).then((b) => (now = b)), now > before + 10_000),
      () => `Ada's video stopped after the credentials expired (${now - before} bytes more)`,
    );
    expect(credentialExpiry(ada), 'Ada has fresh credentials').to.be.greaterThan(firstExpiry);
    expect(credentialExpiry(bob), 'Bob has fresh credentials').to.be.greaterThan(firstExpiry);
    const cy = await addParticipant({ room, server: turn!.shortTtlServer, name: 'Cy', autojoin: '', ...relay });
    await untilEveryoneSeesEveryone([ada, bob, cy]);
    await expectAllRelayed([ada, bob, cy]);
  });
});
