// What a page is told of its own microphone, camera, screen sharing and raised hand in a call
// (`rtc-local-updated`), for pages that show them in their own UI.
import { expect } from '@open-wc/testing';
import type { RtcLocalUpdatedDetail } from '../src/index.js';
import { rtcServer } from './env.js';
import { closeAll, joinAll, part, uniqueRoom, until } from './helpers.js';

describe('<rtc-call> rtc-local-updated', () => {
  afterEach(closeAll);

  it('tells the page of each change of its own microphone, camera, screen and hand, whoever made it, but not of a property it set', async () => {
    const [ada] = await joinAll(uniqueRoom('own-state'), rtcServer, ['Ada']);
    const told: RtcLocalUpdatedDetail[] = [];
    // Heard on the page's document: the event bubbles out of the element.
    ada.frame.contentDocument!.addEventListener('rtc-local-updated', (e) => told.push((e as CustomEvent<RtcLocalUpdatedDetail>).detail));
    const state = (microphoneOn: boolean, cameraOn: boolean, sharingScreen: boolean, handRaised: boolean) => ({ microphoneOn, cameraOn, sharingScreen, handRaised });
    const toldNext = async (what: string) => {
      const count = told.length;
      await until(() => told.length > count, `not told: ${what}`);
      expect(told.length, `told more than once: ${what}`).to.equal(count + 1);
      return told.at(-1);
    };

    part(ada.call, 'mic-button')[0].click();
    expect(await toldNext('the Mute button'), 'muted').to.deep.equal(state(false, true, false, false));
    void ada.call.toggleCamera(false);
    expect(await toldNext('toggleCamera(false)'), 'camera off').to.deep.equal(state(false, false, false, false));
    ada.call.toggleHand(true);
    expect(await toldNext('toggleHand(true)'), 'hand up').to.deep.equal(state(false, false, false, true));

    const devices = ada.frame.contentWindow!.navigator.mediaDevices;
    const getDisplayMedia = devices.getDisplayMedia.bind(devices);
    const captured: MediaStream[] = [];
    devices.getDisplayMedia = async (options) => (captured.push(await getDisplayMedia(options)), captured.at(-1)!);
    void ada.call.toggleScreenShare(true);
    expect(await toldNext('sharing'), 'sharing').to.deep.equal(state(false, false, true, true));
    expect(ada.call.sharingScreen).to.equal(true);
    // Stopped from the browser's own bar: the track ends.
    const track = captured[0].getVideoTracks()[0];
    track.stop();
    track.dispatchEvent(new Event('ended'));
    expect(await toldNext("the browser's Stop sharing"), 'sharing stopped').to.deep.equal(state(false, false, false, true));

    void ada.call.toggleCamera(true);
    expect(await toldNext('toggleCamera(true)'), 'camera on').to.deep.equal(state(false, true, false, true));
    // The page sets audio-only: the camera stops, and the page, which did it, is not told.
    const quietFrom = told.length;
    ada.call.audioOnly = true;
    await until(() => !ada.call.cameraOn, 'the camera stays on with audio-only');
    ada.call.toggleHand(false);
    expect(await toldNext('toggleHand(false)'), 'hand down, the camera off since audio-only').to.deep.equal(state(false, false, false, false));
    expect(told.length, 'told of what audio-only changed').to.equal(quietFrom + 1);
    const before = told.length;
    await ada.call.leave();
    await ada.call.updateComplete;
    expect(told.length, 'told of the call ending').to.equal(before);
  });
});
