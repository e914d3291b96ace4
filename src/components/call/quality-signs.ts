import type { ReactiveControllerHost } from 'lit';
import type { Participant } from '../../controllers/room-controller.js';
import type { ConnectionStats, ParticipantStats, Quality, QualityWatch, WatchedPeer } from '../../media/quality.js';
import type { Strings } from '../../i18n/en.js';
import type { CallKit } from './call-kit.js';
import { hasLiveVideo } from './video-watch.js';

/** How often the connections' statistics are read for the quality signs. */
const STATS_INTERVAL = 2_000;

/** The call the signs are about: its people, and the statistics of the connection with each. */
export interface QualitySource {
  readonly participants: readonly Participant[];
  stats(id: string): Promise<RTCStatsReport | null>;
}

/**
 * The connection-quality signs of the remote tiles: every 2 s, one getStats() per person,
 * judged by media/quality.ts. `changed` hears of each person whose quality changed (and of each
 * first judgement). The list of people shows one person's figures on demand (`details`).
 */
export class QualitySigns {
  /** The connection quality shown on each remote tile, by peer id. */
  shown: ReadonlyMap<string, Quality> = new Map();
  /** The latest figures of each person still here, by peer id. */
  figures: ReadonlyMap<string, ConnectionStats> = new Map();
  /** Whose figures the list of people shows, updated at every poll; null: nobody's. */
  details: string | null = null;
  #polls: { watch: QualityWatch; timer: ReturnType<typeof setInterval> } | null = null;
  /** Ends the tries to load the judge. */
  #loading: (() => void) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly source: QualitySource,
    private readonly changed: (participant: Participant, stats: ConnectionStats) => void,
    /** The judge's loader, from the first load (call-kit.ts). */
    private readonly kit: Pick<CallKit, 'loadSoon' | 'loadQuality'>,
    /** Whether the cameras come at their frame rate now: not while they are paused or starting again (camera-pause.ts). */
    private readonly camerasFlowing: () => boolean = () => true,
  ) {}

  /**
   * Starts the polls once the judge has loaded, unless `stillWanted()` says no then. A judge that
   * did not load is asked for again a few seconds later: no signs until it comes, the call goes on.
   */
  start(stillWanted: () => boolean): void {
    this.#loading?.();
    this.#loading = this.kit.loadSoon(this.kit.loadQuality, (judge) => {
      if (!stillWanted() || this.#polls) return;
      const watch = new judge.QualityWatch();
      let busy = false;
      const timer = setInterval(() => {
        if (busy) return; // a slow poll is not stacked on by the next
        busy = true;
        void this.#poll(watch).finally(() => (busy = false));
      }, STATS_INTERVAL);
      this.#polls = { watch, timer };
    });
  }

  /** Stops the polls (or the tries to load the judge); the signs go. */
  stop(): void {
    this.#loading?.();
    this.#loading = null;
    if (this.#polls) clearInterval(this.#polls.timer);
    this.#polls = null;
    this.figures = new Map();
    this.details = null;
    this.#show(new Map());
  }

  /** Shows someone's figures in the list of people (closing the others'), or hides them. */
  toggleDetails(id: string): void {
    this.details = this.details === id ? null : id;
    this.host.requestUpdate();
  }

  /** The connection with each person, measured now (see `RtcCall.getStats`). */
  async measure(): Promise<ParticipantStats[]> {
    const people = [...this.source.participants];
    const [judge, reports] = await Promise.all([
      this.kit.loadQuality().catch(() => null),
      Promise.all(people.map((p) => this.source.stats(p.id).catch(() => null))),
    ]);
    if (!judge) return [];
    const watch = this.#polls?.watch ?? new judge.QualityWatch();
    return people.map((p, i) => ({ id: p.id, name: p.name, ...watch.peek(watched(p, this.camerasFlowing()), reports[i]) }));
  }

  async #poll(watch: QualityWatch): Promise<void> {
    const people = [...this.source.participants];
    const reports = await Promise.all(people.map((p) => this.source.stats(p.id).catch(() => null)));
    if (this.#polls?.watch !== watch) return; // left meanwhile
    const flowing = this.camerasFlowing();
    const here = new Set(this.source.participants.map((p) => p.id));
    const { shown, changes, figures } = watch.poll(people.map((p) => watched(p, flowing)), reports, here, this.shown);
    // A person this poll gave no figures for (their statistics failed once) keeps the last ones.
    this.figures = new Map([...[...this.figures].filter(([id]) => here.has(id)), ...figures]);
    for (const [i, stats] of changes) this.changed(people[i], stats);
    if (shown) this.#show(shown);
    else if (this.details !== null) this.host.requestUpdate(); // the figures shown move
  }

  #show(shown: ReadonlyMap<string, Quality>): void {
    this.shown = shown;
    this.host.requestUpdate();
  }
}

/** What the judge needs to know of a person besides the statistics; a camera is expected to move only while `camerasFlowing`. */
function watched(p: Participant, camerasFlowing: boolean): WatchedPeer {
  return {
    id: p.id,
    videoTrack: p.stream?.getVideoTracks()[0]?.id ?? null,
    expectVideo: camerasFlowing && p.cam && hasLiveVideo(p.stream),
    reconnecting: p.connection === 'reconnecting',
  };
}

/** A connection quality in words: "Good connection", "Weak connection", "Bad connection". */
export function qualityWords(t: Strings, quality: Quality): string {
  return quality === 'good' ? t.qualityGood : quality === 'weak' ? t.qualityWeak : t.qualityBad;
}

/** A connection-quality sign: bars (3 good, 2 weak, 1 bad) and their words for screen readers; a tile leaves good out (its styles), the list of people shows it. */
export function renderQuality({ t, kit: { html, signal } }: { t: Strings; kit: Pick<CallKit, 'html' | 'signal'> }, quality: Quality) {
  const label = qualityWords(t, quality);
  return html`<span part="quality" class="quality" data-quality=${quality} role="img" aria-label=${label} title=${label}>${signal(quality === 'good' ? 3 : quality === 'weak' ? 2 : 1)}</span>`;
}
