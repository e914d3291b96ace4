// A visitor on a phone turns from the front camera to the back one and back during a call, with
// the Switch camera button, and the other person keeps seeing them.
//
// Chromium is given three fake cameras; its second is a depth camera (16-bit grey, which no
// encoder takes), and the page does not see it. What a phone adds, the page is told by a small
// stand-in for its camera hardware: the first camera faces the visitor and the third faces away
// (as `facingMode` says on phones), and, as on many phones, only one camera can be open at a
// time (another one fails with NotReadableError while one is open).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeDeviceArgs } from '../chrome.mjs';
import { localServer } from './local-server.mjs';
import { pressJoin, seen, until } from './page.mjs';

/** Runs in the phone's page before anything else: its two cameras, one open at a time. */
function phoneCameras() {
  const facingOf = (label) => (label.endsWith('_2') ? 'environment' : 'user');
  const enumerateDevices = MediaDevices.prototype.enumerateDevices;
  MediaDevices.prototype.enumerateDevices = async function () {
    return (await enumerateDevices.call(this)).filter((d) => d.label !== 'fake_device_1');
  };
  const settings = MediaStreamTrack.prototype.getSettings;
  MediaStreamTrack.prototype.getSettings = function () {
    const s = settings.call(this);
    return this.kind === 'video' && this.label.startsWith('fake_device') ? { ...s, facingMode: facingOf(this.label) } : s;
  };
  const getUserMedia = MediaDevices.prototype.getUserMedia;
  const opened = [];
  MediaDevices.prototype.getUserMedia = async function (constraints) {
    let video = constraints?.video;
    const wanted = video?.facingMode?.exact;
    if (wanted) {
      const camera = (await this.enumerateDevices()).find((d) => d.kind === 'videoinput' && facingOf(d.label) === wanted);
      if (!camera) throw new DOMException('No camera faces that way', 'OverconstrainedError');
      video = { ...video, facingMode: undefined, deviceId: { exact: camera.deviceId } };
    }
    const open = opened.filter((t) => t.readyState === 'live');
    // Other phones end the old camera's track when another camera opens (`window.endsOldCamera`).
    if (video && window.endsOldCamera) {
      for (const t of open) {
        t.stop();
        t.dispatchEvent(new Event('ended'));
      }
    } else if (video && open.length) throw new DOMException('Could not start video source', 'NotReadableError');
    // A back camera that is broken (`window.backCameraBroken`) never starts.
    if (window.backCameraBroken && wanted === 'environment') throw new DOMException('Could not start video source', 'NotReadableError');
    const stream = await getUserMedia.call(this, { ...constraints, video });
    opened.push(...stream.getVideoTracks());
    return stream;
  };
}

/** Runs in a page: its camera, its button, its notices and errors. */
function ownCamera() {
  const call = document.querySelector('rtc-call');
  const root = call.shadowRoot;
  return {
    phase: call.phase,
    camera: call.localStream?.getVideoTracks()[0]?.label ?? null,
    live: call.localStream?.getVideoTracks()[0]?.readyState === 'live',
    facingAway: root.querySelector('[part~="local-video"]')?.classList.contains('facing-away') ?? false,
    button: !!root.querySelector('[part~="switch-camera-button"]'),
    notices: [...root.querySelectorAll('[part~="notice"]')].map((n) => n.textContent.trim()),
    errors: (window.rtcErrors ?? []).map((e) => e.type),
  };
}

/** Runs in a page: how many frames the video of the phone's tile has shown. */
function framesOfPhone() {
  const call = document.querySelector('rtc-call');
  const tile = [...call.shadowRoot.querySelectorAll('[part~="tile"]:not([part~="local-tile"])')].find((t) => t.querySelector('[part~="name"]').textContent.trim() === 'Phone');
  return tile?.querySelector('video')?.getVideoPlaybackQuality().totalVideoFrames ?? 0;
}

describe("a phone's two cameras", () => {
  const local = localServer();

  async function open(room, name, args, phone) {
    const browser = await local.launch(args);
    const page = await browser.newPage();
    if (phone) await page.evaluateOnNewDocument(phoneCameras);
    await page.evaluateOnNewDocument((n) => {
      localStorage.setItem('rtc-demo-name', n);
      window.rtcErrors = [];
      addEventListener('rtc-error', (e) => window.rtcErrors.push(e.detail), true);
    }, name);
    await page.goto(`http://localhost:${local.port}/?room=${room}`);
    await pressJoin(page);
    return page;
  }

  it('turns from the front camera to the back one and back, and the other person keeps seeing the phone', async () => {
    const room = `phone-${Date.now()}`;
    const desk = await open(room, 'Desk', fakeDeviceArgs, false);
    const phone = await open(room, 'Phone', ['--use-fake-device-for-media-stream=device-count=3', '--use-fake-ui-for-media-stream'], true);
    await until(phone, (s) => s.phase === 'in-call' && s.withVideo.includes('Desk'), 'the phone does not see the desk');
    await until(desk, (s) => s.withVideo.includes('Phone'), 'the desk does not see the phone');
    // A desktop with one camera has no such button; the phone does, and starts with its front camera.
    assert.equal((await desk.evaluate(ownCamera)).button, false, 'the desk shows a Switch camera button');
    const front = await until(phone, (s) => s.button && s.camera === 'fake_device_0', 'the phone shows no Switch camera button', 10_000, ownCamera);
    assert.equal(front.facingAway, false);

    for (const [camera, away] of [
      ['fake_device_2', true],
      ['fake_device_0', false],
    ]) {
      await phone.evaluate(() => document.querySelector('rtc-call').shadowRoot.querySelector('[part~="switch-camera-button"]').click());
      const state = await until(phone, (s) => s.camera === camera && s.live, `the phone does not turn to ${camera}`, 10_000, ownCamera);
      // The back camera's picture is not mirrored: what it films would read backwards.
      assert.equal(state.facingAway, away, `${camera} shown mirrored: ${!away}`);
      assert.deepEqual(state.notices, []);
      assert.deepEqual(state.errors, []);
      // The desk goes on seeing the phone: new frames from the other camera.
      const shown = await desk.evaluate(framesOfPhone);
      await until(desk, (frames) => frames > shown + 10, 'the desk sees no new frames of the phone', 10_000, framesOfPhone);
      assert.ok((await desk.evaluate(seen)).withVideo.includes('Phone'));
    }

    // With its back camera broken, the phone keeps its front camera, says why, and the desk
    // goes on seeing it.
    await phone.evaluate(() => (window.backCameraBroken = true));
    await phone.evaluate(() => document.querySelector('rtc-call').shadowRoot.querySelector('[part~="switch-camera-button"]').click());
    const kept = await until(phone, (s) => s.notices.length > 0, 'the phone does not say that the back camera did not start', 10_000, ownCamera);
    assert.deepEqual(kept.notices, ['The camera could not be started; another program may be using it. Close it and try again.']);
    assert.deepEqual(kept.errors, ['media-in-use']);
    assert.equal(kept.camera, 'fake_device_0');
    assert.ok(kept.live && kept.button);
    const still = await desk.evaluate(framesOfPhone);
    await until(desk, (frames) => frames > still + 10, 'the desk sees no new frames of the phone', 10_000, framesOfPhone);

    // A phone that ends the old camera's track as the new one opens: a switch, not a camera lost.
    await phone.evaluate(() => Object.assign(window, { backCameraBroken: false, endsOldCamera: true }));
    await phone.evaluate(() => document.querySelector('rtc-call').shadowRoot.querySelector('[part~="switch-camera-button"]').click());
    await until(phone, (s) => s.camera === 'fake_device_2' && s.live && s.notices.length === 0, 'the phone does not turn to its back camera', 10_000, ownCamera);
    // Long enough for a notice of a camera lost to show, which would come within a few ms.
    await until(desk, (frames) => frames > still + 30, 'the desk sees no new frames of the phone', 10_000, framesOfPhone);
    const last = await phone.evaluate(ownCamera);
    assert.deepEqual(last.notices, []);
    assert.deepEqual(last.errors, ['media-in-use']);
    assert.ok(last.button && last.facingAway);
  });
});
