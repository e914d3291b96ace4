import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { acquireLocalMedia, listDevices, stopStream, type MediaProblem, type MediaWish } from '../media/local-media.js';

/** What the browser says about the camera and microphone permission; `unknown` where it cannot say. */
export type DevicePermission = 'granted' | 'denied' | 'prompt' | 'unknown';

export interface DevicesHandlers {
  /** A local track ended without being stopped here: its device was unplugged or taken. */
  trackEnded?(track: MediaStreamTrack): void;
  /** A local track was paused or resumed by the browser or the system (`track.muted` says which). */
  trackPaused?(track: MediaStreamTrack): void;
  /** The browser's permission changed (see `permission`): the visitor answered in its settings. */
  permissionChanged?(permission: DevicePermission): void;
}

type Kind = 'audio' | 'video';

/** What a replace() got: the new track (null when none) and the problems met. */
export interface Replaced {
  track: MediaStreamTrack | null;
  problems: MediaProblem[];
}

/** Whether this browser lets a page choose the speaker a media element plays through. */
export const canChooseSpeaker = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

/**
 * An element's camera, microphone and speaker: gets them (with the fallbacks of local-media),
 * switches between devices, keeps the device lists current (`devicechange`) and stops every
 * track when the element leaves the page. The element decides when; this says how.
 */
export class DevicesController implements ReactiveController {
  private _stream: MediaStream | null = null;
  private _devices: MediaDeviceInfo[] = [];
  private _speaker = '';
  private _permission: DevicePermission = 'unknown';
  /** Bumped by stop(): an acquisition still under way then drops what it gets. */
  private generation = 0;
  /** Bumped by every replace() and drop() of a kind: a replace overtaken by a later one, or by a drop (switched off while starting), drops what it gets. */
  private readonly turns = { audio: 0, video: 0 };
  /** The microphone and camera the visitor picked: asked for again whenever that kind comes back on. */
  private readonly picked: { audio?: string; video?: string } = {};
  private listening = false;
  /** The Permissions API's answers of the last query, each of which tells of a change. */
  private statuses: PermissionStatus[] = [];
  private readonly watched = new WeakSet<MediaStreamTrack>();
  /** Tracks being replaced by another device of their kind: one that ends meanwhile (a phone whose new camera takes the old one's place) is not a device lost. */
  private readonly outgoing = new WeakSet<MediaStreamTrack>();

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly handlers: DevicesHandlers = {},
  ) {
    host.addController(this);
  }

  /** The local camera and microphone tracks, or null. */
  get stream(): MediaStream | null {
    return this._stream;
  }

  /** Cameras, microphones and speakers (labelled once a permission was given). */
  get devices(): readonly MediaDeviceInfo[] {
    return this._devices;
  }

  /** The chosen speaker's deviceId; empty for the system's default. */
  get speaker(): string {
    return this._speaker;
  }

  get permission(): DevicePermission {
    return this._permission;
  }

  /** The live track of a kind, if any. */
  track(kind: Kind): MediaStreamTrack | undefined {
    return this._stream?.getTracks().find((t) => t.kind === kind && t.readyState === 'live');
  }

  /**
   * Whether the live track of a kind is paused by the browser or the system, not by the visitor:
   * another program took the device, the system's privacy switch, a phone's OS while the page is
   * in the background. It gives no picture or sound until it is resumed.
   */
  paused(kind: Kind): boolean {
    return !!this.track(kind)?.muted;
  }

  /** The deviceId of the device a live track of this kind comes from; without one, the device picked for it. */
  deviceOf(kind: Kind): string | undefined {
    return this.track(kind)?.getSettings().deviceId ?? this.picked[kind];
  }

  /** Remembers the device to use for a kind that is off, without starting it: it is the one asked for when that kind comes on. */
  pick(kind: Kind, deviceId: string): void {
    this.picked[kind] = deviceId;
    this.host.requestUpdate();
  }

  /**
   * Asks the Permissions API whether the page may use the devices without a prompt (both, or
   * the microphone alone when `audioOnly`). Browsers that do not know the `camera` permission
   * name (Firefox before 2025) throw: `unknown`.
   */
  async queryPermission(audioOnly: boolean): Promise<DevicePermission> {
    const names = audioOnly ? ['microphone'] : ['camera', 'microphone'];
    this.unwatch();
    try {
      const statuses = await Promise.all(names.map((name) => navigator.permissions.query({ name: name as PermissionName })));
      this.unwatch(); // a query started meanwhile is overtaken by this one
      this.statuses = statuses;
      // `?.`: a page or an extension that stands in for the Permissions API may answer plain objects.
      for (const status of statuses) status.addEventListener?.('change', this.onPermissionChange);
      this.readPermission();
    } catch {
      this._permission = 'unknown';
    }
    this.host.requestUpdate();
    return this._permission;
  }

  /** Whether the browser's settings block a kind now, where the Permissions API can say. */
  async blocked(kind: Kind): Promise<boolean> {
    try {
      return (await navigator.permissions.query({ name: (kind === 'audio' ? 'microphone' : 'camera') as PermissionName })).state === 'denied';
    } catch {
      return false;
    }
  }

  /**
   * Gets the devices the wish names, in place of any held now; resolves with the problems met
   * (the stream holds whatever could be had).
   */
  async start(wish: MediaWish): Promise<MediaProblem[]> {
    const generation = ++this.generation;
    const { stream, problems } = await acquireLocalMedia({ ...wish, preferred: this.picked });
    if (generation !== this.generation) {
      stopStream(stream);
      return [];
    }
    stopStream(this._stream);
    this.use(stream);
    if (stream) this._permission = 'granted';
    this.listen();
    void this.refresh();
    return problems;
  }

  /**
   * Gets a new track of one kind (from `deviceId`, or any) and puts it in place of the old one.
   * A switch keeps the old track's mute state; a track that was missing starts on. Resolves
   * with the new track (null when none) and the problems met; `again` ends their messages
   * (what the visitor does to try again, see MediaWish).
   */
  replace(kind: Kind, deviceId?: string, again?: MediaWish['again']): Promise<Replaced> {
    return this.#replace(kind, { deviceId }, again);
  }

  /**
   * Turns to another camera: on a phone or a tablet (whose camera says which way it faces) the
   * one facing the other way, elsewhere the next one in the list. Resolves as replace() does;
   * with no other camera, with no track and no problem.
   */
  async switchCamera(again?: MediaWish['again']): Promise<Replaced> {
    const facing = this.track('video')?.getSettings().facingMode;
    if (facing === 'user' || facing === 'environment') {
      const turned = await this.#replace('video', { facing: facing === 'user' ? 'environment' : 'user' }, again);
      // No camera faces the other way: the next one in the list, as elsewhere.
      if (turned.track || !turned.problems.some((p) => p.type === 'media-constraints')) return turned;
    }
    const cameras = this._devices.filter((d) => d.kind === 'videoinput' && d.deviceId).map((d) => d.deviceId);
    const next = cameras[(cameras.indexOf(this.deviceOf('video') ?? '') + 1) % cameras.length];
    if (!next || next === this.deviceOf('video')) return { track: null, problems: [] };
    return this.#replace('video', { deviceId: next }, again);
  }

  async #replace(kind: Kind, to: { deviceId?: string; facing?: MediaWish['videoFacing'] }, again?: MediaWish['again']): Promise<Replaced> {
    const generation = this.generation;
    const turn = ++this.turns[kind];
    const current = () => generation === this.generation && turn === this.turns[kind];
    const { deviceId, facing } = to;
    if (deviceId) this.picked[kind] = deviceId;
    const acquire = (device: string | undefined, videoFacing?: MediaWish['videoFacing']) =>
      acquireLocalMedia({
        ...(kind === 'audio' ? { audio: true, video: false, audioDevice: device } : { audio: false, video: true, videoDevice: device, videoFacing }),
        again,
        preferred: this.picked,
      });
    const old = this._stream?.getTracks().find((t) => t.kind === kind);
    const switching = !!(deviceId || facing) && !!old;
    if (old && switching) this.outgoing.add(old);
    let { stream, problems } = await acquire(deviceId, facing);
    if (!stream && old && switching && old.readyState === 'live' && current() && problems.some((p) => p.type === 'media-in-use')) {
      // A phone opens one camera at a time: the old one goes first, and comes back when the
      // new one does not start either (the others see the last picture meanwhile).
      const oldDevice = old.getSettings().deviceId;
      old.stop();
      ({ stream } = await acquire(deviceId, facing));
      if (stream) problems = [];
      else if (oldDevice && current()) {
        ({ stream } = await acquire(oldDevice));
        if (stream) this.picked[kind] = oldDevice;
      }
    }
    if (old) this.outgoing.delete(old);
    const track = stream?.getTracks()[0] ?? null;
    if (!current()) {
      stopStream(stream);
      return { track: null, problems: [] };
    }
    if (!track) {
      if (old?.readyState === 'ended') this.forget(old);
      return { track: null, problems };
    }
    if (facing) this.picked[kind] = track.getSettings().deviceId;
    track.enabled = switching ? old!.enabled : true;
    // The stream as it is now: the other kind may have changed meanwhile.
    const previous = this._stream?.getTracks() ?? [];
    this.use(new MediaStream([...previous.filter((t) => t.kind !== kind), track]));
    for (const t of previous) if (t.kind === kind) t.stop();
    this.listen();
    void this.refresh();
    return { track, problems };
  }

  /**
   * Stops the tracks of one kind and takes them out of the stream (the camera light goes off);
   * one of that kind still starting is stopped as it comes.
   */
  drop(kind: Kind): void {
    this.turns[kind]++;
    if (!this._stream) return;
    const keep = this._stream.getTracks().filter((t) => t.kind !== kind);
    for (const t of this._stream.getTracks()) if (t.kind === kind) t.stop();
    this.use(keep.length ? new MediaStream(keep) : null);
  }

  /** Takes an ended track out of the stream. */
  forget(track: MediaStreamTrack): void {
    if (!this._stream?.getTracks().includes(track)) return;
    const keep = this._stream.getTracks().filter((t) => t !== track);
    this.use(keep.length ? new MediaStream(keep) : null);
  }

  /** Plays `media` through the chosen speaker, where the browser allows a choice. */
  applySpeaker(media: HTMLMediaElement): void {
    const m = media as HTMLMediaElement & { sinkId?: string; setSinkId?(id: string): Promise<void> };
    if (canChooseSpeaker && m.sinkId !== this._speaker) void m.setSinkId?.(this._speaker).catch(() => {});
  }

  /** Chooses the speaker (`audiooutput` deviceId) every media element given to applySpeaker plays through. */
  setSpeaker(deviceId: string): void {
    this._speaker = deviceId;
    this.host.requestUpdate();
  }

  /** Stops every track and stops listening for device changes. */
  stop(): void {
    this.generation++;
    stopStream(this._stream);
    this._stream = null;
    if (this.listening) navigator.mediaDevices?.removeEventListener('devicechange', this.onDeviceChange);
    this.listening = false;
    this.unwatch();
    this.host.requestUpdate();
  }

  /** Reads the device lists again. */
  async refresh(): Promise<void> {
    this._devices = await listDevices();
    this.host.requestUpdate();
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    // Moved within the page, the element is back before the microtask runs.
    queueMicrotask(() => {
      if (!this.host.isConnected) this.stop();
    });
  }

  private readonly onDeviceChange = () => void this.refresh();

  private readonly onPermissionChange = () => {
    this.readPermission();
    this.host.requestUpdate();
    this.handlers.permissionChanged?.(this._permission);
  };

  private readPermission(): void {
    const states = this.statuses.map((s) => s.state);
    this._permission = states.includes('denied') ? 'denied' : states.every((s) => s === 'granted') ? 'granted' : 'prompt';
  }

  private unwatch(): void {
    for (const status of this.statuses) status.removeEventListener?.('change', this.onPermissionChange);
    this.statuses = [];
  }

  private listen(): void {
    if (this.listening) return;
    navigator.mediaDevices?.addEventListener('devicechange', this.onDeviceChange);
    this.listening = true;
  }

  private use(stream: MediaStream | null): void {
    this._stream = stream;
    for (const track of stream?.getTracks() ?? []) {
      if (this.watched.has(track)) continue;
      this.watched.add(track);
      track.addEventListener(
        'ended',
        () => {
          // stop() fires no `ended`: this is the browser's doing.
          if (this._stream?.getTracks().includes(track) && !this.outgoing.has(track)) this.handlers.trackEnded?.(track);
        },
        { once: true },
      );
      const paused = () => {
        if (this._stream?.getTracks().includes(track)) this.handlers.trackPaused?.(track);
        this.host.requestUpdate();
      };
      track.addEventListener('mute', paused);
      track.addEventListener('unmute', paused);
    }
    this.host.requestUpdate();
  }
}
