import type { ReactiveControllerHost } from 'lit';
import { ChatRoom } from '../../chat/chat-room.js';
import type { ChatLimits } from '../../chat/types.js';
import { isOver } from '../../chat/transfer.js';
import type { RoomControllerHandlers, SessionError } from '../../controllers/room-controller.js';
import type { RtcFileOfferedEvent } from '../../events/file-offered.js';
import type { RtcFileProgressEvent } from '../../events/file-progress.js';
import type { RtcFileReceivedEvent } from '../../events/file-received.js';
import type { RtcMessageEvent } from '../../events/message.js';
import type { RtcMessageSendEvent } from '../../events/message-send.js';
import type { RtcTypingEvent } from '../../events/typing.js';
import type { Strings } from '../../i18n/en.js';
import type { Problem } from '../../i18n/errors.js';
import type { Notices } from '../notices.js';
import type { Announcer } from '../announcer.js';
import { ChatAnnouncements } from './chat-announcements.js';
import type { ChatPhase } from './chat.js';
import { fileStatus } from './file-status.js';
import type { LogFollower } from './log-follower.js';

/**
 * The public event classes, as the element has them: they are in the first load (the bundle
 * exports them), and this module is in the chat's chunk, which must not import the first load
 * (see entry.ts's Lit).
 */
export interface ChatEvents {
  RtcMessageEvent: typeof RtcMessageEvent;
  RtcMessageSendEvent: typeof RtcMessageSendEvent;
  RtcFileOfferedEvent: typeof RtcFileOfferedEvent;
  RtcFileProgressEvent: typeof RtcFileProgressEvent;
  RtcFileReceivedEvent: typeof RtcFileReceivedEvent;
  RtcTypingEvent: typeof RtcTypingEvent;
}

/** What `<rtc-chat>` lends the code that speaks for it once it joins. */
export interface ChatElement {
  /** The element: the events are fired from it. */
  readonly el: HTMLElement & ReactiveControllerHost & { readonly phase: ChatPhase };
  readonly events: ChatEvents;
  /** The element's polite live region. */
  readonly announcer: Announcer;
  readonly notices: Notices;
  readonly follower: LogFollower;
  /** The texts in the element's language. */
  t(): Strings;
  /** The mark that tells two people of the same name apart (` #2`), for someone here. */
  tag(id: string): string;
  /** The chat core of the element's room, once it has one. */
  chat(): ChatRoom | null;
  /** The limits checked at the last join. */
  limits(): ChatLimits | null;
  /** A fatal problem of the session ends the joined chat. */
  end(error: SessionError): void;
}

/** What this page's own send() or sendFile() sends, while it runs. */
interface Own {
  name?: string;
  size?: number;
}

/**
 * From the chat core and the session to `<rtc-chat>`: messages, transfers and problems of the
 * chat, and people coming and going in the room, turned into the element's events, read-outs
 * and notices. Loaded with the chat core (the element's first load has none of it): nothing of
 * this happens before a join.
 */
export class ChatElementHost {
  readonly #el: ChatElement;
  readonly #says: ChatAnnouncements;
  /** While this page's own send() or sendFile() runs: what it sends (see #problemOf). */
  #own: Own | null = null;

  /**
   * Fills in `handlers`, those of the element's RoomController, which the session calls only
   * once the element joins, after this chunk loaded.
   */
  constructor(el: ChatElement, handlers: RoomControllerHandlers) {
    this.#el = el;
    const { announcer, notices, t, chat } = el;
    this.#says = new ChatAnnouncements(announcer, t, el.tag);
    const joined = () => el.el.phase === 'joined';
    Object.assign(handlers, {
      participantJoined: (p) => {
        // Those already here when this page joined are listed, not announced one by one.
        if (p.arrived !== false && joined()) announcer.say(t().joined(p.name));
        chat()?.joined(p);
        notices.met();
      },
      participantReconnected: (p, how) => chat()?.reconnected(p, how),
      participantUpdated: (p) => {
        const before = chat()?.updated(p);
        if (before && joined()) announcer.say(t().renamed(before, p.name));
      },
      participantLeft: (p, reason) => {
        if (joined()) announcer.say(t().left(p.name));
        chat()?.left(p, reason);
      },
      // The session reports each kind of trouble once per sender; a fatal one ends the join, which
      // says it, or (joining again after a sleep found the room full, say) the joined chat.
      error: (e) => (e.fatal && joined() ? el.end(e) : notices.sessionError(e)),
      frame: (from, frame) => chat()?.frame(from, frame),
      binary: (from, data) => chat()?.binary(from, data),
    } satisfies RoomControllerHandlers);
  }

  /** A chat core for a new room, whose messages, transfers and problems the element tells. */
  room(limits: ChatLimits): ChatRoom {
    const { el, events, notices, follower, t } = this.#el;
    const says = this.#says;
    return new ChatRoom(limits, {
      changed: () => el.requestUpdate(),
      writing: (peers) => el.dispatchEvent(new events.RtcTypingEvent({ typing: peers.map(({ id, name }) => ({ id, name })) })),
      message: (message, history) => {
        // The page's script hears of it first; the element's own bookkeeping (which reads the
        // list's layout) comes after.
        el.dispatchEvent(new events.RtcMessageEvent({ ...message, history }));
        if (history) return;
        follower.arrived();
        says.message(message);
      },
      progress: (file) => {
        el.dispatchEvent(new events.RtcFileProgressEvent({ file }));
        says.progressed(file, isOver(file.state), () => fileStatus(t(), file));
      },
      received: (file, blob) => el.dispatchEvent(new events.RtcFileReceivedEvent({ file, blob })),
      problem: (type, message, facts) =>
        notices.notice(
          { type, message, fatal: false },
          // Told after the calls that sent the files: the facts say whose they were.
          facts ? { type, fatal: false, own: true, text: (t) => t.errorFilesNotAdded(facts.notAdded, facts.max) } : this.#problemOf(type),
        ),
      beforeSend: (text) => el.dispatchEvent(new events.RtcMessageSendEvent({ text })),
      acceptFile: (file) => {
        const accepted = el.dispatchEvent(new events.RtcFileOfferedEvent({ file }));
        if (accepted) says.fileOffered(file);
        return accepted;
      },
    });
  }

  /** Runs this page's own send() or sendFile(), which sends `what`: the problems met meanwhile are its own. */
  own<T>(what: Own, send: () => T): T {
    this.#own = what;
    try {
      return send();
    } finally {
      this.#own = null;
    }
  }

  /** What the element knows about a chat problem: whether this page's own sending met it, and the limit. */
  #problemOf(type: Problem['type']): Problem {
    const own = this.#own;
    const limits = this.#el.limits();
    const max =
      type === 'message-too-long' ? limits?.maxMessageLength : type === 'rate-limited' ? limits?.maxMessageRate : type === 'file-too-large' ? limits?.maxFileSize : undefined;
    return { type, fatal: false, own: !!own, name: own?.name, size: own?.size, max };
  }
}
