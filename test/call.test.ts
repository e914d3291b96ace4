import { expect } from '@open-wc/testing';
import { rtcServer, stockServer } from './env.js';
import {
  addParticipant,
  closeAll,
  joinAll,
  eventsOf,
  namesWithVideo,
  peerjsIds,
  remoteNames,
  sameMembers,
  type TestParticipant,
  uniqueRoom,
  until,
  untilEveryoneSeesEveryone,
} from './helpers.js';

for (const [label, server] of [
  ['rtc-server', rtcServer],
  ['the stock peer server', stockServer],
] as const) {
  describe(`<rtc-call> rooms on ${label}`, () => {
    afterEach(closeAll);

    it('two participants see and hear each other', async () => {
      const [ada, bob] = await joinAll(uniqueRoom(), server, ['Ada', 'Bob']);
      await untilEveryoneSeesEveryone([ada, bob]);
      // The sound plays in an audio element of its own; the video is muted.
      const sound = ada.call.shadowRoot!.querySelector<HTMLAudioElement>('audio[part~="remote-audio"]')!;
      expect((sound.srcObject as MediaStream).getAudioTracks(), 'remote audio').to.have.length(1);
      expect(sound.muted, 'the remote sound is not muted').to.equal(false);
      await until(() => !sound.paused && sound.currentTime > 0, 'the remote sound does not play');
      expect(eventsOf(ada, 'rtc-participant-joined').map((e) => e.detail.participant.name)).to.deep.equal(['Bob']);
      expect(eventsOf(bob, 'rtc-participant-joined').map((e) => e.detail.participant.name)).to.deep.equal(['Ada']);
    });

    it('three participants form a full mesh, one tile each', async () => {
      const people = await joinAll(uniqueRoom(), server, ['Ada', 'Bob', 'Cy']);
      await untilEveryoneSeesEveryone(people);
      for (const p of people) expect(remoteNames(p.call), `${p.name}'s tiles`).to.have.length(2);
    });

    it('removes a participant who leaves, and one whose page goes away, within 5 s', async () => {
      const [ada, bob, cy] = await joinAll(uniqueRoom(), server, ['Ada', 'Bob', 'Cy']);
      await untilEveryoneSeesEveryone([ada, bob, cy]);

      await cy.call.leave();
      await until(() => sameMembers(remoteNames(ada.call), ['Bob']) && sameMembers(remoteNames(bob.call), ['Ada']), 'Cy still shown after leaving', 5_000);
      expect(eventsOf(ada, 'rtc-participant-left').map((e) => [e.detail.participant.name, e.detail.reason])).to.deep.equal([['Cy', 'left']]);
      expect(eventsOf(cy, 'rtc-left').map((e) => e.detail.reason)).to.deep.equal(['user']);

      bob.close();
      await until(() => remoteNames(ada.call).length === 0, 'Bob still shown after his page went away', 5_000);
      expect(eventsOf(ada, 'rtc-participant-left').map((e) => e.detail.participant.name)).to.deep.equal(['Cy', 'Bob']);
      // Nothing kept of them: in a long call with people coming and going, that would only grow.
      await until(() => peerjsIds(ada).length === 0, () => `Ada's PeerJS still lists ${JSON.stringify(peerjsIds(ada))}`);
    });

    it('two people joining at the same instant meet; after the introducer leaves a newcomer still joins', async () => {
      const room = uniqueRoom('race');
      const [first, second] = await Promise.all([
        addParticipant({ room, server, name: 'Ada', autojoin: '' }),
        addParticipant({ room, server, name: 'Bob', autojoin: '' }),
      ]);
      await untilEveryoneSeesEveryone([first, second]);
      const cy = await addParticipant({ room, server, name: 'Cy', autojoin: '' });
      await untilEveryoneSeesEveryone([first, second, cy]);

      // Whoever introduced the others holds the room's beacon; it leaves.
      const holder = [first, second, cy].find((p) => (p.frame.contentWindow as unknown as { rtcHoldsBeacon: () => boolean }).rtcHoldsBeacon());
      expect(holder, 'someone holds the beacon').to.exist;
      const rest = [first, second, cy].filter((p) => p !== holder);
      holder!.close();
      await until(() => rest.every((p) => remoteNames(p.call).length === 1), 'the introducer was not removed', 5_000);

      const dee = await addParticipant({ room, server, name: 'Dee', autojoin: '' });
      await untilEveryoneSeesEveryone([...rest, dee], 30_000);
    });
  });
}

describe('<rtc-call> people', () => {
  afterEach(closeAll);

  it('marks two people of the same name apart on their tiles, and announces those already there only after rtc-joined', async () => {
    const [ada, bob, ada2] = await joinAll(uniqueRoom('namesakes'), rtcServer, ['Ada', 'Bob', 'Ada']);
    const tiles = (p: TestParticipant) => remoteNames(p.call).sort().join(', ');
    // Each page numbers namesakes by the order it met them, its own name first.
    await until(() => tiles(bob) === 'Ada #1, Ada #2' && tiles(ada) === 'Ada #2, Bob' && tiles(ada2) === 'Ada #2, Bob', () => `tiles: ${[ada, bob, ada2].map(tiles).join('; ')}`);
    // The events a script sees: its own join first, then one for each person, already there or arriving.
    const said = ['rtc-joined', 'rtc-participant-joined', 'rtc-participant-left'];
    const order = (p: TestParticipant) => p.events.filter((e) => said.includes(e.type)).map((e) => (e.type === 'rtc-joined' ? 'joined' : e.detail.participant.name));
    expect(order(ada)).to.deep.equal(['joined', 'Bob', 'Ada']);
    expect(order(bob)).to.deep.equal(['joined', 'Ada', 'Ada']);
    expect(order(ada2).slice(0, 1)).to.deep.equal(['joined']);
    expect(order(ada2).slice(1).sort()).to.deep.equal(['Ada', 'Bob']);
    // A person's updates (their streams came, say) come only once they were announced.
    for (const p of [ada, bob, ada2]) {
      const announced = new Set<string>();
      const updates = p.events.filter((e) => e.type === 'rtc-participant-updated');
      expect(updates.length, `${p.name}'s updates`).to.be.greaterThan(0);
      for (const e of p.events) {
        if (e.type === 'rtc-participant-joined') announced.add(e.detail.participant.id);
        if (e.type === 'rtc-participant-updated') expect(announced.has(e.detail.participant.id), `${p.name}: an update for ${e.detail.participant.name} before they joined`).to.equal(true);
      }
    }
  });
});

describe('<rtc-call> videos', () => {
  afterEach(closeAll);

  it('keeps every video playing, without reloading it, while the call changes around it', async () => {
    const room = uniqueRoom('steady');
    const [ada, bob] = await joinAll(room, rtcServer, ['Ada', 'Bob']);
    await untilEveryoneSeesEveryone([ada, bob]);
    const videos = ada.call.shadowRoot!.querySelectorAll<HTMLVideoElement>('video');
    expect(videos, 'the preview and Bob').to.have.length(2);
    // A video whose source is set again restarts: it goes blank and its sound drops out.
    const restarts: string[] = [];
    for (const video of videos) video.addEventListener('emptied', () => restarts.push(video.getAttribute('part') ?? ''));

    // Renders of Ada's call: Bob mutes, Ada mutes, Cy joins.
    await bob.call.toggleMicrophone(false);
    await until(() => ada.call.shadowRoot!.querySelectorAll('[part~="mic-off"]').length === 1, 'Ada does not see that Bob is muted');
    await ada.call.toggleMicrophone(false);
    const [cy] = await joinAll(room, rtcServer, ['Cy']);
    await untilEveryoneSeesEveryone([ada, bob, cy]);

    const now = ada.call.shadowRoot!.querySelectorAll<HTMLVideoElement>('video');
    expect([...videos].every((v) => [...now].includes(v)), 'the same video elements').to.equal(true);
    expect(restarts, 'videos restarted').to.deep.equal([]);
  });

  it('sends each camera no larger than the tile that shows it, and full size again when the tile grows', async () => {
    const [ada, bob] = await joinAll(uniqueRoom('sizes'), rtcServer, ['Ada', 'Bob']);
    await untilEveryoneSeesEveryone([ada, bob]);
    // The cameras are 640 × 480; in pages 320 × 300 each shows the other's drawn about 230 pixels
    // high (a call of two: the other person fills the stage).
    for (const p of [ada, bob]) Object.assign(p.frame.style, { width: '320px', height: '300px' });
    const onPage = (p: typeof ada) => p.call.shadowRoot!.querySelector<HTMLVideoElement>('video[part~="remote-video"]')?.videoHeight ?? 0;
    const tile = (p: typeof ada) => p.call.shadowRoot!.querySelector<HTMLElement>('[part~="tile"]:not([part~="local-tile"])')!.getBoundingClientRect().height;
    const sizes = () => `Bob's camera comes ${onPage(ada)} pixels high for a tile ${tile(ada)} high, Ada's ${onPage(bob)} for ${tile(bob)}`;
    // A camera also starts small while the connection finds its bandwidth: what counts is that
    // it comes small for as long as the tile stays small, and full size once it grows.
    await until(() => onPage(ada) > 0 && onPage(ada) <= 240 && onPage(bob) > 0 && onPage(bob) <= 240, sizes, 15_000);
    // Ada's page grows: Bob's camera comes full size to Ada, and Ada's stays small for Bob,
    // whose page was never asked for more.
    ada.frame.style.width = '1280px';
    ada.frame.style.height = '960px';
    await until(() => onPage(ada) === 480 && onPage(bob) <= 240, sizes, 15_000);
    // Small again: Bob's camera, now past its start, is scaled down for Ada's tile.
    ada.frame.style.width = bob.frame.style.width;
    ada.frame.style.height = bob.frame.style.height;
    await until(() => onPage(ada) > 0 && onPage(ada) <= 240, sizes, 15_000);
  });

  it('highlights the tile of whoever speaks, and no longer once they mute', async () => {
    const [ada, bob] = await joinAll(uniqueRoom('speaker'), rtcServer, ['Ada', 'Bob']);
    await untilEveryoneSeesEveryone([ada, bob]);
    // Bob muted is nobody's speaker on his own page: the one who can be is Ada, whose fake
    // microphone beeps.
    await bob.call.toggleMicrophone(false);
    const speaking = (p: typeof ada) => p.call.shadowRoot!.querySelector('[part~="speaking-tile"] [part~="name"]')?.textContent?.trim() ?? null;
    await until(() => speaking(bob) === 'Ada', () => `Bob's page does not show Ada speaking (it shows ${speaking(bob)})`, 15_000);
    await ada.call.toggleMicrophone(false);
    await until(() => speaking(bob) === null, () => `Bob's page still shows ${speaking(bob)} speaking`, 15_000);
  });
});

describe('<rtc-call> failures', () => {
  afterEach(closeAll);

  it('refuses a participant beyond max-participants with room-full', async () => {
    const room = uniqueRoom('full');
    for (const name of ['Ada', 'Bob']) {
      const p = await addParticipant({ room, server: rtcServer, name, autojoin: '', 'max-participants': '2' });
      await until(() => p.call.phase === 'in-call', `${name} did not get in`);
    }
    const cy = await addParticipant({ room, server: rtcServer, name: 'Cy', autojoin: '', 'max-participants': '2' });
    await until(() => cy.call.phase === 'error', () => `Cy's phase is ${cy.call.phase}`, 20_000);
    const [error] = eventsOf(cy, 'rtc-error');
    expect(error.detail.type).to.equal('room-full');
    expect(cy.call.shadowRoot!.querySelector('[part~="error"]')!.textContent).to.contain('This room is full');
  });

  it('leaves a failed join behind when its room changes: joins the new room with autojoin, else shows its lobby', async () => {
    // A single-page app's route moves the element to another room after it found one full.
    const room = uniqueRoom('full-then-moved');
    await joinAll(room, rtcServer, ['Ada', 'Bob'], { 'max-participants': '2' });
    const [cy, dee] = await Promise.all(['Cy', 'Dee'].map((name) => addParticipant({ room, server: rtcServer, name, 'max-participants': '2', ...(name === 'Cy' ? { autojoin: '' } : {}) })));
    void dee.call.join().catch(() => {});
    await until(() => cy.call.phase === 'error' && dee.call.phase === 'error', () => `phases ${cy.call.phase}, ${dee.call.phase}`, 20_000);
    const other = uniqueRoom('not-full');
    const [eve] = await joinAll(other, rtcServer, ['Eve']);
    cy.call.room = other;
    dee.call.room = uniqueRoom('elsewhere');
    await until(() => sameMembers(remoteNames(eve.call), ['Cy']), () => `Eve sees [${remoteNames(eve.call)}]; Cy is ${cy.call.phase}`);
    expect(cy.call.phase).to.equal('in-call');
    await until(() => dee.call.phase === 'idle', () => `Dee is ${dee.call.phase}`);
    const shown = (call: HTMLElement, name: string) => call.shadowRoot!.querySelectorAll(`[part~="${name}"]`).length;
    expect({ error: shown(dee.call, 'error'), join: shown(dee.call, 'join-button') }, "Dee: the new room's lobby, not the full room's error").to.deep.equal({ error: 0, join: 1 });
  });

  it('reports an unreachable server in the element and as rtc-error', async () => {
    const p = await addParticipant({ room: uniqueRoom(), server: 'http://127.0.0.1:9/peerjs', name: 'Ada', autojoin: '' });
    await until(() => p.call.phase === 'error', () => `phase is ${p.call.phase}`, 20_000);
    const [error] = eventsOf(p, 'rtc-error');
    expect(error.detail).to.include({ type: 'network', fatal: true });
    expect(p.call.shadowRoot!.querySelector('[part~="error"]')!.textContent).to.contain('Cannot reach the call server');
    const stream = p.call.localStream;
    expect(stream, 'no camera left running').to.equal(null);
  });

  it('reports a server URL with the wrong path, and a wrong key, instead of waiting forever', async () => {
    const wrongPath = rtcServer.replace(/\/peerjs$/, '/not-here');
    const a = await addParticipant({ room: uniqueRoom(), server: wrongPath, name: 'Ada', autojoin: '' });
    const b = await addParticipant({ room: uniqueRoom(), server: rtcServer, key: 'not-the-key', name: 'Bob', autojoin: '' });
    await until(() => a.call.phase === 'error' && b.call.phase === 'error', () => `phases ${a.call.phase}, ${b.call.phase}`, 20_000);
    expect(eventsOf(a, 'rtc-error')[0].detail.type).to.equal('network');
    expect(eventsOf(b, 'rtc-error')[0].detail).to.include({ type: 'invalid-key', fatal: true });
    expect(b.call.shadowRoot!.querySelector('[part~="error"]')!.textContent).to.contain('refused the key');
  });

  it('lets a visitor with a blocked camera and microphone join receive-only, and says why', async () => {
    const room = uniqueRoom('denied');
    const [ada] = await joinAll(room, rtcServer, ['Ada']);
    const bob = await addParticipant({ room, server: rtcServer, name: 'Bob', autojoin: '', deny: '1' });
    await until(() => bob.call.phase === 'in-call', () => `Bob's phase is ${bob.call.phase}`);
    await until(() => sameMembers(namesWithVideo(bob.call), ['Ada']), 'Bob does not see Ada');
    await until(() => sameMembers(remoteNames(ada.call), ['Bob']), 'Ada does not see Bob\'s tile');
    const [error] = eventsOf(bob, 'rtc-error');
    expect(error.detail).to.include({ type: 'media-denied', fatal: false });
    expect(bob.call.shadowRoot!.querySelector('[part~="notice"]')!.textContent).to.contain('see and hear the others');
  });
});
