import type { ReactiveControllerHost } from 'lit';
import { stopStream } from '../../media/local-media.js';

/**
 * A refusal that comes later than this (ms) after asking came from the picker, which the
 * visitor saw: a browser that refuses outright (a policy, a frame without `display-capture`)
 * does so at once.
 */
export const PICKER_SHOWN = 300;

/**
 * Whether getDisplayMedia's refusal is the visitor pressing Cancel. Chromium says so ("denied by
 * user"); Firefox and Safari say NotAllowedError as they do for a policy that forbids sharing,
 * but only once the picker has been shown.
 */
function cancelled(err: unknown, waited: number): boolean {
  const { name, message } = (err ?? {}) as DOMException;
  if (name !== 'NotAllowedError') return false;
  if (message.includes('denied by user')) return true;
  // Chromium's "Permission denied by system": the operating system does not let it capture.
  return !message.includes('by system') && waited > PICKER_SHOWN;
}

/**
 * What the browser's picker offers: never the call's own tab, whose capture would show the call
 * inside itself, over and over; and, while a tab is shared, a button to share another tab instead
 * (Chromium). A tab's sound too, as Meet and Zoom share it ("Also share tab audio", Chromium's
 * picker, ticked for tabs): a video played in a shared tab is heard by everyone. Never the whole
 * system's sound, which carries the others' voices back to them. Browsers that know none of these
 * options ignore them (Firefox and Safari share no sound).
 */
const PICKER = { video: true, audio: true, systemAudio: 'exclude', selfBrowserSurface: 'exclude', surfaceSwitching: 'include' } as DisplayMediaStreamOptions;

/** Screens can be shared where the browser has getDisplayMedia (not on most phones). */
export const canShareScreen = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getDisplayMedia;

export interface ScreenShareHandlers {
  /** Sharing started with `stream`, or stopped (null), here or from the browser's own bar. */
  shared(stream: MediaStream | null): void;
  /** The browser would not capture the screen (not the visitor pressing Cancel). */
  denied(): void;
}

/**
 * The screen this page shares: asks the browser for one, follows the browser's own "Stop
 * sharing" bar, and stops the capture when sharing ends.
 */
export class ScreenShare {
  #stream: MediaStream | null = null;
  /** The question to the visitor while the picker is open: a second press waits for the same one. */
  #asking: Promise<void> | null = null;
  /** Bumped by every stop: a capture chosen after it is not shared. */
  #turn = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly handlers: ScreenShareHandlers,
  ) {}

  /** The screen shared, while this page shares one. */
  get stream(): MediaStream | null {
    return this.#stream;
  }

  /**
   * Asks the visitor what to share and shares it, unless `stillWanted()` says no once they chose
   * (the call ended meanwhile).
   */
  start(stillWanted: () => boolean): Promise<void> {
    // Two presses (or S twice) before the visitor chose: one picker, one capture.
    return (this.#asking ??= this.#ask(stillWanted).finally(() => (this.#asking = null)));
  }

  async #ask(stillWanted: () => boolean): Promise<void> {
    const turn = this.#turn;
    let stream: MediaStream;
    const asked = performance.now();
    try {
      stream = await navigator.mediaDevices.getDisplayMedia(PICKER);
    } catch (err) {
      // The visitor pressing Cancel is no error.
      if (!cancelled(err, performance.now() - asked)) this.handlers.denied();
      return;
    }
    if (!stillWanted() || turn !== this.#turn || this.#stream) return stopStream(stream);
    const track = stream.getVideoTracks()[0];
    // Stopped from the browser's own "Stop sharing" bar.
    track?.addEventListener('ended', () => this.#stream === stream && this.stop());
    this.#stream = stream;
    this.host.requestUpdate();
    this.handlers.shared(stream);
  }

  /** Stops sharing. */
  stop(): void {
    this.#turn++;
    const stream = this.#stream;
    if (!stream) return;
    this.drop();
    this.handlers.shared(null);
  }

  /** Stops the capture without a word: the call ends, and takes the screen with it. */
  drop(): void {
    this.#turn++;
    if (this.#stream) stopStream(this.#stream);
    this.#stream = null;
    this.host.requestUpdate();
  }
}
