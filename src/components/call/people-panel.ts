import type { Participant } from '../../controllers/room-controller.js';
import type { Strings } from '../../i18n/en.js';
import type { ConnectionStats, Quality } from '../../media/quality.js';
import type { CallKit } from './call-kit.js';
import { renderConnectionDetails } from './connection-details.js';
import { ownName } from './own-name.js';
import { qualityWords, renderQuality } from './quality-signs.js';

/** What the list of the call's people shows, and what its buttons do. */
export interface PeopleView {
  /** lit and the first load's parts (call-kit.ts). */
  kit: CallKit;
  t: Strings;
  /** The others in the call. */
  participants: readonly Participant[];
  /** This page's visitor. */
  local: { readonly name: string; readonly mic: boolean; readonly cam: boolean; readonly hand: boolean; readonly screen: MediaStream | null };
  /** The connection quality with each of the others, by peer id, once judged (QualitySigns). */
  quality: ReadonlyMap<string, Quality>;
  /** The latest figures of each connection, whose are shown, and the way to show or hide someone's (QualitySigns). */
  connections: { readonly figures: ReadonlyMap<string, ConnectionStats>; readonly details: string | null; toggleDetails(id: string): void };
  /** While two or more hands are up, each one's place in the order they went up, by participant id (`local` for this page's; HandOrder). */
  hands: ReadonlyMap<string, number>;
  /** The tile pinned large (`local` for this page's own) and the way to pin one; those the visitor muted for themselves and the way to (StageState). */
  state: { readonly pinned: string | null; pin(id: string | null): void; readonly silenced: ReadonlySet<string>; silence(id: string, on: boolean): void };
  /** Escape: the list closes, focus going back to its button. */
  close(): void;
}

/** One row: who, and what the others would see on their tile. */
interface Row {
  id: string;
  name: string;
  mic: boolean;
  cam: boolean;
  hand: boolean;
  screen: boolean;
  reconnecting: boolean;
}

/**
 * The call's people, as a list above the control bar (People): the visitor first, then those
 * with a raised hand in the order the hands went up, then the others in the order they came, as
 * Meet and Zoom list them. Each row has the person's initials and name, the signs their tile
 * shows (hand and its place, sharing a screen, microphone and camera off, reconnecting), the
 * connection's quality (good too, which a tile leaves out; pressed, the connection's figures
 * show under the row, connection-details.ts), Pin,
 * which shows their tile large (the way to someone whose tile is small in a large call), and for
 * the others **Mute for you**, which stops their sound on this page only: nobody can mute
 * someone else in a room without a host, and a visitor can still silence a noisy one for
 * themselves, as Jitsi Meet's per-person volume does.
 */
export function renderPeople(v: PeopleView) {
  const { t, kit } = v;
  const { html, repeat } = kit;
  const you: Row = { id: 'local', name: v.local.name, mic: v.local.mic, cam: v.local.cam, hand: v.local.hand, screen: !!v.local.screen, reconnecting: false };
  const place = (row: Row) => (row.hand ? (v.hands.get(row.id) ?? Infinity) : Infinity);
  const others = v.participants
    .map((p): Row => ({ id: p.id, name: kit.shownName(p), mic: !p.media || p.mic, cam: p.cam, hand: p.hand, screen: !!p.screen, reconnecting: p.connection === 'reconnecting' }))
    // Stable: the hands by their place, and everyone else as they came.
    .sort((a, b) => (a.hand === b.hand ? place(a) - place(b) || 0 : a.hand ? -1 : 1));
  const escape = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.stopPropagation();
    v.close();
  };
  return html`<section part="people" id="people" class="people" tabindex="-1" aria-labelledby="people-heading" @keydown=${escape}>
    <h2 id="people-heading" class="people-heading">${t.inCall(others.length + 1)}</h2>
    <ul part="people-list" class="people-list">
      ${repeat(
        [you, ...others],
        (row) => row.id,
        (row) => renderRow(v, row),
      )}
    </ul>
  </section>`;
}

function renderRow(v: PeopleView, row: Row) {
  const { t, kit } = v;
  const { html, nothing, icon, avatar } = kit;
  const local = row.id === 'local';
  const shown = local ? (row.name ? t.youNamed(row.name) : t.you) : row.name;
  const pinned = v.state.pinned === row.id;
  const place = v.hands.get(row.id);
  // The connection with them, good too: what the tiles show only when it is not.
  const quality = local ? undefined : v.quality.get(row.id);
  const sign = (symbol: Parameters<typeof icon>[0], words: string, more: unknown = nothing) =>
    html`<span class="sign" role="img" aria-label=${words} title=${words}>${icon(symbol)}${more}</span>`;
  return html`<li part="person" class="person" data-peer-id=${row.id}>
    ${avatar(row.name || t.you)}
    <span part="person-name" class="person-name">${local ? ownName(kit, t, row.name) : shown}</span>
    <span class="signs">
      ${row.hand ? sign('hand', place ? t.handRaisedPlace(place) : t.handRaised, place ? html`<span class="sign-place">${place}</span>` : nothing) : nothing}
      ${row.screen ? sign('screen', local ? t.screenShared : t.sharesScreen(row.name)) : nothing}
      ${row.mic ? nothing : sign('micOff', t.muted)}
      ${row.cam ? nothing : sign('camOff', t.cameraIsOff)}
      ${row.reconnecting ? html`<span class="sign reconnecting">${t.reconnecting}</span>` : nothing}
      ${quality ? renderQualityButton(v, row.id, shown, quality) : nothing}
    </span>
    ${local ? nothing : renderMute(v, row, shown)}
    <button part="button person-pin-button" class="icon-button" aria-pressed=${pinned} aria-label=${t.pin(shown)} title=${t.pin(shown)} @click=${() => v.state.pin(pinned ? null : row.id)}>
      ${icon('pin')}
    </button>
    ${quality && v.connections.details === row.id ? renderDetailsOf(v, row.id) : nothing}
  </li>`;
}

/** The connection's sign, as a button that shows its figures under the row, or hides them. */
function renderQualityButton(v: PeopleView, id: string, shown: string, quality: Quality) {
  const open = v.connections.details === id;
  return v.kit.html`<button
    part="button person-quality-button"
    class="icon-button quality-button"
    aria-expanded=${open}
    aria-controls=${`details-${id}`}
    aria-label=${v.t.connectionDetails(qualityWords(v.t, quality), shown)}
    @click=${() => v.connections.toggleDetails(id)}
  >
    ${renderQuality(v, quality)}
  </button>`;
}

/** The figures of the latest poll, or nothing before one gave them. */
function renderDetailsOf(v: PeopleView, id: string) {
  const figures = v.connections.figures.get(id);
  return figures ? renderConnectionDetails(v, id, figures) : v.kit.nothing;
}

/** Mute for you: their sound stops on this page only (pressed), or plays again. */
function renderMute(v: PeopleView, row: Row, shown: string) {
  const { html, icon } = v.kit;
  const silenced = v.state.silenced.has(row.id);
  const words = v.t.muteForYou(shown);
  return html`<button part="button person-mute-button" class="icon-button" aria-pressed=${silenced} aria-label=${words} title=${words} @click=${() => v.state.silence(row.id, !silenced)}>
    ${icon(silenced ? 'soundOff' : 'sound')}
  </button>`;
}
