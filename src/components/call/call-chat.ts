import type { ReactiveControllerHost } from 'lit';
import type { RtcFileOfferedEvent } from '../../events/file-offered.js';
import type { RtcMessageEvent } from '../../events/message.js';
import type { Strings } from '../../i18n/en.js';
import type { PeerFactory } from '../../session/room-session.js';
import type { CallKit } from './call-kit.js';

/**
 * What the call's own chat is given of the call: the settings that name its room, so that the two
 * share the page's session (one member, one name), and the page's texts.
 */
export interface ChatSettings {
  room: string;
  server: string;
  key: string;
  password: string;
  iceServers: string | readonly RTCIceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
  maxParticipants: number | string;
  knock: boolean;
  peerFactory?: PeerFactory;
  strings?: Partial<Strings> | null;
}

/** What the panel shows, and what it does. */
export interface CallChatView {
  kit: CallKit;
  t: Strings;
  /** The call's settings for its chat; null where the page has a chat of its own for the room, or `no-chat`. */
  settings: ChatSettings | null;
  /** Whether someone else is in the call. */
  others: boolean;
  /** The call's theme, for the chat's colours. */
  theme?: 'light' | 'dark';
  /** Whether the panel is open (Chat in the bar). */
  open: boolean;
  /** Escape: the panel closes, focus going back to Chat. */
  close(): void;
}

/** How long someone else is in the call before its chat starts, unless Chat is pressed first (ms): the call's first pictures go first. */
const START_AFTER = 1_000;

/**
 * The call's own chat (Chat in the bar): an `<rtc-chat>` of the call's room in a panel beside the
 * stage (over it where the call is narrow), as Meet, Whereby and Jitsi Meet have one. It starts a
 * second after someone else comes into the call (at once when Chat is pressed) and stays for the
 * call while closed: messages and files that come meanwhile are counted on Chat and read out.
 * Where the page has a `<rtc-chat>` of its own for the room, the call leaves its own out, so
 * that nothing shows twice. The chat's code and its messages load only then, from the script's own URL.
 */
export class CallChat {
  /** Whether the chat is on the page (it keeps its messages while the panel is closed). */
  #started = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Messages and files from others that came while the panel was closed. */
  #unread = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly announce: (text: string) => void,
  ) {}

  /** Whether the chat is on the page: from a second after someone else came, or Chat was pressed, to the end of the call. */
  get started(): boolean {
    return this.#started;
  }

  /** How many messages came while the panel was closed. */
  get unread(): number {
    return this.#unread;
  }

  /** The call is over: the chat goes with it. */
  end(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#started = false;
    this.#unread = 0;
  }

  /** The panel with the chat once started, hidden while closed; nothing while the call has no chat of its own. */
  render(v: CallChatView) {
    const { html, nothing, icon } = v.kit;
    const s = v.settings;
    if (!s) {
      if (this.#started || this.#timer) this.end();
      return nothing;
    }
    if (v.open) {
      // Chat was pressed: the chat starts now (if it had not), and what came is read.
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#started = true;
      this.#unread = 0;
    } else if (!this.#started && !this.#timer && v.others) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#started = true;
        this.host.requestUpdate();
      }, START_AFTER);
    }
    if (!this.#started) return nothing;
    const escape = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.stopPropagation();
      v.close();
    };
    // The chat's events stay in the call: the page hears the call's own (a page that wants the chat's places its own <rtc-chat>).
    const stop = (e: Event) => e.stopPropagation();
    // What came while closed: counted on Chat, and read out (the chat, hidden, reads nothing out).
    const came = (said: string) => {
      this.#unread++;
      this.announce(said);
      this.host.requestUpdate();
    };
    const message = (e: RtcMessageEvent) => {
      stop(e);
      if (!v.open && !e.detail.history) came(v.t.messageFrom(e.detail.name, e.detail.text));
    };
    const file = (e: RtcFileOfferedEvent) => {
      stop(e);
      const f = e.detail.file;
      if (!v.open) came(v.t.fileFrom(f.fromName, f.name, v.t.fileSize(f.size)));
    };
    return html`<section
      part="chat-panel"
      id="chat"
      class="chat-panel"
      aria-labelledby="chat-heading"
      ?hidden=${!v.open}
      @keydown=${escape}
      @rtc-message=${message}
      @rtc-message-send=${stop}
      @rtc-file-offered=${file}
      @rtc-file-progress=${stop}
      @rtc-file-received=${stop}
      @rtc-typing=${stop}
      @rtc-knock=${stop}
      @rtc-error=${stop}
    >
      <div class="chat-heading">
        <h2 id="chat-heading">${v.t.chat}</h2>
        <button part="button close-chat-button" class="icon-button" aria-label=${v.t.closeChat} title=${v.t.closeChat} @click=${v.close}>${icon('close')}</button>
      </div>
      <rtc-chat
        part="chat"
        theme=${v.theme ?? nothing}
        .room=${s.room}
        .server=${s.server}
        .key=${s.key}
        .password=${s.password}
        .iceServers=${s.iceServers}
        .iceTransportPolicy=${s.iceTransportPolicy}
        .maxParticipants=${s.maxParticipants}
        .knock=${s.knock}
        .peerFactory=${s.peerFactory}
        .strings=${s.strings}
      ></rtc-chat>
    </section>`;
  }
}
