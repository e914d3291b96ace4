/**
 * How long, at most, an element that starts joining as it is attached waits before its first
 * render. The join's steps up to the first person (the signalling server's replies, the camera,
 * the welcoming connection's answer, its data channel opening and the hellos) need the page's
 * main thread, and the first render and layout take 20–40 ms of it on a 2-core machine, most
 * of it one-time set-up (templates, fonts, the video element's styles): done meanwhile, it
 * delays them. So the first render waits until the first person is in (then the page has about
 * 100 ms while their first video frame is on its way), the page is alone in the room, or the
 * join failed; 300 ms at most. A join took 234–271 ms to the first remote frame this way
 * against 276–306 ms with the render at 100 ms (docs/benchmarks.md).
 */
const FIRST_RENDER_DELAY = 300;

/**
 * Holds an element's first render back while its join gets going (see FIRST_RENDER_DELAY). Only
 * the render: the update itself goes ahead, so that properties a page set before the element was
 * defined are in place when the join reads them.
 */
export class FirstRender {
  #held = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** `released`: the render may go ahead now (the host renders again). */
  constructor(private readonly released: () => void) {}

  /** Whether the first render is held back: the element renders nothing meanwhile. */
  get held(): boolean {
    return this.#held;
  }

  /** Holds the first render back, for FIRST_RENDER_DELAY at most. */
  hold(): void {
    if (this.#held) return;
    this.#held = true;
    this.#timer = setTimeout(() => this.release(), FIRST_RENDER_DELAY);
  }

  /** Lets the first render go ahead now. */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    clearTimeout(this.#timer);
    this.released();
  }
}
