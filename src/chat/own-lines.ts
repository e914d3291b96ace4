/**
 * What this page has sent on each transport (its member in the room), whichever chat sent it, and
 * the chats running on it: a page's two chats of one room share the member (a route's transition
 * shows the new one beside the old one). The record is the page's own, never a peer's word, and
 * goes with the transport.
 */
import type { ChatMessage, MessageEntry } from './store.js';
import type { ChatTransport } from './types.js';
import { MAX_HISTORY } from './wire.js';

/** A message this page sent, with the clock and seq it went out with. */
export interface OwnLine {
  message: ChatMessage;
  clock: number;
  seq: number;
}

/**
 * `count` numbers the messages: a seq each counted from 1 would give the new chat's messages the
 * ids of the old one's, which the others drop as copies. `lines` are the last MAX_HISTORY
 * messages, which a chat that starts on the transport shows as its own: the others' history
 * never speaks for this page.
 */
const records = new WeakMap<ChatTransport, { count: number; lines: OwnLine[] }>();

function record(transport: ChatTransport): { count: number; lines: OwnLine[] } {
  let own = records.get(transport);
  if (!own) records.set(transport, (own = { count: 0, lines: [] }));
  return own;
}

/** Numbers the next message this page sends on `transport`: 1, then one more each time. */
export const nextOwnSeq = (transport: ChatTransport): number => ++record(transport).count;

/** Records a message this page sent on `transport`; the oldest past MAX_HISTORY are forgotten. */
export function recordOwnLine(transport: ChatTransport, line: OwnLine): void {
  const { lines } = record(transport);
  if (lines.push(line) > MAX_HISTORY) lines.shift();
}

/** The last messages this page sent on `transport`, oldest first. */
export const ownLines = (transport: ChatTransport): readonly OwnLine[] => records.get(transport)?.lines ?? [];

/** The messages each chat running on a transport has, as a function of that chat's. */
const running = new WeakMap<ChatTransport, Set<() => readonly MessageEntry[]>>();

/**
 * A chat starts on `transport`, with its messages read by `messages`: returns the messages the
 * page's other chats there have (the others sent them their history once, and do not again for
 * a while, chat-room.ts), and the function that says this chat stopped.
 */
export function startOn(transport: ChatTransport, messages: () => readonly MessageEntry[]): { others: MessageEntry[]; stop: () => void } {
  let chats = running.get(transport);
  if (!chats) running.set(transport, (chats = new Set()));
  const others = [...chats].flatMap((read) => read());
  chats.add(messages);
  return { others, stop: () => void chats.delete(messages) };
}
