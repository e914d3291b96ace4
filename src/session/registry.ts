import { createPeer } from './peer-factory.js';
import { RoomSession, type PeerFactory, type RoomSessionOptions } from './room-session.js';

/** What a session is opened with: the options, where PeerJS itself is the default peer factory. */
export type SessionRequest = Omit<RoomSessionOptions, 'peerFactory'> & { peerFactory?: PeerFactory };

/**
 * One session per (server, key, room) per page, shared by every element that names that room:
 * `<rtc-chat>` beside `<rtc-call>` joins the same mesh instead of opening a second one.
 * The session leaves the room when its last user releases it.
 */
const sessions = new Map<string, { session: RoomSession; users: Set<object> }>();

/** The key each live session is kept under. */
const keys = new WeakMap<RoomSession, string>();

/** Same server, key, room and password: the same session. */
export function sessionKey(options: Pick<RoomSessionOptions, 'server' | 'room' | 'password'>): string {
  return JSON.stringify([options.server.url, options.server.key, options.room, options.password ?? '']);
}

/**
 * Returns the page's live session for the room, creating it if needed. Options other than the
 * room and server (name, ICE servers, limits) come from the user that created it.
 */
export function acquireSession(options: SessionRequest, user: object): RoomSession {
  const key = sessionKey(options);
  let entry = sessions.get(key);
  if (entry && (entry.session.phase === 'left' || entry.session.phase === 'failed')) {
    sessions.delete(key);
    entry = undefined;
  }
  if (!entry) {
    entry = { session: new RoomSession({ ...options, peerFactory: options.peerFactory ?? createPeer }), users: new Set() };
    sessions.set(key, entry);
    keys.set(entry.session, key);
  }
  entry.users.add(user);
  return entry.session;
}

/** Gives the session back; the last user out makes it leave the room. */
export async function releaseSession(session: RoomSession, user: object): Promise<void> {
  const key = keys.get(session) ?? '';
  const entry = sessions.get(key);
  if (!entry || entry.session !== session) return;
  entry.users.delete(user);
  if (entry.users.size === 0) {
    sessions.delete(key);
    await session.leave();
  }
}

/** How many users share this page's session for the room (0 when there is none). */
export function sessionUsers(session: RoomSession): number {
  const entry = sessions.get(keys.get(session) ?? '');
  return entry?.session === session ? entry.users.size : 0;
}
