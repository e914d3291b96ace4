// The call's own chat (Chat in the bar): a page with only `<rtc-call>` chats in the call. Chat
// opens it beside the stage with focus in the message box; messages that come while it is
// closed are counted on Chat and read out; its Close button or Escape closes it. The page hears none of the chat's
// events, and a page with its own `<rtc-chat>` for the room (or `no-chat`) gets no second one.
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { RtcChat } from '../src/index.js';
import { rtcServer } from './env.js';
import { addChatParticipant, closeAll, eventsOf, joinAll, part, pressInBar, readOut, shownMessages, uniqueRoom, until, untilEveryoneSeesEveryone, type TestParticipant } from './helpers.js';

/** The call's own `<rtc-chat>`, once it started. */
function chatOf(p: TestParticipant): RtcChat | undefined {
  return part(p.call, 'chat')[0] as RtcChat | undefined;
}

/** The element focus is in, through the shadow roots. */
function focusedIn(p: TestParticipant): Element | null {
  let el: Element | null = p.frame.contentDocument!.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}

describe("the call's own chat", () => {
  afterEach(closeAll);

  it('opens beside the stage with focus in the message box, counts and reads out what came while closed, and closes with Escape', async function () {
    this.timeout(60_000);
    const [ada, bob] = await joinAll(uniqueRoom('call-chat'), rtcServer, ['Ada', 'Bob']);
    await untilEveryoneSeesEveryone([ada, bob]);
    // What the pages hear of the chat's events: nothing (the call tells them its own).
    const heardByPage: string[] = [];
    for (const p of [ada, bob]) for (const type of ['rtc-message', 'rtc-typing', 'rtc-error']) p.frame.contentDocument!.addEventListener(type, () => heardByPage.push(`${p.name}: ${type}`));
    // A second after Bob came, Bob's page has the chat running, closed: it hears Ada's message.
    await until(() => !!chatOf(bob), "Bob's call did not start its chat");
    expect(part(bob.call, 'chat-panel')[0].hidden, 'closed').to.equal(true);

    // The keys go to the page (the frame) that has focus.
    ada.frame.focus();
    await pressInBar(ada, 'chat-button');
    const panel = () => part(ada.call, 'chat-panel')[0];
    await until(() => panel()?.hidden === false && panel().getBoundingClientRect().width > 0, 'the chat did not open');
    expect(part(ada.call, 'chat-button')[0].getAttribute('aria-expanded')).to.equal('true');
    // Beside the stage (Ada's call is 480 px wide, under 600: over it), in front.
    const stage = part(ada.call, 'grid')[0].getBoundingClientRect();
    const box = panel().getBoundingClientRect();
    expect(box.height, 'as tall as the stage').to.be.closeTo(stage.height, 2);
    expect(ada.call.shadowRoot!.elementFromPoint(box.x + box.width / 2, box.y + 20)?.closest('[part~="chat-panel"]'), 'the chat on top').to.equal(panel());
    await until(() => focusedIn(ada)?.localName === 'textarea', () => `focus on ${focusedIn(ada)?.outerHTML.slice(0, 60)}, not the message box`);
    // The chat's header (the room again) stays out; the call's header says it.
    expect(part(chatOf(ada)!, 'header')[0].getBoundingClientRect().height, "the chat's own header").to.equal(0);

    // Its messages are here once the chat has come: it says who is here.
    await until(() => part(chatOf(ada)!, 'system-line').length > 0, "Ada's chat shows nothing");
    const heard = readOut(bob.call);
    try {
      await sendKeys({ type: 'Hello Bob' });
      await sendKeys({ press: 'Enter' });
      await until(() => shownMessages(chatOf(ada)!).includes('Hello Bob'), 'Ada does not see her own message');
      // Bob's Chat counts it (on More too, while it holds Chat), says so to screen readers, and reads it out.
      await until(() => part(bob.call, 'badge')[0]?.textContent === '1', 'no count on Chat');
      await until(() => heard.said.some((s) => s.includes('Ada: Hello Bob')), () => `read out: ${heard.said.join(' / ')}`);
      expect(part(bob.call, 'chat-button')[0].getAttribute('aria-label')).to.equal('Chat, 1 new message');
    } finally {
      heard.stop();
    }
    // Escape closes Ada's chat, focus back on Chat (or More that holds it); what she wrote stays.
    await sendKeys({ press: 'Escape' });
    await until(() => panel().hidden === true, 'Escape did not close the chat');
    await until(() => ['chat-button', 'more-button'].some((p) => focusedIn(ada)?.matches(`[part~="${p}"]`)), () => `focus on ${focusedIn(ada)?.outerHTML.slice(0, 60)}`);
    // C, with focus in the call, opens it again, focus in the message box.
    expect(part(ada.call, 'chat-button')[0].getAttribute('aria-keyshortcuts')).to.equal('C');
    await sendKeys({ press: 'c' });
    await until(() => panel().hidden === false && focusedIn(ada)?.localName === 'textarea', 'C did not open the chat');
    await sendKeys({ press: 'Escape' });
    await until(() => panel().hidden === true, 'Escape did not close the chat again');
    await pressInBar(bob, 'chat-button');
    await until(() => part(bob.call, 'chat-panel')[0]?.hidden === false, "Bob's chat did not open");
    expect(shownMessages(chatOf(bob)!)).to.include('Hello Bob');
    await until(() => part(bob.call, 'badge').length === 0, 'the count stays once read');
    // Its Close button closes it too (a phone has no Escape).
    part(bob.call, 'close-chat-button')[0].click();
    await until(() => part(bob.call, 'chat-panel')[0].hidden === true, 'Close did not close the chat');
    // A file while it is closed counts too.
    const heardFile = readOut(bob.call);
    try {
      void chatOf(ada)!.sendFile(new File(['notes'], 'notes.txt', { type: 'text/plain' }));
      await until(() => part(bob.call, 'badge')[0]?.textContent === '1', 'no count on Chat for a file');
      await until(() => heardFile.said.some((s) => s.includes('Ada is sending notes.txt')), () => `read out: ${heardFile.said.join(' / ')}`);
    } finally {
      heardFile.stop();
    }
    // Bob's page heard each change of his call's chat: Ada's message, opened, closed, the file.
    expect(eventsOf(bob, 'rtc-chat-updated').map((e) => e.detail)).to.deep.equal([
      { open: false, unread: 1 },
      { open: true, unread: 0 },
      { open: false, unread: 0 },
      { open: false, unread: 1 },
    ]);
    // A script opens it (toggleChat).
    ada.call.toggleChat(true);
    await until(() => panel().hidden === false, 'toggleChat(true) did not open the chat');
    expect(shownMessages(chatOf(ada)!)).to.include('Hello Bob');
    // People opens above the bar, and the chat stays open beside the stage.
    await pressInBar(ada, 'people-button');
    await until(() => part(ada.call, 'people').length === 1, 'People did not open');
    expect(panel().hidden, 'the chat beside the list').to.equal(false);

    expect(heardByPage, "the chat's events on the pages").to.deep.equal([]);

    // Leaving ends the chat with the call.
    await ada.call.leave();
    await until(() => !chatOf(ada), 'the chat stays after the call');
  });

  it('is left out beside a chat of the page, and with no-chat', async function () {
    this.timeout(60_000);
    const room = uniqueRoom('call-chat-none');
    // A page with both elements (as the demo has them), and a page whose call says no-chat.
    const withBoth = await addChatParticipant({ room, server: rtcServer, name: 'Ada' }, { withCall: true });
    const [bob] = await joinAll(room, rtcServer, ['Bob'], { 'no-chat': '' });
    const [cy] = await joinAll(room, rtcServer, ['Cy']);
    await until(() => [withBoth.call!, bob.call, cy.call].every((c) => c.participants.length === 2), 'not everyone is in the call with the others');
    // Cy's call, alone with its own, has a chat; it tells the others, who answer with theirs.
    await until(() => !!chatOf(cy), "Cy's call did not start its chat");
    // Ada and Bob were in the call before Cy: still no chat on their calls.
    for (const p of [withBoth.call!, bob.call]) {
      expect(part(p, 'chat-button'), `${p.getAttribute('name')}: Chat`).to.deep.equal([]);
      expect(part(p, 'chat'), `${p.getAttribute('name')}: the call's chat`).to.deep.equal([]);
    }
    // Cy writes in the call's chat; Ada's own chat shows it.
    await pressInBar(cy, 'chat-button');
    await until(() => part(cy.call, 'chat-panel')[0]?.hidden === false, "Cy's chat did not open");
    await until(() => focusedIn(cy)?.localName === 'textarea', 'focus not in the message box');
    await until(() => part(chatOf(cy)!, 'system-line').length > 0, "Cy's chat shows nothing");
    const box = focusedIn(cy) as HTMLTextAreaElement;
    box.value = 'Hi from the call';
    box.dispatchEvent(new Event('input', { bubbles: true }));
    (part(chatOf(cy)!, 'send-button')[0] as HTMLButtonElement).click();
    await until(() => shownMessages(withBoth.chat).includes('Hi from the call'), "Ada's chat did not get Cy's message");
  });
});
