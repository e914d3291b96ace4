import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { nextCorner, type Corner, type Toward } from './layout.js';
import { dragSelf } from './self-drag.js';
import { VideoWatch } from './video-watch.js';

/** The element whose stage this is. */
export interface StageHost extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly phase: string;
}

/**
 * What the stage's layout needs besides the call: the size of the stage the tiles share (a
 * ResizeObserver), which remote videos stopped (camera off, unplugged, frozen: they show a
 * placeholder within 2 s), and what the visitor arranged: a pinned tile, the speaker view,
 * full screen, the invitation's link copied.
 */
export class StageState implements ReactiveController {
  /** The size of the stage the tiles share. */
  box = { width: 0, height: 0 };
  /** The peer ids whose video stopped. */
  stalled: ReadonlySet<string> = new Set();
  /** The tile the visitor pinned (a peer id, or `local`): shown large. */
  pinned: string | null = null;
  /** `speaker`: one tile large, the others in a strip. */
  view: 'grid' | 'speaker' = 'grid';
  /** Whether the element fills the screen. */
  fullscreen = false;
  /** Whether the invitation's link was copied, or copying failed. */
  copied: '' | 'copied' | 'failed' = '';
  /** Whether someone else was in this call: alone again, the visitor is not the first one here. */
  met = false;
  /** Whether the visitor hid their own tile (the others still see them); shown again while alone. */
  selfHidden = false;
  /** Where the visitor's own tile floats in a call of two (they drag it); kept from call to call. */
  corner: Corner = 'bottom-right';
  /** The people the visitor muted for themselves (peer ids): their sound does not play on this page; the others still hear them. */
  silenced: ReadonlySet<string> = new Set();
  /** The whole screen this page shares that the visitor asked to see here all the same (stage.ts). */
  shownScreen: MediaStream | null = null;
  #videoWatch = new VideoWatch(1_500);
  #videoCheck: ReturnType<typeof setInterval> | null = null;
  readonly #resizeObserver = new ResizeObserver((entries) => {
    const { width, height } = entries[entries.length - 1].contentRect;
    if (width !== this.box.width || height !== this.box.height) this.#set({ box: { width, height } });
  });
  #observed: Element | null = null;

  constructor(
    private readonly host: StageHost,
    /** Told when the link was copied, to say so. */
    private readonly onCopied: () => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('fullscreenchange', this.#onFullscreenChange);
  }

  hostUpdated(): void {
    const inCall = this.host.phase === 'in-call';
    if (inCall && !this.#videoCheck) {
      this.#videoCheck = setInterval(() => this.#checkVideos(), 250);
    } else if (!inCall && this.#videoCheck) {
      this.#stopChecks();
    }
    const stage = this.host.renderRoot.querySelector('[part~="grid"]');
    if (stage !== this.#observed) {
      if (this.#observed) this.#resizeObserver.unobserve(this.#observed);
      if (stage) this.#resizeObserver.observe(stage);
      this.#observed = stage;
    }
  }

  hostDisconnected(): void {
    document.removeEventListener('fullscreenchange', this.#onFullscreenChange);
    this.#stopChecks();
  }

  /** Pins a tile, or (null) none. */
  pin(id: string | null): void {
    this.#set({ pinned: id });
  }

  /** Hides the visitor's own tile, or shows it again. */
  hideSelf(hidden: boolean): void {
    this.#set({ selfHidden: hidden });
  }

  /** The visitor presses on their own floating tile: a drag moves it to another corner. */
  readonly dragSelf = (e: PointerEvent): void => dragSelf(e, (corner) => this.#set({ corner }));

  /** Moves the visitor's own floating tile without dragging: to the next corner clockwise, or `toward` a side with an arrow key. */
  moveSelf(toward?: Toward): void {
    this.#set({ corner: nextCorner(this.corner, toward) });
  }

  /** Mutes someone's sound on this page only, or plays it again. */
  silence(id: string, on: boolean): void {
    if (this.silenced.has(id) === on) return;
    const silenced = new Set(this.silenced);
    if (on) silenced.add(id);
    else silenced.delete(id);
    this.#set({ silenced });
  }

  toggleView(): void {
    this.#set({ view: this.view === 'speaker' ? 'grid' : 'speaker' });
  }

  /** Fills the screen with `target` (the element, or a tile), or leaves full screen. */
  toggleFullscreen(target: Element): void {
    if (document.fullscreenElement === this.host && (this.host.shadowRoot?.fullscreenElement ?? this.host) === target) {
      void document.exitFullscreen().catch(() => {});
    } else {
      void target.requestFullscreen().catch(() => {});
    }
  }

  /** Shows the whole screen this page shares on its own tile, focus going to the tile's Pin button. */
  async showScreen(screen: MediaStream): Promise<void> {
    this.#set({ shownScreen: screen });
    await this.host.updateComplete;
    this.host.renderRoot.querySelector<HTMLElement>('[data-peer-id="local/screen"] [part~="pin-button"]')?.focus();
  }

  async copyLink(): Promise<void> {
    try {
      await navigator.clipboard.writeText(location.href);
      this.#set({ copied: 'copied' });
      this.onCopied();
    } catch {
      this.#set({ copied: 'failed' });
    }
  }

  /** The call is over: nothing pinned, nothing copied, nobody met or muted, no screen shown. */
  reset(): void {
    this.met = false;
    this.#set({ pinned: null, copied: '', shownScreen: null, selfHidden: false, silenced: new Set() });
  }

  #set(state: Partial<Pick<StageState, 'box' | 'stalled' | 'pinned' | 'view' | 'fullscreen' | 'copied' | 'shownScreen' | 'selfHidden' | 'corner' | 'silenced'>>): void {
    Object.assign(this, state);
    this.host.requestUpdate();
  }

  readonly #onFullscreenChange = () => this.#set({ fullscreen: document.fullscreenElement === this.host });

  /**
   * The others' cameras were paused (nobody could see the call, camera-pause.ts) and are
   * asked for again: each video gets a fresh while to show new frames, its last picture staying
   * on its tile meanwhile rather than its placeholder.
   */
  resumeVideos(): void {
    this.#videoWatch = new VideoWatch(1_500);
    if (this.#videoCheck) this.#checkVideos();
  }

  #stopChecks(): void {
    if (this.#videoCheck) clearInterval(this.#videoCheck);
    this.#videoCheck = null;
  }

  #checkVideos(): void {
    const stalled = new Set<string>();
    for (const video of this.host.renderRoot.querySelectorAll<HTMLVideoElement>('video[part~="remote-video"]')) {
      const id = video.closest('[data-peer-id]')?.getAttribute('data-peer-id');
      if (id && !this.#videoWatch.isLive(video)) stalled.add(id);
    }
    if (stalled.size !== this.stalled.size || [...stalled].some((id) => !this.stalled.has(id))) this.#set({ stalled });
  }
}
