// Another client, written from docs/protocol.md alone (test/fixtures/doc-client.ts), meets the
// real elements: what their users see of it, and what it gets from them. When the code drifts
// from the document, this fails. (test/hostile.test.ts speaks the protocol by hand too, with the
// code's own helpers, to show what a peer that breaks its rules cannot do.)
import { expect } from '@open-wc/testing';
import { rtcServer, stockServer } from './env.js';
import { type ChatParticipant, addChatParticipant, addParticipant, closeAll, namesWithVideo, part, remoteNames, uniqueRoom, until } from './helpers.js';
import { DocClient, type JoinOptions, beaconId, roomKeys } from './fixtures/doc-client.js';

const clients: DocClient[] = [];
const streams: MediaStream[] = [];
async function docClient(server: string, room: string, name: string, options: JoinOptions = {}): Promise<DocClient> {
  const client = await DocClient.join(server, room, name, options);
  clients.push(client);
  return client;
}

async function chatJoined(room: string, server: string, name: string, password: string): Promise<ChatParticipant> {
  const p = await addChatParticipant({ room, server, name, ...(password && { password }) });
  await until(() => p.chat.phase === 'joined', `${name} did not join`);
  return p;
}

/** The messages a chat shows from others, as "sender: text". */
const theirs = (p: ChatParticipant) =>
  part(p.chat, 'theirs').map((m) => `${m.querySelector('[part~="sender"]')?.textContent}: ${m.querySelector('[part~="text"]')?.textContent}`);

/** The client and the chat pages say something each, and each shows what the others said. */
async function talk(doc: DocClient, people: ChatParticipant[]): Promise<void> {
  await until(
    () => people.every((p) => p.chat.participants.some((x) => x.name === doc.name)),
    () => `the chats do not show the client: ${people.map((p) => `${p.name} [${p.chat.participants.map((x) => x.name).join(', ')}], ${p.events.filter((e) => e.type === 'rtc-error').map((e) => e.detail.message).join('; ')}`).join(', ')}; the client: ${doc.linkedNames.join(', ')} ${doc.log.join(', ')}`,
  );
  await until(() => people.every((p) => doc.linkedNames.includes(p.name)), () => `the client is linked with [${doc.linkedNames.join(', ')}] (${doc.log.join(', ')})`);
  doc.say('hello from the doc');
  for (const p of people) p.chat.send(`hi from ${p.name}`);
  await until(() => doc.messages.length === people.length, () => `the client got [${doc.messages.map((m) => m.text).join(', ')}]`);
  expect(doc.messages.map((m) => `${m.from}: ${m.text}`).sort()).to.deep.equal(people.map((p) => `${p.chat.peerId}: hi from ${p.name}`).sort());
  await until(() => people.every((p) => theirs(p).includes('Doc: hello from the doc')), () => `the chats show ${people.map((p) => `[${theirs(p).join(', ')}]`).join(', ')}`);
}

describe('another client written from docs/protocol.md', () => {
  afterEach(() => {
    for (const client of clients.splice(0)) client.leave();
    for (const stream of streams.splice(0)) stream.getTracks().forEach((t) => t.stop());
    closeAll();
  });

  it("computes the document's example beacon ids", async () => {
    expect(await beaconId('team standup')).to.equal('rtc-room-273fe452bb6df345a1cd97ba4c836fd5');
    expect((await roomKeys('team standup', 'correct horse')).beacon).to.equal('rtc-room-f58cf679e410d11f6ad6cfd4786f9947');
  });

  for (const [label, server, password] of [
    ['an open room on rtc-server', rtcServer, ''],
    ['an open room on the stock peer server', stockServer, ''],
    ['a password room', rtcServer, 'correct horse'],
  ] as const) {
    it(`joins an <rtc-chat> in ${label}: each shows what the other says, and the chat sees it leave`, async () => {
      const room = uniqueRoom('interop chat');
      const ada = await chatJoined(room, server, 'Ada', password);
      const doc = await docClient(server, room, 'Doc', { password });
      await talk(doc, [ada]);
      doc.leave();
      await until(() => part(ada.chat, 'system-line').some((l) => /^Doc left/.test(l.textContent ?? '')), 'Ada does not say that the client left');
    });

    it(`holds ${label} and lets two <rtc-chat>s in`, async () => {
      const room = uniqueRoom('interop holder');
      const doc = await docClient(server, room, 'Doc', { password });
      expect(doc.beaconPeer, 'the client did not claim the beacon of an empty room').to.exist;
      const ada = await chatJoined(room, server, 'Ada', password);
      const bob = await chatJoined(room, server, 'Bob', password);
      await talk(doc, [ada, bob]);
      await until(() => theirs(ada).includes('Bob: hi from Bob') && theirs(bob).includes('Ada: hi from Ada'), 'Ada and Bob, let in by the client, do not hear each other');
    });

    it(`is in an <rtc-call> in ${label}: each gets the other's camera`, async () => {
      const room = uniqueRoom('interop call');
      const ada = await addParticipant({ room, server, name: 'Ada', autojoin: '', ...(password && { password }) });
      await until(() => ada.call.phase === 'in-call', 'Ada did not get into the call');
      const camera = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
      streams.push(camera);

      const doc = await docClient(server, room, 'Doc', { camera, password });
      await until(() => remoteNames(ada.call).includes('Doc'), 'Ada does not show the client');
      await until(() => namesWithVideo(ada.call).includes('Doc'), () => `Ada does not show the client's camera (${doc.log.join(', ')})`);

      await until(() => doc.tracks.some((t) => t.kind === 'video'), 'no video track arrived');
      const video = document.createElement('video');
      video.muted = true;
      video.srcObject = new MediaStream(doc.tracks.filter((t) => t.kind === 'video'));
      document.body.append(video);
      try {
        await video.play();
        await until(() => video.videoWidth > 0, "Ada's camera does not play at the client");
      } finally {
        video.remove();
      }
    });
  }

  it('joins a room of two <rtc-chat>s: it dials the member the welcome names, whom the holder told of it', async () => {
    const room = uniqueRoom('interop three');
    const ada = await chatJoined(room, rtcServer, 'Ada', '');
    const bob = await chatJoined(room, rtcServer, 'Bob', '');
    await until(() => ada.chat.participants.length === 1 && bob.chat.participants.length === 1, 'Ada and Bob are not linked');
    const doc = await docClient(rtcServer, room, 'Doc');
    await talk(doc, [ada, bob]);
  });
});
