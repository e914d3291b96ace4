// One session per room per page, two rosters: <rtc-chat> beside <rtc-call> shares the call's
// session, so the room holds everyone with either. The call shows, counts and announces the
// people in the call only; the chat, everyone.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { RtcParticipantJoinedEvent, RtcParticipantLeftEvent } from '../src/events/index.js';
import { rtcServer } from './env.js';
import type { RtcCall } from '../src/components/call/call.js';
import { addChatParticipant, addParticipant, closeAll, namesWithVideo, part, remoteNames, shownMessages, uniqueRoom, until, type ChatParticipant } from './helpers.js';

describe('the call and the chat of one room', () => {
  afterEach(closeAll);

  it('the call has the people in the call; the chat has everyone; leaving and joining the call again are left and joined', async () => {
    const room = uniqueRoom('roster');
    const ada = await addChatParticipant({ room, server: rtcServer, name: 'Ada' }, { withCall: true });
    const call = ada.call!;
    const seen: string[] = [];
    call.addEventListener('rtc-participant-joined', (e) => seen.push(`joined ${(e as RtcParticipantJoinedEvent).detail.participant.name}`));
    call.addEventListener('rtc-participant-left', (e) => {
      const { participant, reason } = (e as RtcParticipantLeftEvent).detail;
      seen.push(`left ${participant.name} (${reason})`);
    });
    await until(() => call.phase === 'in-call', 'Ada did not join');

    const bob = await addChatParticipant({ room, server: rtcServer, name: 'Bob' }, { withCall: true });
    const cy = await addChatParticipant({ room, server: rtcServer, name: 'Cy' }); // the chat only
    await until(() => ada.chat.participants.length === 2 && bob.call?.phase === 'in-call', 'Bob and Cy did not join');
    await until(() => remoteNames(call).length === 1, () => `Ada's call shows ${remoteNames(call)}`);
    await call.updateComplete;
    expect(remoteNames(call)).to.deep.equal(['Bob']);
    expect(call.participants.map((p) => p.name)).to.deep.equal(['Bob']);
    expect(part(call, 'status')[0].textContent).to.equal('2 in call');
    expect(ada.chat.participants.map((p) => p.name).sort()).to.deep.equal(['Bob', 'Cy']);
    expect(part(ada.chat, 'status')[0].textContent).to.equal('3 people here');
    expect(seen).to.deep.equal(['joined Bob']);

    // Bob leaves the call and keeps the chat open.
    await bob.call!.leave();
    await until(() => remoteNames(call).length === 0, () => `Ada's call still shows ${remoteNames(call)}`);
    await call.updateComplete;
    expect(call.participants).to.have.length(0);
    expect(part(call, 'status')[0].textContent).to.equal('1 in call');
    expect(part(call, 'alone')[0]?.querySelector('h2')?.textContent, 'alone again, not the first one here').to.equal("You're the only one here now");
    expect(seen).to.deep.equal(['joined Bob', 'left Bob (left)']);
    expect(ada.chat.participants.map((p) => p.name).sort()).to.deep.equal(['Bob', 'Cy']);

    // And comes back.
    await bob.call!.join();
    await until(() => remoteNames(call).length === 1, 'Bob is not back in the call');
    expect(seen).to.deep.equal(['joined Bob', 'left Bob (left)', 'joined Bob']);

    // Someone with only the chat closing the page is no event of the call's.
    cy.close();
    await until(() => ada.chat.participants.length === 1, 'Cy is still in the chat');
    expect(seen).to.deep.equal(['joined Bob', 'left Bob (left)', 'joined Bob']);
    bob.close();
    await until(() => seen.length === 4, 'no left for Bob closing the page');
    expect(seen[3]).to.match(/^left Bob \((closed|left|timeout)\)$/);
  });

  it('the name typed in the call is the one everyone sees, though the chat beside it joined without one; a new name shows at once', async () => {
    const room = uniqueRoom('names');
    // Ada's page: the chat is in the room at once, nameless (Guest), as on the demo page.
    const ada = await addChatParticipant({ room, server: rtcServer });
    const bob = await addChatParticipant({ room, server: rtcServer, name: 'Bob' }, { withCall: true });
    const chatNames = () => bob.chat.participants.map((p) => p.name);
    await until(() => chatNames().join() === 'Guest', () => `Bob's chat shows ${chatNames()}`);

    // Ada opens the call beside it, types her name in its lobby and joins.
    const call = ada.frame.contentDocument!.createElement('rtc-call') as RtcCall;
    call.setAttribute('room', room);
    call.setAttribute('server', rtcServer);
    ada.frame.contentDocument!.body.prepend(call);
    try {
      await until(() => part(call, 'name-input').length === 1, 'no name field in the lobby');
      const input = part(call, 'name-input')[0] as HTMLInputElement;
      input.value = 'Ada';
      input.dispatchEvent(new Event('input'));
      await call.join();
      await until(() => remoteNames(bob.call!).join() === 'Ada' && chatNames().join() === 'Ada', () => `Bob's call shows ${remoteNames(bob.call!)}, his chat ${chatNames()}`, 15_000);

      // Ada's page gives the chat another name: Bob's call and chat show it, and her next message.
      ada.chat.name = 'Ada L.';
      await until(() => remoteNames(bob.call!).join() === 'Ada L.' && chatNames().join() === 'Ada L.', () => `Bob's call shows ${remoteNames(bob.call!)}, his chat ${chatNames()}`, 10_000);
      const lines = () => part(bob.chat, 'system-line').map((l) => l.textContent);
      // One line for both new names: nothing was said between them.
      await until(() => lines().includes('Guest is now Ada L.'), () => `Bob's chat says ${lines().join(' | ')}`);
      ada.chat.send('renamed');
      await until(() => shownMessages(bob.chat).includes('renamed'), 'the message did not arrive');
      const sender = part(bob.chat, 'message').at(-1)!.querySelector('[part~="sender"]')!.textContent;
      expect(sender).to.equal('Ada L.');
    } finally {
      ada.frame.contentWindow!.localStorage.removeItem('rtc-elements:name');
    }
  });

  it("a call without a name of its own shows the chat's name on the page's own tile, and follows it", async () => {
    const room = uniqueRoom('own-tile');
    const ada = await addChatParticipant({ room, server: rtcServer, name: 'Ada' }); // the chat is named
    const bob = await addChatParticipant({ room, server: rtcServer, name: 'Bob' }, { withCall: true });
    const call = ada.frame.contentDocument!.createElement('rtc-call') as RtcCall;
    call.setAttribute('room', room);
    call.setAttribute('server', rtcServer);
    ada.frame.contentDocument!.body.prepend(call);
    await call.join();
    await until(() => remoteNames(bob.call!).join() === 'Ada', () => `Bob's call shows ${remoteNames(bob.call!)}`, 15_000);
    const ownName = () => part(call, 'local-tile')[0]?.querySelector('[part~="name"]')?.textContent;
    await until(() => ownName() === 'Ada (you)', () => `Ada's own tile says ${ownName()}`);
    ada.chat.name = 'Ada L.';
    await until(() => ownName() === 'Ada L. (you)', () => `Ada's own tile says ${ownName()}`);
    expect(remoteNames(bob.call!)).to.deep.equal(['Ada L.']);
  });

  it('two people whose chats met first, starting the call together, see each other after one negotiation, and again after leaving and joining', async () => {
    const room = uniqueRoom('call-later');
    const ada = await addChatParticipant({ room, server: rtcServer, name: 'Ada' }, { withCall: 'manual' });
    const bob = await addChatParticipant({ room, server: rtcServer, name: 'Bob' }, { withCall: 'manual' });
    await until(() => ada.chat.participants.length === 1 && bob.chat.participants.length === 1, 'the chats did not meet');
    // Their pair's connection carries the chat only; both add their camera and microphone at once.
    await Promise.all([ada.call!.join(), bob.call!.join()]);
    await until(() => namesWithVideo(ada.call!).join() === 'Bob' && namesWithVideo(bob.call!).join() === 'Ada', 'they do not see each other', 15_000);
    // Once nothing is left to negotiate, every transceiver carries media both ways: a second
    // negotiation for room the first one had already made would leave idle ones behind.
    const open = (p: ChatParticipant) => p.connections.filter((pc) => pc.connectionState !== 'closed');
    const settled = (p: ChatParticipant) => open(p).every((pc) => pc.signalingState === 'stable' && pc.getTransceivers().every((t) => t.currentDirection !== null));
    await until(() => settled(ada) && settled(bob), 'the negotiations did not end', 15_000);
    const transceivers = (p: ChatParticipant) => open(p)[0].getTransceivers().map((t) => `${t.receiver.track.kind} ${t.currentDirection}`);
    for (const p of [ada, bob]) {
      expect(open(p), `${p.name}'s connections`).to.have.length(1);
      expect(transceivers(p), `${p.name}'s transceivers`).to.deep.equal(['audio sendrecv', 'video sendrecv']);
    }
    // Ada leaves the call and comes back, twice, keeping her chat: the same two transceivers carry it.
    for (let i = 0; i < 2; i++) {
      await ada.call!.leave();
      await until(() => remoteNames(bob.call!).length === 0, 'Bob still shows Ada in the call');
      await ada.call!.join();
      await until(() => namesWithVideo(ada.call!).join() === 'Bob' && namesWithVideo(bob.call!).join() === 'Ada', 'they do not see each other again', 15_000);
    }
    await until(() => settled(ada) && settled(bob), 'the negotiations did not end', 15_000);
    for (const p of [ada, bob]) expect(transceivers(p), `${p.name}'s transceivers after two joins`).to.deep.equal(['audio sendrecv', 'video sendrecv']);
  });

  it("a namesake who has only the chat open is named in the call's notice too, not taken for damaged data", async () => {
    const room = uniqueRoom('namesake');
    const ada = await addChatParticipant({ room, server: rtcServer, name: 'Ada' }, { withCall: true });
    await until(() => ada.call!.phase === 'in-call', 'Ada did not join');
    await addChatParticipant({ room, server: rtcServer, name: 'ada' }); // the chat only
    const said = () => part(ada.call!, 'notice').map((n) => n.textContent!.trim());
    await until(() => said().length > 0, "Ada's call says nothing");
    expect(said().join(' | ')).to.contain('Two people here are called ada');
  });
  it('a newcomer is connecting to those already here until it meets them: never told it is alone, in the chat or in the call', async () => {
    for (const password of ['', 'secret']) {
      const room = uniqueRoom('meeting');
      const extra: Record<string, string> = password ? { password } : {};
      const ada = await addChatParticipant({ room, server: rtcServer, name: 'Ada', ...extra }, { withCall: true });
      await until(() => ada.call?.phase === 'in-call', 'Ada did not join');
      // Everything the newcomers' pages say while they meet Ada, from the first render on.
      const said = new Set<string>();
      const watch = (el: HTMLElement) => {
        const note = () => {
          for (const p of [...part(el, 'status'), ...part(el, 'alone')]) said.add(p.textContent?.replace(/\s+/g, ' ').trim() ?? '');
        };
        new MutationObserver(note).observe(el.shadowRoot!, { subtree: true, childList: true, characterData: true });
        note();
      };
      // No peer-to-peer packet goes through: the welcome does (it rides the server), the links do not open.
      await executeServerCommand('loopback-udp', { action: 'drop' });
      try {
        const bob = await addChatParticipant({ room, server: rtcServer, name: 'Bob', ...extra });
        const cy = await addParticipant({ room, server: rtcServer, name: 'Cy', autojoin: '', ...extra });
        watch(bob.chat);
        watch(cy.call);
        await until(() => bob.chat.phase === 'joined' && cy.call.phase === 'in-call', 'Bob and Cy were not let in');
        await until(() => part(bob.chat, 'status')[0]?.textContent === 'Connecting…', () => `Bob's chat says "${part(bob.chat, 'status')[0]?.textContent}"`);
        await until(() => part(cy.call, 'status')[0]?.textContent === 'Connecting…', () => `Cy's call says "${part(cy.call, 'status')[0]?.textContent}"`);
        expect(bob.chat.participants, 'Bob has not met Ada yet').to.have.length(0);
        await executeServerCommand('loopback-udp', { action: 'restore' });
        await until(() => part(bob.chat, 'status')[0]?.textContent === '3 people here', () => `Bob's chat says "${part(bob.chat, 'status')[0]?.textContent}"`, 30_000);
        await until(() => part(cy.call, 'status')[0]?.textContent === '2 in call', () => `Cy's call says "${part(cy.call, 'status')[0]?.textContent}"`, 30_000);
      } finally {
        await executeServerCommand('loopback-udp', { action: 'restore' });
      }
      const alone = [...said].filter((s) => /only you|first one here|only one here|1 in call/i.test(s));
      expect(alone, `${password ? 'a private' : 'an open'} room: what the newcomers were told`).to.deep.equal([]);
      closeAll();
    }
  });
});
