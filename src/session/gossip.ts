/**
 * Ids learnt and gossip (docs/protocol.md, "The mesh"): ids learnt from a welcome, a hello or a
 * `peers` frame are taken into the roster and dialled when it is this page's turn. Gossip is
 * dialled at a bounded rate, since a linked member could list hundreds of invented ids; what the
 * budget cannot dial now waits for the heartbeat. Whenever this page links someone, and every
 * `gossip` period, its links are told whom it is linked to.
 */
import { clock } from './clock.js';
import { DialBudget, shouldDial } from './mesh.js';
import type { PeersFrame } from './frames.js';

/** Ids learnt from gossip are dialled in a burst of this many, then… */
const GOSSIP_BURST = 16;
/** …this many a second; the rest wait for the heartbeat. */
const GOSSIP_RATE = 4;

export interface GossipHost {
  selfId(): string;
  isOver(): boolean;
  /** Whether an id is not to be learnt: linked, dialled or pending already, or gone. */
  known(id: string): boolean;
  /**
   * Takes an id into the roster as known, named by `by` ('' for the welcome); false when it takes
   * no more members that are not linked from that namer.
   */
  know(id: string, by: string): boolean;
  /** Whether a member learnt earlier is still expected, and the page has room. */
  expects(id: string): boolean;
  hasRoom(): boolean;
  dial(id: string): void;
  linkedIds(): string[];
  broadcast(frame: PeersFrame): void;
  /** The `gossip` timing. */
  every(): number;
}

export class Gossip {
  private readonly dials = new DialBudget(GOSSIP_BURST, GOSSIP_RATE);
  /** Ids learnt from gossip that are ours to dial but wait for the budget (at most the roster's unlinked members). */
  private readonly waiting = new Set<string>();
  /** When this page last told its links whom it is linked to, on the heartbeat. */
  private toldAt = clock();

  constructor(private readonly host: GossipHost) {}

  /**
   * Handles ids learnt from a welcome (`from` omitted), or from a linked member's hello or `peers`
   * frame (gossip, `from` that member): dials those it is ours to dial.
   */
  learn(ids: Iterable<string>, from?: string): void {
    const selfId = this.host.selfId();
    if (this.host.isOver() || !selfId) return;
    for (const id of ids) {
      if (id === selfId || this.host.known(id)) continue;
      // Bounded: the roster takes only so many members that are not linked yet.
      if (!this.host.know(id, from ?? '')) break;
      if (!shouldDial(selfId, id) || !this.host.hasRoom()) continue;
      if (from === undefined || this.dials.take()) this.host.dial(id);
      else this.waiting.add(id);
    }
  }

  /** Tells every linked member whom this page is linked to. */
  tell(): void {
    this.host.broadcast({ t: 'peers', ids: this.host.linkedIds() });
  }

  /** On the heartbeat: waiting dials are made, and now and then the links told whom this page is linked to. */
  beat(): void {
    this.dialWaiting();
    const now = clock();
    if (now - this.toldAt < this.host.every()) return;
    this.toldAt = now;
    this.tell();
  }

  clear(): void {
    this.waiting.clear();
  }

  /** Dials the ids learnt from gossip that waited for the budget, while they are expected. */
  private dialWaiting(): void {
    for (const id of [...this.waiting]) {
      if (!this.host.expects(id)) this.waiting.delete(id);
      else if (!this.dials.take()) return;
      else {
        this.waiting.delete(id);
        this.host.dial(id);
      }
    }
  }
}
