import { expect, fixture, html } from '@open-wc/testing';
import { render } from 'lit';
import { rtcServer } from '../../test/env.js';
import { FakeNetwork } from '../../test/fakes/peerjs.js';
import { uniqueRoom } from '../../test/helpers.js';
import { loadSession, type SessionModule } from '../controllers/lazy.js';
import de from '../i18n/de.js';
import fr from '../i18n/fr.js';
import { problemText, sessionProblem } from '../i18n/errors.js';
import { formatFor } from '../i18n/format.js';
import { english } from '../i18n/localizer.js';
import { SessionError, type Knocker } from '../session/types.js';
import type { SessionRequest } from '../session/registry.js';
import './chat/chat.js';
import type { RtcChat } from './chat/chat.js';
import { callKit } from './call/call-kit.js';
import './call/call.js';
import type { RtcCall } from './call/call.js';
import { renderKnockRequests } from './knock-requests.js';

/** The session options an element's attributes describe (its protected `sessionOptions`). */
function optionsOf(el: HTMLElement, lib: SessionModule): SessionRequest {
  return (el as unknown as { sessionOptions(lib: SessionModule): SessionRequest }).sessionOptions(lib);
}

// What the elements make of knocking, without a room; test/knock.test.ts has the rooms.
describe('knocking: the elements', () => {
  it('draws a row for each person asking, with buttons that name them and answer them', async () => {
    const answers: [string, boolean][] = [];
    const view = (knocking: Knocker[]) => renderKnockRequests({ kit: callKit, t: english, knocking, answer: (id, letIn) => answers.push([id, letIn]) });
    const box = await fixture<HTMLDivElement>(html`<div></div>`);
    render(view([]), box);
    expect(box.querySelector('[part~="knock-requests"]'), 'nothing while nobody asks').to.equal(null);
    render(
      view([
        { id: 'a', name: 'Ada' },
        { id: 'b', name: '' },
      ]),
      box,
    );
    expect(box.querySelector('[part~="knock-all"]')!.textContent).to.contain('2 people ask to join');
    const region = box.querySelector<HTMLElement>('[part~="knock-requests"]')!;
    expect(region.getAttribute('aria-label')).to.equal('Asking to join');
    const rows = [...box.querySelectorAll<HTMLElement>('[part~="knock-request"]')];
    expect(rows.map((r) => r.querySelector('p')!.textContent)).to.deep.equal(['Ada asks to join', 'Guest asks to join']);
    const letIn = [...box.querySelectorAll<HTMLButtonElement>('[part~="let-in-button"]')];
    const turnAway = [...box.querySelectorAll<HTMLButtonElement>('[part~="turn-away-button"]')];
    expect(letIn.map((b) => [b.textContent!.trim(), b.getAttribute('aria-label')])).to.deep.equal([
      ['Let in', 'Let in Ada'],
      ['Let in', 'Let in Guest'],
    ]);
    expect(turnAway.map((b) => b.getAttribute('aria-label'))).to.deep.equal(['Turn away Ada', 'Turn away Guest']);
    letIn[0].click();
    turnAway[1].click();
    expect(answers).to.deep.equal([
      ['a', true],
      ['b', false],
    ]);
    await expect(box).to.be.accessible();
    // Let everyone in answers each of them; with one left, the row that offers it goes.
    answers.length = 0;
    box.querySelector<HTMLButtonElement>('[part~="let-everyone-in-button"]')!.click();
    expect(answers).to.deep.equal([
      ['a', true],
      ['b', true],
    ]);
    render(view([{ id: 'b', name: '' }]), box);
    expect(box.querySelector('[part~="knock-all"]')).to.equal(null);
  });

  it('takes knock as an attribute and a property on both elements, off by default, and asks the session for it', async () => {
    const lib = await loadSession();
    const room = uniqueRoom('knock-option');
    const box = await fixture(html`<div>
      <rtc-call room=${room} server=${rtcServer} knock></rtc-call>
      <rtc-chat room=${room} server=${rtcServer} .peerFactory=${new FakeNetwork().factory} knock></rtc-chat>
      <rtc-call room=${room} server=${rtcServer}></rtc-call>
    </div>`);
    const [call, chat, plain] = [...box.children] as [RtcCall, RtcChat, RtcCall];
    expect([call.knock, chat.knock, plain.knock]).to.deep.equal([true, true, false]);
    expect(optionsOf(call, lib).knock).to.equal(true);
    expect(optionsOf(chat, lib).knock).to.equal(true);
    expect(optionsOf(plain, lib).knock).to.equal(false);
    plain.knock = true;
    expect(optionsOf(plain, lib).knock).to.equal(true);
  });

  it('says the refusals in every language', () => {
    const turned = sessionProblem(new SessionError('not-let-in', 'x', true, { turnedAway: true }))[1];
    const late = sessionProblem(new SessionError('not-let-in', 'x', true))[1];
    for (const t of [english, de(formatFor('de')), fr(formatFor('fr'))]) {
      expect(problemText(t, turned)).to.equal(t.errorTurnedAway);
      expect(problemText(t, late)).to.equal(t.errorNotLetIn);
      expect(t.errorTurnedAway).to.not.equal(t.errorNotLetIn);
      for (const words of [t.askingToJoin, t.letInSoon, t.waitingToBeLetIn, t.chatWaiting, t.knockRequests, t.letIn, t.turnAway, t.letEveryoneIn]) expect(words).to.be.a('string').and.not.equal('');
      expect(t.peopleAskToJoin(3)).to.contain('3');
      for (const said of [t.asksToJoin('Ada'), t.letInNamed('Ada'), t.turnAwayNamed('Ada')]) expect(said).to.contain('Ada');
    }
    expect(de(formatFor('de')).asksToJoin('Ada')).to.not.equal(english.asksToJoin('Ada'));
  });
});
