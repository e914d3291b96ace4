import { expect } from '@open-wc/testing';
import { until } from '../../test/helpers.js';
import type { ViewFrame } from './frames.js';
import { ShownSizes, fitSender, scaleFor, stepFor } from './video-sizes.js';

describe('video sizes', () => {
  it('rounds a tile up to a step, so that a layout that moves a few pixels sends nothing', () => {
    expect(stepFor(1)).to.equal(90);
    expect(stepFor(177)).to.equal(180);
    expect(stepFor(181)).to.equal(240);
    expect(stepFor(9000)).to.equal(4320);
  });

  it('scales a camera down to its tile, never up, and not for a saving too small to matter', () => {
    expect(scaleFor(480, 180)).to.be.closeTo(2.667, 0.001);
    expect(scaleFor(480, 480)).to.equal(1);
    expect(scaleFor(480, 720)).to.equal(1);
    expect(scaleFor(480, 420), 'under a fifth smaller').to.equal(1);
    expect(scaleFor(2160, 90), 'at most an eighth').to.equal(8);
    expect(scaleFor(0, 180), 'a camera of unknown size').to.equal(1);
    expect(scaleFor(480, undefined), 'no tile known').to.equal(1);
  });

  it('tells each member its step in its hello, then once per change, and forgets members no longer shown', () => {
    const sent: [string, ViewFrame][] = [];
    let linked = true;
    const sizes = new ShownSizes((id, frame) => linked && sent.push([id, frame]) > 0);
    expect(sizes.forHello('a'), 'nothing measured yet').to.equal(undefined);
    sizes.show(new Map([['a', 170], ['b', 500]]), 300);
    sizes.show(new Map([['a', 175], ['b', 510]]), 300);
    expect(sent).to.deep.equal([['a', { t: 'view', height: 180 }], ['b', { t: 'view', height: 720 }]]);
    sent.length = 0;
    // A newcomer's hello asks for a newcomer's tile; a replaced link's for the member's own.
    expect(sizes.forHello('c')).to.equal(360);
    expect(sizes.forHello('a')).to.equal(180);
    expect(sent, 'the hellos said it all').to.deep.equal([]);
    // c's tile turns out smaller than a newcomer's was.
    sizes.show(new Map([['a', 170], ['b', 500], ['c', 170]]), 120);
    expect(sent).to.deep.equal([['c', { t: 'view', height: 180 }]]);
    sent.length = 0;
    // Not sent (the link is down): tried again with the next layout.
    linked = false;
    sizes.show(new Map([['a', 400]]), 0);
    linked = true;
    sizes.show(new Map([['a', 400]]), 0);
    expect(sent).to.deep.equal([['a', { t: 'view', height: 480 }]]);
    sent.length = 0;
    sizes.show(new Map([['b', 510]]), 0);
    expect(sent, 'b is shown again after it was not: told again').to.deep.equal([['b', { t: 'view', height: 720 }]]);
    expect(sizes.forHello('d'), 'no newcomer size known').to.equal(undefined);
  });

  it('pauses the members it is told to, once, and asks for their cameras again when shown', () => {
    const sent: [string, ViewFrame][] = [];
    const sizes = new ShownSizes((id, frame) => sent.push([id, frame]) > 0);
    sizes.show(new Map([['a', 170], ['b', 500]]), 300);
    sent.length = 0;
    // In the background, a watched in a picture-in-picture window.
    sizes.show(new Map([['a', 170], ['b', 500]]), 300, new Set(['b']));
    sizes.show(new Map([['a', 170], ['b', 500]]), 300, new Set(['b']));
    expect(sent).to.deep.equal([['b', { t: 'view', height: 720, paused: true }]]);
    sent.length = 0;
    // A replaced link's hello asks for the size alone; the next layout pauses it again.
    expect(sizes.forHello('b')).to.equal(720);
    sizes.show(new Map([['a', 170], ['b', 500]]), 300, new Set(['b']));
    expect(sent).to.deep.equal([['b', { t: 'view', height: 720, paused: true }]]);
    sent.length = 0;
    // Back: asked for again, at the same size.
    sizes.show(new Map([['a', 170], ['b', 500]]), 300);
    expect(sent).to.deep.equal([['b', { t: 'view', height: 720 }]]);
    sent.length = 0;
    // A member paused, then no longer shown (its camera went off): told it may send again, once.
    sizes.show(new Map([['a', 170], ['b', 500]]), 300, new Set(['a']));
    sizes.show(new Map([['b', 500]]), 300);
    sizes.show(new Map([['b', 500]]), 300);
    expect(sent).to.deep.equal([['a', { t: 'view', height: 180, paused: true }], ['a', { t: 'view', height: 180 }]]);
    sent.length = 0;
    // Paused before its camera showed a frame (a newcomer's): at a newcomer's height.
    sizes.show(new Map([['b', 500]]), 300, new Set(['b', 'c']));
    expect(sent).to.deep.equal([['b', { t: 'view', height: 720, paused: true }], ['c', { t: 'view', height: 360, paused: true }]]);
  });

  it('pauses every shown member\'s screen while nobody sees the call, once, apart from the cameras, and un-pauses one no longer shown', () => {
    const sent: [string, ViewFrame][] = [];
    const sizes = new ShownSizes((id, frame) => sent.push([id, frame]) > 0);
    sizes.show(new Map([['a', 170], ['b', 500]]), 300);
    sent.length = 0;
    // Out of sight: cameras and screens; b's camera watched in a picture-in-picture window.
    sizes.show(new Map([['a', 170], ['b', 500]]), 300, new Set(['a']), true);
    sizes.show(new Map([['a', 170], ['b', 500]]), 300, new Set(['a']), true);
    expect(sent).to.deep.equal([
      ['a', { t: 'view', height: 180, paused: true, screenPaused: true }],
      ['b', { t: 'view', height: 720, screenPaused: true }],
    ]);
    sent.length = 0;
    // Back in sight.
    sizes.show(new Map([['a', 170], ['b', 500]]), 300);
    expect(sent).to.deep.equal([['a', { t: 'view', height: 180 }], ['b', { t: 'view', height: 720 }]]);
    sent.length = 0;
    // A member whose screen is paused, then no longer shown: told once that it may send again.
    sizes.show(new Map([['a', 170], ['b', 500]]), 300, new Set(), true);
    sizes.show(new Map([['a', 170]]), 300, new Set(), true);
    expect(sent.filter(([id]) => id === 'b')).to.deep.equal([['b', { t: 'view', height: 720, screenPaused: true }], ['b', { t: 'view', height: 720 }]]);
  });

  it("stops a real sender's shared screen for a member that sees none, never scaled, and sends it again", async () => {
    const canvas = Object.assign(document.createElement('canvas'), { width: 1280, height: 720 });
    canvas.getContext('2d')!.fillRect(0, 0, 10, 10);
    const track = canvas.captureStream(5).getVideoTracks()[0];
    const pc = new RTCPeerConnection();
    try {
      const sender = pc.addTransceiver(track, { direction: 'sendonly' }).sender;
      const encoding = () => sender.getParameters().encodings[0] ?? {};
      // A small camera tile, and the camera paused: the screen goes on at its full size.
      fitSender(sender, { height: 90, paused: true }, track, true);
      fitSender(sender, { height: 90, paused: true, screenPaused: true }, track, true);
      await until(() => encoding().active === false, 'the screen still goes to a member that sees none');
      expect(encoding().scaleResolutionDownBy ?? 1, 'the screen scaled').to.equal(1);
      fitSender(sender, { height: 90 }, track, true);
      await until(() => encoding().active !== false, 'the screen does not come back');
    } finally {
      pc.close();
      track.stop();
    }
  });

  it("scales a real sender's camera, and returns it to full size", async () => {
    const canvas = Object.assign(document.createElement('canvas'), { width: 640, height: 480 });
    canvas.getContext('2d')!.fillRect(0, 0, 10, 10);
    const track = canvas.captureStream(5).getVideoTracks()[0];
    const pc = new RTCPeerConnection();
    try {
      const sender = pc.addTransceiver(track, { direction: 'sendonly' }).sender;
      const scale = () => sender.getParameters().encodings[0]?.scaleResolutionDownBy ?? 1;
      const active = () => sender.getParameters().encodings[0]?.active ?? true;
      fitSender(sender, { height: 180 });
      await until(() => Math.abs(scale() - 480 / 180) < 0.01, () => `scaled by ${scale()}`);
      fitSender(sender, undefined);
      await until(() => scale() === 1, () => `scaled by ${scale()}`);
      // A member that sends a thousand view frames at once: the last one counts.
      for (let i = 0; i < 1000; i++) fitSender(sender, { height: i % 2 ? 90 : 240, paused: i % 3 === 0 });
      fitSender(sender, { height: 90 });
      await until(() => Math.abs(scale() - 480 / 90) < 0.01 && active(), () => `scaled by ${scale()}, active: ${active()}`);
      // Paused (the member's page is in the background): the camera stops for that member alone, and comes back.
      fitSender(sender, { height: 90, paused: true });
      await until(() => !active(), 'the camera still goes to a member that paused it');
      fitSender(sender, { height: 90 });
      await until(() => active(), 'the camera does not come back');
    } finally {
      pc.close();
      track.stop();
    }
  });
});
