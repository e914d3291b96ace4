/**
 * Who is speaking, from the audio levels of the call: loaded after the join (a chunk of its
 * own in the script-tag bundle), since a lobby needs none of it. It imports nothing at run
 * time: a chunk that imported from the entry would split the entry in two.
 */
import type { AudioLevels } from '../../media/audio-level.js';

export interface SpeakerOptions {
  /** A level (0 to 1) above which someone counts as speaking. */
  threshold: number;
  /** Samples in a row a newcomer must be the loudest before the highlight moves to them. */
  hold: number;
  /** Samples in a row of silence after which the speaker is no longer highlighted. */
  release: number;
}

export const SPEAKER_DEFAULTS: SpeakerOptions = { threshold: 0.06, hold: 3, release: 10 };

/**
 * How much of a level is left after one sample (100 ms): a peak fades over half a second
 * instead of vanishing, so that the gaps between syllables, and a sample that falls between
 * two of them, do not count as silence.
 */
const DECAY = 0.75;

export interface SpeakerState {
  /** The highlighted speaker, or null while nobody speaks. */
  speaker: string | null;
  /** The loudest speaker of the last samples, and for how many samples in a row. */
  candidate: string | null;
  streak: number;
  /** Samples in a row the speaker has been quiet. */
  quiet: number;
}

export const NO_SPEAKER: SpeakerState = { speaker: null, candidate: null, streak: 0, quiet: 0 };

/**
 * The next state after one sample of `levels`: the loudest above the threshold takes the
 * highlight after `hold` samples in a row (a cough does not move it), and the highlight goes
 * after `release` quiet samples (a pause between two sentences does not drop it). The speaker
 * keeps the highlight while they speak, unless someone else is louder for `hold` samples.
 */
export function nextSpeaker(state: SpeakerState, levels: ReadonlyMap<string, number>, options: SpeakerOptions = SPEAKER_DEFAULTS): SpeakerState {
  let loudest: string | null = null;
  let top = options.threshold;
  for (const [id, level] of levels) {
    if (level > top) {
      top = level;
      loudest = id;
    }
  }
  const streak = loudest !== null && loudest === state.candidate ? state.streak + 1 : loudest === null ? 0 : 1;
  let { speaker } = state;
  const speakerLoud = speaker !== null && (levels.get(speaker) ?? 0) > options.threshold;
  const quiet = speakerLoud ? 0 : state.quiet + 1;
  if (loudest !== null && loudest !== speaker && streak >= options.hold) speaker = loudest;
  else if (speaker !== null && !levels.has(speaker)) speaker = null;
  else if (quiet >= options.release && loudest === null) speaker = null;
  return { speaker, candidate: loudest, streak, quiet: speaker === state.speaker ? quiet : 0 };
}

/**
 * The call's ears: the level of each remote stream as its packets carry it (read by the
 * session: no audio processing on this page), and an analyser for this page's microphone (a
 * copy of its track that stays on while the visitor is muted, to tell them when they speak
 * unheard).
 */
export class CallAudio {
  private state: SpeakerState = NO_SPEAKER;
  private local: { source: MediaStreamTrack; copy: MediaStreamTrack } | null = null;
  private loudLocal = 0;
  /** The participants whose stream has sound. */
  private remote: string[] = [];
  /** Each track's level, held as a peak that fades (DECAY). */
  private readonly held = new Map<string, number>();

  /**
   * `levels` measures this page's microphone (the lobby's meter uses the same class, already
   * loaded); `remoteLevel` tells how loud a participant is, 0 to 1 on the same scale.
   */
  constructor(
    private readonly levels: AudioLevels,
    private readonly remoteLevel: (id: string) => number,
  ) {}

  /** Listens to these remote streams (by participant id) and this page's microphone track. */
  sync(remote: ReadonlyMap<string, MediaStream | null>, localTrack: MediaStreamTrack | null): void {
    this.remote = [...remote].filter(([, stream]) => !!stream?.getAudioTracks().length).map(([id]) => id);
    if (this.local?.source !== localTrack) {
      this.local?.copy.stop();
      this.local = null;
      if (localTrack && localTrack.readyState === 'live') {
        const copy = localTrack.clone();
        copy.enabled = true;
        this.local = { source: localTrack, copy };
      }
      this.levels.set('local', this.local?.copy);
    }
  }

  /**
   * One sample (about every 100 ms): who speaks now, and whether this page's visitor is
   * speaking (for three samples in a row, so that a click of the keyboard does not count).
   */
  sample(micOn: boolean): { speaker: string | null; speakingWhileMuted: boolean } {
    const levels = new Map<string, number>();
    const hold = (id: string, level: number) => levels.set(id, Math.max(level, (this.held.get(id) ?? 0) * DECAY));
    for (const id of this.remote) hold(id, this.remoteLevel(id));
    if (this.local) hold('local', this.levels.level('local'));
    this.held.clear();
    for (const [id, level] of levels) this.held.set(id, level);
    const local = levels.get('local') ?? 0;
    // Muted, the visitor is nobody's speaker; speaking, they are told so.
    if (!micOn) levels.delete('local');
    this.loudLocal = !micOn && local > SPEAKER_DEFAULTS.threshold ? this.loudLocal + 1 : 0;
    this.state = nextSpeaker(this.state, levels);
    return { speaker: this.state.speaker, speakingWhileMuted: this.loudLocal >= 3 };
  }

  close(): void {
    this.local?.copy.stop();
    this.local = null;
    this.levels.close();
  }
}
