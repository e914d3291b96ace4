// Screen sharing between real pages: the screen travels on the pair's one peer connection (a
// track added by renegotiation), shows large beside the cameras, and stops from the page or from
// the browser's own "Stop sharing" bar.
import { expect, fixture, html } from '@open-wc/testing';
import '../src/index.js';
import type { RtcCall } from '../src/index.js';
import { rtcServer } from './env.js';
import { closeAll, joinAll, openPeerConnections, part, pressInBar, readOut, uniqueRoom, until, untilEveryoneSeesEveryone } from './helpers.js';

const screenTile = (call: HTMLElement) => part(call, 'screen-tile')[0];
const playing = (video: HTMLVideoElement | null | undefined) => !!video && video.readyState >= 2 && video.videoWidth > 0;

describe('screen sharing', () => {
  afterEach(closeAll);

  it('shows a shared screen large on the other page, and takes it away when sharing stops', async () => {
    const [ada, bob] = await joinAll(uniqueRoom('screen'), rtcServer, ['Ada', 'Bob']);
    await untilEveryoneSeesEveryone([ada, bob]);
    // Not sharing is the usual state: the button looks like the others, not like a warning.
    const look = (name: string) => getComputedStyle(part(ada.call, name)[0]).backgroundColor;
    expect(look('screen-button'), 'Share screen, not sharing').to.equal(look('settings-button'));
    // The browser's picker is asked to leave out the call's own tab (a hall of mirrors), and to
    // let the visitor switch to another tab while sharing.
    const asked: unknown[] = [];
    const captured: MediaStream[] = [];
    const devices = ada.frame.contentWindow!.navigator.mediaDevices;
    const getDisplayMedia = devices.getDisplayMedia.bind(devices);
    devices.getDisplayMedia = async (options) => {
      asked.push(options);
      captured.push(await getDisplayMedia(options));
      return captured.at(-1)!;
    };
    await ada.call.toggleScreenShare(true);
    expect(asked).to.have.length(1);
    // A tab's sound too, never the whole system's (which carries the others' voices back to them).
    expect(asked[0]).to.include({ selfBrowserSurface: 'exclude', surfaceSwitching: 'include', video: true, audio: true, systemAudio: 'exclude' });
    await until(() => playing(screenTile(bob.call)?.querySelector('video')), 'Bob does not see Ada\'s screen');
    await ada.call.updateComplete;
    expect(part(ada.call, 'screen-button')[0].textContent!.trim()).to.equal('Stop sharing');
    expect(look('screen-button'), 'while sharing, the button stands out').to.not.equal(look('settings-button'));
    expect(screenTile(bob.call).querySelector('[part~="name"]')!.textContent).to.equal("Ada's screen");
    expect(bob.call.participants[0].screen, 'the participant carries the screen').to.not.equal(null);
    // Large, beside the cameras: wider than any camera tile.
    const width = (el: Element) => el.getBoundingClientRect().width;
    const cameras = part(bob.call, 'tile').filter((t) => !t.matches('[part~="screen-tile"]'));
    expect(cameras.length).to.equal(2);
    // (The tiles glide to their places in 0.2 s.)
    await until(() => cameras.every((c) => width(screenTile(bob.call)) > width(c)), () => `the screen ${width(screenTile(bob.call))} px wide, the cameras ${cameras.map(width).join(', ')}`);
    expect(ada.call.participants[0].stream, 'the camera still comes').to.not.equal(null);
    // The screen's tile has Pin and Full screen as a camera's has: Ada's camera pinned, then the screen again.
    const pinOf = (tile: Element) => tile.querySelector<HTMLElement>('[part~="pin-button"]')!;
    expect(pinOf(screenTile(bob.call)).getAttribute('aria-label')).to.equal("Pin Ada's screen");
    expect(screenTile(bob.call).querySelector('[part~="fullscreen-button"]'), 'Full screen on the screen').to.exist;
    const adaCamera = () => cameras.find((c) => c.textContent?.includes('Ada'))!;
    pinOf(adaCamera()).click();
    await until(() => width(adaCamera()) > width(screenTile(bob.call)), "pinning Ada's camera does not make it the large one");
    pinOf(screenTile(bob.call)).click();
    await until(() => width(screenTile(bob.call)) > width(adaCamera()), 'pinning the screen does not make it the large one');

    // Stopped from the browser's bar: the track ends.
    const track = captured[0].getVideoTracks()[0];
    track.stop();
    track.dispatchEvent(new Event('ended'));
    await until(() => !screenTile(bob.call) && !screenTile(ada.call), 'the screen is still shown');
    await untilEveryoneSeesEveryone([ada, bob]);

    // Shared again, twice: on the same sender, so the pair's connection does not grow.
    const transceivers = () => openPeerConnections(ada).map((pc) => pc.getTransceivers().length);
    const before = transceivers();
    expect(before, 'one connection').to.have.length(1);
    for (let i = 1; i <= 2; i++) {
      await ada.call.toggleScreenShare(true);
      await until(() => playing(screenTile(bob.call)?.querySelector('video')), `Bob does not see Ada's screen shared again (${i})`);
      await ada.call.toggleScreenShare(false);
      await until(() => !screenTile(bob.call) && !screenTile(ada.call), `the screen shared again (${i}) is still shown`);
    }
    expect(transceivers(), "the pair's transceivers").to.deep.equal(before);
    await untilEveryoneSeesEveryone([ada, bob]);
  });

  it("plays a shared tab's sound on the other pages, silenced with its sharer by Mute for you, gone when sharing stops", async () => {
    const [ada, bob] = await joinAll(uniqueRoom('screen-sound'), rtcServer, ['Ada', 'Bob']);
    await untilEveryoneSeesEveryone([ada, bob]);
    // Chromium's fake capture gives a screen with a sound, as a tab shared with its sound does.
    await ada.call.toggleScreenShare(true);
    expect(ada.call.localStream, 'Ada shares her microphone as before').to.not.equal(null);
    const sound = () => screenTile(bob.call)?.querySelector<HTMLAudioElement>('audio[part~="screen-audio"]');
    const track = () => (sound()?.srcObject as MediaStream | null)?.getAudioTracks()[0];
    await until(() => track()?.readyState === 'live', "no sound on Ada's screen at Bob's page");
    // Its own track, not Ada's microphone, and it plays.
    const microphone = part(bob.call, 'tile').find((t) => t.textContent!.includes('Ada') && !t.matches('[part~="screen-tile"]'))!.querySelector<HTMLAudioElement>('[part~="remote-audio"]')!;
    expect((microphone.srcObject as MediaStream).getAudioTracks().map((t) => t.id), "Ada's microphone").to.not.include(track()!.id);
    await until(() => !sound()!.paused && !sound()!.muted, 'the sound does not play');
    // Its packets come, and carry sound.
    const pc = openPeerConnections(bob).find((c) => c.getReceivers().some((r) => r.track === track()))!;
    expect(pc, "the connection it comes on").to.exist;
    const received = async () => {
      let energy = 0;
      (await pc.getStats()).forEach((s: { type: string; trackIdentifier?: string; totalAudioEnergy?: number }) => {
        if (s.type === 'inbound-rtp' && s.trackIdentifier === track()!.id) energy = s.totalAudioEnergy ?? 0;
      });
      return energy;
    };
    const first = await received();
    const deadline = performance.now() + 10_000;
    while ((await received()) <= first) {
      if (performance.now() > deadline) throw new Error('no sound comes with the screen');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Not played back on the sharer's own page: the tab plays there already.
    expect(part(ada.call, 'screen-audio'), "on Ada's page").to.have.length(0);

    // Mute for you silences Ada's screen with her microphone, and both come back.
    await pressInBar(bob, 'people-button');
    const mute = () => part(bob.call, 'person-mute-button')[0];
    await until(() => !!mute(), 'no Mute for you');
    mute().click();
    await until(() => sound()!.muted && microphone.muted, "Ada's screen or microphone still heard");
    mute().click();
    await until(() => !sound()!.muted && !microphone.muted, "Ada's screen or microphone not heard again");

    // Sharing stops: the sound goes with the screen.
    await ada.call.toggleScreenShare(false);
    await until(() => part(bob.call, 'screen-audio').length === 0 && !screenTile(bob.call), "Ada's screen or its sound stays");
  });

  it('shows the sharer a card instead of their own whole screen, with Stop sharing and Show it here', async () => {
    const el = await fixture<RtcCall>(html`<rtc-call room=${uniqueRoom('whole')} server=${rtcServer} name="Ada" autojoin style="width: 800px; height: 500px"></rtc-call>`);
    await until(() => el.phase === 'in-call', 'Ada did not get into the call');
    const tile = () => screenTile(el);
    const focused = () => el.shadowRoot!.activeElement;
    // Chromium's stand-in for the picker shares a whole screen (displaySurface "monitor"): the
    // screen the call is on, which would show itself inside itself, over and over.
    await el.toggleScreenShare(true);
    await el.updateComplete;
    expect(tile().querySelector('video'), 'a picture of the screen').to.equal(null);
    expect(tile().querySelector('[part~="sharing-card"]')?.textContent).to.contain('You are sharing your whole screen');
    expect(tile().querySelector('[part~="name"]')!.textContent).to.equal('Your screen');
    expect(tile().querySelector('[part~="fullscreen-button"]'), 'Full screen for a card').to.equal(null);
    expect(tile().querySelector('[part~="pin-button"]'), 'Pin').to.exist;

    // Show it here: its picture after all (a second monitor, say), focus on the tile's Pin.
    part(el, 'show-screen-button')[0].click();
    await until(() => playing(tile()?.querySelector('video')), 'the screen is not shown after Show it here');
    await until(() => focused() === tile().querySelector('[part~="pin-button"]'), () => `focus is on ${focused()?.getAttribute('part')}`);
    expect(tile().querySelector('[part~="fullscreen-button"]'), 'Full screen for the picture').to.exist;
    // Shared anew, the card again.
    await el.toggleScreenShare(false);
    await el.toggleScreenShare(true);
    await el.updateComplete;
    expect(tile().querySelector('[part~="sharing-card"]'), 'the card for a new share').to.exist;

    // The card's Stop sharing: the share stops, focus goes to Share screen.
    const stop = part(el, 'stop-sharing-button')[0];
    stop.focus();
    stop.click();
    await until(() => !tile() && focused() === part(el, 'screen-button')[0], () => `the screen is still shared (${!!tile()}), or focus is on ${focused()?.getAttribute('part')}`);
    expect(part(el, 'screen-button')[0].textContent!.trim()).to.equal('Share screen');

    // A window or a tab is shown: it does not hold the call's tab.
    const devices = navigator.mediaDevices;
    const getDisplayMedia = devices.getDisplayMedia;
    devices.getDisplayMedia = async (options) => {
      const stream = await getDisplayMedia.call(devices, options);
      const track = stream.getVideoTracks()[0];
      const settings = track.getSettings.bind(track);
      track.getSettings = () => ({ ...settings(), displaySurface: 'window' });
      return stream;
    };
    try {
      await el.toggleScreenShare(true);
      await until(() => playing(tile()?.querySelector('video')), 'a shared window is not shown');
      expect(tile().querySelector('[part~="sharing-card"]')).to.equal(null);
    } finally {
      devices.getDisplayMedia = getDisplayMedia;
    }
  });

  it('stops the screen shared, and the camera, when the page switches them off during the call', async () => {
    const [ada, bob] = await joinAll(uniqueRoom('switched-off'), rtcServer, ['Ada', 'Bob']);
    await untilEveryoneSeesEveryone([ada, bob]);
    await ada.call.toggleScreenShare(true);
    await until(() => playing(screenTile(bob.call)?.querySelector('video')), "Bob does not see Ada's screen");
    ada.call.noScreenShare = true;
    await until(() => !screenTile(bob.call) && !screenTile(ada.call), 'the screen is still shared without its Stop button');
    ada.call.audioOnly = true;
    await until(() => bob.call.participants.find((p) => p.name === 'Ada')?.cam === false, "Ada's camera still goes to Bob");
    expect(ada.call.localStream?.getVideoTracks().filter((t) => t.readyState === 'live' && t.enabled) ?? []).to.have.length(0);
  });

  it("reads out to the others who started sharing a screen, and when they stopped", async () => {
    const [ada, bob] = await joinAll(uniqueRoom('screen-said'), rtcServer, ['Ada', 'Bob']);
    await untilEveryoneSeesEveryone([ada, bob]);
    // What Bob's screen reader is told.
    const { said, stop } = readOut(bob.call);
    try {
      await ada.call.toggleScreenShare(true);
      await until(() => playing(screenTile(bob.call)?.querySelector('video')), "Bob does not see Ada's screen");
      await until(() => said.some((t) => t.includes('Ada is sharing a screen')), () => `Bob is not told: ${JSON.stringify(said)}`, 5_000);
      await ada.call.toggleScreenShare(false);
      await until(() => !screenTile(bob.call), "Ada's screen is still shown");
      await until(() => said.some((t) => t.includes('Ada stopped sharing a screen')), () => `Bob is not told: ${JSON.stringify(said)}`, 5_000);
      expect(said.filter((t) => t.includes('Ada is sharing a screen')), 'said once').to.have.length(1);
    } finally {
      stop();
    }
  });

  it('offers no screen sharing with no-screen-share', async () => {
    const [ada] = await joinAll(uniqueRoom('no-screen'), rtcServer, ['Ada'], { 'no-screen-share': '' });
    expect(part(ada.call, 'screen-button')).to.have.length(0);
    await ada.call.toggleScreenShare(true);
    expect(screenTile(ada.call)).to.equal(undefined);
  });
});
