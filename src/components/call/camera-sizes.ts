/**
 * Tells the session how high the stage draws each member's camera, in device pixels, after every
 * update (docs/protocol.md, "Video sizes"): each member then sends its camera no larger. A
 * member counts once its video shows a frame: a change of size before the first one would hold
 * that frame up. A remote video's first frame or new size (its `resize` event) asks for an update.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { cameraHeights, type StageView } from './stage.js';

export interface CameraSizesHooks {
  /** What the stage shows now, or null while it shows no call. */
  view(): StageView | null;
  /** The heights of the members' cameras now showing, and a newcomer's, in device pixels. */
  show(heights: ReadonlyMap<string, number>, newcomer: number): void;
}

export class CameraSizes implements ReactiveController {
  #listening = false;

  constructor(
    private readonly host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment },
    private readonly hooks: CameraSizesHooks,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    if (this.#listening) return;
    this.#listening = true;
    // Media events do not bubble: caught on their way down.
    this.host.renderRoot.addEventListener('resize', () => this.host.requestUpdate(), true);
  }

  hostUpdated(): void {
    const view = this.hooks.view();
    if (!view) return;
    const { heights, newcomer } = cameraHeights(view);
    const px = (h: number) => Math.ceil(h * devicePixelRatio);
    const showing = new Map<string, number>();
    for (const video of this.host.renderRoot.querySelectorAll<HTMLVideoElement>('[data-peer-id] video[part~="remote-video"]')) {
      const id = video.closest('[data-peer-id]')?.getAttribute('data-peer-id');
      const height = id && video.videoHeight > 0 ? heights.get(id) : undefined;
      if (id && height) showing.set(id, px(height));
    }
    this.hooks.show(showing, px(newcomer));
  }
}
