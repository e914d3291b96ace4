import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { render } from 'lit';
import { rtcServer } from '../../../test/env.js';
import { FakeNetwork } from '../../../test/fakes/peerjs.js';
import { part, readOut, uniqueRoom, until } from '../../../test/helpers.js';
import { loadSession, type SessionModule } from '../../controllers/lazy.js';
import type { RtcErrorEvent } from '../../events/error.js';
import type { RtcKnockEvent } from '../../events/knock.js';
import de from '../../i18n/de.js';
import fr from '../../i18n/fr.js';
import { problemText, sessionProblem } from '../../i18n/errors.js';
import { formatFor } from '../../i18n/format.js';
import { english } from '../../i18n/localizer.js';
import { RoomSession } from '../../session/room-session.js';
import { SessionError, type Knocker, type RoomSessionEvents } from '../../session/types.js';
import type { SessionRequest } from '../../session/registry.js';
import '../chat/chat.js';
import type { RtcChat } from '../chat/chat.js';
import { callKit } from './call-kit.js';
import './call.js';
import type { RtcCall } from './call.js';
import { renderKnockRequests } from './knock-requests.js';

/**
 * The session's side of knocking, played by the test for every RoomSession of the page: who
 * knocks, whether this page waits, the answers given, and (when set) how a join ends. The
 * session layer's own tests cover the protocol; these cover what the elements make of it.
 */
function knockingSessions() {
  const proto = RoomSession.prototype;
  const names = ['knocking', 'waiting', 'answerKnock', 'join'] as const;
  const saved = names.map((name) => [name, Object.getOwnPropertyDescriptor(proto, name)!] as const);
  const realJoin = proto.join;
  const sessions = new Set<RoomSession>();
  const fake = {
    /** The sessions that began joining, which the events go to. */
    sessions,
    knocking: [] as Knocker[],
    waiting: false,
    answers: [] as [string, boolean][],
    /** What a join does instead of joining, when set. */
    join: null as null | (() => Promise<void>),
    emit<K extends keyof RoomSessionEvents>(event: K, ...args: Parameters<RoomSessionEvents[K]>) {
      for (const session of sessions) (session as unknown as { emit(e: K, ...a: Parameters<RoomSessionEvents[K]>): void }).emit(event, ...args);
    },
    knock(...knockers: Knocker[]) {
      fake.knocking = knockers;
      fake.emit('knocks', knockers);
    },
    wait(waiting: boolean) {
      fake.waiting = waiting;
      fake.emit('waiting', waiting);
    },
    restore() {
      for (const [name, descriptor] of saved) Object.defineProperty(proto, name, descriptor);
    },
  };
  Object.defineProperty(proto, 'knocking', { configurable: true, get: () => fake.knocking });
  Object.defineProperty(proto, 'waiting', { configurable: true, get: () => fake.waiting });
  Object.defineProperty(proto, 'answerKnock', {
    configurable: true,
    writable: true,
    value(id: string, letIn: boolean) {
      if (!fake.knocking.some((k) => k.id === id)) return false;
      fake.answers.push([id, letIn]);
      fake.knock(...fake.knocking.filter((k) => k.id !== id));
      return true;
    },
  });
  Object.defineProperty(proto, 'join', {
    configurable: true,
    writable: true,
    value(this: RoomSession) {
      sessions.add(this);
      return fake.join ? fake.join() : realJoin.call(this);
    },
  });
  return fake;
}

/** The session options an element's attributes describe (its protected `sessionOptions`). */
function optionsOf(el: HTMLElement, lib: SessionModule): SessionRequest {
  return (el as unknown as { sessionOptions(lib: SessionModule): SessionRequest }).sessionOptions(lib);
}

/** The text of a part, in one line. */
const textOf = (el: HTMLElement | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

describe('knocking: the people in the call let newcomers in', () => {
  let fake: ReturnType<typeof knockingSessions>;
  beforeEach(() => (fake = knockingSessions()));
  afterEach(() => fake.restore());

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

  it('shows the people in the call who asks to join, reads each out once, fires rtc-knock, and answers with the buttons or the methods', async () => {
    const el = await fixture<RtcCall>(html`<rtc-call room=${uniqueRoom('knock-member')} server=${rtcServer} name="Bo"></rtc-call>`);
    expect(el.letIn('k1'), 'outside a call').to.equal(false);
    await el.join();
    const heard = readOut(el);
    const knocks: RtcKnockEvent[] = [];
    el.addEventListener('rtc-knock', (e) => knocks.push(e));
    try {
      fake.knock({ id: 'k1', name: 'Ada' });
      fake.knock({ id: 'k1', name: 'Ada' }, { id: 'k2', name: 'Cy' });
      await el.updateComplete;
      expect(knocks.map((e) => e.detail.knocker)).to.deep.equal([
        { id: 'k1', name: 'Ada' },
        { id: 'k2', name: 'Cy' },
      ]);
      expect(knocks[0].bubbles && knocks[0].composed).to.equal(true);
      expect(el.knocking.map((k) => k.id)).to.deep.equal(['k1', 'k2']);
      expect(part(el, 'knock-request').map(textOf)).to.deep.equal(['Ada asks to join Let in Turn away', 'Cy asks to join Let in Turn away']);
      // Above the stage, and the control bar below it, both in view.
      const region = part(el, 'knock-requests')[0].getBoundingClientRect();
      expect(region.bottom).to.be.at.most(part(el, 'grid')[0].getBoundingClientRect().top + 1);
      expect(part(el, 'controls')[0].getBoundingClientRect().bottom).to.be.at.most(el.getBoundingClientRect().bottom + 1);
      await expect(el).to.be.accessible();
      await until(() => heard.said.some((s) => s.includes('Ada asks to join.') && s.includes('Cy asks to join.')), () => `read out: ${heard.said.join(' | ')}`);

      part(el, 'let-in-button')[0].click();
      await el.updateComplete;
      expect(fake.answers).to.deep.equal([['k1', true]]);
      expect(part(el, 'knock-request').map(textOf)).to.deep.equal(['Cy asks to join Let in Turn away']);
      expect(el.letIn('k1'), 'no longer asking').to.equal(false);
      expect(el.turnAway('k2')).to.equal(true);
      expect(fake.answers).to.deep.equal([
        ['k1', true],
        ['k2', false],
      ]);
      await el.updateComplete;
      expect(part(el, 'knock-requests')).to.have.length(0);
      // Still asking, said again: no second rtc-knock.
      expect(knocks).to.have.length(2);

      fake.knock({ id: 'k3', name: 'Di' });
      await el.leave();
      expect(el.knocking).to.deep.equal([]);
      expect(el.letIn('k3'), 'outside a call').to.equal(false);
    } finally {
      heard.stop();
    }
  });

  it('shows a newcomer waiting to be let in, with Cancel back to the lobby', async () => {
    const net = new FakeNetwork();
    net.silent = true; // the join never ends on its own
    const el = await fixture<RtcCall>(html`<rtc-call knock room=${uniqueRoom('knock-newcomer')} server=${rtcServer} .peerFactory=${net.factory}></rtc-call>`);
    const heard = readOut(el);
    try {
      const join = part(el, 'join-button')[0];
      join.focus();
      join.click();
      await until(() => el.phase === 'joining' && fake.sessions.size > 0, () => `phase ${el.phase}`);
      expect(el.matches(':state(waiting)')).to.equal(false);
      fake.wait(true);
      await el.updateComplete;
      expect(el.matches(':state(waiting)')).to.equal(true);
      expect(el.matches(':state(joining)')).to.equal(true);
      expect(textOf(part(el, 'status')[0])).to.equal('Waiting to be let in');
      const panel = part(el, 'waiting')[0];
      expect(panel.querySelector('h2')!.textContent).to.equal('Asking to join…');
      expect(textOf(panel)).to.contain('Someone in the call will let you in.');
      expect(part(el, 'controls'), 'no call yet').to.have.length(0);
      const cancel = part(el, 'cancel-button')[0];
      expect(cancel.textContent!.trim()).to.equal('Cancel');
      await until(() => el.shadowRoot!.activeElement === cancel, 'focus did not go to Cancel');
      await until(() => heard.said.includes('Asking to join… Someone in the call will let you in.'), () => `read out: ${heard.said.join(' | ')}`);
      await expect(el).to.be.accessible();

      const left = oneEvent(el, 'rtc-left');
      cancel.click();
      expect((await left).detail.reason).to.equal('user');
      await el.updateComplete;
      expect(el.phase).to.equal('left');
      expect(el.matches(':state(waiting)')).to.equal(false);
      expect(part(el, 'waiting')).to.have.length(0);
      expect(part(el, 'join-button')).to.have.length(1);
      await until(() => el.shadowRoot!.activeElement === part(el, 'join-button')[0], 'focus did not go back to Join');
    } finally {
      heard.stop();
    }
  });

  it('says why a knock failed, turned away or not let in in time, with Try again, and fires rtc-error once each', async () => {
    const errors: RtcErrorEvent[] = [];
    fake.join = () => Promise.reject(new SessionError('not-let-in', 'Someone in the room turned this page away.', true, { turnedAway: true }));
    const el = await fixture<RtcCall>(html`<rtc-call knock room=${uniqueRoom('knock-refused')} server=${rtcServer} @rtc-error=${(e: RtcErrorEvent) => errors.push(e)}></rtc-call>`);
    let outcome = await el.join().then(
      () => 'joined',
      () => 'rejected',
    );
    await el.updateComplete;
    expect(outcome).to.equal('rejected');
    expect(el.phase).to.equal('error');
    expect(errors.map((e) => [e.detail.type, e.detail.fatal])).to.deep.equal([['not-let-in', true]]);
    expect(textOf(part(el, 'error')[0].querySelector('p')!)).to.equal('Someone in the call turned you away.');
    await expect(el).to.be.accessible();

    fake.join = () => Promise.reject(new SessionError('not-let-in', 'Nobody let this page in.', true));
    const again = part(el, 'join-button')[0];
    expect(again.textContent!.trim()).to.equal('Try again');
    again.click();
    await until(() => errors.length === 2, () => `${errors.length} errors`);
    await el.updateComplete;
    expect(errors[1].detail.type).to.equal('not-let-in');
    expect(textOf(part(el, 'error')[0].querySelector('p')!)).to.equal('Nobody let you in. Try again later.');

    // Let in this time.
    fake.join = null;
    outcome = await el.join().then(
      () => 'joined',
      () => 'rejected',
    );
    expect(outcome).to.equal('joined');
    expect(errors).to.have.length(2);
    await el.leave();
  });

  it('says the refusals in every language', () => {
    const turned = sessionProblem(new SessionError('not-let-in', 'x', true, { turnedAway: true }))[1];
    const late = sessionProblem(new SessionError('not-let-in', 'x', true))[1];
    for (const t of [english, de(formatFor('de')), fr(formatFor('fr'))]) {
      expect(problemText(t, turned)).to.equal(t.errorTurnedAway);
      expect(problemText(t, late)).to.equal(t.errorNotLetIn);
      expect(t.errorTurnedAway).to.not.equal(t.errorNotLetIn);
      for (const words of [t.askingToJoin, t.letInSoon, t.waitingToBeLetIn, t.chatWaiting, t.knockRequests, t.letIn, t.turnAway]) expect(words).to.be.a('string').and.not.equal('');
      for (const said of [t.asksToJoin('Ada'), t.letInNamed('Ada'), t.turnAwayNamed('Ada')]) expect(said).to.contain('Ada');
    }
    expect(de(formatFor('de')).asksToJoin('Ada')).to.not.equal(english.asksToJoin('Ada'));
  });

  it("<rtc-chat> says it waits to be let in, and shows nobody's request", async () => {
    const net = new FakeNetwork();
    net.silent = true;
    const el = await fixture<RtcChat>(html`<rtc-chat knock room=${uniqueRoom('knock-chat')} server=${rtcServer} .peerFactory=${net.factory}></rtc-chat>`);
    await until(() => el.phase === 'joining' && fake.sessions.size > 0, () => `phase ${el.phase}`);
    await el.updateComplete;
    expect(textOf(part(el, 'status')[0])).to.equal('Connecting…');
    fake.wait(true);
    fake.knock({ id: 'k1', name: 'Ada' });
    await el.updateComplete;
    expect(textOf(part(el, 'status')[0])).to.equal('Waiting for someone in the call to let you in…');
    expect(part(el, 'knock-requests')).to.have.length(0);
    await expect(el).to.be.accessible();
  });
});
