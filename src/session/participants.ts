/**
 * What this page tells of the members it shows (docs/protocol.md, "Who is in the room"): one
 * frozen Participant per linked member, the same object until something about the member
 * changes, and the marks that keep namesakes apart. The records themselves are the roster's.
 */
import type { Participant } from './types.js';

/** What the roster's record says of a linked member. */
type MemberView = Pick<Participant, 'id' | 'name' | 'media' | 'mic' | 'cam' | 'hand' | 'handRaisedAt' | 'since' | 'arrived'>;

export interface ParticipantsHost {
  /** This page's own display name. */
  selfName(): string;
  /** The member's record, if the roster has one. */
  member(id: string): MemberView | undefined;
  /** Linked members, in the order they linked. */
  linked(): readonly MemberView[];
  stream(id: string): MediaStream | null;
  screen(id: string): MediaStream | null;
  connection(id: string): Participant['connection'];
}

/** How a name is compared: case and surrounding space do not make two names different. */
const nameKey = (name: string) => name.trim().toLocaleLowerCase();

export class Participants {
  private readonly snapshots = new Map<string, Participant>();

  constructor(private readonly host: ParticipantsHost) {}

  /** The linked member as this page shows it. */
  of(id: string): Participant {
    let s = this.snapshots.get(id);
    if (s) return s;
    const m = this.host.member(id)!;
    s = Object.freeze({
      id,
      name: m.name,
      media: m.media,
      mic: m.mic,
      cam: m.cam,
      // A hand is raised in the call: a page not in it (the chat only) raises none.
      hand: m.media && m.hand,
      handRaisedAt: m.media && m.hand ? m.handRaisedAt : 0,
      stream: this.host.stream(id),
      screen: this.host.screen(id),
      since: m.since,
      arrived: m.arrived,
      connection: this.host.connection(id),
      tag: this.tagOf(id),
    });
    this.snapshots.set(id, s);
    return s;
  }

  /** Something about the member changed (or it left): its next snapshot is made afresh. */
  changed(id: string): void {
    this.snapshots.delete(id);
  }

  clear(): void {
    this.snapshots.clear();
  }

  /** Linked members with the same name as `id`, in link order. */
  namesakes(id: string): string[] {
    const key = nameKey(this.host.member(id)?.name ?? '');
    return this.host.linked().filter((m) => nameKey(m.name) === key).map((m) => m.id);
  }

  /** Whether the member shares its name with another member or with this page. */
  sharesName(id: string): boolean {
    return this.namesakes(id).length > 1 || this.sharesOwnName(id);
  }

  /** The member's mark among namesakes (this page's own name first), or ''. */
  private tagOf(id: string): string {
    const namesakes = this.namesakes(id);
    const self = this.sharesOwnName(id) ? 1 : 0;
    if (namesakes.length + self < 2) return '';
    return `#${namesakes.indexOf(id) + 1 + self}`;
  }

  private sharesOwnName(id: string): boolean {
    return nameKey(this.host.selfName()) === nameKey(this.host.member(id)?.name ?? '');
  }
}
