// One session per room per page, two rosters: <rtc-chat> beside <rtc-call> shares the call's
// session, so the room holds everyone with either. The call shows, counts and announces the
// people in the call only; the chat, everyone.
import { expect } from '@open-wc/testing';
import type { RtcParticipantJoinedEvent, RtcParticipantLeftEvent } from '../src/events/index.js';
import { rtcServer } from './env.js';
import { addChatParticipant, closeAll, part, remoteNames, uniqueRoom, until } from './helpers.js';

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
});
