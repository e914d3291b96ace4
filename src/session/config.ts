/**
 * Session configuration: the PeerServer endpoint, ICE servers and room limits, validated once
 * so that a bad attribute becomes one clear error instead of a failure deep inside PeerJS.
 */
import { refusal } from './peer-config.js';

/** A configuration problem, reported as an `rtc-error` of type `invalid-config`. */
export class ConfigError extends Error {
  readonly type = 'invalid-config';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface ServerEndpoint {
  /** Normalised `http(s)://host:port/path/` form, used as part of the session's identity. */
  url: string;
  host: string;
  port: number;
  /** Always starts and ends with `/`. */
  path: string;
  secure: boolean;
  key: string;
}

export const MAX_ROOM_LENGTH = 128;
export const DEFAULT_MAX_PARTICIPANTS = 8;
export const DEFAULT_KEY = 'peerjs';

/**
 * The PeerServer of the origin this module was loaded from: a page that loads
 * rtc-elements.js from its rtc-server needs no `server` attribute.
 */
export function defaultServerUrl(): string {
  try {
    const here = new URL(import.meta.url);
    if (here.protocol === 'http:' || here.protocol === 'https:') return new URL('/peerjs', here).href;
  } catch {
    // fall through to the page's origin
  }
  return new URL('/peerjs', location.href).href;
}

/** Parses `https://host:port/path` (ws: and wss: are accepted too). */
export function parseServerUrl(value: string, key: string = DEFAULT_KEY): ServerEndpoint {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ConfigError('server', `The server attribute "${value}" is not a URL; expected something like https://example.com/peerjs.`);
  }
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  if (!secure && url.protocol !== 'http:' && url.protocol !== 'ws:') {
    throw new ConfigError('server', `The server URL must start with https:// or http://, not ${url.protocol}//.`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigError('server', 'The server URL must not carry credentials, a query or a fragment.');
  }
  if (!key || !/^[A-Za-z0-9_-]{1,64}$/.test(key)) {
    throw new ConfigError('key', `The key "${key}" is not valid: use 1 to 64 letters, digits, "-" or "_".`);
  }
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { url: `${secure ? 'https' : 'http'}://${url.host}${path}`, host, port, path, secure, key };
}

/** Checks a room name: 1 to 128 characters, not only white space, no control characters. */
export function checkRoom(room: string): string {
  if (typeof room !== 'string' || room.trim() === '') {
    throw new ConfigError('room', 'No room given: set the room attribute, for example room="team-standup".');
  }
  if (room.length > MAX_ROOM_LENGTH || /[\u0000-\u001f\u007f]/.test(room)) {
    throw new ConfigError('room', `The room name must be 1 to ${MAX_ROOM_LENGTH} printable characters.`);
  }
  return room;
}

/** Checks ICE servers given as a JSON string or an array. */
export function parseIceServers(value: string | readonly RTCIceServer[] | null | undefined): RTCIceServer[] {
  if (value === null || value === undefined || value === '') return [];
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new ConfigError('ice-servers', 'ice-servers is not valid JSON; expected an array such as [{"urls":"stun:stun.example.com"}].');
    }
  }
  if (!Array.isArray(parsed)) {
    throw new ConfigError('ice-servers', 'ice-servers must be a JSON array of RTCIceServer objects.');
  }
  const servers = parsed.map((entry: unknown, i): RTCIceServer => {
    const urls = (entry as RTCIceServer | null)?.urls;
    const list = typeof urls === 'string' ? [urls] : urls;
    if (!Array.isArray(list) || list.length === 0 || !list.every((u) => typeof u === 'string' && /^(stun|stuns|turn|turns):/.test(u))) {
      throw new ConfigError('ice-servers', `ice-servers entry ${i + 1} needs "urls" with stun:, stuns:, turn: or turns: addresses.`);
    }
    const { username, credential } = entry as RTCIceServer;
    if ((username !== undefined && typeof username !== 'string') || (credential !== undefined && typeof credential !== 'string')) {
      throw new ConfigError('ice-servers', `ice-servers entry ${i + 1}: username and credential must be strings.`);
    }
    if (list.some((u) => /^turns?:/.test(u)) && (username === undefined || credential === undefined)) {
      throw new ConfigError('ice-servers', `ice-servers entry ${i + 1}: a TURN server needs "username" and "credential".`);
    }
    return { urls: list, ...(username !== undefined && { username }), ...(credential !== undefined && { credential }) };
  });
  const refused = refusal(servers);
  if (refused) throw new ConfigError('ice-servers', `The browser refuses these ice-servers: ${refused}`);
  return servers;
}

/** Checks max-participants: a whole number from 2 to 50, or 0 for no limit. */
export function checkMaxParticipants(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || (n !== 0 && (n < 2 || n > 50))) {
    throw new ConfigError('max-participants', `max-participants must be a whole number from 2 to 50 (or 0 for no limit), not "${String(value)}".`);
  }
  return n;
}
