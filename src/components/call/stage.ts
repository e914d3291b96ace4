import type { Participant } from '../../controllers/room-controller.js';
import type { Strings } from '../../i18n/en.js';
import type { Quality } from '../../media/quality.js';
import type { CallKit } from './call-kit.js';
import { gridLayout, pairLayout, speakerLayout, type Corner, type Rect, type Toward } from './layout.js';
import type { Place } from './place.js';
import type { ShownReaction } from './reactions.js';
import { ownName } from './own-name.js';
import { renderQuality } from './quality-signs.js';
import { hasLiveVideo } from './video-watch.js';

/** One tile of the stage: a person, or the card that invites others while alone. */
type Tile = { id: string; participant?: Participant; screen?: MediaStream };

/** A tile's place: the `place` directive given its rectangle. */
type At = ReturnType<Place>;

/** What the stage shows, and what its buttons do. */
export interface StageView {
  /** lit and the first load's parts (call-kit.ts), and the directive that places a tile. */
  kit: CallKit;
  place: Place;
  t: Strings;
  /** The others in the call. */
  participants: readonly Participant[];
  inCall: boolean;
  /** Those already in the call are still being connected to: the page is not alone. */
  awaiting: boolean;
  /** Back after being away (asleep, offline) in a room that knocks, the page asks to be let in again. */
  waiting: boolean;
  /** A private room: the alone card does not invite with the link. */
  password: string;
  /** This page: its camera and microphone, the screen it shares, its name, and whether they are on. */
  local: { stream: MediaStream | null; screen: MediaStream | null; name: string; mic: boolean; cam: boolean; hand: boolean };
  /** Whether the others' cameras come to this page (not with `no-incoming-video`). */
  incomingVideo: boolean;
  /** Stops the screen this page shares. */
  stopSharing(): void;
  /** The stage's size, the videos that stopped, and what the visitor arranged (StageState). */
  state: {
    readonly box: { width: number; height: number };
    readonly stalled: ReadonlySet<string>;
    readonly pinned: string | null;
    readonly view: 'grid' | 'speaker';
    readonly copied: '' | 'copied' | 'failed';
    readonly met: boolean;
    readonly shownScreen: MediaStream | null;
    readonly selfHidden: boolean;
    readonly corner: Corner;
    readonly silenced: ReadonlySet<string>;
    pin(id: string | null): void;
    /** A press on the visitor's own floating tile (a drag moves it to another corner). */
    dragSelf(e: PointerEvent): void;
    hideSelf(hidden: boolean): void;
    moveSelf(toward?: Toward): void;
    showScreen(screen: MediaStream): unknown;
    toggleFullscreen(target: Element): void;
    copyLink(): unknown;
  };
  /** Who speaks, who spoke last, and whether the visitor speaks unheard (SpeakerCues). */
  cues: { readonly speaker: string | null; readonly lastSpeaker: string | null; readonly mutedHint: boolean };
  /** Each remote tile's connection quality (QualitySigns). */
  quality: ReadonlyMap<string, Quality>;
  /** Whether the browser holds the others' sound and video back until a press, and the press (Playback). */
  playback: { readonly blocked: boolean; start(): void };
  /** The reactions each tile shows now (Reactions). */
  reactions: { of(id: string): readonly ShownReaction[] };
  /** While two or more hands are up, each one's place in the order they went up, by participant id (`local` for this page's; HandOrder). */
  hands: ReadonlyMap<string, number>;
}

/** The stage: every tile, placed by the grid or the speaker layout, "You're muted", and the button that plays what the browser held back. */
export function renderStage(v: StageView) {
  const { html, nothing, repeat, icon } = v.kit;
  const tiles = tilesOf(v);
  const rects = v.state.box.width > 0 ? layout(v, tiles) : [];
  const place = (i: number) => v.place(rects[i]);
  return html`<div class="stage">
    <ul part="grid" class="grid" aria-label=${v.t.participants} data-self-corner=${rects.some((r) => r.floating) ? v.state.corner : nothing}>
      ${repeat(
        tiles,
        (t) => t.id,
        (t, i) => (t.id === 'alone' ? renderAlone(v, place(i)) : t.screen ? renderScreen(v, t, place(i)) : renderTile(v, t, place(i), !!rects[i]?.floating)),
      )}
    </ul>
    ${ownHidden(v)
      ? html`<button part="button show-self-button" class="show-self" data-corner=${v.state.corner} data-focus-next='[part~="hide-self-button"]' @click=${() => v.state.hideSelf(false)}>${icon('cam')}<span>${v.t.showSelf}</span></button>`
      : nothing}
    ${v.cues.mutedHint ? html`<p part="muted-notice" class="muted-notice" role="status">${v.t.youreMuted}</p>` : nothing}
    ${v.playback.blocked
      ? html`<button part="button play-button" class="primary play-button" @click=${() => v.playback.start()}>${icon('sound')}<span>${v.t.startPlayback}</span></button>`
      : nothing}
  </div>`;
}

/**
 * How high each remote camera is drawn, in CSS pixels, by member id, and how high a newcomer's
 * would be. A camera tile crops its video to fill (object-fit: cover), so a wide tile draws a
 * 4:3 camera taller than the tile.
 */
export function cameraHeights(v: StageView): { heights: Map<string, number>; newcomer: number } {
  const heights = new Map<string, number>();
  if (v.state.box.width <= 0) return { heights, newcomer: 0 };
  const drawn = (r: Rect | undefined) => (r ? Math.max(r.height, (r.width * 3) / 4) : 0);
  const tiles = tilesOf(v);
  const rects = layout(v, tiles);
  tiles.forEach((t, i) => t.participant && !t.screen && heights.set(t.participant.id, drawn(rects[i])));
  const next = [...tiles.filter((t) => t.id !== 'alone'), { id: 'newcomer' }];
  return { heights, newcomer: drawn(layout(v, next).at(-1)) };
}

/** Each member's sound, as a stream of its own (by the member's camera-and-microphone stream, which changes with its tracks). */
const sounds = new WeakMap<MediaStream, MediaStream | null>();

/**
 * A member's microphone, for the tile's audio element. The sound does not ride the video element:
 * Firefox plays a video element whose stream has a video track only once that track has a frame,
 * so someone without a camera (audio-only, none, blocked) would never be heard there.
 */
function soundOf(stream: MediaStream | null): MediaStream | null {
  if (!stream) return null;
  let sound = sounds.get(stream);
  if (sound === undefined) {
    const tracks = stream.getAudioTracks();
    sounds.set(stream, (sound = tracks.length ? new MediaStream(tracks) : null));
  }
  return sound;
}

/** Whether the visitor's own tile is hidden: they hid it, and someone else is here (alone, it shows). */
function ownHidden(v: StageView): boolean {
  return v.state.selfHidden && v.participants.length > 0;
}

/** The tiles of the stage: shared screens first, this page, the others, and while alone the invitation. */
function tilesOf(v: StageView): Tile[] {
  const screens: Tile[] = v.participants.filter((p) => p.screen).map((p) => ({ id: `${p.id}/screen`, participant: p, screen: p.screen! }));
  if (v.local.screen) screens.push({ id: 'local/screen', screen: v.local.screen });
  const self: Tile[] = ownHidden(v) ? [] : [{ id: 'local' }];
  const tiles: Tile[] = [...screens, ...self, ...v.participants.map((p) => ({ id: p.id, participant: p }))];
  if (v.participants.length === 0 && v.inCall && !v.awaiting) tiles.push({ id: 'alone' });
  return tiles;
}

/** Where each tile goes: the grid, or one large tile (pinned, or the speaker) and a strip. */
function layout(v: StageView, tiles: Tile[]): Rect[] {
  const { box, pinned: pin, view } = v.state;
  const { width, height } = box;
  const gap = 8;
  const people = tiles.filter((t) => t.id !== 'alone');
  // A shared screen shows large, beside the cameras, unless the visitor pinned another tile.
  const screen = tiles.find((t) => t.screen && t.id !== 'local/screen') ?? tiles.find((t) => t.screen);
  const pinned = pin && tiles.some((t) => t.id === pin) ? pin : null;
  const focus = pinned ?? screen?.id ?? (view === 'speaker' ? (v.cues.lastSpeaker ?? people.find((t) => t.id !== 'local')?.id ?? null) : null);
  const main = focus ? tiles.findIndex((t) => t.id === focus) : -1;
  if (main >= 0 && people.length > 1) return speakerLayout(tiles.length, main, width, height, gap);
  // Two people: the other fills the stage, this page's own camera floats in its corner.
  if (people.length === 2 && tiles.length === 2) return pairLayout(tiles.findIndex((t) => t.id === 'local'), width, height, gap, v.state.corner);
  return gridLayout(tiles.length, width, height, gap);
}

/**
 * Whether `screen` is a whole screen (a monitor), as the browser says. Shown on the screen it
 * captures, it would show itself inside itself, over and over; a window or a tab would not,
 * since the picker leaves the call's own tab out. A browser that does not say is taken at its
 * picture.
 */
function wholeScreen(screen: MediaStream): boolean {
  return screen.getVideoTracks()[0]?.getSettings().displaySurface === 'monitor';
}

/** A shared screen: the whole picture (not cropped), named; this page's whole screen, a card that says so instead. */
function renderScreen(v: StageView, t: Tile, at: At) {
  const { html, nothing, live, shownName } = v.kit;
  const name = t.participant ? v.t.screenOf(shownName(t.participant)) : v.t.yourScreen;
  // Its last picture stays while the path to its sharer is broken: said on it, as on their camera (read out once, there).
  const reconnecting = t.participant?.connection === 'reconnecting';
  const card = !t.participant && wholeScreen(t.screen!) && v.state.shownScreen !== t.screen;
  // A shared tab's sound, from the others (the sharer hears its own tab where it plays); muted with its sharer's microphone by Mute for you.
  const sound = t.participant && soundOf(t.screen!);
  return html`<li part="tile screen-tile" class="tile screen-tile" ${at} data-peer-id=${t.id} data-connection=${t.participant ? t.participant.connection : nothing}>
    ${card ? renderSharing(v, t.screen!) : html`<video part="video screen-video" .srcObject=${live(t.screen!)} .muted=${true} autoplay playsinline></video>`}
    ${sound ? html`<audio part="screen-audio" .srcObject=${live(sound)} .muted=${v.state.silenced.has(t.participant!.id)} autoplay></audio>` : nothing}
    ${reconnecting ? html`<span part="tile-status" class="tile-status">${v.t.reconnecting}</span>` : nothing}
    <span part="label" class="label"><span part="name" class="name">${name}</span></span>
    ${renderActions(v, t.id, name, false, !card)}
  </li>`;
}

/** What the sharer sees of their whole screen: that the others see it, Stop sharing, and a way to see it here all the same. */
function renderSharing(v: StageView, screen: MediaStream) {
  const { html, icon } = v.kit;
  return html`<div part="sharing-card" class="card sharing-card">
    <h2>${v.t.sharingWholeScreen}</h2>
    <p>${v.t.sharingWholeScreenHint}</p>
    <span class="card-buttons">
      <button part="button stop-sharing-button" class="primary" aria-label=${v.t.stopSharing} title=${v.t.stopSharing} @click=${() => v.stopSharing()}>${icon('screenOff')}<span>${v.t.stopSharing}</span></button>
      <button part="button show-screen-button" @click=${() => v.state.showScreen(screen)}>${icon('screen')}<span>${v.t.showScreenHere}</span></button>
    </span>
  </div>`;
}

function renderAlone(v: StageView, at: At) {
  const { html, nothing, icon } = v.kit;
  // Not alone, but away from the others until someone lets the page in again: no invitation.
  if (v.waiting) {
    return html`<li part="alone" class="alone" ${at}>
      <div class="card"><h2>${v.t.askingToJoin}</h2><p>${v.t.letInSoon}</p></div>
    </li>`;
  }
  return html`<li part="alone" class="alone" ${at}>
    <div class="card">
      <h2>${v.state.met ? v.t.onlyOneHere : v.t.firstHere}</h2>
      <p>${v.password ? v.t.alonePrivate : v.t.shareLink}</p>
      <button part="button copy-link-button" class="primary" @click=${() => v.state.copyLink()}>
        ${icon('copy')}<span>${v.state.copied === 'copied' ? v.t.copied : v.t.copyLink}</span>
      </button>
      ${v.state.copied === 'failed' ? html`<p class="hint copy-failed">${v.t.copyFailed(location.href)}</p>` : nothing}
    </div>
  </li>`;
}

function renderTile(v: StageView, t: Tile, at: At, floating: boolean) {
  const { html, nothing, live, shownName, facesAway, avatar, icon } = v.kit;
  // `live()`: Lit sets an object-valued property again on every render, and setting
  // `srcObject`, even to the same stream, restarts the video (blank frames, a gap in the sound).
  const p = t.participant;
  const local = !p;
  const stream = local ? v.local.stream : p.stream;
  const name = local ? v.local.name : shownName(p);
  const muted = local ? !v.local.mic : p.media && !p.mic;
  // Muted by the visitor for themselves (People): shown, so that they know why they hear nothing.
  const silenced = !!p && v.state.silenced.has(p.id);
  const pinned = v.state.pinned === t.id;
  const hand = local ? v.local.hand : p.hand;
  const handPlace = v.hands.get(local ? 'local' : p.id);
  const handLabel = handPlace ? v.t.handRaisedPlace(handPlace) : v.t.handRaised;
  const parts = ['tile', local ? 'local-tile' : '', v.cues.speaker === t.id ? 'speaking-tile' : '', pinned ? 'pinned-tile' : '', hand ? 'hand-tile' : '', floating ? 'floating-tile' : ''].filter(Boolean).join(' ');
  const showVideo = local ? hasLiveVideo(stream) && v.local.cam : !!stream;
  // The others' cameras turned off by the visitor: each tile says so where a camera would show.
  const offForYou = !local && p.cam && !v.incomingVideo;
  const placeholder = local ? !showVideo : !p.stream || !p.cam || !hasLiveVideo(p.stream) || v.state.stalled.has(p.id) || offForYou;
  const pip = !local && !placeholder && document.pictureInPictureEnabled;
  const quality = p ? v.quality.get(p.id) : ownQuality(v);
  return html`<li part=${parts} class="tile" ${at} data-peer-id=${t.id} data-connection=${p ? p.connection : nothing} @pointerdown=${floating ? v.state.dragSelf : nothing}>
    ${showVideo
      ? local
        ? html`<video part="video local-video" class=${facesAway(stream) ? 'facing-away' : ''} .srcObject=${live(stream)} .muted=${true} autoplay playsinline></video>`
        : html`<video part="video remote-video" .srcObject=${live(stream)} .muted=${true} autoplay playsinline></video>`
      : nothing}
    ${p && soundOf(p.stream) ? html`<audio part="remote-audio" .srcObject=${live(soundOf(p.stream))} .muted=${silenced} autoplay></audio>` : nothing}
    ${placeholder ? html`<div part="placeholder" class="placeholder">${avatar(name || v.t.you)}</div>` : nothing}
    ${p?.connection === 'reconnecting' ? html`<span part="tile-status" class="tile-status" role="status">${v.t.reconnecting}</span>` : nothing}
    <span part="label" class="label"
      >${hand
        ? html`<span part="hand" class="hand" role="img" aria-label=${handLabel} title=${handLabel}>${icon('hand')}${handPlace ? html`<span class="hand-place">${handPlace}</span>` : nothing}</span>`
        : nothing}${quality
        ? renderQuality(v, quality)
        : nothing}${muted ? html`<span part="mic-off" class="mic-off" role="img" aria-label=${v.t.muted} title=${v.t.muted}>${icon('micOff')}</span>` : nothing}${silenced
        ? html`<span part="muted-for-you" class="mic-off" role="img" aria-label=${v.t.mutedForYou} title=${v.t.mutedForYou}>${icon('soundOff')}</span>`
        : nothing}${offForYou
        ? html`<span part="video-off-for-you" class="mic-off" role="img" aria-label=${v.t.videoOffForYou} title=${v.t.videoOffForYou}>${icon('camOff')}</span>`
        : nothing}<span
        part="name"
        class="name"
        >${local ? ownName(v.kit, v.t, name) : name}</span
      >${v.cues.speaker === t.id ? html`<span class="visually-hidden">, ${v.t.speaking}</span>` : nothing}</span
    >
    ${renderActions(v, t.id, name || v.t.you, pip, true, local && v.participants.length > 0, floating)}${renderReactions(v, t.id)}
  </li>`;
}

/** A tile's reactions, each rising from its label and fading; read out instead (CallAnnouncements). */
function renderReactions({ kit: { html, nothing, repeat }, reactions }: StageView, id: string) {
  const shown = reactions.of(id);
  return shown.length
    ? html`<span part="reactions" class="reactions" aria-hidden="true">${repeat(
        shown,
        (r) => r.key,
        (r) => html`<span part="reaction" class="reaction">${r.emoji}</span>`,
      )}</span>`
    : nothing;
}

/** The arrow keys on Move, and the side of the stage each sends the visitor's own tile to. */
const ARROWS: Record<string, Toward | undefined> = { ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right' };

/**
 * A tile's buttons: Pin, Full screen (unless the tile is a card), and picture-in-picture where
 * the tile's video can; on the visitor's own tile Hide self view, and while it floats Move,
 * the way to another corner without dragging (the next one clockwise, or with the arrow keys).
 */
function renderActions(v: StageView, id: string, name: string, pip: boolean, fullscreen = true, hide = false, move = false) {
  const { html, nothing, icon } = v.kit;
  const pinned = v.state.pinned === id;
  const arrow = (e: KeyboardEvent) => {
    const toward = ARROWS[e.key];
    if (!toward) return;
    e.preventDefault();
    v.state.moveSelf(toward);
  };
  return html`<span part="tile-actions" class="tile-actions">
    ${move
      ? html`<button part="button move-self-button" class="icon-button" aria-label=${v.t.moveSelf} title=${v.t.moveSelf} aria-keyshortcuts="ArrowUp ArrowDown ArrowLeft ArrowRight" @click=${() => v.state.moveSelf()} @keydown=${arrow}>${icon('move')}</button>`
      : nothing}
    ${hide
      ? html`<button part="button hide-self-button" class="icon-button" data-focus-next='[part~="show-self-button"]' aria-label=${v.t.hideSelf} title=${v.t.hideSelf} @click=${() => v.state.hideSelf(true)}>${icon('eyeOff')}</button>`
      : nothing}
    <button part="button pin-button" class="icon-button" aria-pressed=${pinned} aria-label=${v.t.pin(name)} title=${v.t.pin(name)} @click=${() => v.state.pin(pinned ? null : id)}>
      ${icon('pin')}
    </button>
    ${fullscreen && document.fullscreenEnabled
      ? html`<button part="button fullscreen-button" class="icon-button" aria-label=${v.t.tileFullscreen(name)} title=${v.t.tileFullscreen(name)} @click=${(e: Event) => v.state.toggleFullscreen((e.currentTarget as HTMLElement).closest('li')!)}>
          ${icon('fullscreen')}
        </button>`
      : nothing}
    ${pip
      ? html`<button part="button pip-button" class="icon-button" aria-label=${v.t.pictureInPicture(name)} title=${v.t.pictureInPicture(name)} @click=${(e: Event) => pictureInPicture((e.currentTarget as HTMLElement).closest('li')!)}>
          ${icon('pip')}
        </button>`
      : nothing}
  </span>`;
}

/**
 * This page's own connection, as its tile shows it: weak, or bad, while the connections with
 * two or more others all are (what they share is this page's network, which Meet and Zoom warn
 * of too), else none.
 */
function ownQuality(v: StageView): Quality | undefined {
  const judged = v.participants.map((p) => v.quality.get(p.id));
  if (judged.length < 2 || judged.some((q) => !q || q === 'good')) return undefined;
  return judged.every((q) => q === 'bad') ? 'bad' : 'weak';
}


function pictureInPicture(tile: HTMLElement): void {
  const video = tile.querySelector('video');
  if (!video) return;
  if (document.pictureInPictureElement === video) void document.exitPictureInPicture().catch(() => {});
  else void video.requestPictureInPicture().catch(() => {});
}
