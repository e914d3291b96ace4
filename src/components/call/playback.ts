import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Plays the others' videos (muted) and their sound (an audio element each). A browser lets a
 * page play sound on its own only after the visitor pressed something on it (or while it
 * captures the camera or microphone): a call that joined by itself (autojoin) with no device
 * allowed would be silent, the `autoplay` attribute failing without a word. So each remote video
 * and sound that is paused is played; when the browser refuses, `blocked` is set, the element
 * shows a button, and the visitor's first press, on it or anywhere on the page, plays them.
 */
export class Playback implements ReactiveController {
  /** Whether the browser refused to play the others until the visitor presses something. */
  blocked = false;
  /** The others' videos and sound as of the last render. */
  #videos: Iterable<HTMLMediaElement> = [];

  constructor(
    private readonly host: ReactiveControllerHost,
    /** Told once when the browser refuses: the element says so. */
    private readonly refused: () => void,
  ) {
    host.addController(this);
  }

  /** After each render: plays the others' videos and sound (`videos`) that are paused, unless the browser refused until a press. */
  play(videos: Iterable<HTMLMediaElement>): void {
    this.#videos = videos;
    if (!this.blocked) this.#playAll();
  }

  hostDisconnected(): void {
    this.#listen(false);
  }

  /** The visitor pressed something: what the browser waited for. Plays every video held back. */
  readonly start = (): void => {
    this.#listen(false);
    if (!this.blocked) return;
    this.blocked = false;
    this.host.requestUpdate();
    this.#playAll();
  };

  #playAll(): void {
    for (const video of this.#videos) {
      if (!video.paused || !video.srcObject) continue;
      video.play().catch((error: unknown) => {
        if ((error as DOMException)?.name !== 'NotAllowedError' || this.blocked) return;
        this.blocked = true;
        this.#listen(true);
        this.refused();
        this.host.requestUpdate();
      });
    }
  }

  #listen(on: boolean): void {
    for (const type of ['pointerdown', 'keydown'] as const) {
      if (on) document.addEventListener(type, this.start, { capture: true });
      else document.removeEventListener(type, this.start, { capture: true });
    }
  }
}
