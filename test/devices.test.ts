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
});
