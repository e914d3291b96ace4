/**
 * What this page says of itself (docs/protocol.md, "Frames" and "Media"): its name, whether it
 * takes part in the call, whether its microphone and camera are on, whether its hand is raised,
 * and the stream id of the screen it shares, in its `hello` and in the `state` frames it sends
 * when any of it changes; and, in the hello, that it takes reactions.
 * The tracks themselves are pair-media.ts's.
 */
import { clock } from './clock.js';
import type { HelloFrame, StateFrame } from './frames.js';

export interface MediaStateHost {
  /** Whether this page takes part in the call. */
  wantsMedia(): boolean;
  /** The screen this page shares, if any. */
  sharedScreen(): MediaStream | null;
  /** Sends a frame to every linked member. */
  broadcast(frame: StateFrame): void;
}

/** On: enabled by the visitor, live, and not paused by the browser or the system (`muted`: no picture or sound comes). */
const on = (tracks: MediaStreamTrack[] = []) => tracks.some((t) => t.enabled && t.readyState === 'live' && !t.muted);

export class MediaState {
  private mic = false;
  private cam = false;
  private hand = false;
  /** When the hand went up (the session's clock). */
  private handAt = 0;

  constructor(
    private readonly host: MediaStateHost,
    /** This page's display name, cleaned. */
    private _name: string,
  ) {}

  get name(): string {
    return this._name;
  }

  /** This page's hello: its name, its media state, whether it holds the beacon, its links, how high it will show the member's camera, and that it takes reactions and knocks. */
  hello(beacon: boolean, peers: string[], view: number | undefined): HelloFrame {
    const screen = this.host.sharedScreen();
    return { t: 'hello', name: this._name, media: this.host.wantsMedia(), mic: this.mic, cam: this.cam, beacon, peers, ...(screen && { screen: screen.id }), ...(view && { view }), ...this.handNow(), react: true, knock: true };
  }

  /** This page's name changed (cleaned, not empty): the others are told. */
  rename(name: string): void {
    this._name = name;
    this.tell();
  }

  /**
   * Tells the others the media state, naming `screen` as the shared screen (the one shared now
   * when absent, none for null): a new screen is named before its track arrives, so that it
   * shows as a screen.
   */
  tell(screen = this.host.sharedScreen()): void {
    this.host.broadcast(this.frame(screen));
  }

  /**
   * The `state` frame for a member that knows this page from `said`, the hello it got, when any
   * of it changed since (a `state` frame goes only to members already linked); null otherwise.
   */
  since(said: HelloFrame | undefined): StateFrame | null {
    const now = this.frame(this.host.sharedScreen());
    const same = said && said.media === now.media && said.mic === now.mic && said.cam === now.cam && said.screen === now.screen && said.name === now.name && !!said.hand === !!now.hand;
    return same ? null : now;
  }

  private frame(screen: MediaStream | null): StateFrame {
    return { t: 'state', media: this.host.wantsMedia(), mic: this.mic, cam: this.cam, ...(screen && { screen: screen.id }), name: this._name, ...this.handNow() };
  }

  /** `hand` and `handFor` while the hand is up (how long it has been, so that the others order the hands alike). */
  private handNow(): Pick<StateFrame, 'hand' | 'handFor'> {
    return this.hand ? { hand: true, handFor: Math.max(0, Math.round(clock() - this.handAt)) } : {};
  }

  /** `stream` is the one sent: its microphone and camera count as on while a track of theirs is live, enabled and not paused. */
  adopt(stream: MediaStream | null): void {
    this.mic = on(stream?.getAudioTracks());
    this.cam = on(stream?.getVideoTracks());
    this.tell();
  }

  /** The microphone or camera was switched on or off, or the hand raised or lowered. */
  set(state: { mic?: boolean; cam?: boolean; hand?: boolean }): void {
    this.mic = state.mic ?? this.mic;
    this.cam = state.cam ?? this.cam;
    if (state.hand && !this.hand) this.handAt = clock();
    this.hand = state.hand ?? this.hand;
    this.tell();
  }

  /** This page no longer takes part in the call. */
  off(): void {
    this.mic = this.cam = this.hand = false;
    this.tell();
  }
}
