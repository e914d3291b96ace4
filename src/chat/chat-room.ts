/**
 * A room's chat, without UI: the message list in its agreed order, history for late joiners,
 * limits and the handling of hostile peers. Its parts: the file transfers (`FileTransfers`,
 * files.ts), the relayed lines held for authors who are here (`HeldLines`, held-lines.ts), what
 * each member is sent when it asks for history (`HistoryPacing`, history-pacing.ts), what this
 * page sent on each session, for its next chat of the room (own-lines.ts), who is writing
 * (`Typing`, typing.ts), and the problems it reports, each kind once (`ChatProblems`,
 * chat-problems.ts).
 * `<rtc-chat>` renders it; the session it runs on is anything with the `ChatTransport` shape (a
 * `RoomSession`).
 *
 * Internal members are `#private`: the bundle's minifier shortens those names.
 */
import type { ExtensionFrame } from '../session/frames.js';
import { ChatProblems } from './chat-problems.js';
import { FileTransfers } from './files.js';
import { HeldLines } from './held-lines.js';
import { HistoryPacing } from './history-pacing.js';
import { IDLE_TIMEOUT } from './incoming-file.js';
import { nextOwnSeq, ownLines, recordOwnLine, startOn } from './own-lines.js';
import { KEEP_BYTES, KEEP_FILES } from './kept-files.js';
import { RateLimiter, messageReserve } from './rate-limit.js';
import { MessageStore, messageId, type ChatMessage, type LocalEntry, type MessageEntry } from './store.js';
import type { ChatFile } from './transfer.js';
import { Typing } from './typing.js';
import type { ChatEntry, ChatHost, ChatLimits, ChatLine, ChatOptions, ChatPeer, ChatTransport } from './types.js';
import { MAX_HISTORY, chatFrame, cleanPeerName, cleanText, parseChatFrame, type ChatFrame, type HistoryEntry } from './wire.js';

interface PeerState {
  /** Whether the member runs a chat (its chat-hello arrived). */
  chat: boolean;
  /** Whether its chat shows who is writing (its chat-hello said `typing: true`). */
  typing: boolean;
  /** Messages this page did not have that it still takes from this member in history (copies cost nothing). */
  budget: number;
  /**
   * This page's clock when the member linked: what this page sends later is not history to
   * them, even when it reaches them only with the history (their chat was not listening yet).
   */
  since: number;
  /** What the member is sent when it asks for history, and when. */
  history: HistoryPacing;
  /** The name the member is shown by. */
  name: string;
  /** The line that said the member's last new name. */
  renamed: LocalEntry<ChatLine> | null;
}

/** Relayed lines removed when their author linked, remembered (oldest forgotten first) so that the author's own copy is announced again only if it differs. */
const MAX_UNCONFIRMED = 1_000;
/** This page's own ids remembered (one more each time it joins again under a fresh id). */
const MAX_MY_IDS = 64;
/** Senders whose problems (and rate buckets) are remembered; past it the oldest are forgotten. */
const MAX_SENDERS = 256;
const NOT_JOINED = 'The chat has not joined the room yet.';

export class ChatRoom {
  readonly #store = new MessageStore<ChatLine>();
  #transport: ChatTransport | null = null;
  /** Says that this chat no longer runs on its transport (own-lines.ts). */
  #leaveTransport: (() => void) | null = null;
  /**
   * Every id this page has had in the room (it joins again under a fresh one when the others
   * timed it out): history claiming to be from them is not taken.
   */
  readonly #myIds = new Set<string>();
  readonly #peers = new Map<string, PeerState>();
  /** A bucket per sender (members, and this page under each of its ids). */
  readonly #limiter = new RateLimiter(0, 10_000, MAX_SENDERS);
  /**
   * The `chat-hello`s that ask for history, per sender, at the same rate: a bucket of their own,
   * so that a member who writes as soon as the chat starts has the whole rate for messages, as
   * its own bucket lets them go.
   */
  readonly #hellos = new RateLimiter(0, 10_000, MAX_SENDERS);
  /** Relayed lines whose author was present when they came, in case it leaves without its own copy. */
  readonly #held = new HeldLines();
  /** Relayed lines removed when their author linked: id → the text announced. */
  readonly #unconfirmed = new Map<string, string>();
  readonly #problems: ChatProblems;
  readonly #files: FileTransfers;
  readonly #typing = new Typing(() => {
    this.host.writing(this.writing);
    this.host.changed();
  });
  limits!: ChatLimits;
  /** Whether this page tells who writes and is told (`no-typing` unset); read when the chat starts. */
  tellsTyping = true;

  constructor(
    limits: ChatLimits,
    private readonly host: ChatHost,
    options: ChatOptions = {},
  ) {
    this.#problems = new ChatProblems((type, message) => host.problem(type, message), MAX_SENDERS);
    this.#files = new FileTransfers(
      {
        changed: () => host.changed(),
        progress: (f) => host.progress(f),
        received: (f, blob) => host.received(f, blob),
        acceptFile: (f) => host.acceptFile(f),
        addLine: (data) => this.#store.addLocal(data),
        problem: (from, type, message, facts) => (from ? this.#problems.sender(from, type, message) : host.problem(type, message, facts)),
        allow: (from) => this.#allow(from),
        offer: () => this.#mayOffer(),
        invalid: (from) => this.#problems.invalid(from),
      },
      { bytes: options.keepBytes ?? KEEP_BYTES, files: options.keepFiles ?? KEEP_FILES },
      options.idleTimeout ?? IDLE_TIMEOUT,
    );
    this.setLimits(limits);
  }

  /** Every line, in the agreed order. */
  get entries(): readonly ChatEntry[] {
    return this.#store.entries;
  }

  /** The messages, in the agreed order. */
  get messages(): ChatMessage[] {
    return this.#store.messages;
  }

  /** The members writing now, in the order they started. */
  get writing(): ChatPeer[] {
    return this.#typing.ids.map((id) => ({ id, name: this.#peers.get(id)!.name }));
  }

  setLimits(limits: ChatLimits): void {
    this.limits = limits;
    this.#limiter.limit = this.#hellos.limit = limits.maxMessageRate;
    this.#files.maxFileSize = limits.maxFileSize;
  }

  /** Starts chatting on a joined session: says hello to everyone already linked. */
  start(transport: ChatTransport): void {
    this.stop();
    this.#problems.clear();
    this.#transport = transport;
    this.#files.start(transport);
    this.#noteMyId();
    // This page's own lines, sent by the page's other chat of the room (copies change nothing).
    for (const { message, clock, seq } of ownLines(transport)) this.#store.add(message, clock, seq);
    // What the page's other chat of the room has (a route's new chat beside the old one): the
    // others answer this chat's hello without history when they sent it to this member lately.
    const { others, stop } = startOn(transport, () => this.#store.entries.filter((e): e is MessageEntry => e.kind === 'message'));
    this.#leaveTransport = stop;
    for (const { message, clock, seq } of others) this.#store.add(message, clock, seq, { history: true });
    for (const p of transport.participants) this.joined(p);
    this.host.changed();
  }

  /**
   * Stops: every transfer under way is canceled (the other side is told while it can hear), and
   * received files are released (their lines stay, saying so).
   */
  stop(): void {
    this.#files.stop();
    this.#leaveTransport?.();
    this.#leaveTransport = null;
    this.#transport = null;
    this.#peers.clear();
    this.#held.clear();
    this.#typing.clear();
  }

  /**
   * A member linked up with this page. Lines others relayed in its name go: its own history
   * brings its real ones, and nobody speaks for someone present.
   */
  joined(p: ChatPeer): void {
    if (!this.#transport || this.#peers.has(p.id)) return;
    this.#noteMyId();
    this.#peers.set(p.id, { chat: false, typing: false, budget: MAX_HISTORY, since: this.#store.clock, history: new HistoryPacing(), name: cleanPeerName(p.name), renamed: null });
    for (const m of this.#store.dropRelayed(p.id)) {
      this.#unconfirmed.set(m.id, m.text);
      if (this.#unconfirmed.size > MAX_UNCONFIRMED) this.#unconfirmed.delete(this.#unconfirmed.keys().next().value!);
    }
    this.#line(p.arrived === false ? 'here' : 'joined', p);
    this.#hello(p.id, false);
  }

  /**
   * A member's connection was restored or replaced: the chats greet each other again and
   * exchange what the other may lack (copies are dropped on arrival), and files the old
   * connection cut off are said to be (FileTransfers.reconnected). Only a `replaced`
   * connection may have lost what was sent on it, so only then does the member's next request
   * get the whole history at once (HistoryPacing.replaced).
   */
  reconnected(p: ChatPeer, how: 'restored' | 'replaced'): void {
    const state = this.#peers.get(p.id);
    if (!state) return;
    if (how === 'replaced') {
      // Its first request on the fresh connection is answered in full, however many came before.
      state.history.replaced();
      this.#hellos.forget(p.id);
    }
    this.#hello(p.id, false);
    this.#files.reconnected(p.id);
  }

  /**
   * A member changed (its name, media or connection): a new name gets a line ("Ada is now Ada
   * L."). A member who renames again before the next message changes that line instead of
   * adding one (even when other members' lines came since), so that renames, however many
   * members take turns, cannot push the messages out of the list. Returns the name the member
   * had, if it changed.
   */
  updated(p: ChatPeer): string | null {
    const peer = this.#peers.get(p.id);
    const name = cleanPeerName(p.name);
    if (!peer || peer.name === name) return null;
    const before = peer.name;
    const last = peer.renamed && !this.#store.messageSince(peer.renamed) ? peer.renamed : null;
    // A new object, not the old one changed: the list renders a line again when its data is new.
    if (last?.data.type === 'system') last.data = { type: 'system', event: 'renamed', name: last.data.name, to: name };
    else peer.renamed = this.#store.addLocal({ type: 'system', event: 'renamed', name: before, to: name });
    peer.name = name;
    this.host.changed();
    return before;
  }

  /** A member left: their transfers end, and a line says so. */
  left(p: ChatPeer, reason: 'left' | 'closed' | 'timeout'): void {
    if (!this.#peers.delete(p.id)) return;
    this.#limiter.forget(p.id);
    this.#hellos.forget(p.id);
    this.#typing.done(p.id);
    this.#files.left(p.id);
    // After the transfers' reports: what is recorded about a sender goes with it.
    this.#problems.forget(p.id);
    this.#line(reason === 'left' ? 'left' : 'lost', p);
    // The lines held in its name are taken from relayers still here; those it relayed go.
    const taken = this.#held.release(p.id, (relayer) => this.#peers.has(relayer));
    for (const [relayer, entries] of taken) this.#receive({ id: relayer, name: this.#peers.get(relayer)!.name }, entries, true);
  }

  // ------------------------------------------------------------------ sending

  /** Sends a message to everyone in the room; null when it was refused or kept back. */
  send(text: string): ChatMessage | null {
    const t = this.#transport;
    const id = t?.id;
    const clean = cleanText(String(text ?? ''));
    const max = this.limits.maxMessageLength;
    if (!t || !id) this.host.problem('disconnected', NOT_JOINED);
    else if (clean.length > max) this.host.problem('message-too-long', `Messages can have at most ${max} characters.`);
    else if (!clean.trim()) this.#problems.mistake('empty-message', 'Nothing was sent: the message is empty.');
    else if (this.#mayPost(id) && this.host.beforeSend(clean)) {
      this.#problems.sent();
      const seq = nextOwnSeq(t);
      const clock = this.#store.tick();
      const time = Date.now();
      const message: ChatMessage = { id: messageId(id, seq), from: id, name: t.name, text: clean, time, mine: true, relayedBy: null };
      this.#store.add(message, clock, seq);
      recordOwnLine(t, { message, clock, seq });
      t.broadcast(chatFrame({ t: 'chat-msg', seq, clock, time, text: clean }));
      this.#typing.sent();
      this.host.changed();
      return message;
    }
    return null;
  }

  /**
   * This page's message box has text (`writing`) or not: the members whose chat shows who is
   * writing are told, at most every few seconds (typing.ts).
   */
  typing(writing: boolean): void {
    const on = this.tellsTyping && this.#transport ? this.#typing.own(writing) : null;
    if (on !== null) for (const [id, peer] of this.#peers) if (peer.typing) this.#sendTo(id, { t: 'chat-typing', typing: on });
  }

  /**
   * Sends a file to every member (with a chat) present now. Resolves with the transfer's end
   * state once every recipient has it or dropped out; null when it was refused outright. Past
   * this page's rate it is not refused: it waits its turn (FileTransfers, `#mayOffer`).
   */
  async sendFile(file: Blob, name = (file as File).name): Promise<ChatFile | null> {
    const t = this.#transport;
    const id = t?.id;
    if (!t || !id) {
      this.host.problem('disconnected', NOT_JOINED);
      return null;
    }
    const recipients = t.participants.filter((p) => this.#peers.get(p.id)?.chat);
    return this.#files.send(file, name, { id, name: t.name }, recipients);
  }

  /** Cancels a transfer, sent or received, by its id. */
  cancelFile(id: string): void {
    this.#files.cancel(id);
  }

  // ------------------------------------------------------------------ receiving

  /** A chat frame (or any extension frame) from a member. */
  frame(from: ChatPeer, raw: ExtensionFrame): void {
    const state = this.#peers.get(from.id);
    if (!state) return;
    const parsed = parseChatFrame(raw, this.limits.maxMessageLength);
    if ('drop' in parsed) {
      if (parsed.drop === 'too-long') this.#problems.sender(from, 'message-too-long', `Dropped a message from ${cleanPeerName(from.name)}: over ${this.limits.maxMessageLength} characters.`);
      else this.#problems.invalid(from);
      return;
    }
    const f = parsed.frame;
    switch (f.t) {
      case 'chat-hello': {
        // A hello that is not a reply comes from a chat that just started: it wants an answer
        // and the history. A reply from a member not yet known as a chat gets the history too.
        // Either way each message of it goes at most once per HISTORY_INTERVAL (history-pacing.ts).
        const known = state.chat;
        state.chat = true;
        state.typing = !!f.typing;
        if (!f.reply) {
          // Answered with the history: counted, so that it cannot amplify a flood.
          if (!this.#hellos.allow(from.id)) return void this.#allow(from, true);
          this.#hello(from.id, true);
        } else if (known) return;
        const recent = this.#store.recent(Math.min(this.limits.history, MAX_HISTORY));
        for (const frame of state.history.answer(recent, this.#transport?.id, state.since)) this.#transport?.send(from.id, frame);
        return;
      }
      case 'chat-msg': {
        // The sender's own message again: a chat answering a hello late sends its recent
        // messages once more. Known here, it costs nothing: it changes nothing.
        const had = this.#store.get(messageId(from.id, f.seq));
        if (had && !had.relayedBy) return;
        if (!this.#allow(from)) return;
        this.#typing.done(from.id);
        return this.#receive(from, [{ ...f, from: from.id, name: from.name }], false);
      }
      case 'chat-typing':
        if (this.tellsTyping) this.#typing.heard(from.id, f.typing);
        return;
      case 'chat-history':
        if (parsed.dropped) this.#problems.invalid(from);
        return this.#receive(from, f.msgs, true);
      default:
        return this.#files.frame(from, f);
    }
  }

  /** A binary frame from a member: a file chunk. */
  binary(from: ChatPeer, data: ArrayBuffer): void {
    if (this.#peers.has(from.id)) this.#files.chunk(from, data);
  }

  /**
   * Takes messages, live from their author or in history. History entries whose author is not
   * the sender are relayed: marked so (`relayedBy`), and taken only for authors who are not here.
   * The author's own copy of a message replaces a relayed one, never the other way round.
   */
  #receive(from: ChatPeer, entries: HistoryEntry[], history: boolean): void {
    const state = this.#peers.get(from.id)!;
    const name = cleanPeerName(from.name);
    const added: ChatMessage[] = [];
    let changed = false;
    for (const e of entries) {
      if (history && state.budget <= 0) {
        this.#allow(from, true);
        break;
      }
      const authored = e.from === from.id;
      // Nobody speaks for this page, nor for someone present: their own copies come from them
      // (held, in case the author leaves without sending them: #held).
      if (this.#myIds.has(e.from)) continue;
      if (!authored && this.#present(e.from)) {
        if (!this.#store.get(messageId(e.from, e.seq))) this.#held.hold(from.id, e);
        continue;
      }
      const message: ChatMessage = {
        id: messageId(e.from, e.seq),
        from: e.from,
        name: authored ? name : e.name,
        text: e.text,
        time: Math.min(e.time, Date.now()),
        mine: false,
        relayedBy: authored ? null : { id: from.id, name },
      };
      // A message already announced as relayed is announced again only if its author's copy differs.
      const announced = this.#store.get(message.id)?.text ?? this.#unconfirmed.get(message.id);
      // A live message is placed after what this page had when its author linked (store.ts).
      const result = this.#store.add(message, e.clock, e.seq, history ? { history } : { after: state.since });
      if (result !== 'added' && result !== 'replaced') continue;
      // Only what is taken costs budget: a link mended again and again resends copies, not news.
      if (history) state.budget--;
      this.#unconfirmed.delete(message.id);
      if (announced !== message.text) added.push(message);
      changed = true;
    }
    for (const m of added) this.host.message(m, history);
    if (changed) this.host.changed();
  }

  /** Whether a member is in the room as far as this page knows: linked, or listed by the session. */
  #present(id: string): boolean {
    return this.#peers.has(id) || !!this.#transport?.participants.some((p) => p.id === id);
  }

  // ------------------------------------------------------------------ helpers

  /** Remembers the id this page has in the room now; the oldest beyond MAX_MY_IDS are forgotten. */
  #noteMyId(): void {
    const id = this.#transport?.id;
    if (!id || this.#myIds.has(id)) return;
    this.#myIds.add(id);
    if (this.#myIds.size > MAX_MY_IDS) this.#myIds.delete(this.#myIds.values().next().value!);
  }

  #line(event: 'joined' | 'here' | 'left' | 'lost', p: ChatPeer): void {
    this.#store.addLocal({ type: 'system', event, name: cleanPeerName(p.name) });
    this.host.changed();
  }

  #sendTo(id: string, frame: ChatFrame): void {
    this.#transport?.send(id, chatFrame(frame));
  }

  /** A `chat-hello`, which says whether this chat shows who is writing. */
  #hello(id: string, reply: boolean): void {
    this.#sendTo(id, this.tellsTyping ? { t: 'chat-hello', reply, typing: true } : { t: 'chat-hello', reply });
  }

  /** This page's own rate, checked before it sends a message. */
  #mayPost(id: string): boolean {
    if (this.#limiter.allow(id)) return true;
    this.host.problem('rate-limited', `Too fast: at most ${this.limits.maxMessageRate} messages and files per 10 seconds. Wait a moment.`);
    return false;
  }

  /**
   * This page's own rate, asked before a file's offer goes: 0 when it took a token, else how
   * long (ms) the offer waits. It leaves `messageReserve` tokens, so that what the visitor
   * writes while many files wait goes at once.
   */
  #mayOffer(): number {
    const id = this.#transport?.id;
    return id ? this.#limiter.take(id, messageReserve(this.limits.maxMessageRate)) : 0;
  }

  /** Counts a message or offer against the sender's rate; reports (once) when over, or when `over`. */
  #allow(from: ChatPeer, over = false): boolean {
    if (!over && this.#limiter.allow(from.id)) return true;
    this.#problems.sender(from, 'rate-limited', `${cleanPeerName(from.name)} sends too much, too fast; some messages were dropped.`);
    return false;
  }
}
