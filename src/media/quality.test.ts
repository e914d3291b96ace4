import { expect } from '@open-wc/testing';
import { QualityWatch, summarize, type StatsLike } from './quality.js';

type Stat = Record<string, unknown> & { id: string; type: string };

/** A report as Chromium gives one: a transport naming its pair, the pair, its candidates, and RTP streams. */
function chromium(at: number, over: { pair?: Partial<Stat>; audio?: Partial<Stat>; video?: Partial<Stat>; remote?: Partial<Stat> } = {}): StatsLike {
  const stats: Stat[] = [
    { id: 'T1', type: 'transport', timestamp: at, selectedCandidatePairId: 'CP1', bytesReceived: 0, bytesSent: 0 },
    { id: 'CP0', type: 'candidate-pair', timestamp: at, state: 'failed', localCandidateId: 'L0', remoteCandidateId: 'R0', currentRoundTripTime: 3 },
    {
      id: 'CP1',
      type: 'candidate-pair',
      timestamp: at,
      state: 'succeeded',
      nominated: true,
      localCandidateId: 'L1',
      remoteCandidateId: 'R1',
      currentRoundTripTime: 0.05,
      bytesReceived: at * 100,
      bytesSent: at * 50,
      ...over.pair,
    },
    { id: 'L0', type: 'local-candidate', candidateType: 'relay' },
    { id: 'L1', type: 'local-candidate', candidateType: 'host' },
    { id: 'R1', type: 'remote-candidate', candidateType: 'srflx' },
    { id: 'IA', type: 'inbound-rtp', kind: 'audio', timestamp: at, packetsReceived: at / 20, packetsLost: 0, jitter: 0.004, ...over.audio },
    {
      id: 'IV',
      type: 'inbound-rtp',
      kind: 'video',
      timestamp: at,
      trackIdentifier: 'cam',
      packetsReceived: at / 10,
      packetsLost: 0,
      jitter: 0.01,
      framesPerSecond: 24,
      framesDecoded: (at / 1000) * 24,
      frameWidth: 640,
      frameHeight: 480,
      bytesReceived: at * 90,
      ...over.video,
    },
    { id: 'RIA', type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.06, fractionLost: 0, ...over.remote },
  ];
  return new Map(stats.map((s) => [s.id, s]));
}

describe('connection quality', () => {
  it('reads the figures of a healthy connection and calls it good', () => {
    const s = summarize(chromium(12_000), chromium(10_000), { expectVideo: true, videoTrack: 'cam' });
    expect(s).to.deep.equal({
      quality: 'good',
      rtt: 50,
      packetLoss: 0,
      packetLossOut: 0,
      jitter: 4,
      frameRate: 24,
      frameWidth: 640,
      frameHeight: 480,
      bitrateIn: 800_000,
      bitrateOut: 400_000,
      candidateType: 'host',
      remoteCandidateType: 'srflx',
    });
  });

  it('calls a connection weak from 3 % loss or 200 ms, and bad from 10 % or 400 ms', () => {
    const lossy = (lost: number) =>
      summarize(chromium(12_000, { audio: { packetsLost: lost }, video: { packetsLost: 0 } }), chromium(10_000)).quality;
    // 100 audio and 200 video packets came in those 2 s.
    expect(lossy(6)).to.equal('good'); // 2 %
    expect(lossy(15)).to.equal('weak'); // 4.8 %
    expect(lossy(40)).to.equal('bad'); // 11.8 %
    const slow = (rtt: number) => summarize(chromium(12_000, { pair: { currentRoundTripTime: rtt } }), chromium(10_000)).quality;
    expect(slow(0.15)).to.equal('good');
    expect(slow(0.25)).to.equal('weak');
    expect(slow(0.45)).to.equal('bad');
    // What they lose of ours counts too.
    expect(summarize(chromium(12_000, { remote: { fractionLost: 0.2 } }), chromium(10_000)).quality).to.equal('bad');
  });

  it('calls jitter over 40 ms and a choppy camera weak, but not the frame rate of a camera that is off or starting', () => {
    expect(summarize(chromium(12_000, { audio: { jitter: 0.05 } }), chromium(10_000)).quality).to.equal('weak');
    const choppy = chromium(12_000, { video: { framesPerSecond: 4 } });
    expect(summarize(choppy, chromium(10_000), { expectVideo: true }).quality).to.equal('weak');
    expect(summarize(choppy, chromium(10_000), { expectVideo: false }).quality).to.equal('good');
    // A video just starting (no frames at the previous report) is not choppy yet.
    const starting = chromium(10_000, { video: { framesDecoded: 0 } });
    expect(summarize(choppy, starting, { expectVideo: true }).quality).to.equal('good');
    expect(summarize(choppy, null, { expectVideo: true }).quality).to.equal('good');
  });

  it('calls a connection bad when nothing arrived for 2 s, or while it reconnects', () => {
    const before = chromium(10_000);
    const quiet = chromium(12_000, { pair: { bytesReceived: 10_000 * 100 } });
    expect(summarize(quiet, before).quality).to.equal('bad');
    expect(summarize(chromium(12_000), before, { reconnecting: true }).quality).to.equal('bad');
  });

  it('ignores the loss of a handful of packets, which says nothing yet', () => {
    const few = summarize(
      chromium(10_100, { audio: { packetsReceived: 500 + 4, packetsLost: 2 }, video: { packetsReceived: 1000 + 5 } }),
      chromium(10_000),
    );
    expect(few.packetLoss).to.be.closeTo(2 / 11, 0.001);
    expect(few.quality).to.equal('good');
  });

  it('takes the camera by its track id, not a shared screen beside it', () => {
    const report = chromium(12_000) as Map<string, Stat>;
    report.set('IS', { id: 'IS', type: 'inbound-rtp', kind: 'video', trackIdentifier: 'screen', framesPerSecond: 5, frameWidth: 1920, frameHeight: 1080, bytesReceived: 1e9 });
    const s = summarize(report, chromium(10_000), { videoTrack: 'cam', expectVideo: true });
    expect([s.frameRate, s.frameWidth, s.quality]).to.deep.equal([24, 640, 'good']);
  });

  it('reads Firefox: no transport, a pair marked selected, round trips only in the RTP reports, frames counted', () => {
    const firefox = (at: number, frames: number): StatsLike =>
      new Map<string, Stat>([
        ['p', { id: 'p', type: 'candidate-pair', timestamp: at, selected: true, nominated: true, state: 'succeeded', localCandidateId: 'l', bytesReceived: at * 10, bytesSent: at * 10 }],
        ['l', { id: 'l', type: 'local-candidate', candidateType: 'relay' }],
        ['v', { id: 'v', type: 'inbound-rtp', mediaType: 'video', timestamp: at, framesDecoded: frames, packetsReceived: at, packetsLost: 0 }],
        ['r', { id: 'r', type: 'remote-inbound-rtp', kind: 'video', roundTripTime: 0.25 }],
      ]);
    const s = summarize(firefox(4_000, 90), firefox(2_000, 30));
    expect([s.rtt, s.frameRate, s.candidateType, s.remoteCandidateType, s.bitrateIn, s.quality]).to.deep.equal([250, 30, 'relay', null, 80_000, 'weak']);
  });

  it('never throws, and gives null for missing or absurd figures', () => {
    const absurd = new Map<string, Stat>([
      ['t', { id: 't', type: 'transport', selectedCandidatePairId: 'nope' }],
      ['p', { id: 'p', type: 'candidate-pair', selected: true, currentRoundTripTime: -1, localCandidateId: 'x', timestamp: NaN }],
      ['x', { id: 'x', type: 'local-candidate', candidateType: '<img>' }],
      ['v', { id: 'v', type: 'inbound-rtp', kind: 'video', framesPerSecond: Infinity, frameWidth: 1e9, frameHeight: '480', jitter: 1e6, packetsLost: -3, packetsReceived: 'x' }],
    ]);
    for (const [report, previous] of [
      [absurd, absurd],
      [null, null],
      [undefined, chromium(10)],
      [{ forEach: () => { throw new Error('no'); } }, 42],
      [new Map<string, unknown>([['a', null], ['b', 7], ['c', { type: 5 }]]), 'x'],
      [chromium(10_000), chromium(12_000)], // reports out of order
    ] as [StatsLike, StatsLike][]) {
      const s = summarize(report, previous);
      expect(s.quality).to.equal('good');
      expect([s.rtt, s.jitter, s.frameRate, s.frameWidth, s.frameHeight, s.bitrateIn, s.bitrateOut, s.candidateType]).to.satisfy((xs: unknown[]) =>
        xs.every((x) => x === null || (typeof x === 'number' && x >= 0) || x === 'host'),
      );
    }
    const s = summarize(absurd, null);
    expect([s.rtt, s.jitter, s.frameRate, s.frameWidth, s.frameHeight, s.candidateType, s.packetLoss]).to.deep.equal([null, null, null, null, null, null, null]);
  });

  it('shows a worse quality at once and a better one after two polls, and says when it changed', () => {
    const watch = new QualityWatch();
    const peer = { id: 'a' };
    const at = (i: number, rtt: number) => chromium(10_000 + i * 2_000, { pair: { currentRoundTripTime: rtt } });
    const seen = [0.5, 0.05, 0.05, 0.5, 0.05, 0.05, 0.05].map((rtt, i) => {
      const verdict = watch.update(peer, at(i, rtt));
      return verdict && `${verdict.stats.quality}${verdict.changed ? '!' : ''}`;
    });
    // The first poll (a slow start) is not judged: there is nothing to compare it with.
    expect(seen).to.deep.equal([null, 'good!', 'good', 'bad!', 'bad', 'good!', 'good']);
    expect(watch.shown('a')).to.equal('good');
    watch.keep(new Set());
    expect(watch.shown('a')).to.equal(undefined);
  });
});
