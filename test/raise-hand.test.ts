// Raising a hand between real pages: the others see it on the raiser's tile and are told, a
// newcomer sees a hand raised before it came, and a hand lowered or gone with its page goes for
// everyone.
import { expect } from '@open-wc/testing';
import { rtcServer } from './env.js';
import { addParticipant, cameraTileOf, closeAll, eventsOf, joinAll, part, readOut, uniqueRoom, until, untilEveryoneSeesEveryone, type TestParticipant } from './helpers.js';

const handOn = (p: TestParticipant, name: string) => !!cameraTileOf(p, name)?.querySelector('[part~="hand"]');

describe('raising a hand', () => {
  afterEach(closeAll);

  it('shows a raised hand to everyone on the tile, reads it out, shows it to a newcomer, and lowers it', async () => {
    const room = uniqueRoom('hand');
    const [ada, bob] = await joinAll(room, rtcServer, ['Ada', 'Bob']);
    await untilEveryoneSeesEveryone([ada, bob]);
    // What Bob's screen reader is told.
    const { said, stop } = readOut(bob.call);
    try {
      const button = () => part(ada.call, 'hand-button')[0];
      await until(() => button()?.textContent!.trim() === 'Raise hand', 'no Raise hand in the bar with someone to see it');
      button().click();
      await until(() => handOn(bob, 'Ada'), "Bob does not see Ada's hand");
      expect(cameraTileOf(bob, 'Ada')!.querySelector('[part~="hand"]')!.getAttribute('aria-label')).to.equal('Hand raised');
      expect(cameraTileOf(bob, 'Ada')!.matches('[part~="hand-tile"]')).to.equal(true);
      expect(bob.call.participants[0].hand, "Bob's participant for Ada").to.equal(true);
      // A script is told too.
      const updated = eventsOf(bob, 'rtc-participant-updated').map((e) => e.detail.participant);
      expect(updated.some((p) => p.name === 'Ada' && p.hand), 'rtc-participant-updated with the hand raised').to.equal(true);
      expect(handOn(ada, 'Ada'), 'on her own tile').to.equal(true);
      expect(handOn(ada, 'Bob') || handOn(bob, 'Bob'), "on Bob's").to.equal(false);
      expect(ada.call.handRaised).to.equal(true);
      expect(button().textContent!.trim(), 'the button now lowers it').to.equal('Lower hand');
      await until(() => said.some((t) => t.includes('Ada raised their hand')), () => `Bob is not told: ${JSON.stringify(said)}`, 5_000);

      // Cy comes while the hand is up: Ada's hello says so.
      const cy = await addParticipant({ room, server: rtcServer, name: 'Cy', autojoin: '' });
      await untilEveryoneSeesEveryone([ada, bob, cy]);
      await until(() => handOn(cy, 'Ada'), "Cy does not see the hand Ada raised before Cy came");

      // Lowered: gone for everyone, and not read out again.
      button().click();
      await until(() => !handOn(bob, 'Ada') && !handOn(cy, 'Ada') && !handOn(ada, 'Ada'), 'the hand is still shown');
      expect(cy.call.participants.find((p) => p.name === 'Ada')!.hand).to.equal(false);
      expect(said.filter((t) => t.includes('raised their hand')), 'read out once').to.have.length(1);

      // Raised by a script, shown to Ada and Bob; Cy's page leaves the call, and the hand goes with it.
      cy.call.toggleHand(true);
      await until(() => handOn(bob, 'Cy') && handOn(ada, 'Cy'), "Cy's hand is not shown");
      await cy.call.leave();
      expect(cy.call.handRaised, 'after leaving').to.equal(false);
      await until(() => !cameraTileOf(bob, 'Cy') && !cameraTileOf(ada, 'Cy'), "Cy's tile is still shown");
    } finally {
      stop();
    }
  });

  it('numbers the hands in the order they went up, alike on every page, a newcomer’s too', async () => {
    const room = uniqueRoom('hands');
    const [ada, bob] = await joinAll(room, rtcServer, ['Ada', 'Bob']);
    await untilEveryoneSeesEveryone([ada, bob]);
    const label = (p: TestParticipant, name: string) => cameraTileOf(p, name)?.querySelector('[part~="hand"]')?.getAttribute('aria-label') ?? null;
    bob.call.toggleHand(true);
    await until(() => handOn(ada, 'Bob'), "Ada does not see Bob's hand");
    // One hand up: no number.
    expect(label(ada, 'Bob')).to.equal('Hand raised');
    const heard = readOut(bob.call);
    ada.call.toggleHand(true);
    // Read out with its place: it went up second.
    await until(() => heard.said.some((t) => t.includes('Ada raised their hand, number 2')), () => `Bob hears ${JSON.stringify(heard.said)}`, 5_000);
    heard.stop();
    const first = 'Hand raised, number 1';
    const second = 'Hand raised, number 2';
    await until(() => label(bob, 'Ada') === second && label(bob, 'Bob') === first, () => `Bob sees Ada "${label(bob, 'Ada')}", Bob "${label(bob, 'Bob')}"`);
    await until(() => label(ada, 'Ada') === second && label(ada, 'Bob') === first, () => `Ada sees Ada "${label(ada, 'Ada')}", Bob "${label(ada, 'Bob')}"`);
    expect(cameraTileOf(ada, 'Bob')!.querySelector('[part~="hand"]')!.textContent!.trim()).to.equal('1');
    // Cy comes, and learns of both hands as each link says hello, most often Ada's (she holds the room) first: Bob's went up first.
    const cy = await addParticipant({ room, server: rtcServer, name: 'Cy', autojoin: '' });
    await untilEveryoneSeesEveryone([ada, bob, cy]);
    await until(() => label(cy, 'Ada') === second && label(cy, 'Bob') === first, () => `Cy sees Ada "${label(cy, 'Ada')}", Bob "${label(cy, 'Bob')}"`);
    // Bob lowers his: Ada's is the only one up, and has no number any more.
    bob.call.toggleHand(false);
    await until(() => label(cy, 'Ada') === 'Hand raised' && label(cy, 'Bob') === null, () => `Cy sees Ada "${label(cy, 'Ada')}", Bob "${label(cy, 'Bob')}"`);
  });
});
