import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import '../src/index.js';
import type { RtcChat, RtcFileProgressEvent, RtcFileReceivedEvent } from '../src/index.js';
import { RoomSession, createPeer, parseServerUrl } from '../src/session/index.js';
import { rtcServer, stockServer } from './env.js';
import { addChatParticipant, closeAll, part, shownMessages, uniqueRoom, until, type ChatParticipant } from './helpers.js';

function eventsOfChat<T extends CustomEvent = CustomEvent>(p: ChatParticipant, type: string): T[] {
  return p.events.filter((e) => e.type === type) as T[];
}

const ids = (p: ChatParticipant) => p.chat.messages.map((m) => m.id);

/** Participants join one after another; resolves when everyone is linked to everyone. */
async function joinChats(room: string, server: string, names: string[], attributes: Record<string, string> = {}): Promise<ChatParticipant[]> {
  const people: ChatParticipant[] = [];
  for (const name of names) {
    const p = await addChatParticipant({ room, server, name, ...attributes });
    await until(() => p.chat.phase === 'joined', () => `${name} did not join (phase ${p.chat.phase})`);
    people.push(p);
  }
  await until(
    () => people.every((p) => p.chat.participants.length === people.length - 1),
    () => `not linked: ${people.map((p) => `${p.name} sees ${p.chat.participants.length}`).join(', ')}`,
  );
  return people;
}

/** Everyone says hello and hears everyone: from then on every pair knows the other runs a chat. */
async function greet(people: ChatParticipant[]): Promise<void> {
  const before = people.map((p) => p.chat.messages.length);
  for (const p of people) p.chat.send(`hello from ${p.name}`);
  await until(
    () => people.every((p, i) => p.chat.messages.length === before[i] + people.length),
    () => `greetings missing: ${people.map((p) => `${p.name} has ${p.chat.messages.length}`).join(', ')}`,
  );
}

for (const [label, server] of [
  ['rtc-server', rtcServer],
  ['the stock peer server', stockServer],
] as const) {
  describe(`<rtc-chat> on ${label}`, () => {
    afterEach(closeAll);

    it('two people exchange messages, shown as mine and theirs with names and join lines', async () => {
      const [ada, bob] = await joinChats(uniqueRoom('chat'), server, ['Ada', 'Bob']);
      const input = part(ada.chat, 'input')[0] as HTMLTextAreaElement;
      input.value = 'line one\nline two';
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
      bob.chat.send('hi Ada');
      await until(() => ada.chat.messages.length === 2 && bob.chat.messages.length === 2, 'the messages did not cross');
      expect(ids(ada)).to.deep.equal(ids(bob));

      const [received] = eventsOfChat(bob, 'rtc-message');
      expect(received.detail).to.include({ from: ada.chat.peerId, name: 'Ada', text: 'line one\nline two', mine: false, history: false });
      expect(received.detail.time).to.be.closeTo(Date.now(), 10_000);
      await bob.chat.updateComplete;
      const theirs = part(bob.chat, 'theirs')[0];
      expect(theirs.querySelector('[part~="sender"]')!.textContent).to.equal('Ada');
      expect(theirs.querySelector('[part~="text"]')!.textContent).to.equal('line one\nline two');
      expect(part(bob.chat, 'mine')[0].querySelector('[part~="text"]')!.textContent).to.equal('hi Ada');
      expect(part(ada.chat, 'system-line').map((l) => l.textContent)).to.deep.equal(['Bob joined']);
      expect(part(bob.chat, 'system-line').map((l) => l.textContent)).to.deep.equal(['Ada is here']);

      bob.close();
      await until(() => part(ada.chat, 'system-line').length === 2, 'no line for Bob leaving', 5_000);
      expect(part(ada.chat, 'system-line')[1].textContent).to.match(/^Bob left/);
    });

    it('three people agree on one order without duplicates, and a late joiner gets the history', async () => {
      const room = uniqueRoom('order');
      const people = await joinChats(room, server, ['Ada', 'Bob', 'Cy']);
      // Everyone talks at once.
      for (let i = 0; i < 5; i++) for (const p of people) p.chat.send(`${p.name} ${i}`);
      await until(() => people.every((p) => p.chat.messages.length === 15), () => people.map((p) => `${p.name}: ${p.chat.messages.length}`).join(', '));
      const order = ids(people[0]);
      expect(new Set(order).size).to.equal(15);
      for (const p of people) expect(ids(p), `${p.name}'s order`).to.deep.equal(order);
      for (const p of people) {
        const own = people[0].chat.messages.filter((m) => m.name === p.name).map((m) => m.text);
        expect(own, `${p.name}'s messages keep their order`).to.deep.equal([0, 1, 2, 3, 4].map((i) => `${p.name} ${i}`));
      }

      const dee = await addChatParticipant({ room, server, name: 'Dee' });
      await until(
        () => dee.chat.phase === 'joined' && [dee, ...people].every((p) => p.chat.participants.length === 3),
        'Dee did not link up with everyone',
      );
      // History goes first on each link: once a later message from each member has arrived,
      // every member's history has too.
      for (const p of people) p.chat.send(`${p.name} again`);
      await until(() => dee.chat.messages.length === 18, () => `Dee has ${dee.chat.messages.length} messages`);
      await until(() => people.every((p) => p.chat.messages.length === 18), 'the later messages did not arrive');
      expect(ids(dee)).to.deep.equal(ids(people[0]));
      expect(ids(dee).slice(0, 15)).to.deep.equal(order);
      const history = eventsOfChat(dee, 'rtc-message').filter((e) => e.detail.history);
      expect(history).to.have.length(15);
      await dee.chat.updateComplete;
      expect(shownMessages(dee.chat)).to.deep.equal(dee.chat.messages.map((m) => m.text));
    });
  });
}

describe('<rtc-chat> with other people\'s data', () => {
  afterEach(closeAll);

  it('tells two people of the same name apart beside their messages', async () => {
    const [a1, , a2] = await joinChats(uniqueRoom('namesakes'), rtcServer, ['Alice', 'Bob', 'Alice']);
    a1.chat.send('from the first');
    a2.chat.send('from the second');
    await until(() => a1.chat.messages.length === 2 && a2.chat.messages.length === 2, 'messages missing');
    await a1.chat.updateComplete;
    const senders = () => part(a1.chat, 'sender').map((s) => s.textContent);
    await until(() => senders().includes('Alice #2'), () => `senders: ${senders()}`);
    expect(eventsOfChat(a1, 'rtc-error').map((e) => e.detail.type)).to.include('duplicate-name');
  });

  it("marks someone's earlier lines once a namesake comes in, and the newcomer's apart", async () => {
    const room = uniqueRoom('namesake-later');
    const [alice, bob] = await joinChats(room, rtcServer, ['Alice', 'Bob']);
    alice.chat.send('before the second Alice');
    bob.chat.send('from Bob');
    await until(() => bob.chat.messages.length === 2, 'messages missing');
    const senders = () => part(bob.chat, 'sender').map((s) => s.textContent);
    await until(() => senders().join() === 'Alice,You', () => `senders: ${senders()}`);
    const second = await addChatParticipant({ room, server: rtcServer, name: 'Alice' });
    await until(() => bob.chat.participants.length === 2 && second.chat.participants.length === 2, 'the second Alice is not linked');
    second.chat.send('from the second Alice');
    await until(() => senders().join() === 'Alice #1,You,Alice #2', () => `senders: ${senders()}`);
  });

  it('says above the message box who else is writing, until they send or empty their box; a page that switched it off neither says nor shows it', async () => {
    const room = uniqueRoom('typing');
    const [ada, bob] = await joinChats(room, rtcServer, ['Ada', 'Bob']);
    const cy = await addChatParticipant({ room, server: rtcServer, name: 'Cy', 'no-typing': '' });
    await until(() => [ada, bob, cy].every((p) => p.chat.participants.length === 2), 'Cy is not linked');
    const people = [ada, bob, cy];
    await greet(people);
    const write = (p: ChatParticipant, text: string) => {
      const input = part(p.chat, 'input')[0] as HTMLTextAreaElement;
      input.value = text;
      input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      return input;
    };
    const line = (p: ChatParticipant) => part(p.chat, 'typing')[0]?.textContent ?? '';

    write(cy, 'from Cy');
    write(ada, 'hel');
    await until(() => line(bob) === 'Ada is typing…', () => `Bob's line: "${line(bob)}"`);
    // A script is told, and can ask.
    const told = () => eventsOfChat(bob, 'rtc-typing').map((e) => e.detail.typing.map((p: { name: string }) => p.name).join());
    expect(told()).to.deep.equal(['Ada']);
    expect(bob.chat.typing.map((p) => [p.id, p.name])).to.deep.equal([[ada.chat.peerId, 'Ada']]);
    write(bob, 'Hi');
    await until(() => line(ada) === 'Bob is typing…', () => `Ada's line: "${line(ada)}"`);
    await until(() => line(cy) === '' && line(bob) === 'Ada is typing…', () => `Cy's line: "${line(cy)}", Bob's: "${line(bob)}"`);
    // Between the list and the box.
    const [shown] = part(bob.chat, 'typing');
    expect(shown.getBoundingClientRect().top).to.be.at.least(part(bob.chat, 'message-list')[0].getBoundingClientRect().bottom);
    expect(shown.getBoundingClientRect().bottom).to.be.at.most(part(bob.chat, 'composer')[0].getBoundingClientRect().top);

    // Ada sends: her message and the end of the sign come together.
    write(ada, 'hello').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
    await until(() => shownMessages(bob.chat).includes('hello'), 'the message did not come');
    expect(line(bob)).to.equal('');
    expect(told(), "Bob's page is told when it ends").to.deep.equal(['Ada', '']);
    expect(bob.chat.typing).to.deep.equal([]);
    // Bob empties his box: Ada's line goes well before it would fall silent.
    write(bob, '');
    await until(() => line(ada) === '', () => `Ada's line: "${line(ada)}"`, 3_000);
    write(bob, 'again');
    write(ada, 'too');
    await until(() => line(cy) === '' && line(ada) === 'Bob is typing…' && line(bob) === 'Ada is typing…', () => `lines: "${line(ada)}", "${line(bob)}", "${line(cy)}"`);
    // Bob goes: his sign goes with him.
    bob.close();
    await until(() => part(ada.chat, 'system-line').some((l) => /^Bob left/.test(l.textContent!)), 'no line for Bob leaving', 5_000);
    expect(line(ada)).to.equal('');
  });

  it('shows a member that floods "is typing" switching a few times a second at most, as it last said, and reports the junk once', async () => {
    const room = uniqueRoom('typing-flood');
    const [ada] = await joinChats(room, rtcServer, ['Ada']);
    const eve = new RoomSession({ room, server: parseServerUrl(rtcServer), name: '<b>Eve</b>', peerFactory: createPeer });
    // The page's nodes are the frame's, not this window's Elements.
    let shown = 0;
    const observer = new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) if ((n as Element).getAttribute?.('part') === 'typing') shown++;
    });
    try {
      await eve.join();
      await until(() => ada.chat.participants.length === 1, 'Eve did not link up');
      const to = ada.chat.peerId!;
      observer.observe(ada.chat.shadowRoot!, { childList: true, subtree: true });
      const start = performance.now();
      eve.send(to, { t: 'chat-hello', cv: 1, reply: true, typing: true });
      for (let i = 0; i < 2_000; i++) eve.send(to, { t: 'chat-typing', cv: 1, typing: i % 2 === 0 || (i % 7 === 0 ? 'yes' : false) });
      eve.send(to, { t: 'chat-typing', cv: 1, typing: true });
      // Frames arrive in order: once this one is reported, every one before it was handled.
      eve.send(to, { t: 'chat-msg', cv: 1, seq: 1, clock: 1, time: Date.now(), text: 'y'.repeat(2_001) });
      const errors = () => eventsOfChat(ada, 'rtc-error').map((e) => e.detail.type);
      await until(() => errors().includes('message-too-long'), () => `errors so far: ${errors()}`);
      const took = performance.now() - start;
      const line = () => part(ada.chat, 'typing')[0]?.textContent ?? '';
      await until(() => line() === '<b>Eve</b> is typing…', () => `Ada's line: "${line()}"`);
      expect(shown, `shown ${shown} times in ${Math.round(took)} ms`).to.be.at.most(3 + Math.ceil(took / 500));
      expect(errors().sort()).to.deep.equal(['message-too-long', 'protocol']);
      expect(ada.chat.shadowRoot!.querySelectorAll('b')).to.have.length(0);
    } finally {
      observer.disconnect();
      await eve.leave();
    }
    await until(() => part(ada.chat, 'typing').length === 0, 'Eve is still shown writing after she left');
  });

  it('labels history whose author has left with who relayed it', async () => {
    const room = uniqueRoom('relayed');
    const [ada, bob] = await joinChats(room, rtcServer, ['Ada', 'Bob']);
    ada.chat.send('minutes are in the doc');
    await until(() => bob.chat.messages.length === 1, 'Bob did not get the message');
    ada.close();
    await until(() => bob.chat.participants.length === 0, 'Bob still sees Ada');
    const cy = await addChatParticipant({ room, server: rtcServer, name: 'Cy' });
    await until(() => cy.chat.messages.length === 1, () => `Cy has ${cy.chat.messages.length} messages`);
    expect(cy.chat.messages[0].relayedBy?.name).to.equal('Bob');
    await cy.chat.updateComplete;
    await until(() => part(cy.chat, 'relayed')[0]?.textContent === 'relayed by Bob', 'no relayed label');
  });

  it('shows markup in messages, display names and file names as text', async () => {
    const evil = '<img src=x onerror="parent.parent.pwned=1">';
    const [ada, bob] = await joinChats(uniqueRoom('xss'), rtcServer, ['Ada', evil]);
    await greet([ada, bob]);
    bob.chat.send(`<script>parent.pwned=1</script> ${evil} javascript:parent.pwned=1 see https://example.com/a_(b) now`);
    const sent = await bob.chat.sendFile(bob.makeFile(16, `${evil}.html`));
    expect(sent!.state).to.equal('done');
    await until(() => ada.chat.messages.length === 3, 'the message did not arrive');
    await ada.chat.updateComplete;

    const root = ada.chat.shadowRoot!;
    expect(root.querySelectorAll('img, script, iframe, object, embed, svg')).to.have.length(0);
    const text = part(ada.chat, 'message').find((m) => m.textContent!.includes('<script>'))!;
    expect(text.querySelector('[part~="sender"]')!.textContent).to.equal(evil);
    expect(text.querySelector('[part~="text"]')!.textContent).to.contain('<script>parent.pwned=1</script>').and.contain(evil);
    const links = [...text.querySelectorAll('a')];
    expect(links.map((a) => [a.getAttribute('href'), a.textContent, a.rel, a.target])).to.deep.equal([
      ['https://example.com/a_(b)', 'https://example.com/a_(b)', 'noopener noreferrer', '_blank'],
    ]);
    const [download] = part(ada.chat, 'download') as HTMLAnchorElement[];
    expect(download.getAttribute('download')).to.equal(`${evil}.html`);
    expect(download.textContent).to.equal(`${evil}.html`);
    expect(download.href).to.match(/^blob:/);
    const [received] = eventsOfChat<RtcFileReceivedEvent>(ada, 'rtc-file-received');
    expect(received.detail.blob.type, 'no type declared: binary').to.equal('application/octet-stream');
    expect((await fetch(download.href)).headers.get('content-type'), 'the link is never served as a page').to.equal('application/octet-stream');
    expect((window as { pwned?: number }).pwned).to.equal(undefined);
  });

  it('drops oversized, malformed, unknown and flooding messages, reports them, and carries on', async () => {
    const room = uniqueRoom('hostile');
    const [ada] = await joinChats(room, rtcServer, ['Ada']);
    const eve = new RoomSession({ room, server: parseServerUrl(rtcServer), name: '<b>Eve</b>', peerFactory: createPeer });
    try {
      await eve.join();
      await until(() => ada.chat.participants.length === 1, 'Eve did not link up');
      const to = ada.chat.peerId!;
      const msg = (seq: number, text: string) => ({ t: 'chat-msg', cv: 1, seq, clock: seq, time: Date.now(), text });
      eve.send(to, { t: 'chat-nonsense', cv: 1 });
      eve.send(to, { t: 'chat-msg', cv: 1, seq: 'one' });
      eve.send(to, { t: 'file-end', cv: 1, id: 9, size: 1, chunks: 1, sha256: 'nope' });
      eve.send(to, new ArrayBuffer(100));
      eve.send(to, msg(1, 'x'.repeat(70_000))); // over the 64 KiB frame limit: the session drops it
      for (let i = 0; i < 300; i++) eve.send(to, msg(10 + i, `<img src=x onerror="parent.parent.pwned=1"> flood ${i}`));
      // Frames arrive in order: once this one is reported, everything before it was handled.
      eve.send(to, msg(1_000, 'y'.repeat(2_001)));
      await until(
        () => eventsOfChat(ada, 'rtc-error').some((e) => e.detail.type === 'message-too-long'),
        () => `errors so far: ${eventsOfChat(ada, 'rtc-error').map((e) => e.detail.type)}`,
      );
      expect(ada.chat.messages, 'only what the rate allows').to.have.length(20);
      const types = eventsOfChat(ada, 'rtc-error').map((e) => e.detail.type);
      expect([...new Set(types)].sort()).to.deep.equal(['message-too-long', 'protocol', 'rate-limited']);
      expect(types.length, 'each kind reported once or twice, not per frame').to.be.at.most(6);
      expect(eventsOfChat(ada, 'rtc-error').every((e) => !e.detail.fatal)).to.equal(true);
      await ada.chat.updateComplete;
      expect(ada.chat.shadowRoot!.querySelectorAll('img, b')).to.have.length(0);
      expect(part(ada.chat, 'notice').length).to.be.within(1, 3);
      expect(ada.chat.phase).to.equal('joined');
      expect(ada.chat.send('still here'), 'the chat goes on').to.not.equal(null);
      expect((window as { pwned?: number }).pwned).to.equal(undefined);
    } finally {
      await eve.leave();
    }
  });
  it('holds a file at its window for a recipient whose acknowledgements are false, and carries on', async () => {
    const room = uniqueRoom('false-acks');
    const [ada] = await joinChats(room, rtcServer, ['Ada']);
    const eve = new RoomSession({ room, name: 'Eve', server: parseServerUrl(rtcServer), peerFactory: createPeer });
    let received = 0;
    let offer = 0;
    try {
      eve.on('frame', (from, frame) => {
        if (frame.t === 'chat-hello' && !frame.reply) {
          eve.send(from.id, { t: 'chat-hello', cv: 1, reply: true });
          // Frames arrive in order: once Ada shows this, she knows Eve has a chat.
          eve.send(from.id, { t: 'chat-msg', cv: 1, seq: 1, clock: 1, time: Date.now(), text: 'ready' });
        }
        if (frame.t !== 'file-offer') return;
        offer = frame.id as number;
        // Promises acknowledgements, then sends only ones for more than was sent, or nothing new.
        eve.send(from.id, { t: 'file-accept', cv: 1, id: offer, acks: true });
        for (const bytes of [1e12, frame.size as number, 0, -5, 'all']) eve.send(from.id, { t: 'file-ack', cv: 1, id: offer, bytes });
      });
      eve.on('binary', (_from, data) => {
        received += data.byteLength - 12;
        // Each chunk is "acknowledged" with a figure past anything sent (Ada has two chunks out at most).
        eve.send(ada.chat.peerId!, { t: 'file-ack', cv: 1, id: offer, bytes: received + 3 * 65_524 });
      });
      await eve.join();
      await until(() => ada.chat.messages.some((m) => m.text === 'ready'), 'Eve did not link up, or her chat did not greet Ada\'s');
      const sending = ada.chat.sendFile(ada.makeFile(5 * 1024 * 1024, 'held.bin'));
      await until(() => received > 0 && part(ada.chat, 'cancel-button').length === 1, 'nothing arrived');
      // Whatever Eve says, no more than the window (two chunks) goes out; then it waits.
      await until(() => received === 2 * 65_524, () => `${received} bytes arrived`);
      expect(ada.chat.phase).to.equal('joined');
      // The malformed ones are reported, once.
      expect(eventsOfChat(ada, 'rtc-error').map((e) => e.detail.type)).to.deep.equal(['protocol']);
      (part(ada.chat, 'cancel-button')[0] as HTMLButtonElement).click();
      expect((await sending)!.state).to.equal('canceled');
      expect(received, 'nothing more after the cancel').to.equal(2 * 65_524);
      expect(ada.chat.send('still here'), 'the chat goes on').to.not.equal(null);
    } finally {
      await eve.leave();
    }
  });
});

describe('<rtc-chat> files', () => {
  afterEach(closeAll);

  it('sends files of 0 bytes, 1 MB and 50 MB intact, with progress on both sides', async () => {
    const [ada, bob] = await joinChats(uniqueRoom('files'), rtcServer, ['Ada', 'Bob']);
    await greet([ada, bob]);
    for (const [size, name] of [
      [0, 'empty.txt'],
      [1_000_000, 'one.bin'],
      [50 * 1024 * 1024, 'fifty.bin'],
    ] as const) {
      const file = ada.makeFile(size, name, size + 7);
      const sent = await ada.chat.sendFile(file);
      expect(sent, name).to.include({ state: 'done', size, name });
      await until(() => eventsOfChat(bob, 'rtc-file-received').some((e) => e.detail.file.id === sent!.id), `${name} not received`);
      const received = eventsOfChat<RtcFileReceivedEvent>(bob, 'rtc-file-received').find((e) => e.detail.file.id === sent!.id)!;
      expect(received.detail.blob.size, name).to.equal(size);
      expect(await bob.sha256(received.detail.blob), `${name} hash`).to.equal(await ada.sha256(file));
      await bob.chat.updateComplete;
      const entry = bob.chat.shadowRoot!.querySelector(`[data-id="${sent!.id}"]`)!;
      expect(entry.querySelector('a[part~="download"]')!.getAttribute('download')).to.equal(name);
      expect(entry.querySelector('[part~="file-size"]')!.textContent).to.equal(size === 0 ? '0 B' : size === 1_000_000 ? '1.0 MB' : '52 MB');
    }
    const progress = (p: ChatParticipant, state: string) => eventsOfChat(p, 'rtc-file-progress').filter((e) => e.detail.file.state === state);
    expect(progress(bob, 'receiving').some((e) => e.detail.file.bytes > 0), 'receiver progress').to.equal(true);
    expect(progress(ada, 'sending').some((e) => e.detail.file.bytes > 0), 'sender progress').to.equal(true);
    expect(eventsOfChat(bob, 'rtc-file-offered')).to.have.length(3);
    expect(eventsOfChat(ada, 'rtc-error').concat(eventsOfChat(bob, 'rtc-error')).map((e) => `${e.detail.type}: ${e.detail.message}`)).to.deep.equal([]);
  });

  for (const side of ['receiver', 'sender'] as const) {
    it(`cancels a transfer from the ${side}'s side, on both sides`, async () => {
      const [ada, bob] = await joinChats(uniqueRoom('cancel'), rtcServer, ['Ada', 'Bob']);
      await greet([ada, bob]);
      const canceller = side === 'sender' ? ada : bob;
      canceller.chat.addEventListener('rtc-file-progress', (e) => {
        const { file } = e.detail;
        if (file.bytes > 0 && (file.state === 'sending' || file.state === 'receiving')) canceller.chat.cancelFile(file.id);
      });
      const sent = await ada.chat.sendFile(ada.makeFile(50 * 1024 * 1024, 'big.bin'));
      expect(sent!.state).to.equal('canceled');
      expect(sent!.bytes).to.be.below(sent!.size);
      await until(() => eventsOfChat(bob, 'rtc-file-progress').some((e) => e.detail.file.state === 'canceled'), 'Bob\'s side did not end');
      await bob.chat.updateComplete;
      expect(part(bob.chat, 'download')).to.have.length(0);
      expect(part(bob.chat, 'file-status')[0].textContent).to.equal(side === 'sender' ? 'Canceled by Ada' : 'Canceled');
      expect(part(bob.chat, 'progress'), 'no progress bar left').to.have.length(0);
      expect(eventsOfChat(bob, 'rtc-file-received')).to.have.length(0);
      // The chat is not stuck behind the rest of the file.
      ada.chat.send('after the file');
      await until(() => bob.chat.messages.some((m) => m.text === 'after the file'), 'a message after the cancel did not arrive', 5_000);
    });
  }

  it('sends six files picked together, four at a time, and each arrives, one canceled mid-way aside', async () => {
    const [ada, bob] = await joinChats(uniqueRoom('six-files'), rtcServer, ['Ada', 'Bob']);
    await greet([ada, bob]);
    // Bob takes four files at a time from one sender; the rest wait their turn on Ada's page.
    const picked = new DataTransfer();
    for (let i = 1; i <= 6; i++) picked.items.add(ada.makeFile(2_000_000, `photo ${i}.jpg`, i));
    const input = ada.chat.renderRoot.querySelector<HTMLInputElement>('input[type="file"]')!;
    input.files = picked.files;
    input.dispatchEvent(new Event('change'));
    // The first is canceled once under way: the fifth's offer must not overtake that cancel.
    const progress = () => eventsOfChat<RtcFileProgressEvent>(ada, 'rtc-file-progress');
    const first = () => progress().find((e) => e.detail.file.name === 'photo 1.jpg' && e.detail.file.bytes > 0);
    await until(() => !!first(), 'the first file did not start');
    ada.chat.cancelFile(first()!.detail.file.id);
    const ended = () => progress().filter((e) => ['done', 'canceled', 'failed'].includes(e.detail.file.state));
    await until(() => ended().length === 6, () => `${ended().length} of 6 ended`, 30_000);
    expect(ended().map((e) => `${e.detail.file.name}: ${e.detail.file.state} ${e.detail.file.recipients.map((r) => r.reason)}`).sort()).to.deep.equal([
      'photo 1.jpg: canceled canceled',
      ...[2, 3, 4, 5, 6].map((i) => `photo ${i}.jpg: done `),
    ]);
    const received = eventsOfChat<RtcFileReceivedEvent>(bob, 'rtc-file-received').map((e) => e.detail.file.name);
    expect(received.sort()).to.deep.equal([2, 3, 4, 5, 6].map((i) => `photo ${i}.jpg`));
    expect(eventsOfChat(ada, 'rtc-error'), 'nothing refused').to.have.length(0);
  });

  it('ends a transfer cleanly on the sender when the recipient leaves mid-way', async () => {
    const [ada, bob] = await joinChats(uniqueRoom('leaving'), rtcServer, ['Ada', 'Bob']);
    await greet([ada, bob]);
    bob.chat.addEventListener('rtc-file-progress', (e) => {
      if (e.detail.file.bytes > 0) setTimeout(() => bob.close());
    });
    const sent = await ada.chat.sendFile(ada.makeFile(50 * 1024 * 1024, 'big.bin'));
    expect(sent!.state).to.equal('failed');
    expect(sent!.recipients[0].reason).to.be.oneOf(['left', 'interrupted']);
    const [error] = eventsOfChat(ada, 'rtc-error');
    expect(error.detail).to.include({ type: 'file-failed', fatal: false });
    await ada.chat.updateComplete;
    expect(part(ada.chat, 'file-status')[0].textContent).to.match(/^Bob: /);
    expect(part(ada.chat, 'cancel-button')).to.have.length(0);
  });
});

describe('<rtc-chat> beside <rtc-call>', () => {
  afterEach(closeAll);

  it('shares the call\'s session, and a chat-only page never asks for camera or microphone', async () => {
    const room = uniqueRoom('beside');
    const ada = await addChatParticipant({ room, server: rtcServer, name: 'Ada' });
    const bob = await addChatParticipant({ room, server: rtcServer, name: 'Bob' }, { withCall: true });
    await until(() => bob.call!.phase === 'in-call' && bob.chat.phase === 'joined', () => `Bob: call ${bob.call!.phase}, chat ${bob.chat.phase}`);
    expect(bob.chat.peerId, 'one session for both elements').to.equal(bob.call!.peerId);
    await until(() => ada.chat.participants.length === 1 && ada.chat.participants[0].media, 'Ada does not see Bob in the call');
    bob.chat.send('from the call page');
    await until(() => ada.chat.messages.length === 1, 'the message did not arrive');
    expect(ada.chat.messages[0]).to.include({ name: 'Bob', from: bob.call!.peerId });
    expect(bob.getUserMediaCalls.length, 'the call asked for devices').to.be.greaterThan(0);
    expect(ada.getUserMediaCalls, 'the chat-only page asked for nothing').to.have.length(0);

    // Leaving the call keeps the chat (and its session) going.
    await bob.call!.leave();
    ada.chat.send('still chatting');
    await until(() => bob.chat.messages.length === 2, 'the chat stopped with the call');
  });
});

describe('<rtc-chat> in a page, with a peer', () => {
  afterEach(closeAll);

  /** Ada's element in this page (with `style`, if any), joined, and Bob's in a frame, linked to it. */
  async function adaWithBob(name: string, style = ''): Promise<{ el: RtcChat; bob: ChatParticipant }> {
    const room = uniqueRoom(name);
    const el = await fixture<RtcChat>(html`<rtc-chat room=${room} server=${rtcServer} name="Ada" style=${style}></rtc-chat>`);
    await until(() => el.phase === 'joined', () => `phase ${el.phase}`);
    const bob = await addChatParticipant({ room, server: rtcServer, name: 'Bob' });
    await until(() => el.participants.length === 1, 'Bob did not link up');
    return { el, bob };
  }

  it('does not fight a reader who scrolled up, and marks what is unread', async () => {
    const { el, bob } = await adaWithBob('scroll', 'height: 320px');
    for (let i = 0; i < 14; i++) bob.chat.send(`message ${i} ${'with some words '.repeat(3)}`);
    await until(() => el.messages.length === 14, () => `${el.messages.length} messages`);
    await el.updateComplete;
    const list = part(el, 'message-list')[0];
    const atBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight < 2;
    expect(list.scrollHeight, 'the list overflows').to.be.greaterThan(list.clientHeight);
    expect(atBottom(), 'follows new messages at the bottom').to.equal(true);
    // A notice above the list takes some of its height: the newest message stays in view.
    el.send('');
    await until(() => part(el, 'notice').length === 1, 'no notice');
    await until(atBottom, () => `a notice hid the newest message: ${list.scrollHeight - list.scrollTop - list.clientHeight} px below`);

    list.scrollTop = 0;
    await until(() => list.scrollTop === 0, 'could not scroll up');
    bob.chat.send('new one');
    bob.chat.send('new two');
    await until(() => el.messages.length === 16, 'the new messages did not arrive');
    await el.updateComplete;
    expect(list.scrollTop, 'the reader stays where they are').to.equal(0);
    expect(part(el, 'unread-button')[0].textContent).to.contain('2 new messages');
    expect(el.matches(':state(unread)')).to.equal(true);
    await expect(el).to.be.accessible();

    part(el, 'unread-button')[0].click();
    await until(() => part(el, 'unread-button').length === 0 && atBottom(), 'the unread button did not take the reader down');
    expect(el.matches(':state(unread)')).to.equal(false);
  });

  it('keeps text pasted over the length limit, says so on Send, and sends it once short enough', async () => {
    const el = await fixture<RtcChat>(html`<rtc-chat room=${uniqueRoom('too-long')} server=${rtcServer} name="Ada" max-message-length="50"></rtc-chat>`);
    await until(() => el.phase === 'joined', () => `phase ${el.phase}`);
    await el.updateComplete;
    const input = part(el, 'input')[0] as HTMLTextAreaElement;
    const enter = () => input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
    const pasted = `${'a'.repeat(40)} ${'b'.repeat(39)}`;
    input.focus();
    // As a paste or a drop of text lands: the browser's own insertion.
    document.execCommand('insertText', false, pasted);
    expect(input.value, 'nothing cut off').to.equal(pasted);
    enter();
    await until(() => part(el, 'notice').length === 1, 'no notice');
    expect(part(el, 'notice')[0].textContent).to.contain('at most 50 characters');
    expect(input.value, 'the text stays to be shortened').to.equal(pasted);
    expect(el.messages).to.have.length(0);
    input.value = 'a'.repeat(50);
    enter();
    expect(el.messages.map((m) => m.text.length), 'exactly the limit goes').to.deep.equal([50]);
    expect(input.value).to.equal('');
  });

  it('grows the message box with the lines written, up to a limit, and back after sending', async () => {
    const el = await fixture<RtcChat>(html`<rtc-chat room=${uniqueRoom('grow')} server=${rtcServer} name="Ada" style="width: 320px"></rtc-chat>`);
    await until(() => el.phase === 'joined', () => `phase ${el.phase}`);
    await el.updateComplete;
    const input = part(el, 'input')[0] as HTMLTextAreaElement;
    const composer = part(el, 'composer')[0];
    const oneLine = input.offsetHeight;
    input.focus();
    document.execCommand('insertText', false, 'one\ntwo\nthree');
    expect(input.scrollHeight - input.clientHeight, 'three lines in view').to.be.at.most(1);
    expect(input.offsetHeight).to.be.greaterThan(oneLine * 2);
    document.execCommand('insertText', false, `\n${'x'.repeat(500)}\n`.repeat(3));
    expect(input.offsetHeight, 'up to a limit, then it scrolls').to.be.below(el.offsetHeight / 2);
    expect(composer.scrollWidth, 'a long word does not widen it').to.equal(composer.clientWidth);
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
    expect(el.messages).to.have.length(1);
    expect(input.offsetHeight, 'one line again').to.equal(oneLine);
  });

  it('keeps the writer in the message box after pressing Send', async () => {
    const el = await fixture<RtcChat>(html`<rtc-chat room=${uniqueRoom('send-focus')} server=${rtcServer} name="Ada"></rtc-chat>`);
    await until(() => el.phase === 'joined', () => `phase ${el.phase}`);
    await el.updateComplete;
    const input = part(el, 'input')[0] as HTMLTextAreaElement;
    input.focus();
    input.value = 'first';
    const send = part(el, 'send-button')[0].getBoundingClientRect();
    await sendMouse({ type: 'click', position: [Math.round(send.x + send.width / 2), Math.round(send.y + send.height / 2)] });
    expect(el.messages.map((m) => m.text)).to.deep.equal(['first']);
    expect(el.shadowRoot!.activeElement?.getAttribute('part'), 'typing goes on in the box').to.equal('input');
    await sendKeys({ type: 'second' });
    await sendKeys({ press: 'Enter' });
    expect(el.messages.map((m) => m.text)).to.deep.equal(['first', 'second']);
  });

  it('shows a received picture above its name, read from its bytes; never an SVG or a file that only says it is a picture', async () => {
    const { el, bob } = await adaWithBob('pictures');
    const canvas = Object.assign(document.createElement('canvas'), { width: 64, height: 48 });
    canvas.getContext('2d')!.fillRect(0, 0, 32, 24);
    const png = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';
    for (const file of [
      new File([png], 'photo.png', { type: 'image/png' }),
      new File(['not a picture at all, only words in a file that says it is one'], 'fake.png', { type: 'image/png' }),
      new File([svg], 'drawing.svg', { type: 'image/svg+xml' }),
    ]) {
      expect((await bob.chat.sendFile(file))?.state, file.name).to.equal('done');
    }
    await until(() => part(el, 'download').length === 3, () => `${part(el, 'download').length} files arrived`);
    const previews = () => part(el, 'preview') as HTMLImageElement[];
    await until(() => previews().length === 1 && previews()[0].complete && previews()[0].naturalWidth > 0, () => `${previews().length} pictures shown`);
    const [shown] = previews();
    expect([shown.naturalWidth, shown.naturalHeight]).to.deep.equal([64, 48]);
    expect(shown.closest('[part~="file"]')!.querySelector('[part~="download"]')!.textContent).to.equal('photo.png');
    // Nothing more came of the others, however long their lines are looked at.
    await el.updateComplete;
    expect(previews()).to.have.length(1);
    await expect(el).to.be.accessible();
    // A picture that does not load (a page whose policy refuses blob: images) leaves the name, not a broken picture.
    shown.dispatchEvent(new Event('error'));
    await until(() => previews().length === 0, 'the picture that failed is still there');
    expect(part(el, 'download').map((a) => a.textContent)).to.deep.equal(['photo.png', 'fake.png', 'drawing.svg']);
  });

  it('writes and shows a right-to-left message right to left, beside left-to-right ones', async () => {
    const { el, bob } = await adaWithBob('rtl');
    bob.chat.send('مرحبا بالجميع!');
    bob.chat.send('hello!');
    await until(() => el.messages.length === 2, 'the messages did not arrive');
    await el.updateComplete;
    // The "!" ends the sentence where its reader reads it last: on the left of Arabic.
    expect(part(el, 'text').map((t) => getComputedStyle(t).direction)).to.deep.equal(['rtl', 'ltr']);
    const input = part(el, 'input')[0] as HTMLTextAreaElement;
    input.focus();
    document.execCommand('insertText', false, 'שלום לכולם!');
    expect(input.matches(':dir(rtl)'), 'the box follows what is written').to.equal(true);
  });

  it('sends what is written without the blank lines and spaces around it, indentation kept', async () => {
    const el = await fixture<RtcChat>(html`<rtc-chat room=${uniqueRoom('blank-lines')} server=${rtcServer} name="Ada"></rtc-chat>`);
    await until(() => el.phase === 'joined', () => `phase ${el.phase}`);
    await el.updateComplete;
    const input = part(el, 'input')[0] as HTMLTextAreaElement;
    // Shift+Enter pressed once too often, before and after.
    input.value = '\n \n  if (x) {\n    y();\n  }  \n\n\n';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
    expect(el.messages.map((m) => m.text)).to.deep.equal(['  if (x) {\n    y();\n  }']);
  });

  it('sends a file pasted into the message box, and pastes text that comes with a picture as text', async () => {
    const { el, bob } = await adaWithBob('paste-file');
    bob.chat.send('hi');
    await until(() => el.messages.length === 1, 'no hello from Bob');
    const input = part(el, 'input')[0] as HTMLTextAreaElement;
    const paste = (data: DataTransfer) => input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, composed: true, cancelable: true }));
    // A screenshot: only a picture on the clipboard.
    const shot = new DataTransfer();
    shot.items.add(new File([new Uint8Array(3_000)], 'image.png', { type: 'image/png' }));
    expect(paste(shot), 'not pasted as text').to.equal(false);
    await until(() => eventsOfChat(bob, 'rtc-file-received').length === 1, 'the pasted file did not arrive');
    expect(eventsOfChat<RtcFileReceivedEvent>(bob, 'rtc-file-received')[0].detail.file.name).to.equal('image.png');
    // Cells copied from a spreadsheet carry a picture of themselves beside their text.
    const cells = new DataTransfer();
    cells.setData('text/plain', 'a\tb');
    cells.items.add(new File([new Uint8Array(10)], 'image.png', { type: 'image/png' }));
    expect(paste(cells), 'the browser pastes the text').to.equal(true);
    expect(part(el, 'file').length).to.equal(1);
  });

  it('sends dropped and picked files, shows progress and cancel, and offers what arrives, accessibly', async () => {
    const { el, bob } = await adaWithBob('ui-files');
    bob.chat.send('hi');
    await until(() => el.messages.length === 1, 'no hello from Bob');
    el.send('hi Bob');
    await until(() => bob.chat.messages.length === 2, 'no hello from Ada');

    // Dropped onto the element.
    const dropped = new DataTransfer();
    dropped.items.add(new File(['dropped!'], 'dropped.txt', { type: 'text/plain' }));
    const base = part(el, 'base')[0];
    base.dispatchEvent(new DragEvent('dragover', { dataTransfer: dropped, bubbles: true, cancelable: true }));
    await el.updateComplete;
    expect(el.matches(':state(drop-target)'), 'shows where to drop').to.equal(true);
    base.dispatchEvent(new DragEvent('drop', { dataTransfer: dropped, bubbles: true, cancelable: true }));
    // Picked with the file button's input.
    const picked = new DataTransfer();
    picked.items.add(new File(['picked!'], 'picked.txt'));
    const input = el.renderRoot.querySelector<HTMLInputElement>('input[type="file"]')!;
    input.files = picked.files;
    input.dispatchEvent(new Event('change'));
    await until(() => eventsOfChat(bob, 'rtc-file-received').length === 2, 'the files did not arrive');
    const names = eventsOfChat<RtcFileReceivedEvent>(bob, 'rtc-file-received').map((e) => e.detail.file.name).sort();
    expect(names).to.deep.equal(['dropped.txt', 'picked.txt']);
    expect(el.matches(':state(drop-target)')).to.equal(false);

    // A transfer held at its start (its file reads wait), to look at it while it runs.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    class SlowFile extends File {
      // Not a byte stream, as in browsers without BYOB readers for files.
      override stream() {
        const inner = super.stream().getReader();
        return new ReadableStream({
          async pull(controller) {
            await gate;
            const { done, value } = await inner.read();
            if (done) controller.close();
            else controller.enqueue(value);
          },
        });
      }
    }
    const sending = el.sendFile(new SlowFile([new Uint8Array(300_000)], 'slow.bin'));
    await until(() => part(el, 'progress').length === 1 && part(el, 'file-status').some((s) => s.textContent!.startsWith('Sending')), 'no progress shown');
    await until(() => part(bob.chat, 'progress').length === 1, 'Bob shows no progress');
    await expect(el).to.be.accessible();
    part(el, 'cancel-button')[0].click();
    release();
    expect((await sending)!.state).to.equal('canceled');
    await until(() => part(bob.chat, 'progress').length === 0, 'Bob still shows the transfer running');

    // Bob sends one back: Ada gets a download link with name and size.
    await bob.chat.sendFile(bob.makeFile(2_000, 'report.pdf'));
    await until(() => part(el, 'download').length === 1, 'no download link');
    const link = part(el, 'download')[0] as HTMLAnchorElement;
    expect(link.download).to.equal('report.pdf');
    expect(link.closest('[part~="file"]')!.querySelector('[part~="file-size"]')!.textContent).to.equal('2.0 kB');
    await expect(el).to.be.accessible();
  });
});

describe('<rtc-chat> looks', () => {
  it('takes its colours from custom properties set on the page, and follows the theme attribute', async () => {
    document.documentElement.style.setProperty('--rtc-chat-background', 'rgb(1, 2, 3)');
    try {
      const el = await fixture<RtcChat>(html`<rtc-chat room=${uniqueRoom('looks')} server=${rtcServer}></rtc-chat>`);
      expect(getComputedStyle(el).backgroundColor).to.equal('rgb(1, 2, 3)');
      document.documentElement.style.removeProperty('--rtc-chat-background');
      el.setAttribute('theme', 'dark');
      expect(getComputedStyle(el).backgroundColor).to.equal('rgb(16, 20, 24)');
      el.setAttribute('theme', 'light');
      expect(getComputedStyle(el).backgroundColor).to.equal('rgb(248, 250, 252)');
    } finally {
      document.documentElement.style.removeProperty('--rtc-chat-background');
    }
  });
});
