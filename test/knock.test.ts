// Rooms that knock, between real pages on a real PeerServer: a newcomer meets nobody until
// someone in the call lets them in; everyone in the call sees who asks, and any of them answers.
// Strangers who knock by hand learn nothing of the room and crowd the list only so far.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { MAX_KNOCKING } from '../src/session/knocking.js';
import { rtcServer, stockServer } from './env.js';
import { Attacker, beaconOf, destroyAttackers, hello, send } from './fixtures/attacker.js';
import { addChatParticipant, addParticipant, cameraTileOf, closeAll, eventsOf, joinAll, namesWithVideo, notesPlayed, part, readOut, remoteNames, sameMembers, uniqueRoom, until, untilEveryoneSeesEveryone, type TestParticipant } from './helpers.js';

/** The names in the requests a page shows. */
const requests = (p: TestParticipant) => part(p.call, 'knock-request').map((r) => r.textContent!.replace(/\s+/g, ' ').trim());
const asks = (p: TestParticipant, name: string) => requests(p).some((r) => r.includes(`${name} asks to join`));
const buttonFor = (p: TestParticipant, button: string, name: string) => part(p.call, 'knock-request').find((r) => r.textContent!.includes(name))?.querySelector<HTMLElement>(`[part~="${button}"]`);
const errorTypes = (p: TestParticipant) => eventsOf(p, 'rtc-error').map((e) => e.detail.type);

describe('a room that knocks', () => {
  afterEach(() => {
    closeAll();
    destroyAttackers();
  });

  for (const [label, server] of [
    ['rtc-server', rtcServer],
    ['a stock PeerServer', stockServer],
  ] as const) {
    it(`keeps a newcomer waiting until someone in the call lets them in (${label})`, async () => {
      const room = uniqueRoom('knock');
      const [ada, bob] = await joinAll(room, server, ['Ada'], { knock: '' }).then(async ([ada]) => {
        const bob = await addParticipant({ room, server, name: 'Bob', knock: '', autojoin: '' });
        // The first to come holds the room: Bob knocks at Ada.
        await until(() => asks(ada, 'Bob'), () => `Ada does not see Bob knock: ${JSON.stringify(requests(ada))}`);
        buttonFor(ada, 'let-in-button', 'Bob')!.click();
        await until(() => bob.call.phase === 'in-call', () => `Bob is not let in: ${bob.call.phase}`);
        return [ada, bob];
      });
      await untilEveryoneSeesEveryone([ada, bob]);
      const heard = readOut(bob.call);
      try {
        const cy = await addParticipant({ room, server, name: 'Cy', knock: '', autojoin: '' });
        // Cy waits, and says so; both in the call see him ask, and their pages are told.
        await until(() => part(cy.call, 'waiting').length === 1, () => `Cy does not show that he waits: ${cy.call.phase}`);
        expect(part(cy.call, 'waiting')[0].textContent).to.contain('Asking to join');
        expect(part(cy.call, 'status')[0].textContent).to.contain('Waiting to be let in');
        expect(cy.call.matches(':state(waiting)')).to.equal(true);
        await until(() => asks(ada, 'Cy') && asks(bob, 'Cy'), () => `Ada sees ${JSON.stringify(requests(ada))}, Bob ${JSON.stringify(requests(bob))}`);
        expect(eventsOf(ada, 'rtc-knock').map((e) => e.detail.knocker.name)).to.deep.equal(['Bob', 'Cy']);
        expect(eventsOf(bob, 'rtc-knock').map((e) => e.detail.knocker.name)).to.deep.equal(['Cy']);
        await until(() => heard.said.some((t) => t.includes('Cy asks to join')), () => `Bob is not told: ${JSON.stringify(heard.said)}`, 5_000);
        expect(ada.call.knocking.map((k) => k.name)).to.deep.equal(['Cy']);
        // Waiting, Cy meets nobody, and nobody sees him.
        expect(cy.call.participants).to.have.length(0);
        expect(remoteNames(ada.call)).to.deep.equal(['Bob']);

        // Bob (who does not hold the room) lets him in: everyone meets, and the requests go.
        buttonFor(bob, 'let-in-button', 'Cy')!.click();
        await untilEveryoneSeesEveryone([ada, bob, cy]);
        await until(() => requests(ada).length + requests(bob).length === 0, 'the requests stay');
        expect(part(cy.call, 'waiting')).to.have.length(0);
        expect(cy.call.matches(':state(waiting)')).to.equal(false);
      } finally {
        heard.stop();
      }
    });
  }

  it('asks again for a page back in the call after being away (offline), and says so on its stage, not "you are alone"', async function () {
    this.timeout(90_000);
    const room = uniqueRoom('knock-away-back');
    const [ada] = await joinAll(room, rtcServer, ['Ada'], { knock: '' });
    const bob = await addParticipant({ room, server: rtcServer, name: 'Bob', knock: '', autojoin: '' });
    await until(() => asks(ada, 'Bob'), 'Ada does not see Bob knock');
    ada.call.letIn(ada.call.knocking[0].id);
    await untilEveryoneSeesEveryone([ada, bob]);
    const heard = readOut(bob.call);
    try {
      // The path between them is lost (the pages' signalling server stays): past the 20 s the
      // members wait, each lets the other go, and Bob, alone, comes back as a newcomer, knocking.
      await executeServerCommand('loopback-udp', { action: 'drop' });
      try {
        await until(() => asks(ada, 'Bob'), () => `Ada does not see Bob knock again: ${JSON.stringify(requests(ada))}`, 60_000);
      } finally {
        await executeServerCommand('loopback-udp', { action: 'restore' });
      }
      expect(bob.call.phase, 'still in his call').to.equal('in-call');
      await until(() => part(bob.call, 'alone').length === 1, () => `no card on the stage: ${JSON.stringify(bob.call.participants.map((p) => [p.name, p.connection]))}`);
      const card = part(bob.call, 'alone')[0].textContent!;
      expect(card).to.contain('Asking to join');
      expect(card).to.contain('Someone in the call will let you in');
      expect(part(bob.call, 'copy-link-button'), 'an invitation while asking to be let in').to.have.length(0);
      expect(part(bob.call, 'status')[0].textContent).to.contain('Waiting to be let in');
      expect(bob.call.matches(':state(waiting)')).to.equal(true);
      await until(() => heard.said.some((t) => t.includes('Asking to join')), () => `not read out: ${JSON.stringify(heard.said)}`, 5_000);

      buttonFor(ada, 'let-in-button', 'Bob')!.click();
      await untilEveryoneSeesEveryone([ada, bob], 30_000);
      await until(() => part(bob.call, 'alone').length === 0 && !bob.call.matches(':state(waiting)'), 'still asking once let in');
    } finally {
      heard.stop();
    }
  });

  it('turns someone away: their join fails with a clear message, once; trying again knocks afresh; Cancel takes a request back', async function () {
    this.timeout(60_000);
    const room = uniqueRoom('knock-away');
    const [ada] = await joinAll(room, rtcServer, ['Ada'], { knock: '' });
    const dee = await addParticipant({ room, server: rtcServer, name: 'Dee', knock: '', autojoin: '' });
    await until(() => asks(ada, 'Dee'), 'Ada does not see Dee knock');
    expect(ada.call.turnAway('nobody-knocks-as-this'), 'an id that does not knock').to.equal(false);
    expect(ada.call.turnAway(ada.call.knocking[0].id)).to.equal(true);
    await until(() => dee.call.phase === 'error', () => `Dee is not told: ${dee.call.phase}`);
    expect(part(dee.call, 'error')[0].textContent).to.contain('turned you away');
    expect(errorTypes(dee)).to.deep.equal(['not-let-in']);
    expect(requests(ada)).to.deep.equal([]);
    expect(remoteNames(ada.call)).to.deep.equal([]);
    // Try again knocks afresh (a fresh id: nothing tells Dee apart from anyone new), and Ada answers again.
    part(dee.call, 'error')[0].querySelector<HTMLElement>('[part~="join-button"]')!.click();
    await until(() => asks(ada, 'Dee') && dee.call.phase === 'joining', () => `Dee does not knock again: ${dee.call.phase}`);
    buttonFor(ada, 'turn-away-button', 'Dee')!.click();
    await until(() => dee.call.phase === 'error', () => `Dee is not told again: ${dee.call.phase}`);
    expect(requests(ada)).to.deep.equal([]);

    // Eve knocks, then thinks better of it: her Cancel takes the request back at once.
    const eve = await addParticipant({ room, server: rtcServer, name: 'Eve', knock: '', autojoin: '' });
    await until(() => asks(ada, 'Eve') && part(eve.call, 'cancel-button').length === 1, 'Eve does not knock');
    part(eve.call, 'cancel-button')[0].click();
    await until(() => eve.call.phase === 'left' || eve.call.phase === 'idle', () => `Eve is not back in the lobby: ${eve.call.phase}`);
    // Well before a silent request lapses (10 s): Eve's page said that she went.
    await until(() => requests(ada).length === 0, "Eve's request stays", 4_000);
    expect(errorTypes(eve)).to.deep.equal([]);
  });

  it('lets everyone who asks in at once, as far as the room has places; the others hear that it is full', async function () {
    this.timeout(60_000);
    const room = uniqueRoom('knock-all');
    const limits = { knock: '', 'max-participants': '3' };
    const [ada] = await joinAll(room, rtcServer, ['Ada'], limits);
    const bob = await addParticipant({ room, server: rtcServer, name: 'Bob', autojoin: '', ...limits });
    await until(() => asks(ada, 'Bob'), 'Ada does not see Bob knock');
    // One asks: no Let everyone in.
    expect(part(ada.call, 'knock-all')).to.have.length(0);
    const cy = await addParticipant({ room, server: rtcServer, name: 'Cy', autojoin: '', ...limits });
    const dee = await addParticipant({ room, server: rtcServer, name: 'Dee', autojoin: '', ...limits });
    await until(() => requests(ada).length === 3, () => `Ada sees ${JSON.stringify(requests(ada))}`);
    const all = () => part(ada.call, 'knock-all')[0];
    await until(() => all()?.textContent?.includes('3 people ask to join') === true, () => `Ada's first row says "${all()?.textContent}"`);
    const everyone = all().querySelector<HTMLElement>('[part~="let-everyone-in-button"]')!;
    everyone.focus();
    everyone.click();
    // Two places were left: the first two who knocked come in, the third is told the room is full.
    const knockers = [bob, cy, dee];
    await until(() => knockers.filter((p) => p.call.phase === 'in-call').length === 2 && knockers.some((p) => p.call.phase === 'error'), () => `phases: ${knockers.map((p) => p.call.phase)}`);
    const [late] = knockers.filter((p) => p.call.phase === 'error');
    expect(errorTypes(late)).to.deep.equal(['room-full']);
    await untilEveryoneSeesEveryone([ada, ...knockers.filter((p) => p !== late)]);
    expect(requests(ada)).to.deep.equal([]);
    expect(part(ada.call, 'knock-all')).to.have.length(0);
    // The button pressed went with its row: focus went on to the control bar.
    expect(ada.call.shadowRoot!.activeElement?.closest('[part~="controls"]'), 'focus after Let everyone in').to.not.equal(null);
  });

  it('chimes in the call when someone comes to knock, except on a page with no-sounds', async () => {
    const room = uniqueRoom('knock-chime');
    const [ada] = await joinAll(room, rtcServer, ['Ada'], { knock: '' });
    const adaHears = notesPlayed(ada);
    const bob = await addParticipant({ room, server: rtcServer, name: 'Bob', knock: '', autojoin: '', 'no-sounds': '' });
    await until(() => asks(ada, 'Bob'), 'Ada does not see Bob knock');
    await until(() => adaHears.length === 2, () => `Ada's page played ${JSON.stringify(adaHears)}`);
    expect(adaHears).to.deep.equal([659, 880]);
    ada.call.letIn(ada.call.knocking[0].id);
    await untilEveryoneSeesEveryone([ada, bob]);
    const bobHears = notesPlayed(bob);
    await addParticipant({ room, server: rtcServer, name: 'Cy', knock: '', autojoin: '' });
    await until(() => asks(bob, 'Cy') && eventsOf(bob, 'rtc-knock').length === 1, 'Bob does not see Cy knock');
    expect(bobHears, 'notes from a page with no-sounds').to.deep.equal([]);
  });

  it('shows the newcomer their own camera while they wait, and comes in with the microphone and camera as they switched them there', async function () {
    this.timeout(60_000);
    const room = uniqueRoom('knock-preview');
    const [ada] = await joinAll(room, rtcServer, ['Ada'], { knock: '' });
    const [bob, cy] = await Promise.all(['Bob', 'Cy'].map((name) => addParticipant({ room, server: rtcServer, name, knock: '', autojoin: '' })));
    await until(() => requests(ada).length === 2, () => `Ada sees ${JSON.stringify(requests(ada))}`);
    const preview = (p: TestParticipant) => part(p.call, 'preview-video')[0] as HTMLVideoElement | undefined;
    const liveVideo = (p: TestParticipant) => !!p.call.localStream?.getVideoTracks().some((t) => t.readyState === 'live');
    for (const p of [bob, cy]) {
      await until(() => part(p.call, 'waiting').length === 1 && !!preview(p)?.videoWidth, () => `${p.name} does not see their camera while waiting`);
    }
    // Bob switches his microphone off, and his camera off and on again; Cy switches her camera off (its light goes out).
    const button = (p: TestParticipant, name: string) => part(p.call, name)[0];
    button(bob, 'mic-button').click();
    button(bob, 'camera-button').click();
    await until(() => !preview(bob) && part(bob.call, 'placeholder').length === 1 && !liveVideo(bob), 'Bob\'s camera is still on');
    button(bob, 'camera-button').click();
    await until(() => !!preview(bob)?.videoWidth && liveVideo(bob), 'Bob\'s camera does not come back');
    button(cy, 'camera-button').click();
    await until(() => !preview(cy) && !liveVideo(cy), 'Cy\'s camera is still on');
    expect([bob.call.microphoneOn, bob.call.cameraOn, cy.call.microphoneOn, cy.call.cameraOn]).to.deep.equal([false, true, true, false]);

    // Ada answers from the keyboard: once Bob's row goes, focus is on Cy's Let in; once hers goes, in the control bar.
    const focused = () => ada.call.shadowRoot!.activeElement as HTMLElement | null;
    const letBobIn = buttonFor(ada, 'let-in-button', 'Bob')!;
    letBobIn.focus();
    letBobIn.click();
    await until(() => !asks(ada, 'Bob') && focused() === buttonFor(ada, 'let-in-button', 'Cy'), () => `focus is on ${focused()?.getAttribute('part')}`);
    focused()!.click();
    await until(() => requests(ada).length === 0 && !!focused()?.closest('[part~="controls"]'), () => `focus is on ${focused()?.getAttribute('part')}`);
    const people = [ada, bob, cy];
    const tiles = (p: TestParticipant) => sameMembers(remoteNames(p.call), people.filter((o) => o !== p).map((o) => o.name));
    await until(() => people.every(tiles), () => `tiles: ${people.map((p) => `${p.name} [${remoteNames(p.call)}]`).join('; ')}`);
    // Bob is seen (the camera he switched on again) and muted; Cy is heard, and not seen.
    await until(() => namesWithVideo(ada.call).includes('Bob'), () => `Ada sees video of [${namesWithVideo(ada.call)}]`);
    await until(() => !!cameraTileOf(ada, 'Bob')?.querySelector('[part~="mic-off"]'), 'Bob is not shown muted');
    await until(() => ada.call.participants.find((p) => p.name === 'Cy')?.cam === false, 'Cy is not shown with her camera off');
    expect(ada.call.participants.find((p) => p.name === 'Cy')!.mic).to.equal(true);
    expect(namesWithVideo(ada.call)).to.not.include('Cy');
    expect([bob.call.microphoneOn, bob.call.cameraOn, cy.call.microphoneOn, cy.call.cameraOn], 'in the call').to.deep.equal([false, true, true, false]);
    expect(liveVideo(cy), "Cy's camera light").to.equal(false);
  });

  it('a page with only the chat knocks too, says so, and is let in from the call', async () => {
    const room = uniqueRoom('knock-chat');
    const [ada] = await joinAll(room, rtcServer, ['Ada'], { knock: '' });
    const dan = await addChatParticipant({ room, server: rtcServer, name: 'Dan', knock: '' });
    await until(() => asks(ada, 'Dan'), () => `Ada does not see Dan knock: ${JSON.stringify(requests(ada))}`);
    const status = () => part(dan.chat, 'status')[0]?.textContent ?? '';
    await until(() => status().includes('Waiting for someone in the room to let you in'), () => `Dan's chat says "${status()}"`);
    expect(part(dan.chat, 'knock-requests')).to.have.length(0);
    buttonFor(ada, 'let-in-button', 'Dan')!.click();
    await until(() => !status().includes('Waiting') && dan.chat.phase === 'joined', () => `Dan's chat is not in: ${dan.chat.phase}, "${status()}"`);
    // In the room, not in the call: no tile.
    expect(remoteNames(ada.call)).to.deep.equal([]);
  });

  it('a chat alone on its page lets people in as the call does; beside its own call in the call, it leaves that to the call', async function () {
    this.timeout(60_000);
    const room = uniqueRoom('knock-chat-door');
    const chatRequests = (chat: HTMLElement) => part(chat, 'knock-request').map((r) => r.textContent!.replace(/\s+/g, ' ').trim());
    const knocksAt = (events: CustomEvent[], el: HTMLElement) => events.filter((e) => e.type === 'rtc-knock' && e.target === el).map((e) => e.detail.knocker.name);
    // Dan has only the chat open, and holds the room.
    const dan = await addChatParticipant({ room, server: rtcServer, name: 'Dan', knock: '' });
    await until(() => dan.chat.phase === 'joined', 'Dan is not in');
    const danHears = notesPlayed(dan);
    const heard = readOut(dan.chat);
    try {
      const eve = await addChatParticipant({ room, server: rtcServer, name: 'Eve', knock: '' });
      await until(() => chatRequests(dan.chat).some((r) => r.includes('Eve asks to join')), () => `Dan's chat shows ${JSON.stringify(chatRequests(dan.chat))}`);
      expect(knocksAt(dan.events, dan.chat), "rtc-knock on Dan's chat").to.deep.equal(['Eve']);
      expect(dan.chat.knocking.map((k) => k.name)).to.deep.equal(['Eve']);
      await until(() => danHears.length === 2, () => `Dan's page played ${JSON.stringify(danHears)}`);
      expect(danHears, 'the chime').to.deep.equal([659, 880]);
      await until(() => heard.said.some((t) => t.includes('Eve asks to join')), () => `not read out: ${JSON.stringify(heard.said)}`, 5_000);
      // Let in with the row's button: Eve is in, and the row goes.
      part(dan.chat, 'knock-request')[0].querySelector<HTMLElement>('[part~="let-in-button"]')!.click();
      await until(() => eve.chat.phase === 'joined' && dan.chat.participants.some((p) => p.name === 'Eve'), () => `Eve is not in: ${eve.chat.phase}`);
      await until(() => part(dan.chat, 'knock-requests').length === 0, 'the row stays');

      // Gus comes with a call beside his chat: Dan lets him in by script.
      const gus = await addChatParticipant({ room, server: rtcServer, name: 'Gus', knock: '' }, { withCall: true });
      await until(() => dan.chat.knocking.some((k) => k.name === 'Gus'), () => `Dan's chat sees ${JSON.stringify(dan.chat.knocking)}`);
      expect(dan.chat.letIn('nobody-asks-as-this'), 'an id that does not knock').to.equal(false);
      expect(dan.chat.letIn(dan.chat.knocking.find((k) => k.name === 'Gus')!.id)).to.equal(true);
      await until(() => gus.call!.phase === 'in-call' && gus.chat.phase === 'joined', () => `Gus is not in: ${gus.call!.phase}, ${gus.chat.phase}`);

      // Hal knocks: Gus's call shows him and tells the page; Gus's chat, beside it, neither.
      await addChatParticipant({ room, server: rtcServer, name: 'Hal', knock: '' });
      await until(() => part(gus.call!, 'knock-request').some((r) => r.textContent!.includes('Hal asks to join')), "Gus's call does not show Hal");
      await until(() => chatRequests(dan.chat).some((r) => r.includes('Hal asks to join')), "Dan's chat does not show Hal");
      expect(part(gus.chat, 'knock-requests'), "rows in Gus's chat beside his call").to.have.length(0);
      expect(knocksAt(gus.events, gus.chat), "rtc-knock on Gus's chat").to.deep.equal([]);
      await until(() => knocksAt(gus.events, gus.call!).includes('Hal'), "rtc-knock on Gus's call");
      // Turned away from Dan's chat: the rows go everywhere.
      expect(dan.chat.turnAway(dan.chat.knocking.find((k) => k.name === 'Hal')!.id)).to.equal(true);
      await until(() => part(gus.call!, 'knock-requests').length === 0 && part(dan.chat, 'knock-requests').length === 0, 'the rows stay');
    } finally {
      heard.stop();
    }
  });

  it('a member let in who floods lists of invented people changes the requests a few times a second, and its answers for nobody do nothing', async () => {
    const room = uniqueRoom('knock-flood');
    const [ada] = await joinAll(room, rtcServer, ['Ada'], { knock: '' });
    const mallory = await Attacker.open(rtcServer);
    const question = mallory.intro(beaconOf(room), 'Mallory');
    await until(() => asks(ada, 'Mallory'), 'Ada does not see Mallory knock');
    buttonFor(ada, 'let-in-button', 'Mallory')!.click();
    const { conn } = await mallory.welcomed(question);
    send(conn, hello('Mallory', false));
    await until(() => ada.call.knocking.length === 0 && eventsOf(ada, 'rtc-knock').length === 1, 'Mallory is not in');
    const heard = readOut(ada.call);
    const started = performance.now();
    try {
      for (let i = 0; i < 2_000; i++) send(conn, { v: 1, t: 'knock', list: [{ id: `rtc-fake${i}`, name: `Fake ${i}` }] });
      // Answers for people who knock nowhere, and for Ada herself.
      for (let i = 0; i < 100; i++) send(conn, { v: 1, t: 'let-in', id: `rtc-fake${i}`, allow: true });
      await until(() => asks(ada, 'Fake 1999'), () => `Ada shows ${JSON.stringify(requests(ada))}`);
      const seconds = (performance.now() - started) / 1000;
      const told = eventsOf(ada, 'rtc-knock').length - 1;
      expect(told, `rtc-knock in ${seconds.toFixed(1)} s`).to.be.at.most(2 * Math.ceil(seconds) + 2);
      expect(heard.said.filter((t) => t.includes('asks to join')).length).to.be.at.most(told);
      expect(requests(ada)).to.have.length(1);
      expect(remoteNames(ada.call), 'nobody let in by the answers').to.deep.equal([]);
    } finally {
      heard.stop();
    }
    // Mallory's lists go with Mallory.
    mallory.destroy();
    await until(() => requests(ada).length === 0, 'the invented request stays');
  });

  it('strangers knocking by hand learn nothing of the room, get in nowhere, and fill the list only to its limit', async () => {
    const room = uniqueRoom('knock-strangers');
    const [ada] = await joinAll(room, rtcServer, ['Ada'], { knock: '' });
    const beacon = beaconOf(room);
    const strangers = await Promise.all(Array.from({ length: MAX_KNOCKING + 4 }, () => Attacker.open(rtcServer)));
    // Each knocks as a page does: the same question every few seconds.
    const questions = strangers.map((s, i) => ({ s, nonce: s.intro(beacon, `Stranger ${i}`) }));
    const again = setInterval(() => {
      for (const { s, nonce } of questions) s.signal(beacon, { proto: 'rtc-room/2', kind: 'intro', name: 'Stranger', media: true, nonce });
    }, 3_000);
    try {
      await until(() => requests(ada).length === MAX_KNOCKING, () => `Ada sees ${requests(ada).length} requests`);
      await new Promise((r) => setTimeout(r, 4_000)); // the questions asked again meanwhile
      expect(requests(ada)).to.have.length(MAX_KNOCKING);
      const answered = strangers.filter((s) => s.signals.some((x) => x.from === beacon && x.metadata.kind === 'knocking'));
      expect(answered, 'those listed are told to wait').to.have.length(MAX_KNOCKING);
      // Nothing but that: no welcome, no member's id or name.
      for (const s of strangers) {
        expect(s.connections, 'connections offered to a stranger').to.have.length(0);
        expect(s.signals.every((x) => x.metadata.kind === 'knocking')).to.equal(true);
        expect(JSON.stringify(s.signals)).not.to.contain('Ada');
      }
    } finally {
      clearInterval(again);
    }
    // Once they stop asking, their requests go by themselves.
    await until(() => requests(ada).length === 0, 'the strangers\' requests stay', 15_000);
    expect(remoteNames(ada.call)).to.deep.equal([]);
  });
});
