// People without a camera, or without any device: audio-only by the page's choice, no camera
// plugged in, nothing plugged in. What they and the others see must be what is sent.
import { expect } from '@open-wc/testing';
import { rtcServer } from './env.js';
import { addParticipant, closeAll, joinAll, namesWithVideo, part, uniqueRoom, until } from './helpers.js';

describe('<rtc-call> without a camera', () => {
  afterEach(closeAll);

  it('keeps the camera off in an audio-only call, whatever the page asks', async () => {
    const room = uniqueRoom('audio-only');
    const [ada] = await joinAll(room, rtcServer, ['Ada']);
    const [bob] = await joinAll(room, rtcServer, ['Bob'], { 'audio-only': '' });
    await until(() => ada.call.participants.some((p) => p.name === 'Bob'), 'Ada does not have Bob in the call');
    await bob.call.toggleCamera(true);
    await bob.call.toggleCamera();
    expect(bob.call.cameraOn, 'cameraOn').to.equal(false);
    expect(bob.call.localStream?.getVideoTracks() ?? [], "Bob's camera tracks").to.have.length(0);
    const button = part(bob.call, 'camera-button')[0] as HTMLButtonElement;
    expect([button.disabled, button.hasAttribute('data-off')], 'the camera button: disabled, showing it off').to.deep.equal([true, true]);
    expect(ada.call.participants.find((p) => p.name === 'Bob')!.cam, "Bob's camera at Ada").to.equal(false);
    expect(namesWithVideo(ada.call), 'videos at Ada').to.deep.equal([]);

    // The page lets the camera be used again: it comes on as asked.
    bob.call.audioOnly = false;
    await bob.call.toggleCamera(true);
    await until(() => namesWithVideo(ada.call).join() === 'Bob', "Bob's camera does not reach Ada");
  });

  for (const [label, attributes, disabled] of [
    ['with no camera plugged in', { devices: 'microphone' }, true],
    ['with the camera blocked', { deny: 'camera' }, false],
  ] as const) {
    it(`shows the camera off in the lobby ${label}, and joins as it says`, async () => {
      const room = uniqueRoom('lobby-no-camera');
      const [ada] = await joinAll(room, rtcServer, ['Ada']);
      const bob = await addParticipant({ room, server: rtcServer, name: 'Bob', ...attributes });
      part(bob.call, 'check-button')[0]?.click(); // the preview starts by itself where the devices were allowed before
      const button = () => part(bob.call, 'camera-button')[0] as HTMLButtonElement | undefined;
      await until(() => !!button() && part(bob.call, 'notice').length > 0, 'no preview, or no notice of the camera');
      // The device lists come just after the preview.
      await until(() => button()!.disabled === disabled, `the camera button is ${disabled ? 'enabled' : 'disabled'}`);
      expect([button()!.hasAttribute('data-off'), button()!.textContent!.trim()], 'the camera button').to.deep.equal([true, 'Turn camera on']);
      expect(bob.call.cameraOn, 'cameraOn before the call').to.equal(false);
      await bob.call.join();
      expect([bob.call.microphoneOn, bob.call.cameraOn], 'microphone and camera in the call').to.deep.equal([true, false]);
      await until(() => ada.call.participants.some((p) => p.name === 'Bob' && p.mic && !p.cam), 'Ada does not hear Bob, or sees his camera on');
    });
  }

  it('says on a disabled camera or microphone button why it cannot be pressed', async () => {
    const room = uniqueRoom('disabled-reason');
    const [bob] = await joinAll(room, rtcServer, ['Bob'], { 'audio-only': '' });
    const [cy] = await joinAll(room, rtcServer, ['Cy'], { devices: 'microphone' });
    const [dee] = await joinAll(room, rtcServer, ['Dee'], { devices: '' });
    const button = (p: typeof bob, kind: 'mic' | 'camera') => part(p.call, `${kind}-button`)[0] as HTMLButtonElement | undefined;
    const reason = (p: typeof bob, kind: 'mic' | 'camera') => [button(p, kind)?.disabled, button(p, kind)?.title];
    // The device lists come just after the join.
    await until(() => !!button(dee, 'mic')?.disabled && !!button(cy, 'camera')?.disabled, 'the buttons of missing devices are enabled');
    expect(reason(bob, 'camera'), "Bob's camera button").to.deep.equal([true, 'This call is audio-only']);
    expect(reason(cy, 'camera'), "Cy's camera button").to.deep.equal([true, 'No camera found: plug one in']);
    expect(reason(cy, 'mic'), "Cy's microphone button").to.deep.equal([false, 'Mute (M)']);
    expect(reason(dee, 'mic'), "Dee's microphone button").to.deep.equal([true, 'No microphone found: plug one in']);
    expect(reason(dee, 'camera'), "Dee's camera button").to.deep.equal([true, 'No camera found: plug one in']);
  });

  it('takes a receive-only visitor at their word once they plug in a microphone and a camera', async () => {
    const room = uniqueRoom('plugged-in');
    const [ada] = await joinAll(room, rtcServer, ['Ada']);
    const [dee] = await joinAll(room, rtcServer, ['Dee'], { devices: '' });
    const notices = () => part(dee.call, 'notice').map((n) => n.textContent!.replace(/\s+/g, ' ').trim());
    await until(() => notices().some((n) => n.includes('No camera and microphone was found')), () => `Dee is not told: ${notices()}`);
    const plug = (dee.frame.contentWindow as unknown as { rtcPlug(device: string): void }).rtcPlug;
    const button = (kind: 'mic' | 'camera') => part(dee.call, `${kind}-button`)[0] as HTMLButtonElement;

    plug('microphone');
    await until(() => !button('mic').disabled, 'the microphone button stays disabled');
    button('mic').click();
    await until(() => ada.call.participants.some((p) => p.name === 'Dee' && p.mic), 'Ada does not hear Dee');
    plug('camera');
    await until(() => !button('camera').disabled, 'the camera button stays disabled');
    button('camera').click();
    await until(() => namesWithVideo(ada.call).join() === 'Dee', "Dee's camera does not reach Ada");
    expect([dee.call.microphoneOn, dee.call.cameraOn], "Dee's microphone and camera").to.deep.equal([true, true]);
    expect(notices(), "Dee's notices, both devices on").to.deep.equal([]);
  });

  it('takes away the notice of a missing camera once one is plugged in and on', async () => {
    const room = uniqueRoom('camera-plugged-in');
    const [cy] = await joinAll(room, rtcServer, ['Cy'], { devices: 'microphone' });
    const notices = () => part(cy.call, 'notice').map((n) => n.textContent!.replace(/\s+/g, ' ').trim());
    await until(() => notices().some((n) => n.includes('No camera was found')), () => `Cy is not told: ${notices()}`);
    (cy.frame.contentWindow as unknown as { rtcPlug(device: string): void }).rtcPlug('camera');
    const button = part(cy.call, 'camera-button')[0] as HTMLButtonElement;
    await until(() => !button.disabled, 'the camera button stays disabled');
    button.click();
    await until(() => cy.call.cameraOn, 'the camera does not come on');
    expect(notices(), "Cy's notices, the camera on").to.deep.equal([]);
  });

  it('stops the camera, its light going out, when the page switches to audio-only during the call', async () => {
    const room = uniqueRoom('audio-only-later');
    const [ada, bob] = await joinAll(room, rtcServer, ['Ada', 'Bob']);
    await until(() => namesWithVideo(ada.call).join() === 'Bob', "Bob's camera does not reach Ada");
    const camera = bob.call.localStream!.getVideoTracks()[0];
    bob.call.audioOnly = true;
    await until(() => !bob.call.cameraOn, 'the camera stays on');
    await until(() => camera.readyState === 'ended', 'the camera is still running, its light on');
    expect(bob.call.localStream!.getVideoTracks(), "Bob's camera tracks").to.have.length(0);
    const bobsTile = () => part(ada.call, 'tile').find((t) => t.querySelector('[part~="name"]')?.textContent?.trim() === 'Bob');
    await until(() => !!bobsTile()?.querySelector('[part~="placeholder"]'), "Ada still sees Bob's camera, not his name");
    expect(ada.call.participants.find((p) => p.name === 'Bob')!.cam, "Bob's camera at Ada").to.equal(false);
  });

  it('offers a camera plugged in while the lobby shows none, and takes its notice away once it is on', async () => {
    const bob = await addParticipant({ room: uniqueRoom('lobby-plugged-in'), server: rtcServer, name: 'Bob', devices: 'microphone' });
    part(bob.call, 'check-button')[0]?.click(); // the preview starts by itself where the devices were allowed before
    const notices = () => part(bob.call, 'notice').map((n) => n.textContent!.replace(/\s+/g, ' ').trim());
    const button = () => part(bob.call, 'camera-button')[0] as HTMLButtonElement | undefined;
    await until(() => !!button()?.disabled && notices().some((n) => n.includes('No camera was found')), () => `no disabled camera button, or no notice: ${notices()}`);
    (bob.frame.contentWindow as unknown as { rtcPlug(device: string): void }).rtcPlug('camera');
    await until(() => !button()!.disabled, 'the camera button stays disabled');
    button()!.click();
    await until(() => part(bob.call, 'preview-video').length === 1 && bob.call.cameraOn, 'the camera does not come on in the preview');
    expect(notices(), "Bob's notices, the camera on").to.deep.equal([]);
  });
});
