// Devices that change during a call: chosen, unplugged, switched on and off. What each page
// shows must be what it sends.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { rtcServer } from './env.js';
import { addParticipant, closeAll, joinAll, namesWithVideo, part, uniqueRoom, until, type TestParticipant } from './helpers.js';

/** Whether a call's tile of `name` shows the crossed-out microphone. */
const showsMuted = (p: TestParticipant, name: string) =>
  part(p.call, 'tile').some((t) => t.querySelector('[part~="name"]')?.textContent?.trim() === name && !!t.querySelector('[part~="mic-off"]'));

/**
 * What the browser does when the system or another program pauses a device (and resumes it): the
 * track is muted (not ended, not disabled) and fires `mute` (`unmute`).
 */
function pause(track: MediaStreamTrack, muted: boolean): void {
  Object.defineProperty(track, 'muted', { configurable: true, get: () => muted });
  track.dispatchEvent(new Event(muted ? 'mute' : 'unmute'));
}

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

  it('takes another microphone and camera chosen at the same moment, both, and the other person gets both', async () => {
    const room = uniqueRoom('both-chosen');
    const [ada, bob] = await joinAll(room, rtcServer, ['Ada', 'Bob']);
    await until(() => namesWithVideo(ada.call).join() === 'Bob', "Bob's camera does not reach Ada");
    const devices = await navigator.mediaDevices.enumerateDevices();
    const before = bob.call.localStream!.getTracks();
    const { groupId } = bob.call.localStream!.getAudioTracks()[0].getSettings();
    const mic = devices.find((d) => d.kind === 'audioinput' && d.deviceId && d.groupId !== groupId)!;
    const camera = devices.find((d) => d.kind === 'videoinput' && d.deviceId)!;
    await Promise.all([bob.call.switchDevice('audioinput', mic.deviceId), bob.call.switchDevice('videoinput', camera.deviceId)]);
    const tracks = bob.call.localStream!.getTracks();
    expect(tracks.map((t) => t.readyState), 'the tracks of the stream').to.deep.equal(['live', 'live']);
    expect(tracks.filter((t) => before.includes(t)), 'old tracks left in the stream').to.deep.equal([]);
    expect(bob.call.localStream!.getAudioTracks()[0].getSettings().deviceId, 'the microphone').to.equal(mic.deviceId);
    await until(() => namesWithVideo(ada.call).join() === 'Bob' && !showsMuted(ada, 'Bob'), "Ada does not get Bob's new camera and microphone");
  });

  it("says so when the camera or microphone stops in the lobby's preview, shows it off, and joins as the buttons then say", async () => {
    const room = uniqueRoom('lobby-ended');
    const [ada] = await joinAll(room, rtcServer, ['Ada']);
    const bob = await addParticipant({ room, server: rtcServer, name: 'Bob' });
    part(bob.call, 'check-button')[0]?.click(); // the preview starts by itself where the devices were allowed before
    await until(() => part(bob.call, 'preview-video').length === 1, 'no preview');
    const button = (kind: 'mic' | 'camera') => part(bob.call, `${kind}-button`)[0];
    const preview = (bob.call as unknown as { devices: { stream: MediaStream } }).devices.stream;

    // The camera is paused by the system: the preview shows Bob's name meanwhile, and says why.
    const camera = preview.getVideoTracks()[0];
    pause(camera, true);
    await until(() => part(bob.call, 'preview-video').length === 0 && part(bob.call, 'notice').some((n) => n.textContent!.includes('camera is paused')), 'the preview still shows the paused camera, or does not say why');
    pause(camera, false);
    await until(() => part(bob.call, 'preview-video').length === 1 && !part(bob.call, 'notice').length, 'the preview does not show the camera again');

    // The camera is unplugged: Bob is told, and its button says it is off.
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

  it('shows a camera and microphone paused by the system as off to everyone, says why, and shows them again once they resume', async () => {
    const room = uniqueRoom('paused');
    const [ada, bob] = await joinAll(room, rtcServer, ['Ada', 'Bob']);
    await until(() => namesWithVideo(ada.call).join() === 'Bob' && !showsMuted(ada, 'Bob'), "Ada does not see and hear Bob");
    const errors: string[] = [];
    bob.call.addEventListener('rtc-error', (e) => errors.push(`${e.detail.type} ${e.detail.fatal}`));
    const tileOfBob = () => part(ada.call, 'tile').find((t) => t.querySelector('[part~="name"]')?.textContent?.trim() === 'Bob');
    const ownTile = () => part(bob.call, 'local-tile')[0];
    const notices = () => part(bob.call, 'notice').map((n) => n.textContent!);
    const [camera] = bob.call.localStream!.getVideoTracks();
    const [mic] = bob.call.localStream!.getAudioTracks();

    pause(camera, true);
    await until(() => !!tileOfBob()?.querySelector('[part~="placeholder"]'), "Ada still shows Bob's paused camera");
    expect(ownTile().querySelector('[part~="local-video"]'), "Bob's own tile shows his paused camera").to.equal(null);
    // Bob is told once it lasts a few seconds.
    await until(() => notices().some((n) => n.includes('camera is paused')), 'Bob is not told his camera is paused');
    pause(mic, true);
    await until(() => showsMuted(ada, 'Bob'), 'Ada does not see that Bob cannot be heard');
    expect(ownTile().querySelector('[part~="mic-off"]'), "Bob's own tile does not show his microphone off").to.exist;
    await until(() => notices().some((n) => n.includes('microphone is paused')), 'Bob is not told his microphone is paused');
    // What Bob chose stays: the buttons still say on.
    expect([bob.call.microphoneOn, bob.call.cameraOn], "Bob's microphone and camera, as he set them").to.deep.equal([true, true]);
    expect(part(bob.call, 'mic-button')[0].hasAttribute('data-off'), 'the microphone button shows it off').to.equal(false);

    pause(camera, false);
    pause(mic, false);
    await until(() => namesWithVideo(ada.call).join() === 'Bob' && !tileOfBob()?.querySelector('[part~="placeholder"]') && !showsMuted(ada, 'Bob'), 'Ada does not see and hear Bob again');
    await until(() => !notices().some((n) => n.includes('paused')), 'the notices stay after the devices resumed');
    expect(ownTile().querySelector('[part~="local-video"]'), "Bob's own tile does not show his camera again").to.exist;
    expect(ownTile().querySelector('[part~="mic-off"]'), "Bob's own tile still shows his microphone off").to.equal(null);
    expect(errors, 'rtc-error, once for each device').to.deep.equal(['media-paused false', 'media-paused false']);
  });

  it('says the camera is blocked, not unplugged, when the visitor blocks it in the browser during the call', async () => {
    const room = uniqueRoom('revoked');
    const [bob] = await joinAll(room, rtcServer, ['Bob']);
    const [camera] = bob.call.localStream!.getVideoTracks();
    try {
      // The browser ends the camera's track (and here the microphone's, which shares its capture).
      await executeServerCommand('permission', { camera: 'denied' });
      await until(() => camera.readyState === 'ended' && !bob.call.cameraOn, 'the camera stays on after it was blocked');
      const notices = () => part(bob.call, 'notice').map((n) => n.textContent!);
      await until(() => notices().some((n) => n.includes('Access to the camera is blocked') && n.includes('press Turn camera on again')), () => `Bob is not told his camera is blocked: ${notices().join(' | ')}`);
      expect(notices().some((n) => n.includes('camera stopped')), 'the camera said unplugged').to.equal(false);
    } finally {
      await executeServerCommand('permission', { reset: true });
    }
  });
});

describe('<rtc-call> start-muted and start-camera-off', () => {
  afterEach(closeAll);

  it('joins by itself muted and with the camera off where the page says so: its light stays off, the others see both off, and unmuting is at once', async () => {
    const room = uniqueRoom('start-off');
    const ada = await addParticipant({ room, server: rtcServer, name: 'Ada', autojoin: '', 'start-muted': '', 'start-camera-off': '' });
    const [bob] = await joinAll(room, rtcServer, ['Bob']);
    await until(() => ada.call.phase === 'in-call' && bob.call.participants.some((p) => p.name === 'Ada'), 'Ada and Bob do not meet');
    expect({ mic: ada.call.microphoneOn, cam: ada.call.cameraOn }, "Ada's own buttons").to.deep.equal({ mic: false, cam: false });
    expect(ada.call.localStream!.getVideoTracks(), 'a camera asked for (its light on)').to.have.length(0);
    expect(ada.call.localStream!.getAudioTracks().map((t) => t.enabled), 'the microphone, there and silent').to.deep.equal([false]);
    await until(() => showsMuted(bob, 'Ada'), 'Bob does not see Ada muted');
    expect(bob.call.participants.find((p) => p.name === 'Ada')!.cam, "Ada's camera at Bob").to.equal(false);
    expect(part(ada.call, 'mic-button')[0].textContent!.trim()).to.equal('Unmute');
    expect(part(ada.call, 'camera-button')[0].textContent!.trim()).to.equal('Turn camera on');

    await ada.call.toggleMicrophone(true);
    await until(() => !showsMuted(bob, 'Ada'), 'Bob still sees Ada muted');
    await ada.call.toggleCamera(true);
    await until(() => namesWithVideo(bob.call).join() === 'Ada', "Ada's camera does not reach Bob");
  });

  it('shows them off in the lobby until the visitor switches one on, and joins as the buttons then say', async () => {
    const ada = await addParticipant({ room: uniqueRoom('start-off'), server: rtcServer, name: 'Ada', 'start-muted': '', 'start-camera-off': '' });
    expect({ mic: ada.call.microphoneOn, cam: ada.call.cameraOn }, 'before any choice').to.deep.equal({ mic: false, cam: false });
    // The preview (by itself where the browser allowed the devices before): with what the call is to start with.
    part(ada.call, 'check-button')[0]?.click();
    await until(() => part(ada.call, 'mic-level').length === 1, 'no microphone meter');
    // What the page asked the browser for: the camera's light comes on with a video track.
    const asked = (ada.frame.contentWindow as unknown as { getUserMediaCalls: MediaStreamConstraints[] }).getUserMediaCalls;
    expect(asked.map((c) => !!c.video), 'cameras asked for').to.deep.equal([false]);
    expect(part(ada.call, 'mic-button')[0].textContent!.trim()).to.equal('Unmute');
    expect(part(ada.call, 'camera-button')[0].textContent!.trim()).to.equal('Turn camera on');
    // The button waits for the device list (a camera to turn on) while the microphone alone was asked for.
    const cameraButton = () => part(ada.call, 'camera-button')[0] as HTMLButtonElement;
    await until(() => !cameraButton().disabled, () => `the camera button stays disabled: ${cameraButton().title}`);
    cameraButton().click();
    await until(() => ((part(ada.call, 'preview-video')[0] as HTMLVideoElement | undefined)?.videoWidth ?? 0) > 0, 'the camera switched on shows no preview');
    part(ada.call, 'join-button')[0].click();
    await until(() => ada.call.phase === 'in-call', 'did not join');
    expect({ mic: ada.call.microphoneOn, cam: ada.call.cameraOn }, 'in the call').to.deep.equal({ mic: false, cam: true });
  });
});
