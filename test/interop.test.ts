// Another client, written from docs/protocol.md alone (test/fixtures/doc-client.ts), meets the
// real elements: what their users see of it, and what it gets from them. When the code drifts
// from the document, this fails. (test/hostile.test.ts speaks the protocol by hand too, with the
// code's own helpers, to show what a peer that breaks its rules cannot do.)
import { expect } from '@open-wc/testing';
import { rtcServer, stockServer } from './env.js';
import { type ChatParticipant, type TestParticipant, addChatParticipant, addParticipant, closeAll, namesWithVideo, part, remoteNames, uniqueRoom, until } from './helpers.js';
import { DocClient, type JoinOptions, beaconId, roomKeys } from './fixtures/doc-client.js';

const clients: DocClient[] = [];
const streams: MediaStream[] = [];
async function docClient(server: string, room: string, name: string, options: JoinOptions = {}): Promise<DocClient> {
  const client = await DocClient.join(server, room, name, options);
  clients.push(client);
  return client;
}

async function chatJoined(room: string, server: string, name: string, password = '', extra: Record<string, string> = {}): Promise<ChatParticipant> {
  const p = await addChatParticipant({ room, server, name, ...(password && { password }), ...extra });
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

      await playing(doc, (video) => until(() => video.videoWidth > 0, "Ada's camera does not play at the client"));
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

/** Pseudo-random bytes, the same for the same seed. */
/** Plays the video the client receives in a muted element of this page while `check` looks at it. */
async function playing(doc: DocClient, check: (video: HTMLVideoElement) => Promise<void>): Promise<void> {
  await until(() => doc.tracks.some((t) => t.kind === 'video'), 'no video track arrived');
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = new MediaStream(doc.tracks.filter((t) => t.kind === 'video'));
  document.body.append(video);
  try {
    await video.play();
    await check(video);
  } finally {
    video.remove();
  }
}

function bytesOf(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) bytes[i] = (x = (x * 1_103_515_245 + 12_345) >>> 0) >>> 24;
  return bytes;
}

const hexOf = (digest: ArrayBuffer) => Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
const sha256 = async (bytes: Uint8Array) => hexOf(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));

/** The file lines a chat shows, as "sender: name (size) status". */
const fileLines = (p: ChatParticipant) =>
  part(p.chat, 'file').map((f) => ['sender', 'download', 'file-name', 'file-size', 'file-status'].map((n) => f.querySelector(`[part~="${n}"]`)?.textContent?.trim()).filter(Boolean).join(' | '));

/** The remote tile of `name` in a call. */
const tileOf = (p: TestParticipant | ChatParticipant, name: string) =>
  part(p.call!, 'tile').find((t) => !t.matches('[part~="local-tile"]') && t.querySelector('[part~="name"]')?.textContent?.trim() === name);

describe('another client written from docs/protocol.md, beyond joining', () => {
  afterEach(() => {
    for (const client of clients.splice(0)) client.leave();
    for (const stream of streams.splice(0)) stream.getTracks().forEach((t) => t.stop());
    closeAll();
  });

  for (const password of ['', 'correct horse']) it(`sends an <rtc-chat> files it shows for download, byte for byte, and receives one from it${password && ', in a password room'}`, async () => {
    const room = uniqueRoom('interop files');
    const ada = await chatJoined(room, rtcServer, 'Ada', password);
    const doc = await docClient(rtcServer, room, 'Doc', { password });
    await talk(doc, [ada]);

    // Chunks of the client's own size (30,000 bytes), acknowledged by the chat as they arrive.
    const bytes = bytesOf(250_007, 7);
    expect(await doc.sendFile('Ada', 'notes <1>.bin', bytes, 'text/plain', { chunk: 30_000 })).to.equal('done');
    expect(await doc.sendFile('Ada', 'empty.txt', new Uint8Array(0))).to.equal('done');
    await until(() => part(ada.chat, 'download').length === 2, () => `Ada shows [${fileLines(ada).join('; ')}]`);
    const [notes, empty] = part(ada.chat, 'download') as HTMLAnchorElement[];
    expect(notes.getAttribute('download')).to.equal('notes <1>.bin');
    expect(empty.getAttribute('download')).to.equal('empty.txt');
    const downloaded = async (a: HTMLAnchorElement) => new Uint8Array(await (await ada.frame.contentWindow!.fetch(a.href)).arrayBuffer());
    expect(await sha256(await downloaded(notes))).to.equal(await sha256(bytes));
    expect((await downloaded(empty)).length).to.equal(0);
    expect(fileLines(ada)[0]).to.match(/^Doc \| notes <1>\.bin \| 250 kB/);

    const file = ada.makeFile(700_001, 'photo.jpg', 3);
    const sent = await ada.chat.sendFile(file);
    expect(sent, 'Ada does not see the file arrive').to.include({ state: 'done' });
    const [received] = doc.files.received;
    expect(received).to.include({ from: ada.chat.peerId, name: 'photo.jpg', type: 'application/octet-stream' });
    expect(await sha256(received.bytes)).to.equal(await ada.sha256(file));
  });

  it("is refused a file over the chat's max-file-size, and cancels in both directions", async () => {
    const room = uniqueRoom('interop file limits');
    const ada = await chatJoined(room, rtcServer, 'Ada', '', { 'max-file-size': '100000' });
    const doc = await docClient(rtcServer, room, 'Doc');
    await talk(doc, [ada]);

    expect(await doc.sendFile('Ada', 'big.bin', bytesOf(100_001, 1))).to.equal('rejected: too-large');
    expect(await doc.sendFile('Ada', 'fits.bin', bytesOf(100_000, 2))).to.equal('done');
    // Four files at once from one sender; a fifth offered meanwhile is refused.
    const five = await Promise.all([1, 2, 3, 4, 5].map((n) => doc.sendFile('Ada', `part ${n}.bin`, bytesOf(90_000, n), undefined, { chunk: 4_096 })));
    expect(five).to.deep.equal(['done', 'done', 'done', 'done', 'rejected: busy']);

    expect(await doc.sendFile('Ada', 'stopped.bin', bytesOf(90_000, 3), undefined, { chunk: 10_000, cancelAfter: 3 })).to.equal('canceled');
    doc.files.cancelAfter = 1;
    const sent = await ada.chat.sendFile(ada.makeFile(90_000, 'unwanted.bin', 4));
    expect(sent, 'Ada does not see the file canceled').to.include({ state: 'canceled' });
    await until(() => fileLines(ada).length === 7 && !fileLines(ada).some((l) => /%/.test(l)), () => `Ada shows [${fileLines(ada).join('; ')}]`);
    expect(fileLines(ada)).to.deep.equal([
      'Doc | fits.bin | 100 kB | Received and verified',
      ...[1, 2, 3, 4].map((n) => `Doc | part ${n}.bin | 90 kB | Received and verified`),
      'Doc | stopped.bin | 90 kB | Canceled by Doc',
      'You | unwanted.bin | 90 kB | Doc: canceled by the other side',
    ]);
    expect(doc.files.received.map((f) => f.name)).to.deep.equal([]);
  });

  it("switches its microphone and camera off and on, and takes another name: the call's tile and roster follow", async () => {
    const room = uniqueRoom('interop state');
    const ada = await addChatParticipant({ room, server: rtcServer, name: 'Ada' }, { withCall: true });
    await until(() => ada.call!.phase === 'in-call', 'Ada did not get into the call');
    const camera = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    streams.push(camera);
    const doc = await docClient(rtcServer, room, 'Doc', { camera });
    await until(() => namesWithVideo(ada.call!).includes('Doc'), () => `Ada does not show the client's camera (${doc.log.join(', ')})`);
    expect(tileOf(ada, 'Doc')!.querySelector('[part~="mic-off"]')).to.equal(null);

    await doc.setDevices({ mic: false, cam: false });
    await until(() => !!tileOf(ada, 'Doc')?.querySelector('[part~="mic-off"]') && !!tileOf(ada, 'Doc')?.querySelector('[part~="placeholder"]'), "Ada's tile of the client does not show its microphone and camera off");

    await doc.setDevices({ mic: true, cam: true });
    await until(() => namesWithVideo(ada.call!).includes('Doc') && !tileOf(ada, 'Doc')?.querySelector('[part~="mic-off"]'), "Ada's tile of the client does not show its microphone and camera on again");

    doc.rename('Dot');
    await until(() => remoteNames(ada.call!).join() === 'Dot', () => `Ada's call shows [${remoteNames(ada.call!).join(', ')}]`);
    await until(() => ada.chat.participants.map((p) => p.name).join() === 'Dot', () => `Ada's chat lists [${ada.chat.participants.map((p) => p.name).join(', ')}]`);
    await until(() => part(ada.chat, 'system-line').some((l) => l.textContent === 'Doc is now Dot'), () => `Ada's chat says [${part(ada.chat, 'system-line').map((l) => l.textContent).join('; ')}]`);
  });

  it("asks an <rtc-call> for a smaller camera in its hello and view frames, and is asked for its own", async () => {
    const room = uniqueRoom('interop view');
    const ada = await addParticipant({ room, server: rtcServer, name: 'Ada', autojoin: '' });
    await until(() => ada.call.phase === 'in-call', 'Ada did not get into the call');
    const camera = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    streams.push(camera);
    const doc = await docClient(rtcServer, room, 'Doc', { camera, view: 135 });
    await until(() => namesWithVideo(ada.call).includes('Doc'), "Ada does not show the client's camera");
    // Ada's tile of the client is at most 360 device pixels high: it asks for that, or less.
    await until(() => !!doc.viewOf('Ada'), 'Ada did not say at what height it shows the camera');
    expect([90, 135, 180, 240, 360]).to.include(doc.viewOf('Ada'));
    // The client scaled its camera down to that height for Ada alone.
    const shown = () => tileOf(ada, 'Doc')?.querySelector('video')?.videoHeight ?? 0;
    await until(() => shown() > 0 && shown() <= doc.viewOf('Ada')!, () => `Ada shows the client's camera ${shown()} pixels high, asked for ${doc.viewOf('Ada')}`);

    await playing(doc, async (video) => {
      // 135 pixels, as its hello asked; larger when it asks for full size (480: the browser's own
      // adaptation may still hold it lower on a busy machine); 90 when it asks for less.
      await until(() => video.videoHeight > 0 && video.videoHeight <= 135, () => `Ada's camera arrives at ${video.videoHeight} pixels`);
      doc.view('Ada', 480);
      await until(() => video.videoHeight > 135, () => `Ada's camera still arrives at ${video.videoHeight} pixels`);
      doc.view('Ada', 90);
      await until(() => video.videoHeight > 0 && video.videoHeight <= 90, () => `Ada's camera still arrives at ${video.videoHeight} pixels`);
    });
  });

  it("is refused by a room at the <rtc-chat>s' max-participants, and refuses one itself when it holds the beacon", async () => {
    const room = uniqueRoom('interop full');
    await chatJoined(room, rtcServer, 'Ada', '', { 'max-participants': '2' });
    await chatJoined(room, rtcServer, 'Bob', '', { 'max-participants': '2' });
    let error: unknown;
    await DocClient.join(rtcServer, room, 'Doc').then((c) => clients.push(c), (e: unknown) => (error = e));
    expect(String(error)).to.match(/room-full \(2\)/);

    const other = uniqueRoom('interop full held');
    await docClient(rtcServer, other, 'Doc', { max: 2 });
    await chatJoined(other, rtcServer, 'Cy');
    const dee = await addChatParticipant({ room: other, server: rtcServer, name: 'Dee' });
    await until(() => part(dee.chat, 'error').length === 1, () => `Dee's chat is ${dee.chat.phase}`);
    expect(dee.events.filter((e) => e.type === 'rtc-error').map((e) => e.detail.type)).to.include('room-full');
  });

  it('lets two <rtc-chat>s in that meet through its peers gossip alone', async () => {
    const room = uniqueRoom('interop gossip');
    const doc = await docClient(rtcServer, room, 'Doc', { gossipOnly: true });
    const ada = await chatJoined(room, rtcServer, 'Ada');
    const bob = await chatJoined(room, rtcServer, 'Bob');
    await until(
      () => ada.chat.participants.map((p) => p.name).sort().join() === 'Bob,Doc' && bob.chat.participants.map((p) => p.name).sort().join() === 'Ada,Doc',
      () => `Ada lists [${ada.chat.participants.map((p) => p.name).join(', ')}], Bob [${bob.chat.participants.map((p) => p.name).join(', ')}]`,
    );
    expect(doc.linkedNames.sort()).to.deep.equal(['Ada', 'Bob']);
  });

  it('takes over the beacon when the holder leaves, and lets a newcomer <rtc-chat> in, with the history of the one who left', async () => {
    const room = uniqueRoom('interop takeover');
    const ada = await chatJoined(room, rtcServer, 'Ada');
    ada.chat.send('before the client');
    const doc = await docClient(rtcServer, room, 'Doc');
    const bob = await chatJoined(room, rtcServer, 'Bob');
    await until(() => doc.linkedNames.sort().join() === 'Ada,Bob', () => `the client is linked with [${doc.linkedNames.join(', ')}]`);
    await until(() => doc.messages.some((m) => m.text === 'before the client' && m.name === 'Ada' && !m.relayedBy), "Ada's history did not reach the client");
    doc.say('from the client');
    await until(() => theirs(ada).includes('Doc: from the client'), 'Ada does not show the message');
    expect(doc.holder).to.equal(ada.chat.peerId);

    // Its id is older than Bob's: it asks first, and claims the beacon the holder freed.
    ada.close();
    await until(() => !!doc.beaconPeer, 'the client did not claim the beacon', 20_000);
    const cy = await chatJoined(room, rtcServer, 'Cy');
    await until(() => cy.chat.participants.map((p) => p.name).sort().join() === 'Bob,Doc', () => `Cy lists [${cy.chat.participants.map((p) => p.name).join(', ')}]`);
    await until(() => theirs(cy).includes('Doc: from the client') && theirs(cy).includes('Ada: before the client'), () => `Cy shows [${theirs(cy).join(', ')}]`);
    const relayed = part(cy.chat, 'theirs').find((m) => m.querySelector('[part~="text"]')?.textContent === 'before the client');
    expect(relayed?.querySelector('[part~="relayed"]')?.textContent).to.match(/relayed by (Doc|Bob)/);
    await until(() => bob.chat.participants.map((p) => p.name).sort().join() === 'Cy,Doc', () => `Bob lists [${bob.chat.participants.map((p) => p.name).join(', ')}]`);
  });

  it('leaves the beacon to an older <rtc-chat> when the holder leaves, and meets the newcomer it lets in', async () => {
    const room = uniqueRoom('interop takeover younger');
    const ada = await chatJoined(room, rtcServer, 'Ada');
    const bob = await chatJoined(room, rtcServer, 'Bob');
    const doc = await docClient(rtcServer, room, 'Doc');
    await until(() => doc.linkedNames.sort().join() === 'Ada,Bob', () => `the client is linked with [${doc.linkedNames.join(', ')}]`);

    // Bob's id is older: it asks first and claims; the client's question is answered over their link.
    ada.close();
    await until(() => doc.holder === bob.chat.peerId, () => `the client takes ${doc.holder} for the holder`, 20_000);
    expect(doc.beaconPeer).to.equal(null);
    const cy = await chatJoined(room, rtcServer, 'Cy');
    await until(() => cy.chat.participants.map((p) => p.name).sort().join() === 'Bob,Doc', () => `Cy lists [${cy.chat.participants.map((p) => p.name).join(', ')}]`);
    await until(() => doc.linkedNames.sort().join() === 'Bob,Cy', () => `the client is linked with [${doc.linkedNames.join(', ')}]`);
  });
});
