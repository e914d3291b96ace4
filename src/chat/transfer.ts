/**
 * File transfers over the mesh's data channels, one stream per recipient: what a transfer is as
 * the page sees it, and what sending (outgoing-file.ts) and receiving (incoming-file.ts) share.
 *
 * The sender streams the file (never reads it whole) straight into chunk frames, sends them while
 * the channel's `bufferedAmount` is under a high-water mark, and waits for `bufferedamountlow`
 * otherwise, so memory stays bounded and chat frames never queue behind more than a few frames.
 * Integrity: SHA-256 of every chunk, then SHA-256 over the chunk digests (WebCrypto has no
 * incremental hash); the receiver computes the same over what arrived and offers the file only
 * when the two agree and the size and chunk count match.
 */
import type { ExtensionFrame } from '../session/frames.js';
import { sha256 as sha256Now } from '../session/sha256.js';

/** What a transfer needs from the session. */
export interface TransferTransport {
  /** Sends a frame; `bulk` frames ride with the file bytes, in order with them (the session's channel for files). */
  send(id: string, frame: ExtensionFrame | ArrayBuffer, bulk?: boolean): boolean;
  /** The channel the file bytes ride on, for their back-pressure. */
  channel(id: string): RTCDataChannel | null;
}

/**
 * `queued`: a sent file waiting its turn, not offered yet (a page sends a few at a time, and
 * offers them no faster than its rate of messages and files);
 * `waiting`: offered, not answered yet (a received one: not accepted yet).
 */
export type TransferState = 'queued' | 'waiting' | 'sending' | 'receiving' | 'done' | 'canceled' | 'failed';
export type RecipientState = 'waiting' | 'sending' | 'sent' | 'done' | 'canceled' | 'failed';

/**
 * Why a transfer (or one recipient's part of it) ended without the file: `canceled` here,
 * `canceled-there` by the other side, `declined`, `too-large` or `busy` (the recipient turned
 * it down), `left` (the other side left), `interrupted` (the connection was replaced mid-way),
 * `corrupt` (the hash or size did not match), `no-answer`, `stalled` (nothing arrived for
 * IDLE_TIMEOUT), `invalid` (the sender sent what the protocol does not allow: an empty chunk,
 * more data or chunks than offered), `error` (a protocol violation or an unreadable file).
 */
export type TransferReason = '' | 'canceled' | 'canceled-there' | 'declined' | 'too-large' | 'busy' | 'left' | 'interrupted' | 'corrupt' | 'no-answer' | 'stalled' | 'invalid' | 'error';

export interface FileRecipient {
  readonly id: string;
  readonly name: string;
  readonly state: RecipientState;
  /** Bytes sent to this recipient so far. */
  readonly bytes: number;
  readonly reason: TransferReason;
}

/** A file transfer as the page sees it: sent (`mine`) or received. */
export interface ChatFile {
  /** Unique in the room, the same on both sides: the sender's peer id, `/`, the transfer number. */
  readonly id: string;
  /** The file name (plain text, no path). */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /**
   * The MIME type the sender declared ('' if none, or if it did not look like one). A received
   * file's `blob` has this type (`application/octet-stream` when empty): a page that shows the
   * file itself must treat it as the peer's word, never as a type it checked.
   */
  readonly type: string;
  /** The sender's peer id. */
  readonly from: string;
  /** The sender's display name. */
  readonly fromName: string;
  /** Whether this page sends it. */
  readonly mine: boolean;
  /** When it was offered (ms since the epoch, local clock). */
  readonly time: number;
  readonly state: TransferState;
  /** Bytes received; for a sent file, the average sent to those still taking it. */
  readonly bytes: number;
  /** Why it ended without the file ('' otherwise). */
  readonly reason: TransferReason;
  /** For a sent file, each recipient's part; empty for a received one. */
  readonly recipients: readonly FileRecipient[];
  /** A received file, once verified and while it is kept; null otherwise and for sent files. */
  readonly blob: Blob | null;
  /**
   * True once a received file is no longer kept (`blob` is null again): the chat left the room,
   * or newer files took the room it had (see `ChatRoom`'s `keepBytes`).
   */
  readonly released: boolean;
}


export type FileBase = Pick<ChatFile, 'id' | 'name' | 'size' | 'type' | 'from' | 'fromName' | 'mine' | 'time'>;

/** Whether a transfer (or a recipient's part) has ended. */
export const isOver = (state: string) => state === 'done' || state === 'canceled' || state === 'failed';

/** How a transfer ended, by reason ('' is the file arriving). */
const ENDED: Record<TransferReason, string> = {
  '': 'received',
  canceled: 'canceled',
  'canceled-there': 'canceled by the other side',
  declined: 'declined',
  'too-large': 'refused: too large',
  busy: 'refused: busy',
  left: 'left before the end',
  interrupted: 'connection interrupted',
  corrupt: 'damaged in transit, not offered',
  'no-answer': 'no answer',
  stalled: 'stalled: nothing arrived for 30 s',
  invalid: 'stopped: the sender sent invalid data',
  error: 'failed',
};

/**
 * A transfer's state in English words, for the message of the `rtc-error` a failed transfer
 * fires. The element shows it in its own language (`fileStatus`, file-status.ts, with the same
 * English in src/i18n/en.ts): the chat's chunk cannot import the first load's texts without
 * rollup moving them, and all their imports, into the chunk.
 */
export function describe(f: ChatFile): string {
  if (f.state === 'queued') return 'Waiting to be sent…';
  if (!isOver(f.state)) return f.state === 'waiting' && f.mine ? 'Waiting for an answer…' : `${f.mine ? 'Sending' : 'Receiving'}… ${f.size ? Math.floor((f.bytes / f.size) * 100) : 0}%`;
  // A sent file: who has it, who does not and why.
  if (f.mine && f.reason !== 'canceled') return f.recipients.map((r) => `${r.name}: ${ENDED[r.reason]}`).join('; ');
  if (f.reason === 'canceled-there') return `Canceled by ${f.fromName}`;
  const text = f.state === 'done' ? (f.released ? 'received; no longer kept' : 'received and verified') : ENDED[f.reason];
  return text[0].toUpperCase() + text.slice(1);
}

/** A transfer's id on every page: its sender's member id and the sender's number for it. */
export function transferId(from: string, n: number): string {
  return `${from}/${n}`;
}

/** SHA-256 over the concatenated SHA-256 digests of the chunks, as hex. */
export async function rootDigest(digests: readonly Promise<ArrayBuffer>[]): Promise<string> {
  const all = await Promise.all(digests);
  const joined = new Uint8Array(all.length * 32);
  all.forEach((d, i) => joined.set(new Uint8Array(d), i * 32));
  return Array.from(new Uint8Array(await sha256(joined)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * WebCrypto's digest, off the main thread. A page that is not a secure context (plain http
 * on a LAN address: the call joins receive-only, the chat works) has no `crypto.subtle`; it
 * hashes on the main thread instead (about 2 ms per 64 KiB chunk), so its files still go.
 */
export const sha256 = (data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer> =>
  globalThis.crypto?.subtle ? crypto.subtle.digest('SHA-256', data) : Promise.resolve(sha256Now(data).buffer as ArrayBuffer);

export function fileBase(n: number, from: { id: string; name: string }, name: string, size: number, type: string, mine: boolean): FileBase {
  return { id: transferId(from.id, n), name, size, type, from: from.id, fromName: from.name, mine, time: Date.now() };
}
