/**
 * How often a member is dialled (docs/protocol.md, "The mesh"): a dial that never opens, or
 * opens and carries no hello before it lapses, is tried again with backoff; after the last try
 * this page says the member cannot be reached and leaves it alone for a while, though gossip
 * names it again every `gossip` period. Both maps are bounded.
 */
import { clock } from './clock.js';
import { backoff } from './mesh.js';

/** How many times a member is dialled before this page gives up on it and says so. */
export const DIAL_ATTEMPTS = 4;
/** How long a member this page gave up on is not dialled again. */
export const GIVE_UP_HOLD = 60_000;
/** Members tracked at most, in each map (the oldest entry goes first). */
const MAX_TRACKED = 64;

export class DialAttempts {
  private readonly failures = new Map<string, number>();
  /** Members given up on, until when. */
  private readonly gaveUp = new Map<string, number>();

  /** @param first the wait before the second try, in ms (doubling with each try after). */
  constructor(private readonly first: number) {}

  /** Whether the member may be dialled now (it was not given up on lately). */
  allows(id: string, now = clock()): boolean {
    const until = this.gaveUp.get(id);
    if (until === undefined) return true;
    if (until > now) return false;
    this.gaveUp.delete(id);
    return true;
  }

  /** A dial failed: how long to wait before the next try, or null when this was the last. */
  failed(id: string, now = clock()): number | null {
    const attempts = (this.failures.get(id) ?? 0) + 1;
    this.failures.delete(id);
    if (attempts >= DIAL_ATTEMPTS) {
      setBounded(this.gaveUp, id, now + GIVE_UP_HOLD);
      return null;
    }
    setBounded(this.failures, id, attempts);
    return backoff(attempts - 1, this.first, 8 * this.first);
  }

  /** The member linked, or is not there: its count starts again. */
  reset(id: string): void {
    this.failures.delete(id);
    this.gaveUp.delete(id);
  }

  clear(): void {
    this.failures.clear();
    this.gaveUp.clear();
  }
}

function setBounded(map: Map<string, number>, id: string, value: number): void {
  map.delete(id);
  map.set(id, value);
  if (map.size > MAX_TRACKED) map.delete(map.keys().next().value!);
}
