/**
 * Video sizes (docs/protocol.md, "Video sizes"): a camera is sent to each member no larger than
 * that member shows it. Each page tells every linked member, in a `view` frame, how high it shows
 * that member's camera (its tile, in device pixels, rounded up to a step); the member scales its
 * camera down for this page's connection alone. Six people in a grid of small tiles then encode
 * and decode a fraction of the pixels of full-size cameras, and a tile made large (pinned, the
 * speaker) gets the camera's full size again. A page whose call nobody sees (or whose visitor
 * turned the others' cameras off) says its tiles are paused: the member then sends it no camera
 * until told otherwise. A shared screen is never scaled; it is paused only while nobody sees the
 * call (`screenPaused`), as LiveKit pauses every video out of sight.
 */
import { MAX_VIEW_HEIGHT, type ViewFrame } from './frames.js';

/** The heights asked for: a tile's height is rounded up to one of them, so that small changes of the layout send nothing. */
const STEPS = [90, 135, 180, 240, 360, 480, 720, 1080, 1440, 2160, MAX_VIEW_HEIGHT];

/** How a member shows this page's camera: how high (device pixels), and whether not at all for now (nobody sees its call, or its visitor turned the cameras off). */
export interface Viewing {
  height: number;
  paused?: boolean;
  /** Whether it sees none of this page's shared screen for now (nobody sees its call). */
  screenPaused?: boolean;
}

/** A camera is scaled down only when that saves at least this much of its height. */
const MIN_SCALE = 1.2;
/** Nor ever below an eighth of its height. */
const MAX_SCALE = 8;

/** The step at or above `height` device pixels. */
export function stepFor(height: number): number {
  return STEPS.find((step) => step >= height) ?? MAX_VIEW_HEIGHT;
}

/** How much a camera `cameraHeight` pixels high is scaled down for a tile `shown` pixels high: 1 (not at all) or more. */
export function scaleFor(cameraHeight: number, shown: number | undefined): number {
  if (!(cameraHeight > 0) || !shown || !(shown > 0)) return 1;
  const scale = cameraHeight / shown;
  return scale < MIN_SCALE ? 1 : Math.min(scale, MAX_SCALE);
}

/** Each sender's change under way, and the latest one asked for meanwhile (a second setParameters before the first is done would be refused). */
const changing = new WeakMap<RTCRtpSender, { next: (() => Promise<void>) | null }>();

/**
 * Scales the camera on `sender` (or `track`, about to be put on it) down for a tile `shown.height`
 * pixels high (undefined: full size), and stops it while `shown.paused`; a shared `screen` is never
 * scaled, and stops while `shown.screenPaused`. Changes to one sender are made one after another,
 * and of those asked for while one is under way only the latest is made: however many `view`
 * frames a member sends, at most one change waits.
 */
export function fitSender(sender: RTCRtpSender, shown: Viewing | undefined, track = sender.track, screen = false): void {
  if (track?.kind !== 'video') return;
  const apply = async () => {
    const params = sender.getParameters();
    const encoding = params.encodings?.[0];
    const scale = screen ? 1 : scaleFor(track.getSettings().height ?? 0, shown?.height);
    const active = !(screen ? shown?.screenPaused : shown?.paused);
    if (!encoding || ((encoding.scaleResolutionDownBy ?? 1) === scale && (encoding.active ?? true) === active)) return;
    encoding.scaleResolutionDownBy = scale;
    encoding.active = active;
    await sender.setParameters(params);
  };
  const busy = changing.get(sender);
  if (busy) {
    busy.next = apply;
    return;
  }
  const state: { next: (() => Promise<void>) | null } = { next: null };
  changing.set(sender, state);
  const run = (change: () => Promise<void>): void => {
    // Refused while a negotiation changes the encodings: the next sync or view frame applies it.
    void change()
      .catch(() => {})
      .then(() => {
        const next = state.next;
        state.next = null;
        if (next) run(next);
        else changing.delete(sender);
      });
  };
  run(apply);
}

/**
 * This page's side: what it told each member. The element reports the heights it shows the
 * members' cameras at whenever its layout may have changed, and which of them it pauses (in the
 * background); a member is told in its hello, and then only when its step, or its pause, changes.
 */
export class ShownSizes {
  /** The latest heights from the element, by member id (only the members it shows), and whether each is paused. */
  private wanted = new Map<string, Viewing>();
  /** The step of a newcomer's tile (0: not known). */
  private newcomer = 0;
  private readonly told = new Map<string, Viewing>();

  constructor(private readonly send: (id: string, frame: ViewFrame) => boolean) {}

  /**
   * The heights, in device pixels, at which the page now shows each member's camera, and would
   * show a newcomer's; the members whose camera it pauses, shown yet or not; and whether it
   * pauses every member's shared screen (nobody sees the call).
   */
  show(heights: ReadonlyMap<string, number>, newcomer: number, paused: ReadonlySet<string> = new Set(), screenPaused = false): void {
    this.wanted = new Map([...heights].filter(([, h]) => h > 0).map(([id, h]) => [id, { height: stepFor(h), paused: paused.has(id), screenPaused }]));
    this.newcomer = newcomer > 0 ? stepFor(newcomer) : 0;
    // Paused before its camera showed a frame (a newcomer's): paused at a newcomer's height.
    for (const id of paused) if (!this.wanted.has(id) && this.newcomer) this.wanted.set(id, { height: this.newcomer, paused: true, screenPaused });
    for (const [id, told] of this.told) {
      if (this.wanted.has(id)) continue;
      // Told to pause, a member would send no camera (or screen) again: it is told it may,
      // before it is forgotten (a link that is down says its hello again, which pauses nothing).
      if (told.paused || told.screenPaused) this.send(id, { t: 'view', height: told.height });
      this.told.delete(id);
    }
    for (const id of this.wanted.keys()) this.tell(id);
  }

  /**
   * The height for this page's hello to the member: its tile's, or a newcomer's. So the member's
   * camera starts at that size, rather than at full size and changed a moment later. A hello
   * pauses nothing: a member paused is told so at the next `show`.
   */
  forHello(id: string): number | undefined {
    const height = this.wanted.get(id)?.height ?? this.newcomer;
    if (!height) return undefined;
    this.told.set(id, { height });
    return height;
  }

  clear(): void {
    this.wanted.clear();
    this.newcomer = 0;
    this.told.clear();
  }

  private tell(id: string): void {
    const want = this.wanted.get(id);
    const told = this.told.get(id);
    if (!want || (told?.height === want.height && !!told.paused === !!want.paused && !!told.screenPaused === !!want.screenPaused)) return;
    if (this.send(id, { t: 'view', height: want.height, ...(want.paused && { paused: true }), ...(want.screenPaused && { screenPaused: true }) })) this.told.set(id, want);
  }
}
