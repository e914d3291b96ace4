/**
 * A chat's file transfers (docs/protocol.md, "Files"): the files this page sends and receives,
 * their lines in the list and the progress told about them, what a sender may have under way,
 * and the received files kept for download. `ChatRoom` owns one and routes the `file-*` frames
 * and the chunks to it; what it needs of the chat is the `FilesHost`.
 *
 * Internal members are `#private`: the bundle's minifier shortens those names.
 */
import { formatBytes } from './format.js';
import { IncomingFile } from './incoming-file.js';
import { KeptFiles } from './kept-files.js';
import { OutgoingFile } from './outgoing-file.js';
import type { LocalEntry } from './store.js';
import { describe, isOver, transferId, type ChatFile, type TransferTransport } from './transfer.js';
import type { ChatHost, ChatLine, ChatPeer, ChatProblemFacts, ChatProblemType } from './types.js';
import { chatFrame, cleanFileName, cleanMime, cleanPeerName, decodeChunk, type ChatFrame, type RejectReason } from './wire.js';

/** Most files one member may be sending this page at once… */
const MAX_INCOMING_PER_PEER = 4;
/** …and all members together. */
const MAX_INCOMING = 32;
/**
 * Most files this page sends at once: a recipient refuses more from one sender as busy, so six
 * files picked together go four at a time, the others waiting their turn.
 */
const MAX_SENDING = MAX_INCOMING_PER_PEER;
/**
 * Most files waiting their turn (not offered yet): picked together past that, the rest are not
 * added, and one notice says how many. So the wait is bounded too: at the default rate, the
 * last of 100 is offered within a minute.
 */
export const MAX_WAITING = 100;
/** Ended transfers remembered (so their late chunks are dropped quietly); older ones are forgotten. */
const MAX_ENDED = 64;
/** Progress is told at most this often (ms), and at every change of state. */
const PROGRESS_EVERY = 100;

/** The `file-*` frames. */
export type FileFrame = Extract<ChatFrame, { t: `file-${string}` }>;

/** What the transfers need of the chat that owns them. */
export interface FilesHost extends Pick<ChatHost, 'changed' | 'progress' | 'received' | 'acceptFile'> {
  /** Adds a line to the chat's list, after everything in it. */
  addLine(data: ChatLine): LocalEntry<ChatLine>;
  /** Trouble with a file: of this page's own sending (`from` null) or from a sender, told once per kind and sender. */
  problem(from: ChatPeer | null, type: ChatProblemType, message: string, facts?: ChatProblemFacts): void;
  /** Counts an offer against the sender's rate of messages and files; false (and reported) when over. */
  allow(from: ChatPeer): boolean;
  /**
   * Takes a token of this page's own rate for an offer of its own, leaving some to messages:
   * 0 when taken, else how long (ms) until one can be.
   */
  offer(): number;
  /** A malformed or misplaced frame or chunk from a member. */
  invalid(from: ChatPeer): void;
}

export class FileTransfers {
  #transport: TransferTransport | null = null;
  #nextTransfer = 1;
  /** Outgoing transfers by their number on this page. */
  readonly #outgoing = new Map<number, OutgoingFile>();
  /** Outgoing transfers not offered yet, in the order they were sent (see MAX_SENDING, MAX_WAITING). */
  readonly #queued: OutgoingFile[] = [];
  /** Wakes the queue when this page's rate lets the next offer go. */
  #wake: ReturnType<typeof setTimeout> | undefined;
  /** Files not added since the last notice, the queue being full: told once, after the calls that sent them together. */
  #notAdded = 0;
  /** Incoming transfers by id (`sender/number`), the last MAX_ENDED ended ones included: their late chunks are dropped without a report. */
  readonly #incoming = new Map<string, IncomingFile>();
  /** Ids of ended incoming transfers, oldest first. */
  readonly #ended: string[] = [];
  /** Ended outgoing transfers a replaced connection cut off, as [recipient, number], oldest first (see OutgoingFile.cut). */
  #cut: [string, number][] = [];
  /** Received files kept for download. */
  readonly #kept: KeptFiles;
  /** Each transfer's line in the list, and when its progress was last told. */
  readonly #lines = new Map<OutgoingFile | IncomingFile, { entry: LocalEntry<ChatLine>; at: number; state: string }>();
  /** The largest file taken or sent, in bytes; 0 switches files off. */
  maxFileSize = 0;

  constructor(
    private readonly host: FilesHost,
    /** The most bytes and files kept for download. */
    keep: { bytes: number; files: number },
    /** How long (ms) a transfer may go quiet before it fails: no chunk coming in, no answer or progress from a recipient. */
    private readonly idle: number,
  ) {
    this.#kept = new KeptFiles(keep, () => host.changed());
  }

  /** Transfers go over `transport` from now on. */
  start(transport: TransferTransport): void {
    this.#transport = transport;
  }

  /**
   * Every transfer under way is canceled (the other side is told while it can hear), and
   * received files are released (their lines stay, saying so).
   */
  stop(): void {
    this.#queued.length = 0;
    clearTimeout(this.#wake);
    for (const out of this.#outgoing.values()) out.cancel();
    for (const inc of this.#incoming.values()) inc.fail('canceled', 'canceled');
    this.#incoming.clear();
    this.#ended.length = 0;
    this.#cut = [];
    this.#kept.releaseAll();
    this.#transport = null;
  }

  /** A member left: what it was sending fails, and it drops out of what this page sends. */
  left(id: string): void {
    for (const out of this.#outgoing.values()) out.left(id);
    for (const inc of this.#incoming.values()) if (inc.base.from === id) inc.fail('left');
  }

  /**
   * Sends a file to `recipients` (members with a chat). Resolves with the transfer's end state
   * once every recipient has it or dropped out; null when it was refused outright. Its offer
   * waits its turn (`queued`) while MAX_SENDING files are under way, or while this page's rate
   * has no token to spare for it (`FilesHost.offer`).
   */
  async send(file: Blob, name: string, sender: ChatPeer, recipients: readonly ChatPeer[]): Promise<ChatFile | null> {
    const clean = cleanFileName(name);
    const max = this.maxFileSize;
    if (!max) this.host.problem(null, 'file-too-large', 'Sending files is switched off here.');
    else if (file.size > max) this.host.problem(null, 'file-too-large', `"${clean}" is ${formatBytes(file.size)}; files can be at most ${formatBytes(max)}.`);
    else if (!recipients.length || !this.#transport) this.host.problem(null, 'file-failed', `Nobody here can receive "${clean}" yet.`);
    else if (this.#queued.length >= MAX_WAITING) this.#refuseWaiting();
    else {
      const out = new OutgoingFile(this.#nextTransfer++, file, clean, cleanMime(file.type), sender, recipients, this.#transport, (f) => this.#changed(f), this.idle);
      this.#outgoing.set(out.n, out);
      this.#addLine(out);
      this.#queued.push(out);
      this.#startQueued();
      await out.finished;
      return out.snapshot();
    }
    return null;
  }

  /**
   * A member's connection was restored or replaced: what a broken connection cut off on its way
   * to it is canceled again on the fresh one, in case the first cancel found none to go on.
   */
  reconnected(id: string): void {
    const cut = [...this.#outgoing.values()].filter((out) => out.cut.delete(id)).map((out) => out.n);
    for (const [peer, n] of this.#cut) if (peer === id) cut.push(n);
    this.#cut = this.#cut.filter(([peer]) => peer !== id);
    for (const n of cut) this.#transport?.send(id, chatFrame({ t: 'file-cancel', id: n, reason: 'interrupted' }), true);
  }

  /** Cancels a transfer, sent or received, by its id. */
  cancel(id: string): void {
    for (const out of this.#outgoing.values()) if (out.base.id === id) out.cancel();
    this.#incoming.get(id)?.fail('canceled', 'canceled');
  }

  /** A `file-*` frame from a member. */
  frame(from: ChatPeer, f: FileFrame): void {
    const key = transferId(from.id, f.id);
    switch (f.t) {
      case 'file-offer':
        return this.#offer(from, f, key);
      case 'file-end':
        void this.#incoming.get(key)?.end(f.size, f.chunks, f.sha256);
        return;
      case 'file-cancel':
        return this.#incoming.get(key)?.fail(f.reason === 'interrupted' ? 'interrupted' : 'canceled-there');
      default:
        // Answers about a file this page sends; stale ones (after a cancel) find nothing.
        this.#outgoing.get(f.id)?.handle(from.id, f);
    }
  }

  /** A binary frame from a member: a chunk of a file it sends this page. */
  chunk(from: ChatPeer, data: ArrayBuffer): void {
    const chunk = decodeChunk(data);
    const inc = chunk && this.#incoming.get(transferId(from.id, chunk.id));
    if (inc) inc.chunk(chunk.index, chunk.payload);
    else this.host.invalid(from);
  }

  #offer(from: ChatPeer, f: Extract<FileFrame, { t: 'file-offer' }>, key: string): void {
    const reject = (reason: RejectReason): void => void this.#transport?.send(from.id, chatFrame({ t: 'file-reject', id: f.id, reason }));
    const max = this.maxFileSize;
    if (this.#incoming.has(key)) return this.host.invalid(from);
    if (!this.host.allow(from)) return reject('busy');
    if (!max || !this.#transport) return reject('declined');
    if (f.size > max) {
      this.host.problem(from, 'file-too-large', `Refused "${f.name}" from ${cleanPeerName(from.name)}: ${formatBytes(f.size)}, over the ${formatBytes(max)} limit.`);
      return reject('too-large');
    }
    const going = [...this.#incoming.values()].filter((i) => !isOver(i.state));
    if (going.length >= MAX_INCOMING || going.filter((i) => i.base.from === from.id).length >= MAX_INCOMING_PER_PEER) return reject('busy');
    const inc = new IncomingFile(f.id, { id: from.id, name: cleanPeerName(from.name) }, f.name, f.size, f.type, this.#transport, (file) => this.#changed(file), this.idle, f.acks === true);
    if (!this.host.acceptFile(inc.snapshot())) return reject('declined');
    this.#incoming.set(key, inc);
    this.#addLine(inc);
    inc.accept();
  }

  #addLine(file: OutgoingFile | IncomingFile): void {
    this.#lines.set(file, { entry: this.host.addLine({ type: 'file', file: file.snapshot() }), at: 0, state: file.state });
    this.host.changed();
  }

  /** A transfer moved on: its line changes (progress at most every PROGRESS_EVERY ms), and its end is told. */
  #changed(file: OutgoingFile | IncomingFile): void {
    const line = this.#lines.get(file);
    const state = file.state;
    const over = isOver(state);
    const now = performance.now();
    if (!line || (!over && line.state === state && now - line.at < PROGRESS_EVERY)) return;
    const snap = file.snapshot();
    Object.assign(line, { at: now, state });
    line.entry.data = { type: 'file', file: snap };
    if (over) {
      this.#lines.delete(file);
      if (file instanceof OutgoingFile) {
        this.#outgoing.delete(file.n);
        for (const peer of file.cut) this.#cut.push([peer, file.n]);
        this.#cut.splice(0, this.#cut.length - MAX_ENDED);
        // One canceled (or left without recipients) before its turn leaves the queue too.
        if (this.#queued.includes(file)) this.#queued.splice(this.#queued.indexOf(file), 1);
        this.#startQueued();
      } else this.#endedIncoming(file);
    }
    this.host.progress(snap);
    if (snap.blob) {
      this.host.received(snap, snap.blob);
      this.#kept.keep(file as IncomingFile, line.entry);
    }
    if (state === 'failed') {
      const type = snap.reason === 'corrupt' ? 'file-corrupt' : 'file-failed';
      const message = `"${snap.name}" ${snap.mine ? 'not delivered' : `from ${snap.fromName}`}: ${describe(snap)}.`;
      // What a sender gets wrong is reported like its other trouble: once per kind.
      this.host.problem(snap.mine ? null : { id: snap.from, name: snap.fromName }, type, message);
    }
    this.host.changed();
  }

  /**
   * Offers waiting transfers, oldest first, while fewer than MAX_SENDING run and this page's
   * rate has a token to spare; when it has none, again once it will.
   */
  #startQueued(): void {
    clearTimeout(this.#wake);
    while (this.#queued.length && this.#outgoing.size - this.#queued.length < MAX_SENDING) {
      const wait = this.host.offer();
      if (wait) {
        // Cleared again: a transfer that ended as it started has run this too.
        clearTimeout(this.#wake);
        this.#wake = setTimeout(() => this.#startQueued(), wait);
        return;
      }
      this.#queued.shift()!.start();
    }
  }

  /**
   * A file not added, MAX_WAITING already waiting. Files picked or dropped together are sent in
   * one go: one notice names how many of them were not added, once the last has been refused.
   */
  #refuseWaiting(): void {
    if (this.#notAdded++) return;
    queueMicrotask(() => {
      const n = this.#notAdded;
      this.#notAdded = 0;
      const files = n === 1 ? '1 file was' : `${n} files were`;
      this.host.problem(null, 'rate-limited', `${files} not added: at most ${MAX_WAITING} files can wait to be sent. Send ${n === 1 ? 'it' : 'them'} again when fewer are waiting.`, {
        notAdded: n,
        max: MAX_WAITING,
      });
    });
  }

  /** Remembers an ended incoming transfer; the oldest beyond MAX_ENDED are forgotten. */
  #endedIncoming(file: IncomingFile): void {
    this.#ended.push(file.base.id);
    while (this.#ended.length > MAX_ENDED) {
      const id = this.#ended.shift()!;
      if (isOver(this.#incoming.get(id)?.state ?? 'done')) this.#incoming.delete(id);
    }
  }
}
