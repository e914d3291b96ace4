import { expect } from '@open-wc/testing';
import type { ChatFile, RtcFileProgressEvent, RtcFileReceivedEvent, RtcMessageEvent } from '../src/index.js';
import { rtcServer } from './env.js';
import { addChatParticipant, closeAll, part, shownMessages, uniqueRoom, until, type ChatParticipant } from './helpers.js';

const ofType = <T extends CustomEvent>(p: ChatParticipant, type: string) => p.events.filter((e) => e.type === type) as T[];

/** What the receiver knew of the incoming file at some moment. */
interface Seen {
  /** The latest progress it reported (state and bytes), null before the first. */
  progress: Pick<ChatFile, 'state' | 'bytes'> | null;
  /** How many progress reports it had made. */
  reports: number;
  /** Whether rtc-file-received had fired. */
  received: boolean;
  /** Whether the transfer's progress bar was shown. */
  bar: boolean;
  /** Whether the message was in the list. */
  shown: boolean;
}

describe('<rtc-chat> message during a file', () => {
  afterEach(closeAll);

  it('delivers a message while a large file is still arriving, and the file then completes intact', async function () {
    this.timeout(60_000);
    const room = uniqueRoom('chat-during-file');
    const ada = await addChatParticipant({ room, server: rtcServer, name: 'Ada' });
    await until(() => ada.chat.phase === 'joined', () => `Ada did not join (phase ${ada.chat.phase})`);
    const bob = await addChatParticipant({ room, server: rtcServer, name: 'Bob' });
    await until(() => bob.chat.phase === 'joined' && ada.chat.participants.length === 1 && bob.chat.participants.length === 1, 'Ada and Bob did not link up');
    // Files go to members whose chat said hello: one message each way first.
    ada.chat.send('hi Bob');
    bob.chat.send('hi Ada');
    await until(() => ada.chat.messages.length === 2 && bob.chat.messages.length === 2, 'the greetings did not cross');

    // 64 MiB (under the default max-file-size of 100 MiB) took 2.8 to 4.6 s here on loopback.
    const size = 64 * 1024 * 1024;
    const file = ada.makeFile(size, 'big.bin', 42);
    const text = 'sent while the file is on its way';
    const reports = () => ofType<RtcFileProgressEvent>(bob, 'rtc-file-progress').map((e) => e.detail.file);
    const progress = () => reports().at(-1) ?? null;
    const seen = (): Omit<Seen, 'shown'> => {
      const last = progress();
      return {
        progress: last && { state: last.state, bytes: last.bytes },
        reports: reports().length,
        received: ofType(bob, 'rtc-file-received').length > 0,
        bar: part(bob.chat, 'progress').length > 0,
      };
    };
    // Recorded the moment the message arrives, and once the list shows it.
    let onArrival: Omit<Seen, 'shown'> | null = null;
    let onShown: Seen | null = null;
    bob.chat.addEventListener('rtc-message', (e: RtcMessageEvent) => {
      if (e.detail.text !== text) return;
      onArrival = seen();
      // The chat asks for its update just after the event: the next one shows the message.
      void Promise.resolve()
        .then(() => bob.chat.updateComplete)
        .then(() => (onShown = { ...seen(), shown: shownMessages(bob.chat).includes(text) }));
    });

    const sending = ada.chat.sendFile(file);
    let sent: ChatFile | null | undefined;
    void sending.then((f) => (sent = f));
    // Bob shows the transfer under way: some bytes in, not done, its progress bar on screen.
    await until(
      () => {
        const last = progress();
        return !!last && last.state === 'receiving' && last.bytes > 0 && last.bytes < size && part(bob.chat, 'progress').length > 0;
      },
      () => `Bob shows no transfer under way: ${JSON.stringify(seen())}`,
    );
    expect(sent, 'Ada is still sending').to.equal(undefined);
    expect(ada.chat.send(text), 'the message was sent').to.not.equal(null);

    await until(() => onShown !== null, 'Bob did not get the message (or did not show it)', 20_000);
    const arrival = onArrival as Omit<Seen, 'shown'> | null;
    const shown = onShown as Seen | null;
    expect(arrival?.received, 'the file had not arrived when the message did').to.equal(false);
    expect(arrival?.progress?.state, 'the transfer was still running when the message arrived').to.equal('receiving');
    expect(arrival?.bar, 'Bob showed the transfer under way').to.equal(true);
    expect(shown, 'the message shown in the list before the file arrived').to.deep.include({ shown: true, received: false, bar: true });
    expect(ofType<RtcMessageEvent>(bob, 'rtc-message').filter((e) => e.detail.text === text)).to.have.length(1);

    // The file then completes, intact; it went on arriving after the message.
    const done = await sending;
    expect(done, 'Ada\'s side').to.include({ state: 'done', size });
    await until(() => ofType(bob, 'rtc-file-received').length === 1, 'Bob did not get the file');
    const [received] = ofType<RtcFileReceivedEvent>(bob, 'rtc-file-received');
    expect(received.detail.blob.size).to.equal(size);
    expect(await bob.sha256(received.detail.blob), 'the file\'s bytes').to.equal(await ada.sha256(file));
    const after = reports().slice(arrival!.reports);
    expect(
      after.some((f) => f.state === 'receiving' && f.bytes > arrival!.progress!.bytes),
      `progress reported after the message (${arrival!.progress!.bytes} bytes in when it arrived)`,
    ).to.equal(true);
    expect([...ofType(ada, 'rtc-error'), ...ofType(bob, 'rtc-error')].map((e) => e.detail.message)).to.deep.equal([]);
  });
});
