import { expect, fixture, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { rtcServer } from './env.js';
import { closeAll, part, uniqueRoom, until } from './helpers.js';
import '../src/index.js';
import type { RtcCall, RtcChat } from '../src/index.js';

// Every RTCPeerConnection this page builds, counted from the start: the lobby must build none.
let peerConnections = 0;
const Native = window.RTCPeerConnection;
window.RTCPeerConnection = new Proxy(Native, {
  construct(target, args: [RTCConfiguration?]) {
    peerConnections++;
    return new target(...args);
  },
});

const NAME_KEY = 'rtc-elements:name';

async function lobby(attributes = ''): Promise<RtcCall> {
  const el = await fixture<RtcCall>(html`<rtc-call room=${uniqueRoom('lobby')} server=${rtcServer}></rtc-call>`);
  if (attributes) el.setAttribute(attributes, attributes === 'name' ? 'Ada' : '');
  await el.updateComplete;
  return el;
}

async function checkDevices(el: RtcCall): Promise<void> {
  const check = part(el, 'check-button')[0];
  if (check) check.click();
  await until(() => {
    const video = part(el, 'preview-video')[0] as HTMLVideoElement | undefined;
    return !!video && video.videoWidth > 0;
  }, 'no live preview');
}

/** A lobby whose preview was on, and whose camera the visitor then switched off. */
async function previewCameraOff(): Promise<RtcCall> {
  const el = await lobby();
  await checkDevices(el);
  part(el, 'camera-button')[0].click();
  await until(() => part(el, 'preview-video').length === 0, 'the preview stays on');
  return el;
}

describe('<rtc-call> lobby', () => {
  afterEach(() => {
    closeAll();
    localStorage.removeItem(NAME_KEY);
  });

  it('offers the system default speaker where the browser lists only some outputs (Firefox), and shows it chosen', async () => {
    const enumerate = navigator.mediaDevices.enumerateDevices;
    navigator.mediaDevices.enumerateDevices = async () => [
      ...(await enumerate.call(navigator.mediaDevices)).filter((d) => d.kind !== 'audiooutput'),
      { kind: 'audiooutput', deviceId: 'usb-headset', label: 'USB Headset', groupId: 'g', toJSON: () => ({}) } as MediaDeviceInfo,
    ];
    try {
      const el = await lobby();
      await checkDevices(el);
      await until(() => part(el, 'speaker-select').length === 1, 'no speaker picker');
      const select = part(el, 'speaker-select')[0] as HTMLSelectElement;
      expect([...select.options].map((o) => [o.textContent, o.selected])).to.deep.equal([
        ['System default', true],
        ['USB Headset', false],
      ]);
    } finally {
      navigator.mediaDevices.enumerateDevices = enumerate;
    }
  });

  it('turns the camera off when the page switches to audio-only while the preview shows it', async () => {
    const el = await lobby();
    await checkDevices(el);
    const camera = el.shadowRoot!.querySelector<HTMLVideoElement>('[part~="preview-video"]')!.srcObject as MediaStream;
    const track = camera.getVideoTracks()[0];
    el.audioOnly = true;
    await until(() => track.readyState === 'ended', 'the camera stays on');
    await el.updateComplete;
    expect(part(el, 'preview-video'), 'no camera picture').to.have.length(0);
    expect(part(el, 'camera-button'), 'no camera button').to.have.length(0);
  });

  it('shows a live camera preview and a moving microphone meter before joining, with no peer connection', async () => {
    const el = await lobby();
    expect(el.matches(':state(idle)')).to.equal(true);
    // Before the visitor asks, the lobby says that the browser will ask (unless it was allowed before).
    if (part(el, 'check-button').length) expect(part(el, 'permission-hint')[0].textContent).to.contain('browser will ask');
    await checkDevices(el);
    const meter = part(el, 'mic-level')[0];
    await until(() => Number(meter.getAttribute('aria-valuenow')) > 0, 'the microphone meter does not move', 5_000);
    // Cameras, microphones (and speakers, where the browser lets pages choose) to pick from.
    expect(part(el, 'camera-select')).to.have.length(1);
    expect(part(el, 'microphone-select')).to.have.length(1);
    expect(peerConnections, 'RTCPeerConnections built in the lobby').to.equal(0);
    expect(el.localStream, 'the preview is not the call').to.equal(null);
    el.remove();
    await new Promise((resolve) => setTimeout(resolve));
    const video = part(el, 'preview-video')[0] as HTMLVideoElement | undefined;
    const tracks = (video?.srcObject as MediaStream | null)?.getTracks() ?? [];
    expect(tracks.every((t) => t.readyState === 'ended'), 'the preview stops when the element goes').to.equal(true);
  });

  it('joins with the camera off and the microphone muted when the visitor says so, and says so on the buttons', async () => {
    // A visitor who keeps talking: the microphone gives a steady tone (the fake device's short
    // beeps can fall between the samples of a loaded machine).
    const getUserMedia = navigator.mediaDevices.getUserMedia;
    const context = new AudioContext();
    const tone = context.createOscillator();
    const voice = context.createMediaStreamDestination();
    tone.connect(voice);
    tone.start();
    navigator.mediaDevices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
      const stream = constraints?.video ? await getUserMedia.call(navigator.mediaDevices, { ...constraints, audio: false }) : new MediaStream();
      if (constraints?.audio) stream.addTrack(voice.stream.getAudioTracks()[0].clone());
      return stream;
    };
    try {
      await mutedJoin();
    } finally {
      navigator.mediaDevices.getUserMedia = getUserMedia;
      tone.stop();
      await context.close();
    }
  });

  async function mutedJoin() {
    const el = await lobby();
    await checkDevices(el);
    const preview = (part(el, 'preview-video')[0] as HTMLVideoElement).srcObject as MediaStream;
    const camera = part(el, 'camera-button')[0];
    expect(camera.textContent!.trim()).to.equal('Turn camera off');
    camera.click();
    await until(() => part(el, 'preview-video').length === 0, 'the preview stays on');
    expect(preview.getVideoTracks()[0].readyState, 'the camera light goes off').to.equal('ended');
    part(el, 'mic-button')[0].click();
    await el.updateComplete;
    expect(part(el, 'mic-button')[0].textContent!.trim()).to.equal('Unmute');
    part(el, 'join-button')[0].click();
    await until(() => el.phase === 'in-call', 'did not join');
    expect(el.cameraOn).to.equal(false);
    expect(el.microphoneOn).to.equal(false);
    expect(el.localStream!.getVideoTracks()).to.have.length(0);
    expect(el.localStream!.getAudioTracks()[0].enabled).to.equal(false);
    await el.updateComplete;
    expect(part(el, 'mic-button')[0].textContent!.trim()).to.equal('Unmute');
    expect(part(el, 'camera-button')[0].textContent!.trim()).to.equal('Turn camera on');
    expect(part(el, 'local-tile')[0].querySelector('[part~="mic-off"]')).to.exist;
    // Speaking while muted is pointed out, and read out.
    const live = el.shadowRoot!.querySelector('[aria-live="polite"]')!;
    await until(() => part(el, 'muted-notice').length === 1, "no \"You're muted\" while speaking muted", 15_000);
    await until(() => live.textContent!.includes("You're muted"), () => `read out: ${live.textContent}`);
    await el.toggleMicrophone(true);
    await el.updateComplete;
    expect(part(el, 'muted-notice')).to.have.length(0);
    await until(() => part(el, 'speaking-tile')[0]?.matches('[part~="local-tile"]') ?? false, 'the speaker is not highlighted', 15_000);
    await el.leave();
  }

  it('says before the call what it starts with, as the lobby buttons and the toggles set it', async () => {
    const el = await lobby();
    expect({ mic: el.microphoneOn, cam: el.cameraOn }, 'nothing switched off yet').to.deep.equal({ mic: true, cam: true });
    await checkDevices(el);
    expect({ mic: el.microphoneOn, cam: el.cameraOn }, 'the preview has both').to.deep.equal({ mic: true, cam: true });
    part(el, 'mic-button')[0].click();
    await el.toggleCamera(false);
    expect({ mic: el.microphoneOn, cam: el.cameraOn }, 'switched off in the lobby').to.deep.equal({ mic: false, cam: false });
    await el.toggleMicrophone();
    expect(el.microphoneOn, 'toggled back on').to.equal(true);
    el.audioOnly = true;
    await el.updateComplete;
    await el.toggleCamera(true);
    expect(el.cameraOn, 'audio-only').to.equal(false);
  });

  it('joins with the camera switched back on in the lobby just before Join', async () => {
    const el = await previewCameraOff();
    part(el, 'camera-button')[0].click();
    // Join at once, while the camera is still starting.
    part(el, 'join-button')[0].click();
    await until(() => el.phase === 'in-call', 'did not join');
    expect(el.cameraOn, 'the camera is on in the call').to.equal(true);
    expect(el.localStream!.getVideoTracks().map((t) => t.readyState)).to.deep.equal(['live']);
    await el.updateComplete;
    expect(part(el, 'camera-button')[0].textContent!.trim()).to.equal('Turn camera off');
    await el.leave();
  });

  it('leaves the camera off when it is switched off again while it is still starting', async () => {
    const el = await previewCameraOff();
    // The camera takes its time to start: on, and off again before it has.
    const getUserMedia = navigator.mediaDevices.getUserMedia;
    let release!: () => void;
    const starting = new Promise<void>((resolve) => (release = resolve));
    const started: MediaStream[] = [];
    navigator.mediaDevices.getUserMedia = async (c) => {
      await starting;
      const stream = await getUserMedia.call(navigator.mediaDevices, c);
      started.push(stream);
      return stream;
    };
    try {
      part(el, 'camera-button')[0].click();
      await el.updateComplete;
      part(el, 'camera-button')[0].click();
      await el.updateComplete;
      expect(part(el, 'camera-button')[0].textContent!.trim()).to.equal('Turn camera on');
      release();
      await until(() => started.length === 1 && started[0].getTracks().every((t) => t.readyState === 'ended'), 'the camera that came late is still on');
      await el.updateComplete;
      expect(part(el, 'preview-video'), 'no picture').to.have.length(0);
      expect(part(el, 'camera-button')[0].textContent!.trim()).to.equal('Turn camera on');
    } finally {
      navigator.mediaDevices.getUserMedia = getUserMedia;
    }
  });

  it('asks for the camera the visitor picked again when it comes back on, as a wish (one unplugged gives way)', async () => {
    const el = await lobby();
    await checkDevices(el);
    // What the page asks the browser for; the fake device answers whatever camera is named.
    const getUserMedia = navigator.mediaDevices.getUserMedia;
    const asked: MediaTrackConstraints[] = [];
    navigator.mediaDevices.getUserMedia = (c) => {
      if (c?.video && typeof c.video === 'object') asked.push(c.video);
      const video = { ...((typeof c?.video === 'object' ? c.video : {}) as MediaTrackConstraints) };
      delete video.deviceId;
      return getUserMedia.call(navigator.mediaDevices, { ...c, ...(c?.video && { video }) });
    };
    try {
      await el.switchDevice('videoinput', 'the-picked-camera');
      part(el, 'camera-button')[0].click();
      await until(() => part(el, 'preview-video').length === 0, 'the preview stays on');
      part(el, 'camera-button')[0].click();
      await until(() => asked.length === 2, () => `${asked.length} asked`);
      expect(asked.map((v) => v.deviceId)).to.deep.equal([{ exact: 'the-picked-camera' }, { ideal: 'the-picked-camera' }]);
    } finally {
      navigator.mediaDevices.getUserMedia = getUserMedia;
    }
  });

  it('plays a test tune through the speaker chosen when the visitor tests the speaker', async () => {
    const el = await lobby();
    await checkDevices(el);
    const speakers = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audiooutput' && d.deviceId && d.deviceId !== 'default');
    expect(speakers.length, 'speakers to choose from').to.be.greaterThan(0);
    await el.switchDevice('audiooutput', speakers[0].deviceId);
    // The notes as they start, and the speaker each plays through.
    const played: { note: number; sink: unknown }[] = [];
    const start = OscillatorNode.prototype.start;
    OscillatorNode.prototype.start = function (this: OscillatorNode, when?: number) {
      played.push({ note: Math.round(this.frequency.value), sink: (this.context as AudioContext & { sinkId?: unknown }).sinkId });
      return start.call(this, when);
    };
    try {
      part(el, 'test-speaker-button')[0].click();
      await until(() => played.length === 3, () => `played ${JSON.stringify(played)}`);
      expect(played.map((p) => p.note), 'the tune').to.deep.equal([523, 659, 784]);
      expect(played.map((p) => p.sink), 'the speaker each note played through').to.deep.equal(Array(3).fill(speakers[0].deviceId));
    } finally {
      OscillatorNode.prototype.start = start;
    }
  });

  it('remembers the name typed in the lobby, and asks for none when the page gives one', async () => {
    const el = await lobby();
    const input = part(el, 'name-input')[0] as HTMLInputElement;
    input.value = 'Grace';
    input.dispatchEvent(new Event('input'));
    expect(localStorage.getItem(NAME_KEY)).to.equal('Grace');
    const again = await lobby();
    expect((part(again, 'name-input')[0] as HTMLInputElement).value).to.equal('Grace');
    const named = await lobby('name');
    expect(part(named, 'name-input')).to.have.length(0);

    await again.join();
    await again.updateComplete;
    expect(part(again, 'local-tile')[0].querySelector('[part~="name"]')!.textContent).to.equal('Grace (you)');
    await again.leave();
  });

  it('alone in the call, says so and offers the link', async () => {
    const el = await lobby();
    await el.join();
    await el.updateComplete;
    const alone = part(el, 'alone')[0];
    expect(alone.textContent).to.contain("You're the first one here");
    part(el, 'copy-link-button')[0].click();
    await until(() => /Link copied|Could not copy/.test(alone.textContent ?? ''), 'copying said nothing');
    if (alone.textContent!.includes('Could not copy')) expect(alone.textContent).to.contain(location.href);
    await el.leave();
  });

  it('takes its colours from custom properties set on the page, and follows the theme attribute', async () => {
    document.documentElement.style.setProperty('--rtc-call-background', 'rgb(1, 2, 3)');
    try {
      const el = await lobby();
      expect(getComputedStyle(el).backgroundColor).to.equal('rgb(1, 2, 3)');
      document.documentElement.style.removeProperty('--rtc-call-background');
      el.setAttribute('theme', 'dark');
      expect(getComputedStyle(el).backgroundColor).to.equal('rgb(16, 20, 24)');
      el.setAttribute('theme', 'light');
      expect(getComputedStyle(el).backgroundColor).to.equal('rgb(248, 250, 252)');
    } finally {
      document.documentElement.style.removeProperty('--rtc-call-background');
    }
  });
});

describe('the fields on a phone', () => {
  afterEach(() => executeServerCommand('touch-screen', { enabled: false }));

  const fontSize = (field: Element) => parseFloat(getComputedStyle(field).fontSize);

  it('sets the name field, the device pickers and the message field in at least 16 px where the pointer is a finger, so that the page does not zoom into them', async () => {
    const el = await lobby();
    const chat = await fixture<RtcChat>(html`<rtc-chat room=${uniqueRoom('lobby-chat')} server=${rtcServer}></rtc-chat>`);
    await checkDevices(el);
    const fields = () => [part(el, 'name-input')[0], part(el, 'device-select')[0], chat.shadowRoot!.querySelector('textarea')];
    await until(() => fields().every(Boolean), 'the name field, a device picker and the message field are not there');
    for (const field of fields()) expect(fontSize(field!), `${field!.localName} with a mouse`).to.equal(14);
    await executeServerCommand('touch-screen', { enabled: true });
    await until(() => matchMedia('(pointer: coarse)').matches, 'the pointer is not a finger');
    for (const field of fields()) expect(fontSize(field!), `${field!.localName} with a finger`).to.equal(16);
  });
});

describe('<rtc-call> lobby with the devices blocked, then allowed in the browser', () => {
  const getUserMedia = navigator.mediaDevices.getUserMedia;
  /** How often the page asked for the devices while they were blocked. */
  let refused = 0;

  /** The browser's settings for this page, as the visitor changes them there; getUserMedia follows. */
  async function permit(setting: 'denied' | 'granted'): Promise<void> {
    navigator.mediaDevices.getUserMedia =
      setting === 'denied' ? () => (refused++, Promise.reject(new DOMException('Permission denied', 'NotAllowedError'))) : getUserMedia;
    await executeServerCommand('permission', { camera: setting, microphone: setting });
  }

  afterEach(async () => {
    closeAll();
    navigator.mediaDevices.getUserMedia = getUserMedia;
    await executeServerCommand('permission', { reset: true });
  });

  const blockedNotice = (el: RtcCall) => part(el, 'notice').some((n) => n.textContent!.includes('is blocked'));
  const off = (el: RtcCall, kind: 'mic' | 'camera') => part(el, `${kind}-button`)[0]?.hasAttribute('data-off');

  it('asks again by itself once the visitor allows the camera and microphone it was refused, and shows them on', async () => {
    await permit('denied');
    const el = await lobby();
    part(el, 'check-button')[0].click();
    await until(() => blockedNotice(el) && off(el, 'mic') && off(el, 'camera'), 'the lobby does not show the devices blocked and off');
    // Pressing the microphone's button asks again, is refused again, and the button says off.
    const before = refused;
    part(el, 'mic-button')[0].click();
    await until(() => refused > before && off(el, 'mic'), 'the microphone button does not say off after it was refused again');

    await permit('granted');
    await until(() => part(el, 'preview-video').length === 1 && !off(el, 'mic') && !off(el, 'camera'), 'the lobby does not show the camera and microphone once allowed');
    await until(() => !blockedNotice(el), 'the notice of the blocked devices stays');
    expect([el.microphoneOn, el.cameraOn], 'what the call starts with').to.deep.equal([true, true]);
  });

  it('starts the preview by itself when the devices are allowed before the visitor asked for them', async () => {
    await permit('denied');
    const el = await lobby();
    // Blocked: the lobby does not say that the browser will ask.
    await until(() => part(el, 'check-button').length === 1 && part(el, 'permission-hint').length === 0, 'the lobby says a prompt will come');
    await permit('granted');
    await until(() => part(el, 'preview-video').length === 1, 'no preview once the devices are allowed');
  });
});
