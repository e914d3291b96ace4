// The pair's own negotiation, on two real peer connections in one page. Frames between the two
// sides wait in a queue until the test delivers them, so it decides what crosses what.
import { expect } from '@open-wc/testing';
import { junkCandidate } from '../../test/fixtures/attacker.js';
import { until } from '../../test/helpers.js';
import {
  CANDIDATES_PER_MINUTE,
  MAX_CANDIDATES,
  MAX_WAITING,
  NEGOTIATION_BURST,
  NEGOTIATION_EVERY,
  Negotiation,
  NegotiationBudget,
  OFFER_RESEND,
  RESTART_BURST,
  RESTART_EVERY,
  iceCredentials,
} from './negotiation.js';
import type { IceFrame, RenegotiateFrame, SdpFrame } from './frames.js';

type Frame = SdpFrame | IceFrame | RenegotiateFrame;

interface Side {
  pc: RTCPeerConnection;
  negotiation: Negotiation;
  /** Frames sent to this side and not delivered yet. */
  inbox: Frame[];
  /** Kinds of the other side's tracks that arrived here. */
  arrived: string[];
  /** How often this side said the other sent more than it takes. */
  floods: number;
}

/** Two connected peer connections (a data channel only), each negotiated by a Negotiation from here on. */
async function connectedPair(): Promise<{ offerer: Side; asker: Side; close(): void }> {
  const a = new RTCPeerConnection({ iceServers: [] });
  const b = new RTCPeerConnection({ iceServers: [] });
  a.createDataChannel('link', { negotiated: true, id: 0 });
  b.createDataChannel('link', { negotiated: true, id: 0 });
  a.onicecandidate = (e) => e.candidate && void b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && void a.addIceCandidate(e.candidate);
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription!);
  await until(() => a.connectionState === 'connected' && b.connectionState === 'connected', 'the pair did not connect');
  const side = (pc: RTCPeerConnection, offerer: boolean, to: () => Side): Side => {
    const s: Side = { pc, inbox: [], arrived: [], floods: 0, negotiation: null! };
    s.negotiation = new Negotiation(pc, offerer, { send: (frame) => to().inbox.push(frame), track: (e) => s.arrived.push(e.track.kind), flooded: () => s.floods++ });
    return s;
  };
  const offerer: Side = side(a, true, () => asker);
  const asker: Side = side(b, false, () => offerer);
  return {
    offerer,
    asker,
    close: () =>
      [offerer, asker].forEach((s) => {
        s.negotiation.close();
        s.pc.close();
      }),
  };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Candidates for addresses nobody has, as a hostile member would send them by the thousand. */
function junkCandidates(count: number, from = 0): IceFrame[] {
  return Array.from({ length: count }, (_, k) => ({ t: 'ice', candidate: junkCandidate(from + k) }));
}

/** Counts the candidates a side applies, and those the browser has finished with. */
function countCandidates(pc: RTCPeerConnection): { added: number; settled: number } {
  const count = { added: 0, settled: 0 };
  const add = pc.addIceCandidate.bind(pc);
  pc.addIceCandidate = ((candidate?: RTCIceCandidateInit) => {
    count.added++;
    return add(candidate).finally(() => count.settled++);
  }) as typeof pc.addIceCandidate;
  return count;
}

/** Delivers the frames waiting for `side`, in order; true if there were any. */
function deliver(side: Side): boolean {
  const frames = side.inbox.splice(0);
  for (const frame of frames) side.negotiation.receive(frame);
  return frames.length > 0;
}

/** Delivers frames both ways until both sides are stable and nothing is left to say. */
async function settle(offerer: Side, asker: Side): Promise<void> {
  await until(() => {
    const moved = deliver(offerer) || deliver(asker);
    return !moved && [offerer, asker].every((s) => s.pc.signalingState === 'stable' && s.pc.getTransceivers().every((t) => t.currentDirection !== null));
  }, () => `the negotiation did not end: ${[offerer, asker].map((s) => `${s.pc.signalingState} [${s.pc.getTransceivers().map((t) => `${t.mid}/${t.receiver.track.kind}/${t.direction}/${t.currentDirection}`).join(' ')}] inbox ${s.inbox.length}`).join('; ')}`, 10_000);
}

/** What `budget` lets through of attempts at these times (ms), each a restart or not; the times it let through. */
function allowed(budget: NegotiationBudget, times: number[], restart = false): number[] {
  return times.filter((t) => budget.take(restart, t));
}

const every = (step: number, until: number) => Array.from({ length: Math.floor(until / step) }, (_, k) => k * step);

describe("negotiation budget: what the other side makes this page do", () => {
  it('lets a burst of negotiations through, then one per NEGOTIATION_EVERY, however many are tried', () => {
    const budget = new NegotiationBudget(0);
    // One every 10 ms for a minute: an offerer that sends offer after offer, or an asker that
    // asks again as soon as it has answered.
    const passed = allowed(budget, every(10, 60_000));
    expect(passed.length, 'negotiations in a minute').to.be.at.most(NEGOTIATION_BURST + 60_000 / NEGOTIATION_EVERY);
    expect(passed.slice(0, NEGOTIATION_BURST), 'the burst').to.deep.equal(every(10, NEGOTIATION_BURST * 10));
    for (let k = NEGOTIATION_BURST + 1; k < passed.length; k++) expect(passed[k] - passed[k - 1], 'spacing after the burst').to.be.at.least(NEGOTIATION_EVERY - 10);
    const spent = new NegotiationBudget(0);
    allowed(spent, [0, 0, 0, 0]);
    expect(spent.wait(false, 0), 'the wait after a burst').to.equal(NEGOTIATION_EVERY);
  });

  it('lets a burst of ICE restarts through, then one per RESTART_EVERY, and counts them as negotiations too', () => {
    const budget = new NegotiationBudget(0);
    const passed = allowed(budget, every(10, 60_000), true);
    expect(passed.length, 'ICE restarts in a minute').to.be.at.most(RESTART_BURST + 60_000 / RESTART_EVERY);
    expect(passed.length, 'ICE restarts in a minute').to.be.at.least(RESTART_BURST + 60_000 / RESTART_EVERY - 1);
    // Restarts spent most of the tokens: ordinary negotiations get what is left.
    const spent = new NegotiationBudget(0);
    allowed(spent, [0, 1, 2], true);
    expect(allowed(spent, every(1, 100)), 'negotiations left of the burst').to.have.length(NEGOTIATION_BURST - RESTART_BURST);
    expect(spent.wait(true, 100), 'the next restart waits').to.be.greaterThan(RESTART_EVERY - 200);
  });

  it("lets a call's negotiations through at once: devices and a screen added, two ICE restarts 3 s apart, then the same after a while", () => {
    const budget = new NegotiationBudget(0);
    // The call starts (both sides open their senders), a screen is shared and stopped, the path
    // breaks (restarts 4 s and 7 s after), and a minute later it all happens again.
    const call: [number, boolean][] = [
      [0, false],
      [300, false],
      [20_000, false],
      [35_000, false],
      [44_000, true],
      [47_000, true],
      [50_000, false],
      [110_000, false],
      [110_300, false],
      [130_000, true],
      [133_000, true],
      // A break while the camera and the screen come on.
      [140_000, false],
      [140_100, false],
      [140_200, true],
      [143_200, true],
    ];
    for (const [t, restart] of call) expect(budget.take(restart, t), `${restart ? 'an ICE restart' : 'a negotiation'} at ${t} ms`).to.equal(true);
  });

  it('applies at most MAX_CANDIDATES of one ICE generation and CANDIDATES_PER_MINUTE of any, however many restarts come', () => {
    const budget = new NegotiationBudget(0);
    let applied = 0;
    // A new generation every second, each with 1,000 candidates.
    for (let g = 0; g < 60; g++) {
      budget.described(`flood${g}`);
      let ofThis = 0;
      for (let k = 0; k < 1_000; k++) if (budget.candidate(g * 1_000 + k / 10)) ofThis++;
      expect(ofThis, `candidates of generation ${g}`).to.be.at.most(MAX_CANDIDATES);
      applied += ofThis;
    }
    expect(applied, 'candidates in a minute').to.equal(CANDIDATES_PER_MINUTE);
    // A minute on, a restart's candidates are taken again.
    budget.described('later');
    expect(every(10, 300).filter((t) => budget.candidate(130_000 + t)).length, 'candidates a minute later').to.equal(30);
  });

  it('tells an ICE restart by the credentials of every media section, ufrag or password', () => {
    const sdp = (...sections: [string, string][]) => ['v=0', ...sections.flatMap(([u, p]) => ['m=audio 9 UDP/TLS/RTP/SAVPF 111', `a=ice-ufrag:${u}`, `a=ice-pwd:${p}`])].join('\r\n');
    const pwd = 'x'.repeat(22);
    expect(iceCredentials(sdp(['abcd', pwd], ['abcd', pwd])), 'bundled sections').to.equal(iceCredentials(sdp(['abcd', pwd])));
    expect(iceCredentials(sdp(['abcd', pwd], ['efgh', pwd])), 'a second section restarted').to.not.equal(iceCredentials(sdp(['abcd', pwd])));
    expect(iceCredentials(sdp(['abcd', 'y'.repeat(22)])), 'a new password').to.not.equal(iceCredentials(sdp(['abcd', pwd])));
  });
});

describe('negotiation', () => {
  let devices: MediaStream;
  let close = () => {};
  before(async () => {
    devices = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  });
  after(() => devices.getTracks().forEach((t) => t.stop()));
  afterEach(() => close());

  it("makes no room while an offer is under way, and places the asker's track once it asks again", async () => {
    const pair = await connectedPair();
    close = pair.close;
    const { offerer, asker } = pair;
    // The offerer adds its camera: its offer is on the way.
    offerer.pc.addTrack(devices.getVideoTracks()[0], devices);
    await until(() => offerer.pc.signalingState === 'have-local-offer' && asker.inbox.length > 0, 'no offer');
    // Meanwhile the asker adds its microphone, which that offer has no place for, and asks.
    asker.pc.addTrack(devices.getAudioTracks()[0], devices);
    await until(() => offerer.inbox.some((f) => f.t === 'renegotiate'), 'the asker did not ask');
    deliver(offerer);
    // Frames are taken in order on promises: one turn of the event loop takes the request.
    await new Promise((resolve) => setTimeout(resolve));
    expect(offerer.pc.signalingState, 'the offer is still under way').to.equal('have-local-offer');
    expect(offerer.pc.getTransceivers(), 'room made while the offer is under way').to.have.length(1);
    // The offer arrives, is answered, and the asker asks again for its microphone.
    await settle(offerer, asker);
    expect(offerer.arrived, "the asker's tracks that arrived at the offerer").to.deep.equal(['audio']);
    expect(asker.arrived, "the offerer's tracks that arrived at the asker").to.deep.equal(['video']);
    expect(offerer.pc.getTransceivers().map((t) => `${t.receiver.track.kind} ${t.currentDirection}`)).to.deep.equal(['video sendonly', 'audio recvonly']);
  });

  it('sends an offer again when its answer is lost, so that the pair goes on negotiating', async function () {
    this.timeout(20_000);
    const pair = await connectedPair();
    close = pair.close;
    const { offerer, asker } = pair;
    offerer.pc.addTrack(devices.getVideoTracks()[0], devices);
    await until(() => asker.inbox.some((f) => f.t === 'sdp'), 'no offer');
    deliver(asker);
    await until(() => offerer.inbox.some((f) => f.t === 'sdp'), 'no answer');
    // The answer is lost on the way.
    offerer.inbox.splice(0);
    await until(() => asker.inbox.some((f) => f.t === 'sdp'), 'the offer did not come again', OFFER_RESEND + 2_000);
    await settle(offerer, asker);
    expect(asker.arrived).to.deep.equal(['video']);
    // The next negotiation goes as usual.
    offerer.pc.addTrack(devices.getAudioTracks()[0], devices);
    await settle(offerer, asker);
    expect(asker.arrived).to.deep.equal(['video', 'audio']);
    expect(asker.floods, 'an offer sent again is not a flood').to.equal(0);
  });

  it('makes room once for a request that came twice', async () => {
    const pair = await connectedPair();
    close = pair.close;
    const { offerer, asker } = pair;
    asker.pc.addTrack(devices.getAudioTracks()[0], devices);
    await until(() => offerer.inbox.some((f) => f.t === 'renegotiate'), 'the asker did not ask');
    offerer.inbox.push(...offerer.inbox);
    await settle(offerer, asker);
    expect(offerer.arrived).to.deep.equal(['audio']);
    expect(offerer.pc.getTransceivers().map((t) => `${t.receiver.track.kind} ${t.currentDirection}`)).to.deep.equal(['audio recvonly']);
  });

  it('takes at most a bounded number of frames at once from the other side, says so once, and still negotiates', async () => {
    const pair = await connectedPair();
    close = pair.close;
    const { offerer, asker } = pair;
    const count = countCandidates(asker.pc);
    // A thousand frames in one go: no browser applies them as fast as they come.
    for (const frame of junkCandidates(1_000)) asker.negotiation.receive(frame);
    await until(() => count.settled === count.added && count.added > 0, 'the candidates were not applied');
    expect(count.added, 'candidates applied').to.equal(MAX_WAITING);
    expect(asker.floods, 'times the flood was said').to.equal(1);
    // The pair still negotiates: a camera added afterwards arrives.
    offerer.pc.addTrack(devices.getVideoTracks()[0], devices);
    await settle(offerer, asker);
    expect(asker.arrived).to.deep.equal(['video']);
    expect(asker.floods, 'times the flood was said').to.equal(1);
  });

  it('applies at most a bounded number of candidates of one ICE generation, however slowly they come', async () => {
    const pair = await connectedPair();
    close = pair.close;
    const { offerer, asker } = pair;
    const count = countCandidates(asker.pc);
    for (let batch = 0; batch < 25; batch++) {
      for (const frame of junkCandidates(20, batch * 20)) asker.negotiation.receive(frame);
      await until(() => count.settled === count.added, 'the candidates were not applied');
    }
    expect(count.added, 'candidates applied').to.equal(MAX_CANDIDATES);
    expect(asker.floods, 'times the flood was said').to.equal(1);
    // An ICE restart is a new generation: its candidates are taken again.
    offerer.negotiation.restartIce();
    await until(() => asker.inbox.some((f) => f.t === 'sdp'), 'no offer restarts ICE');
    await settle(offerer, asker);
    await until(() => asker.pc.iceConnectionState === 'connected' || asker.pc.iceConnectionState === 'completed', () => `ICE is ${asker.pc.iceConnectionState}`);
    await until(() => count.settled === count.added, 'the candidates were not applied');
    const before = count.added;
    for (const frame of junkCandidates(20, 1_000)) asker.negotiation.receive(frame);
    await until(() => count.settled === count.added && count.added === before + 20, () => `candidates applied since the restart: ${count.added - before}`);
  });

  it('answers offers with fresh ICE credentials no faster than its budget, says so once, and applies the latest', async function () {
    this.timeout(RESTART_EVERY + 10_000);
    const pair = await connectedPair();
    close = pair.close;
    const { offerer, asker } = pair;
    // Offers as a hostile offerer makes them: one real offer, each copy with new ICE credentials
    // (an ICE restart, so that the asker gathers again).
    const base = (await offerer.pc.createOffer()).sdp!;
    const offer = (k: number): SdpFrame => ({
      t: 'sdp',
      description: { type: 'offer', sdp: base.replace(/^a=ice-ufrag:[^\r\n]*/gm, `a=ice-ufrag:flood${k}`).replace(/^a=ice-pwd:[^\r\n]*/gm, `a=ice-pwd:${'p'.repeat(22)}${k}`) },
    });
    const answers = () => offerer.inbox.filter((f) => f.t === 'sdp').length;
    // 50 offers in a second.
    for (let k = 0; k < 50; k++) {
      asker.negotiation.receive(offer(k));
      if (k % 5 === 4) await wait(100);
    }
    await wait(500);
    expect(answers(), 'offers answered in the first 1.5 s').to.be.within(1, RESTART_BURST);
    expect(asker.floods, 'times the flood was said').to.equal(1);
    // The latest waits for its turn and is applied; those before it were let go.
    await until(() => !!asker.pc.remoteDescription?.sdp.includes('a=ice-ufrag:flood49\r'), 'the latest offer was not applied', RESTART_EVERY + 2_000);
    await until(() => asker.pc.signalingState === 'stable', 'the latest offer was not answered');
    expect(answers(), 'offers answered').to.be.at.most(RESTART_BURST + 1);
    expect(asker.floods, 'times the flood was said').to.equal(1);
  });

  it('makes offers on request no faster than its budget, however often it is asked, and still negotiates', async function () {
    this.timeout(15_000);
    const pair = await connectedPair();
    close = pair.close;
    const { offerer, asker } = pair;
    let offers = 0;
    const start = performance.now();
    // The asker asks for an offer every 20 ms and answers every offer at once.
    while (performance.now() - start < 2_000) {
      offerer.negotiation.receive({ t: 'renegotiate', kinds: [] });
      offers += asker.inbox.filter((f) => f.t === 'sdp').length;
      deliver(asker);
      deliver(offerer);
      await wait(20);
    }
    expect(offers, 'offers made in 2 s').to.be.within(1, NEGOTIATION_BURST + 1);
    offerer.pc.addTrack(devices.getVideoTracks()[0], devices);
    await settle(offerer, asker);
    expect(asker.arrived).to.deep.equal(['video']);
  });

  it("takes a call's renegotiations and two ICE restarts 3 s apart as they come, without a word", async function () {
    this.timeout(30_000);
    const pair = await connectedPair();
    close = pair.close;
    const { offerer, asker } = pair;
    // Frames are delivered both ways until `done`.
    const flow = (done: () => boolean, message: string) => until(() => (deliver(offerer), deliver(asker), done()), message, 10_000);
    const stable = () => [offerer, asker].every((x) => x.pc.signalingState === 'stable');
    offerer.pc.addTrack(devices.getVideoTracks()[0], devices);
    await flow(() => asker.arrived.length === 1, "the offerer's camera did not arrive");
    asker.pc.addTrack(devices.getAudioTracks()[0], devices);
    await flow(() => offerer.arrived.length === 1, "the asker's microphone did not arrive");
    offerer.pc.addTrack(devices.getAudioTracks()[0], devices);
    await flow(() => asker.arrived.length === 2, "the offerer's microphone did not arrive");
    // The path broke: two ICE restarts, 3 s apart (pair-links.ts).
    const credentials = () => iceCredentials(asker.pc.remoteDescription!.sdp);
    const seen = [credentials()];
    const restart = async () => {
      offerer.negotiation.restartIce();
      await flow(() => credentials() !== seen.at(-1) && stable() && ['connected', 'completed'].includes(asker.pc.iceConnectionState), `ICE did not restart: ${asker.pc.iceConnectionState}`);
      seen.push(credentials());
    };
    await restart();
    await wait(3_000);
    await restart();
    // And a camera after that.
    asker.pc.addTrack(devices.getVideoTracks()[0], devices);
    await flow(() => offerer.arrived.length === 2, "the asker's camera did not arrive");
    expect(asker.arrived, "the offerer's tracks at the asker").to.deep.equal(['video', 'audio']);
    expect(offerer.arrived, "the asker's tracks at the offerer").to.deep.equal(['audio', 'video']);
    expect([offerer.floods, asker.floods], 'times a flood was said').to.deep.equal([0, 0]);
  });
});
