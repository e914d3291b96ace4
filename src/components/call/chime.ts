/**
 * A short, soft chime of two notes, played when someone asks to be let into the call: heard in
 * another tab or window, where the rows above the stage and the screen reader's words are not.
 * Made with Web Audio, so there is no sound file to load; one context for the page, made at the
 * first chime, through the speaker chosen for the call where the browser can choose one.
 */

/** The two notes, in Hz (E and A, a fourth apart), how long each rings, in seconds, and how loud. */
const NOTES = [659.25, 880];
const RING = 0.18;
const VOLUME = 0.12;
/** At most one chime in this time (ms), however many come to knock. */
const QUIET_FOR = 3_000;

/** A context that plays through a chosen speaker where the browser can (Chromium's `setSinkId`). */
type SinkContext = AudioContext & { setSinkId?(id: string): Promise<void>; sinkId?: unknown };

let context: SinkContext | null = null;
let last = -Infinity;

/** Plays the chime through `speaker` (a `deviceId`, '' for the default); nothing where Web Audio is missing. */
export function chime(speaker: string): void {
  const now = performance.now();
  const AC = globalThis.AudioContext;
  if (!AC || now - last < QUIET_FOR) return;
  last = now;
  try {
    const c: SinkContext = (context ??= new AC());
    // Made without a click (autojoin), a context starts suspended; the browser may let it play later.
    if (c.state === 'suspended') void c.resume().catch(() => {});
    if (c.setSinkId && typeof c.sinkId === 'string' && c.sinkId !== speaker) void c.setSinkId(speaker).catch(() => {});
    const start = c.currentTime + 0.02;
    NOTES.forEach((frequency, i) => {
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
  } catch {
    // No sound: the rows and what is read out still tell.
  }
}
