import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How long the call is out of sight before the others' cameras pause: a glance at another tab, or a scroll past, pauses nothing. */
export const PAUSE_AFTER = 5_000;
/** How long after the call is back in sight the cameras' frame rates say nothing of the connections: they are starting again. */
const SETTLING = 4_000;

/**
 * Pauses the others' cameras while nobody can see the call, as LiveKit's adaptive streams pause a
 * video that is not visible (docs/protocol.md, "Video sizes"): the page is in the background
 * (another tab or app, a minimised window), or the element is out of its page's view (the page
 * scrolled past it, or it is inside something hidden). Each camera sent to this page costs its
 * sender an encoding and both sides the bandwidth, in a mesh where every phone encodes once per
 * person. After PAUSE_AFTER out of sight, each member is asked to send this page no camera and
 * no shared screen; back in sight, they are asked for them again at once, and the last pictures
 * stay on the tiles until new ones come. A camera the visitor watches in a picture-in-picture
 * window goes on. Sound and chat go on. The visitor can also turn the others' cameras off
 * themselves (`no-incoming-video`, to save data, as Zoom's "Stop incoming video"): they are
 * paused for as long, every one of them; shared screens still come.
 */
export class CameraPause implements ReactiveController {
  /** Whether nobody has seen the call for PAUSE_AFTER. */
  #away = false;
  /** Whether the cameras were paused at the last update: their coming back is told once. */
  #was = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #resumedAt = -Infinity;
  /** Whether some of the element is in its page's viewport. */
  #inView = true;
  #observer: IntersectionObserver | null = null;

  constructor(
    private readonly host: ReactiveControllerHost & Element & { readonly renderRoot: HTMLElement | DocumentFragment },
    /** Whether the page is in a call. */
    private readonly inCall: () => boolean,
    /** Whether the visitor wants the others' cameras (`no-incoming-video` unset). */
    private readonly wanted: () => boolean,
    /** The cameras are asked for again (the call back in sight, or the visitor wants them again). */
    private readonly resumed: () => void,
  ) {
    host.addController(this);
  }

  /** Whether the others' cameras are paused now: nobody sees the call, or the visitor turned them off. */
  get paused(): boolean {
    return this.inCall() && (this.#away || !this.wanted());
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#check);
    // A tile going into or out of its own window changes which cameras are watched.
    for (const type of ['enterpictureinpicture', 'leavepictureinpicture']) this.host.renderRoot.addEventListener(type, this.#changed, true);
    // In view of its own page: a page that frames the call and scrolls the frame out of view is
    // not noticed (in its frame, the call is still in view).
    this.#observer = new IntersectionObserver(
      (entries) => {
        this.#inView = entries[entries.length - 1].isIntersecting;
        this.#check();
      },
      { root: this.host.ownerDocument },
    );
    this.#observer.observe(this.host);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#check);
    for (const type of ['enterpictureinpicture', 'leavepictureinpicture']) this.host.renderRoot.removeEventListener(type, this.#changed, true);
    this.#observer?.disconnect();
    this.#observer = null;
    this.#inView = true;
    this.#stopTimer();
    this.#away = this.#was = false;
  }

  hostUpdated(): void {
    const paused = this.paused;
    if (this.#was && !paused) {
      this.#resumedAt = performance.now();
      this.resumed();
    }
    this.#was = paused;
    if (!this.inCall()) {
      this.#stopTimer();
      this.#away = false;
    } else if (!this.#away && this.#timer === undefined && this.#unseen()) {
      this.#check(); // in a call that started out of sight
    }
  }

  /** Whether the others' shared screens are paused now: nobody sees the call (the visitor's choice of cameras leaves screens alone). */
  get screensPaused(): boolean {
    return this.inCall() && this.#away;
  }

  /** Of the members `ids`, those whose cameras are paused now: all of them, but out of sight one watched in a picture-in-picture window. */
  pausedAmong(ids: Iterable<string>): ReadonlySet<string> {
    if (!this.paused) return new Set();
    // Not where the browser has no Picture-in-Picture API (Firefox): then undefined.
    const watched = this.wanted() ? (this.host.renderRoot as ShadowRoot).pictureInPictureElement?.closest('[data-peer-id]')?.getAttribute('data-peer-id') : null;
    return new Set([...ids].filter((id) => id !== watched));
  }

  /** Whether the cameras shown come at their frame rate: not paused, nor just asked for again. */
  settled(now = performance.now()): boolean {
    return !this.paused && now - this.#resumedAt >= SETTLING;
  }

  #unseen(): boolean {
    return document.visibilityState === 'hidden' || !this.#inView;
  }

  #stopTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  readonly #changed = () => this.host.requestUpdate();

  readonly #check = () => {
    if (!this.#unseen()) {
      this.#stopTimer();
      if (this.#away) {
        this.#away = false;
        this.host.requestUpdate();
      }
    } else if (!this.#away && this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        if (!this.#unseen() || !this.inCall()) return;
        this.#away = true;
        this.host.requestUpdate();
      }, PAUSE_AFTER);
    }
  };
}
