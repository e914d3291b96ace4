import { expect, fixture, html } from '@open-wc/testing';
import { rtcServer } from './env.js';
import { addParticipant, closeAll, part, uniqueRoom, until } from './helpers.js';
import '../src/index.js';
// A page types its own table with the package's `Strings`.
import type { RtcCall, RtcChat, Strings } from '../src/index.js';
import { english } from '../src/i18n/localizer.js';
import { formatFor } from '../src/i18n/format.js';
import type { TransferReason } from '../src/chat/transfer.js';

// A page in German, and one in French, goes through what a visitor meets; no text of the English
// table may show in either, on screen or to a screen reader (labels, titles, placeholders,
// announcements). The forbidden list is built from the English table itself: every text, and for
// texts with parameters the words around them, less what the translation says the same way
// (a name, "Chat", "OK").

const MARK = '\u0001';
const REASONS: TransferReason[] = ['', 'canceled', 'canceled-there', 'declined', 'too-large', 'busy', 'left', 'interrupted', 'corrupt', 'no-answer', 'stalled', 'invalid', 'error'];

/** Every text of a table, with the parameters of its functions replaced by MARK (or NaN, for numbers). */
function texts(table: Strings): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(table)) {
    if (typeof value === 'string') out.push(value);
    else if (key === 'fileEnded') out.push(...REASONS.map((r) => table.fileEnded(r)));
    else {
      try {
        const text = (value as (...args: string[]) => unknown)(...Array<string>(Math.max(1, value.length)).fill(MARK));
        if (typeof text === 'string') out.push(text);
      } catch {
        // a formatter only (a time of day): no words of its own
      }
    }
  }
  return out;
}

/** The English words no page in `other`'s language may show. */
function forbidden(other: Strings): string[] {
  const theirs = texts(other).join('\n');
  const words = new Set<string>();
  for (const text of texts(english)) {
    for (const piece of text.split(new RegExp(`${MARK}|NaN`))) {
      const words_ = piece.trim().replace(/^[\s:;,.()"]+|[\s:;,.("]+$/g, '');
      // Too short to tell languages apart ("#", "s"), or said the same way in the translation.
      if (words_.length >= 3 && /[A-Za-z]{3}/.test(words_) && !theirs.includes(words_)) words.add(words_);
    }
  }
  return [...words];
}

/** Everything an element shows or reads out: the text of its shadow root and its labels. */
function shown(el: Element): string[] {
  const root = el.shadowRoot!;
  const out = [root.textContent ?? ''];
  for (const node of root.querySelectorAll('*')) {
    for (const name of ['aria-label', 'title', 'placeholder', 'alt', 'aria-valuetext', 'aria-description']) {
      const value = node.getAttribute(name);
      if (value) out.push(value);
    }
    if (node instanceof HTMLInputElement || node instanceof HTMLTextAreaElement) out.push(node.placeholder);
  }
  return out;
}

function englishIn(elements: Element[], words: string[]): string[] {
  const all = elements.flatMap(shown).join('\n');
  return words.filter((w) => new RegExp(`(^|[^A-Za-z])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z])`).test(all));
}

async function tableOf(language: 'de' | 'fr'): Promise<Strings> {
  const module = language === 'de' ? await import('../src/i18n/de.js') : await import('../src/i18n/fr.js');
  return module.default(formatFor(language));
}

for (const language of ['de', 'fr'] as const) {
  describe(`a page with lang="${language}"`, () => {
    let t: Strings;
    let words: string[];
    const states: string[] = [];
    /** Fails with the state and the English words found in it. */
    const check = (state: string, ...elements: Element[]) => {
      states.push(state);
      const found = englishIn(elements, words);
      expect(found, `English in "${state}": ${found.join(' | ')}`).to.deep.equal([]);
    };

    before(async () => {
      document.documentElement.lang = language;
      t = await tableOf(language);
      words = forbidden(t);
      expect(words.length, 'the English words to look for').to.be.greaterThan(150);
    });
    after(() => {
      document.documentElement.lang = 'en';
    });
    afterEach(() => closeAll());

    it(`shows no English from the lobby to leaving, in the call and the chat`, async function () {
      this.timeout(60_000);
      const room = uniqueRoom('i18n');
      const el = await fixture<RtcCall>(html`<rtc-call room=${room} server=${rtcServer} name="Jürgen"></rtc-call>`);
      // The language's chunk arrives: the lobby speaks it (English at most for that moment).
      await until(() => el.shadowRoot!.textContent!.includes(t.joinCall), `the lobby never showed "${t.joinCall}"`);
      check('lobby before the device check', el);

      const button = part(el, 'check-button')[0];
      if (button) button.click();
      await until(() => ((part(el, 'preview-video')[0] as HTMLVideoElement | undefined)?.videoWidth ?? 0) > 0, 'no live preview');
      check('lobby after the device check', el);

      const joined = el.join();
      await el.updateComplete;
      check('joining', el);
      await joined;
      await until(() => part(el, 'alone').length === 1, 'no "alone" card');
      await el.updateComplete;
      check('alone in the call', el);

      const other = await addParticipant({ room, server: rtcServer, name: 'Élodie', autojoin: '' });
      await until(() => el.participants.length === 1 && part(el, 'tile').length >= 2, 'the other never arrived');
      // Both ends linked up (their media arrived here) before either mutes.
      await until(() => other.call.phase === 'in-call' && !!el.participants[0]?.stream && other.call.participants.length === 1, 'the two pages never linked up');
      await el.toggleMicrophone(false);
      await other.call.toggleMicrophone(false);
      await until(() => part(el, 'mic-off').length === 2, () => `both muted signs should show, not ${part(el, 'mic-off').length} (mine ${el.microphoneOn}, theirs ${other.call.microphoneOn}, theirs here ${el.participants[0]?.mic})`);
      await el.updateComplete;
      check('two in the call, muted', el);

      // A notice: the microphone stopped (as when it is unplugged).
      el.localStream!.getAudioTracks()[0].dispatchEvent(new Event('ended'));
      await until(() => part(el, 'notice').length > 0, 'no notice');
      await el.updateComplete;
      expect(part(el, 'notice')[0].textContent).to.contain(t.deviceStopped('microphone').slice(0, 20));
      check('a notice', el);

      // The chat: a message and a file from the other page.
      const chat = await fixture<RtcChat>(html`<rtc-chat room=${room} server=${rtcServer} name="Jürgen"></rtc-chat>`);
      const theirs = other.frame.contentDocument!.createElement('rtc-chat') as RtcChat;
      theirs.setAttribute('room', room);
      theirs.setAttribute('server', rtcServer);
      theirs.setAttribute('name', 'Élodie');
      other.frame.contentDocument!.body.append(theirs);
      await until(() => chat.phase === 'joined' && theirs.phase === 'joined' && theirs.participants.some((p) => p.name === 'Jürgen'), 'the chats never met');
      await until(() => !!theirs.send('Hallo, salut'), 'the message was not sent', 5_000);
      // Their chat learns that this page has one too a moment after they link up.
      // Made in their page, as a file their visitor picked would be.
      const TheirFile = (other.frame.contentWindow as Window & typeof globalThis).File;
      const file = new TheirFile([new Uint8Array(12_345)], 'notes.bin');
      await until(() => theirs.participants.some((p) => p.name === 'Jürgen') && part(chat, 'message').length === 1, 'the message never arrived');
      let sending: Promise<unknown> | null = null;
      let sent = false;
      let last = '';
      await until(() => {
        sending ??= theirs.sendFile(file).then((result) => ((sent = result?.state === 'done'), (last = JSON.stringify(result)), (sending = null)));
        return sent;
      }, () => `the file was never sent: ${last}`);
      await until(() => part(chat, 'download').length === 1, 'the file never arrived');
      chat.send('');
      await until(() => part(chat, 'notice').length === 1, 'no notice for an empty message');
      await chat.updateComplete;
      expect(part(chat, 'file-size')[0].textContent).to.equal(formatFor(language).bytes(12_345));
      check('the chat with a message, a file and a notice', el, chat);

      await el.leave();
      await el.updateComplete;
      check('left', el);
      theirs.remove();
      chat.remove();
    });

    it('shows no English for a bad room, a bad max-participants or an unreachable server', async function () {
      this.timeout(30_000);
      const errors: [string, string, RegExp][] = [
        ['no room', '', new RegExp('team-standup')],
        ['bad max-participants', 'max-participants', /max-participants/],
        ['unreachable server', 'server', /./],
      ];
      for (const [state, attribute] of errors) {
        // Nothing listens on port 9: the connection is refused at once.
        const server = attribute === 'server' ? 'http://127.0.0.1:9/peerjs' : rtcServer;
        const el = await fixture<RtcCall>(html`<rtc-call room=${state === 'no room' ? '' : uniqueRoom('i18n')} server=${server} ice-servers="[]"></rtc-call>`);
        if (attribute === 'max-participants') el.setAttribute('max-participants', '1');
        const errors_: Event[] = [];
        el.addEventListener('rtc-error', (e) => errors_.push(e));
        await el.join().catch(() => {});
        await until(() => el.phase === 'error', () => `${state}: no error, phase ${el.phase}`, 20_000);
        await el.updateComplete;
        check(state, el);
        // The event keeps the English message for developers.
        expect((errors_[0] as CustomEvent).detail.message).to.match(/[A-Za-z]/);
        el.remove();
      }
      const chat = await fixture<RtcChat>(html`<rtc-chat room=${uniqueRoom('i18n')} server=${rtcServer} max-message-length="0"></rtc-chat>`);
      await until(() => chat.phase === 'error', 'the chat showed no error');
      await chat.updateComplete;
      check('a chat with a bad max-message-length', chat);
      const down = await fixture<RtcChat>(html`<rtc-chat room=${uniqueRoom('i18n')} server="http://127.0.0.1:9/peerjs" ice-servers="[]"></rtc-chat>`);
      await until(() => down.phase === 'error', 'the chat with an unreachable server showed no error', 20_000);
      await down.updateComplete;
      expect(part(down, 'retry-button')[0]?.textContent).to.equal(t.tryAgain);
      check('a chat with an unreachable server', down);
    });
  });
}

describe('strings and lang', () => {
  it('shows the texts a page supplies over the table', async () => {
    const el = await fixture<RtcCall>(html`<rtc-call room=${uniqueRoom('i18n')} server=${rtcServer} lang="de"></rtc-call>`);
    el.strings = { joinCall: 'Ab in die Besprechung', lobbyHint: 'Keiner sieht dich.' };
    await until(() => part(el, 'join-button')[0]?.textContent?.trim() === 'Ab in die Besprechung', 'the page\'s text for the join button never showed');
    expect(el.shadowRoot!.textContent).to.contain('Keiner sieht dich.');
    // The rest of the table stays German.
    const de = await tableOf('de');
    expect(el.shadowRoot!.textContent).to.contain(de.yourName);
  });

  it('says what is happening in the language it speaks now, not the one it spoke then', async function () {
    this.timeout(30_000);
    const [de, fr] = await Promise.all([tableOf('de'), tableOf('fr')]);
    const el = await fixture<RtcCall>(html`<rtc-call room=${uniqueRoom('i18n')} server=${rtcServer} lang="de" audio-only></rtc-call>`);
    const status = () => part(el, 'status')[0]?.textContent?.trim();
    await until(() => part(el, 'join-button')[0]?.textContent?.trim() === de.joinCall, 'the lobby never spoke German');
    await el.join();
    await el.leave();
    await until(() => status() === de.youLeft, () => `after leaving: "${status()}"`);
    // The page's language picker, after the call.
    el.lang = 'fr';
    await until(() => status() === fr.youLeft, () => `after the switch to French: "${status()}"`);
  });

  it('follows its lang attribute, falls back from a region and to English', async () => {
    const fr = await tableOf('fr');
    const de = await tableOf('de');
    const wrapper = await fixture(html`<div lang="fr-CA"><rtc-call room=${uniqueRoom('i18n')} server=${rtcServer} name="Ada"></rtc-call></div>`);
    const el = wrapper.querySelector('rtc-call')!;
    const join = () => part(el, 'join-button')[0]?.textContent?.trim();
    await until(() => join() === fr.joinCall, () => `the ancestor's fr-CA: ${join()}`);
    el.setAttribute('lang', 'de-AT');
    await until(() => join() === de.joinCall, () => `its own de-AT: ${join()}`);
    el.lang = 'es';
    await until(() => join() === english.joinCall, () => `es, which has no table: ${join()}`);
    // Without a lang of its own, it follows its ancestors' as they change.
    el.removeAttribute('lang');
    await until(() => join() === fr.joinCall, () => `back to the ancestor's fr-CA: ${join()}`);
    wrapper.setAttribute('lang', 'de');
    await until(() => join() === de.joinCall, () => `the ancestor's new de: ${join()}`);
    wrapper.setAttribute('lang', 'es');
    await until(() => join() === english.joinCall, () => `the ancestor's new es: ${join()}`);
    // The check the language tests rely on sees English where it shows.
    expect(englishIn([el], forbidden(de))).to.include.members([english.joinCall, english.region('')]);
  });
});
