import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { rtcServer } from '../../../test/env.js';
import { FakeNetwork } from '../../../test/fakes/peerjs.js';
import { part, uniqueRoom, until } from '../../../test/helpers.js';
import type { RtcErrorEvent } from '../../events/error.js';
import './call.js';
import type { RtcCall } from './call.js';

describe('<rtc-call> element', () => {
  it('waits for the visitor with a join button, and asks for no device until then', async () => {
    const el = await fixture<RtcCall>(html`<rtc-call room="lobby" server=${rtcServer}></rtc-call>`);
    expect(el.phase).to.equal('idle');
    expect(el.matches(':state(idle)')).to.equal(true);
    expect(part(el, 'join-button')[0].textContent).to.contain('Join call');
    expect(el.localStream).to.equal(null);
    await expect(el).to.be.accessible();
  });

  // The event's message (English, for developers) and what the element shows (its language's table), when they differ.
  const badConfigs: [string, Record<string, string>, string, string?][] = [
    ['no room', { room: ' ' }, 'No room given'],
    ['a server that is not a URL', { server: 'calls.example.com' }, 'not a URL', 'must be an https:// or http:// URL'],
    ['malformed ice-servers', { 'ice-servers': '[{"urls":' }, 'ice-servers is not valid JSON', 'ice-servers must be a JSON array'],
    ['an impossible max-participants', { 'max-participants': '1' }, 'max-participants must be'],
  ];
  for (const [label, attributes, text, shown = text] of badConfigs) {
    it(`shows ${label} in the element and fires rtc-error`, async () => {
      const el = document.createElement('rtc-call');
      el.setAttribute('room', 'r');
      el.setAttribute('server', rtcServer);
      for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, v);
      const container = await fixture(html`<div></div>`);
      container.append(el);
      await el.updateComplete;
      const errored = oneEvent(el, 'rtc-error') as Promise<RtcErrorEvent>;
      const joined = el.join().then(
        () => 'joined',
        () => 'rejected',
      );
      const { detail } = await errored;
      expect(detail).to.include({ type: 'invalid-config', fatal: true });
      expect(detail.message).to.contain(text);
      expect(await joined).to.equal('rejected');
      await el.updateComplete;
      expect(el.matches(':state(error)')).to.equal(true);
      expect(part(el, 'error')[0].textContent).to.contain(shown);
      await expect(el).to.be.accessible();
    });
  }

  it('keeps saying what setting is wrong until that one changes, and says it once', async () => {
    const errors: string[] = [];
    const el = await fixture<RtcCall>(html`<rtc-call autojoin room="r" server=${rtcServer} max-participants="1" @rtc-error=${(e: RtcErrorEvent) => errors.push(e.detail.type)}></rtc-call>`);
    await until(() => el.phase === 'error', () => `phase ${el.phase}`);
    // Something else changes: the error stays, and is not said again.
    el.name = 'Ada';
    await el.updateComplete;
    expect(el.phase).to.equal('error');
    expect(part(el, 'error')[0].textContent).to.contain('max-participants');
    // The setting at fault is corrected: the call goes in (autojoin).
    el.maxParticipants = 4;
    await until(() => el.phase === 'in-call', () => `phase ${el.phase}`);
    expect(errors, 'said once').to.deep.equal(['invalid-config']);
    await el.leave();
  });

  it('joining on its own, shows that it is joining even while the server does not answer', async () => {
    const net = new FakeNetwork();
    net.silent = true;
    const el = await fixture<RtcCall>(html`<rtc-call autojoin room=${uniqueRoom()} server=${rtcServer} .peerFactory=${net.factory}></rtc-call>`);
    await until(() => part(el, 'status')[0]?.textContent === 'Joining…', 'nothing shown while joining');
    expect(el.matches(':state(joining)')).to.equal(true);
    expect(part(el, 'leave-button')).to.have.length(1);
    await el.leave();
  });

  it('joins the new room when the room changes while it is still joining, and says it left the old one once', async () => {
    const gum = navigator.mediaDevices.getUserMedia;
    let release!: () => void;
    const prompt = new Promise<void>((resolve) => (release = resolve));
    // The camera prompt stays open until the test answers it.
    navigator.mediaDevices.getUserMedia = async (c) => (await prompt, gum.call(navigator.mediaDevices, c));
    try {
      const [first, second] = [uniqueRoom('first'), uniqueRoom('second')];
      const el = await fixture<RtcCall>(html`<rtc-call autojoin room=${first} server=${rtcServer}></rtc-call>`);
      const events: string[] = [];
      for (const type of ['rtc-joined', 'rtc-left']) el.addEventListener(type, (e) => events.push(`${type} ${(e as CustomEvent<{ room: string }>).detail.room === second ? 'second' : 'first'}`));
      await until(() => el.phase === 'joining', () => `phase ${el.phase}`);
      el.room = second;
      await el.updateComplete;
      release();
      await until(() => el.phase === 'in-call', () => `phase ${el.phase}`);
      expect(events).to.deep.equal(['rtc-left first', 'rtc-joined second']);
      // Left, and removed while the goodbyes are still going out, and left again.
      const leaving = el.leave();
      el.remove();
      await leaving;
      await el.leave();
      expect(events, 'one rtc-left however often it is left').to.deep.equal(['rtc-left first', 'rtc-joined second', 'rtc-left second']);
    } finally {
      navigator.mediaDevices.getUserMedia = gum;
    }
  });

  it('does not go into the new room when removed just after its room changed', async () => {
    const [first, second] = [uniqueRoom('move-first'), uniqueRoom('move-second')];
    const el = await fixture<RtcCall>(html`<rtc-call room=${first} server=${rtcServer}></rtc-call>`);
    await el.join();
    const tracks = el.localStream!.getTracks();
    el.room = second;
    el.remove();
    // A join into the new room would follow the leave at once: the call would never rest at "left".
    await until(() => el.phase === 'left', () => `phase ${el.phase}`);
    await el.updateComplete;
    expect(el.phase).to.equal('left');
    expect(el.localStream).to.equal(null);
    expect(tracks.map((t) => t.readyState), 'camera and microphone').to.deep.equal(tracks.map(() => 'ended'));
  });

  it('ends the call and says why when the room takes it back for good (joining again after a lost link is refused)', async () => {
    const net = new FakeNetwork();
    const el = await fixture<RtcCall>(html`<rtc-call room=${uniqueRoom('refused')} server=${rtcServer} .peerFactory=${net.factory}></rtc-call>`);
    await el.join();
    part(el, 'mic-button')[0].focus();
    const left: string[] = [];
    const errors: string[] = [];
    el.addEventListener('rtc-left', (e) => left.push(e.detail.reason));
    el.addEventListener('rtc-error', (e) => errors.push(`${e.detail.type} ${e.detail.fatal}`));
    // The server loses the page, gives its id to someone else, and then refuses new peers (a key
    // that the server no longer takes, say).
    const id = el.peerId!;
    net.down = true;
    (net.peers.get(id) as unknown as { loseServer(): void }).loseServer();
    const squatter = net.factory(id, {} as never);
    await until(() => net.peers.get(id) === (squatter as unknown), 'the squatter did not get the id');
    net.refuses = 'server-error';
    net.down = false;
    await until(() => el.phase === 'error', () => `phase ${el.phase}`, 15_000);
    expect(left).to.deep.equal(['error']);
    // The link's loss, said as it happened; then why the call ended.
    expect(errors).to.deep.equal(['disconnected false', 'invalid-key true']);
    expect(part(el, 'error')[0].textContent).to.contain('The call server refused the key this site gave it.');
    expect(el.localStream, 'camera and microphone stopped').to.equal(null);
    await until(() => part(el, 'error')[0].matches(':focus-within'), () => `focus went to ${el.shadowRoot!.activeElement?.getAttribute('part') ?? document.activeElement?.tagName}, not to why the call ended`);
  });

  it('shows a newcomer, and sends them media, only once their link said hello', async () => {
    // A fake PeerServer whose data connections open late: nothing may go ahead of the link.
    const net = new FakeNetwork();
    const room = uniqueRoom();
    // Separate servers in the page's eyes, so two sessions; the fake network is one room.
    const make = (name: string, port: number) =>
      fixture<RtcCall>(html`<rtc-call room=${room} server=${`http://127.0.0.1:${port}/`} name=${name} .peerFactory=${net.factory}></rtc-call>`);
    const ada = await make('Ada', 1);
    await ada.join();
    net.openDelay = 300;
    const bob = await make('Bob', 2);
    // Media offers on the pair's connection: none may go out before the link is up.
    const offers = () => [...net.peers.values()].flatMap((p) => [...p.connections]).reduce((n, c) => n + c.peerConnection.offers, 0);
    let callsAtJoin = -1;
    bob.addEventListener('rtc-participant-joined', () => (callsAtJoin = offers()), { once: true });
    const tiles = () => [...bob.renderRoot.querySelectorAll<HTMLElement>('[part~="tile"][data-peer-id^="rtc-"]')];
    const seen: string[] = [];
    const observer = new MutationObserver(() => tiles().forEach((t) => seen.push(t.dataset.connection ?? '')));
    observer.observe(bob.renderRoot, { subtree: true, childList: true, attributes: true });
    await bob.join();
    await until(() => tiles().length === 1 && !!bob.participants[0]?.stream, 'Ada never showed up with her media');
    observer.disconnect();
    expect(seen.every((c) => c === 'connected'), `tile states: ${seen}`).to.equal(true);
    expect(callsAtJoin, 'no media offered before the link').to.equal(0);
    expect(tiles()[0].querySelector('[part~="name"]')!.textContent).to.equal('Ada');
    await bob.leave();
    await ada.leave();
  });

  it('joins with camera and microphone, toggles them, and leaves with every track stopped', async () => {
    const el = await fixture<RtcCall>(html`<rtc-call room=${uniqueRoom()} server=${rtcServer} name="Ada"></rtc-call>`);
    const joined = oneEvent(el, 'rtc-joined');
    part(el, 'join-button')[0].click();
    expect((await joined).detail.id).to.match(/^rtc-/);
    await el.updateComplete;
    expect(el.matches(':state(in-call)')).to.equal(true);
    const stream = el.localStream!;
    expect(stream.getTracks().map((t) => t.kind).sort()).to.deep.equal(['audio', 'video']);
    expect(part(el, 'local-video')).to.have.length(1);
    expect(part(el, 'status')[0].textContent).to.contain('1 in call');
    await expect(el).to.be.accessible();

    // Each button's words say what pressing it will do.
    const mic = part(el, 'mic-button')[0];
    expect(mic.textContent!.trim()).to.equal('Mute');
    mic.click();
    await el.updateComplete;
    expect(mic.textContent!.trim()).to.equal('Unmute');
    expect(stream.getAudioTracks()[0].enabled).to.equal(false);
    expect(part(el, 'local-tile')[0].querySelector('[part~="mic-off"]'), 'your own tile shows you are muted').to.exist;
    const camera = part(el, 'camera-button')[0];
    expect(camera.textContent!.trim()).to.equal('Turn camera off');
    const first = stream.getVideoTracks()[0];
    camera.click();
    await el.updateComplete;
    expect(camera.textContent!.trim()).to.equal('Turn camera on');
    expect(first.readyState, 'the camera is stopped: its light goes out').to.equal('ended');
    expect(part(el, 'local-video'), 'a placeholder replaces the preview').to.have.length(0);
    // On again: asked for again, and shown.
    camera.click();
    await until(() => part(el, 'local-video').length === 1 && el.cameraOn, 'the camera did not come back');
    expect(camera.textContent!.trim()).to.equal('Turn camera off');
    expect(el.localStream!.getVideoTracks().filter((t) => t.readyState === 'live' && t.enabled)).to.have.length(1);

    const tracks = [...stream.getTracks(), ...el.localStream!.getTracks()];
    const left = oneEvent(el, 'rtc-left');
    part(el, 'leave-button')[0].click();
    expect((await left).detail.reason).to.equal('user');
    expect(tracks.every((t) => t.readyState === 'ended')).to.equal(true);
    await el.updateComplete;
    expect(el.matches(':state(left)')).to.equal(true);
    expect(part(el, 'join-button')[0].textContent).to.contain('Join again');
    await expect(el).to.be.accessible();

    // And back in, with a fresh peer id.
    const rejoined = oneEvent(el, 'rtc-joined');
    part(el, 'join-button')[0].click();
    await rejoined;
    await el.leave();
  });

  it('starts the call with the microphone and camera a page switched off before joining', async () => {
    const el = await fixture<RtcCall>(html`<rtc-call room=${uniqueRoom('before')} server=${rtcServer}></rtc-call>`);
    await el.toggleMicrophone(false);
    await el.toggleCamera(false);
    await el.join();
    await until(() => el.localStream !== null && el.localStream.getTracks().every((t) => !t.enabled || t.readyState === 'ended'), () => `tracks: ${el.localStream?.getTracks().map((t) => `${t.kind} ${t.enabled} ${t.readyState}`)}`);
    expect(el.localStream!.getAudioTracks().map((t) => t.enabled), 'the microphone, there and muted').to.deep.equal([false]);
    await el.toggleMicrophone();
    expect(el.localStream!.getAudioTracks()[0].enabled).to.equal(true);
    await el.leave();
  });

  it('stops the camera and leaves when removed from the page', async () => {
    const el = await fixture<RtcCall>(html`<rtc-call autojoin room=${uniqueRoom()} server=${rtcServer}></rtc-call>`);
    await until(() => el.phase === 'in-call', 'did not join');
    const stream = el.localStream!;
    const left = oneEvent(el, 'rtc-left');
    el.remove();
    expect((await left).detail.reason).to.equal('removed');
    expect(stream.getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
  });

  it('stays in the call when moved within the page', async () => {
    const el = await fixture<RtcCall>(html`<rtc-call autojoin room=${uniqueRoom()} server=${rtcServer}></rtc-call>`);
    await until(() => el.phase === 'in-call', 'did not join');
    const id = el.peerId;
    document.body.append(el);
    await new Promise((resolve) => requestAnimationFrame(resolve));
    expect(el.phase).to.equal('in-call');
    expect(el.peerId).to.equal(id);
    await el.leave();
    el.remove();
  });

  it("lays the stage out from its first render (its rules come with the stage's code), and adds them once however often it joins", async () => {
    const el = await fixture<RtcCall>(html`<rtc-call room=${uniqueRoom('stage-styles')} server=${rtcServer}></rtc-call>`);
    const root = el.shadowRoot!;
    const sheets = root.adoptedStyleSheets.length;
    // Read as the stage first shows, before the browser paints it.
    let firstGrid = '';
    const watch = new MutationObserver(() => {
      const grid = part(el, 'grid')[0];
      if (grid && !firstGrid) firstGrid = getComputedStyle(grid).position;
    });
    watch.observe(root, { childList: true, subtree: true });
    try {
      for (const round of ['first call', 'call after a leave']) {
        await el.join();
        await el.updateComplete;
        // The tiles are placed in the stage, and the buttons lie in a bar below it.
        expect(getComputedStyle(part(el, 'grid')[0]).position, round).to.equal('absolute');
        expect(getComputedStyle(part(el, 'local-tile')[0]).position, round).to.equal('absolute');
        expect(getComputedStyle(part(el, 'controls')[0]).display, round).to.equal('flex');
        expect(root.adoptedStyleSheets.length, `${round}: the stage's, the people list's and the chat panel's sheets, once`).to.equal(sheets + 3);
        await el.leave();
        await el.updateComplete;
      }
      expect(firstGrid, "the stage's first render").to.equal('absolute');
    } finally {
      watch.disconnect();
    }
  });

  it("keeps a phone's screen on during the call, again when the page shows after it was hidden, and lets it go on leaving", async () => {
    // A phone turns its screen off when nobody touches it, and its browser then stops the page.
    const locks: WakeLockSentinel[] = [];
    const { request } = navigator.wakeLock;
    navigator.wakeLock.request = async (type) => {
      const lock = await request.call(navigator.wakeLock, type);
      locks.push(lock);
      return lock;
    };
    try {
      const el = await fixture<RtcCall>(html`<rtc-call room=${uniqueRoom('awake')} server=${rtcServer}></rtc-call>`);
      expect(locks, 'not in the lobby').to.have.length(0);
      await el.join();
      await until(() => locks.length === 1 && !locks[0].released, 'no screen wake lock in the call');
      // Hidden, the browser lets the lock go; shown again, the element takes another.
      await locks[0].release();
      document.dispatchEvent(new Event('visibilitychange'));
      await until(() => locks.length === 2 && !locks[1].released, 'no screen wake lock once the page shows again');
      await el.leave();
      await until(() => locks[1].released, 'the lock is kept after leaving');
      expect(locks).to.have.length(2);
    } finally {
      delete (navigator.wakeLock as Partial<WakeLock>).request;
    }
  });

  it("mirrors the picture of a camera that faces the visitor, not of one that faces away (a phone's back camera)", async () => {
    // The fake camera says no facing; a phone's back camera says `environment`.
    let facing: string | undefined;
    const { getUserMedia } = navigator.mediaDevices;
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const stream = await getUserMedia.call(navigator.mediaDevices, constraints);
      for (const track of stream.getVideoTracks()) {
        const settings = track.getSettings();
        track.getSettings = () => ({ ...settings, facingMode: facing });
      }
      return stream;
    };
    const mirrored = (video: HTMLElement) => getComputedStyle(video).transform === 'matrix(-1, 0, 0, 1, 0, 0)';
    try {
      const el = await fixture<RtcCall>(html`<rtc-call room=${uniqueRoom('facing')} server=${rtcServer} name="Ada"></rtc-call>`);
      facing = 'environment';
      part(el, 'check-button')[0].click();
      await until(() => part(el, 'preview-video').length === 1, 'no preview');
      expect(mirrored(part(el, 'preview-video')[0]), 'the lobby: the back camera').to.equal(false);
      await el.join();
      await el.updateComplete;
      expect(mirrored(part(el, 'local-video')[0]), 'the call: the back camera').to.equal(false);
      facing = 'user';
      await el.switchDevice('videoinput', el.localStream!.getVideoTracks()[0].getSettings().deviceId!);
      await el.updateComplete;
      expect(mirrored(part(el, 'local-video')[0]), 'the call: the front camera').to.equal(true);
      await el.leave();
    } finally {
      delete (navigator.mediaDevices as Partial<MediaDevices>).getUserMedia;
    }
  });

  it('joins audio-only when asked, without touching the camera', async () => {
    const el = await fixture<RtcCall>(html`<rtc-call autojoin audio-only room=${uniqueRoom()} server=${rtcServer}></rtc-call>`);
    await until(() => el.phase === 'in-call', 'did not join');
    expect(el.localStream!.getTracks().map((t) => t.kind)).to.deep.equal(['audio']);
    expect(el.cameraOn).to.equal(false);
    expect((part(el, 'camera-button')[0] as HTMLButtonElement).disabled).to.equal(true);
    await el.leave();
  });
});
