/**
 * How good the connection with one person is, judged from the statistics of the pair's peer
 * connection (`RTCPeerConnection.getStats()`, two reports apart for the rates). Loaded after the
 * join, in a chunk of its own in the script-tag bundle; it imports nothing at run time.
 *
 * Every figure is read as hostile: Chromium and Firefox name and fill the statistics
 * differently, counters restart with a new candidate pair, and a number may be missing,
 * negative, NaN or absurd. Such a figure is null, never a throw.
 */

/** `good`, `weak` (noticeable: blurry, choppy, a delay) or `bad` (hard to talk). */
export type Quality = 'good' | 'weak' | 'bad';

/** An ICE candidate's type: on this machine (`host`), as a NAT maps it (`srflx`, `prflx`), or through a TURN relay (`relay`). */
export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

/** A summary of the connection with one person; a figure the browser did not give is null. */
export interface ConnectionStats {
  /** The verdict from the figures below (see QUALITY_THRESHOLDS). */
  quality: Quality;
  /** Round-trip time in milliseconds (the selected candidate pair's, else the RTP reports'). */
  rtt: number | null;
  /** Share (0 to 1) of their audio and video packets lost on the way here, since the previous report. */
  packetLoss: number | null;
  /** Share (0 to 1) of this page's packets lost on the way to them, as their last report says. */
  packetLossOut: number | null;
  /** Jitter of the packets received, in milliseconds (their audio's, else their video's). */
  jitter: number | null;
  /** Frames per second of their camera's video as received. */
  frameRate: number | null;
  /** Width and height in pixels of their camera's video as received. */
  frameWidth: number | null;
  frameHeight: number | null;
  /** Bits per second received from them and sent to them (media and data), since the previous report. */
  bitrateIn: number | null;
  bitrateOut: number | null;
  /** The type of this page's candidate in use (`relay`: through the TURN server). */
  candidateType: CandidateType | null;
  /** The type of their candidate in use. */
  remoteCandidateType: CandidateType | null;
}

/** One other participant's connection, as `<rtc-call>`'s `getStats()` gives it. */
export interface ParticipantStats extends ConnectionStats {
  /** Their peer id in the room. */
  id: string;
  /** Their name. */
  name: string;
}

/**
 * The limits of each verdict, in line with what Jitsi Meet, Google Meet and Zoom show (loss
 * above a few percent makes video blocky and speech choppy; beyond 10 % talking is hard; a
 * round trip above 200 ms is heard as a delay, above 400 ms people talk over each other).
 * A figure counts from the next report on when it passes its limit:
 * - bad: round trip over 400 ms, loss over 10 % (either way), jitter over 100 ms, or nothing at
 *   all received for 1.5 s (the room's heartbeat sends every second), or the link reconnecting;
 * - weak: round trip over 200 ms, loss over 3 % (either way), jitter over 40 ms, or fewer than
 *   10 frames per second of a camera that is on (once its video was flowing at the previous
 *   report, so that a video starting up is not counted);
 * - good: otherwise.
 * Loss counts once at least 20 packets came (or were lost) since the previous report.
 */
export const QUALITY_THRESHOLDS = {
  bad: { rtt: 400, loss: 0.1, jitter: 100, silence: 1_500 },
  weak: { rtt: 200, loss: 0.03, jitter: 40, frameRate: 10 },
  minPackets: 20,
} as const;

/** What the judge knows besides the statistics. */
export interface JudgeOptions {
  /** The id of their camera's track as received, to tell its video from a shared screen's. */
  videoTrack?: string | null;
  /** Whether their camera is on: only then does a low frame rate count. */
  expectVideo?: boolean;
  /** Whether the link is being mended ("Reconnecting…"): bad whatever the figures say. */
  reconnecting?: boolean;
}

/** What an RTCStatsReport offers that the judge uses (a Map of plain objects in unit tests). */
export interface StatsLike {
  forEach(callback: (value: unknown, key: string) => void): void;
}

type Entry = Record<string, unknown> & { id: string; type: string };

/** The entries of a report by id; an unreadable report is an empty one. */
function entries(report: StatsLike | null | undefined): Map<string, Entry> {
  const out = new Map<string, Entry>();
  try {
    report?.forEach((value, key) => {
      if (out.size < 2_000 && value && typeof value === 'object' && typeof (value as Entry).type === 'string') out.set(String(key), value as Entry);
    });
  } catch {
    // Not a report: nothing known.
  }
  return out;
}

/** A finite number within [min, max], else null. */
function num(value: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? value : null;
}

/** Seconds (as the statistics give times) to whole milliseconds; at most a minute. */
function ms(seconds: unknown): number | null {
  const s = num(seconds, 0, 60);
  return s === null ? null : Math.round(s * 1000);
}

function candidateType(value: unknown): CandidateType | null {
  return value === 'host' || value === 'srflx' || value === 'prflx' || value === 'relay' ? value : null;
}

function kindOf(e: Entry): unknown {
  return e.kind ?? e.mediaType; // mediaType: older Firefox
}

/** The candidate pair in use: the transport's selected one (Chromium), else one marked selected (Firefox) or nominated. */
function selectedPair(all: Map<string, Entry>): Entry | null {
  const pairs = [...all.values()].filter((e) => e.type === 'candidate-pair');
  for (const e of all.values()) {
    if (e.type !== 'transport' || typeof e.selectedCandidatePairId !== 'string') continue;
    const pair = all.get(e.selectedCandidatePairId);
    if (pair?.type === 'candidate-pair') return pair;
  }
  return pairs.find((p) => p.selected === true) ?? pairs.find((p) => p.nominated === true && p.state === 'succeeded') ?? null;
}

/** How much a counter grew since the previous report; null when it is missing or went back (a new pair). */
function delta(now: Entry | undefined, before: Entry | undefined, field: string): number | null {
  const a = num(now?.[field]);
  const b = num(before?.[field]);
  return a === null || b === null || a < b ? null : a - b;
}

/** Their camera's inbound video: the one with their camera's track id, else the one that brought the most. */
function cameraVideo(inbound: Entry[], videoTrack: string | null | undefined): Entry | null {
  const videos = inbound.filter((e) => kindOf(e) === 'video');
  const named = videoTrack ? videos.find((e) => e.trackIdentifier === videoTrack) : undefined;
  if (named) return named;
  return videos.reduce<Entry | null>((best, e) => ((num(e.bytesReceived) ?? 0) > (num(best?.bytesReceived) ?? -1) ? e : best), null);
}

/**
 * A summary of `report`, the statistics of the peer connection with one person; rates (loss,
 * bitrates, frames per second where the browser gives no rate) come from the counters'
 * growth since `previous`, an earlier report of the same connection. Never throws.
 */
export function summarize(report: StatsLike | null | undefined, previous?: StatsLike | null, options: JudgeOptions = {}): ConnectionStats {
  const now = entries(report);
  const before = entries(previous);
  const pair = selectedPair(now);
  const pairBefore = pair ? before.get(pair.id) : undefined;
  const t = num(pair?.timestamp) ?? num([...now.values()][0]?.timestamp);
  const tBefore = num(pairBefore?.timestamp) ?? num([...before.values()][0]?.timestamp);
  const dt = t !== null && tBefore !== null && t > tBefore && t - tBefore <= 60_000 ? (t - tBefore) / 1000 : null;
  const inbound = [...now.values()].filter((e) => e.type === 'inbound-rtp');
  const remoteInbound = [...now.values()].filter((e) => e.type === 'remote-inbound-rtp');

  // Round trip: the pair's STUN checks, else the RTP reports' (Firefox fills only these).
  const rtts = remoteInbound.map((e) => ms(e.roundTripTime)).filter((x): x is number => x !== null);
  const rtt = ms(pair?.currentRoundTripTime) ?? (rtts.length ? Math.max(...rtts) : null);

  // Loss on the way here: lost / (lost + received) since the previous report (since the start without one).
  let lost = 0;
  let came = 0;
  let counted = false;
  for (const e of inbound) {
    const old = dt !== null ? before.get(e.id) : undefined;
    const received = old ? delta(e, old, 'packetsReceived') : num(e.packetsReceived);
    // packetsLost is signed (duplicates make it negative): a negative growth counts as none.
    const l = num(e.packetsLost, -Number.MAX_SAFE_INTEGER);
    const lb = num(old?.packetsLost, -Number.MAX_SAFE_INTEGER);
    const gone = old ? (l !== null && lb !== null ? Math.max(0, l - lb) : null) : l !== null ? Math.max(0, l) : null;
    if (received === null || gone === null) continue;
    lost += gone;
    came += received;
    counted = true;
  }
  const packetLoss = counted && lost + came > 0 ? lost / (lost + came) : null;
  const lossOuts = remoteInbound.map((e) => num(e.fractionLost, 0, 1)).filter((x): x is number => x !== null);
  const packetLossOut = lossOuts.length ? Math.max(...lossOuts) : null;

  const audio = inbound.find((e) => kindOf(e) === 'audio' && num(e.jitter, 0, 60) !== null);
  const video = cameraVideo(inbound, options.videoTrack);
  const jitter = ms(audio?.jitter) ?? ms(video?.jitter);

  const videoBefore = video && dt !== null ? before.get(video.id) : undefined;
  let frameRate = num(video?.framesPerSecond, 0, 1_000);
  if (frameRate === null && video && videoBefore) {
    const frames = delta(video, videoBefore, 'framesDecoded');
    frameRate = frames === null ? null : Math.min(1_000, frames / dt!);
  }
  // A video that was not flowing yet at the previous report is starting up: its rate says nothing.
  const flowing = (num(videoBefore?.framesDecoded) ?? 0) > 0;
  const size = (v: unknown) => {
    const n = num(v, 1, 16_384);
    return n === null ? null : Math.round(n);
  };

  // Bitrates: everything on the connection (the pair's bytes), else the transport's, else the RTP streams'.
  const rate = (field: 'bytesReceived' | 'bytesSent', rtpType: string): number | null => {
    if (dt === null) return null;
    let bytes = pair && pairBefore ? delta(pair, pairBefore, field) : null;
    if (bytes === null) {
      const transport = [...now.values()].find((e) => e.type === 'transport');
      bytes = transport ? delta(transport, before.get(transport.id), field) : null;
    }
    if (bytes === null) {
      const streams = [...now.values()].filter((e) => e.type === rtpType).map((e) => delta(e, before.get(e.id), field));
      bytes = streams.length && streams.every((b) => b !== null) ? streams.reduce<number>((s, b) => s + b!, 0) : null;
    }
    return bytes === null ? null : Math.round((bytes * 8) / dt);
  };
  const bitrateIn = rate('bytesReceived', 'inbound-rtp');
  const received = pair && pairBefore ? delta(pair, pairBefore, 'bytesReceived') : null;
  const silent = received === 0 && dt !== null && dt * 1000 >= QUALITY_THRESHOLDS.bad.silence;

  const local = pair && typeof pair.localCandidateId === 'string' ? now.get(pair.localCandidateId) : undefined;
  const remote = pair && typeof pair.remoteCandidateId === 'string' ? now.get(pair.remoteCandidateId) : undefined;
  const figures = {
    rtt,
    packetLoss,
    packetLossOut,
    jitter,
    frameRate: frameRate === null ? null : Math.round(frameRate * 10) / 10,
    frameWidth: size(video?.frameWidth),
    frameHeight: size(video?.frameHeight),
    bitrateIn,
    bitrateOut: rate('bytesSent', 'outbound-rtp'),
    candidateType: candidateType(local?.candidateType),
    remoteCandidateType: candidateType(remote?.candidateType),
  };
  const enough = lost + came >= QUALITY_THRESHOLDS.minPackets;
  return { quality: judge(figures, { ...options, expectVideo: !!options.expectVideo && flowing, silent, lossCounts: enough }), ...figures };
}

/** The verdict on a summary's figures (QUALITY_THRESHOLDS). */
export function judge(
  s: Omit<ConnectionStats, 'quality'>,
  options: JudgeOptions & { silent?: boolean; lossCounts?: boolean } = {},
): Quality {
  const { bad, weak } = QUALITY_THRESHOLDS;
  const over = (x: number | null, limit: number) => x !== null && x > limit;
  const lossIn = options.lossCounts === false ? null : s.packetLoss;
  if (options.reconnecting || options.silent) return 'bad';
  if (over(s.rtt, bad.rtt) || over(lossIn, bad.loss) || over(s.packetLossOut, bad.loss) || over(s.jitter, bad.jitter)) return 'bad';
  if (over(s.rtt, weak.rtt) || over(lossIn, weak.loss) || over(s.packetLossOut, weak.loss) || over(s.jitter, weak.jitter)) return 'weak';
  if (options.expectVideo && s.frameRate !== null && s.frameRate < weak.frameRate) return 'weak';
  return 'good';
}

/** One person as the watch sees them at a poll. */
export interface WatchedPeer extends JudgeOptions {
  id: string;
}

/** How many polls in a row must find a person better before the shown quality improves. */
const RISE_AFTER = 2;

/**
 * The call's record of everyone's connection between polls: the previous report of each (for
 * the rates) and the quality shown. A person is first judged at their second poll, when there
 * are rates to judge (a connection's first seconds, still setting up, say little). A worse
 * verdict shows at once; a better one after two polls in a row, so that a connection on the
 * edge does not flicker between two signs.
 */
export class QualityWatch {
  private readonly people = new Map<string, { report: StatsLike | null; shown?: Quality; better: number }>();

  /**
   * Judges one person's fresh report; `changed` says whether the quality shown changed (the
   * first verdict counts as a change). Null at a person's first poll: nothing to compare yet.
   */
  update(peer: WatchedPeer, report: StatsLike | null): { stats: ConnectionStats; changed: boolean } | null {
    const known = this.people.get(peer.id);
    if (!known) {
      this.people.set(peer.id, { report, better: 0 });
      return null;
    }
    const stats = summarize(report, known.report, peer);
    known.report = report;
    if (!known.shown) {
      known.shown = stats.quality;
      return { stats, changed: true };
    }
    const rank = { good: 0, weak: 1, bad: 2 };
    if (rank[stats.quality] >= rank[known.shown]) {
      known.better = 0;
      const changed = stats.quality !== known.shown;
      known.shown = stats.quality;
      return { stats: { ...stats, quality: known.shown }, changed };
    }
    if (++known.better < RISE_AFTER) return { stats: { ...stats, quality: known.shown }, changed: false };
    known.better = 0;
    known.shown = stats.quality;
    return { stats, changed: true };
  }

  /** A summary of a fresh report against the last polled one, leaving the record as it is. */
  peek(peer: WatchedPeer, report: StatsLike | null): ConnectionStats {
    return summarize(report, this.people.get(peer.id)?.report, peer);
  }

  /** The quality shown for a person, if judged yet. */
  shown(id: string): Quality | undefined {
    return this.people.get(id)?.shown;
  }

  /** Forgets everyone not in `ids` (they left). */
  keep(ids: ReadonlySet<string>): void {
    for (const id of this.people.keys()) if (!ids.has(id)) this.people.delete(id);
  }

  /**
   * A poll of everyone: forgets those no longer `here`, judges the others' fresh reports (null:
   * none this time). Gives the quality each shows, the last one where this poll gave no verdict
   * (no report, or a first one), or null when that is what `before` shows; the verdicts that
   * changed, by index in `peers`; and every verdict of this poll, by id (the figures shown).
   */
  poll(
    peers: readonly WatchedPeer[],
    reports: readonly (StatsLike | null)[],
    here: ReadonlySet<string>,
    before: ReadonlyMap<string, Quality>,
  ): { shown: Map<string, Quality> | null; changes: [number, ConnectionStats][]; figures: Map<string, ConnectionStats> } {
    this.keep(here);
    const shown = new Map<string, Quality>();
    const changes: [number, ConnectionStats][] = [];
    const figures = new Map<string, ConnectionStats>();
    peers.forEach((peer, i) => {
      const report = reports[i];
      if (!here.has(peer.id)) return;
      const verdict = report && this.update(peer, report);
      if (!verdict) {
        const last = this.shown(peer.id);
        if (last) shown.set(peer.id, last);
        return;
      }
      shown.set(peer.id, verdict.stats.quality);
      figures.set(peer.id, verdict.stats);
      if (verdict.changed) changes.push([i, verdict.stats]);
    });
    const same = shown.size === before.size && [...shown].every(([id, q]) => before.get(id) === q);
    return { shown: same ? null : shown, changes, figures };
  }
}
