import { expect } from '@open-wc/testing';
import type { RtcErrorEvent, RtcFileOfferedEvent, RtcFileProgressEvent, RtcFileReceivedEvent } from '../src/index.js';
import { rtcServer } from './env.js';
import { addChatParticipant, closeAll, part, uniqueRoom, until, type ChatParticipant } from './helpers.js';

const ofType = <T extends CustomEvent>(p: ChatParticipant, type: string) => p.events.filter((e) => e.type === type) as T[];
const errors = (p: ChatParticipant) => ofType<RtcErrorEvent>(p, 'rtc-error').map((e) => `${e.detail.type}: ${e.detail.message}`);

/** Ada and Bob, each in a page of their own, linked, and their chats greeted (files go to chats that said hello). */
async function adaAndBob(label: string, attributes: Record<string, string> = {}): Promise<[ChatParticipant, ChatParticipant]> {
  const room = uniqueRoom(label);
  const ada = await addChatParticipant({ room, server: rtcServer, name: 'Ada', ...attributes });
  await until(() => ada.chat.phase === 'joined', () => `Ada did not join (phase ${ada.chat.phase})`);
  const bob = await addChatParticipant({ room, server: rtcServer, name: 'Bob', ...attributes });
  await until(() => bob.chat.phase === 'joined' && ada.chat.participants.length === 1 && bob.chat.participants.length === 1, 'Ada and Bob did not link up');
  ada.chat.send('hi Bob');
  bob.chat.send('hi Ada');
  await until(() => ada.chat.messages.length === 2 && bob.chat.messages.length === 2, 'the greetings did not cross');
  return [ada, bob];
}

/** Picks files with the file button's input, as a visitor does: all of them in one change. */
function pick(p: ChatParticipant, files: File[]): void {
  const picked = new DataTransfer();
  for (const file of files) picked.items.add(file);
  const input = p.chat.renderRoot.querySelector<HTMLInputElement>('input[type="file"]')!;
  input.files = picked.files;
  input.dispatchEvent(new Event('change'));
}

/** Writes a message in the box and presses Enter. */
function type(p: ChatParticipant, text: string): void {
  const input = part(p.chat, 'input')[0] as HTMLTextAreaElement;
  input.value = text;
  input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
}

const fileLines = (p: ChatParticipant) => part(p.chat, 'file');
const statusOf = (line: HTMLElement) => line.querySelector('[part~="file-status"]')?.textContent ?? '';

describe('<rtc-chat> more files at once than the rate of messages and files', () => {
  afterEach(closeAll);

  it('sends every file picked, those past the rate waiting their turn, while a message written meanwhile goes at once', async function () {
    this.timeout(60_000);
    const [ada, bob] = await adaAndBob('many-files');
    // The default max-message-rate is 20 messages and files per 10 s; the greeting took one.
    const count = 30;
    pick(
      ada,
      Array.from({ length: count }, (_, i) => ada.makeFile(1_000 + i, `photo ${i + 1}.jpg`, i + 1)),
    );
    await ada.chat.updateComplete;
    expect(errors(ada), 'nothing refused').to.deep.equal([]);
    expect(fileLines(ada), 'every file picked is listed').to.have.length(count);
    expect(fileLines(ada).filter((l) => statusOf(l) === 'Waiting to be sent…').length, 'those past the rate wait').to.be.at.least(count - 20);

    // Written while files wait: it goes at once, ahead of the files still waiting.
    type(ada, 'they are on their way');
    expect(ada.chat.messages.at(-1)?.text, 'the message went').to.equal('they are on their way');
    expect(errors(ada), 'the message was not refused').to.deep.equal([]);
    const offeredWhenMessaged = () => ofType(bob, 'rtc-file-offered').length;
    await until(() => bob.chat.messages.some((m) => m.text === 'they are on their way'), 'Bob did not get the message', 5_000);
    expect(offeredWhenMessaged(), 'files were still waiting when the message arrived').to.be.below(count);

    const ended = () => ofType<RtcFileProgressEvent>(ada, 'rtc-file-progress').filter((e) => ['done', 'canceled', 'failed'].includes(e.detail.file.state));
    await until(() => ended().length === count, () => `${ended().length} of ${count} ended; errors: ${errors(ada).concat(errors(bob)).join('; ')}`, 45_000);
    expect(ended().map((e) => `${e.detail.file.name}: ${e.detail.file.state}`).sort()).to.deep.equal(
      Array.from({ length: count }, (_, i) => `photo ${i + 1}.jpg: done`).sort(),
    );
    const received = ofType<RtcFileReceivedEvent>(bob, 'rtc-file-received').map((e) => e.detail.file.name);
    expect(received).to.have.length(count);
    // Bob took every offer and every message: the offers came no faster than his rate allows.
    expect(ofType<RtcFileOfferedEvent>(bob, 'rtc-file-offered')).to.have.length(count);
    expect(errors(bob), "nothing dropped at Bob's").to.deep.equal([]);
    expect(errors(ada)).to.deep.equal([]);
  });

  it('keeps at most 100 files waiting, says once how many were not added, cancels a waiting one, and drops the rest on leaving', async function () {
    this.timeout(60_000);
    const [ada, bob] = await adaAndBob('too-many-files');
    pick(
      ada,
      Array.from({ length: 110 }, (_, i) => ada.makeFile(100, `note ${i + 1}.txt`, i + 1)),
    );
    // Four go at once; a hundred wait their turn; the last six are not added.
    await until(() => errors(ada).length > 0, 'no notice');
    await ada.chat.updateComplete;
    const said = '6 files were not added: at most 100 files can wait to be sent. Send them again when fewer are waiting.';
    expect(errors(ada)).to.deep.equal([`rate-limited: ${said}`]);
    expect(part(ada.chat, 'notice').map((n) => n.textContent)).to.satisfy((texts: string[]) => texts.length === 1 && texts[0].includes(said));
    expect(fileLines(ada)).to.have.length(104);
    expect(fileLines(ada).at(-1)!.querySelector('[part~="file-name"]')!.textContent).to.equal('note 104.txt');

    // The last one waiting is canceled with its button.
    const last = fileLines(ada).at(-1)!;
    expect(statusOf(last)).to.equal('Waiting to be sent…');
    last.querySelector<HTMLButtonElement>('[part~="cancel-button"]')!.click();
    await until(() => statusOf(fileLines(ada).at(-1)!) === 'Canceled', () => `the canceled file says "${statusOf(fileLines(ada).at(-1)!)}"`);
    expect(fileLines(ada).at(-1)!.querySelector('[part~="cancel-button"]'), 'nothing left to cancel').to.equal(null);

    // Leaving ends every file still waiting: none of them is offered later.
    await until(() => ofType(bob, 'rtc-file-received').length >= 4, 'the first four did not arrive');
    const progress = () => ofType<RtcFileProgressEvent>(ada, 'rtc-file-progress');
    ada.chat.remove();
    await until(() => ada.chat.phase === 'left', () => `phase ${ada.chat.phase}`);
    const latest = new Map(progress().map((e) => [e.detail.file.id, e.detail.file.state]));
    expect([...latest.values()].filter((state) => !['done', 'canceled', 'failed'].includes(state)), 'files not ended').to.deep.equal([]);
    expect(latest.size).to.equal(104);
    expect(ofType(bob, 'rtc-file-offered').length, 'offered to Bob').to.be.below(104);
    expect(errors(bob), "nothing dropped at Bob's").to.deep.equal([]);
  });
});
