import { expect } from '@open-wc/testing';
import { MAX_UNLINKED, Roster } from './roster.js';

const until = Date.now() + 60_000;
const named = (id: string) => ({ id, name: '', media: false });
const invented = (n: number, prefix = 'fake') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('the roster', () => {
  it('takes in names from a member that named fewer once a member naming invented ids filled it', () => {
    const roster = new Roster();
    for (const id of invented(MAX_UNLINKED)) expect(roster.know(named(id), until, 'known', false, 'mallory')).to.equal(true);
    expect(roster.know(named('one-more'), until, 'known', false, 'mallory'), 'the flooder names one more').to.equal(false);
    // The holder's word of a real newcomer still comes through, at the flooder's cost.
    expect(roster.know(named('newcomer'), until, 'known', false, 'holder')).to.equal(true);
    expect(roster.has('newcomer')).to.equal(true);
    expect(roster.has('fake-0'), "the flooder's oldest name gave way").to.equal(false);
  });

  it('shares the names of linked members fairly: each keeps about an even part once full', () => {
    const roster = new Roster();
    for (const id of invented(MAX_UNLINKED, 'm')) roster.know(named(id), until, 'known', false, 'mallory');
    for (const id of invented(MAX_UNLINKED, 'e')) roster.know(named(id), until, 'known', false, 'eve');
    const kept = (prefix: string) => invented(MAX_UNLINKED, prefix).filter((id) => roster.has(id)).length;
    expect(kept('m') + kept('e')).to.equal(MAX_UNLINKED);
    expect(Math.abs(kept('m') - kept('e'))).to.be.at.most(1);
  });

  it("keeps room for this page's own admissions however many others named", () => {
    const roster = new Roster();
    for (const id of invented(MAX_UNLINKED)) roster.know(named(id), until, 'known', false, 'mallory');
    expect(roster.know(named('newcomer'), until, 'admitted')).to.equal(true);
    expect(roster.admitted().map((m) => m.id)).to.deep.equal(['newcomer']);
    expect(roster.places()).to.equal(1);
    // Its own are bounded too.
    for (const id of invented(MAX_UNLINKED - 1, 'own')) expect(roster.know(named(id), until, 'admitted')).to.equal(true);
    expect(roster.know(named('too-many'), until, 'admitted')).to.equal(false);
  });

  it("does not let a member's flood take a name this page took in itself", () => {
    const roster = new Roster();
    roster.know(named('newcomer'), until, 'known', false, 'mallory');
    roster.know(named('newcomer'), until, 'admitted');
    for (const id of invented(MAX_UNLINKED)) roster.know(named(id), until, 'known', false, 'mallory');
    expect(roster.know(named('real'), until, 'known', false, 'holder')).to.equal(true);
    expect(roster.has('newcomer')).to.equal(true);
  });

  it('keeps when a hand went up, from how long its member says it has been up, until it goes down', () => {
    const roster = new Roster();
    const info = { name: 'Ada', media: true, mic: true, cam: true, react: true, screen: '' };
    const up = roster.link('ada', { ...info, hand: true, handFor: 60_000 }, true);
    expect(Date.now() - up.handRaisedAt, 'raised a minute before the hello').to.be.within(60_000, 61_000);
    // Later frames of a hand still up leave its time as it was.
    roster.update('ada', { hand: true, handFor: 5 });
    expect(roster.get('ada')!.handRaisedAt).to.equal(up.handRaisedAt);
    roster.update('ada', { hand: false });
    expect(roster.get('ada')!.handRaisedAt).to.equal(0);
    // Raised again, by a page that does not say how long: now.
    roster.update('ada', { hand: true });
    expect(Date.now() - roster.get('ada')!.handRaisedAt).to.be.within(0, 1_000);
    expect(roster.link('bob', { ...info, hand: false, handFor: 9 }, true).handRaisedAt, 'a hand down').to.equal(0);
  });
});
