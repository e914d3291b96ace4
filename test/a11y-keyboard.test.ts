// Keyboard and screen reader use: live announcements, shortcuts, where focus goes.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { rtcServer } from './env.js';
import { addChatParticipant, addParticipant, closeAll, part, uniqueRoom, until } from './helpers.js';
import '../src/index.js';
import type { RtcCall, RtcChat } from '../src/index.js';

/** Every text an element's polite live region read out, in order, recorded as it changes. */
function listen(el: HTMLElement): { said: string[]; stop(): void } {
  const region = el.shadowRoot!.querySelector('[aria-live="polite"]');
  expect(region, 'a polite live region').to.exist;
  expect(getComputedStyle(region!).position, 'visually hidden').to.equal('absolute');
  const said: string[] = [];
  const observer = new MutationObserver((records) => {
    for (const r of records) for (const node of r.addedNodes) if (node.textContent?.trim()) said.push(node.textContent.trim());
  });
  observer.observe(region!, { childList: true, subtree: true });
  return { said, stop: () => observer.disconnect() };
}

/** The element that has focus, looking into the element's shadow root. */
function focused(el: HTMLElement): Element | null {
  return document.activeElement === el ? el.shadowRoot!.activeElement : document.activeElement;
}

const partOf = (node: Element | null) => node?.getAttribute('part') ?? String(node?.tagName);

/** Presses a key with a modifier held (`sendKeys` presses one key at a time). */
async function chord(modifier: 'Shift' | 'Control', key: string): Promise<void> {
  await sendKeys({ down: modifier });
  await sendKeys({ press: key });
  await sendKeys({ up: modifier });
}

describe('live announcements', () => {
  afterEach(closeAll);

  it('<rtc-call> reads out joins, leaves and problems, each once', async () => {
    const room = uniqueRoom('live-call');
    const el = await fixture<RtcCall>(html`<rtc-call room=${room} server=${rtcServer} name="Ada"></rtc-call>`);
    const live = listen(el);
    await el.join();
    const bob = await addParticipant({ room, server: rtcServer, name: 'Bob', autojoin: '' });
    await until(() => live.said.some((t) => t.includes('Bob joined')), () => `said: ${JSON.stringify(live.said)}`);
    bob.close();
    await until(() => live.said.some((t) => t.includes('Bob left')), () => `said: ${JSON.stringify(live.said)}`);
    // A problem: sharing a screen that the browser refuses, twice in a row.
    const getDisplayMedia = navigator.mediaDevices.getDisplayMedia;
    navigator.mediaDevices.getDisplayMedia = () => Promise.reject(new DOMException('not here', 'NotAllowedError'));
    try {
      await el.toggleScreenShare(true);
      await el.toggleScreenShare(true);
    } finally {
      navigator.mediaDevices.getDisplayMedia = getDisplayMedia;
    }
    await until(() => live.said.some((t) => t.includes('Screen sharing was not allowed')), () => `said: ${JSON.stringify(live.said)}`);
    expect(live.said.filter((t) => t.includes('Bob joined')), 'Bob joined, once').to.have.length(1);
    expect(live.said.filter((t) => t.includes('Screen sharing was not allowed')), 'the problem, once').to.have.length(1);
    expect(el.shadowRoot!.querySelectorAll('[role="alert"]'), 'nothing assertive').to.have.length(0);
    live.stop();
    await el.leave();
  });

  it('<rtc-chat> reads out messages from others (not its own, not history) and joins, and a burst as one', async () => {
    const room = uniqueRoom('live-chat');
    const bob = await addChatParticipant({ room, server: rtcServer, name: 'Bob' });
    await until(() => bob.chat.phase === 'joined', 'Bob did not join');
    bob.chat.send('from before Ada came');
    const el = await fixture<RtcChat>(html`<rtc-chat room=${room} server=${rtcServer} name="Ada"></rtc-chat>`);
    const live = listen(el);
    await until(() => el.messages.length === 1, 'no history');
    const cy = await addChatParticipant({ room, server: rtcServer, name: 'Cy' });
    await until(() => live.said.some((t) => t.includes('Cy joined')), () => `said: ${JSON.stringify(live.said)}`);
    el.send('my own words');
    bob.chat.send('Hello Ada');
    await until(() => live.said.some((t) => t.includes('Bob: Hello Ada')), () => `said: ${JSON.stringify(live.said)}`);
    const before = live.said.length;
    for (let i = 1; i <= 6; i++) bob.chat.send(`burst ${i}`);
    await until(() => el.messages.length === 9, 'the burst did not arrive');
    await until(() => live.said.slice(before).some((t) => t.includes('burst')), 'the burst was not read out');
    // Read out within a second or so, in one or two announcements, not six.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const burst = live.said.slice(before);
    expect(burst.length, `the burst: ${JSON.stringify(burst)}`).to.be.at.most(2);
    expect(burst.join(' ')).to.match(/and \d+ more/);
    expect(live.said.join('\n')).not.to.contain('from before Ada came');
    expect(live.said.join('\n')).not.to.contain('my own words');
    el.send('   ');
    el.send('');
    await until(() => live.said.some((t) => t.includes('the message is empty')), () => `said: ${JSON.stringify(live.said)}`);
    expect(live.said.filter((t) => t.includes('the message is empty'))).to.have.length(1);
    expect(part(el, 'message-list')[0].getAttribute('aria-live'), 'the list itself is quiet').to.equal('off');
    live.stop();
    cy.close();
  });
});

describe('live announcements, files and repeats', () => {
  afterEach(closeAll);

  it('<rtc-chat> reads out the same answer twice, a file someone sends, and how its own send ended', async () => {
    const room = uniqueRoom('live-files');
    const bob = await addChatParticipant({ room, server: rtcServer, name: 'Bob' });
    const el = await fixture<RtcChat>(html`<rtc-chat room=${room} server=${rtcServer} name="Ada"></rtc-chat>`);
    const live = listen(el);
    // Both ends linked: a message Bob sent before his end was would reach Ada as history, not read out.
    await until(() => el.phase === 'joined' && el.participants.length === 1 && bob.chat.participants.length === 1, 'Ada and Bob did not meet');
    const said = () => `said: ${JSON.stringify(live.said)}`;
    bob.chat.send('yes');
    await until(() => live.said.some((t) => t.includes('Bob: yes')), said);
    bob.chat.send('yes');
    await until(() => live.said.filter((t) => t.includes('Bob: yes')).length === 2, said);
    await bob.chat.sendFile(new File([new Uint8Array(2000)], 'report.pdf'));
    await until(() => live.said.some((t) => t.includes('Bob is sending report.pdf (2.0 kB)')), said);
    await el.sendFile(new File([new Uint8Array(500)], 'notes.txt'));
    await until(() => live.said.some((t) => t.includes('notes.txt: Bob: received')), said);
    await new Promise((resolve) => setTimeout(resolve, 700)); // one gathering window: nothing more comes
    expect(live.said.filter((t) => t.includes('notes.txt')), 'its end, once').to.have.length(1);
    live.stop();
  });

  it('<rtc-call> says who is already in the call as being here, and who comes later as joining', async () => {
    const room = uniqueRoom('live-here');
    const bob = await addParticipant({ room, server: rtcServer, name: 'Bob', autojoin: '' });
    await until(() => bob.call.phase === 'in-call', 'Bob did not join');
    const el = await fixture<RtcCall>(html`<rtc-call room=${room} server=${rtcServer} name="Ada"></rtc-call>`);
    const live = listen(el);
    await el.join();
    await until(() => live.said.some((t) => t.includes('Bob is here')), () => `said: ${JSON.stringify(live.said)}`);
    await addParticipant({ room, server: rtcServer, name: 'Cy', autojoin: '' });
    await until(() => live.said.some((t) => t.includes('Cy joined')), () => `said: ${JSON.stringify(live.said)}`);
    expect(live.said.join(' ')).not.to.contain('Bob joined');
    live.stop();
    await el.leave();
  });
});

describe('keyboard', () => {
  afterEach(closeAll);

  it('joins from the keyboard, lands on Mute, and M, V, S, H and Shift+L work inside the element only', async () => {
    const room = uniqueRoom('keys');
    const el = await fixture<RtcCall>(html`<div>
      <input aria-label="the page's own field" />
      <rtc-call room=${room} server=${rtcServer} name="Ada"></rtc-call>
    </div>`).then((div) => div.querySelector('rtc-call')!);
    await el.updateComplete;
    part(el, 'join-button')[0].focus();
    await sendKeys({ press: 'Enter' });
    await until(() => el.phase === 'in-call', 'Enter on Join did not join');
    await until(() => partOf(focused(el)).includes('mic-button'), () => `focus is on ${partOf(focused(el))}`);

    // Named on the buttons.
    const mic = part(el, 'mic-button')[0];
    expect(mic.getAttribute('aria-keyshortcuts')).to.equal('M');
    expect(mic.title).to.equal('Mute (M)');
    expect(part(el, 'camera-button')[0].getAttribute('aria-keyshortcuts')).to.equal('V');
    expect(part(el, 'leave-button')[0].getAttribute('aria-keyshortcuts')).to.equal('Shift+L');
    expect(part(el, 'screen-button')[0].getAttribute('aria-keyshortcuts')).to.equal('S');

    expect(el.microphoneOn).to.equal(true);
    await sendKeys({ press: 'm' });
    await until(() => !el.microphoneOn, 'M did not mute');
    await sendKeys({ press: 'm' });
    await until(() => el.microphoneOn, 'M did not unmute');
    await sendKeys({ press: 'v' });
    await until(() => !el.cameraOn, 'V did not turn the camera off');
    await sendKeys({ press: 's' });
    await until(() => el.shadowRoot!.querySelectorAll('[part~="screen-tile"]').length === 1, 'S did not share the screen');
    await sendKeys({ press: 's' });
    await until(() => el.shadowRoot!.querySelectorAll('[part~="screen-tile"]').length === 0, 'S did not stop sharing');
    // Alone, Raise hand shows only once the hand is up (by H): there is nobody to see it.
    expect(part(el, 'hand-button'), 'Raise hand while alone').to.have.length(0);
    await sendKeys({ press: 'h' });
    await until(() => el.handRaised && part(el, 'hand-button')[0]?.getAttribute('aria-keyshortcuts') === 'H', 'H did not raise the hand');
    expect(part(el, 'hand-button')[0].title).to.equal('Lower hand (H)');
    await sendKeys({ press: 'h' });
    await until(() => !el.handRaised, 'H did not lower the hand');

    // Focus outside the element: the page's keys are its own.
    const field = el.parentElement!.querySelector('input')!;
    field.focus();
    await sendKeys({ type: 'mvsh' });
    await chord('Shift', 'KeyL');
    expect(field.value).to.equal('mvshL');
    expect(el.handRaised, 'typing elsewhere does not raise the hand').to.equal(false);
    expect(el.microphoneOn, 'typing elsewhere does not mute').to.equal(true);
    expect(el.phase).to.equal('in-call');

    // Modifiers are the browser's and the page's.
    part(el, 'mic-button')[0].focus();
    await chord('Control', 'KeyM');
    expect(el.microphoneOn).to.equal(true);

    await chord('Shift', 'KeyL');
    await until(() => el.phase === 'left', 'Shift+L did not leave');
    await until(() => partOf(focused(el)).includes('join-button'), () => `after leaving, focus is on ${partOf(focused(el))}`);
  });

  it('when Join fails, focus goes to Try again, and to the error when there is nothing to try', async () => {
    const down = await fixture<RtcCall>(html`<rtc-call room=${uniqueRoom('keys-down')} server="http://127.0.0.1:9/peerjs" ice-servers="[]"></rtc-call>`);
    part(down, 'join-button')[0].focus();
    await sendKeys({ press: 'Enter' });
    await until(() => down.phase === 'error', () => `phase ${down.phase}`);
    await until(() => partOf(focused(down)).includes('join-button'), () => `focus is on ${partOf(focused(down))}`);
    expect(focused(down)!.textContent).to.contain('Try again');

    const config = await fixture<RtcCall>(html`<rtc-call server=${rtcServer}></rtc-call>`);
    part(config, 'join-button')[0].focus();
    await sendKeys({ press: 'Enter' });
    await until(() => config.phase === 'error', () => `phase ${config.phase}`);
    await until(() => partOf(focused(config)).includes('error'), () => `focus is on ${partOf(focused(config))}`);
  });

  it('opens the device pickers with focus in them, and Escape closes them back to their button', async () => {
    const el = await fixture<RtcCall>(html`<rtc-call room=${uniqueRoom('keys-settings')} server=${rtcServer} name="Ada"></rtc-call>`);
    await el.join();
    expect(part(el, 'controls')[0].getAttribute('role'), 'a group of buttons (a toolbar would promise arrow keys)').to.equal('group');
    part(el, 'settings-button')[0].focus();
    await sendKeys({ press: 'Enter' });
    await until(() => partOf(focused(el)).includes('device-select'), () => `after opening, focus is on ${partOf(focused(el))}`);
    await sendKeys({ press: 'Escape' });
    await until(() => part(el, 'settings').length === 0, 'Escape did not close the pickers');
    await until(() => partOf(focused(el)).includes('settings-button'), () => `after Escape, focus is on ${partOf(focused(el))}`);
    expect(part(el, 'settings-button')[0].getAttribute('aria-expanded')).to.equal('false');
    await el.leave();
  });

  it('after Join by a script, does not take focus from the page', async () => {
    const el = await fixture<RtcCall>(html`<div>
      <input aria-label="the page's own field" />
      <rtc-call room=${uniqueRoom('keys-script')} server=${rtcServer} name="Ada"></rtc-call>
    </div>`).then((div) => div.querySelector('rtc-call')!);
    const field = el.parentElement!.querySelector('input')!;
    field.focus();
    await el.join();
    await el.updateComplete;
    expect(document.activeElement).to.equal(field);
    await el.leave();
    expect(document.activeElement).to.equal(field);
  });

  it('after dismissing a notice, focus goes to the next notice, then to the first control', async () => {
    const el = await fixture<RtcCall>(html`<rtc-call room=${uniqueRoom('dismiss')} server=${rtcServer} name="Ada"></rtc-call>`);
    await el.join();
    const getDisplayMedia = navigator.mediaDevices.getDisplayMedia;
    navigator.mediaDevices.getDisplayMedia = () => Promise.reject(new DOMException('not here', 'NotAllowedError'));
    try {
      await el.toggleScreenShare(true);
    } finally {
      navigator.mediaDevices.getDisplayMedia = getDisplayMedia;
    }
    // A second notice: the microphone stops as if unplugged.
    el.localStream!.getAudioTracks()[0].dispatchEvent(new Event('ended'));
    await until(() => part(el, 'dismiss-button').length === 2, 'not two notices');
    // Each Dismiss says which notice it closes.
    for (const button of part(el, 'dismiss-button')) {
      const text = el.shadowRoot!.getElementById(button.getAttribute('aria-describedby') ?? '')?.textContent;
      expect(text, 'described by its notice').to.equal(button.closest('[part~="notice"]')!.querySelector('p')!.textContent);
    }
    const [first] = part(el, 'dismiss-button');
    const { width, height } = first.getBoundingClientRect();
    expect(Math.min(width, height), `dismiss is ${width}×${height}`).to.be.at.least(24);
    first.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => part(el, 'dismiss-button').length === 1, 'not dismissed');
    expect(focused(el), 'on the other notice').to.equal(part(el, 'dismiss-button')[0]);
    await sendKeys({ press: 'Enter' });
    await until(() => part(el, 'notice').length === 0, 'not dismissed');
    await until(() => partOf(focused(el)).includes('mic-button'), () => `focus is on ${partOf(focused(el))}`);
    await el.leave();
  });
});

describe('focus that a render takes away', () => {
  afterEach(closeAll);

  it('<rtc-call> keeps it: Check camera becomes the preview, Copy link goes when someone comes, and the shortcuts still work', async () => {
    const room = uniqueRoom('focus-call');
    // A first visit: the browser has not been allowed the devices, so the lobby waits for Check.
    const query = navigator.permissions.query;
    navigator.permissions.query = async () => ({ state: 'prompt' }) as PermissionStatus;
    let el: RtcCall;
    try {
      el = await fixture<RtcCall>(html`<rtc-call room=${room} server=${rtcServer} name="Ada"></rtc-call>`);
      await until(() => part(el, 'permission-hint').length === 1, 'no Check button with its hint');
    } finally {
      navigator.permissions.query = query;
    }
    part(el, 'check-button')[0].focus();
    await sendKeys({ press: 'Enter' });
    await until(() => part(el, 'preview-video').length === 1, () => `no preview: phase ${el.phase}`);
    await until(() => partOf(focused(el)).includes('join-button'), () => `after the preview started, focus is on ${partOf(focused(el))}`);
    expect(el.phase, 'the press that started the preview did not join').to.equal('idle');
    await sendKeys({ press: 'Enter' });
    await until(() => el.phase === 'in-call', 'Enter on Join did not join');
    await until(() => part(el, 'copy-link-button').length === 1, 'no Copy link while alone');
    part(el, 'copy-link-button')[0].focus();
    await addParticipant({ room, server: rtcServer, name: 'Bob', autojoin: '' });
    await until(() => part(el, 'copy-link-button').length === 0, 'Bob did not come');
    await until(() => partOf(focused(el)).includes('mic-button'), () => `after Copy link went, focus is on ${partOf(focused(el))}`);
    await sendKeys({ press: 'm' });
    await until(() => !el.microphoneOn, 'M did not mute after Copy link went');
    await el.leave();
  });

  it('<rtc-chat> keeps it: the new-messages button and Try again go, focus stays in the chat', async () => {
    const room = uniqueRoom('focus-chat');
    const bob = await addChatParticipant({ room, server: rtcServer, name: 'Bob' });
    const el = await fixture<RtcChat>(html`<rtc-chat room=${room} server=${rtcServer} name="Ada" style="height:260px"></rtc-chat>`);
    await until(() => el.phase === 'joined' && el.participants.length === 1, 'Ada and Bob did not meet');
    for (let i = 0; i < 15; i++) bob.chat.send(`line ${i}`);
    await until(() => el.messages.length === 15, 'the lines did not arrive');
    const list = part(el, 'message-list')[0];
    list.scrollTop = 0;
    list.dispatchEvent(new Event('scroll'));
    bob.chat.send('the newest');
    await until(() => part(el, 'unread-button').length === 1, 'no new-messages button');
    part(el, 'unread-button')[0].focus();
    await sendKeys({ press: 'Enter' });
    await until(() => part(el, 'unread-button').length === 0, 'the button stayed');
    await until(() => partOf(focused(el)).includes('input'), () => `after the jump, focus is on ${partOf(focused(el))}`);

    const down = await fixture<RtcChat>(html`<rtc-chat room=${uniqueRoom('focus-retry')} server="http://127.0.0.1:9/peerjs" ice-servers="[]"></rtc-chat>`);
    await until(() => down.phase === 'error', () => `phase ${down.phase}`, 20_000);
    part(down, 'retry-button')[0].focus();
    await sendKeys({ press: 'Enter' });
    await until(() => down.phase === 'error', () => `phase ${down.phase}`, 20_000);
    await until(() => partOf(focused(down)).includes('retry-button'), () => `after failing again, focus is on ${partOf(focused(down))}`);
  });
});
