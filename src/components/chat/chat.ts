import { html, nothing, type PropertyValues } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatRoom } from '../../chat/chat-room.js';
import type { ChatLimits } from '../../chat/types.js';
import type { ChatMessage } from '../../chat/store.js';
import type { ChatFile } from '../../chat/transfer.js';
import { lazy } from '../../controllers/lazy.js';
import { RoomController, type Knocker, type Participant, type RoomControllerHandlers, type SessionRequest } from '../../controllers/room-controller.js';
import { Announcer } from '../announcer.js';
import { Notices } from '../notices.js';
import { RoomElement, text } from '../room-element.js';
import { define } from '../define.js';
import { failure } from '../../i18n/errors.js';
import { english } from '../../i18n/localizer.js';
import { RtcFileOfferedEvent } from '../../events/file-offered.js';
import { RtcFileProgressEvent } from '../../events/file-progress.js';
import { RtcFileReceivedEvent } from '../../events/file-received.js';
import { RtcMessageEvent } from '../../events/message.js';
import { RtcMessageSendEvent } from '../../events/message-send.js';
import { RtcTypingEvent } from '../../events/typing.js';
import { RtcKnockEvent } from '../../events/knock.js';
import type { ChatElementHost } from './chat-host.js';
import type { ChatDoor } from './chat-door.js';
import { chatStyles } from './chat.styles.js';
import type { EntryContext, Lit } from './entry.js';
import { Composer } from './composer.js';
import { renderError, renderNotices } from './notice-panels.js';
import { JoinAttempt } from '../join-attempt.js';
import { FileLinks, listedBlobs } from './file-links.js';
import { LogFollower } from './log-follower.js';
import { renderMessageList } from './message-list.js';

/** The phases of a chat element, also exposed as custom states (`:state(joined)`). */
export type ChatPhase = 'idle' | 'joining' | 'joined' | 'left' | 'error';

/** The chat core, loaded on the first join beside the session layer. */
const loadChatParts = lazy(() => import('./chat-parts.js'));
/** What the chat's lines, rendered in its chunk, take of lit from here (entry.ts says why). */
const LIT: Lit = { html, nothing, repeat, guard };
type ChatParts = Awaited<ReturnType<typeof loadChatParts>>;

/**
 * A chat for the people in a named room, with file sharing, peer to peer over WebRTC data
 * channels: no chat server and no database, only the PeerServer that introduces the browsers.
 * Alone on a page it joins the room without camera or microphone; beside an `<rtc-call>` with
 * the same `room` and `server` it shares that element's connections.
 *
 * Everything from other people is shown as text: only `http:` and `https:` links, and
 * addresses that start `www.` (as `https:`), become anchors. Late joiners get the recent history from those already there. Like the room
 * settings, the limits (`max-message-length`, `max-message-rate`, `max-file-size`, `history`)
 * are read when the element joins its room.
 *
 * Messages from others as they arrive (not the history), people joining and leaving, and
 * problems are read out politely to screen readers (a visually hidden `aria-live` region, bursts
 * read as one); the message list itself stays quiet.
 *
 * In a room that knocks (`knock`), a page waits until someone in the room lets it in, and the
 * status line says so. Once in, while no `<rtc-call>` of the page is in the call (a chat alone on
 * its page, say), the chat shows a row above the messages for each person asking to be let in,
 * with Let in and Turn away (and Let everyone in while two or more ask), reads each out, chimes
 * unless `no-sounds` is set, and fires `rtc-knock`; with the page's call in the call, the call
 * does that, and the chat none of it.
 *
 * Above the message box a line says who else is writing ("Ada is typing…"), and the others'
 * chats show it of this page's visitor while their box has text. `no-typing` switches both off.
 *
 * @summary Room chat and file sharing over WebRTC data channels.
 * @tag rtc-chat
 *
 * @csspart base - The element's frame (also the drop target for files).
 * @csspart header - The bar with the room name and the status line.
 * @csspart status - How many people are here, or what is happening (in a room that knocks, that this page waits to be let in).
 * @csspart knock-requests - In a room that knocks, with no call of the page in the call: a `knock-request` for each person asking to be let in, and while two or more ask, `knock-all` before them.
 * @csspart knock-all - "3 people ask to join", with `let-everyone-in-button`.
 * @csspart knock-request - One person asking to be let in: "Ada asks to join", with `let-in-button` and `turn-away-button`.
 * @csspart notice - A non-fatal problem, such as a dropped message.
 * @csspart error - The panel shown when joining failed.
 * @csspart message-list - The scrolling list of messages (`role="log"`).
 * @csspart message - A message; also `mine` or `theirs`.
 * @csspart mine - A message or file sent from this page.
 * @csspart theirs - A message or file from someone else.
 * @csspart sender - The sender's name on a message or file.
 * @csspart time - When a message was sent.
 * @csspart text - A message's text.
 * @csspart relayed - On a message from before this page joined, whose author has left: who passed it on (history is relayed, not signed).
 * @csspart system-line - A line saying who joined or left, or took a new name.
 * @csspart typing - The line above the message box that says who else is writing.
 * @csspart unread-button - Shown while messages arrived below a reader who scrolled up: how many, and a jump down to them.
 * @csspart file - A file transfer; also `mine` or `theirs`.
 * @csspart file-name - The name of a file not (yet) available.
 * @csspart download - The download link of a received, verified file.
 * @csspart preview - A received picture (PNG, JPEG, GIF or WebP, as its bytes say), above its name.
 * @csspart preview-link - The picture's download link.
 * @csspart file-size - A file's size.
 * @csspart progress - A transfer's progress bar.
 * @csspart file-status - A transfer's state in words.
 * @csspart composer - The form for writing messages.
 * @csspart input - The message box.
 * @csspart button - Every button; also `send-button`, `file-button`, `cancel-button`, `unread-button`, `retry-button`, `dismiss-button`.
 *
 * @cssprop [--rtc-chat-background=#101418 (light: #f8fafc)] - Background of the element.
 * @cssprop [--rtc-chat-foreground=#f3f5f7 (light: #0f172a)] - Text color.
 * @cssprop [--rtc-chat-muted=#aeb8c2 (light: #475569)] - Color of times, system lines and file states.
 * @cssprop [--rtc-chat-theirs-background=#232a31 (light: #e2e8f0)] - Background of others' messages.
 * @cssprop [--rtc-chat-mine-background=#1e3a8a (light: #dbeafe)] - Background of this page's messages.
 * @cssprop [--rtc-chat-link=#93c5fd (light: #1d4ed8)] - Link color.
 * @cssprop [--rtc-chat-accent=#2563eb (light: #1d4ed8)] - Send button and progress bars.
 * @cssprop [--rtc-chat-focus-ring=#60a5fa (light: #1d4ed8)] - Color of the focus ring (at least 3:1 against what it is drawn on, your own messages included).
 * @cssprop [--rtc-chat-radius=10px] - Corner radius of the element and messages.
 *
 * @cssstate idle - Not in a room yet.
 * @cssstate joining - Joining the room (in a room that knocks, also while waiting to be let in).
 * @cssstate joined - In the room: messages can be sent.
 * @cssstate left - Removed from the page, out of the room.
 * @cssstate error - Joining failed; the error panel says why.
 * @cssstate unread - Messages arrived while the reader was scrolled up.
 * @cssstate drop-target - Files are being dragged over the element.
 *
 * @fires {RtcMessageEvent} rtc-message - A message from someone else arrived. `detail: { id, from, name, text, time, mine, history, relayedBy }` (`relayedBy`: `{ id, name }` of the member who passed on a message whose author is not here, else null).
 * @fires {RtcMessageSendEvent} rtc-message-send - A message is about to be sent; cancelable. `detail: { text }`.
 * @fires {RtcFileOfferedEvent} rtc-file-offered - Someone offers a file; cancelable (declines it). `detail: { file }`.
 * @fires {RtcFileProgressEvent} rtc-file-progress - A transfer moved on or ended. `detail: { file }`.
 * @fires {RtcTypingEvent} rtc-typing - Someone started or stopped being shown as writing. `detail: { typing }`: `{ id, name }` of each person writing now, in the order they started.
 * @fires {RtcKnockEvent} rtc-knock - In a room that knocks, with no call of the page in the call, someone started asking to be let in (once per person and knock). `detail: { knocker }`: `{ id, name }`; `letIn(id)` or `turnAway(id)` answers.
 * @fires {RtcFileReceivedEvent} rtc-file-received - A file arrived whole and verified. `detail: { file, blob }`.
 * @fires {RtcErrorEvent} rtc-error - Something failed or was refused. `detail: { type, message, fatal }`.
 */
export class RtcChat extends RoomElement {
  static override styles = chatStyles;
  static override properties = {
    maxMessageLength: { attribute: 'max-message-length' },
    maxMessageRate: { attribute: 'max-message-rate' },
    maxFileSize: { attribute: 'max-file-size' },
    history: {},
    noTyping: { type: Boolean, attribute: 'no-typing' },
    noSounds: { type: Boolean, attribute: 'no-sounds' },
    theme: { reflect: true },
    _phase: { state: true, attribute: false },
  };

  /** Longest message in characters (1 to 10,000), for sending and for accepting. */
  maxMessageLength: number | string = 2000;

  /** Messages and file offers per 10 seconds accepted from each person (and allowed to send). */
  maxMessageRate: number | string = 20;

  /** Largest file in bytes, for sending and for accepting; 0 switches files off. Default 100 MiB. */
  maxFileSize: number | string = 104857600;

  /** How many recent messages are handed to someone who joins later (0 to 500). */
  history: number | string = 100;

  /** Neither tells the others when this page's visitor writes nor shows who else is writing; read when the element joins. */
  noTyping = false;

  /** Plays no sounds: no chime when someone asks to be let in (a room that knocks, with no call of the page in the call). */
  noSounds = false;

  /** `light` or `dark`; unset (the default), the element follows the system's colour scheme, as `<rtc-call>` does. */
  theme?: 'light' | 'dark';

  private _phase: ChatPhase = 'idle';

  // Internal members are #private: the bundle's minifier shortens those names.
  readonly #internals = this.attachInternals();
  /** The chat core's code, once loaded; the chat itself exists from the first join on. */
  #parts: ChatParts | null = null;
  #chat: ChatRoom | null = null;
  /** What tells the element of the chat and the room: from the chat's chunk, on the first join. */
  #host: ChatElementHost | null = null;
  /** Who asks to be let in, told and answered here while no call of the page is in the call. */
  #door: ChatDoor | null = null;
  /** The (server, key, room) the current message list belongs to. */
  #target = '';
  /** The limits checked at the last join (the attributes are read when joining). */
  #limits: ChatLimits | null = null;
  readonly #joins = new JoinAttempt();
  /** The setting at fault when joining failed on one, as it was then. */
  #failed: { field: string; value: string } | null = null;
  /** Bumped by every stop, so that a join still under way knows it was overtaken. */
  #generation = 0;
  /** A message just went out: the update that shows it waits a moment (see `scheduleUpdate`). */
  #sent = false;
  /** Keeps the list at the newest message while the reader follows it, and counts the unread. */
  readonly #follower = new LogFollower(
    this,
    () => this.renderRoot?.querySelector('[role="log"]') ?? null,
    () => {
      const entries = this.#chat?.entries ?? [];
      return `${entries.length} ${entries.at(-1)?.key}`;
    },
  );
  readonly #links = new FileLinks();
  /** Received pictures shown in place of their names (from the chat's chunk, once it is loaded). */
  #previews: InstanceType<ChatParts['ImagePreviews']> | null = null;
  readonly #composer = new Composer(this, {
    send: (text) => this.send(text),
    sendFile: (file) => void this.sendFile(file),
    takesFiles: () => this._phase === 'joined' && (this.#limits?.maxFileSize ?? 0) > 0,
    typed: (writing) => this.#chat?.typing(writing),
  });
  /** The polite live region: people coming and going, others' messages and files, problems (see chat-host.ts). */
  readonly #announcer = new Announcer(this, (count) => this.t.more(count));
  /** The latest three notices: a burst of trouble must not bury the chat. */
  readonly #notices = new Notices(
    this,
    {
      strings: () => this.t,
      announce: (text) => this.#announcer.say(text),
      focusBelow: () => this.first()?.focus(),
    },
    3,
  );

  /**
   * The session's news of the room: filled in by #host, which the first join loads before the
   * session speaks; the wait to be let in (a room that knocks) is read out from here.
   */
  readonly #handlers: RoomControllerHandlers = {
    waiting: (waiting) => waiting && this.#announcer.say(this.t.chatWaiting),
    knocks: (knocking) => this.#door?.knocks(knocking),
  };
  readonly #controller = new RoomController(this, this.#handlers, () => this.#stop(), { name: () => text(this.name), chat: true });

  /** The chat's phase: `idle`, `joining`, `joined`, `left` or `error`. */
  get phase(): ChatPhase {
    return this._phase;
  }

  /** The messages, oldest first, in the order every participant agrees on. */
  get messages(): readonly ChatMessage[] {
    return this.#chat?.messages ?? [];
  }

  /** Who else is writing now, as the line above the message box says: `{ id, name }` each, in the order they started. */
  get typing(): readonly { id: string; name: string }[] {
    return this.#chat?.writing ?? [];
  }

  /** The other people in the room, in the order they joined. */
  get participants(): readonly Participant[] {
    return this.#controller.participants;
  }

  /**
   * In a room that knocks, while joined: the people asking to be let in, in the order they
   * knocked (`{ id, name }` each).
   */
  get knocking(): readonly Knocker[] {
    return this._phase === 'joined' ? this.#controller.knocking : [];
  }

  /** Lets someone who asks in, by the `id` of `knocking` (or of `rtc-knock`); false when not joined, or when they no longer ask. */
  letIn(id: string): boolean {
    return this.#answer(id, true);
  }

  /** Turns someone who asks away: they are told so. False as for `letIn`. */
  turnAway(id: string): boolean {
    return this.#answer(id, false);
  }

  #answer(id: string, letIn: boolean): boolean {
    return this.knocking.some((k) => k.id === id) && this.#controller.answerKnock(id, letIn);
  }

  /** This page's peer id in the room, while joined. */
  get peerId(): string | null {
    return this._phase === 'joined' ? this.#controller.id : null;
  }

  /**
   * Sends a message to everyone in the room. Returns it, or null when it was not sent: empty,
   * too long, too fast, not joined yet (each of those reported as `rtc-error`, the first time),
   * or kept back by a listener of `rtc-message-send`.
   */
  send(text: string): ChatMessage | null {
    const chat = this.#chat;
    if (!chat) return this.#notJoined();
    const message = this.#host!.own({}, () => chat.send(text));
    if (message) {
      this.#sent = true;
      this.#follower.jump();
    }
    return message;
  }

  /**
   * Sends a file to everyone in the room now. Resolves when every recipient has it or dropped
   * out, with the transfer's final state; resolves null when it was refused before starting
   * (too large, files off, nobody to send to, or 100 files already waiting to be sent; reported
   * as `rtc-error`). Past `max-message-rate`, or while four files are under way, it waits its
   * turn (state `queued`) and goes as soon as it may.
   */
  sendFile(file: File | Blob): Promise<ChatFile | null> {
    const chat = this.#chat;
    if (!chat) return Promise.resolve(this.#notJoined());
    this.#follower.jump();
    // The refusals come before the first await: while the call runs, they are this page's own.
    return this.#host!.own({ name: (file as File).name ?? '', size: file.size }, () => chat.sendFile(file));
  }

  /** Cancels a transfer, sent or received, by its `id`. */
  cancelFile(id: string): void {
    this.#chat?.cancelFile(id);
  }

  /** Before the first join there is no chat core yet: said as the chat core says it. */
  #notJoined(): null {
    this.#notices.notice({ type: 'disconnected', message: english.errorNotJoined, fatal: false }, { type: 'disconnected', own: true });
    return null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // After the first update: attributes and properties set just after insertion count.
    void this.updateComplete.then(() => {
      if (this.isConnected && (this._phase === 'idle' || this._phase === 'left')) void this.#join();
    });
  }

  protected override async scheduleUpdate(): Promise<void> {
    // The page's own copy of a message it just sent is shown a few ms later, once the frame has
    // left: on a busy machine, laying out and painting at once competes for the CPU with the
    // network thread that sends it (the benchmark measured 2 to 3 times the one-way latency on
    // 2 cores). 4 ms is a quarter of a frame.
    if (this.#sent) {
      this.#sent = false;
      await new Promise((resolve) => setTimeout(resolve, 4));
    }
    super.scheduleUpdate();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.movesRoom(changed) && this.isConnected && this._phase !== 'idle') {
      this.#stop();
      void this.#controller.detach().then(() => this.#join());
    } else if (this._phase === 'error' && this.#failed && this.settingOf(this.#failed.field) !== this.#failed.value && this.isConnected) {
      // The bad setting, corrected (a limit, say): joined again.
      this.#failed = null;
      void this.#join();
    }
  }

  protected override updated(): void {
    const states = this.#internals.states;
    states.clear();
    states.add(this._phase);
    if (this.#follower.unread) states.add('unread');
    if (this.#composer.dragging) states.add('drop-target');
    // Object URLs of files no longer listed (or kept) go, download links and pictures alike.
    if (this.#links.size || this.#previews?.size) {
      const listed = listedBlobs(this.#chat?.entries ?? []);
      this.#links.keepListed(listed);
      this.#previews?.keepListed(listed);
    }
  }

  /** A new message list for a new room, and no notices; the old one's transfers are canceled. */
  #reset(host: ChatElementHost, limits: ChatLimits): void {
    this.#chat?.stop();
    this.#notices.reset();
    this.#chat = host.room(limits);
    this.#follower.reset();
  }

  #join(): Promise<void> {
    return this.#joins.of(this.#generation, () => this.#runJoin());
  }

  async #runJoin(): Promise<void> {
    const generation = this.#generation;
    this.#notices.clearError();
    this._phase = 'joining';
    let options: SessionRequest;
    let limits: ChatLimits;
    let parts: ChatParts;
    try {
      // The session layer and the chat core load side by side.
      let lib;
      [lib, parts] = await Promise.all([this.#controller.load(), loadChatParts()]);
      if (generation !== this.#generation) return;
      options = this.sessionOptions(lib);
      limits = parts.checkLimits(this);
    } catch (err) {
      if (generation !== this.#generation) return;
      return this.#fail(err);
    }
    this.#parts = parts;
    this.#host ??= new parts.ChatElementHost(
      {
        el: this,
        events: { RtcMessageEvent, RtcMessageSendEvent, RtcFileOfferedEvent, RtcFileProgressEvent, RtcFileReceivedEvent, RtcTypingEvent },
        announcer: this.#announcer,
        notices: this.#notices,
        follower: this.#follower,
        t: () => this.t,
        tag: (id) => this.#tag(id),
        chat: () => this.#chat,
        limits: () => this.#limits,
        end: (e) => {
          this.#stop();
          this.#fail(e);
        },
      },
      this.#handlers,
    );
    this.#previews ??= new parts.ImagePreviews(() => this.requestUpdate());
    this.#door ??= new parts.ChatDoor({
      el: this,
      announcer: this.#announcer,
      RtcKnockEvent,
      t: () => this.t,
      shows: () => this._phase === 'joined' && !this.#controller.callHere,
      quiet: () => this.noSounds,
    });
    this.#limits = limits;
    // Another password is another room: what was said in this one must not go to that one as history.
    const target = `${options.server.url}\n${options.server.key}\n${options.room}\n${options.password ?? ''}`;
    if (target !== this.#target || !this.#chat) {
      this.#target = target;
      this.#reset(this.#host, limits);
    }
    this.#chat!.setLimits(limits);
    const joined = this.#controller.join(options);
    try {
      // Data only: a chat never asks for camera or microphone (a call beside it may).
      await joined;
    } catch (err) {
      if (generation !== this.#generation) return;
      await this.#controller.detach();
      return this.#fail(err);
    }
    if (generation !== this.#generation) return;
    this.#chat!.tellsTyping = !this.noTyping;
    this.#controller.startChat(this.#chat!);
    this._phase = 'joined';
  }

  /** Out of the room: the element left the page, or moves to another room. */
  #stop(): void {
    this.#generation++;
    this.#chat?.stop();
    void this.#controller.detach();
    if (this._phase === 'joined' || this._phase === 'joining') this._phase = 'left';
  }

  /** The join failed (or a joined chat ended) on `err`: the chat shows why, with Try again unless a setting is wrong. */
  #fail(err: unknown): void {
    const [detail, problem] = failure(this, err);
    this.#failed = problem.field ? { field: problem.field, value: this.settingOf(problem.field) } : null;
    this._phase = 'error';
    this.#notices.fail(detail, problem);
  }

  protected override render() {
    const t = this.t;
    const joined = this._phase === 'joined';
    const count = this.participants.length + 1;
    const parts = this.#parts;
    const previews = this.#previews;
    // Entries exist only once the chat core is loaded, with what renders them.
    const context: EntryContext | null = parts && previews && { lit: LIT, t, tag: (id) => this.#tag(id), link: (blob) => this.#links.urlFor(blob), previews, cancel: (id) => this.cancelFile(id) };
    return html`<div
      part="base"
      class="base"
      role="region"
      aria-label=${t.chatRegion(this.room)}
      @dragover=${this.#composer.onDrag}
      @dragleave=${this.#composer.onDrag}
      @drop=${this.#composer.onDrag}
    >
      ${this.#announcer.render()}
      <div part="header">
        <span>${this.room}</span>
        <span part="status">${joined ? (count > 1 ? t.peopleHere(count) : this.#controller.awaiting ? t.connecting : this.password ? t.alonePrivate : t.onlyYou) : this._phase === 'joining' ? (this.#controller.waiting ? t.chatWaiting : t.connecting) : ''}</span>
      </div>
      ${renderNotices(this.#notices, t)}
      ${joined && this.#door ? this.#door.render({ kit: LIT, t, knocking: this.knocking, answer: (id, letIn) => this.#answer(id, letIn) }) : nothing}
      ${this._phase === 'error'
        ? renderError(this.#notices, t, () => this.#join())
        : html`${renderMessageList(t, this.#follower, context && parts!.renderEntries(this.#chat?.entries ?? [], context))}
            ${this.#composer.render({
              t,
              joined,
              files: !!(this.#limits ? this.#limits.maxFileSize : Number(this.maxFileSize)),
              writing: joined ? this.#writing(t) : '',
            })}`}
    </div>`;
  }

  /**
   * Puts focus where the chat begins: the message box, else Try again (or the error), else the
   * list (the element itself takes no focus).
   */
  override focus(options?: FocusOptions): void {
    this.first()?.focus(options);
  }

  /**
   * Where the chat begins: the message box, else Try again (or the error), else the list.
   * @internal
   */
  protected override first(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('textarea, [part~="retry-button"]') ?? this.renderRoot.querySelector<HTMLElement>('[part~="error"], [part~="message-list"]');
  }

  /** Who else is writing now, in a line; empty for no one. */
  #writing(t: typeof this.t): string {
    const names = this.#chat?.writing.map((p) => p.name + this.#tag(p.id)) ?? [];
    return names.length ? t.typing(names) : '';
  }

  /** The mark that tells two people of the same name apart (` #2`), for someone here. */
  #tag(id: string): string {
    const tag = this.participants.find((p) => p.id === id)?.tag;
    return tag ? ` ${tag}` : '';
  }
}

define('rtc-chat', RtcChat);

declare global {
  interface HTMLElementTagNameMap {
    'rtc-chat': RtcChat;
  }
}
