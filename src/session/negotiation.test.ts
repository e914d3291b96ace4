// The pair's own negotiation, on two real peer connections in one page. Frames between the two
// sides wait in a queue until the test delivers them, so it decides what crosses what.
import { expect } from '@open-wc/testing';
import { junkCandidate } from '../../test/fixtures/attacker.js';
import { until } from '../../test/helpers.js';
import { MAX_CANDIDATES, MAX_WAITING, Negotiation, OFFER_RESEND } from './negotiation.js';
import type { IceFrame, RenegotiateFrame, SdpFrame } from './protocol.js';

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
  return { offerer, asker, close: () => [a, b].forEach((pc) => pc.close()) };
}

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
});
