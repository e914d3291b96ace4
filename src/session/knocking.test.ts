import { expect } from '@open-wc/testing';
import { FakeNetwork } from '../../test/fakes/peerjs.js';
import { until } from '../../test/helpers.js';
import { parseServerUrl } from './config.js';
import { KNOCK_LAPSE, KNOCK_LIST_EVERY, Knocking, type KnockingFrame, MAX_KNOCKING } from './knocking.js';
import { RoomSession, SessionError, type Knocker, type SessionTiming } from './room-session.js';

/** A holder's Knocking with a host that records what it was asked to do. */
function holder() {
  const sent: [string, KnockingFrame][] = [];
  const shown: (readonly Knocker[])[] = [];
  const letIn: string[] = [];
  const away: string[] = [];
  const knocking = new Knocking({
    send: (id, frame) => sent.push([id, frame]),
    changed: (list) => shown.push(list),
    letIn: (id, _info, nonce) => letIn.push(`${id}:${nonce}`),
    turnAway: (id, nonce) => away.push(`${id}:${nonce}`),
    waitingChanged: () => {},
  }, true);
  return { knocking, sent, shown, letIn, away };
}
const intro = (name: string, nonce = 'nonce-0001') => ({ name, media: true, nonce });

describe('Knocking', () => {
  it('keeps newcomers waiting, tells the members that take knocks, and answers them as someone says', () => {
    const { knocking, sent, shown, letIn, away } = holder();
    knocking.linked('M1', true);
    knocking.linked('M2', false);
    expect(knocking.knock('N1', intro('Ada', 'nonce-ada1'), 0)).to.equal('wait');
    expect(knocking.knock('N2', intro('Bob', 'nonce-bob1'), 0)).to.equal('wait');
    expect(knocking.list.map((k) => k.name)).to.deep.equal(['Ada', 'Bob']);
    expect(sent.map(([id]) => id), 'only the member that takes knock frames is told').to.deep.equal(['M1', 'M1']);
    expect(sent.at(-1)![1]).to.deep.equal({ t: 'knock', list: [{ id: 'N1', name: 'Ada' }, { id: 'N2', name: 'Bob' }] });
    // Asking again (the same question) changes nothing the members see.
    expect(knocking.knock('N1', intro('Ada', 'nonce-ada1'), 1000)).to.equal('wait');
    expect(sent).to.have.length(2);

    // A member lets Ada in; the holder's own visitor turns Bob away.
    knocking.frame('M1', { t: 'let-in', id: 'N1', allow: true });
    expect(letIn).to.deep.equal(['N1:nonce-ada1']);
    expect(knocking.answer('N2', false, 1000)).to.equal(true);
    expect(away).to.deep.equal(['N2:nonce-bob1']);
    expect(knocking.list).to.deep.equal([]);
    expect(shown.at(-1)).to.deep.equal([]);
    expect(knocking.answer('N2', true, 1000), 'nobody knocks as N2 any more').to.equal(false);

    // Asking again: Ada (whose welcome was lost) is let in at once; Bob is turned away at once.
    expect(knocking.knock('N1', intro('Ada', 'nonce-ada2'), 2000)).to.equal('in');
    expect(knocking.knock('N2', intro('Bob', 'nonce-bob2'), 2000)).to.equal('away');
  });

  it('holds at most MAX_KNOCKING, and lets those who stopped asking go', () => {
    const { knocking } = holder();
    for (let i = 0; i < MAX_KNOCKING; i++) expect(knocking.knock(`N${i}`, intro(`P${i}`), 0)).to.equal('wait');
    expect(knocking.knock('late', intro('Late'), 0), 'no place: no answer').to.equal('none');
    expect(knocking.knocks('N0')).to.equal(true);
    knocking.knock('N0', intro('P0'), KNOCK_LAPSE);
    knocking.sweep(KNOCK_LAPSE + 1);
    expect(knocking.list.map((k) => k.id), 'only the one that asked again still knocks').to.deep.equal(['N0']);
    expect(knocking.knock('late', intro('Late'), KNOCK_LAPSE + 2)).to.equal('wait');
  });

  it('takes what a link tells as a hint: cleaned, cut short, paced, gone with the link, answered through it', async () => {
    const { knocking, sent, shown } = holder();
    const list = Array.from({ length: 20 }, (_, i) => ({ id: `K${i}`, name: i === 0 ? 'E\u202Eve' : `P${i}` }));
    knocking.frame('H', { t: 'knock', list: [...list, { id: 'bad id!', name: 'x' }, 'junk', null] });
    expect(knocking.list).to.have.length(MAX_KNOCKING);
    expect(knocking.list[0]).to.deep.equal({ id: 'K0', name: 'Eve' });
    // A let-in frame for someone who does not knock at this page does nothing.
    knocking.frame('H', { t: 'let-in', id: 'K1', allow: true });
    expect(sent).to.deep.equal([]);
    // This page's answer goes to the link that listed them.
    expect(knocking.answer('K1', true)).to.equal(true);
    expect(sent).to.deep.equal([['H', { t: 'let-in', id: 'K1', allow: true }]]);

    // A flood of lists of invented people: shown a few times a second, ending as the link last said.
    const before = shown.length;
    const started = performance.now();
    for (let i = 0; i < 200; i++) knocking.frame('H', { t: 'knock', list: [{ id: `F${i}`, name: `Fake ${i}` }] });
    await until(() => knocking.list[0]?.id === 'F199', () => `shows ${JSON.stringify(knocking.list)}`);
    const seconds = (performance.now() - started) / 1000;
    expect(shown.length - before, `lists shown in ${seconds.toFixed(2)} s`).to.be.at.most(2 * Math.ceil(seconds / (KNOCK_LIST_EVERY / 1000)) + 1);

    knocking.frame('H', { t: 'knock', list: 'not a list' });
    await until(() => knocking.list.length === 0, 'a list that is not one empties it');
    knocking.frame('H2', { t: 'knock', list: [{ id: 'K3', name: 'Cy' }] });
    expect(knocking.list.map((k) => k.name)).to.deep.equal(['Cy']);
    knocking.unlinked('H2');
    expect(knocking.list).to.deep.equal([]);
  });
});

describe('Knocking, over a fake PeerServer', () => {
  const sessions: RoomSession[] = [];
  const make = (net: FakeNetwork, name: string, timing: Partial<SessionTiming> = {}, password = '') => {
    const s = new RoomSession({
      room: 'knocking room',
      password,
      server: parseServerUrl('http://fake.test/peerjs'),
      name,
      knock: true,
      peerFactory: net.factory,
      timing: { heartbeat: 50, quiet: 60_000, silence: 60_000, introTimeout: 300, takeoverStep: 20, knockAgain: 100, ...timing },
    });
    sessions.push(s);
    return s;
  };
  afterEach(() => {
    for (const s of sessions.splice(0)) s.destroy();
  });
  const names = (s: RoomSession) => s.participants.map((p) => p.name).sort();

  it('a newcomer meets nobody until someone in the room lets it in, and a page turned away is told so', async () => {
    const net = new FakeNetwork();
    const a = make(net, 'Ada');
    await a.join();

    // Bob knocks: Ada sees him; he waits, linked to nobody, until she lets him in.
    const b = make(net, 'Bob');
    let bobIn = false;
    const bobJoined = b.join().then(() => (bobIn = true));
    await until(() => a.knocking.length === 1 && b.waiting, 'Bob knocks at Ada');
    expect(a.knocking[0].name).to.equal('Bob');
    await new Promise((r) => setTimeout(r, 400)); // several questions again meanwhile
    expect(bobIn, 'not in while knocking').to.equal(false);
    expect(names(a)).to.deep.equal([]);
    expect(a.answerKnock(a.knocking[0].id, true)).to.equal(true);
    await bobJoined;
    await until(() => names(a).join() === 'Bob' && names(b).join() === 'Ada', 'Ada and Bob meet');
    expect(b.waiting).to.equal(false);
    expect(a.knocking).to.deep.equal([]);

    // Cy knocks: Bob (not the holder) sees him too, and his answer lets Cy in.
    const c = make(net, 'Cy');
    const cyJoined = c.join();
    await until(() => b.knocking.length === 1, 'Bob is told that Cy knocks');
    expect(b.answerKnock(b.knocking[0].id, true)).to.equal(true);
    await cyJoined;
    await until(() => names(c).join() === 'Ada,Bob', 'Cy meets both');
    await until(() => b.knocking.length === 0, "Bob's list empties");

    // Dee is turned away: her join fails, and she met nobody.
    const d = make(net, 'Dee');
    const refused = d.join().then(
      () => null,
      (e: SessionError) => e,
    );
    await until(() => c.knocking.length === 1, 'Cy sees Dee knock');
    c.answerKnock(c.knocking[0].id, false);
    const error = await refused;
    expect(error?.type).to.equal('not-let-in');
    expect(error?.facts.turnedAway).to.equal(true);
    expect(names(a)).to.deep.equal(['Bob', 'Cy']);
  });

  it('knocks in a private room too, where every signal is sealed', async () => {
    const net = new FakeNetwork();
    const a = make(net, 'Ada', {}, 'open sesame');
    await a.join();
    const b = make(net, 'Bob', {}, 'open sesame');
    const bobJoined = b.join();
    await until(() => a.knocking.length === 1 && b.waiting, 'Bob knocks at Ada');
    a.answerKnock(a.knocking[0].id, true);
    await bobJoined;
    await until(() => names(a).join() === 'Bob' && names(b).join() === 'Ada', 'Ada and Bob meet');
    const c = make(net, 'Cyrano', {}, 'open sesame');
    const refused = c.join().then(
      () => null,
      (e: SessionError) => e,
    );
    await until(() => b.knocking.length === 1, 'Bob sees Cyrano knock');
    b.answerKnock(b.knocking[0].id, false);
    expect((await refused)?.facts.turnedAway).to.equal(true);
    // The server saw no name in any signal it relayed.
    expect(net.relayed.length, 'signals relayed').to.be.greaterThan(0);
    expect(JSON.stringify(net.relayed)).not.to.contain('Cyrano');
  });

  it('a page nobody lets in gives up after knockWait, with not-let-in; one that gives up or leaves is off the list at once', async () => {
    const net = new FakeNetwork();
    const a = make(net, 'Ada');
    await a.join();
    const b = make(net, 'Bob', { knockWait: 600 });
    const error = await b.join().then(
      () => null,
      (e: SessionError) => e,
    );
    expect(error?.type).to.equal('not-let-in');
    expect(error?.facts.turnedAway).to.equal(undefined);
    expect(b.waiting).to.equal(false);
    // Well before KNOCK_LAPSE: Bob said that he gave up.
    await until(() => a.knocking.length === 0, 'Bob stops knocking at Ada', 3000);

    // Cy goes away while he knocks (Cancel): Ada's list empties as soon.
    const c = make(net, 'Cy');
    const cyJoined = c.join().catch((e: unknown) => e);
    await until(() => a.knocking.length === 1 && c.waiting, 'Cy knocks at Ada');
    await c.leave();
    await until(() => a.knocking.length === 0, 'Cy stops knocking at Ada', 3000);
    expect(c.waiting).to.equal(false);
    await cyJoined;
  });
});
