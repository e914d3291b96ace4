/**
 * Short, soft tunes made with Web Audio, so there is no sound file to load: the chimes of two
 * notes played when someone asks to be let into the call, comes into it or leaves it (heard in
 * another tab or window, where the stage and the screen reader's words are not), and the lobby's
 * speaker test. One context for the page, made at the first tune, through the speaker chosen for
 * the call where the browser can choose one.
 */

/**
 * The chimes' notes, in Hz: someone knocks (E and A, up a fourth), comes in (C and G, up a
 * fifth), leaves (G and C, down a fifth).
 */
const CHIMES = {
  knock: [659.25, 880],
  join: [523.25, 783.99],
  leave: [783.99, 523.25],
} as const;
export type ChimeKind = keyof typeof CHIMES;
/** The speaker test's three notes (C, E, G). */
const TEST = [523.25, 659.25, 783.99];
/** How long each note rings, in seconds, and how loud. */
const RING = 0.18;
const VOLUME = 0.12;
/** At most one chime of a kind in this time (ms), however many come to knock, join or leave. */
const QUIET_FOR = 3_000;

/** A context that plays through a chosen speaker where the browser can (Chromium's `setSinkId`). */
type SinkContext = AudioContext & { setSinkId?(id: string): Promise<void>; sinkId?: unknown };

let context: SinkContext | null = null;
/** When each kind of chime last played. */
const last = new Map<ChimeKind, number>();

/** Plays a chime through `speaker` (a `deviceId`, '' for the default); nothing where Web Audio is missing. */
export function chime(kind: ChimeKind, speaker: string): void {
  const now = performance.now();
  if (now - (last.get(kind) ?? -Infinity) < QUIET_FOR) return;
  last.set(kind, now);
  play(CHIMES[kind], speaker);
}

/** Plays the lobby's speaker test: three rising notes through `speaker`. */
export function testTune(speaker: string): void {
  play(TEST, speaker);
}

function play(notes: readonly number[], speaker: string): void {
  const AC = globalThis.AudioContext;
  if (!AC) return;
  try {
    const c: SinkContext = (context ??= new AC());
    // Made without a click (autojoin), a context starts suspended; the browser may let it play later.
    if (c.state === 'suspended') void c.resume().catch(() => {});
    const schedule = () => {
      if (c.state === 'closed') return;
      const start = c.currentTime + 0.02;
      notes.forEach((frequency, i) => {
        const at = start + i * RING;
        const tone = c.createOscillator();
        const gain = c.createGain();
        tone.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, at);
        gain.gain.exponentialRampToValueAtTime(VOLUME, at + 0.01);
        gain.gain.exponentialRampToValueAtTime(0.0001, at + 2 * RING);
        tone.connect(gain).connect(c.destination);
        tone.start(at);
        tone.stop(at + 2 * RING);
      });
    };
    // Through the speaker chosen, once the browser has switched to it (where it can).
    if (c.setSinkId && typeof c.sinkId === 'string' && c.sinkId !== speaker) void c.setSinkId(speaker).then(schedule, schedule).catch(() => {});
    else schedule();
  } catch {
    // No sound: what is shown and read out still tells.
  }
}
