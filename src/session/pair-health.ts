/**
 * A pair link's health (docs/protocol.md, "Health and recovery"), as a pure function of what the
 * link shows: whether its channel is open, when the member was last heard, and the ICE states
 * of its connections. The pair links apply the verdict; the unit tests drive it with a fake clock.
 */
import { backoff } from './mesh.js';

export interface PairHealth {
  /** Since when the link has looked broken (0 while healthy). */
  brokenSince: number;
  /** Fresh connections tried since it broke. */
  redialAttempts: number;
  /** When the last one was tried (0 for none). */
  lastRedial: number;
}

export interface PairReading {
  open: boolean;
  /** When anything was last heard from the member. */
  lastSeen: number;
  /** ICE states of the pair's peer connections (undefined for one that does not exist). */
  ice: readonly (RTCIceConnectionState | undefined)[];
}

export interface HealthTiming {
  /** Silence after which a member is shown as reconnecting. */
  quiet: number;
  /** How long a link may stay broken before a fresh connection is tried. */
  redialAfter: number;
  /** Silence after which a member counts as gone. */
  silence: number;
}

export interface PairVerdict {
  health: PairHealth;
  connection: 'connected' | 'reconnecting';
  /** The link was broken and works again. */
  restored: boolean;
  /** A fresh connection is due now (only the side whose turn it is to dial opens one). */
  redial: boolean;
  /** Nothing heard for `silence`: the member is gone. */
  gone: boolean;
}


export function judgePair(previous: PairHealth, reading: PairReading, now: number, timing: HealthTiming): PairVerdict {
  const silent = now - reading.lastSeen;
  const broken = !reading.open || silent > timing.quiet || reading.ice.some((s) => s === 'disconnected' || s === 'failed');
  const brokenSince = broken ? previous.brokenSince || now : 0;
  const restored = !broken && previous.brokenSince !== 0;
  const redialAttempts = broken ? previous.redialAttempts : 0;
  const lastRedial = broken ? previous.lastRedial : 0;
  // Each further try waits longer after the one before (no jitter: only one side of a pair
  // dials, so there is nobody to collide with).
  const due =
    now - brokenSince >= timing.redialAfter &&
    (redialAttempts === 0 || now - lastRedial >= backoff(redialAttempts, timing.redialAfter / 2, timing.redialAfter * 2, () => 0.5));
  return {
    health: { brokenSince, redialAttempts, lastRedial },
    connection: broken ? 'reconnecting' : 'connected',
    restored,
    redial: broken && due,
    gone: silent > timing.silence,
  };
}
