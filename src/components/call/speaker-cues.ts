import type { ReactiveControllerHost } from 'lit';
import type { Participant } from '../../controllers/room-controller.js';
import type { CallKit } from './call-kit.js';
import type { CallAudio } from './speaker.js';

/**
 * How often, on average, who speaks is decided: often enough for a speaker highlight to feel
 * live. A level is that of the last audio packet (20 ms of sound), read once per decision, at
 * intervals of 50 to 150 ms drawn at random: a sound that recurs at a fixed period (a beep each
 * second) is then heard sooner or later, where reads in step with it could miss it for good.
 * Reading every packet instead (every 20 ms) cost each page 3 % of a core per two others
 * (`getSynchronizationSources` waits on WebRTC's thread).
 */
const SPEAKER_INTERVAL = 100;
/**
 * This page's own microphone is measured from this long after the cues start. Measuring it takes
 * an audio context, whose creation holds the main thread for about 15 ms (2 cores, Chromium 156):
 * started with the call, that fell among the join's first render and first frames.
 */
const OWN_MIC_AFTER = 1_500;
/** How long "You're muted" stays after the visitor stopped speaking. */
const MUTED_HINT_MS = 3_000;

/** What the cues listen to. */
export interface CuesSource {
  participants(): readonly Participant[];
  /** This page's microphone track, if any. */
  localAudio(): MediaStreamTrack | null;
  /** How loud a participant is now, 0 to 1. */
  audioLevel(id: string): number;
  micOn(): boolean;
  /** The visitor began to speak with the microphone off: "You're muted" shows. */
  mutedHint(): void;
}

/**
 * Cues from the call's sound: who speaks (their tile is highlighted, and the speaker view shows
 * who spoke last), and whether the visitor speaks with the microphone off ("You're muted"). The
 * speaker detection (speaker.ts) is loaded after the join.
 */
export class SpeakerCues {
  /** Who speaks now (a peer id, or `local`). */
  speaker: string | null = null;
  /** Who spoke last: the large tile of the speaker view. */
  lastSpeaker: string | null = null;
  /** Whether the visitor spoke with the microphone off, less than 3 s ago. */
  mutedHint = false;
  #mutedHintUntil = 0;
  #running: { ears: CallAudio; timer: ReturnType<typeof setTimeout> | undefined } | null = null;
  /** Ends the tries to load the detection. */
  #loading: (() => void) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly source: CuesSource,
    /** The detection's loader, and the meter of this page's microphone, from the first load (call-kit.ts). */
    private readonly kit: Pick<CallKit, 'loadSoon' | 'loadSpeaker' | 'AudioLevels'>,
  ) {}

  /**
   * Starts listening once the detection has loaded, unless `stillWanted()` says no then. A
   * detection that did not load is asked for again a few seconds later: no highlight until it
   * comes, the call goes on.
   */
  start(stillWanted: () => boolean): void {
    this.#loading?.();
    const { loadSoon, loadSpeaker, AudioLevels } = this.kit;
    this.#loading = loadSoon(loadSpeaker, ({ CallAudio: CallAudioClass }) => {
      if (stillWanted() && !this.#running) this.#listen(new CallAudioClass(new AudioLevels(), (id) => this.source.audioLevel(id)));
    });
  }

  #listen(ears: CallAudio): void {
    const ownMicFrom = performance.now() + OWN_MIC_AFTER;
    const decide = () => {
      // Someone whose microphone is off sends silence: their level is not read.
      const own = performance.now() >= ownMicFrom ? this.source.localAudio() : null;
      ears.sync(new Map(this.source.participants().map((p) => [p.id, p.mic ? p.stream : null])), own);
      const mic = this.source.micOn();
      const { speaker, speakingWhileMuted } = ears.sample(mic);
      if (speaker !== this.speaker) {
        this.speaker = speaker;
        if (speaker) this.lastSpeaker = speaker;
        this.host.requestUpdate();
      }
      const now = performance.now();
      if (speakingWhileMuted) this.#mutedHintUntil = now + MUTED_HINT_MS;
      const hint = !mic && now < this.#mutedHintUntil;
      if (hint !== this.mutedHint) this.#hint(hint);
    };
    const running = { ears, timer: undefined as ReturnType<typeof setTimeout> | undefined };
    const next = () => {
      running.timer = setTimeout(() => {
        decide();
        if (this.#running === running) next();
      }, SPEAKER_INTERVAL * (0.5 + Math.random()));
    };
    this.#running = running;
    next();
  }

  /** Stops listening (or the tries to load the detection); what was heard stays shown until `forget()`. */
  stop(): void {
    this.#loading?.();
    this.#loading = null;
    if (!this.#running) return;
    clearTimeout(this.#running.timer);
    this.#running.ears.close();
    this.#running = null;
  }

  /** The call is over: nobody speaks, nobody spoke. */
  forget(): void {
    this.speaker = this.lastSpeaker = null;
    this.#hint(false);
  }

  /** The microphone is on: "You're muted" goes at once. */
  unmuted(): void {
    this.#hint(false);
  }

  #hint(shown: boolean): void {
    this.mutedHint = shown;
    if (shown) this.source.mutedHint();
    this.host.requestUpdate();
  }
}
