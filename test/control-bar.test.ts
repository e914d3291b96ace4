// The call's control bar keeps to one row whatever the element's width and language: the
// buttons' words where they fit, else icons, else icons with the less used buttons behind More.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import { rtcServer } from './env.js';
import { addParticipant, closeAll, part, uniqueRoom, until } from './helpers.js';
import '../src/index.js';
import type { RtcCall } from '../src/index.js';

/** The middle of an element, in the page's coordinates, for a real mouse click. */
const centre = (e: Element): [number, number] => {
  const r = e.getBoundingClientRect();
  return [Math.round(r.x + r.width / 2), Math.round(r.y + r.height / 2)];
};
/** The buttons in the bar itself. */
const barButtons = (el: RtcCall) => [...part(el, 'controls')[0].querySelectorAll<HTMLElement>(':scope > button')];
/** Whether the bar's buttons are all in one row. */
const oneRow = (el: RtcCall) => new Set(barButtons(el).map((b) => Math.round(b.getBoundingClientRect().top))).size === 1;
/** The width a button's words take on screen (0 or 1 when only screen readers have them). */
const wordsWidth = (button: HTMLElement) => button.querySelector('.text')!.getBoundingClientRect().width;
/** Whether the bar shows its buttons' words. */
const withWords = (el: RtcCall) => wordsWidth(part(el, 'leave-button')[0]) > 10;
/** The parts of the bar's buttons, by their own names. */
const names = (buttons: HTMLElement[]) => buttons.map((b) => b.getAttribute('part')!.replace('button ', ''));
const shadowFocus = (el: RtcCall) => el.shadowRoot!.activeElement?.getAttribute('part') ?? 'nothing';
const describeBar = (el: RtcCall) => `the bar (${part(el, 'controls')[0].clientWidth} px) holds ${names(barButtons(el)).join(', ')}, words ${withWords(el)}, one row ${oneRow(el)}`;

async function inCall(width: number, lang = 'en'): Promise<RtcCall> {
  const el = await fixture<RtcCall>(html`<rtc-call room=${uniqueRoom('bar')} server=${rtcServer} name="Ada" lang=${lang} style="width: ${width}px; height: 420px"></rtc-call>`);
  await el.join();
  await until(() => part(el, 'controls').length === 1, 'no control bar in the call');
  return el;
}

describe('the control bar', () => {
  afterEach(closeAll);

  it('shows its words where they fit, icons where not, and the less used buttons behind More when even those do not', async () => {
    const el = await inCall(1100);
    await until(() => withWords(el) && oneRow(el), () => `wide: ${describeBar(el)}`);
    expect(part(el, 'more-button')).to.have.length(0);
    const all = names(barButtons(el));
    expect(all).to.include.members(['screen-button', 'settings-button', 'leave-button']);

    el.style.width = '560px';
    await until(() => !withWords(el) && oneRow(el) && part(el, 'more-button').length === 0, () => `medium: ${describeBar(el)}`);
    expect(names(barButtons(el)), 'every button, as icons').to.deep.equal(all);

    el.style.width = '250px';
    await until(() => part(el, 'more-button').length === 1 && oneRow(el), () => `narrow: ${describeBar(el)}`);
    expect(names(barButtons(el))).to.deep.equal(['mic-button', 'camera-button', 'more-button', 'leave-button']);
    const more = part(el, 'more-button')[0];
    const panel = part(el, 'more-panel')[0];
    expect(panel.hidden, 'the More panel is closed at first').to.equal(true);
    expect(more.getAttribute('aria-expanded')).to.equal('false');

    // More opens the panel (before the bar), focus going to its first button; it shows the others
    // with their words; Escape closes it, focus back on More.
    more.click();
    await until(() => !panel.hidden && panel.contains(el.shadowRoot!.activeElement), () => `More did not open its panel, or focus is on ${shadowFocus(el)}`);
    expect(more.getAttribute('aria-expanded')).to.equal('true');
    const inPanel = [...panel.querySelectorAll<HTMLElement>('button')];
    expect(names(inPanel)).to.include.members(['screen-button', 'settings-button']);
    for (const button of inPanel) expect(wordsWidth(button), `${button.textContent!.trim()} shows its words`).to.be.above(10);
    // The arrow keys, Home and End move among them, round from the last to the first.
    await sendKeys({ press: 'ArrowDown' });
    expect(shadowFocus(el), 'after ArrowDown').to.equal(inPanel[1].getAttribute('part'));
    await sendKeys({ press: 'End' });
    expect(shadowFocus(el), 'after End').to.equal(inPanel.at(-1)!.getAttribute('part'));
    await sendKeys({ press: 'ArrowRight' });
    expect(shadowFocus(el), 'after ArrowRight on the last').to.equal(inPanel[0].getAttribute('part'));
    await sendKeys({ press: 'ArrowUp' });
    expect(shadowFocus(el), 'after ArrowUp on the first').to.equal(inPanel.at(-1)!.getAttribute('part'));
    await sendKeys({ press: 'Home' });
    expect(shadowFocus(el), 'after Home').to.equal(inPanel[0].getAttribute('part'));
    await sendKeys({ press: 'Escape' });
    await until(() => panel.hidden && shadowFocus(el).includes('more-button'), () => `after Escape, the panel is ${panel.hidden ? 'closed' : 'open'} and focus on ${shadowFocus(el)}`);

    // A press elsewhere (on the header) closes it.
    more.click();
    await until(() => !panel.hidden, 'More did not open its panel again');
    await sendMouse({ type: 'click', position: centre(part(el, 'header')[0]) });
    await until(() => panel.hidden === true, 'a press on the header left the More panel open');

    // Devices, from the panel: the panel closes and the device pickers open.
    more.click();
    await until(() => !panel.hidden, 'More did not open its panel again');
    part(el, 'settings-button')[0].click();
    await until(() => part(el, 'settings').length === 1 && part(el, 'more-panel')[0].hidden === true, 'Devices did not open the pickers, or More stayed open');
    // Escape closes the pickers; focus goes to More, which holds Devices.
    await until(() => part(el, 'settings')[0].contains(el.shadowRoot!.activeElement), 'focus did not go to the pickers');
    await sendKeys({ press: 'Escape' });
    await until(() => part(el, 'settings').length === 0 && shadowFocus(el).includes('more-button'), () => `after Escape in the pickers, focus is on ${shadowFocus(el)}`);

    el.style.width = '1100px';
    await until(() => withWords(el) && oneRow(el) && part(el, 'more-button').length === 0, () => `wide again: ${describeBar(el)}`);
    expect(names(barButtons(el))).to.deep.equal(all);
    await el.leave();
  });

  it('keeps Stop sharing in the bar while sharing, beside More where it has room', async () => {
    const el = await inCall(290);
    await until(() => part(el, 'more-button').length === 1 && oneRow(el), () => `narrow: ${describeBar(el)}`);
    await el.toggleScreenShare(true);
    await until(() => names(barButtons(el)).includes('screen-button'), () => `sharing: ${describeBar(el)}`);
    expect(names(barButtons(el))).to.deep.equal(['mic-button', 'camera-button', 'screen-button', 'more-button', 'leave-button']);
    expect(oneRow(el), describeBar(el)).to.equal(true);
    const stop = part(el, 'screen-button')[0];
    expect(stop.textContent!.trim()).to.equal('Stop sharing');
    expect(part(el, 'more-panel')[0].querySelector('[part~="screen-button"]'), 'Stop sharing also behind More').to.equal(null);
    // Pressed, it stops the share and goes back behind More, and focus goes to More.
    stop.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => !names(barButtons(el)).includes('screen-button') && shadowFocus(el).includes('more-button'), () => `after Stop sharing: ${describeBar(el)}, focus on ${shadowFocus(el)}`);
    expect(part(el, 'more-panel')[0].querySelector('[part~="screen-button"]')!.textContent!.trim()).to.equal('Share screen');
    // Stopped with its shortcut (S) while it has focus: the same.
    await el.toggleScreenShare(true);
    await until(() => names(barButtons(el)).includes('screen-button'), () => `sharing again: ${describeBar(el)}`);
    part(el, 'screen-button')[0].focus();
    await sendKeys({ press: 's' });
    await until(() => !names(barButtons(el)).includes('screen-button') && shadowFocus(el).includes('more-button'), () => `after S: ${describeBar(el)}, focus on ${shadowFocus(el)}`);

    // Where it has no room beside More, it stays behind More, the bar in one row; with room again, back in the bar.
    el.style.width = '250px';
    await el.toggleScreenShare(true);
    await until(() => part(el, 'screen-button')[0]?.textContent!.trim() === 'Stop sharing' && oneRow(el), () => `sharing, 250 px: ${describeBar(el)}`);
    expect(names(barButtons(el))).to.deep.equal(['mic-button', 'camera-button', 'more-button', 'leave-button']);
    expect(part(el, 'more-panel')[0].querySelector('[part~="screen-button"]'), 'Stop sharing behind More').to.not.equal(null);
    el.style.width = '290px';
    await until(() => names(barButtons(el)).includes('screen-button') && oneRow(el), () => `sharing, 290 px again: ${describeBar(el)}`);
    await el.leave();
  });

  it('keeps Lower hand in the bar while the hand is up, beside More where it has room', async () => {
    const el = await inCall(290);
    // Raise hand shows once someone else is in the call.
    await addParticipant({ room: el.room, server: rtcServer, name: 'Bob', autojoin: '' });
    await until(() => el.participants.length === 1 && part(el, 'more-button').length === 1 && oneRow(el), () => `Bob did not come, or ${describeBar(el)}`);
    expect(part(el, 'more-panel')[0].querySelector('[part~="hand-button"]')?.textContent!.trim(), 'Raise hand behind More').to.equal('Raise hand');
    el.toggleHand(true);
    await until(() => names(barButtons(el)).includes('hand-button'), () => `hand up: ${describeBar(el)}`);
    expect(names(barButtons(el))).to.deep.equal(['mic-button', 'camera-button', 'hand-button', 'more-button', 'leave-button']);
    expect(oneRow(el), describeBar(el)).to.equal(true);
    expect(part(el, 'more-panel')[0].querySelector('[part~="hand-button"]'), 'Lower hand also behind More').to.equal(null);
    // Pressed, it lowers the hand and goes back behind More, and focus goes to More.
    const lower = part(el, 'hand-button')[0];
    expect(lower.textContent!.trim()).to.equal('Lower hand');
    lower.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => !el.handRaised && !names(barButtons(el)).includes('hand-button') && shadowFocus(el).includes('more-button'), () => `after Lower hand: ${describeBar(el)}, focus on ${shadowFocus(el)}`);
    // Where it has no room beside More, it stays behind More, the bar in one row.
    el.style.width = '250px';
    el.toggleHand(true);
    await until(() => part(el, 'hand-button')[0]?.textContent!.trim() === 'Lower hand' && oneRow(el), () => `hand up, 250 px: ${describeBar(el)}`);
    expect(names(barButtons(el))).to.deep.equal(['mic-button', 'camera-button', 'more-button', 'leave-button']);
    await el.leave();
  });

  it('leaves the lobby’s microphone and camera buttons as they were: their words from 640 px wide', async () => {
    const el = await fixture<RtcCall>(html`<rtc-call room=${uniqueRoom('bar')} server=${rtcServer} name="Ada" style="width: 700px; height: 420px"></rtc-call>`);
    part(el, 'check-button')[0]?.click();
    await until(() => part(el, 'mic-button').length === 1 && wordsWidth(part(el, 'mic-button')[0]) > 10, 'the lobby’s microphone button shows no words at 700 px');
    el.style.width = '560px';
    await until(() => wordsWidth(part(el, 'mic-button')[0]) <= 1, 'the lobby’s microphone button still shows its words at 560 px');
  });

  it('measures the words in the element’s language: German words that need more room than English become icons', async () => {
    const el = await inCall(1100);
    await until(() => withWords(el) && oneRow(el), () => `English: ${describeBar(el)}`);
    const bar = part(el, 'controls')[0];
    const gap = parseFloat(getComputedStyle(bar).columnGap);
    const english = barButtons(el).reduce((sum, b) => sum + b.getBoundingClientRect().width + gap, -gap);
    // Just wide enough for the English words.
    el.style.width = `${Math.ceil(english) + (el.clientWidth - bar.clientWidth) + 2}px`;
    await until(() => withWords(el) && oneRow(el), () => `English, just wide enough: ${describeBar(el)}`);
    el.lang = 'de';
    await until(() => part(el, 'leave-button')[0].textContent!.trim() === 'Verlassen', 'not in German');
    await until(() => !withWords(el) && oneRow(el), () => `German, where English fits: ${describeBar(el)}`);
    el.style.width = '1600px';
    await until(() => withWords(el) && oneRow(el), () => `German, wide: ${describeBar(el)}`);
    await el.leave();
  });
});
