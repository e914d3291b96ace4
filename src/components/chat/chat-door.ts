import type { Knocker } from '../../controllers/room-controller.js';
import type { RtcKnockEvent } from '../../events/knock.js';
import type { Strings } from '../../i18n/en.js';
import type { Announcer } from '../announcer.js';
import { chime } from '../chime.js';
import { renderKnockRequests, type KnockView } from '../knock-requests.js';

/** What the door needs of `<rtc-chat>`. */
export interface DoorHost {
  readonly el: HTMLElement;
  readonly announcer: Announcer;
  readonly RtcKnockEvent: typeof RtcKnockEvent;
  t(): Strings;
  /** Whether the chat speaks for the room's door: joined, and no call of the page in the call (which does). */
  shows(): boolean;
  /** The page asked for no sounds (`no-sounds`). */
  quiet(): boolean;
}

/**
 * In a room that knocks, the door of a chat whose page has no call in the call (a chat alone on
 * its page, say): each person who comes to ask to be let in is read out ahead of the rest,
 * chimed (as the call chimes) and told to the page (`rtc-knock`), and everyone asking gets a row
 * with Let in and Turn away above the messages. With a call of the page in the call, that call
 * does all of this, and the chat none.
 */
export class ChatDoor {
  /** The people asking whose knock was told, as told. */
  #told = new Set<string>();

  constructor(private readonly host: DoorHost) {}

  /** Who asks to be let in changed: the newcomers among them are told, while the chat speaks for the door. */
  knocks(knocking: readonly Knocker[]): void {
    const { host } = this;
    const before = this.#told;
    const shows = host.shows();
    this.#told = new Set(shows ? knocking.map((k) => k.id) : []);
    if (!shows) return;
    const t = host.t();
    const heard = knocking.filter((k) => !before.has(k.id));
    for (const { id, name } of heard) {
      host.announcer.say(t.asksToJoin(name || t.guest), false, true);
      host.el.dispatchEvent(new host.RtcKnockEvent({ knocker: { id, name } }));
    }
    if (heard.length && !host.quiet()) chime('knock', '');
  }

  /** The rows of the people asking, while the chat speaks for the door. */
  render(view: KnockView) {
    return this.host.shows() ? renderKnockRequests(view) : view.kit.nothing;
  }
}
