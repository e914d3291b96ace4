import { expect } from '@open-wc/testing';
import { closeAll, joinAll, part, pressInBar, uniqueRoom, until, untilEveryoneSeesEveryone, type TestParticipant } from './helpers.js';
import { rtcServer } from './env.js';

/** The connection from one participant's page to another's (one per pair). */
function connectionTo(from: TestParticipant, to: TestParticipant): RTCPeerConnection {
  type Held = { connections?: Record<string, { peerConnection: RTCPeerConnection | null }[]> };
  const peers = (from.frame.contentWindow as unknown as { rtcPeers: Held[] }).rtcPeers;
  const pc = peers.flatMap((peer) => peer.connections?.[to.call.peerId!] ?? []).find((c) => c.peerConnection && c.peerConnection.connectionState !== 'closed')?.peerConnection;
  if (!pc) throw new Error(`${from.name} has no connection to ${to.name}`);
  return pc;
}

/** Frames of camera and packets of sound sent so far on a connection. */
async function sent(pc: RTCPeerConnection): Promise<{ video: number; audio: number }> {
  const counts = { video: 0, audio: 0 };
  (await pc.getStats()).forEach((s: { type: string; kind?: string; framesSent?: number; packetsSent?: number }) => {
    if (s.type !== 'outbound-rtp') return;
    if (s.kind === 'video') counts.video += s.framesSent ?? 0;
    else if (s.kind === 'audio') counts.audio += s.packetsSent ?? 0;
  });
  return counts;
}

/** Whether `kind` goes from one page to the other now: more of it sent over 0.8 s. */
async function flows(from: TestParticipant, to: TestParticipant, kind: 'video' | 'audio'): Promise<boolean> {
  const pc = connectionTo(from, to);
  const before = await sent(pc);
  await new Promise((resolve) => setTimeout(resolve, 800));
  return (await sent(pc))[kind] > before[kind];
}

/** Waits until `what` holds, asked again and again, failing after `timeout` ms. */
async function eventually(what: () => Promise<boolean>, message: string, timeout = 20_000): Promise<void> {
  const deadline = performance.now() + timeout;
  while (!(await what())) if (performance.now() > deadline) throw new Error(message);
}

/** Whether the screen `sharer` shares comes to `viewer`'s page now: more of its frames received over 0.8 s. */
async function screenFlows(viewer: TestParticipant, sharer: TestParticipant): Promise<boolean> {
  const track = viewer.call.participants.find((p) => p.id === sharer.call.peerId)?.screen?.getVideoTracks()[0];
  const pc = track && connectionTo(viewer, sharer);
  // Not there yet: asked again a moment later (the pages run on this page's thread).
  if (!track || !pc) return new Promise((resolve) => setTimeout(() => resolve(false), 200));
  const received = async () => {
    let frames = 0;
    (await pc.getStats()).forEach((s: { type: string; trackIdentifier?: string; framesReceived?: number }) => {
      if (s.type === 'inbound-rtp' && s.trackIdentifier === track.id) frames += s.framesReceived ?? 0;
    });
    return frames;
  };
  const before = await received();
  await new Promise((resolve) => setTimeout(resolve, 800));
  return (await received()) > before;
}

/** Puts a participant's page in the background, or back (as switching tabs does). */
function setHidden(p: TestParticipant, hidden: boolean): void {
  const doc = p.frame.contentDocument!;
  if (hidden) Object.defineProperty(doc, 'visibilityState', { value: 'hidden', configurable: true });
  else delete (doc as { visibilityState?: string }).visibilityState;
  doc.dispatchEvent(new Event('visibilitychange'));
}

/** How many remote tiles show their placeholder rather than their video. */
const placeholders = (p: TestParticipant) => part(p.call, 'tile').filter((tile) => !tile.matches('[part~="local-tile"]') && tile.querySelector('[part~="placeholder"]')).length;

describe('<rtc-call> out of sight', () => {
  afterEach(closeAll);

  it("stops the others' cameras to a page in the background, only to it, and has them back with the last pictures kept meanwhile", async () => {
    const [ada, bob, cy] = await joinAll(uniqueRoom('background'), rtcServer, ['Ada', 'Bob', 'Cy']);
    await untilEveryoneSeesEveryone([ada, bob, cy]);
    await eventually(() => flows(ada, bob, 'video'), "Ada's camera does not go to Bob to start with");
    expect(placeholders(bob), "Bob's page shows the others' cameras").to.equal(0);

    // Bob switches to another tab: after a few seconds, nobody sends him their camera.
    setHidden(bob, true);
    await eventually(async () => !(await flows(ada, bob, 'video')) && !(await flows(cy, bob, 'video')), "Ada's and Cy's cameras still go to Bob's page in the background");
    // Only to him: Cy still gets Ada's camera, and everyone still hears everyone and sees Bob.
    expect(await flows(ada, cy, 'video'), "Ada's camera to Cy").to.equal(true);
    expect(await flows(ada, bob, 'audio'), "Ada's sound to Bob").to.equal(true);
    expect(await flows(bob, ada, 'video'), "Bob's camera to Ada").to.equal(true);
    // Cameras paused on purpose say nothing of the connections: Bob's page does not judge them weak
    // for it (only for figures that would make any connection weak: a loaded machine's jitter).
    const stats = await bob.call.getStats();
    expect(stats.map((s) => s.name).sort()).to.deep.equal(['Ada', 'Cy']);
    for (const s of stats) {
      const poorAnyway = (s.rtt ?? 0) > 200 || (s.packetLoss ?? 0) > 0.03 || (s.packetLossOut ?? 0) > 0.03 || (s.jitter ?? 0) > 40;
      expect(s.quality === 'good' || poorAnyway, `Bob's page judges ${s.name}'s connection ${s.quality}: ${JSON.stringify(s)}`).to.equal(true);
    }

    // Back: the tiles keep their last pictures, not a placeholder, until the cameras come again.
    setHidden(bob, false);
    await bob.call.updateComplete;
    expect(placeholders(bob), 'placeholders on Bob\'s page as he comes back').to.equal(0);
    await eventually(async () => (await flows(ada, bob, 'video')) && (await flows(cy, bob, 'video')), "Ada's and Cy's cameras do not come back to Bob's page");
    const frames = () => part(bob.call, 'remote-video').map((v) => (v as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames);
    const shown = frames();
    await eventually(async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return frames().every((n, i) => n > shown[i]) && placeholders(bob) === 0;
    }, "Bob's page does not show the others' cameras moving again");
  });

  it("stops the others' cameras to a call scrolled out of view, and has them back once it is in view", async () => {
    const [ada, bob] = await joinAll(uniqueRoom('out of view'), rtcServer, ['Ada', 'Bob']);
    await untilEveryoneSeesEveryone([ada, bob]);
    await eventually(() => flows(ada, bob, 'video'), "Ada's camera does not go to Bob to start with");
    // Bob's page scrolls down past the call (here: the call moves down out of the page's view).
    bob.call.style.marginTop = `${bob.frame.clientHeight * 3}px`;
    await eventually(async () => !(await flows(ada, bob, 'video')), "Ada's camera still goes to Bob's call out of view");
    expect(await flows(ada, bob, 'audio'), "Ada's sound to Bob").to.equal(true);
    expect(await flows(bob, ada, 'video'), "Bob's camera to Ada").to.equal(true);
    bob.call.style.marginTop = '';
    await eventually(() => flows(ada, bob, 'video'), "Ada's camera does not come back to Bob's call in view");
  });

  it("stops the others' cameras to a visitor who turns them off in Devices, says so on their tiles, and has them back when turned on", async () => {
    const [ada, bob, cy] = await joinAll(uniqueRoom('no incoming video'), rtcServer, ['Ada', 'Bob', 'Cy']);
    await untilEveryoneSeesEveryone([ada, bob, cy]);
    await eventually(() => flows(ada, bob, 'video'), "Ada's camera does not go to Bob to start with");
    const offForYou = (p: TestParticipant) => part(p.call, 'video-off-for-you').map((sign) => sign.closest('[part~="tile"]')!.querySelector('[part~="name"]')!.textContent!.trim());
    expect(offForYou(bob)).to.deep.equal([]);
    // Bob, on a phone's data plan, unticks "Show the others' video" in Devices.
    await pressInBar(bob, 'settings-button');
    const box = () => part(bob.call, 'others-video-checkbox')[0] as HTMLInputElement;
    await until(() => !!box() && !!part(bob.call, 'settings')[0]?.contains(bob.call.shadowRoot!.activeElement), 'Devices does not open with focus in it');
    expect(box().checked, 'ticked to start with').to.equal(true);
    box().click();
    expect(bob.call.noIncomingVideo).to.equal(true);
    await until(() => offForYou(bob).sort().join() === 'Ada,Cy' && placeholders(bob) === 2, () => `Bob's tiles say video off for ${offForYou(bob)}, ${placeholders(bob)} placeholders`);
    expect(part(bob.call, 'video-off-for-you')[0].getAttribute('aria-label')).to.equal('Video off for you');
    await eventually(async () => !(await flows(ada, bob, 'video')) && !(await flows(cy, bob, 'video')), "Ada's and Cy's cameras still go to Bob");
    // Only to Bob: everyone hears everyone, and the others still see each other and Bob.
    expect(await flows(ada, bob, 'audio'), "Ada's sound to Bob").to.equal(true);
    expect(await flows(ada, cy, 'video'), "Ada's camera to Cy").to.equal(true);
    expect(await flows(bob, ada, 'video'), "Bob's camera to Ada").to.equal(true);
    expect(offForYou(ada), 'on the others\' pages').to.deep.equal([]);
    // Ticked again: the cameras come back, and the tiles show them.
    box().click();
    await eventually(async () => (await flows(ada, bob, 'video')) && (await flows(cy, bob, 'video')), "Ada's and Cy's cameras do not come back to Bob");
    await until(() => offForYou(bob).length === 0 && placeholders(bob) === 0, "Bob's tiles do not show the cameras again");
  });

  it('stops a shared screen to a page in the background, only to it, and sends it again once back; turning the cameras off leaves it', async () => {
    const [ada, bob, cy] = await joinAll(uniqueRoom('screen out of sight'), rtcServer, ['Ada', 'Bob', 'Cy']);
    await untilEveryoneSeesEveryone([ada, bob, cy]);
    await ada.call.toggleScreenShare(true);
    await eventually(async () => (await screenFlows(bob, ada)) && (await screenFlows(cy, ada)), "Ada's screen does not reach Bob and Cy");
    // Bob turns the others' cameras off: a shared screen is not a camera, and still comes.
    bob.call.noIncomingVideo = true;
    await eventually(async () => !(await flows(cy, bob, 'video')), "Cy's camera still goes to Bob");
    expect(await screenFlows(bob, ada), "Ada's screen to Bob with the cameras off").to.equal(true);
    // In the background: the screen stops going to him, and only to him.
    setHidden(bob, true);
    await eventually(async () => !(await screenFlows(bob, ada)), "Ada's screen still goes to Bob's page in the background");
    expect(await screenFlows(cy, ada), "Ada's screen to Cy").to.equal(true);
    expect(await flows(ada, bob, 'audio'), "Ada's sound to Bob").to.equal(true);
    // Back: it comes again.
    setHidden(bob, false);
    await eventually(() => screenFlows(bob, ada), "Ada's screen does not come back to Bob's page");
    expect(part(bob.call, 'screen-tile'), "the screen's tile on Bob's page").to.have.length(1);
  });
});
