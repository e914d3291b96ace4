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

/** Holds an element's first render back while its join gets going (see FIRST_RENDER_DELAY). */
export class FirstRender {
  #gate: { promise: Promise<void>; release: () => void } | null = null;

  /** Whether the first render is held back. */
  get held(): boolean {
    return this.#gate !== null;
  }

  /** Holds the first render back, for FIRST_RENDER_DELAY at most. */
  hold(): void {
    let release!: () => void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    const timer = setTimeout(release, FIRST_RENDER_DELAY);
    this.#gate = { promise, release: () => (clearTimeout(timer), release()) };
  }

  /** Lets the first render go ahead now. */
  release(): void {
    this.#gate?.release();
  }

  /** Settles when the first render may go ahead; from then on it is not held back. */
  async passed(): Promise<void> {
    await this.#gate?.promise;
    this.#gate = null;
  }
}
