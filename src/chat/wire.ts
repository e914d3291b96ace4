/**
 * The chat protocol's wire format (`rtc-chat/1`), carried on the room's `mesh` connections:
 * JSON text frames (room frames with `v: 1`, each with `cv: 1`) and binary file chunks.
 * docs/protocol.md ("Chat and files") describes it for implementers of other clients.
 *
 * Everything from a peer is untrusted: `parseChatFrame` checks shape, types and sizes and
 * returns a typed frame or the reason it was dropped, never a value of the wrong type.
 */
import { type ExtensionFrame } from '../session/frames.js';
import { MAX_FRAME_LENGTH, MAX_NAME_LENGTH, isValidPeerId } from '../session/protocol.js';
import { cleanDisplayText } from '../session/text.js';

/** Chat protocol version, carried as `cv` in every chat frame. */
export const CHAT_VERSION = 1;

/** Counters (`seq`, `clock`) at or beyond this are refused, so arithmetic on them stays exact. */
export const MAX_COUNTER = 2 ** 48;

/**
 * Clocks at or beyond this are refused as well (a message dropped, a history entry left out).
 * A room's clock grows by one per message, and a receiver moves its own by at most
 * MAX_CLOCK_STEP per message it takes (store.ts): no room gets here, so a clock up here is
 * someone trying to push every receiver's next clock out of range. The half above it is
 * headroom: a page's own clock can pass this only by sending 2^47 messages.
 */
export const MAX_CLOCK = 2 ** 47;

/**
 * Hard cap on a message's length in UTF-16 code units: even if every character needs JSON's
 * six-character escape, a message frame stays under the 64 KiB frame limit.
 */
export const MAX_TEXT_LENGTH = 10_000;

/** The most history entries one member accepts from another per link (and sends at most). */
export const MAX_HISTORY = 500;

/** Longest file name kept; longer names are cut. */
export const MAX_FILE_NAME = 255;

/** History frames are filled up to this many characters, leaving room under MAX_FRAME_LENGTH. */
export const HISTORY_FRAME_BUDGET = MAX_FRAME_LENGTH - 4_096;

/**
 * Binary chunk frames: a 12-byte header, then the file's bytes. A frame received may be up to
 * 256 KiB, the largest message Chromium's data channels take (`RTCSctpTransport.maxMessageSize`).
 */
export const CHUNK_HEADER = 12;
export const MAX_CHUNK_FRAME = 262_144;
/**
 * The frames this page sends are 64 KiB, CHUNK_PAYLOAD bytes of the file each: a chat message
 * waits behind at most the rest of one, and a slow path's window (send-window.ts) holds few.
 */
export const CHUNK_FRAME = 65_536;
export const CHUNK_PAYLOAD = CHUNK_FRAME - CHUNK_HEADER;
/** Bytes read from a file at a time, then copied into frames: one read per frame costs more. */
const READ_BLOCK = 1_048_576;
/** First byte of a chunk frame: file chunk, format 1. */
export const CHUNK_KIND = 1;

/** Largest transfer number (a u32 in the chunk header); 0 is not used. */
export const MAX_TRANSFER_ID = 0xffff_ffff;

/** Why a receiver turned a file down or stopped receiving it. */
export type RejectReason = 'declined' | 'too-large' | 'busy' | 'canceled' | 'error';

/** A message as relayed in history: the author's id and name travel with it. */
export interface HistoryEntry {
  from: string;
  name: string;
  seq: number;
  clock: number;
  time: number;
  text: string;
}

export type ChatFrame =
  | { t: 'chat-hello'; reply: boolean; typing?: boolean }
  | { t: 'chat-typing'; typing: boolean }
  | { t: 'chat-msg'; seq: number; clock: number; time: number; text: string }
  | { t: 'chat-history'; msgs: HistoryEntry[] }
  | { t: 'file-offer'; id: number; name: string; size: number; type: string; acks?: boolean }
  | { t: 'file-end'; id: number; size: number; chunks: number; sha256: string }
  | { t: 'file-cancel'; id: number; reason?: 'interrupted' }
  | { t: 'file-accept'; id: number; acks?: boolean }
  | { t: 'file-ack'; id: number; bytes: number }
  | { t: 'file-done'; id: number; ok: boolean }
  | { t: 'file-reject'; id: number; reason: RejectReason };

/** Why a frame was dropped: not ours, of the wrong shape, or a message over the length limit. */
export type DropReason = 'unknown' | 'malformed' | 'too-long';

/** A checked frame; for history, `dropped` counts the entries left out as malformed or too long. */
export type ParsedChatFrame = { frame: ChatFrame; dropped?: number } | { drop: DropReason };

/** Frames as sent: the chat frame plus its version, ready for `session.send`. */
export function chatFrame(frame: ChatFrame): ExtensionFrame {
  return { ...frame, cv: CHAT_VERSION };
}

/**
 * Message text as the chat keeps it: CR LF becomes LF, and control characters other than tab
 * and line feed are dropped (they have no business in a chat line and can confuse terminals
 * and logs downstream).
 */
export function cleanText(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

/**
 * A file name that is safe to show and to offer as a download name: shown as it is spelled
 * (no bidi controls, invisible or control characters: `cleanDisplayText`), no path separators,
 * at most MAX_FILE_NAME characters, never empty.
 */
export function cleanFileName(value: unknown): string {
  return cleanDisplayText(typeof value === 'string' ? value.replace(/[/\\]/g, '_') : '', MAX_FILE_NAME) || 'file';
}

/** A display name from a peer, as shown: see `cleanDisplayText`; never empty. */
export function cleanPeerName(value: unknown): string {
  return cleanDisplayText(value, MAX_NAME_LENGTH) || 'Guest';
}

/** A declared MIME type, kept only when it looks like one: it is shown, never used to render. */
export function cleanMime(value: unknown): string {
  return typeof value === 'string' && /^[\w.+-]{1,63}\/[\w.+-]{1,63}$/.test(value) ? value.toLowerCase() : '';
}

type Check = (v: unknown) => boolean;
const counter: Check = (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < MAX_COUNTER;
const seq: Check = (v) => counter(v) && v !== 0;
const clock: Check = (v) => counter(v) && (v as number) < MAX_CLOCK;
const id: Check = (v) => Number.isInteger(v) && (v as number) > 0 && (v as number) <= MAX_TRANSFER_ID;
const size: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0;
const time: Check = (v) => typeof v === 'number' && v >= 0 && v <= 8.64e15;
const string: Check = (v) => typeof v === 'string';
const any: Check = () => true;

/** The fields each frame type must have, and what they must be; other fields are ignored. */
const SHAPES = new Map<string, Record<string, Check>>([
  ['chat-hello', {}],
  ['chat-typing', { typing: (v) => typeof v === 'boolean' }],
  ['chat-msg', { seq, clock, time, text: string }],
  ['chat-history', { msgs: (v) => Array.isArray(v) && v.length <= MAX_HISTORY }],
  ['file-offer', { id, size, name: any }],
  ['file-end', { id, size, chunks: size, sha256: (v) => string(v) && /^[0-9a-f]{64}$/.test(v as string) }],
  ['file-cancel', { id }],
  ['file-accept', { id }],
  ['file-ack', { id, bytes: size }],
  ['file-done', { id, ok: (v) => typeof v === 'boolean' }],
  ['file-reject', { id }],
]);
const ENTRY: Record<string, Check> = { from: isValidPeerId, seq, clock, time, text: string };
const REJECT_REASONS = ['declined', 'too-large', 'busy', 'canceled', 'error'];

const fits = (value: Record<string, unknown>, shape: Record<string, Check>) => Object.keys(shape).every((k) => shape[k](value[k]));

/** Message text checked against `maxLength`: the cleaned text, 'too-long', or null when empty. */
function checkText(text: string, maxLength: number): string | 'too-long' | null {
  const clean = cleanText(text);
  return clean.length > maxLength ? 'too-long' : clean.trim() ? clean : null;
}

/**
 * Checks an extension frame from a peer. `maxLength` is this page's `max-message-length`.
 * History entries are checked one by one: bad ones are left out and counted in `dropped`.
 */
export function parseChatFrame(f: ExtensionFrame, maxLength: number): ParsedChatFrame {
  const shape = SHAPES.get(f.t);
  if (!shape) return { drop: 'unknown' };
  if (f.cv !== CHAT_VERSION || !fits(f, shape)) return { drop: 'malformed' };
  const frame = { ...f } as ChatFrame & { cv?: number };
  delete frame.cv;
  switch (frame.t) {
    case 'chat-hello':
      frame.reply = f.reply === true;
      if (f.typing !== true) delete frame.typing;
      break;
    case 'chat-msg': {
      const text = checkText(frame.text, maxLength);
      if (!text || text === 'too-long') return { drop: text ? 'too-long' : 'malformed' };
      frame.text = text;
      break;
    }
    case 'chat-history': {
      const msgs: HistoryEntry[] = [];
      for (const e of frame.msgs as unknown[]) {
        const entry = e as HistoryEntry;
        const text = typeof e === 'object' && e && fits(entry as never, ENTRY) && checkText(entry.text, maxLength);
        if (text && text !== 'too-long') msgs.push({ from: entry.from, name: cleanPeerName(entry.name), seq: entry.seq, clock: entry.clock, time: entry.time, text });
      }
      return { frame: { t: 'chat-history', msgs }, dropped: frame.msgs.length - msgs.length };
    }
    case 'file-offer':
      frame.name = cleanFileName(frame.name);
      frame.type = cleanMime(f.type);
      if (f.acks !== true) delete frame.acks;
      break;
    case 'file-accept':
      if (f.acks !== true) delete frame.acks;
      break;
    case 'file-reject':
      // A reason this version does not know still ends the transfer.
      if (!REJECT_REASONS.includes(frame.reason)) frame.reason = 'error';
  }
  return { frame };
}

/**
 * Splits history into frames that each stay under the frame limit. Entries are measured as
 * JSON, so even text that escapes badly cannot push a frame over.
 */
export function historyFrames(entries: readonly HistoryEntry[]): ExtensionFrame[] {
  const frames: ExtensionFrame[] = [];
  let batch: HistoryEntry[] = [];
  let size = 0;
  for (const entry of entries) {
    const length = JSON.stringify(entry).length + 1;
    if (batch.length && size + length > HISTORY_FRAME_BUDGET) {
      frames.push(chatFrame({ t: 'chat-history', msgs: batch }));
      batch = [];
      size = 0;
    }
    batch.push(entry);
    size += length;
  }
  if (batch.length) frames.push(chatFrame({ t: 'chat-history', msgs: batch }));
  return frames;
}

/**
 * Writes a chunk frame's header into the first CHUNK_HEADER bytes of `frame`, whose payload is
 * already in place: kind, three reserved zero bytes, transfer id and chunk index (u32, big-endian).
 */
export function chunkHeader(frame: ArrayBuffer, id: number, index: number): ArrayBuffer {
  const view = new DataView(frame);
  view.setUint32(0, CHUNK_KIND << 24);
  view.setUint32(4, id);
  view.setUint32(8, index);
  return frame;
}

/** Builds a chunk frame around a copy of `payload`. */
export function encodeChunk(id: number, index: number, payload: Uint8Array<ArrayBuffer>): ArrayBuffer {
  const frame = new ArrayBuffer(CHUNK_HEADER + payload.byteLength);
  new Uint8Array(frame, CHUNK_HEADER).set(payload);
  return chunkHeader(frame, id, index);
}

/**
 * Readers with a read under way. Chromium collects a Blob stream that is reachable only through
 * its own pending read, and that read then never settles: a sender waiting on it would wait for
 * ever. Held here, they stay alive until the read is done.
 */
const reading = new Set<object>();

/** Reads a file into chunk frames, one frame per `read()`; see `frameReader`. */
export interface FrameReader {
  /** A new frame with its payload filled (short only at the end; `length` 0 past it). Calls must not overlap. */
  read(): Promise<{ frame: ArrayBuffer; length: number }>;
  /** Stops reading. */
  cancel(): void;
}

/**
 * Reads a file into chunk frames, whose headers are left for `chunkHeader`. The file is read a
 * block at a time (into one reused buffer where the browser offers a BYOB reader, else in the
 * stream's own chunks) and copied into the frames.
 */
export function frameReader(blob: Blob): FrameReader {
  const stream = blob.stream();
  let byob: ReadableStreamBYOBReader | null = null;
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  try {
    byob = stream.getReader({ mode: 'byob' });
  } catch {
    reader = stream.getReader();
  }
  const source = (byob ?? reader)!;
  let block: ArrayBuffer | null = byob && new ArrayBuffer(READ_BLOCK);
  let rest: Uint8Array = new Uint8Array(0);
  let ended = false;
  /** The next bytes of the file; empty at its end. */
  const next = async (): Promise<Uint8Array> => {
    if (byob) {
      if (!block) return new Uint8Array(0);
      // The read takes the buffer over and hands it back in `value`.
      const { done, value } = await byob.read(new Uint8Array(block));
      block = value ? (value.buffer as ArrayBuffer) : null;
      return done || !value ? new Uint8Array(0) : value;
    }
    const { done, value } = await reader!.read();
    return done ? new Uint8Array(0) : value;
  };
  return {
    async read() {
      const frame = new ArrayBuffer(CHUNK_FRAME);
      const payload = new Uint8Array(frame, CHUNK_HEADER);
      let length = 0;
      reading.add(source);
      try {
        while (length < CHUNK_PAYLOAD && !(ended && !rest.length)) {
          if (!rest.length) {
            rest = await next();
            ended = !rest.length;
            continue;
          }
          const n = Math.min(rest.length, CHUNK_PAYLOAD - length);
          payload.set(rest.subarray(0, n), length);
          rest = rest.subarray(n);
          length += n;
        }
      } finally {
        reading.delete(source);
      }
      return { frame, length };
    },
    cancel: () => void source.cancel().catch(() => {}),
  };
}

/** Reads a chunk frame; null when it is not one (wrong kind, too short or too long). */
export function decodeChunk(frame: ArrayBuffer): { id: number; index: number; payload: Uint8Array<ArrayBuffer> } | null {
  if (frame.byteLength < CHUNK_HEADER || frame.byteLength > MAX_CHUNK_FRAME) return null;
  const view = new DataView(frame);
  if (view.getUint8(0) !== CHUNK_KIND) return null;
  const id = view.getUint32(4);
  if (id === 0) return null;
  return { id, index: view.getUint32(8), payload: new Uint8Array(frame, CHUNK_HEADER) };
}
