import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How long the page is in the background before the others' cameras pause: a glance at another tab pauses nothing. */
export const PAUSE_AFTER = 5_000;
/** How long after the page is back the cameras' frame rates say nothing of the connections: they are starting again. */
const SETTLING = 4_000;

/**
 * Pauses the others' cameras while the page is in the background, as LiveKit's adaptive streams
 * do (docs/protocol.md, "Video sizes"): nobody watches them, and each camera sent to this page
 * costs its sender an encoding and both sides the bandwidth, in a mesh where every phone encodes
 * once per person. After PAUSE_AFTER hidden, each member is asked to send this page no camera;
 * as the page shows again, they are asked for it again at once, and the last pictures stay on
 * the tiles until new ones come. A camera the visitor watches in a picture-in-picture window is
 * never paused. Sound, shared screens and chat go on.
 */
export class BackgroundPause implements ReactiveController {
  /** Whether the cameras are paused now. */
  paused = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #resumedAt = -Infinity;

  constructor(
    private readonly host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment },
    /** Whether the page is in a call. */
    private readonly inCall: () => boolean,
    /** The page is back and the cameras asked for again. */
    private readonly resumed: () => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#check);
    // A tile going into or out of its own window changes which cameras are watched.
    for (const type of ['enterpictureinpicture', 'leavepictureinpicture']) this.host.renderRoot.addEventListener(type, this.#changed, true);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#check);
    for (const type of ['enterpictureinpicture', 'leavepictureinpicture']) this.host.renderRoot.removeEventListener(type, this.#changed, true);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.paused = false;
  }

  hostUpdated(): void {
    if (!this.inCall()) {
      if (this.paused) this.#resume();
    } else if (!this.paused && this.#timer === undefined && document.visibilityState === 'hidden') {
      this.#check(); // in a call that started in the background
    }
  }

  /** Of the members whose cameras the page shows, those paused now: all but one watched in a picture-in-picture window. */
  pausedAmong(ids: Iterable<string>): ReadonlySet<string> {
    if (!this.paused) return new Set();
    // Not where the browser has no Picture-in-Picture API (Firefox): then undefined.
    const watched = (this.host.renderRoot as ShadowRoot).pictureInPictureElement?.closest('[data-peer-id]')?.getAttribute('data-peer-id');
    return new Set([...ids].filter((id) => id !== watched));
  }

  /** Whether the cameras shown come at their frame rate: not paused, nor just asked for again. */
  settled(now = performance.now()): boolean {
    return !this.paused && now - this.#resumedAt >= SETTLING;
  }

  readonly #changed = () => this.host.requestUpdate();

  readonly #check = () => {
    if (document.visibilityState !== 'hidden') {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      if (this.paused) this.#resume();
    } else if (!this.paused && this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        if (document.visibilityState !== 'hidden' || !this.inCall()) return;
        this.paused = true;
        this.host.requestUpdate();
      }, PAUSE_AFTER);
    }
  };

  #resume(): void {
    this.paused = false;
    this.#resumedAt = performance.now();
    this.resumed();
    this.host.requestUpdate();
  }
}
