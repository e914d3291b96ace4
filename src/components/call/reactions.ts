import type { ReactiveControllerHost } from 'lit';

/**
 * The reactions the call offers, in order: those the room protocol takes (`REACTIONS` in
 * src/session/frames.ts, which this chunk does not import: it loads beside the session's).
 */
export const OFFERED = ['👍', '👏', '😂', '😮', '❤️', '🎉'] as const;

/** How long a reaction shows on its tile (ms). */
export const SHOWN = 4_000;

/** Reactions shown on one tile at once: a newer one takes the place of the oldest. */
export const PER_TILE = 3;

/** A reaction on its tile: `key` tells it from the others in the list (its animation is its own). */
export interface ShownReaction {
  readonly key: number;
  readonly emoji: string;
}

/**
 * Reactions in the call: the reactions each tile shows now (by tile id: `local` for this page's own), each for SHOWN ms, at
 * most PER_TILE at once. Bounded by the tiles: a tile's list goes with its last reaction.
 */
export class Reactions {
  #key = 0;
  readonly #shown = new Map<string, (ShownReaction & { timer: ReturnType<typeof setTimeout> })[]>();

  /** `shown` is SHOWN but in tests. */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly shown = SHOWN,
  ) {}

  /** The reactions the tile `id` shows now, oldest first. */
  of(id: string): readonly ShownReaction[] {
    return this.#shown.get(id) ?? [];
  }

  /** Someone reacted: their tile (`id`) shows it. */
  add(id: string, emoji: string): void {
    const list = this.#shown.get(id) ?? [];
    if (list.length >= PER_TILE) clearTimeout(list.shift()!.timer);
    const key = ++this.#key;
    list.push({ key, emoji, timer: setTimeout(() => this.#drop(id, key), this.shown) });
    this.#shown.set(id, list);
    this.host.requestUpdate();
  }

  /** The call is over: nothing shows. */
  clear(): void {
    for (const list of this.#shown.values()) for (const r of list) clearTimeout(r.timer);
    this.#shown.clear();
  }

  #drop(id: string, key: number): void {
    const list = this.#shown.get(id)?.filter((r) => r.key !== key) ?? [];
    if (list.length) this.#shown.set(id, list);
    else this.#shown.delete(id);
    this.host.requestUpdate();
  }
}
