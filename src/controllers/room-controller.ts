import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { SessionRequest } from '../session/registry.js';
import type { LeaveReason, Participant, RoomSession, RoomSessionEvents, SessionError, SignallingState } from '../session/room-session.js';
import type { ExtensionFrame } from '../session/protocol.js';
import { loadSession, type SessionModule } from './lazy.js';

export interface RoomControllerHandlers {
  participantJoined?(participant: Participant): void;
  participantLeft?(participant: Participant, reason: LeaveReason): void;
  participantReconnected?(participant: Participant): void;
  error?(error: SessionError): void;
  signalling?(state: SignallingState): void;
  frame?(from: Participant, frame: ExtensionFrame): void;
  binary?(from: Participant, data: ArrayBuffer): void;
  /** This page's offer or answer for a media call has gone out. */
  calling?(): void;
}

/**
 * The bridge from the session layer to an element: loads the session layer on the first join,
 * holds the page's shared session for the element's room, keeps the roster the element
 * renders, and asks the host to update when the session changes. Releasing happens in
 * hostDisconnected, one microtask late, so that moving an element within the page does not
 * leave the room.
 */
export class RoomController implements ReactiveController {
  private lib: SessionModule | null = null;
  private _session: RoomSession | null = null;
  private _participants: Participant[] = [];
  private unsubscribe: (() => void)[] = [];

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly handlers: RoomControllerHandlers,
    private readonly onRemoved: () => void,
  ) {
    host.addController(this);
  }

  /** The session in use, or null when not attached to a room. */
  get session(): RoomSession | null {
    return this._session;
  }

  /** The other members, in the order they linked up. */
  get participants(): readonly Participant[] {
    return this._participants;
  }


  /**
   * Loads the session layer (PeerJS included), once per page; rejects with a LoadError
   * (type `network`) when it cannot be fetched.
   */
  async load(): Promise<SessionModule> {
    return (this.lib = await loadSession());
  }

  /**
   * Attaches to the page's session for the room (creating it if needed); does not join.
   * Needs the session layer: `load()` first.
   */
  attach(options: SessionRequest): RoomSession {
    const lib = this.lib;
    if (!lib) throw new Error('RoomController.attach() before load()');
    const previous = this.detachNow();
    if (previous) void lib.releaseSession(previous, this);
    const session = lib.acquireSession(options, this);
    this._session = session;
    const refresh = () => {
      this._participants = session.participants;
      this.host.requestUpdate();
    };
    const on = <K extends keyof RoomSessionEvents>(event: K, fn: RoomSessionEvents[K]) =>
      this.unsubscribe.push(session.on(event, fn));
    on('phase', refresh);
    on('participant-joined', (p) => {
      refresh();
      this.handlers.participantJoined?.(p);
    });
    on('participant-left', (p, reason) => {
      refresh();
      this.handlers.participantLeft?.(p, reason);
    });
    on('participant-updated', refresh);
    on('participant-reconnected', (p) => {
      refresh();
      this.handlers.participantReconnected?.(p);
    });
    on('error', (e) => this.handlers.error?.(e));
    on('signalling', (state) => {
      refresh();
      this.handlers.signalling?.(state);
    });
    on('frame', (from, frame) => this.handlers.frame?.(from, frame));
    on('binary', (from, data) => this.handlers.binary?.(from, data));
    on('calling', () => this.handlers.calling?.());
    refresh();
    return session;
  }

  /** Lets go of the session; the room is left when no other element on the page uses it. */
  async detach(): Promise<void> {
    const session = this.detachNow();
    if (session) await this.lib?.releaseSession(session, this);
  }

  private detachNow(): RoomSession | null {
    const session = this._session;
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    this._session = null;
    this._participants = [];
    return session;
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    queueMicrotask(() => {
      if (!this.host.isConnected) this.onRemoved();
    });
  }
}
