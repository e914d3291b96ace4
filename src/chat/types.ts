/**
 * The chat's public types: what a chat room needs of its session (`ChatTransport`) and of the
 * page it runs in (`ChatHost`), its limits and settings, and the lines of its list. The chat's
 * parts and `<rtc-chat>` share these.
 */
import type { ExtensionFrame } from '../session/frames.js';
import type { ChatMessage, Entry } from './store.js';
import type { ChatFile, TransferTransport } from './transfer.js';

/** A room member as the chat needs it. */
export interface ChatPeer {
  readonly id: string;
  readonly name: string;
  /** False for members already in the room when this page joined ("X is here", not "X joined"). */
  readonly arrived?: boolean;
}

/** What the chat needs from the session (a `RoomSession` fits). */
export interface ChatTransport extends TransferTransport {
  readonly id: string | null;
  readonly name: string;
  readonly participants: readonly ChatPeer[];
  broadcast(frame: ExtensionFrame): void;
}

export interface ChatLimits {
  /** Longest message, in characters, sent or accepted. */
  maxMessageLength: number;
  /** Messages, file offers and chat restarts per 10 seconds, per peer, accepted (and messages and offers sent). */
  maxMessageRate: number;
  /** Largest file sent or accepted, in bytes; 0 switches files off. */
  maxFileSize: number;
  /** How many recent messages a late joiner is sent. */
  history: number;
}

/** Settings that are not the element's attributes. */
export interface ChatOptions {
  /** Most bytes of received files kept for download (the newest file is kept whatever its size). */
  keepBytes?: number;
  /** Most received files kept for download, however small. */
  keepFiles?: number;
  /**
   * A transfer fails after this long without progress (ms): received, as stalled, without data;
   * sent, as not answered, when a recipient neither answers nor takes in about a chunk more.
   */
  idleTimeout?: number;
}

/**
 * What a problem's message says, for the page to say it in its own words: files this page sent
 * together that were not added, `max` already waiting to be sent (a `rate-limited` of its own).
 */
export interface ChatProblemFacts {
  notAdded: number;
  max: number;
}

export type ChatProblemType = 'empty-message' | 'message-too-long' | 'rate-limited' | 'file-too-large' | 'file-corrupt' | 'file-failed' | 'protocol' | 'disconnected' | 'negotiation-failed';

/** A line of the list that is not a chat message: a join or leave, a new name, or a file transfer. */
export type ChatLine =
  | { type: 'system'; event: 'joined' | 'here' | 'left' | 'lost'; name: string }
  | { type: 'system'; event: 'renamed'; name: string; to: string }
  | { type: 'file'; file: ChatFile };

export type ChatEntry = Entry<ChatLine>;

/** What the chat tells the page it runs in (`<rtc-chat>`), and asks of it. */
export interface ChatHost {
  /** The list, or a transfer's progress, changed. */
  changed(): void;
  /** Someone started or stopped being shown as writing: `peers` are those writing now. */
  writing(peers: ChatPeer[]): void;
  /** A message from someone else arrived, live or (`history`) from a member's history. */
  message(message: ChatMessage, history: boolean): void;
  /** A transfer moved on (throttled to a few times a second, every change of state included). */
  progress(file: ChatFile): void;
  /** A file arrived whole and verified. */
  received(file: ChatFile, blob: Blob): void;
  /** Something was refused or dropped; the chat goes on. */
  problem(type: ChatProblemType, message: string, facts?: ChatProblemFacts): void;
  /** Asked before a message goes out; false keeps it back. */
  beforeSend(text: string): boolean;
  /** Asked when someone offers a file; false declines it. */
  acceptFile(file: ChatFile): boolean;
}
