import { executeServerCommand } from '@web/test-runner-commands';
import type { RtcCall, RtcChat } from '../src/index.js';

/**
 * Waits for a condition, checked every 50 ms, failing after `timeout` ms with `message`
 * (a function is asked at failure time, to describe what was seen). Never a fixed sleep.
 */
export async function until(condition: () => boolean, message: string | (() => string), timeout = 15_000): Promise<void> {
  const deadline = performance.now() + timeout;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(typeof message === 'function' ? message() : message);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let rooms = 0;
/** A room name no other test uses. */
export function uniqueRoom(label = 'room'): string {
  return `${label} ${Date.now().toString(36)}-${rooms++}-${Math.random().toString(36).slice(2, 8)}`;
}

export interface TestParticipant {
  name: string;
  frame: HTMLIFrameElement;
  call: RtcCall;
  /** Every rtc- event the element fired, in order. */
  events: CustomEvent[];
  /** Removes the participant's page, as when a tab is closed. */
  close(): void;
}

const open = new Set<HTMLIFrameElement>();

/**
 * A participant in its own page (an iframe): its own module instance, session, peers and
 * media, like a separate tab. Attributes go to its `<rtc-call>`.
 */
export async function addParticipant(attributes: Record<string, string>): Promise<TestParticipant> {
  const frame = document.createElement('iframe');
  frame.allow = 'camera; microphone; autoplay; display-capture';
  frame.style.cssText = 'width: 480px; height: 360px; border: 0;';
  frame.src = `/test/fixtures/participant.html?${new URLSearchParams(attributes)}`;
  document.body.append(frame);
  open.add(frame);
  await until(() => !!frame.contentDocument?.querySelector('rtc-call')?.shadowRoot, 'the participant page did not load');
  const win = frame.contentWindow as Window & { rtcEvents: CustomEvent[] };
  return {
    name: attributes.name ?? '',
    frame,
    call: frame.contentDocument!.querySelector('rtc-call') as RtcCall,
    events: win.rtcEvents,
    close: () => {
      frame.remove();
      open.delete(frame);
    },
  };
}

/** The notes (Hz) a participant's page plays from now on: its oscillators as they start. */
export function notesPlayed(p: { frame: HTMLIFrameElement }): number[] {
  const notes: number[] = [];
  const proto = (p.frame.contentWindow as typeof window).OscillatorNode.prototype;
  const start = proto.start;
  proto.start = function (this: OscillatorNode, ...args: Parameters<OscillatorNode['start']>) {
    notes.push(Math.round(this.frequency.value));
    return start.apply(this, args);
  };
  return notes;
}

/** The peer connections a participant's PeerJS holds that are not closed: one per other member. */
export function openPeerConnections(p: TestParticipant): RTCPeerConnection[] {
  type Held = { connections?: Record<string, { peerConnection: RTCPeerConnection | null }[]> };
  const peers = (p.frame.contentWindow as unknown as { rtcPeers: Held[] }).rtcPeers;
  return peers.flatMap((peer) =>
    Object.values(peer.connections ?? {})
      .flat()
      .map((c) => c.peerConnection)
      .filter((pc): pc is RTCPeerConnection => !!pc && pc.connectionState !== 'closed'),
  );
}

/** The ids a participant's PeerJS keeps a list of connections for, closed ones included. */
export function peerjsIds(p: TestParticipant): string[] {
  const peers = (p.frame.contentWindow as unknown as { rtcPeers: { connections?: Record<string, unknown[]>; destroyed?: boolean }[] }).rtcPeers;
  return peers.filter((peer) => !peer.destroyed).flatMap((peer) => Object.keys(peer.connections ?? {}));
}

/** Closes every participant page a test opened. */
export function closeAll(): void {
  for (const frame of open) frame.remove();
  open.clear();
}

/** Presses a button of the call's bar (`people-button`, say) as the visitor would: from More when the bar holds it there. */
export async function pressInBar(p: TestParticipant, button: string): Promise<void> {
  await until(() => part(p.call, button).length > 0, `no ${button} in the bar`);
  if (part(p.call, 'more-panel')[0]?.querySelector(`[part~="${button}"]`)) part(p.call, 'more-button')[0].click();
  await p.call.updateComplete;
  part(p.call, button)[0].focus();
  part(p.call, button)[0].click();
}

export function part(call: HTMLElement, name: string): HTMLElement[] {
  return [...(call.shadowRoot?.querySelectorAll<HTMLElement>(`[part~="${name}"]`) ?? [])];
}

/** The camera tile of `name` on `p`'s page, not a screen's (its own reads "Ada (you)"). */
export function cameraTileOf(p: TestParticipant, name: string): HTMLElement | undefined {
  return part(p.call, 'tile').find((t) => !t.matches('[part~="screen-tile"]') && t.querySelector('[part~="name"]')?.textContent?.startsWith(name));
}

/** What `el`'s screen reader is told from now on, from its polite live region; `stop()` when done. */
export function readOut(el: HTMLElement): { said: string[]; stop(): void } {
  const region = el.shadowRoot!.querySelector('[aria-live="polite"]')!;
  const said: string[] = [];
  const observer = new MutationObserver(() => said.push(region.textContent!.trim()));
  observer.observe(region, { childList: true, subtree: true, characterData: true });
  return { said, stop: () => observer.disconnect() };
}

/** The names on the remote tiles of a call, as a person reads them. */
export function remoteNames(call: HTMLElement): string[] {
  return part(call, 'tile')
    .filter((tile) => !tile.matches('[part~="local-tile"]'))
    .map((tile) => tile.querySelector('[part~="name"]')?.textContent?.trim() ?? '');
}

function playing(video: HTMLVideoElement | null): boolean {
  return !!video && video.readyState >= 2 && video.videoWidth > 0 && !video.paused;
}

/** Names of remote participants whose video this call is showing (frames decoded, playing). */
export function namesWithVideo(call: HTMLElement): string[] {
  return part(call, 'tile')
    .filter((tile) => !tile.matches('[part~="local-tile"]'))
    .filter((tile) => playing(tile.querySelector('video')))
    .map((tile) => tile.querySelector('[part~="name"]')?.textContent?.trim() ?? '');
}

export function sameMembers(actual: string[], expected: string[]): boolean {
  return actual.length === expected.length && [...actual].sort().join('\n') === [...expected].sort().join('\n');
}

/**
 * Waits until every participant sees the video of every other one, and nobody else, and is
 * linked with them (video can show before the link does).
 */
export async function untilEveryoneSeesEveryone(people: TestParticipant[], timeout = 20_000): Promise<void> {
  const others = (p: TestParticipant) => people.filter((o) => o !== p).map((o) => o.name);
  const linked = (p: TestParticipant) => p.call.participants.map((x) => x.name);
  await until(
    () => people.every((p) => sameMembers(namesWithVideo(p.call), others(p)) && sameMembers(linked(p), others(p))),
    () => `not everyone sees everyone: ${people.map((p) => `${p.name} sees [${namesWithVideo(p.call).join(', ')}], linked [${linked(p).join(', ')}]`).join('; ')}`,
    timeout,
  );
}

export function eventsOf(p: TestParticipant, type: string): CustomEvent[] {
  return p.events.filter((e) => e.type === type);
}

/** Participants join one after another, each waiting until it is in the call. */
export async function joinAll(room: string, server: string, names: string[], extra: Record<string, string> = {}): Promise<TestParticipant[]> {
  const people: TestParticipant[] = [];
  for (const name of names) {
    const p = await addParticipant({ room, server, name, autojoin: '', ...extra });
    await until(() => p.call.phase === 'in-call', () => `${name} did not get into the call (phase ${p.call.phase})`);
    people.push(p);
  }
  return people;
}

export interface ChatParticipant {
  name: string;
  frame: HTMLIFrameElement;
  chat: RtcChat;
  /** The `<rtc-call>` beside the chat, when asked for. */
  call: RtcCall | null;
  /** Every rtc- event the page's elements fired, in order. */
  events: CustomEvent[];
  /** The page's getUserMedia requests. */
  getUserMediaCalls: MediaStreamConstraints[];
  /** Every peer connection the page built. */
  connections: RTCPeerConnection[];
  /** Makes a file of pseudo-random bytes in the participant's page. */
  makeFile(size: number, name: string, seed?: number): File;
  /** SHA-256 of a Blob, as hex. */
  sha256(blob: Blob): Promise<string>;
  /** Removes the participant's page, as when a tab is closed. */
  close(): void;
}

/**
 * A chat participant in its own page (an iframe), like a separate tab. Attributes go to its
 * `<rtc-chat>`; `withCall` puts an auto-joining `<rtc-call>` with the same room beside it
 * (`'manual'`: one that joins when the test says).
 */
export async function addChatParticipant(attributes: Record<string, string>, options: { withCall?: boolean | 'manual' } = {}): Promise<ChatParticipant> {
  const frame = document.createElement('iframe');
  frame.allow = 'camera; microphone; autoplay; display-capture';
  frame.style.cssText = 'width: 480px; height: 420px; border: 0;';
  frame.src = `/test/fixtures/chat-participant.html?${new URLSearchParams({ ...attributes, ...(options.withCall ? { 'with-call': options.withCall === 'manual' ? 'manual' : '' } : {}) })}`;
  document.body.append(frame);
  open.add(frame);
  await until(() => !!frame.contentDocument?.querySelector('rtc-chat')?.shadowRoot, 'the chat participant page did not load');
  const win = frame.contentWindow as Window & {
    rtcEvents: CustomEvent[];
    getUserMediaCalls: MediaStreamConstraints[];
    rtcConnections: RTCPeerConnection[];
    makeFile: ChatParticipant['makeFile'];
    sha256: ChatParticipant['sha256'];
  };
  return {
    name: attributes.name ?? '',
    frame,
    chat: frame.contentDocument!.querySelector('rtc-chat') as RtcChat,
    call: frame.contentDocument!.querySelector('rtc-call') as RtcCall | null,
    events: win.rtcEvents,
    getUserMediaCalls: win.getUserMediaCalls,
    connections: win.rtcConnections,
    makeFile: win.makeFile,
    sha256: win.sha256,
    close: () => {
      frame.remove();
      open.delete(frame);
    },
  };
}

/** The texts of a chat's messages as shown, oldest first. */
export function shownMessages(chat: HTMLElement): string[] {
  return part(chat, 'message').map((m) => m.querySelector('[part~="text"]')?.textContent ?? '');
}

/**
 * Loses about a third of all UDP packets in the test namespace (all of them dropped for 0.3 s in
 * every second, bursts too short for a link to count as broken) until `done()` or `timeout` ms;
 * the packets flow again after. The toggling is the scenario, not a check: the caller checks.
 */
export async function loseUdpUntil(done: () => boolean, timeout: number): Promise<void> {
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const deadline = performance.now() + timeout;
  while (!done() && performance.now() < deadline) {
    await executeServerCommand('loopback-udp', { action: 'drop' });
    await pause(300);
    await executeServerCommand('loopback-udp', { action: 'restore' });
    await pause(700);
  }
}
