import { LitElement, type PropertyDeclarations, type PropertyValues } from 'lit';
import { iceServersUrl } from '../controllers/ice-servers-url.js';
import type { SessionModule } from '../controllers/lazy.js';
import type { SessionRequest } from '../session/registry.js';
import type { PeerFactory } from '../session/room-session.js';
import type { Strings } from '../i18n/en.js';
import { Localizer } from '../i18n/localizer.js';
import { FocusKeeper } from './focus-keeper.js';

/**
 * What `<rtc-call>` and `<rtc-chat>` share: the attributes that name a room on a PeerServer,
 * and the session options they describe. Two elements of a page with the same `room`,
 * `server`, `key` and `password` share one session.
 *
 * Reactive properties are declared in `static properties` rather than with decorators: each
 * decorated field costs bundle bytes that every visitor of every embedding page pays for.
 *
 * @attr {string} lang - The language of the element's texts (`en`, `de`, `fr`, region subtags included); unset, the closest ancestor's `lang`, else the document's. A change switches the texts at once; see `strings`.
 */
export class RoomElement extends LitElement {
  static override properties: PropertyDeclarations = {
    room: { reflect: true },
    server: {},
    key: {},
    name: {},
    iceServers: { attribute: 'ice-servers' },
    iceTransportPolicy: { attribute: 'ice-transport-policy' },
    maxParticipants: { attribute: 'max-participants' },
    password: {},
    knock: { type: Boolean },
    peerFactory: { attribute: false },
    strings: { attribute: false },
  };

  /** `lang` is watched too: the texts follow the element's language (see `strings`). */
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang'];
  }

  /**
   * The room to join. People in the same room on the same server are together. A change while
   * in the room (or joining) leaves it and joins the new one; so does a change of `server`,
   * `key` or `password`. After a failed join (a full room, say) or a leave, a change starts
   * afresh in the new room (`<rtc-call>` shows its lobby with Join, or joins it with `autojoin`).
   */
  room = '';

  /**
   * The PeerServer's URL, such as `https://calls.example.com/peerjs`. When empty, the
   * server the script was loaded from (its origin plus `/peerjs`).
   */
  server = '';

  /** The PeerServer's API key. */
  key: string = 'peerjs';

  /**
   * The display name others see. A call and a chat of the same room on one page are one person:
   * the name given last, by either, is the one everyone sees, and a change while in the room
   * renames this page for everyone at once.
   */
  name = '';

  /**
   * STUN and TURN servers, as a JSON array of RTCIceServer objects in the attribute (the property
   * takes the array itself too). When empty,
   * the element asks its own server (`ice-servers` beside `server`'s path, so `/ice-servers`
   * for `…/peerjs`; without `server`, at the root of the script's origin)
   * when it joins; an rtc-server with TURN configured hands out short-lived TURN credentials
   * there, and renews them while the call lasts. Without any, only direct connections work
   * (same machine or network). `[]` switches the asking off. Read when the element joins.
   */
  iceServers: string | readonly RTCIceServer[] = '';

  /**
   * `all` (default) or `relay`: with `relay` every connection goes through the TURN server,
   * which hides this visitor's IP addresses from the others, and nothing connects without one.
   * Read when the element joins.
   */
  iceTransportPolicy: RTCIceTransportPolicy = 'all';

  /** The most people in the room, this page included, from 2 to 50; 0 for no limit. Read when the element joins. */
  maxParticipants: number | string = 8;

  /**
   * A private room's password: only pages with the same room and password meet, and neither the
   * server nor anyone without it can find the room or read who is in it (docs/security.md).
   * Empty: an open room, whose name is its only secret. Another password is another room: a
   * change while in the room leaves it and joins the other one, as a change of `room` does.
   */
  password = '';

  /**
   * Makes the room knock: a newcomer waits until someone already in the call lets them in (or
   * turns them away). Set it on every page of the room: what counts is the setting of the page
   * that holds the room (the first one in, or whoever took over from it). Read when the element
   * joins.
   */
  knock = false;

  /**
   * Creates PeerJS peers; set it to wrap or instrument PeerJS. Unset, PeerJS itself
   * (`createPeer`), loaded when the element joins.
   */
  peerFactory?: PeerFactory;

  /**
   * Texts of the page's own, laid over the element's table: a partial table of `Strings` (a
   * type the package exports; the English table is src/i18n/en.ts), such as `{ joinCall: 'Enter the meeting' }`; a text with parameters is a
   * function, such as `{ joined: (name) => \`Say hello to ${name}\` }`. The element speaks the
   * language of its `lang` attribute, else of the closest ancestor with one, else of the
   * document (`<html lang>`): English, German (`de`) or French (`fr`), region subtags included
   * (`de-AT` speaks `de`); others fall back to English. Dates, times, numbers and sizes follow
   * the same locale.
   */
  strings?: Partial<Strings> | null;

  readonly #localizer = new Localizer(this);

  constructor() {
    super();
    // Focus that a render took away (a button gone with the state it changed) goes to `first`.
    new FocusKeeper(this, () => this.first());
  }

  /**
   * Where focus goes when the control that had it is gone: where the element's current phase begins.
   * @internal
   */
  protected first(): HTMLElement | null | undefined {
    return null;
  }

  /**
   * The texts in the element's language, the page's `strings` included.
   * @internal
   */
  protected get t(): Strings {
    return this.#localizer.strings;
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang' && old !== value) this.requestUpdate();
  }

  /**
   * The session options the attributes describe; throws a ConfigError for a bad one. The checks
   * come with the session layer (`lib`), which is loaded on the first join.
   */
  protected sessionOptions(lib: SessionModule): SessionRequest {
    return {
      room: lib.checkRoom(text(this.room)),
      server: lib.parseServerUrl(text(this.server) || lib.defaultServerUrl(), text(this.key) || lib.DEFAULT_KEY),
      name: text(this.name).trim() || this.t.guest,
      iceServers: lib.parseIceServers(this.iceServers),
      iceTransportPolicy: checkIceTransportPolicy(lib, this.iceTransportPolicy),
      maxParticipants: lib.checkMaxParticipants(this.maxParticipants ?? 8),
      password: text(this.password),
      knock: !!this.knock,
      peerFactory: this.peerFactory,
    };
  }

  /**
   * Where the controller fetches the ICE servers from when the page gives none; null when it
   * does.
   * @internal
   */
  iceServersSource(): string | null {
    const given = this.iceServers;
    return (typeof given === 'string' ? given.trim() : given) ? null : iceServersUrl(text(this.server));
  }

  /**
   * An attribute's value (`max-participants`, say, a ConfigError's `field`) as a string to
   * compare: a bad setting is tried again once the one at fault changes.
   */
  protected settingOf(field: string): string {
    return JSON.stringify(Reflect.get(this, field.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())) ?? null);
  }

  /** Whether an update moves the element to another room (or server). */
  protected movesRoom(changed: PropertyValues): boolean {
    return (['room', 'server', 'key', 'password'] as const).some((k) => changed.has(k) && changed.get(k) !== undefined);
  }
}

/**
 * A text setting as a string: a framework removes an attribute bound to null (Lit then sets the
 * property to null), or sets the property to a number (a route's id); neither may break the element.
 */
export function text(value: unknown): string {
  return value == null ? '' : String(value);
}

/** `all` or `relay` (RTCIceTransportPolicy); anything else is an invalid-config error. */
function checkIceTransportPolicy(lib: SessionModule, value: unknown): RTCIceTransportPolicy {
  const policy = value === null || value === undefined || value === '' ? 'all' : value;
  if (policy !== 'all' && policy !== 'relay') {
    throw new lib.ConfigError('ice-transport-policy', `ice-transport-policy must be "all" or "relay", not "${String(value)}".`);
  }
  return policy;
}
