// Hostile peers: a bare PeerJS peer in the test page (test/fixtures/attacker.ts) speaks the room
// protocol by hand against real <rtc-call> pages, on both PeerServers. Each attack once worked;
// each test shows what the victims' pages show while it runs, and that nothing grows.
import { expect } from '@open-wc/testing';
import type { DataConnection, Peer } from 'peerjs';
import { STATE_EVERY } from '../src/session/membership.js';
import { MAX_TRACKS } from '../src/session/pair-media.js';
import { MAX_CANDIDATES, RESTART_BURST, RESTART_EVERY } from '../src/session/negotiation.js';
import { MAX_FRESH } from '../src/session/roster.js';
import { rtcServer, stockServer } from './env.js';
import {
  addParticipant,
  closeAll,
  eventsOf,
  joinAll,
  namesWithVideo,
  part,
  remoteNames,
  sameMembers,
  uniqueRoom,
  until,
  untilEveryoneSeesEveryone,
  type TestParticipant,
} from './helpers.js';
import {
  Attacker,
  PROTOCOL,
  beaconOf,
  bytesReceived,
  countPeerConnections,
  destroyAttackers,
  hello,
  highId,
  junkCandidate,
  lowId,
  nonce,
  send,
} from './fixtures/attacker.js';

interface ParticipantWindow extends Window {
  rtcPeers: Peer[];
  rtcHoldsBeacon: () => boolean;
}
const win = (p: TestParticipant) => p.frame.contentWindow as unknown as ParticipantWindow;

type Dial = { peerConnection: RTCPeerConnection | null };
/**
 * The participant's PeerJS dials to any of `ids` from now on: how many were made, how many still
 * hold a peer connection (all of them, or those made more than `ms` ago), and the most that held
 * one at once (sampled every 50 ms until `stop()`).
 */
function watchDials(p: TestParticipant, ids: Set<string>) {
  const dials: { conn: Dial; at: number }[] = [];
  for (const peer of win(p).rtcPeers) {
    const connect = peer.connect.bind(peer);
    peer.connect = (id, options) => {
      const conn = connect(id, options);
      if (ids.has(id) && conn) dials.push({ conn: conn as unknown as Dial, at: Date.now() });
      return conn;
    };
  }
  const holds = ({ conn }: { conn: Dial }) => !!conn.peerConnection && conn.peerConnection.signalingState !== 'closed';
  const open = (olderThan = 0) => dials.filter((d) => Date.now() - d.at >= olderThan && holds(d)).length;
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, open())), 50);
  return {
    made: () => dials.length,
    open,
    peak: () => Math.max(peak, open()),
    stop: () => clearInterval(sampler),
  };
}

/**
 * Holds every frame `p` gets from `id` on their links for `ms` before its session reads it, in
 * order, as a slow path would. Reaches into PeerJS's DataConnection (`_handleDataMessage`, which
 * its channel's message listener calls), here only. Frames on the files channel pass as they come.
 */
function delayFrames(p: TestParticipant, id: string, ms: number): void {
  type Conn = { open: boolean; _handleDataMessage: (e: MessageEvent) => void };
  const peers = win(p).rtcPeers as unknown as { connections?: Record<string, Conn[]> }[];
  for (const conn of peers.flatMap((peer) => peer.connections?.[id] ?? []).filter((c) => c.open)) {
    const read = conn._handleDataMessage.bind(conn);
    conn._handleDataMessage = (e) => win(p).setTimeout(() => read(e), ms);
  }
}

/** The peer connections of `p`'s PeerJS connections to `id` (PeerJS's own, looked at here only). */
function pairConnections(p: TestParticipant, id: string): RTCPeerConnection[] {
  type Conn = { peerConnection: RTCPeerConnection | null };
  const peers = win(p).rtcPeers as unknown as { connections?: Record<string, Conn[]> }[];
  return peers.flatMap((peer) => peer.connections?.[id] ?? []).flatMap((c) => (c.peerConnection ? [c.peerConnection] : []));
}

/** The stats of `p`'s peer connections to `id`. */
async function pairStats(p: TestParticipant, id: string): Promise<(RTCStats & Record<string, unknown>)[]> {
  const all: (RTCStats & Record<string, unknown>)[] = [];
  for (const pc of pairConnections(p, id)) (await pc.getStats()).forEach((s: RTCStats & Record<string, unknown>) => all.push(s));
  return all;
}

/** The addresses `p`'s browser was given for its connections to `id`, and sends checks to. */
const remoteCandidates = async (p: TestParticipant, id: string) => (await pairStats(p, id)).filter((s) => s.type === 'remote-candidate').length;

/** How many of the videos `p` receives from `id` it decodes frames of, over `ms`. */
async function decodedVideos(p: TestParticipant, id: string, ms = 2_000): Promise<number> {
  const frames = async () => new Map((await pairStats(p, id)).filter((s) => s.type === 'inbound-rtp' && s.kind === 'video').map((s) => [s.id, Number(s.framesDecoded)]));
  const before = await frames();
  await wait(ms);
  return [...(await frames())].filter(([stat, n]) => n > (before.get(stat) ?? 0)).length;
}

/** The test page's camera. */
const camera = async () => (await navigator.mediaDevices.getUserMedia({ video: true })).getVideoTracks()[0];

/** `n` transceivers that send copies of `video`, each in a stream of its own, added to `pc`. */
function addCameras(pc: RTCPeerConnection, video: MediaStreamTrack, n: number): void {
  for (let i = 0; i < n; i++) pc.addTransceiver(video.clone(), { direction: 'sendonly', streams: [new MediaStream()] });
}

/** A description with `n` junk candidates (addresses nobody has) added to its first media section. */
function withJunkCandidates(sdp: string, n: number): string {
  const lines = Array.from({ length: n }, (_, i) => `a=${junkCandidate(i).candidate}\r\n`).join('');
  return sdp.replace(/^a=mid:[^\r\n]*\r\n/m, (mid) => mid + lines);
}

/** Ada and Bob in a room, seeing each other: the one that holds the beacon, and the other. */
async function twoInRoom(room: string, server: string) {
  const [ada, bob] = await joinAll(room, server, ['Ada', 'Bob']);
  await untilEveryoneSeesEveryone([ada, bob]);
  const holder = win(ada).rtcHoldsBeacon() ? ada : bob;
  return { ada, bob, holder, member: holder === ada ? bob : ada };
}

const statusText = (p: TestParticipant) => part(p.call, 'status')[0]?.textContent?.trim() ?? '';
const notices = (p: TestParticipant) => part(p.call, 'notice').map((n) => n.textContent ?? '');
const errorTypes = (p: TestParticipant) => eventsOf(p, 'rtc-error').map((e) => e.detail.type as string);
const joinedNames = (p: TestParticipant) => eventsOf(p, 'rtc-participant-joined').map((e) => e.detail.participant.name as string);
const idOf = (seenBy: TestParticipant, name: string) => seenBy.call.participants.find((x) => x.name === name)!.id;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Messages PeerJS keeps for connections it does not know, summed over a page's peers. Reaching
 * into PeerJS's private `_lostMessages` is done here only, to show that the gate keeps none.
 */
const lostMessages = (p: TestParticipant) =>
  win(p).rtcPeers.reduce((n, peer) => n + ((peer as unknown as { _lostMessages: Map<string, unknown[]> })._lostMessages?.size ?? 0), 0);

/** The page shows exactly these others: tiles, linked participants, and the count. */
function showsOnly(p: TestParticipant, others: string[]): boolean {
  return (
    sameMembers(remoteNames(p.call), others) &&
    sameMembers(
      p.call.participants.map((x) => x.name),
      others,
    ) &&
    statusText(p) === `${others.length + 1} in call`
  );
}
const seen = (p: TestParticipant) => `${p.name} shows [${remoteNames(p.call).join(', ')}], "${statusText(p)}", notices [${notices(p).join(' | ')}]`;

/** A signal of the other protocol version to `dst`: the victim says so once. Used as a marker: the
 * server relays one sender's messages to one peer in order, so once it shows, all before it arrived. */
function marker(attacker: Attacker, dst: string): void {
  attacker.signal(dst, { proto: 'rtc-room/1', kind: 'intro', name: 'Old', media: false });
}

for (const [label, server] of [
  ['rtc-server', rtcServer],
  ['the stock peer server', stockServer],
] as const) {
  describe(`hostile peers on ${label}`, () => {
    afterEach(() => {
      destroyAttackers();
      closeAll();
    });

    it('a hidden listener that never says hello gets no media, is never shown, and is cut off', async () => {
      const room = uniqueRoom('listener');
      const people = await joinAll(room, server, ['Ada', 'Bob']);
      await untilEveryoneSeesEveryone(people);
      const mallory = await Attacker.open(server);
      const { conn, members } = await mallory.welcomed(mallory.intro(beaconOf(room)));
      const opened = performance.now();
      expect(members.map((m) => m.name)).to.have.members(['Ada', 'Bob']);

      let streams = 0;
      const calls = members.map((m) => {
        const call = mallory.peer.call(m.id, new MediaStream(), {
          metadata: { proto: PROTOCOL, kind: 'media' },
          constraints: { offerToReceiveAudio: true, offerToReceiveVideo: true },
        } as Parameters<Peer['call']>[2]);
        call.on('stream', () => streams++);
        return call;
      });
      // The holder dialled with the welcome; once open, a connection has admitHold (5 s) to say hello.
      await until(() => !conn.open, 'the welcoming connection stays open without a hello', 8_000);
      expect(performance.now() - opened, 'ms the welcoming connection stayed open').to.be.below(7_000);
      expect(streams, 'stream events at the attacker').to.equal(0);
      for (const call of calls) expect(await bytesReceived(call), 'RTP bytes at the attacker').to.equal(0);
      for (const p of people) {
        expect(showsOnly(p, people.filter((o) => o !== p).map((o) => o.name)), seen(p)).to.equal(true);
        expect(joinedNames(p)).to.not.include('Mallory');
      }
    });

    it('600 junk offers from a stranger build no peer connection, and a newcomer still joins', async () => {
      const room = uniqueRoom('junk');
      const { ada, bob, holder, member } = await twoInRoom(room, server);
      const counts = [ada, bob].map((p) => countPeerConnections(p.frame));
      const memberId = idOf(holder, member.name);
      const beacon = beaconOf(room);
      const stranger = await Attacker.open(server);
      const metadatas = [
        { proto: PROTOCOL, kind: 'mesh' },
        { proto: PROTOCOL, kind: 'mesh', welcome: [], nonce: 'abcdefgh1234' },
        { proto: PROTOCOL, kind: 'media' },
        undefined,
      ];
      for (let i = 0; i < 600; i++) {
        const type = i % 3 === 2 ? 'media' : 'data';
        const connectionId = `${type === 'media' ? 'mc' : 'dc'}_junk${i}`;
        stranger.raw({
          type: 'OFFER',
          dst: i % 2 ? beacon : memberId,
          payload: {
            type,
            connectionId,
            sdp: { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' },
            metadata: metadatas[i % metadatas.length],
            serialization: 'raw',
            reliable: true,
            label: connectionId,
            browser: 'chrome',
          },
        });
        if (i % 100 === 99) await stranger.flush();
      }
      marker(stranger, beacon);
      marker(stranger, memberId);
      for (const p of [ada, bob]) {
        await until(() => errorTypes(p).includes('protocol'), `${p.name} never got the junk's end`, 10_000);
      }
      expect(counts.map((c) => c.created()), 'peer connections built during the junk').to.deep.equal([0, 0]);
      expect(lostMessages(ada) + lostMessages(bob), 'messages PeerJS keeps').to.equal(0);
      for (const p of [ada, bob]) expect(showsOnly(p, [p === ada ? 'Bob' : 'Ada']), seen(p)).to.equal(true);

      const cy = await addParticipant({ room, server, name: 'Cy', autojoin: '' });
      await untilEveryoneSeesEveryone([ada, bob, cy]);
    });

    it("strangers re-sending mesh offers to a member keep no newcomer's dial out while the holder's word of it is on its way", async () => {
      const room = uniqueRoom('squat');
      const { ada, bob, holder, member } = await twoInRoom(room, server);
      const memberId = idOf(holder, member.name);
      // The holder's word of the newcomer (its admit frame, then gossip) reaches the member 2 s
      // late, so the newcomer's dial comes first and is held.
      delayFrames(member, idOf(member, holder.name), 2_000);
      // More strangers than the member holds offers, each offering 10 times a second, each time
      // for a new connection, as a newcomer's dial would.
      const strangers = await Promise.all(Array.from({ length: 6 }, () => Attacker.open(server)));
      let sent = 0;
      const offer = () => {
        for (const stranger of strangers) {
          const connectionId = `dc_squat${sent++}`;
          stranger.raw({
            type: 'OFFER',
            dst: memberId,
            payload: {
              type: 'data',
              connectionId,
              sdp: { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' },
              metadata: { proto: PROTOCOL, kind: 'mesh' },
              serialization: 'raw',
              reliable: true,
              label: connectionId,
              browser: 'chrome',
            },
          });
        }
      };
      offer();
      const flood = setInterval(offer, 100);
      try {
        const cy = await addParticipant({ room, server, name: 'Cy', autojoin: '' });
        await untilEveryoneSeesEveryone([ada, bob, cy]);
        // Cy dials the member as soon as the holder's welcome comes, before it links the holder.
        // A dial dropped would cost dialTimeout (10 s) and a retry.
        const linkedAt = (name: string) => eventsOf(cy, 'rtc-participant-joined').find((e) => e.detail.participant.name === name)!.timeStamp;
        const took = linkedAt(member.name) - linkedAt(holder.name);
        expect(took, `ms from Cy linking ${holder.name} (the holder) to linking ${member.name}`).to.be.below(6_000);
      } finally {
        clearInterval(flood);
      }
    });

    it('a flood of CANDIDATEs for unknown connections is not kept, and the call goes on', async () => {
      const room = uniqueRoom('candidates');
      const { ada, bob, holder, member } = await twoInRoom(room, server);
      const memberId = idOf(holder, member.name);
      const beacon = beaconOf(room);
      // rtc-server closes a socket that sends more than 64 KiB at once; the stock server takes more.
      const size = server === rtcServer ? 60 * 1024 : 256 * 1024;
      const filler = 'a'.repeat(size);
      const stranger = await Attacker.open(server);
      for (let i = 0; i < 200; i++) {
        stranger.raw({
          type: 'CANDIDATE',
          dst: i % 2 ? beacon : memberId,
          payload: {
            type: 'data',
            connectionId: `dc_flood${i}`,
            candidate: { candidate: `candidate:${filler}`, sdpMid: '0', sdpMLineIndex: 0 },
          },
        });
        if (i % 4 === 3) await stranger.flush();
      }
      marker(stranger, beacon);
      marker(stranger, memberId);
      for (const p of [ada, bob]) {
        await until(() => errorTypes(p).includes('protocol'), `${p.name} never got the flood's end`, 20_000);
      }
      expect(lostMessages(ada) + lostMessages(bob), 'candidates PeerJS keeps').to.equal(0);
      expect(errorTypes(ada).concat(errorTypes(bob)), 'the server link held').to.not.include('disconnected');
      // The call goes on: Bob's video keeps playing at Ada's.
      const video = part(ada.call, 'remote-video')[0] as HTMLVideoElement;
      const before = video.currentTime;
      await until(() => video.currentTime > before + 0.5, 'Bob\'s video stopped', 5_000);
      await untilEveryoneSeesEveryone([ada, bob]);
    });

    it("a linked member that floods its connection's handshake through the server is taken no further than the handshake, said once, and still read", async () => {
      const { holder, mallory, conn, others } = await malloryLinked(uniqueRoom('handshake'), server);
      const before = eventsOf(holder, 'rtc-error').length;
      for (let i = 0; i < 2_000; i++) {
        mallory.raw({ type: 'CANDIDATE', dst: conn.peer, payload: { type: 'data', connectionId: conn.connectionId, candidate: junkCandidate(i) } });
        if (i % 500 === 499) await mallory.flush();
      }
      await offerAnswered(mallory, conn, 'server');
      await allRead(holder, conn);
      const said = eventsOf(holder, 'rtc-error').slice(before).map((e) => `${e.detail.type}: ${e.detail.message}`);
      expect(said, 'rtc-error').to.deep.equal(['protocol: Ignored a flood of messages from Mallory.']);
      expect(showsOnly(holder, others), seen(holder)).to.equal(true);
    });

    it('a linked member that offers fresh connections over and over gets a few built, and is said to flood once', async () => {
      const { holder, mallory, conn, others } = await malloryLinked(uniqueRoom('fresh'), server);
      const before = eventsOf(holder, 'rtc-error').length;
      const built = countPeerConnections(holder.frame);
      const sdp = await dataOfferSdp();
      for (let i = 0; i < 300; i++) {
        const connectionId = `dc_fresh${i}`;
        const payload = { type: 'data', connectionId, sdp: { type: 'offer', sdp }, metadata: { proto: PROTOCOL, kind: 'mesh' }, serialization: 'raw', reliable: true, label: connectionId, browser: 'chrome' };
        mallory.raw({ type: 'OFFER', dst: conn.peer, payload });
        if (i % 50 === 49) await mallory.flush();
      }
      await offerAnswered(mallory, conn, 'server');
      await allRead(holder, conn);
      expect(built.created(), 'peer connections built').to.equal(MAX_FRESH);
      const said = eventsOf(holder, 'rtc-error').slice(before).map((e) => `${e.detail.type}: ${e.detail.message}`);
      expect(said, 'rtc-error').to.deep.equal(['protocol: Ignored a flood of messages from Mallory.']);
      expect(showsOnly(holder, others), seen(holder)).to.equal(true);
    });

    it('a linked member that offers connections in serializations the room does not speak gets none built, and the page throws nothing', async () => {
      const { holder, mallory, conn, others } = await malloryLinked(uniqueRoom('serial'), server);
      const thrown: string[] = [];
      holder.frame.contentWindow!.addEventListener('error', (e) => thrown.push(e.message));
      const built = countPeerConnections(holder.frame);
      const sdp = await dataOfferSdp();
      // PeerJS builds a serializer from this field as it is: `x` throws, the others fail on every frame.
      for (const serialization of ['x', 'json', 'binary', 'default', undefined]) {
        const connectionId = `dc_serial${serialization}`;
        const payload = { type: 'data', connectionId, sdp: { type: 'offer', sdp }, metadata: { proto: PROTOCOL, kind: 'mesh' }, serialization, reliable: true, label: connectionId };
        mallory.raw({ type: 'OFFER', dst: conn.peer, payload });
      }
      await offerAnswered(mallory, conn, 'server');
      await allRead(holder, conn);
      expect(built.created(), 'peer connections built').to.equal(0);
      expect(thrown, 'uncaught errors').to.deep.equal([]);
      expect(showsOnly(holder, others), seen(holder)).to.equal(true);
    });

    it('a page of the old protocol that dials a member gets no connection; the member says so once', async () => {
      const room = uniqueRoom('old-dial');
      const [ada, bob] = await joinAll(room, server, ['Ada', 'Bob']);
      await untilEveryoneSeesEveryone([ada, bob]);
      const counts = countPeerConnections(bob.frame);
      const old = await Attacker.open(server);
      const conns = [0, 1, 2].map(() =>
        old.peer.connect(idOf(ada, 'Bob'), { serialization: 'raw', reliable: true, metadata: { proto: 'rtc-room/1', kind: 'mesh' } }),
      );
      await until(() => errorTypes(bob).includes('protocol'), 'Bob does not say that an old page tried to reach him', 8_000);
      expect(notices(bob).join(' ')).to.contain('rtc-room/1');
      await wait(1_500);
      expect(conns.some((c) => c.open), 'a connection opened').to.equal(false);
      expect(errorTypes(bob).filter((t) => t === 'protocol'), 'protocol notices').to.have.length(1);
      expect(counts.created(), 'peer connections built').to.equal(0);
      expect(showsOnly(bob, ['Ada']), seen(bob)).to.equal(true);
    });

    it('a page of the old protocol that asks to come in gets no entry; the holder says so once', async () => {
      const room = uniqueRoom('old-intro');
      const [ada] = await joinAll(room, server, ['Ada']);
      const old = await Attacker.open(server);
      for (let i = 0; i < 3; i++) {
        old.signal(beaconOf(room), { proto: 'rtc-room/1', kind: 'intro', name: 'Old', media: true }, 'rtc-room/1');
      }
      await until(() => errorTypes(ada).includes('protocol'), 'the holder does not say that an old page knocked', 5_000);
      expect(notices(ada).join(' ')).to.contain('rtc-room/1');
      await wait(1_500);
      expect(old.connections, 'welcomes to the old page').to.have.length(0);
      expect(errorTypes(ada).filter((t) => t === 'protocol')).to.have.length(1);
      expect(showsOnly(ada, []), seen(ada)).to.equal(true);
    });

    it('a squatter on the beacon id that ignores intros: each page is alone and says so; they meet once it leaves', async () => {
      const room = uniqueRoom('squat');
      const squatter = await Attacker.open(server, beaconOf(room));
      const [ada, bob] = await Promise.all(['Ada', 'Bob'].map((name) => addParticipant({ room, server, name, autojoin: '' })));
      for (const p of [ada, bob]) {
        await until(() => p.call.phase === 'in-call' && errorTypes(p).includes('room-unreachable'), () => `${seen(p)}, phase ${p.call.phase}`, 10_000);
        expect(notices(p).join(' ')).to.contain('has not let anyone in');
        expect(showsOnly(p, []), seen(p)).to.equal(true);
      }
      expect(squatter.signals.some((s) => s.metadata.kind === 'intro'), 'the squatter was asked').to.equal(true);
      squatter.destroy();
      await untilEveryoneSeesEveryone([ada, bob], 20_000);
      // They met: the notice that nobody lets them in goes.
      for (const p of [ada, bob]) await until(() => !notices(p).join(' ').includes('has not let anyone in'), () => `${p.name} still says: ${notices(p).join(' ')}`, 5_000);
    });

    it('a squatter that welcomes with an empty list and never says hello: each page says so; they meet once it leaves', async () => {
      const room = uniqueRoom('squat-welcome');
      const squatter = await Attacker.open(server, beaconOf(room));
      squatter.onSignal(({ from, metadata }) => {
        if (metadata.kind !== 'intro') return;
        squatter.peer.connect(from, { serialization: 'raw', reliable: true, metadata: { proto: PROTOCOL, kind: 'mesh', welcome: [], nonce: metadata.nonce } });
      });
      const [ada, bob] = await Promise.all(['Ada', 'Bob'].map((name) => addParticipant({ room, server, name, autojoin: '' })));
      for (const p of [ada, bob]) {
        await until(() => p.call.phase === 'in-call' && showsOnly(p, []), () => `${p.name} is stuck joining: ${seen(p)}`, 10_000);
      }
      // A welcome proves a holder only once its link says hello: this one never does.
      for (const p of [ada, bob]) {
        await until(() => errorTypes(p).includes('room-unreachable'), () => `${p.name} does not say so: ${seen(p)}`, 15_000);
        expect(notices(p).join(' ')).to.contain('has not let anyone in');
      }
      squatter.destroy();
      await untilEveryoneSeesEveryone([ada, bob], 20_000);
      // They met: the notice that nobody lets them in goes.
      for (const p of [ada, bob]) await until(() => !notices(p).join(' ').includes('has not let anyone in'), () => `${p.name} still says: ${notices(p).join(' ')}`, 5_000);
    });

    it('a squatter that lets a page in, drops it and ignores it then: the page starts afresh once, then says so; it meets the others once the squatter leaves', async () => {
      const room = uniqueRoom('squat-drop');
      const squatter = await Attacker.open(server, beaconOf(room));
      // Each id is let in once (an empty welcome, a hello), dropped half a second later, and
      // ignored from then on: as the room treats a page it timed out.
      const served: string[] = [];
      squatter.onSignal(({ from, metadata }) => {
        if (metadata.kind !== 'intro' || served.includes(from)) return;
        served.push(from);
        const conn = squatter.peer.connect(from, { serialization: 'raw', reliable: true, metadata: { proto: PROTOCOL, kind: 'mesh', welcome: [], nonce: metadata.nonce } });
        conn.on('open', () => {
          send(conn, hello());
          setTimeout(() => conn.close(), 500);
        });
      });
      const ada = await addParticipant({ room, server, name: 'Ada', autojoin: '' });
      // Dropped and ignored, Ada takes it for a room that timed her out, and starts afresh once;
      // dropped again, she says so instead of starting afresh again and again.
      await until(() => served.length === 2 && errorTypes(ada).includes('room-unreachable'), () => `ids let in ${served.length}: ${seen(ada)}`, 25_000);
      expect(notices(ada).join(' ')).to.contain('has not let anyone in');
      expect(showsOnly(ada, []), seen(ada)).to.equal(true);
      // She keeps asking, under the same id.
      const asked = squatter.signals.length;
      await until(() => squatter.signals.length > asked, 'Ada stopped asking', 15_000);
      expect(served, 'ids let in').to.have.length(2);
      squatter.destroy();
      const bob = await addParticipant({ room, server, name: 'Bob', autojoin: '' });
      await untilEveryoneSeesEveryone([ada, bob], 20_000);
    });

    it('a false beacon frame from a linked attacker changes nothing: after the holder leaves a newcomer still joins', async () => {
      const room = uniqueRoom('false-beacon');
      const { holder, member: rest } = await twoInRoom(room, server);
      const mallory = await Attacker.open(server);
      const { conn, members } = await mallory.link(beaconOf(room));
      const toRest = await mallory.dial(members.find((m) => m.name === rest.name)!.id);
      for (const p of [holder, rest]) {
        await until(() => showsOnly(p, [p === holder ? rest.name : holder.name, 'Mallory']), () => `Mallory is not linked: ${seen(p)}`, 10_000);
      }
      for (const c of [conn, toRest]) {
        send(c, { v: 1, t: 'beacon' });
        send(c, { v: 1, t: 'beacon', nonce: nonce() });
      }
      await holder.call.leave();
      await until(() => showsOnly(rest, ['Mallory']), () => `the holder is still shown: ${seen(rest)}`, 5_000);
      const cy = await addParticipant({ room, server, name: 'Cy', autojoin: '' });
      await until(
        () => sameMembers(namesWithVideo(rest.call), ['Cy']) && sameMembers(namesWithVideo(cy.call), [rest.name]),
        () => `the newcomer did not get in: ${seen(rest)}; ${seen(cy)}, phase ${cy.call.phase}`,
        20_000,
      );
    });

    it('gossip of 512 invented ids: the member dials at most 16 of them at once, a few a second, and lets each go', async () => {
      const room = uniqueRoom('gossip');
      const [ada] = await joinAll(room, server, ['Ada']);
      const mallory = await Attacker.open(server);
      const { conn } = await mallory.link(beaconOf(room));
      await until(() => showsOnly(ada, ['Mallory']), () => `Mallory is not linked: ${seen(ada)}`, 10_000);
      // Ids that sort below Ada's: hers to dial. The second list comes while the first is pending.
      // Counted are Ada's dials to those ids: a busy machine may also make her redial Mallory.
      const invented = [Array.from({ length: 256 }, lowId), Array.from({ length: 256 }, lowId)];
      const dials = watchDials(ada, new Set(invented.flat()));
      try {
        const start = Date.now();
        send(conn, { v: 1, t: 'peers', ids: invented[0] });
        await until(() => dials.made() > 0, 'the gossip was not heard', 5_000);
        send(conn, { v: 1, t: 'peers', ids: invented[1] });
        await wait(1_500);
        expect(dials.made(), 'dials to invented ids in the first burst').to.be.at.most(16);
        // The server says no to each after its expire_timeout (5 s); the dial's own deadline is 10 s.
        await wait(14_000 - (Date.now() - start));
        const seconds = (Date.now() - start) / 1000;
        expect(dials.peak(), 'dials to invented ids at once').to.be.at.most(16);
        expect(dials.made(), `dials to invented ids in ${seconds.toFixed(1)} s`).to.be.at.most(16 + Math.ceil(4 * seconds));
        expect(dials.open(12_000), 'dials to invented ids held for 12 s or more').to.equal(0);
        expect(showsOnly(ada, ['Mallory']), seen(ada)).to.equal(true);
      } finally {
        dials.stop();
      }
    });
  });
}

// These attacks go through data channels and the holder's admissions: the PeerServer only relays.
/** Ada and Bob in a room, and Mallory linked to its holder: the holder, Mallory's link, and whom the holder shows. */
async function malloryLinked(room: string, server = rtcServer) {
  const { holder, member: other } = await twoInRoom(room, server);
  const mallory = await Attacker.open(server);
  const { conn } = await mallory.link(beaconOf(room));
  const others = [other.name, 'Mallory'];
  await until(() => showsOnly(holder, others), () => `Mallory is not linked: ${seen(holder)}`, 10_000);
  return { holder, other, mallory, conn, others };
}

/** Waits until Mallory's channel holds less than `below` bytes unsent, so that a flood goes out in bursts. */
function drained(conn: DataConnection, below = 64 * 1024): Promise<void> {
  return until(() => (conn.dataChannel?.bufferedAmount ?? 0) < below, 'the channel does not drain', 10_000);
}

/**
 * Waits until the holder has read everything Mallory sent: the channel is ordered, so once a
 * state sent last shows, every frame before it was read.
 */
/** A real data connection's offer, as a bare page would send it in a forged OFFER. */
async function dataOfferSdp(): Promise<string> {
  const scratch = new RTCPeerConnection();
  scratch.createDataChannel('x');
  await scratch.setLocalDescription();
  const sdp = scratch.localDescription!.sdp;
  scratch.close();
  return sdp;
}

async function allRead(holder: TestParticipant, conn: DataConnection): Promise<void> {
  send(conn, { v: 1, t: 'state', media: true, mic: true, cam: false });
  await until(() => !!holder.call.participants.find((x) => x.name === 'Mallory')?.mic, 'what Mallory sent was not all read', 15_000);
}

/**
 * Mallory's id sorts higher, so it makes the pair's offers: one sent over the link, or through the
 * server after whatever Mallory sent there before (the server relays one sender's messages to one
 * peer in order), is answered over the link once everything before it has been taken.
 */
async function offerAnswered(mallory: Attacker, conn: DataConnection, path: 'link' | 'server'): Promise<void> {
  const answers: string[] = [];
  conn.on('data', (data) => typeof data === 'string' && data.includes('"t":"sdp"') && answers.push(data));
  const pc = conn.peerConnection;
  pc.addTransceiver('video', { direction: 'recvonly' });
  await pc.setLocalDescription();
  const description = { type: 'offer', sdp: pc.localDescription!.sdp };
  if (path === 'link') send(conn, { v: 1, t: 'sdp', description });
  else mallory.signal(conn.peer, { proto: PROTOCOL, kind: 'negotiation', frame: { t: 'sdp', description } });
  await until(() => answers.length > 0, `an offer over the ${path} is not answered`, 15_000);
  expect(JSON.parse(answers[0]).description.type).to.equal('answer');
}

describe('hostile peers in a room', () => {
  afterEach(() => {
    destroyAttackers();
    closeAll();
  });

  it('intros from fresh ids hold the last place of a max-participants="2" room only while they go on', async () => {
    const room = uniqueRoom('full');
    const [ada] = await joinAll(room, rtcServer, ['Ada'], { 'max-participants': '2' });
    const beacon = beaconOf(room);
    const knockers: Attacker[] = [];
    let knocking = true;
    const knock = async () => {
      const knocker = await Attacker.open(rtcServer);
      if (!knocking) return knocker.destroy();
      knockers.push(knocker);
      knocker.intro(beacon, 'Knocker');
    };
    const full = (k: Attacker) => k.signals.some((x) => x.from === beacon && x.metadata.kind === 'full');
    const timer = setInterval(() => void knock().catch(() => {}), 1_500);
    // Bob's page is ready before the knocks start: he asks well within the 15 s that the first
    // knock let in holds the place, however slow the machine.
    const bob = await addParticipant({ room, server: rtcServer, name: 'Bob', 'max-participants': '2' });
    try {
      await knock();
      await until(() => knockers.filter(full).length >= 1, 'the knocks after the first are not refused', 10_000);
      // While the knocks go on, a newcomer finds the room full, and is told so.
      await bob.call.join().catch(() => {});
      await until(() => bob.call.phase === 'error', () => `Bob is not told: phase ${bob.call.phase}`, 10_000);
      expect(errorTypes(bob)).to.include('room-full');
      expect(part(bob.call, 'error')[0]?.textContent).to.contain('full');
    } finally {
      knocking = false;
      clearInterval(timer);
    }
    expect(knockers.filter((k) => k.connections.length > 0), 'knocks let in').to.have.length(1);
    expect(ada.call.participants, 'shown at the holder').to.have.length(0);
    // The admitted knock never says hello; its place lapses 15 s after it came (dialTimeout +
    // admitHold), and then the room has a place again. Bob tries again until then.
    const deadline = performance.now() + 17_000;
    const inCall = () => bob.call.phase === 'in-call';
    while (!inCall() && performance.now() < deadline) {
      await bob.call.join().catch(() => {});
      if (!inCall()) await wait(1_000);
    }
    expect(bob.call.phase, 'Bob is in once the knocks stopped').to.equal('in-call');
    await untilEveryoneSeesEveryone([ada, bob]);
  });

  it('intros flooding in from one stranger are answered 3 times in 10 s, and a newcomer joins meanwhile', async () => {
    const room = uniqueRoom('asks');
    const [ada] = await joinAll(room, rtcServer, ['Ada']);
    const beacon = beaconOf(room);
    const mallory = await Attacker.open(rtcServer);
    const start = Date.now();
    let sent = 0;
    // 50 questions a second from one id, more than the holder handles from everyone together.
    const flood = setInterval(() => {
      for (let i = 0; i < 5; i++, sent++) mallory.intro(beacon, 'Knocker');
    }, 100);
    try {
      // Twice as many as the holder handles from everyone in 10 s, and the holder answers them.
      await until(() => sent >= 40 && mallory.connections.length > 0, () => `the flood is not answered: ${sent} sent`, 10_000);
      const bob = await addParticipant({ room, server: rtcServer, name: 'Bob', autojoin: '' });
      await until(
        () => showsOnly(ada, ['Bob']) && showsOnly(bob, ['Ada']) && sameMembers(namesWithVideo(bob.call), ['Ada']),
        () => `Bob did not get in during the flood: ${seen(ada)}; ${seen(bob)}, phase ${bob.call.phase}`,
        20_000,
      );
      const seconds = (Date.now() - start) / 1000;
      // Each question answered is a welcome dialled to the knocker.
      expect(mallory.connections.length, `welcomes to the knocker in ${seconds.toFixed(1)} s, ${sent} questions`).to.be.at.most(3 * Math.ceil(seconds / 10));
    } finally {
      clearInterval(flood);
    }
  });

  it('admit frames naming invented ids, to the holder and to another member, keep no newcomer out', async () => {
    const room = uniqueRoom('admits');
    const { holder, other, mallory, conn } = await malloryLinked(room);
    const toOther = await mallory.dial(other.call.peerId!);
    await until(() => showsOnly(other, [holder.name, 'Mallory']), () => `Mallory is not linked to ${other.name}: ${seen(other)}`, 10_000);
    let flooding = true;
    // 64 invented ids a round to each, as many as a page keeps of what others name, renewed
    // well before their places lapse.
    const flood = (async () => {
      while (flooding) {
        const ids = Array.from({ length: 64 }, highId);
        for (const c of [conn, toOther]) for (const id of ids) send(c, { v: 1, t: 'admit', id, name: 'x', media: false });
        await wait(3_000);
      }
    })();
    try {
      await allRead(holder, conn);
      await allRead(other, toOther);
      const cy = await addParticipant({ room, server: rtcServer, name: 'Cy', autojoin: '' });
      const members = [holder, other];
      // Mallory's id sorts above Cy's: it is Mallory's to dial Cy, and it does not.
      await until(
        () =>
          members.every((p) => showsOnly(p, [...members.filter((o) => o !== p).map((o) => o.name), 'Mallory', 'Cy'])) &&
          sameMembers(namesWithVideo(cy.call), [holder.name, other.name]) &&
          sameMembers(
            cy.call.participants.map((x) => x.name),
            [holder.name, other.name],
          ),
        () => `Cy did not meet everyone during the flood: ${[...members, cy].map(seen).join('; ')}`,
        20_000,
      );
    } finally {
      flooding = false;
      await flood;
    }
  });

  it('candidates that waited with an offer held a moment count towards the 100 its connection takes through the server', async () => {
    const room = uniqueRoom('held');
    const [ada] = await joinAll(room, rtcServer, ['Ada']);
    const adaId = ada.call.peerId!;
    const mallory = await Attacker.open(rtcServer);
    const connectionId = 'dc_held';
    const sdp = await dataOfferSdp();
    const payload = { type: 'data', connectionId, sdp: { type: 'offer', sdp }, metadata: { proto: PROTOCOL, kind: 'mesh' }, serialization: 'raw', reliable: true, label: connectionId, browser: 'chrome' };
    const candidate = (i: number) => mallory.raw({ type: 'CANDIDATE', dst: adaId, payload: { type: 'data', connectionId, candidate: junkCandidate(i) } });
    // Ada has not heard of Mallory: the offer and the 31 candidates after it are held.
    mallory.raw({ type: 'OFFER', dst: adaId, payload });
    for (let i = 0; i < 31; i++) candidate(i);
    await mallory.flush();
    // Ada holds the beacon and lets Mallory in: the held offer goes to PeerJS with its candidates.
    mallory.intro(beaconOf(room));
    await until(() => mallory.connections.length > 0, 'Mallory was not welcomed');
    await wait(600);
    expect(errorTypes(ada), 'rtc-error types before the 101st candidate').to.not.include('protocol');
    for (let i = 31; i < 101; i++) candidate(i);
    await until(
      () => eventsOf(ada, 'rtc-error').some((e) => e.detail.message === 'Ignored a flood of messages from Mallory.'),
      () => `Ada took 101 candidates for one connection: ${JSON.stringify(eventsOf(ada, 'rtc-error').map((e) => e.detail.message))}`,
      5_000,
    );
  });

  it('a linked member that says hello over and over gets at most 3 hellos back', async () => {
    const { holder, conn, others } = await malloryLinked(uniqueRoom('hellos'));
    let hellos = 0;
    conn.on('data', (data) => typeof data === 'string' && data.includes('"t":"hello"') && hellos++);
    // Spaced out, so that the half second between two answers passes many times over.
    for (let i = 0; i < 40; i++) {
      send(conn, hello());
      await wait(50);
    }
    await allRead(holder, conn);
    await wait(300);
    expect(hellos, 'hellos sent back').to.be.within(1, 3);
    expect(showsOnly(holder, others), seen(holder)).to.equal(true);
    expect(joinedNames(holder).filter((n) => n === 'Mallory'), 'Mallory joined once').to.have.length(1);
  });

  it('10,000 malformed frames from a linked member make at most one notice of each kind', async () => {
    const { holder, conn, others } = await malloryLinked(uniqueRoom('malformed'));
    const before = eventsOf(holder, 'rtc-error').length;
    const junk = [
      'not json',
      '[1,2,3]',
      'null',
      '{"v":2,"t":"ping"}',
      '{"v":1}',
      '{"v":1,"t":"state","media":"yes","mic":false,"cam":false}',
      '{"v":1,"t":"state","media":true,"mic":false,"cam":false,"hand":"up"}',
      '{"v":1,"t":"state","media":true,"mic":false,"cam":false,"hand":true,"handFor":-1}',
      '{"v":1,"t":"state","media":true,"mic":false,"cam":false,"hand":true,"handFor":1e15}',
      '{"v":1,"t":"react","emoji":5}',
      '{"v":1,"t":"peers","ids":"everyone"}',
      '{"v":1,"t":"peers","ids":["not an id!"]}',
      '{"v":1,"t":"admit","id":"not an id!","media":true}',
      '{"v":1,"t":"hello"}',
      '{"v":1,"t":"beacon","nonce":"?"}',
      `{"v":1,"t":"${'x'.repeat(40)}"}`,
      '{"v":1,"t":"bye"',
    ];
    const big = `{"v":1,"t":"state","pad":"${'x'.repeat(70_000)}"}`;
    for (let i = 0; i < 10_000; i++) {
      send(conn, i % 1000 === 0 ? big : junk[i % junk.length]);
      if (i % 500 === 499) await drained(conn);
    }
    await allRead(holder, conn);
    const types = errorTypes(holder).slice(before);
    expect(types, 'rtc-error types').to.deep.equal(['protocol']);
    expect(notices(holder), 'notices').to.have.length(1);
    expect(showsOnly(holder, others), seen(holder)).to.equal(true);
  });

  it('a linked member that renames itself a thousand times, to a present name too, shows under its last name with a mark, and one notice', async () => {
    const { holder, conn, others } = await malloryLinked(uniqueRoom('renames'));
    const before = eventsOf(holder, 'rtc-error').length;
    const present = others[0];
    const state = (name: unknown) => JSON.stringify({ v: 1, t: 'state', media: true, mic: false, cam: false, name });
    for (let i = 0; i < 1_000; i++) {
      send(conn, state(i % 100 === 99 ? ['not', 'a', 'name'] : i % 2 ? present : `M\u202e${i}`));
      if (i % 250 === 249) await drained(conn);
    }
    send(conn, state(` ${present.toLowerCase()}\u200b `));
    const shown = () => holder.call.participants.map((p) => `${p.name}${p.tag}`).sort();
    await until(() => shown().join() === `${present}#1,${present.toLowerCase()}#2`, () => `${holder.name} shows ${shown()}`, 15_000);
    const types = errorTypes(holder).slice(before);
    expect(types.sort(), 'rtc-error types').to.deep.equal(['duplicate-name', 'protocol']);
  });

  it('a linked member that switches its microphone on and off thousands of times is shown switching a few times a second, and ends as it last said', async () => {
    const { holder, conn, others } = await malloryLinked(uniqueRoom('toggles'));
    // Every time the holder's page shows Mallory's microphone going off (its nodes are the frame's, not this window's Elements).
    const shownOff: number[] = [];
    const observer = new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) if ((n as Element).classList?.contains('mic-off')) shownOff.push(performance.now());
    });
    observer.observe(holder.call.shadowRoot!, { childList: true, subtree: true });
    for (let i = 0; i < 5_000; i++) {
      send(conn, { v: 1, t: 'state', media: true, mic: i % 2 === 1, cam: false });
      // In bursts of an odd number, so that the toggles come over several of the pace's turns,
      // and the last of a burst says off and on by turns.
      if (i % 201 === 200) await drained(conn, 1);
    }
    // The last state says the microphone is on.
    await allRead(holder, conn);
    observer.disconnect();
    const seconds = ((shownOff.at(-1) ?? 0) - (shownOff[0] ?? 0)) / 1000;
    // Off and on again take two turns of the pace.
    const most = Math.floor((seconds * 1000) / (2 * STATE_EVERY)) + 2;
    expect(shownOff.length, `shown going off ${shownOff.length} times in ${seconds.toFixed(1)} s`).to.be.at.most(most);
    expect(showsOnly(holder, others), seen(holder)).to.equal(true);
    expect(part(holder.call, 'mic-off'), 'the microphone shown on at the end').to.have.length(0);
  });

  it('a linked member that floods the negotiation with candidates is taken no further than the pair takes, said once, and still answered', async () => {
    const { holder, mallory, conn, others } = await malloryLinked(uniqueRoom('candidates'));
    const before = eventsOf(holder, 'rtc-error').length;
    for (let i = 0; i < 20_000; i++) {
      send(conn, { v: 1, t: 'ice', candidate: junkCandidate(i) });
      if (i % 1000 === 999) await drained(conn, 1024 * 1024);
    }
    await allRead(holder, conn);
    const types = errorTypes(holder).slice(before);
    expect(types, 'rtc-error types').to.deep.equal(['protocol']);
    expect(notices(holder), 'notices').to.have.length(1);
    await offerAnswered(mallory, conn, 'link');
    expect(showsOnly(holder, others), seen(holder)).to.equal(true);
  });

  it('a linked member that sends offer after offer, each an ICE restart, is answered a few times, said to flood once, and still answered', async function () {
    this.timeout(60_000);
    const { holder, other, mallory, conn, others } = await malloryLinked(uniqueRoom('offers'));
    const before = eventsOf(holder, 'rtc-error').length;
    // The holder's answers, over the link or through the server.
    let onLink = 0;
    conn.on('data', (data) => typeof data === 'string' && data.includes('"t":"sdp"') && onLink++);
    const answers = () => onLink + mallory.signals.filter((x) => x.metadata.kind === 'negotiation' && (x.metadata.frame as { t?: unknown } | undefined)?.t === 'sdp').length;
    // One real offer of Mallory's connection, sent 200 times in 3 s, each copy with new ICE
    // credentials: an ICE restart that makes the holder gather again.
    const base = (await conn.peerConnection.createOffer()).sdp!;
    const sdp = (k: number) => base.replace(/^a=ice-ufrag:[^\r\n]*/gm, `a=ice-ufrag:flood${k}`).replace(/^a=ice-pwd:[^\r\n]*/gm, `a=ice-pwd:${'p'.repeat(22)}${k}`);
    const start = performance.now();
    for (let k = 0; k < 200; k++) {
      send(conn, { v: 1, t: 'sdp', description: { type: 'offer', sdp: sdp(k) } });
      if (k % 20 === 19) await wait(300);
    }
    // The latest is applied in its turn.
    const remote = () => pairConnections(holder, mallory.id).map((pc) => pc.remoteDescription?.sdp ?? '');
    await until(
      () => remote().some((x) => x.includes('a=ice-ufrag:flood199\r')),
      () => `the latest offer was not applied: ${answers()} answered, ${remote().map((x) => x.match(/a=ice-ufrag:\S+/g)?.join()).join('; ')}, ${JSON.stringify(eventsOf(holder, 'rtc-error').map((e) => e.detail.message))}`,
      RESTART_EVERY + 5_000,
    );
    // Its answer is on its way.
    await wait(500);
    const seconds = (performance.now() - start) / 1000;
    expect(answers(), `offers answered in ${seconds.toFixed(1)} s`).to.be.at.most(RESTART_BURST + Math.ceil((seconds * 1000) / RESTART_EVERY));
    const said = eventsOf(holder, 'rtc-error').slice(before).map((e) => `${e.detail.type}: ${e.detail.message}`);
    expect(said, 'rtc-error').to.deep.equal(['protocol: Ignored a flood of messages from Mallory.']);
    expect(showsOnly(holder, others), seen(holder)).to.equal(true);
    // The call with the others goes on, and Mallory's next offer is still answered.
    await until(() => namesWithVideo(holder.call).includes(other.name), () => `${other.name}'s video is not shown: ${seen(holder)}`);
    await offerAnswered(mallory, conn, 'link');
    expect(showsOnly(holder, others), seen(holder)).to.equal(true);
  });

  it('view frames from a linked member change only the size of the camera it gets, and whether it gets one, however many it sends', async () => {
    const { holder, other, conn, others } = await malloryLinked(uniqueRoom('views'));
    const before = eventsOf(holder, 'rtc-error').length;
    // What Mallory receives of the holder's camera (640 × 480), decoded in a video.
    const tracks = conn.peerConnection.getReceivers().flatMap((r) => (r.track.kind === 'video' ? [r.track] : []));
    const video = document.createElement('video');
    video.muted = true;
    video.srcObject = new MediaStream(tracks);
    void video.play().catch(() => {});
    const size = () => `the camera comes ${video.videoHeight} pixels high`;
    // Full size, or somewhat less while the browser eases its encoder on a busy machine.
    const unscaled = () => video.videoHeight > 90 && video.videoHeight <= 480;
    await until(unscaled, size, 15_000);
    // A thousand changes of size, and some that are no size at all; the last asks for 90 pixels.
    const junk = ['{"v":1,"t":"view","height":0}', '{"v":1,"t":"view","height":"90"}', '{"v":1,"t":"view","height":1e9}', '{"v":1,"t":"view","height":12.5}'];
    for (let i = 0; i < 1_000; i++) send(conn, i % 50 === 49 ? junk[(i / 50) % junk.length | 0] : { v: 1, t: 'view', height: i % 2 ? 4320 : 90 });
    send(conn, { v: 1, t: 'view', height: 90 });
    await until(() => video.videoHeight > 0 && video.videoHeight <= 90, size, 15_000);
    // Asked for more than the camera has, it comes at its own size, no larger.
    send(conn, { v: 1, t: 'view', height: 4320 });
    await until(unscaled, size, 15_000);

    // Paused, the holder sends Mallory no camera, and its pause is Mallory's alone: the others
    // still see the holder. A thousand pauses and resumes, and some that are no flag at all, end
    // on a pause.
    const frames = async () => {
      let n = 0;
      (await conn.peerConnection.getStats()).forEach((s: { type: string; kind?: string; framesReceived?: number }) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') n += s.framesReceived ?? 0;
      });
      return n;
    };
    const flowing = async () => {
      const start = await frames();
      await new Promise((resolve) => setTimeout(resolve, 800));
      return (await frames()) > start;
    };
    const notFlags = ['{"v":1,"t":"view","height":90,"paused":"yes"}', '{"v":1,"t":"view","height":90,"paused":1}', '{"v":1,"t":"view","height":90,"paused":null}', '{"v":1,"t":"view","height":90,"screenPaused":[]}'];
    for (let i = 0; i < 1_000; i++) send(conn, i % 50 === 49 ? notFlags[(i / 50) % notFlags.length | 0] : { v: 1, t: 'view', height: 240, ...(i % 2 && { paused: true }) });
    send(conn, { v: 1, t: 'view', height: 240, paused: true });
    const deadline = performance.now() + 15_000;
    while (await flowing()) if (performance.now() > deadline) throw new Error("the holder's camera still goes to Mallory, who asked for none");
    await until(() => namesWithVideo(other.call).includes(holder.name), () => `${other.name} no longer sees ${holder.name}'s camera`);
    // Asked for it again, it comes again.
    send(conn, { v: 1, t: 'view', height: 240 });
    const again = performance.now() + 15_000;
    while (!(await flowing())) if (performance.now() > again) throw new Error("the holder's camera does not come back to Mallory");
    const types = errorTypes(holder).slice(before);
    expect(types, 'rtc-error types').to.deep.equal(['protocol']);
    expect(showsOnly(holder, others), seen(holder)).to.equal(true);
    video.srcObject = null;
  });

  it('data channels a linked member opens on the pair\'s connection are closed, and its link goes on on its own channel', async () => {
    const { holder, mallory, conn, others } = await malloryLinked(uniqueRoom('channels'));
    let pings = 0;
    conn.on('data', (data) => typeof data === 'string' && data.includes('"t":"ping"') && pings++);
    // 300 more channels on the connection the pair shares; what the holder says on them is counted.
    let said = 0;
    const channels = Array.from({ length: 300 }, (_, i) => conn.peerConnection.createDataChannel(`extra${i}`));
    for (const channel of channels) channel.onmessage = () => said++;
    // One of them may get the stream id agreed for the files channel (100), which the holder
    // opened itself: that one is the files channel.
    const open = () => channels.filter((c) => c.readyState !== 'closed' && c.id !== 100).length;
    await until(() => open() === 0, () => `${open()} of Mallory's 300 channels are open at the holder`, 10_000);
    const opened = (await pairStats(holder, mallory.id)).reduce((n, s) => (s.type === 'peer-connection' ? n + Number(s.dataChannelsOpened) - Number(s.dataChannelsClosed) : n), 0);
    // The link's own channel and the files channel.
    expect(opened, 'channels open at the holder').to.be.at.most(2);
    expect(said, 'frames the holder sent on them').to.equal(0);
    // The holder still reads Mallory's frames, and still sends on the link's own channel.
    await allRead(holder, conn);
    const before = pings;
    await until(() => pings > before, 'the holder sends nothing on the link\'s own channel', 5_000);
    expect(showsOnly(holder, others), seen(holder)).to.equal(true);
  });

  it('candidates in a linked member\'s offer count as those it sends in ice frames: of 400 in one offer, the holder takes 100, and says so once', async () => {
    const { holder, mallory, conn, others } = await malloryLinked(uniqueRoom('sdp-candidates'));
    const before = eventsOf(holder, 'rtc-error').length;
    let answered = false;
    conn.on('data', (data) => typeof data === 'string' && data.includes('"t":"sdp"') && (answered = true));
    const pc = conn.peerConnection;
    await pc.setLocalDescription();
    send(conn, { v: 1, t: 'sdp', description: { type: 'offer', sdp: withJunkCandidates(pc.localDescription!.sdp, 400) } });
    await until(() => answered, 'the offer is not answered', 15_000);
    // The pair's own candidates, and 100 of the offer's.
    expect(await remoteCandidates(holder, mallory.id), 'addresses the holder checks').to.be.at.most(MAX_CANDIDATES + 4);
    expect(errorTypes(holder).slice(before), 'rtc-error types').to.deep.equal(['protocol']);
    expect(showsOnly(holder, others), seen(holder)).to.equal(true);
  });

  it('candidates in the descriptions of a newcomer\'s handshakes through the server count towards them: of 400, a page takes 100', async () => {
    const room = uniqueRoom('answer-candidates');
    const { holder, member: other } = await twoInRoom(room, rtcServer);
    const mallory = await Attacker.open(rtcServer);
    // Mallory's PeerJS answers the holder's welcoming dial, and offers its dial of the other
    // member, with 400 more candidates in each description.
    const socket = mallory.peer.socket as unknown as { send(message: { payload?: { sdp?: { sdp: string } } }): void };
    const sendOn = socket.send.bind(socket);
    socket.send = (message) => {
      if (message.payload?.sdp) message.payload.sdp.sdp = withJunkCandidates(message.payload.sdp.sdp, 400);
      sendOn(message);
    };
    await mallory.link(beaconOf(room));
    await until(() => showsOnly(holder, [other.name, 'Mallory']), () => `Mallory is not linked: ${seen(holder)}`, 10_000);
    await mallory.dial(other.call.peerId!);
    await until(() => showsOnly(other, [holder.name, 'Mallory']), () => `Mallory is not linked to ${other.name}: ${seen(other)}`, 10_000);
    expect(await remoteCandidates(holder, mallory.id), 'addresses the holder checks').to.be.at.most(MAX_CANDIDATES + 4);
    expect(await remoteCandidates(other, mallory.id), `addresses ${other.name} checks`).to.be.at.most(MAX_CANDIDATES + 4);
  });

  it('videos a linked member sends past the tracks a page keeps of it are not received: of 13, the holder decodes the 8 it keeps', async () => {
    const { holder, mallory, conn, others } = await malloryLinked(uniqueRoom('tracks'));
    let answer: RTCSessionDescriptionInit | null = null;
    conn.on('data', (data) => typeof data === 'string' && data.includes('"t":"sdp"') && (answer = JSON.parse(data).description));
    const pc = conn.peerConnection;
    addCameras(pc, await camera(), 13);
    await pc.setLocalDescription();
    send(conn, { v: 1, t: 'sdp', description: { type: 'offer', sdp: pc.localDescription!.sdp } });
    await until(() => !!answer, 'the offer is not answered', 15_000);
    await pc.setRemoteDescription(answer!);
    // The tracks the holder keeps of Mallory, and no more.
    await until(() => holder.call.participants.some((x) => x.name === 'Mallory' && !!x.stream), 'no video of Mallory arrives', 10_000);
    await wait(1_000);
    expect(await decodedVideos(holder, mallory.id), 'videos the holder decodes').to.be.at.most(MAX_TRACKS);
    expect(showsOnly(holder, others), seen(holder)).to.equal(true);
  });

  it('videos a newcomer offers in its first offer past one audio and one video are not received', async () => {
    const { holder, other, mallory } = await malloryLinked(uniqueRoom('first-offer'));
    // Mallory's dial of the other member: 13 more cameras in PeerJS's first offer.
    const video = await camera();
    const proto = RTCPeerConnection.prototype;
    const createDataChannel = proto.createDataChannel;
    proto.createDataChannel = function (this: RTCPeerConnection, ...args: Parameters<RTCPeerConnection['createDataChannel']>) {
      proto.createDataChannel = createDataChannel;
      addCameras(this, video, 13);
      return createDataChannel.apply(this, args);
    };
    await mallory.dial(other.call.peerId!).finally(() => (proto.createDataChannel = createDataChannel));
    await until(() => showsOnly(other, [holder.name, 'Mallory']), () => `Mallory is not linked to ${other.name}: ${seen(other)}`, 10_000);
    await wait(1_000);
    expect(await decodedVideos(other, mallory.id), `videos ${other.name} decodes`).to.be.at.most(1);
  });
});
