// A page script (or an impatient visitor) driving <rtc-call> fast and in odd orders: a leave
// with a move, toggles as the call ends, joins as it ends, settings while joining, a join off
// the page. Each ends as the last thing asked for says, with no device left on.
import { expect } from '@open-wc/testing';
import { rtcServer } from './env.js';
import { addParticipant, closeAll, uniqueRoom, until } from './helpers.js';
import '../src/index.js';
import type { RtcCall } from '../src/index.js';

/** Every track getUserMedia gave the page from now on. */
function recordTracks(): { live(): string[]; restore(): void } {
  const original = navigator.mediaDevices.getUserMedia;
  const tracks: MediaStreamTrack[] = [];
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await original.call(navigator.mediaDevices, constraints);
    tracks.push(...stream.getTracks());
    return stream;
  };
  return {
    live: () => tracks.filter((t) => t.readyState === 'live').map((t) => t.kind),
    restore: () => (navigator.mediaDevices.getUserMedia = original),
  };
}

/** A call on the page, not joined. */
function call(room: string, attributes: Record<string, string> = {}): RtcCall {
  const el = document.createElement('rtc-call');
  for (const [name, value] of Object.entries({ room, server: rtcServer, name: 'Ada', ...attributes })) el.setAttribute(name, value);
  document.body.append(el);
  return el;
}

/** Lets what a settled promise set going (a join queued behind a leave) start. */
const aTask = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('<rtc-call> driven fast', () => {
  let tracks: ReturnType<typeof recordTracks>;
  beforeEach(() => (tracks = recordTracks()));
  afterEach(() => {
    tracks.restore();
    for (const el of document.querySelectorAll('rtc-call')) el.remove();
    closeAll();
  });

  for (const [label, move] of [
    ['its room changes', (el: RtcCall) => (el.room = uniqueRoom('elsewhere'))],
    ['its password changes', (el: RtcCall) => (el.password = 'another')],
  ] as const) {
    it(`stays out when leave() comes in the same task as ${label}, either order`, async () => {
      for (const leaveFirst of [false, true]) {
        const el = call(uniqueRoom('leave-move'));
        await el.join();
        const events: string[] = [];
        for (const type of ['rtc-joined', 'rtc-left']) el.addEventListener(type, () => events.push(type));
        if (leaveFirst) {
          const leaving = el.leave();
          move(el);
          await leaving;
        } else {
          move(el);
          await el.leave();
        }
        await aTask();
        // Out, and showing the lobby of the new room, which it never joined.
        expect({ phase: el.phase, events, live: tracks.live() }, `leave ${leaveFirst ? 'first' : 'second'}`).to.deep.equal({ phase: 'idle', events: ['rtc-left'], live: [] });
        el.remove();
      }
    });
  }

  for (const toggle of ['toggleCamera', 'toggleMicrophone', 'switchDevice'] as const) {
    it(`leaves no device on when ${toggle}() comes right after leave()`, async () => {
      const el = call(uniqueRoom('leave-toggle'));
      await el.join();
      const camera = (await navigator.mediaDevices.enumerateDevices()).find((d) => d.kind === 'videoinput')!.deviceId;
      const leaving = el.leave();
      await (toggle === 'switchDevice' ? el.switchDevice('videoinput', camera) : el[toggle]());
      await leaving;
      await aTask();
      expect({ phase: el.phase, live: tracks.live() }).to.deep.equal({ phase: 'left', live: [] });
    });
  }

  it('joins when join() comes right after leave(), and stays; join(), leave(), join() ends in the call', async () => {
    const el = call(uniqueRoom('leave-join'));
    await el.join();
    void el.leave();
    await el.join();
    await aTask();
    expect(el.phase).to.equal('in-call');
    const events: string[] = [];
    for (const type of ['rtc-joined', 'rtc-left']) el.addEventListener(type, () => events.push(type));
    void el.leave();
    const again = el.join();
    void el.leave();
    await again;
    await aTask();
    expect({ phase: el.phase, events, live: tracks.live() }, 'the last word was leave()').to.deep.equal({ phase: 'left', events: ['rtc-left'], live: [] });
  });

  it('joins again when an autojoin call is taken off the page and put back at once', async () => {
    const room = uniqueRoom('remount');
    const bob = await addParticipant({ room, server: rtcServer, name: 'Bob', autojoin: '' });
    const el = call(room, { autojoin: '' });
    await until(() => el.phase === 'in-call' && el.participants.length === 1, () => `phase ${el.phase}`);
    el.remove();
    await aTask();
    document.body.append(el);
    await until(() => el.phase === 'in-call' && el.participants.length === 1, () => `after being put back, phase ${el.phase}`);
    await until(() => bob.call.participants.length === 1, 'Bob does not see Ada again');
  });

  it('refuses join() off the page, which nothing would ever end', async () => {
    const el = call(uniqueRoom('detached'));
    el.remove();
    const error = await el.join().then(
      () => null,
      (e: DOMException) => e,
    );
    expect(error?.name).to.equal('InvalidStateError');
    expect({ phase: el.phase, live: tracks.live() }).to.deep.equal({ phase: 'idle', live: [] });
  });

  it('follows the camera and audio-only as they were set while joining', async () => {
    const on = call(uniqueRoom('while-joining'));
    await on.toggleCamera(false);
    const joining = on.join();
    await until(() => on.phase === 'joining', () => `phase ${on.phase}`);
    await aTask(); // the devices were asked for, without the camera
    await on.toggleCamera(true);
    await joining;
    await until(() => on.cameraOn, 'the camera switched on while joining is off in the call');

    const audioOnly = call(uniqueRoom('while-joining'));
    const joined = audioOnly.join();
    await until(() => audioOnly.phase === 'joining', () => `phase ${audioOnly.phase}`);
    audioOnly.audioOnly = true;
    await joined;
    await until(() => !audioOnly.cameraOn, 'audio-only set while joining: the camera is on in the call');
    expect(audioOnly.localStream!.getVideoTracks().filter((t) => t.readyState === 'live' && t.enabled), 'no camera sent').to.have.length(0);
  });
});
