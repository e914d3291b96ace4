// What a single-page app does to the elements: it binds attributes to values that come and go
// (a framework removes an attribute bound to null), and hands properties its own types (a
// route's numeric id, an array).
import { expect } from '@open-wc/testing';
import { rtcServer } from './env.js';
import { addChatParticipant, addParticipant, closeAll, eventsOf, namesWithVideo, part, remoteNames, shownMessages, uniqueRoom, until } from './helpers.js';
import '../src/index.js';
import type { RtcCall, RtcChat, RtcErrorEvent } from '../src/index.js';

function errorsOf(el: HTMLElement): string[] {
  const errors: string[] = [];
  el.addEventListener('rtc-error', (e: RtcErrorEvent) => errors.push(`${e.detail.type}: ${e.detail.message}`));
  return errors;
}

/** An element of a route, put on the page as a framework mounts it: Ada's, in `room`. */
function mount<K extends 'rtc-call' | 'rtc-chat'>(tag: K, room: string, extra: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries({ room, server: rtcServer, name: 'Ada', ...extra })) el.setAttribute(name, value);
  document.body.append(el);
  return el;
}

/** How many frames `call`'s remote video showed since it was first asked (0 without one). */
function framesSince(call: HTMLElement): () => number {
  const firstCount = new Map<HTMLVideoElement, number>();
  return () => {
    const video = call.shadowRoot!.querySelector<HTMLVideoElement>('video[part~="remote-video"]');
    if (!video) return 0;
    const count = video.getVideoPlaybackQuality().totalVideoFrames;
    if (!firstCount.has(video)) firstCount.set(video, count);
    return count - firstCount.get(video)!;
  };
}

describe('the elements in a single-page app', () => {
  afterEach(() => {
    for (const el of document.querySelectorAll('rtc-call, rtc-chat')) el.remove();
    closeAll();
  });

  it('<rtc-call> takes a removed attribute for its default, a number for its text and an array of ICE servers as given', async () => {
    const room = Date.now() * 1000 + Math.floor(Math.random() * 1000); // a route's numeric id
    const bob = await addParticipant({ room: String(room), server: rtcServer, name: 'Bob', autojoin: '' });
    const ada = document.createElement('rtc-call');
    for (const [name, value] of Object.entries({ server: rtcServer, name: 'Ada', 'max-participants': '4', 'ice-transport-policy': 'all', password: 'p' })) ada.setAttribute(name, value);
    document.body.append(ada);
    const errors = errorsOf(ada);
    Object.assign(ada, { room });
    for (const name of ['max-participants', 'ice-transport-policy', 'password']) ada.removeAttribute(name);
    await ada.join();
    await until(() => remoteNames(bob.call).includes('Ada'), () => `Bob sees [${remoteNames(bob.call)}]`);
    expect(errors).to.deep.equal([]);
    await ada.leave();

    // ICE servers as an array, then the attribute bound to nothing.
    Object.assign(ada, { iceServers: [{ urls: 'stun:127.0.0.1:9' }] });
    await ada.join();
    await ada.leave();
    ada.setAttribute('ice-servers', '[]');
    ada.removeAttribute('ice-servers');
    await ada.join();
    await until(() => remoteNames(bob.call).includes('Ada'), () => `Bob sees [${remoteNames(bob.call)}]`);
    expect(errors).to.deep.equal([]);
  });

  it('<rtc-chat> goes on under the default name when its name attribute is removed, and takes a number as a name', async () => {
    const room = uniqueRoom('spa-chat');
    const bob = await addChatParticipant({ room, server: rtcServer, name: 'Bob' });
    const ada = document.createElement('rtc-chat') as RtcChat;
    for (const [name, value] of Object.entries({ room, server: rtcServer, name: 'Ada' })) ada.setAttribute(name, value);
    document.body.append(ada);
    const errors = errorsOf(ada);
    await until(() => bob.chat.participants.some((p) => p.name === 'Ada'), 'Bob does not meet Ada');
    ada.removeAttribute('name');
    await ada.updateComplete;
    Object.assign(ada, { name: 42 });
    await until(() => bob.chat.participants.some((p) => p.name === '42'), () => `Bob knows [${bob.chat.participants.map((p) => p.name)}]`);
    await ada.send('hello');
    await until(() => bob.chat.shadowRoot!.textContent!.includes('hello'), 'Bob does not get the message');
    expect(errors).to.deep.equal([]);
  });

  it('<rtc-call> takes a number for its name', async () => {
    const room = uniqueRoom('spa-name');
    const bob = await addParticipant({ room, server: rtcServer, name: 'Bob', autojoin: '' });
    const ada = document.createElement('rtc-call') as RtcCall;
    for (const [name, value] of Object.entries({ room, server: rtcServer })) ada.setAttribute(name, value);
    Object.assign(ada, { name: 7 });
    document.body.append(ada);
    await ada.join();
    await until(() => remoteNames(bob.call).includes('7'), () => `Bob sees [${remoteNames(bob.call)}]`);
  });

  it('<rtc-call> joins when autojoin is switched on while its lobby shows, not once the visitor left', async () => {
    // A page that shows its own screen first, then renders autojoin={ready}.
    const room = uniqueRoom('spa-autojoin');
    const bob = await addParticipant({ room, server: rtcServer, name: 'Bob', autojoin: '' });
    const ada = document.createElement('rtc-call') as RtcCall;
    for (const [name, value] of Object.entries({ room, server: rtcServer, name: 'Ada' })) ada.setAttribute(name, value);
    document.body.append(ada);
    await ada.updateComplete;
    expect(ada.phase).to.equal('idle');
    ada.autojoin = true;
    await until(() => ada.phase === 'in-call' && remoteNames(bob.call).includes('Ada'), () => `Ada is ${ada.phase}; Bob sees [${remoteNames(bob.call)}]`);
    await ada.leave();
    ada.autojoin = false;
    await ada.updateComplete;
    ada.autojoin = true;
    await ada.updateComplete;
    expect(ada.phase, 'the visitor left: the lobby stays').to.equal('left');
  });

  it('<rtc-call> shows the lobby of a new room, not "Join again", when its room changes after the visitor left', async () => {
    // A route component kept by the framework: the visitor left one room, then opens another.
    const first = uniqueRoom('spa-left');
    const second = uniqueRoom('spa-next');
    const bob = await addParticipant({ room: second, server: rtcServer, name: 'Bob', autojoin: '' });
    const ada = document.createElement('rtc-call') as RtcCall;
    for (const [name, value] of Object.entries({ room: first, server: rtcServer, name: 'Ada' })) ada.setAttribute(name, value);
    document.body.append(ada);
    await ada.join();
    await ada.leave();
    expect(ada.phase).to.equal('left');
    ada.setAttribute('room', second);
    await ada.updateComplete;
    expect(ada.phase, 'the new room was never joined').to.equal('idle');
    expect(part(ada, 'join-button')[0]?.textContent?.trim()).to.equal('Join call');
    expect(part(ada, 'status')[0]?.textContent?.trim(), 'the status line').to.equal('');
    part(ada, 'join-button')[0].click();
    await until(() => ada.phase === 'in-call' && remoteNames(bob.call).includes('Ada'), () => `Ada is ${ada.phase}; Bob sees [${remoteNames(bob.call)}]`);
  });

  // A route transition shows the incoming page beside the outgoing one for a moment: for a
  // while the page has two calls of the room, which share its one place in the room. Most often
  // the old one goes first; a transition cancelled half-way (the visitor went back) removes the new one.
  for (const first of ['old', 'new'] as const) {
    it(`<rtc-call>: a route's new call for the room, added before the old one goes, keeps the visitor seen and heard when the ${first} one goes first`, async () => {
      const room = uniqueRoom('spa-transition');
      const bob = await addParticipant({ room, server: rtcServer, name: 'Bob', autojoin: '' });
      const call = () => mount('rtc-call', room, { autojoin: '' });
      const outgoing = call();
      await until(() => namesWithVideo(bob.call).includes('Ada'), () => `Bob sees [${namesWithVideo(bob.call)}]`);
      const incoming = call();
      await until(() => incoming.phase === 'in-call', () => `the new call is ${incoming.phase}`);
      const [going, staying] = first === 'old' ? [outgoing, incoming] : [incoming, outgoing];
      going.remove();
      await until(() => going.phase === 'left', `the ${first} call did not end`);
      expect(staying.phase).to.equal('in-call');
      // Ada's picture keeps coming to Bob, from the camera of the call that stays.
      const newFrames = framesSince(bob.call);
      await until(() => newFrames() > 10 && remoteNames(bob.call).includes('Ada'), () => `Bob sees [${remoteNames(bob.call)}], ${newFrames()} new frames`);
      expect(eventsOf(bob, 'rtc-participant-left').map((e) => e.detail.participant.name), 'Bob saw Ada leave').to.deep.equal([]);
      expect(staying.localStream!.getTracks().map((t) => t.readyState)).to.deep.equal(['live', 'live']);
      // The last call to go ends it.
      staying.remove();
      await until(() => !remoteNames(bob.call).includes('Ada'), () => `Bob still sees [${remoteNames(bob.call)}]`);
    });
  }

  it("<rtc-call>: a screen shared from a route's old call stops reaching the others once the new call takes over and the old one goes", async () => {
    const room = uniqueRoom('spa-screen');
    const bob = await addParticipant({ room, server: rtcServer, name: 'Bob', autojoin: '' });
    const call = () => mount('rtc-call', room, { autojoin: '' });
    const outgoing = call();
    await until(() => namesWithVideo(bob.call).includes('Ada'), () => `Bob sees [${namesWithVideo(bob.call)}]`);
    await outgoing.toggleScreenShare(true);
    await until(() => part(bob.call, 'screen-tile').length === 1, "Bob does not see Ada's screen");
    const incoming = call();
    await until(() => incoming.phase === 'in-call', () => `the new call is ${incoming.phase}`);
    outgoing.remove();
    await until(() => outgoing.phase === 'left', 'the old call did not end');
    // The new call shares no screen: Bob is not left with the old call's, stopped.
    await until(() => part(bob.call, 'screen-tile').length === 0 && !bob.call.participants[0]?.screen, "Bob still shows Ada's screen");
    await until(() => namesWithVideo(bob.call).includes('Ada'), () => `Bob sees [${namesWithVideo(bob.call)}]`);
  });

  it("<rtc-chat>: a route's new chat for the room, added before the old one goes, shows the visitor's own earlier lines and reaches the others", async () => {
    const room = uniqueRoom('spa-chat-transition');
    const bob = await addChatParticipant({ room, server: rtcServer, name: 'Bob' });
    const chat = () => mount('rtc-chat', room);
    const outgoing = chat();
    await until(() => outgoing.participants.length === 1, 'Ada does not meet Bob');
    await outgoing.send('mine, first');
    await until(() => bob.chat.messages.length === 1, 'Bob does not get the first message');
    await bob.chat.send('his');
    await until(() => outgoing.messages.length === 2, 'Ada does not get the answer');
    await outgoing.send('mine, second');
    await until(() => bob.chat.messages.length === 3, 'Bob does not get the second message');
    const incoming = chat();
    await until(() => shownMessages(incoming).includes('his'), () => `the new chat shows [${shownMessages(incoming)}]`);
    outgoing.remove();
    expect(shownMessages(incoming)).to.deep.equal(['mine, first', 'his', 'mine, second']);
    expect(incoming.messages.map((m) => m.mine)).to.deep.equal([true, false, true]);
    expect(part(incoming, 'relayed'), 'nothing is relayed').to.deep.equal([]);
    await incoming.send('after');
    await until(() => bob.chat.messages.length === 4, () => `Bob has [${bob.chat.messages.map((m) => m.text)}]`);
    expect(bob.chat.messages.map((m) => m.text)).to.deep.equal(['mine, first', 'his', 'mine, second', 'after']);
    expect(shownMessages(incoming)).to.deep.equal(['mine, first', 'his', 'mine, second', 'after']);
  });
});
