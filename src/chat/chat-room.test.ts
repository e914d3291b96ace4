import { expect } from '@open-wc/testing';
import { until } from '../../test/helpers.js';
import { encodeFrame, parseFrame, type ExtensionFrame } from '../session/frames.js';
import { ChatRoom } from './chat-room.js';
import type { ChatLimits, ChatOptions, ChatPeer, ChatProblemFacts, ChatTransport } from './types.js';
import type { ChatMessage } from './store.js';
import { HIGH_WATER } from './outgoing-file.js';
import { describe as describeFile, rootDigest, sha256, type ChatFile } from './transfer.js';
import { fileStatus } from '../components/chat/file-status.js';
import { en } from '../i18n/en.js';
import { formatFor } from '../i18n/format.js';
import { MIN_WINDOW } from './send-window.js';
import { IDLE_TIMEOUT } from './incoming-file.js';
import { CHUNK_FRAME, CHUNK_HEADER, MAX_COUNTER, MAX_HISTORY, encodeChunk, historyFrames } from './wire.js';
import { MAX_CLOCK_STEP } from './store.js';

/** The element's defaults. */
const DEFAULT_LIMITS: ChatLimits = { maxMessageLength: 2000, maxMessageRate: 20, maxFileSize: 104857600, history: 100 };

/** A data channel that counts what is queued and drains as frames are delivered. */
class FakeChannel extends EventTarget {
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  readyState: RTCDataChannelState = 'open';
  peak = 0;
  readonly queue: Data[] = [];
  /** Set, the channel stops draining: its other end no longer reads. */
  stuck = false;
}

type Data = string | ArrayBuffer;

/** A room member on an in-memory network: ordered, reliable, asynchronous delivery. */
class Member implements ChatTransport {
  participants: ChatPeer[] = [];
  readonly channels = new Map<string, FakeChannel>();
  readonly room: ChatRoom;
  readonly problems: string[] = [];
  /** The problems' messages, as the page shows them. */
  readonly notices: string[] = [];
  /** The facts that came with problems, for the page's own words. */
  readonly facts: ChatProblemFacts[] = [];
  /** Every text frame this member sent, as sent. */
  readonly sent: ExtensionFrame[] = [];
  readonly progress: ChatFile[] = [];
  readonly received: { file: ChatFile; blob: Blob }[] = [];
  /** Every message announced to the page (`rtc-message`), in order. */
  readonly announced: ChatMessage[] = [];
  /** The texts announced as history (`rtc-message` with `history: true`). */
  readonly historyTexts: string[] = [];

  constructor(
    private readonly net: Net,
    readonly id: string,
    readonly name: string,
    limits: Partial<ChatLimits> = {},
    options: ChatOptions = {},
  ) {
    this.room = new ChatRoom(
      { ...DEFAULT_LIMITS, ...limits },
      {
        changed: () => {},
        writing: () => {},
        message: (m, history) => {
          this.announced.push(m);
          if (history) this.historyTexts.push(m.text);
        },
        progress: (f) => this.progress.push(f),
        received: (file, blob) => this.received.push({ file, blob }),
        problem: (type, message, facts) => {
          this.problems.push(type);
          this.notices.push(message);
          if (facts) this.facts.push(facts);
        },
        beforeSend: () => true,
        acceptFile: () => true,
      },
      options,
    );
  }

  broadcast(frame: ExtensionFrame): void {
    for (const p of this.participants) this.send(p.id, frame);
  }

  send(to: string, frame: ExtensionFrame | ArrayBuffer): boolean {
    const ch = this.channels.get(to);
    if (!ch || ch.readyState !== 'open') return false;
    if (!(frame instanceof ArrayBuffer)) this.sent.push(frame);
    const data: Data = frame instanceof ArrayBuffer ? frame.slice(0) : encodeFrame(frame);
    const size = typeof data === 'string' ? data.length : data.byteLength;
    ch.bufferedAmount += size;
    ch.peak = Math.max(ch.peak, ch.bufferedAmount);
    // Timers can fire out of order (nested ones are clamped), so each one takes the oldest frame.
    ch.queue.push(data);
    if (!ch.stuck) setTimeout(() => {
      const next = ch.queue.shift()!;
      const before = ch.bufferedAmount;
      ch.bufferedAmount -= typeof next === 'string' ? next.length : next.byteLength;
      if (before > ch.bufferedAmountLowThreshold && ch.bufferedAmount <= ch.bufferedAmountLowThreshold) {
        ch.dispatchEvent(new Event('bufferedamountlow'));
      }
      if (ch.readyState === 'open') this.net.deliver(this, to, next);
    });
    return true;
  }

  channel(to: string): RTCDataChannel | null {
    return (this.channels.get(to) as unknown as RTCDataChannel) ?? null;
  }

  lastFile(): ChatFile {
    const files = this.room.entries.flatMap((e) => (e.kind === 'local' && e.data.type === 'file' ? [e.data.file] : []));
    return files[files.length - 1];
  }
}

class Net {
  readonly members = new Map<string, Member>();
  /** Sees every frame on its way; returns what to deliver (null drops it). */
  tamper: ((from: Member, to: Member, data: Data) => Data | null) | null = null;
  /** Called after each delivery. */
  delivered: ((from: Member, to: Member, data: Data) => void) | null = null;
  /** Chat hellos delivered, as `from>to`: a member sends files only to those it has one from. */
  private readonly hellos = new Set<string>();

  add(id: string, name: string, limits?: Partial<ChatLimits>, options?: ChatOptions): Member {
    const m = new Member(this, id, name, limits, options);
    this.members.set(id, m);
    m.room.start(m);
    return m;
  }

  link(a: Member, b: Member): void {
    a.channels.set(b.id, new FakeChannel());
    b.channels.set(a.id, new FakeChannel());
    a.participants.push({ id: b.id, name: b.name });
    b.participants.push({ id: a.id, name: a.name });
    a.room.joined({ id: b.id, name: b.name });
    b.room.joined({ id: a.id, name: a.name });
  }

  /** Links two members and waits until their chat hellos have crossed. */
  async linkChats(a: Member, b: Member): Promise<void> {
    this.link(a, b);
    await until(() => this.hellos.has(`${a.id}>${b.id}`) && this.hellos.has(`${b.id}>${a.id}`), 'the chat hellos did not cross');
  }

  /** Runs `fn` once, when the first file chunk has reached `to`. */
  onFirstChunk(to: Member, fn: () => void): void {
    this.delivered = (_from, at, data) => {
      if (data instanceof ArrayBuffer && at === to) {
        this.delivered = null;
        fn();
      }
    };
  }

  /** The session replaced the pair's connection: fresh channels, and what was on the old ones is gone. */
  replaceConnection(a: Member, b: Member): void {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ]) {
      const old = x.channels.get(y.id)!;
      x.channels.set(y.id, new FakeChannel());
      old.readyState = 'closed';
      old.dispatchEvent(new Event('close'));
    }
  }

  unlink(a: Member, b: Member): void {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ]) {
      x.participants = x.participants.filter((p) => p.id !== y.id);
      x.room.left({ id: y.id, name: y.name }, 'closed');
      const ch = x.channels.get(y.id)!;
      ch.readyState = 'closed';
      ch.dispatchEvent(new Event('close'));
    }
  }

  /** file-reject frames delivered. */
  rejects = 0;

  deliver(from: Member, toId: string, data: Data): void {
    const to = this.members.get(toId);
    if (!to?.channels.has(from.id)) return;
    const d = this.tamper ? this.tamper(from, to, data) : data;
    if (d === null) return;
    if (typeof d === 'string' && d.includes('"file-reject"')) this.rejects++;
    const peer = { id: from.id, name: from.name };
    if (d instanceof ArrayBuffer) to.room.binary(peer, d);
    else {
      const parsed = parseFrame(d);
      if (parsed && 'extension' in parsed) {
        if (parsed.extension.t === 'chat-hello') this.hellos.add(`${from.id}>${to.id}`);
        to.room.frame(peer, parsed.extension);
      }
    }
    this.delivered?.(from, to, d);
  }
}

function randomBlob(size: number): Blob {
  const bytes = new Uint8Array(size);
  let x = 2463534242;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return new Blob([bytes]);
}

async function sameBytes(a: Blob, b: Blob): Promise<boolean> {
  const [x, y] = await Promise.all([a.arrayBuffer(), b.arrayBuffer()]);
  return x.byteLength === y.byteLength && new Uint8Array(x).every((v, i) => v === new Uint8Array(y)[i]);
}

const texts = (m: Member) => m.room.messages.map((x) => x.text);

/**
 * Ada with 100 long messages, and Eve linked to her, who has them all. `drawn()`: the characters
 * of what Ada has sent Eve that `carries` matches; `ask()`: Eve asks for the history 20 times,
 * and the answers arrive.
 */
async function eveDrawsFromAda(carries: RegExp) {
  const net = new Net();
  const ada = net.add('rtc-a', 'Ada', { maxMessageRate: 1_000 });
  for (let i = 0; i < 100; i++) ada.room.send(`${i} ${'中'.repeat(1_990)}`);
  const eve = net.add('rtc-e', 'Eve');
  let drawn = 0;
  net.delivered = (from, to, data) => {
    if (from === ada && to === eve && typeof data === 'string' && carries.test(data)) drawn += data.length;
  };
  await net.linkChats(ada, eve);
  await until(() => texts(eve).length === 100, () => `Eve has ${texts(eve).length} messages`);
  const ask = async () => {
    for (let i = 0; i < 20; i++) eve.send(ada.id, { t: 'chat-hello', cv: 1, reply: false });
    await until(() => eve.channels.get(ada.id)!.bufferedAmount === 0 && ada.channels.get(eve.id)!.bufferedAmount === 0, 'the hellos were not answered');
  };
  return { ada, eve, drawn: () => drawn, ask };
}

describe('ChatRoom', () => {
  it('delivers messages, and gives a late joiner the history once, in the agreed order', async () => {
    const net = new Net();
    const [ada, bob] = [net.add('rtc-a', 'Ada'), net.add('rtc-b', 'Bob')];
    net.link(ada, bob);
    ada.room.send('one');
    bob.room.send('two');
    ada.room.send('three');
    await until(() => texts(bob).length === 3 && texts(ada).length === 3, 'messages did not arrive');
    expect(texts(bob)).to.deep.equal(texts(ada));

    const cy = net.add('rtc-c', 'Cy');
    net.link(ada, cy);
    net.link(bob, cy);
    await until(() => texts(cy).length === 3, () => `Cy has ${JSON.stringify(texts(cy))}`);
    cy.room.send('four');
    await until(() => [ada, bob].every((m) => texts(m).length === 4), 'Cy\'s message did not arrive');
    for (const m of [ada, bob, cy]) expect(m.room.messages.map((x) => x.id), m.name).to.deep.equal(ada.room.messages.map((x) => x.id));
    expect(texts(cy).at(-1)).to.equal('four');
    expect(cy.room.messages.filter((m) => m.mine).map((m) => m.text)).to.deep.equal(['four']);
    expect([ada, bob, cy].flatMap((m) => m.problems)).to.deep.equal([]);
  });

  it('does not mark a message sent just after someone linked as history, even when their chat starts after it went out', async () => {
    const net = new Net();
    const [ada, bob] = [net.add('rtc-a', 'Ada'), net.add('rtc-b', 'Bob')];
    ada.room.send('before Bob');
    // Linked, and Ada's chat knows it; Bob's chat hears of Ada only later (it was still starting).
    ada.channels.set(bob.id, new FakeChannel());
    bob.channels.set(ada.id, new FakeChannel());
    ada.participants.push({ id: bob.id, name: bob.name });
    bob.participants.push({ id: ada.id, name: ada.name });
    ada.room.joined({ id: bob.id, name: bob.name });
    ada.room.send('hello Bob');
    await until(() => ada.channels.get(bob.id)!.bufferedAmount === 0, 'the message did not leave');
    expect(bob.announced, 'dropped: Bob\'s chat did not know Ada yet').to.have.length(0);
    bob.room.joined({ id: ada.id, name: ada.name });
    await until(() => texts(bob).length === 2, () => `Bob has ${JSON.stringify(texts(bob))}`);
    expect(texts(bob)).to.deep.equal(['before Bob', 'hello Bob']);
    expect(bob.historyTexts).to.deep.equal(['before Bob']);
  });

  it('gets back a message lost when a connection was replaced: the chats exchange history again, and it shows once', async () => {
    const net = new Net();
    const [ada, bob] = [net.add('rtc-a', 'Ada'), net.add('rtc-b', 'Bob')];
    await net.linkChats(ada, bob);
    ada.room.send('before');
    await until(() => texts(bob).includes('before'), 'the first message did not arrive');
    // The old connection takes what is on it down with it.
    let lost = 0;
    net.tamper = (_from, _to, data) => (typeof data === 'string' && data.includes('on the old connection') ? (lost++, null) : data);
    ada.room.send('on the old connection');
    await until(() => lost === 1, 'the message was not on its way');
    net.tamper = null;
    expect(texts(bob)).to.deep.equal(['before']);
    // A fresh connection replaces it (the session's participant-reconnected, on both sides).
    ada.room.reconnected({ id: bob.id, name: bob.name }, 'replaced');
    bob.room.reconnected({ id: ada.id, name: ada.name }, 'replaced');
    await until(() => texts(bob).includes('on the old connection'), () => `Bob has ${JSON.stringify(texts(bob))}`);
    expect(texts(bob)).to.deep.equal(['before', 'on the old connection']);
    expect(bob.announced.map((m) => m.text), 'each announced once').to.deep.equal(['before', 'on the old connection']);
    expect(texts(ada), 'nothing doubled on the sender\'s side').to.deep.equal(['before', 'on the old connection']);
    expect([ada, bob].flatMap((m) => m.problems)).to.deep.equal([]);
  });

  it('gets back what was lost however often a connection is replaced: copies it already has cost the sender nothing', async () => {
    const net = new Net();
    const ada = net.add('rtc-a', 'Ada');
    const bob = net.add('rtc-b', 'Bob', { maxMessageRate: 1_000 });
    for (let i = 0; i < 120; i++) bob.room.send(`early ${i}`);
    await net.linkChats(ada, bob);
    await until(() => texts(ada).length === 100, () => `Ada has ${texts(ada).length} messages`);
    // Each time, one message is lost with the old connection, and the two exchange 100 messages of history again.
    for (let round = 0; round < 8; round++) {
      const text = `lost ${round}`;
      net.tamper = (_from, _to, data) => (typeof data === 'string' && data.includes(`"${text}"`) && data.includes('chat-msg') ? null : data);
      bob.room.send(text);
      await until(() => bob.sent.some((f) => f.text === text), 'not sent');
      net.tamper = null;
      ada.room.reconnected({ id: bob.id, name: bob.name }, 'replaced');
      bob.room.reconnected({ id: ada.id, name: ada.name }, 'replaced');
      await until(() => texts(ada).includes(text), () => `round ${round}: ${text} did not come back`);
    }
    expect(ada.problems, 'Bob is not said to send too much').to.deep.equal([]);
  });

  it('refuses an empty or blank message with a problem, once until a message goes out', () => {
    const net = new Net();
    const ada = net.add('rtc-a', 'Ada');
    for (const text of ['', '   ', '\n\t']) expect(ada.room.send(text)).to.equal(null);
    expect(ada.problems).to.deep.equal(['empty-message']);
    expect(ada.room.send('real')).to.not.equal(null);
    ada.room.send('');
    expect(ada.problems).to.deep.equal(['empty-message', 'empty-message']);
  });

  it('gives a received file the type its sender declared when it looks like one, else binary', async () => {
    const net = new Net();
    const [ada, bob] = [net.add('rtc-a', 'Ada'), net.add('rtc-b', 'Bob')];
    await net.linkChats(ada, bob);
    await ada.room.sendFile(new Blob(['%PDF-1.4'], { type: 'application/pdf' }), 'a.pdf');
    await ada.room.sendFile(new Blob(['x'], { type: 'not a type' }), 'b.bin');
    await ada.room.sendFile(new Blob(['y']), 'c.bin');
    await until(() => bob.received.length === 3, 'the files did not arrive');
    expect(bob.received.map((r) => r.blob.type)).to.deep.equal(['application/pdf', 'application/octet-stream', 'application/octet-stream']);
  });

  it('says a new name in one line, however often the member renames before anything else comes', async () => {
    const net = new Net();
    const [ada, bob] = [net.add('rtc-a', 'Ada'), net.add('rtc-b', 'Bob')];
    net.link(ada, bob);
    const lines = () =>
      ada.room.entries.flatMap((e) => (e.kind === 'local' && e.data.type === 'system' ? [e.data.event === 'renamed' ? `${e.data.name} > ${e.data.to}` : `${e.data.event} ${e.data.name}`] : []));
    expect(ada.room.updated({ id: bob.id, name: 'Bob' }), 'the same name').to.equal(null);
    for (let i = 0; i < 500; i++) ada.room.updated({ id: bob.id, name: `Bob ${i}` });
    expect(lines()).to.deep.equal(['joined Bob', 'Bob > Bob 499']);
    bob.room.send('hi');
    await until(() => texts(ada).includes('hi'), 'the message did not arrive');
    expect(ada.room.updated({ id: bob.id, name: 'Robert\u202e' })).to.equal('Bob 499');
    expect(lines(), 'a new line after a message, the name cleaned').to.deep.equal(['joined Bob', 'Bob > Bob 499', 'Bob 499 > Robert']);
    expect(ada.room.updated({ id: 'rtc-x', name: 'Eve' }), 'someone not linked').to.equal(null);
  });

  it('keeps one name line per member while several take turns renaming, so that the messages stay', async () => {
    const net = new Net();
    const [ada, bob, eve] = [net.add('rtc-a', 'Ada'), net.add('rtc-b', 'Bob'), net.add('rtc-e', 'Eve')];
    net.link(ada, bob);
    net.link(ada, eve);
    bob.room.send('keep me');
    await until(() => texts(ada).includes('keep me'), 'the message did not arrive');
    for (let i = 0; i < 1_500; i++) ada.room.updated({ id: i % 2 ? bob.id : eve.id, name: `Name ${i}` });
    const renames = ada.room.entries.flatMap((e) => (e.kind === 'local' && e.data.type === 'system' && e.data.event === 'renamed' ? [e.data.to] : []));
    expect(renames).to.deep.equal(['Name 1498', 'Name 1499']);
    expect(texts(ada)).to.deep.equal(['keep me']);
  });

  it('tells who is writing only to chats that show it, and shows a member writing until it stops, sends or leaves', async () => {
    const net = new Net();
    const [ada, bob, cy] = [net.add('rtc-a', 'Ada'), net.add('rtc-b', 'Bob'), net.add('rtc-c', 'Cy')];
    // Cy's page switched it off (no-typing): its chat neither says nor shows who writes.
    cy.room.tellsTyping = false;
    cy.room.start(cy);
    const told: string[] = [];
    net.delivered = (from, to, data) => typeof data === 'string' && data.includes('"chat-typing"') && told.push(`${from.name}>${to.name}`);
    await Promise.all([net.linkChats(ada, bob), net.linkChats(ada, cy), net.linkChats(bob, cy)]);
    const hellos = (m: Member) => m.sent.filter((f) => f.t === 'chat-hello').map((f) => f.typing ?? false);
    expect(new Set(hellos(ada)), "Ada's hellos").to.deep.equal(new Set([true]));
    expect(new Set(hellos(cy)), "Cy's hellos").to.deep.equal(new Set([false]));
    const writing = (m: Member) => m.room.writing.map((p) => p.name);

    ada.room.typing(true);
    await until(() => writing(bob).join() === 'Ada', 'Bob does not see Ada writing');
    ada.room.typing(true);
    cy.room.typing(true);
    bob.room.typing(true);
    await until(() => writing(ada).join() === 'Bob', 'Ada does not see Bob writing');
    ada.room.send('hello');
    await until(() => texts(bob).includes('hello'), 'the message did not arrive');
    expect(writing(bob), 'her message ends it').to.deep.equal([]);
    expect(told.sort(), 'nothing for Cy, nor from Cy; one frame per second key').to.deep.equal(['Ada>Bob', 'Bob>Ada']);
    expect(writing(cy)).to.deep.equal([]);

    // Writing again, then emptying the box: it ends at once (not when it would fall silent).
    ada.room.typing(true);
    await until(() => writing(bob).join() === 'Ada', 'Bob does not see Ada writing again');
    ada.room.typing(false);
    await until(() => writing(bob).length === 0, 'the box emptied, and Bob still sees Ada writing', 3_000);
    ada.room.typing(true);
    await until(() => writing(bob).join() === 'Ada', 'Bob does not see Ada writing a third time');
    net.unlink(ada, bob);
    expect(writing(bob), 'she left').to.deep.equal([]);
    expect(writing(ada), 'he left').to.deep.equal([]);
    expect([ada, bob, cy].flatMap((m) => m.problems)).to.deep.equal([]);
  });

  it('drops unknown, malformed, over-long and flooding frames and reports each kind once', async () => {
    const net = new Net();
    const ada = net.add('rtc-a', 'Ada', { maxMessageLength: 100, maxMessageRate: 5 });
    const eve = net.add('rtc-e', 'Eve');
    net.link(ada, eve);
    await until(() => ada.room.entries.length > 0, 'no join line');
    const raw = (frame: ExtensionFrame) => eve.send(ada.id, { cv: 1, ...frame });
    raw({ t: 'chat-what' });
    raw({ t: 'chat-what' });
    raw({ t: 'chat-msg', seq: 1, clock: 1, time: 0, text: 42 });
    raw({ t: 'chat-msg', seq: 2, clock: 1, time: 0, text: 'x'.repeat(101) });
    eve.send(ada.id, new ArrayBuffer(3));
    for (let i = 0; i < 50; i++) raw({ t: 'chat-msg', seq: 10 + i, clock: 2 + i, time: 0, text: `flood ${i}` });
    await until(() => ada.room.messages.length === 5 && ada.problems.length === 3, () => `${ada.room.messages.length} messages, problems ${ada.problems}`);
    expect([...ada.problems].sort()).to.deep.equal(['message-too-long', 'protocol', 'rate-limited']);
  });

  it('takes a burst of as many messages as the rate allows, sent as soon as the chat starts', async () => {
    const net = new Net();
    const [ada, bob] = [net.add('rtc-a', 'Ada'), net.add('rtc-b', 'Bob')];
    await net.linkChats(ada, bob);
    // Bob's own bucket lets all of them go: none may be dropped at Ada's, where his chat-hello came first.
    for (let i = 1; i <= DEFAULT_LIMITS.maxMessageRate; i++) expect(bob.room.send(`message ${i}`), `message ${i} not sent`).to.not.equal(null);
    await until(() => texts(ada).length === DEFAULT_LIMITS.maxMessageRate, () => `Ada has ${texts(ada).length} messages, problems ${ada.problems}`);
    expect(ada.problems).to.deep.equal([]);
  });

  it('counts a message sent again with its sender\'s history only once against the sender\'s rate', async () => {
    const net = new Net();
    const ada = net.add('rtc-a', 'Ada', { maxMessageRate: 20 });
    const bob = net.add('rtc-b', 'Bob');
    net.link(ada, bob);
    await until(() => ada.room.entries.length > 0, 'no join line');
    const raw = (frame: ExtensionFrame) => bob.send(ada.id, { cv: 1, ...frame });
    const burst = () => {
      for (let i = 1; i <= 14; i++) raw({ t: 'chat-msg', seq: i, clock: i, time: 0, text: `message ${i}` });
    };
    burst();
    await until(() => ada.room.messages.length === 14, () => `${ada.room.messages.length} messages`);
    // Bob's chat answers Ada's hello late: his own recent messages go to her again.
    burst();
    raw({ t: 'chat-msg', seq: 15, clock: 15, time: 0, text: 'message 15' });
    await until(() => ada.room.messages.length === 15, () => `${ada.room.messages.length} messages`);
    expect(ada.problems, 'Bob is not said to send too much').to.deep.equal([]);
    expect(texts(ada).filter((t) => t === 'message 3'), 'shown once').to.have.length(1);
  });

  it('takes no relayed history for this page or for anyone present, only for those gone, marked as relayed', async () => {
    const net = new Net();
    const [ada, bob, eve] = [net.add('rtc-a', 'Ada'), net.add('rtc-b', 'Bob'), net.add('rtc-e', 'Eve')];
    net.link(ada, bob);
    net.link(ada, eve);
    const entry = (from: string, text: string) => ({ from, name: 'X', seq: 1, clock: 1, time: 0, text });
    eve.send(ada.id, { t: 'chat-history', cv: 1, msgs: [entry(ada.id, 'I never said this'), entry(bob.id, 'nor did Bob'), entry('rtc-z', 'Zed, gone')] });
    await until(() => texts(ada).length === 1, 'the history of someone gone was not taken');
    expect(ada.room.messages[0]).to.include({ from: 'rtc-z', name: 'X', text: 'Zed, gone' });
    expect(ada.room.messages[0].relayedBy).to.deep.equal({ id: eve.id, name: 'Eve' });
  });

  it('takes no relayed history for this page under the fresh id it joined again with, nor under its old one', async () => {
    const net = new Net();
    const [ada, eve] = [net.add('rtc-a', 'Ada'), net.add('rtc-e', 'Eve')];
    // Ada's page joins the room again under a fresh id (the others had timed it out), and meets Eve.
    (ada as { id: string }).id = 'rtc-a2';
    net.members.set(ada.id, ada);
    net.link(ada, eve);
    const entry = (from: string, text: string) => ({ from, name: 'X', seq: 1, clock: 1, time: 0, text });
    eve.send(ada.id, { t: 'chat-history', cv: 1, msgs: [entry('rtc-a2', 'I never said this'), entry('rtc-a', 'nor this'), entry('rtc-z', 'Zed, gone')] });
    await until(() => texts(ada).includes('Zed, gone'), 'the history of someone gone was not taken');
    expect(texts(ada)).to.deep.equal(['Zed, gone']);
  });

  it('shows what a member wrote just before it joined again under a fresh id, once its old id is gone; another member\'s flood does not push it out', async () => {
    const net = new Net();
    const [ada, cy, eve] = [net.add('rtc-a', 'Ada'), net.add('rtc-c', 'Cy'), net.add('rtc-e', 'Eve')];
    await net.linkChats(ada, cy);
    await net.linkChats(eve, cy);
    // Their path is down: what Ada writes now is lost on the way.
    let lost = 0;
    net.tamper = (from, _to, data) => (from === ada ? (lost++, null) : data);
    ada.room.send('written while the path was down');
    await until(() => lost === 1, 'the message was not on its way');
    // Ada's page joins again under a fresh id (the server gave its old one away, or it timed Cy
    // out) while Cy still waits for Ada's old id to come back.
    net.tamper = null;
    ada.participants = [];
    ada.room.left({ id: cy.id, name: cy.name }, 'closed');
    ada.channels.delete(cy.id);
    (ada as { id: string }).id = 'rtc-a2';
    net.members.set(ada.id, ada);
    await net.linkChats(ada, cy);
    await until(() => ada.channels.get(cy.id)!.bufferedAmount === 0 && cy.channels.get(ada.id)!.bufferedAmount === 0, 'the history did not cross');
    expect(texts(cy), 'nobody speaks for a member present').to.deep.equal([]);
    // Eve relays as many lines in the old id's name as a history may hold.
    const flood = Array.from({ length: 500 }, (_, i) => ({ from: 'rtc-a', name: 'Ada', seq: i + 2, clock: i + 2, time: 0, text: `flood ${i}` }));
    eve.send(cy.id, { t: 'chat-history', cv: 1, msgs: flood });
    await until(() => eve.channels.get(cy.id)!.bufferedAmount === 0, 'the flood did not cross');
    expect(texts(cy), 'nobody speaks for a member present').to.deep.equal([]);
    // Ada's old id never comes back.
    cy.participants = cy.participants.filter((p) => p.id !== 'rtc-a');
    cy.room.left({ id: 'rtc-a', name: 'Ada' }, 'timeout');
    const shown = cy.room.messages.filter((m) => m.relayedBy?.id === 'rtc-a2');
    expect(shown.map((m) => m.text)).to.deep.equal(['written while the path was down']);
    expect(shown[0]).to.include({ id: 'rtc-a:1', from: 'rtc-a' });
    expect(shown[0].relayedBy).to.deep.equal({ id: 'rtc-a2', name: 'Ada' });
    expect(cy.room.messages.filter((m) => m.relayedBy?.id === eve.id).length, "Eve's held lines, at most").to.be.at.most(100);
    expect([ada, cy].flatMap((m) => m.problems)).to.deep.equal([]);
  });

  it('drops relayed lines in a member\'s name once it is here: its own lines take their place', async () => {
    const net = new Net();
    const [bob, eve] = [net.add('rtc-b', 'Bob'), net.add('rtc-e', 'Eve')];
    bob.room.send('what Bob said');
    // Cy joins; Eve's link is first, and her history speaks for Bob, who is not linked to Cy yet.
    const cy = net.add('rtc-c', 'Cy');
    await net.linkChats(eve, cy);
    const forged = (seq: number, text: string) => ({ from: bob.id, name: 'Bob', seq, clock: seq, time: 0, text });
    eve.send(cy.id, { t: 'chat-history', cv: 1, msgs: [forged(1, 'Bob: I quit'), forged(2, 'Bob: send the password to Eve')] });
    await until(() => texts(cy).length === 2, 'the relayed lines did not arrive');
    expect(cy.room.messages.every((m) => m.relayedBy?.id === eve.id), 'marked as relayed by Eve').to.equal(true);
    await net.linkChats(bob, cy);
    await until(() => texts(cy).includes('what Bob said'), () => `Cy shows ${JSON.stringify(texts(cy))}`);
    expect(texts(cy)).to.deep.equal(['what Bob said']);
    expect(cy.room.messages[0]).to.include({ id: `${bob.id}:1`, relayedBy: null });
    // The page heard the forged line, then Bob's own, which differs.
    expect(cy.announced.map((m) => m.text)).to.deep.equal(['Bob: I quit', 'Bob: send the password to Eve', 'what Bob said']);

    // An honest relay of the same line, confirmed by Bob once linked, is announced once.
    const dee = net.add('rtc-d', 'Dee');
    await net.linkChats(cy, dee);
    await until(() => texts(dee).length === 1, 'Cy\'s history did not arrive');
    expect(dee.room.messages[0].relayedBy).to.deep.equal({ id: cy.id, name: 'Cy' });
    await net.linkChats(bob, dee);
    await until(() => dee.room.messages[0]?.relayedBy === null, 'Bob\'s own copy did not take the place of the relayed one');
    expect(dee.announced.map((m) => m.text)).to.deep.equal(['what Bob said']);
  });

  it('cannot be silenced by one frame: a clock at the end of the range is refused, blamed on its sender, and every next message is valid', async () => {
    const net = new Net();
    const [ada, bob, eve] = [net.add('rtc-a', 'Ada'), net.add('rtc-b', 'Bob'), net.add('rtc-e', 'Eve')];
    await net.linkChats(ada, bob);
    await net.linkChats(ada, eve);
    await net.linkChats(bob, eve);
    eve.broadcast({ t: 'chat-msg', cv: 1, seq: 1, clock: MAX_COUNTER - 1, time: 0, text: 'poison' });
    eve.broadcast({ t: 'chat-msg', cv: 1, seq: 2, clock: MAX_COUNTER / 4, time: 0, text: 'far ahead' });
    await until(() => texts(ada).includes('far ahead') && texts(bob).includes('far ahead'), 'Eve\'s second message did not arrive');
    ada.room.send('Ada still speaks');
    bob.room.send('so does Bob');
    await until(() => texts(bob).includes('Ada still speaks') && texts(ada).includes('so does Bob'), () => `Ada: ${texts(ada)}; Bob: ${texts(bob)}; notices ${[...ada.notices, ...bob.notices]}`);
    for (const m of [ada, bob]) {
      expect(texts(m), m.name).to.not.include('poison');
      expect(m.notices, m.name).to.deep.equal(['Ignored invalid data from Eve.']);
      // What they sent: valid on every receiver, and after Eve's last line.
      for (const f of m.sent.filter((x) => x.t === 'chat-msg')) expect(f.clock as number, m.name).to.be.below(2 ** 47);
      expect(texts(m).slice(-2).sort(), m.name).to.deep.equal(['Ada still speaks', 'so does Bob']);
    }

    // A late joiner is not poisoned through history: the entry is dropped, its relayer named.
    const cy = net.add('rtc-c', 'Cy');
    await net.linkChats(eve, cy);
    eve.send(cy.id, { t: 'chat-history', cv: 1, msgs: [{ from: 'rtc-z', name: 'Zed', seq: 1, clock: MAX_COUNTER - 1, time: 0, text: 'poison' }] });
    await until(() => cy.notices.length > 0, 'the poisoned history was not reported');
    expect(cy.notices).to.deep.equal(['Ignored invalid data from Eve.']);
    await net.linkChats(ada, cy);
    cy.room.send('Cy speaks');
    await until(() => texts(ada).includes('Cy speaks'), 'Cy\'s message did not arrive');
    expect(ada.notices).to.deep.equal(['Ignored invalid data from Eve.']);
    expect(texts(cy)).to.not.include('poison');
  });

  it('shows what a linked member says after another flooded it with relayed history from invented authors, under two ids', async () => {
    const net = new Net();
    const [ada, bob, eve] = [net.add('rtc-a', 'Ada'), net.add('rtc-b', 'Bob'), net.add('rtc-e', 'Eve')];
    await net.linkChats(ada, bob);
    ada.room.send('hi Bob');
    bob.room.send('hi Ada');
    await until(() => texts(ada).length === 2 && texts(bob).length === 2, 'the first messages did not arrive');
    // Eve relays, on each of two links, as many lines as a link takes, from an author who is
    // not here, each clock 2^16 past the one before: a thousand lines, as many as Ada keeps.
    let clock = 10;
    for (const id of ['rtc-e', 'rtc-e2']) {
      (eve as { id: string }).id = id;
      net.members.set(id, eve);
      await net.linkChats(ada, eve);
      const flood = Array.from({ length: MAX_HISTORY }, (_, i) => ({ from: 'rtc-z', name: 'Zed', seq: clock + i, clock: (clock += 2 ** 16), time: 0, text: `flood ${i}` }));
      for (const frame of historyFrames(flood)) eve.send(ada.id, frame);
      await until(() => eve.channels.get(ada.id)!.bufferedAmount === 0, 'the flood did not cross');
      net.unlink(ada, eve);
    }
    expect(texts(ada).filter((t) => t.startsWith('flood')).length, 'the flood was taken, as relayed lines').to.be.above(900);

    bob.room.send('still here');
    await until(() => texts(ada).includes('still here'), () => `Ada shows ${JSON.stringify(texts(ada).slice(-3))}`);
    ada.room.send('me too');
    await until(() => texts(bob).includes('me too'), 'Ada\'s answer did not arrive');
    bob.room.send('good');
    await until(() => texts(ada).includes('good'), () => `Ada shows ${JSON.stringify(texts(ada).slice(-3))}`);
    expect(texts(ada).slice(-3), 'in the order they were said').to.deep.equal(['still here', 'me too', 'good']);
    expect(texts(bob).slice(-3), 'the same order as Ada\'s').to.deep.equal(['still here', 'me too', 'good']);
    // Ada's clock stayed near the room's: her answer brought Bob's up in one message.
    const sent = ada.sent.filter((f) => f.t === 'chat-msg' && f.text === 'me too')[0];
    expect(sent.clock as number).to.be.below(10 + 2 * MAX_HISTORY + MAX_CLOCK_STEP);
    expect([...ada.problems, ...bob.problems]).to.deep.equal([]);
  });

  it('sends a member who asks again and again its history once per link, and once more after its connection is replaced', async () => {
    const { ada, eve, drawn, ask } = await eveDrawsFromAda(/"chat-history"/);
    const one = drawn();
    expect(one, 'one history').to.be.above(100 * 1_990);
    await ask();
    expect(drawn(), 'no history again for 20 hellos').to.equal(one);
    // A fresh connection replaced the link: what was on the old one may be lost, so the history goes again, once.
    ada.room.reconnected({ id: eve.id, name: eve.name }, 'replaced');
    await ask();
    expect(drawn(), 'one history more after the connection was replaced').to.equal(2 * one);
  });

  it('sends a member whose link is restored again and again, asking each time, one history and what is new, not a history each time', async () => {
    // Everything Ada sends Eve that carries messages: history, and her own messages sent again.
    const { ada, eve, drawn, ask } = await eveDrawsFromAda(/"chat-(history|msg)"/);
    const one = drawn();
    expect(one, 'one history').to.be.above(100 * 1_990);
    // Eve goes quiet for 3.5 s and speaks again, ten times: each time the session reports her
    // link restored (the same connection, which lost nothing), and she asks for the history.
    for (let round = 0; round < 10; round++) {
      ada.room.reconnected({ id: eve.id, name: eve.name }, 'restored');
      await ask();
    }
    expect(drawn(), 'nothing more for ten restored links and 200 hellos').to.equal(one);
    // What is new goes: live, and once more with the next request (it is not history to Eve).
    const before = drawn();
    ada.room.send(`new ${'中'.repeat(1_990)}`);
    for (let round = 0; round < 10; round++) {
      ada.room.reconnected({ id: eve.id, name: eve.name }, 'restored');
      await ask();
    }
    expect(texts(eve).at(-1)).to.match(/^new /);
    expect(texts(eve), 'each message once').to.have.length(101);
    expect(drawn() - before, 'the new message, live and once again').to.be.within(2 * 1_990, 3 * 1_990);
  });

  it('sends a member whose connection was replaced while messages were sent every message, history included', async () => {
    const net = new Net();
    const [ada, bob] = [net.add('rtc-a', 'Ada'), net.add('rtc-b', 'Bob')];
    for (let i = 0; i < 5; i++) ada.room.send(`before ${i}`);
    // The connection breaks as it comes up: Ada's history, and what she says next, are lost with it.
    net.tamper = (from, _to, data) => (from === ada && typeof data === 'string' && /"chat-(history|msg)"/.test(data) ? null : data);
    await net.linkChats(ada, bob);
    ada.room.send('while it broke');
    await until(() => ada.channels.get(bob.id)!.bufferedAmount === 0, 'Ada\'s frames did not leave');
    expect(texts(bob), 'all lost').to.deep.equal([]);
    // A fresh connection replaces it, within HISTORY_INTERVAL of the history that was lost.
    net.replaceConnection(ada, bob);
    net.tamper = null;
    ada.room.reconnected({ id: bob.id, name: bob.name }, 'replaced');
    bob.room.reconnected({ id: ada.id, name: ada.name }, 'replaced');
    await until(() => texts(bob).length === 6, () => `Bob has ${JSON.stringify(texts(bob))}`);
    expect(texts(bob)).to.deep.equal(texts(ada));
    expect(bob.announced.map((m) => m.text), 'each announced once').to.deep.equal(texts(ada));
    expect([ada, bob].flatMap((m) => m.problems)).to.deep.equal([]);
  });

  it('reports trouble once per kind and sender, however many frames carry it, and again after the sender is back', async () => {
    const net = new Net();
    const [ada, eve] = [net.add('rtc-a', 'Ada'), net.add('rtc-e', 'Eve')];
    await net.linkChats(ada, eve);
    for (let i = 0; i < 300; i++) eve.send(ada.id, { t: 'chat-msg', cv: 1, seq: 1, clock: 1, time: 0, text: 42 });
    for (let i = 0; i < 300; i++) eve.send(ada.id, encodeChunk(999, i, new Uint8Array(8)));
    // Four transfers, each broken by a chunk out of sequence: one report, not four.
    for (let id = 1; id <= 4; id++) eve.send(ada.id, { t: 'file-offer', cv: 1, id, name: `f${id}`, size: 100_000, type: '' });
    await until(() => ada.room.entries.filter((e) => e.kind === 'local' && e.data.type === 'file').length === 4, 'the offers did not arrive');
    for (let id = 1; id <= 4; id++) eve.send(ada.id, encodeChunk(id, 7, new Uint8Array(8)));
    await until(() => ada.room.entries.every((e) => e.kind !== 'local' || e.data.type !== 'file' || e.data.file.state === 'failed'), 'the transfers did not fail');
    expect([...ada.problems].sort()).to.deep.equal(['file-failed', 'protocol']);
    // The record goes with the sender: trouble after it left and came back is news again.
    net.unlink(ada, eve);
    await net.linkChats(ada, eve);
    eve.send(ada.id, { t: 'chat-what', cv: 1 });
    await until(() => ada.problems.length === 3, 'no report after the sender came back');
  });

  it('refuses empty chunks and more chunks than the size allows, and fails a stalled transfer, saying so', async () => {
    const net = new Net();
    const ada = net.add('rtc-a', 'Ada', {}, { idleTimeout: 300 });
    const eve = net.add('rtc-e', 'Eve');
    await net.linkChats(ada, eve);
    const offer = (id: number, size: number) => eve.send(ada.id, { t: 'file-offer', cv: 1, id, name: `f${id}`, size, type: '' });
    const line = (id: number) => ada.room.entries.flatMap((e) => (e.kind === 'local' && e.data.type === 'file' && e.data.file.id === `${eve.id}/${id}` ? [e.data.file] : []))[0];
    offer(1, 1000);
    offer(2, 10_000);
    offer(3, 1000);
    await until(() => !!line(1) && !!line(2) && !!line(3), 'the offers did not arrive');
    for (let i = 0; i < 100; i++) eve.send(ada.id, encodeChunk(1, 0, new Uint8Array(0)));
    // 10,000 bytes allow three chunks (4 KiB each on average), not four.
    for (let i = 0; i < 4; i++) eve.send(ada.id, encodeChunk(2, i, new Uint8Array(100)));
    eve.send(ada.id, encodeChunk(3, 0, new Uint8Array(10)));
    await until(() => [1, 2, 3].every((id) => line(id).state === 'failed'), () => [1, 2, 3].map((id) => describeFile(line(id))).join('; '));
    expect(describeFile(line(1))).to.equal('Stopped: the sender sent invalid data');
    expect(line(2)).to.include({ reason: 'invalid', bytes: 300 });
    expect(line(3).reason).to.equal('stalled');
    expect(describeFile(line(3))).to.match(/^Stalled/);
    // One report for Eve's failed transfers; each line says what happened to it.
    expect(ada.notices).to.deep.equal(['"f1" from Eve: Stopped: the sender sent invalid data.']);
    // Eve was told each time.
    await until(() => net.rejects === 3, () => `${net.rejects} rejects`);
  });

  it('checks a received file once however many end frames its sender repeats', async () => {
    const net = new Net();
    const [ada, eve] = [net.add('rtc-a', 'Ada'), net.add('rtc-e', 'Eve')];
    await net.linkChats(ada, eve);
    const chunks = Array.from({ length: 64 }, (_, i) => new Uint8Array(4096).fill(i));
    const sha = await rootDigest(chunks.map((c) => sha256(c)));
    eve.send(ada.id, { t: 'file-offer', cv: 1, id: 1, name: 'f.bin', size: 64 * 4096, type: '' });
    const line = () => ada.room.entries.flatMap((e) => (e.kind === 'local' && e.data.type === 'file' ? [e.data.file] : []))[0];
    await until(() => line()?.state === 'receiving', () => `the offer was not taken: ${line()?.state}`);
    chunks.forEach((c, i) => eve.send(ada.id, encodeChunk(1, i, c)));
    // Each check hashes the 64 chunks' digests together: a 2,048-byte digest. It takes its
    // time here, as the check of a big file does, so that the end frames come during it.
    const subtle = crypto.subtle;
    const digest = subtle.digest.bind(subtle);
    let checks = 0;
    Object.defineProperty(subtle, 'digest', {
      configurable: true,
      value: async (algorithm: AlgorithmIdentifier, data: BufferSource) => {
        if (data.byteLength !== 64 * 32) return digest(algorithm, data);
        checks++;
        await new Promise((resolve) => setTimeout(resolve, 500));
        return digest(algorithm, data);
      },
    });
    try {
      for (let i = 0; i < 200; i++) eve.send(ada.id, { t: 'file-end', cv: 1, id: 1, size: 64 * 4096, chunks: 64, sha256: sha });
      await until(() => line().state === 'done', () => `the file is ${line().state}`);
      await until(() => eve.channels.get(ada.id)!.bufferedAmount === 0, 'the end frames did not cross');
    } finally {
      delete (subtle as { digest?: unknown }).digest;
    }
    expect(checks, 'checks of the file').to.equal(1);
    expect(ada.sent.filter((f) => f.t === 'file-done'), 'answers').to.have.length(1);
  });

  it('bounds the transfers one member may have under way', async () => {
    const net = new Net();
    const [ada, eve] = [net.add('rtc-a', 'Ada'), net.add('rtc-e', 'Eve')];
    await net.linkChats(ada, eve);
    for (let id = 1; id <= 6; id++) eve.send(ada.id, { t: 'file-offer', cv: 1, id, name: `f${id}`, size: 1000, type: '' });
    await until(() => net.rejects === 2, () => `${net.rejects} rejects`);
    expect(ada.room.entries.filter((e) => e.kind === 'local' && e.data.type === 'file')).to.have.length(4);
  });

  it('sends files four at a time, so that a recipient takes six sent at once', async () => {
    const net = new Net();
    const [ada, bob] = [net.add('rtc-a', 'Ada'), net.add('rtc-b', 'Bob')];
    await net.linkChats(ada, bob);
    const sent = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => ada.room.sendFile(randomBlob(100_000), `f${i}.bin`)));
    expect(sent.map((f) => `${f!.name} ${f!.state}`)).to.deep.equal([1, 2, 3, 4, 5, 6].map((i) => `f${i}.bin done`));
    expect(bob.received.map((r) => r.file.name)).to.have.members([1, 2, 3, 4, 5, 6].map((i) => `f${i}.bin`));
    expect(net.rejects).to.equal(0);
  });

  it('says of a file waiting its turn that it waits to be sent, not that it waits for an answer', async () => {
    const net = new Net();
    const [ada, bob] = [net.add('rtc-a', 'Ada'), net.add('rtc-b', 'Bob')];
    await net.linkChats(ada, bob);
    // Bob's answers are held back: the four files offered first wait for them.
    net.tamper = (from, _to, data) => (from === bob && typeof data === 'string' && data.includes('"file-accept"') ? null : data);
    for (let i = 1; i <= 6; i++) void ada.room.sendFile(randomBlob(1_000), `f${i}.bin`);
    const files = () => ada.room.entries.flatMap((e) => (e.kind === 'local' && e.data.type === 'file' ? [e.data.file] : []));
    await until(() => files().length === 6 && files().filter((f) => f.state === 'waiting').length === 4, () => files().map((f) => `${f.name} ${f.state}`).join(', '));
    expect(files().map((f) => f.state)).to.deep.equal(['waiting', 'waiting', 'waiting', 'waiting', 'queued', 'queued']);
    const t = en(formatFor('en'));
    expect(fileStatus(t, files()[4])).to.equal('Waiting to be sent…');
    expect(fileStatus(t, files()[0])).to.equal('Waiting for an answer…');
    expect(describeFile(files()[4]), "the rtc-error's words").to.equal('Waiting to be sent…');
    for (const f of files()) ada.room.cancelFile(f.id);
  });

  it('lets files sent past its rate wait their turn, at most 100, a message still going at once, and drops them and their timer when it stops', async () => {
    // Timers with a delay, while they are pending: none may be left once the chats stop.
    const pending = new Map<ReturnType<typeof setTimeout>, number>();
    const { setTimeout: set, clearTimeout: clear } = globalThis;
    globalThis.setTimeout = ((fn: () => void, ms?: number) => {
      const id = set(() => {
        pending.delete(id);
        fn();
      }, ms);
      if (ms) pending.set(id, ms);
      return id;
    }) as typeof setTimeout;
    globalThis.clearTimeout = (id) => {
      pending.delete(id as ReturnType<typeof setTimeout>);
      clear(id);
    };
    try {
      const net = new Net();
      // 5 messages and files per 10 s: offers leave 2 of them to messages.
      const [ada, bob] = [net.add('rtc-a', 'Ada', { maxMessageRate: 5 }), net.add('rtc-b', 'Bob', { maxMessageRate: 5 })];
      await net.linkChats(ada, bob);
      const files = () => ada.room.entries.flatMap((e) => (e.kind === 'local' && e.data.type === 'file' ? [e.data.file] : []));
      const sending = Array.from({ length: 107 }, (_, i) => ada.room.sendFile(new Blob([`file ${i + 1}`]), `f${i + 1}.txt`));
      expect(files().map((f) => f.state)).to.deep.equal([...Array<string>(3).fill('waiting'), ...Array<string>(100).fill('queued')]);
      expect(ada.problems, 'told once every file sent together was added or not').to.deep.equal([]);
      expect(await Promise.all(sending.slice(103))).to.deep.equal([null, null, null, null]);
      expect(ada.notices).to.deep.equal(['4 files were not added: at most 100 files can wait to be sent. Send them again when fewer are waiting.']);
      expect(ada.facts).to.deep.equal([{ notAdded: 4, max: 100 }]);

      // The three offered arrive; the next waits for the rate, and a message goes at once.
      await until(() => bob.received.length === 3, () => `Bob has ${bob.received.length} files`);
      expect(ada.room.send('still here')).to.not.equal(null);
      await until(() => texts(bob).includes('still here'), 'the message did not arrive');
      expect(files()[3].state).to.equal('queued');

      // A waiting file canceled: Bob, never offered it, is told nothing.
      const waiting = files()[10];
      ada.room.cancelFile(waiting.id);
      expect(files()[10].state).to.equal('canceled');
      const n = Number(waiting.id.split('/')[1]);
      expect(ada.sent.filter((f) => String(f.t).startsWith('file-') && f.id === n)).to.deep.equal([]);

      // Leaving ends every file still waiting, and leaves nothing to wake.
      expect(pending.size, 'the next offer waits for the rate').to.be.above(0);
      ada.room.stop();
      bob.room.stop();
      expect(files().filter((f) => f.state === 'queued')).to.deep.equal([]);
      expect((await sending[50])!.state).to.equal('canceled');
      await until(() => pending.size === 0, () => `timers left: ${[...pending.values()].join(', ')} ms`, 1_000);
      expect(ada.sent.filter((f) => f.t === 'file-offer')).to.have.length(3);
      expect([...ada.problems, ...bob.problems]).to.deep.equal(['rate-limited']);
    } finally {
      Object.assign(globalThis, { setTimeout: set, clearTimeout: clear });
    }
  });

  it('keeps received files up to a total size, the oldest released first, and releases them all when it stops', async () => {
    const net = new Net();
    const ada = net.add('rtc-a', 'Ada');
    const bob = net.add('rtc-b', 'Bob', {}, { keepBytes: 250_000 });
    await net.linkChats(ada, bob);
    for (let i = 1; i <= 3; i++) expect((await ada.room.sendFile(randomBlob(100_000), `f${i}.bin`))!.state).to.equal('done');
    const files = () => bob.room.entries.flatMap((e) => (e.kind === 'local' && e.data.type === 'file' ? [e.data.file] : []));
    await until(() => files().filter((f) => f.state === 'done').length === 3, 'the files did not arrive');
    expect(files().map((f) => [f.name, !!f.blob, f.released])).to.deep.equal([
      ['f1.bin', false, true],
      ['f2.bin', true, false],
      ['f3.bin', true, false],
    ]);
    expect(describeFile(files()[0])).to.equal('Received; no longer kept');
    bob.room.stop();
    expect(files().map((f) => [!!f.blob, f.released])).to.deep.equal([
      [false, true],
      [false, true],
      [false, true],
    ]);
  });

  it('keeps at most a number of received files, however small', async () => {
    const net = new Net();
    const ada = net.add('rtc-a', 'Ada');
    const bob = net.add('rtc-b', 'Bob', {}, { keepFiles: 2 });
    await net.linkChats(ada, bob);
    for (let i = 1; i <= 4; i++) expect((await ada.room.sendFile(new Blob(i % 2 ? [] : ['x']), `f${i}.txt`))!.state).to.equal('done');
    const files = () => bob.room.entries.flatMap((e) => (e.kind === 'local' && e.data.type === 'file' ? [e.data.file] : []));
    await until(() => files().filter((f) => f.state === 'done').length === 4, 'the files did not arrive');
    expect(files().map((f) => [f.name, f.released])).to.deep.equal([
      ['f1.txt', true],
      ['f2.txt', true],
      ['f3.txt', false],
      ['f4.txt', false],
    ]);
  });

  it('sends files with back-pressure, verified on arrival, to everyone present', async () => {
    const net = new Net();
    const [ada, bob, cy] = [net.add('rtc-a', 'Ada'), net.add('rtc-b', 'Bob'), net.add('rtc-c', 'Cy')];
    await net.linkChats(ada, bob);
    await net.linkChats(ada, cy);
    const blob = randomBlob(3_000_000);
    const sent = await ada.room.sendFile(blob, 'data.bin');
    expect(sent!.state).to.equal('done');
    expect(sent!.recipients.map((r) => r.state)).to.deep.equal(['done', 'done']);
    for (const m of [bob, cy]) {
      expect(m.received, m.name).to.have.length(1);
      expect(await sameBytes(m.received[0].blob, blob), `${m.name}'s copy`).to.equal(true);
      expect(m.received[0].blob.type).to.equal('application/octet-stream');
    }
    // The queue never held much more than the high-water mark.
    expect(ada.channels.get(bob.id)!.peak).to.be.below(HIGH_WATER + 2 * CHUNK_FRAME);

    const empty = await ada.room.sendFile(new Blob([]), 'empty.txt');
    expect(empty!.state).to.equal('done');
    await until(() => bob.received.length === 2, 'the empty file did not arrive');
    expect(bob.received[1].blob.size).to.equal(0);
  });

  it('keeps what a recipient has not acknowledged to a window, and sends an older recipient its file without one', async () => {
    const net = new Net();
    const [ada, bob] = [net.add('rtc-a', 'Ada'), net.add('rtc-b', 'Bob')];
    await net.linkChats(ada, bob);
    let chunkBytes = 0;
    let older = false;
    net.tamper = (from, _to, data) => {
      if (data instanceof ArrayBuffer) chunkBytes += data.byteLength - CHUNK_HEADER;
      if (from !== bob || typeof data !== 'string') return data;
      const frame = JSON.parse(data) as { t: string; acks?: boolean };
      // Bob's acknowledgements are lost; as an older version, he does not even promise them.
      if (frame.t === 'file-ack') return null;
      if (older && frame.t === 'file-accept') delete frame.acks;
      return JSON.stringify(frame);
    };
    const held = ada.room.sendFile(randomBlob(3_000_000), 'held.bin');
    const queue = () => ada.channels.get(bob.id)!;
    await until(() => chunkBytes >= MIN_WINDOW && queue().bufferedAmount === 0, () => `${chunkBytes} bytes arrived`);
    // With the channel empty, only the window holds the rest back.
    expect(chunkBytes).to.equal(MIN_WINDOW);
    expect(ada.lastFile().state).to.equal('sending');
    ada.room.cancelFile(ada.lastFile().id);
    expect((await held)!.state).to.equal('canceled');

    older = true;
    chunkBytes = 0;
    const blob = randomBlob(1_000_000);
    const sent = await ada.room.sendFile(blob, 'old.bin');
    expect(sent!.state).to.equal('done');
    expect(await sameBytes(bob.received.at(-1)!.blob, blob)).to.equal(true);
  });

  it('ends a transfer to a recipient that makes no progress: acknowledgements a byte at a time, or a channel that stops draining', async () => {
    const net = new Net();
    const ada = net.add('rtc-a', 'Ada', {}, { idleTimeout: 300 });
    const [bob, cy] = [net.add('rtc-b', 'Bob'), net.add('rtc-c', 'Cy')];
    await net.linkChats(ada, bob);
    await net.linkChats(ada, cy);
    // Bob's page acknowledges one byte more every 50 ms; Cy's accepts without acknowledgements and stops reading.
    let acked = 0;
    const trickle = setInterval(() => acked && bob.send(ada.id, { t: 'file-ack', cv: 1, id: 1, bytes: ++acked }), 50);
    net.tamper = (from, _to, data) => {
      if (typeof data !== 'string' || from === ada) return data;
      const frame = JSON.parse(data) as { t: string; acks?: boolean };
      if (frame.t === 'file-ack') return null;
      if (frame.t === 'file-accept' && from === bob) acked = 1;
      if (frame.t === 'file-accept' && from === cy) {
        delete frame.acks;
        ada.channels.get(cy.id)!.stuck = true;
      }
      return JSON.stringify(frame);
    };
    try {
      const sent = await ada.room.sendFile(randomBlob(3_000_000), 'slow.bin');
      expect(sent!.recipients.map((r) => [r.name, r.state, r.reason])).to.deep.equal([
        ['Bob', 'failed', 'no-answer'],
        ['Cy', 'failed', 'no-answer'],
      ]);
      expect(acked, 'the trickle went on').to.be.above(4);
    } finally {
      clearInterval(trickle);
    }
  });

  it('sends and receives files on a page that is not a secure context (no WebCrypto)', async () => {
    Object.defineProperty(crypto, 'subtle', { value: undefined, configurable: true });
    try {
      expect(globalThis.crypto.subtle).to.equal(undefined);
      const net = new Net();
      const [ada, bob] = [net.add('rtc-a', 'Ada'), net.add('rtc-b', 'Bob')];
      await net.linkChats(ada, bob);
      const blob = randomBlob(300_000);
      const sent = await ada.room.sendFile(blob, 'plain-http.bin');
      expect(sent!.state).to.equal('done');
      expect(await sameBytes(bob.received[0].blob, blob)).to.equal(true);
    } finally {
      delete (crypto as { subtle?: unknown }).subtle;
    }
    expect(crypto.subtle).to.exist;
  });

  it('reports a damaged transfer and does not offer it', async () => {
    const net = new Net();
    const [ada, bob] = [net.add('rtc-a', 'Ada'), net.add('rtc-b', 'Bob')];
    await net.linkChats(ada, bob);
    let flipped = false;
    net.tamper = (_from, _to, data) => {
      if (data instanceof ArrayBuffer && !flipped) {
        flipped = true;
        new Uint8Array(data)[100] ^= 1;
      }
      return data;
    };
    const sent = await ada.room.sendFile(randomBlob(200_000), 'x.bin');
    expect(sent!.state).to.equal('failed');
    expect(sent!.recipients[0].reason).to.equal('corrupt');
    expect(bob.lastFile()).to.include({ state: 'failed', reason: 'corrupt', blob: null });
    expect(bob.problems).to.include('file-corrupt');
    expect(bob.received).to.have.length(0);
  });

  for (const who of ['sender', 'receiver'] as const) {
    it(`ends a transfer canceled by the ${who} on both sides`, async () => {
      const net = new Net();
      const [ada, bob] = [net.add('rtc-a', 'Ada'), net.add('rtc-b', 'Bob')];
      await net.linkChats(ada, bob);
      // A reason other than "interrupted" on a file-cancel reads as none.
      let cancels = 0;
      net.tamper = (_from, _to, data) => (typeof data === 'string' && data.includes('"t":"file-cancel"') ? (cancels++, data.replace('"t":"file-cancel"', '"t":"file-cancel","reason":"corrupt"')) : data);
      net.onFirstChunk(bob, () => (who === 'sender' ? ada : bob).room.cancelFile(bob.lastFile().id));
      const sent = await ada.room.sendFile(randomBlob(3_000_000), 'big.bin');
      expect(sent!.state).to.equal('canceled');
      await until(() => bob.lastFile().state === 'canceled', () => `Bob's side is ${bob.lastFile().state}`);
      expect(bob.lastFile().reason).to.equal(who === 'sender' ? 'canceled-there' : 'canceled');
      if (who === 'sender') expect(cancels, 'the sender\'s file-cancel, with a reason put in').to.equal(1);
      expect(bob.received).to.have.length(0);
      expect([...ada.problems, ...bob.problems]).to.deep.equal([]);
    });
  }

  it('stops a file under way on both sides, saying so, when a fresh connection replaces the pair\'s', async () => {
    const net = new Net();
    const [ada, bob] = [net.add('rtc-a', 'Ada'), net.add('rtc-b', 'Bob')];
    await net.linkChats(ada, bob);
    net.onFirstChunk(bob, () => {
      net.replaceConnection(ada, bob);
      ada.room.reconnected({ id: bob.id, name: bob.name }, 'replaced');
      bob.room.reconnected({ id: ada.id, name: ada.name }, 'replaced');
    });
    const sent = await ada.room.sendFile(randomBlob(4_000_000), 'x.bin');
    expect(sent!.recipients[0]).to.include({ state: 'failed', reason: 'interrupted' });
    // Long before the recipient would give up on an idle transfer.
    await until(() => bob.lastFile()?.state !== 'receiving', 'Bob\'s side still receives', IDLE_TIMEOUT / 6);
    expect(bob.lastFile()).to.include({ state: 'failed', reason: 'interrupted', blob: null });
    // The chat goes on over the fresh connection.
    ada.room.send('after the file');
    await until(() => texts(bob).includes('after the file'), 'a message after the file did not arrive');
  });

  it('says a file was cut off on the fresh connection, when the old one closed before that came (as Firefox closes a failed one)', async () => {
    const net = new Net();
    const [ada, bob] = [net.add('rtc-a', 'Ada'), net.add('rtc-b', 'Bob')];
    await net.linkChats(ada, bob);
    const pairs = [
      [ada, bob],
      [bob, ada],
    ];
    net.onFirstChunk(bob, () => {
      for (const [x, y] of pairs) {
        const old = x.channels.get(y.id)!;
        x.channels.delete(y.id);
        old.readyState = 'closed';
        old.dispatchEvent(new Event('close'));
      }
    });
    const sent = await ada.room.sendFile(randomBlob(4_000_000), 'x.bin');
    expect(sent!.recipients[0]).to.include({ state: 'failed', reason: 'interrupted' });
    expect(bob.lastFile().state, 'its cancel had no connection to go on').to.equal('receiving');
    // The fresh connection.
    for (const [x, y] of pairs) x.channels.set(y.id, new FakeChannel());
    ada.room.reconnected({ id: bob.id, name: bob.name }, 'replaced');
    bob.room.reconnected({ id: ada.id, name: ada.name }, 'replaced');
    await until(() => bob.lastFile().state !== 'receiving', 'Bob\'s side still receives', IDLE_TIMEOUT / 6);
    expect(bob.lastFile()).to.include({ state: 'failed', reason: 'interrupted', blob: null });
  });

  it('ends the sender\'s transfer cleanly when the recipient leaves mid-way', async () => {
    const net = new Net();
    const [ada, bob] = [net.add('rtc-a', 'Ada'), net.add('rtc-b', 'Bob')];
    await net.linkChats(ada, bob);
    net.onFirstChunk(bob, () => net.unlink(ada, bob));
    const sent = await ada.room.sendFile(randomBlob(3_000_000), 'big.bin');
    expect(sent).to.include({ state: 'failed', reason: 'left' });
    expect(ada.problems).to.deep.equal(['file-failed']);
  });

  it('refuses files over the recipient\'s limit, and files when switched off', async () => {
    const net = new Net();
    const [ada, bob] = [net.add('rtc-a', 'Ada'), net.add('rtc-b', 'Bob', { maxFileSize: 1000 })];
    await net.linkChats(ada, bob);
    const sent = await ada.room.sendFile(randomBlob(1001), 'big.bin');
    expect(sent!.state).to.equal('canceled');
    expect(sent!.recipients[0].reason).to.equal('too-large');
    expect(bob.problems).to.deep.equal(['file-too-large']);
    ada.room.setLimits({ ...DEFAULT_LIMITS, maxFileSize: 0 });
    expect(await ada.room.sendFile(randomBlob(10), 'x')).to.equal(null);
    expect(ada.problems).to.deep.equal(['file-too-large']);
  });
});
