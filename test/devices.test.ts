// Devices that change during a call: chosen, unplugged, switched on and off. What each page
// shows must be what it sends.
import { expect } from '@open-wc/testing';
import { rtcServer } from './env.js';
import { addParticipant, closeAll, joinAll, namesWithVideo, part, uniqueRoom, until, type TestParticipant } from './helpers.js';

/** Whether a call's tile of `name` shows the crossed-out microphone. */
const showsMuted = (p: TestParticipant, name: string) =>
  part(p.call, 'tile').some((t) => t.querySelector('[part~="name"]')?.textContent?.trim() === name && !!t.querySelector('[part~="mic-off"]'));

describe('<rtc-call> devices during a call', () => {
  afterEach(closeAll);

  it('keeps a camera or microphone that is off, off, when another device is chosen for it, and switches that one on with the button', async () => {
    const room = uniqueRoom('chosen-off');
    const [ada] = await joinAll(room, rtcServer, ['Ada']);
    // Bob joins with his camera off: he has no camera track at all.
    const bob = await addParticipant({ room, server: rtcServer, name: 'Bob' });
    await bob.call.toggleCamera(false);
    await bob.call.join();
    await until(() => ada.call.participants.some((p) => p.name === 'Bob'), 'Ada does not have Bob in the call');
    const devices = await navigator.mediaDevices.enumerateDevices();
    const camera = devices.find((d) => d.kind === 'videoinput' && d.deviceId)!;
    await bob.call.switchDevice('videoinput', camera.deviceId);
    expect(bob.call.cameraOn, 'camera on after choosing a camera').to.equal(false);
    expect(bob.call.localStream!.getVideoTracks(), 'camera tracks').to.have.length(0);

    // Bob mutes, his microphone is unplugged, and he chooses another one.
    await bob.call.toggleMicrophone(false);
    await until(() => showsMuted(ada, 'Bob'), 'Ada does not see Bob muted');
    const mic = bob.call.localStream!.getAudioTracks()[0];
    const { groupId } = mic.getSettings();
    const other = devices.find((d) => d.kind === 'audioinput' && d.deviceId && d.groupId !== groupId)!;
    mic.stop();
    mic.dispatchEvent(new Event('ended'));
    await until(() => !bob.call.localStream?.getAudioTracks().length, 'the unplugged microphone is still in the stream');
    await bob.call.switchDevice('audioinput', other.deviceId);
    expect(bob.call.microphoneOn, 'microphone on after choosing a microphone').to.equal(false);
    expect(bob.call.localStream?.getAudioTracks().filter((t) => t.enabled) ?? [], 'microphone tracks sending').to.have.length(0);

    // Unmute: the microphone chosen comes on. Ada hears of it after anything sent before it.
    await bob.call.toggleMicrophone(true);
    expect(bob.call.localStream!.getAudioTracks()[0].getSettings().deviceId, 'the microphone that came on').to.equal(other.deviceId);
    await until(() => !showsMuted(ada, 'Bob'), 'Ada still sees Bob muted');
    expect(ada.call.participants.find((p) => p.name === 'Bob')!.cam, "Bob's camera at Ada").to.equal(false);
    expect(namesWithVideo(ada.call), 'videos at Ada').to.deep.equal([]);
    await bob.call.toggleCamera(true);
    expect(bob.call.localStream!.getVideoTracks()[0].getSettings().deviceId, 'the camera that came on').to.equal(camera.deviceId);
    await until(() => namesWithVideo(ada.call).join() === 'Bob', "Bob's camera does not reach Ada");
  });

  it("says so when the camera or microphone stops in the lobby's preview, shows it off, and joins as the buttons then say", async () => {
    const room = uniqueRoom('lobby-ended');
    const [ada] = await joinAll(room, rtcServer, ['Ada']);
    const bob = await addParticipant({ room, server: rtcServer, name: 'Bob' });
    part(bob.call, 'check-button')[0]?.click(); // the preview starts by itself where the devices were allowed before
    await until(() => part(bob.call, 'preview-video').length === 1, 'no preview');
    const button = (kind: 'mic' | 'camera') => part(bob.call, `${kind}-button`)[0];
    const preview = (bob.call as unknown as { devices: { stream: MediaStream } }).devices.stream;

    // The camera is unplugged: Bob is told, and its button says it is off.
    const camera = preview.getVideoTracks()[0];
    camera.stop();
    camera.dispatchEvent(new Event('ended'));
    await until(() => part(bob.call, 'notice').some((n) => n.textContent!.includes('camera stopped')), 'Bob is not told his camera stopped');
    expect(button('camera').hasAttribute('data-off'), 'the camera button shows it off').to.equal(true);

    // So is the microphone; Bob switches it on again, which asks for one.
    const mic = preview.getAudioTracks()[0];
    mic.stop();
    mic.dispatchEvent(new Event('ended'));
    await until(() => button('mic').hasAttribute('data-off'), 'the microphone button does not show it off');
    button('mic').click();
    await until(() => !button('mic').hasAttribute('data-off') && !!(bob.call as unknown as { devices: { track(k: string): unknown } }).devices.track('audio'), 'no microphone again');

    await bob.call.join();
    expect([bob.call.microphoneOn, bob.call.cameraOn], 'microphone and camera in the call').to.deep.equal([true, false]);
    await until(() => ada.call.participants.some((p) => p.name === 'Bob' && p.mic), 'Ada does not hear Bob');
    expect(ada.call.participants.find((p) => p.name === 'Bob')!.cam, "Bob's camera at Ada").to.equal(false);
    button('camera').click();
    await until(() => namesWithVideo(ada.call).join() === 'Bob', "Bob's camera does not reach Ada");
  });
});
