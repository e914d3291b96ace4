import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { rtcServer } from '../../../test/env.js';
import { part, uniqueRoom, until } from '../../../test/helpers.js';
import type { RtcErrorEvent } from '../../events/error.js';
import './chat.js';
import type { RtcChat } from './chat.js';

function errorsOf(el: HTMLElement): RtcErrorEvent[] {
  const seen: RtcErrorEvent[] = [];
  el.addEventListener('rtc-error', (e) => seen.push(e));
  return seen;
}

const enter = (input: HTMLElement, shiftKey = false) =>
  input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', shiftKey, bubbles: true, composed: true, cancelable: true }));

describe('<rtc-chat> element', () => {
  // The event's message (English, for developers) and what the element shows (its language's table), when they differ.
  const badConfigs: [string, Record<string, string>, string, string?][] = [
    ['no room', { room: ' ' }, 'No room given'],
    ['a server that is not a URL', { server: 'chat.example.com' }, 'not a URL', 'must be an https:// or http:// URL'],
    ['a bad max-message-length', { 'max-message-length': '0' }, 'max-message-length must be'],
    ['a bad max-message-rate', { 'max-message-rate': 'lots' }, 'max-message-rate must be'],
    ['a bad max-file-size', { 'max-file-size': '-1' }, 'max-file-size must be'],
    ['a bad history', { history: '501' }, 'history must be'],
  ];
  for (const [label, attributes, text, shown = text] of badConfigs) {
    it(`shows ${label} in the element and fires rtc-error`, async () => {
      const container = await fixture(html`<div></div>`);
      const el = document.createElement('rtc-chat');
      el.setAttribute('room', 'r');
      el.setAttribute('server', rtcServer);
      for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, v);
      const errored = oneEvent(el, 'rtc-error') as Promise<RtcErrorEvent>;
      container.append(el);
      const { detail } = await errored;
      expect(detail).to.include({ type: 'invalid-config', fatal: true });
      expect(detail.message).to.contain(text);
      await el.updateComplete;
      expect(el.matches(':state(error)')).to.equal(true);
      expect(part(el, 'error')[0].textContent).to.contain(shown);
      expect(part(el, 'retry-button'), 'nothing to retry until the page fixes it').to.have.length(0);
      await expect(el).to.be.accessible();
    });
  }

  it('joins once a bad setting that is not the room is corrected', async () => {
    const el = await fixture<RtcChat>(html`<rtc-chat room=${uniqueRoom('corrected')} server=${rtcServer} max-message-length="0"></rtc-chat>`);
    await until(() => el.phase === 'error', () => `phase ${el.phase}`);
    el.name = 'Ada';
    await el.updateComplete;
    expect(el.phase, 'another setting changed').to.equal('error');
    el.maxMessageLength = 500;
    await until(() => el.phase === 'joined', () => `phase ${el.phase}`);
    expect(part(el, 'error')).to.have.length(0);
    el.remove();
  });

  it('keeps what the visitor was writing while an error takes the message box away, and gives it back on joining again', async () => {
    const el = await fixture<RtcChat>(html`<rtc-chat room=${uniqueRoom('draft')} server=${rtcServer}></rtc-chat>`);
    await until(() => el.phase === 'joined', () => `phase ${el.phase}`);
    const box = () => el.shadowRoot!.querySelector('textarea');
    box()!.value = 'half a thought';
    box()!.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    el.setAttribute('server', 'chat.example.com');
    await until(() => el.phase === 'error' && !box(), () => `phase ${el.phase}`);
    el.setAttribute('server', rtcServer);
    await until(() => el.phase === 'joined' && !!box(), () => `phase ${el.phase}`);
    expect(box()!.value).to.equal('half a thought');
    // Sent, it is gone from the box for good.
    box()!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
    await until(() => box()!.value === '', () => `the box holds "${box()!.value}"`);
    await el.requestUpdate();
    await el.updateComplete;
    expect(box()!.value).to.equal('');
    el.remove();
  });

  it('joins alone without camera or microphone, and sends with Enter but not Shift+Enter', async () => {
    const gum = navigator.mediaDevices.getUserMedia;
    let asked = 0;
    navigator.mediaDevices.getUserMedia = (c) => (asked++, gum.call(navigator.mediaDevices, c));
    try {
      const el = await fixture<RtcChat>(html`<rtc-chat room=${uniqueRoom('alone')} server=${rtcServer} name="Ada"></rtc-chat>`);
      await until(() => el.phase === 'joined', () => `phase ${el.phase}`);
      await el.updateComplete;
      expect(el.matches(':state(joined)')).to.equal(true);
      expect(part(el, 'status')[0].textContent).to.contain('Only you');
      await expect(el).to.be.accessible();

      const input = part(el, 'input')[0] as HTMLTextAreaElement;
      input.value = 'first line';
      enter(input, true);
      expect(el.messages, 'Shift+Enter does not send').to.have.length(0);
      input.value = 'first line\nsecond line';
      const sending = oneEvent(el, 'rtc-message-send');
      enter(input);
      expect((await sending).detail.text).to.equal('first line\nsecond line');
      expect(input.value, 'the composer is cleared').to.equal('');
      await el.updateComplete;
      const [message] = part(el, 'message');
      expect(message.matches('[part~="mine"]')).to.equal(true);
      expect(message.querySelector('[part~="sender"]')!.textContent).to.equal('You');
      expect(message.querySelector('[part~="text"]')!.textContent).to.equal('first line\nsecond line');
      expect(message.querySelector('time')!.getAttribute('datetime')).to.match(/^\d{4}-\d\d-\d\dT/);
      await expect(el).to.be.accessible();
      expect(asked, 'getUserMedia calls').to.equal(0);
      el.remove();
      await until(() => el.phase === 'left', 'did not leave when removed');
    } finally {
      navigator.mediaDevices.getUserMedia = gum;
    }
  });

  it('starts an empty list in another room, and in the same room under another password', async () => {
    const room = uniqueRoom('moves');
    const el = await fixture<RtcChat>(html`<rtc-chat room=${room} server=${rtcServer} name="Ada" password="first secret"></rtc-chat>`);
    await until(() => el.phase === 'joined', () => `phase ${el.phase}`);
    el.send('said in the private room');
    expect(el.messages.map((m) => m.text)).to.deep.equal(['said in the private room']);
    // The same room without the password is another room: nobody there may get that line as history.
    el.password = '';
    await el.updateComplete;
    expect(el.phase, 'left the private room').to.not.equal('joined');
    await until(() => el.phase === 'joined', () => `phase ${el.phase}`);
    expect(el.messages, 'messages in the open room').to.deep.equal([]);
    el.send('said in the open room');
    el.room = uniqueRoom('elsewhere');
    await el.updateComplete;
    await until(() => el.phase === 'joined', () => `phase ${el.phase}`);
    expect(el.messages, 'messages in the other room').to.deep.equal([]);
    el.remove();
  });

  it('lets the page keep a message back, and reports what it refuses', async () => {
    const el = await fixture<RtcChat>(
      html`<rtc-chat room=${uniqueRoom('refuse')} server=${rtcServer} max-message-length="10" max-file-size="5"></rtc-chat>`,
    );
    await until(() => el.phase === 'joined', () => `phase ${el.phase}`);
    const errors = errorsOf(el);
    const veto = (e: Event) => e.preventDefault();
    el.addEventListener('rtc-message-send', veto);
    const input = part(el, 'input')[0] as HTMLTextAreaElement;
    input.value = 'kept back';
    enter(input);
    expect(input.value, 'a kept-back message stays in the composer').to.equal('kept back');
    el.removeEventListener('rtc-message-send', veto);

    expect(el.send('this is far too long')).to.equal(null);
    expect(await el.sendFile(new File(['123456'], 'big.txt'))).to.equal(null);
    expect(await el.sendFile(new File(['1'], 'small.txt')), 'nobody to send to').to.equal(null);
    expect(el.messages).to.have.length(0);
    expect(errors.map((e) => [e.detail.type, e.detail.fatal])).to.deep.equal([
      ['message-too-long', false],
      ['file-too-large', false],
      ['file-failed', false],
    ]);
    await el.updateComplete;
    const notices = part(el, 'notice').map((n) => n.textContent);
    expect(notices.join(' ')).to.contain('at most 10 characters').and.contain('Nobody here');
    await expect(el).to.be.accessible();
  });

  it('reports a refusal once, shows it again once dismissed, and shows at most three notices', async () => {
    const el = await fixture<RtcChat>(
      html`<rtc-chat room=${uniqueRoom('once')} server=${rtcServer} max-message-length="10" max-file-size="5"></rtc-chat>`,
    );
    await until(() => el.phase === 'joined', () => `phase ${el.phase}`);
    const errors = errorsOf(el);
    const input = part(el, 'input')[0] as HTMLTextAreaElement;
    for (let i = 0; i < 3; i++) {
      input.value = 'this is far too long';
      enter(input);
    }
    await el.updateComplete;
    expect(errors.map((e) => e.detail.type), 'one event, however often Send is pressed').to.deep.equal(['message-too-long']);
    expect(part(el, 'notice')).to.have.length(1);
    expect(input.value, 'the refused message stays in the composer').to.equal('this is far too long');

    (part(el, 'dismiss-button')[0] as HTMLButtonElement).click();
    await until(() => part(el, 'notice').length === 0, 'the notice stayed');
    await until(() => el.shadowRoot!.activeElement === input, 'focus did not go back to the message box');
    enter(input);
    await el.updateComplete;
    expect(part(el, 'notice'), 'pressing Send again brings it back').to.have.length(1);
    expect(errors, 'but fires no second event').to.have.length(1);

    await el.sendFile(new File(['123456'], 'big.txt'));
    await el.sendFile(new File(['1'], 'small.txt'));
    await el.sendFile(new File(['12345678'], 'bigger.txt'));
    await el.updateComplete;
    const shown = part(el, 'notice').map((n) => n.textContent ?? '');
    expect(shown, 'the newest three').to.have.length(3);
    expect(shown.join(' ')).to.not.contain('at most 10 characters');
    expect(errors.map((e) => e.detail.type)).to.deep.equal(['message-too-long', 'file-too-large', 'file-failed', 'file-too-large']);
    el.remove();
  });

  it('has no file button when files are switched off', async () => {
    const el = await fixture<RtcChat>(html`<rtc-chat room=${uniqueRoom('nofiles')} server=${rtcServer} max-file-size="0"></rtc-chat>`);
    await until(() => el.phase === 'joined', () => `phase ${el.phase}`);
    await el.updateComplete;
    expect(part(el, 'file-button')).to.have.length(0);
    expect(el.renderRoot.querySelector('input[type="file"]')).to.equal(null);
    el.remove();
  });
});
