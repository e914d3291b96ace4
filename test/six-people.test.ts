import { expect } from '@open-wc/testing';
import { rtcServer } from './env.js';
import { addChatParticipant, closeAll, part, remoteNames, sameMembers, uniqueRoom, until, type ChatParticipant } from './helpers.js';

/**
 * The page's RTCPeerConnections not closed. `close()` fires no state event, so each one the
 * page made (the fixture's `count-peer-connections` hook) is asked for its state now.
 */
function openConnections(p: ChatParticipant): RTCPeerConnection[] {
  const made = (p.frame.contentWindow as unknown as { rtcPeerConnections: RTCPeerConnection[] }).rtcPeerConnections;
  return made.filter((pc) => pc.connectionState !== 'closed' && pc.signalingState !== 'closed');
}

/** Names of the remote tiles whose stream has a live audio track with sound arriving (unmuted). */
function namesHeard(p: ChatParticipant): string[] {
  return part(p.call!, 'tile')
    .filter((tile) => !tile.matches('[part~="local-tile"]'))
    .filter((tile) => {
      const stream = tile.querySelector<HTMLAudioElement>('audio[part~="remote-audio"]')?.srcObject as MediaStream | null | undefined;
      return !!stream?.getAudioTracks().some((t) => t.readyState === 'live' && !t.muted);
    })
    .map((tile) => tile.querySelector('[part~="name"]')?.textContent?.trim() ?? '');
}

describe('six people in one room', () => {
  afterEach(closeAll);

  it('see and hear the five others and chat, each page over exactly five peer connections', async function () {
    this.timeout(60_000);
    const room = uniqueRoom('six');
    const names = ['Ada', 'Bob', 'Cy', 'Dee', 'Eve', 'Flo'];
    // Each page has <rtc-call> and <rtc-chat> sharing one session: where a second connection per
    // pair (one for media, one for the chat) would show. The calls are audio-only: with fake
    // cameras (30 video encoders and decoders, the six pages in one renderer) the 2-core machine
    // had under 2 % idle CPU, the last joins took 13 to 17 s each and one page was still linked
    // to nobody 50 s later. A microphone still puts media on every pair's connection.
    const people: ChatParticipant[] = [];
    for (const name of names) {
      const p = await addChatParticipant({ room, server: rtcServer, name, 'audio-only': '', 'count-peer-connections': '' }, { withCall: true });
      await until(() => p.call!.phase === 'in-call' && p.chat.phase === 'joined', () => `${name} did not get in (call ${p.call!.phase}, chat ${p.chat.phase})`);
      people.push(p);
    }

    const others = (p: ChatParticipant) => names.filter((n) => n !== p.name);
    const linked = (p: ChatParticipant) => p.call!.participants.map((x) => x.name);
    await until(
      () => people.every((p) => sameMembers(remoteNames(p.call!), others(p)) && sameMembers(namesHeard(p), others(p)) && sameMembers(linked(p), others(p))),
      () => `not everyone hears everyone: ${people.map((p) => `${p.name} has tiles [${remoteNames(p.call!)}], hears [${namesHeard(p)}], linked [${linked(p)}]`).join('; ')}`,
      30_000,
    );
    for (const p of people) expect(p.chat.peerId, `${p.name}: one session for both elements`).to.equal(p.call!.peerId);

    // The chat rides the same connections: a message reaches the five others.
    people[5].chat.send('hello from Flo');
    await until(
      () => people.slice(0, 5).every((p) => p.chat.messages.some((m) => m.text === 'hello from Flo')),
      () => `the message reached only [${people.filter((p) => p.chat.messages.length > 0).map((p) => p.name)}]`,
    );

    const counts = () =>
      people.map((p) => `${p.name} ${openConnections(p).map((pc) => `${pc.connectionState}/${pc.signalingState}`).join(' ')}`).join('; ');
    await until(() => people.every((p) => openConnections(p).length === 5), () => `not five open peer connections in each page: ${counts()}`, 10_000);
    // Each of the five carries both the data channels and the sound.
    const carries = (pc: RTCPeerConnection) =>
      [
        pc.connectionState,
        pc.sctp ? 'data' : 'no data',
        pc.getTransceivers().some((t) => t.receiver.track.kind === 'audio' && /recv/.test(t.currentDirection ?? '')) ? 'audio' : 'no audio',
      ].join(' ');
    for (const p of people) {
      expect(openConnections(p).map(carries), `${p.name}'s open peer connections`).to.deep.equal(Array(5).fill('connected data audio'));
    }
  });
});
