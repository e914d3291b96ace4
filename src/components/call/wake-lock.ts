import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Keeps the screen on during a call. A phone turns its screen off after a minute or less
 * untouched, and its browser then puts the page in the background and stops it (Safari at
 * once): the others see the visitor freeze, then leave. A playing video keeps the screen on in
 * some browsers, never a call with every camera off. The browser lets the lock go whenever the
 * page is hidden; it is taken again when the page shows. Where there is no Screen Wake Lock
 * API, or the browser refuses (a battery saver), the screen goes off as before.
 */
export class ScreenWakeLock implements ReactiveController {
  #wanted = false;
  #lock: WakeLockSentinel | null = null;
  #asking = false;

  constructor(
    host: ReactiveControllerHost,
    /** Whether the call is on. */
    private readonly inCall: () => boolean,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    this.#want(this.inCall());
  }

  hostDisconnected(): void {
    this.#want(false);
  }

  #want(on: boolean): void {
    if (on === this.#wanted) return;
    this.#wanted = on;
    if (on) {
      document.addEventListener('visibilitychange', this.#take);
      void this.#take();
    } else {
      document.removeEventListener('visibilitychange', this.#take);
      void this.#lock?.release().catch(() => {});
      this.#lock = null;
    }
  }

  readonly #take = async (): Promise<void> => {
    if (!this.#wanted || this.#asking || (this.#lock && !this.#lock.released) || document.visibilityState !== 'visible' || !navigator.wakeLock) return;
    this.#asking = true;
    try {
      const lock = await navigator.wakeLock.request('screen');
      if (this.#wanted) this.#lock = lock;
      else void lock.release().catch(() => {});
    } catch {
      // Refused: the screen may go off.
    } finally {
      this.#asking = false;
    }
  };
}
