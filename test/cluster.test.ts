// Two rtc-server instances sharing one Redis (--redis), each its own process on 127.0.0.1
// (web-test-runner.config.mjs, redisCluster): people whose elements name different instances
// meet in one room. Skipped when redis-server is not installed (.ci/run installs it).
import { expect } from '@open-wc/testing';
import { cluster } from './env.js';
import {
  addChatParticipant,
  addParticipant,
  closeAll,
  eventsOf,
  shownMessages,
  uniqueRoom,
  until,
  untilEveryoneSeesEveryone,
  type ChatParticipant,
  type TestParticipant,
} from './helpers.js';

/** Participants join one after another, each through its own instance, each waiting until it is in the call. */
async function joinThrough(room: string, people: [name: string, server: string][]): Promise<TestParticipant[]> {
  const joined: TestParticipant[] = [];
  for (const [name, server] of people) {
    const p = await addParticipant({ room, server, name, autojoin: '' });
    await until(() => p.call.phase === 'in-call', () => `${name} did not get into the call (phase ${p.call.phase})`);
    joined.push(p);
  }
  return joined;
}

describe('rooms across two rtc-server instances sharing one Redis', function () {
  before(function () {
    if (!cluster) this.skip();
  });
  afterEach(closeAll);

  it('two people on different instances see and hear each other', async () => {
    const [ada, bob] = await joinThrough(uniqueRoom('cluster'), [
      ['Ada', cluster!.a],
      ['Bob', cluster!.b],
    ]);
    await untilEveryoneSeesEveryone([ada, bob]);
    const sound = ada.call.shadowRoot!.querySelector<HTMLAudioElement>('audio[part~="remote-audio"]')!;
    expect((sound.srcObject as MediaStream).getAudioTracks(), 'remote audio').to.have.length(1);
    expect(sound.muted, 'the remote sound is not muted').to.equal(false);
    expect(eventsOf(ada, 'rtc-participant-joined').map((e) => e.detail.participant.name)).to.deep.equal(['Bob']);
    expect(eventsOf(bob, 'rtc-participant-joined').map((e) => e.detail.participant.name)).to.deep.equal(['Ada']);
    expect(eventsOf(ada, 'rtc-error').concat(eventsOf(bob, 'rtc-error')).map((e) => e.detail.type), 'errors').to.deep.equal([]);
  });

  it('a chat message from a page on one instance reaches a page on the other', async () => {
    const room = uniqueRoom('cluster chat');
    const people: ChatParticipant[] = [];
    for (const [name, server] of [
      ['Ada', cluster!.a],
      ['Bob', cluster!.b],
    ]) {
      const p = await addChatParticipant({ room, server, name });
      await until(() => p.chat.phase === 'joined', () => `${name} did not join (phase ${p.chat.phase})`);
      people.push(p);
    }
    const [ada, bob] = people;
    await until(
      () => people.every((p) => p.chat.participants.length === 1),
      () => `not linked: ${people.map((p) => `${p.name} sees ${p.chat.participants.length}`).join(', ')}`,
    );
    ada.chat.send('hello from instance A');
    await until(() => bob.chat.messages.some((m) => m.text === 'hello from instance A'), 'the message did not reach Bob');
    await bob.chat.updateComplete;
    expect(shownMessages(bob.chat)).to.include('hello from instance A');
    const received = bob.events.filter((e) => e.type === 'rtc-message');
    expect(received.map((e) => [e.detail.name, e.detail.text, e.detail.mine])).to.deep.equal([['Ada', 'hello from instance A', false]]);
  });

  it('a third person on the first instance joins the two, and everyone sees everyone', async () => {
    const people = await joinThrough(uniqueRoom('cluster'), [
      ['Ada', cluster!.a],
      ['Bob', cluster!.b],
      ['Cy', cluster!.a],
    ]);
    await untilEveryoneSeesEveryone(people);
  });
});
