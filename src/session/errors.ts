/**
 * The errors a room reports without ending (docs/protocol.md, "Errors"): each is said once per
 * kind and sender, however many messages carry it, and their wording is here, in one place.
 * The fatal ones end the join and are thrown (room-session.ts, doorkeeper.ts, server-link.ts).
 */
import { PROTOCOL, otherVersion } from './protocol.js';
import { SessionError, type SessionErrorFacts } from './types.js';

/** Errors remembered per kind and sender, so that each is reported once. */
export const MAX_REPORTED = 256;
/**
 * Members reported as unreachable, at most. They were never shown (never linked), and a linked
 * member can name any number of ids that never connect: past a few, more notices tell nothing.
 */
export const MAX_UNREACHABLE = 4;

export interface ReportsHost {
  /** Tells the page (the session's `error` event). */
  tell(error: SessionError): void;
  /** The member's name as this page shows it, for the message. */
  nameOf(id: string): string;
}

export class Reports {
  private readonly said = new Set<string>();
  /** The names said in unreachable notices. */
  private readonly unreachableNames = new Set<string>();

  constructor(private readonly host: ReportsHost) {}

  /** A frame from a linked member that is not valid protocol. */
  malformed(from: string): void {
    this.report(from, 'protocol', `Ignored a malformed message from ${this.host.nameOf(from)}.`);
  }

  /**
   * Dialling a member failed every time. Once per name shown (everyone known only from gossip is
   * "another participant"), for MAX_UNREACHABLE names at most.
   */
  unreachable(from: string): void {
    const name = this.host.nameOf(from);
    if (this.unreachableNames.has(name) || this.unreachableNames.size >= MAX_UNREACHABLE) return;
    this.unreachableNames.add(name);
    this.report(from, 'negotiation-failed', `Could not connect to ${name}: a firewall between you blocks it.`);
  }

  /** A linked member sent more than the pair takes at once; the rest was dropped. */
  flooded(from: string): void {
    this.report(from, 'protocol', `Ignored a flood of messages from ${this.host.nameOf(from)}.`);
  }

  /** Frames to a member were dropped: it does not take in what this page sends. */
  notReading(from: string): void {
    this.report(from, 'protocol', `${this.host.nameOf(from)} is not taking in what this page sends; messages to them were dropped.`);
  }

  /** In a private room, a connection whose other end failed the proof. */
  unproven(from: string): void {
    this.report(from, 'protocol', `Could not verify that ${this.host.nameOf(from)} knows this room's password; not connected.`);
  }

  /** A member linked who shares a name with this page or another member. */
  duplicateName(from: string): void {
    const name = this.host.nameOf(from);
    this.report(from, 'duplicate-name', `Two people here are called ${name}: a mark beside the name (#1, #2) tells them apart.`, { name });
  }

  /** A page of another version of the protocol tried to reach this one. */
  otherVersion(from: string, what: unknown): void {
    const theirs = otherVersion(what) ?? 'another version';
    this.report(
      from,
      'protocol',
      `Someone using another version of rtc-elements (${theirs}, this page speaks ${PROTOCOL}) tried to reach this room; everyone must load the same version.`,
      { versions: [theirs, PROTOCOL] },
    );
  }

  /** The sender left: what it caused is forgotten. */
  forget(from: string): void {
    for (const key of [...this.said]) if (key.startsWith(`${from}\n`)) this.said.delete(key);
  }

  /** Reports a non-fatal error once per kind and sender (at most MAX_REPORTED remembered). */
  private report(from: string, type: SessionError['type'], message: string, facts?: SessionErrorFacts): void {
    const key = `${from}\n${type}`;
    if (this.said.has(key)) return;
    if (this.said.size >= MAX_REPORTED) this.said.delete(this.said.values().next().value!);
    this.said.add(key);
    this.host.tell(new SessionError(type, message, false, facts));
  }
}
