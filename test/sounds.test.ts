// The chimes of a small call: two rising notes as someone comes in, two falling as someone
// leaves, for a visitor who is in another tab; none for those already there when the visitor
// joined, none for the visitor's own leave, and none at all on a page with `no-sounds`.
import { expect } from '@open-wc/testing';
import { rtcServer } from './env.js';
import { addParticipant, closeAll, joinAll, notesPlayed, uniqueRoom, until, untilEveryoneSeesEveryone } from './helpers.js';

const JOIN = [523, 784];
const LEAVE = [784, 523];

/** The notes heard, two by two (each chime is two notes). */
const chimes = (notes: number[]) => notes.flatMap((_, i) => (i % 2 ? [] : [JSON.stringify(notes.slice(i, i + 2))]));

describe('<rtc-call> sounds', () => {
  afterEach(closeAll);

  it('chimes as someone comes into a call or leaves it, but not for those already there, nor on a page with no-sounds', async () => {
    const room = uniqueRoom('sounds');
    const [ada] = await joinAll(room, rtcServer, ['Ada']);
    const adaHears = notesPlayed(ada);

    // Bob comes in: Ada hears it; Bob, who finds Ada already there, hears nothing.
    const bob = await addParticipant({ room, server: rtcServer, name: 'Bob' });
    const bobHears = notesPlayed(bob);
    bob.call.join();
    await untilEveryoneSeesEveryone([ada, bob]);
    await until(() => adaHears.length >= 2, () => `Ada's page played ${JSON.stringify(adaHears)}`);
    expect(adaHears.slice(0, 2), 'what Ada hears as Bob comes').to.deep.equal(JOIN);
    expect(bobHears, 'what Bob hears as he finds Ada there').to.deep.equal([]);

    // Cy, with no-sounds, comes in (Bob hears it); then Bob leaves. Ada hears him go; Bob, who left, and Cy do not.
    const cy = await addParticipant({ room, server: rtcServer, name: 'Cy', 'no-sounds': '', autojoin: '' });
    const cyHears = notesPlayed(cy);
    await untilEveryoneSeesEveryone([ada, bob, cy]);
    await until(() => bobHears.length === 2, () => `Bob's page played ${JSON.stringify(bobHears)}`);
    await bob.call.leave();
    await until(() => chimes(adaHears).includes(JSON.stringify(LEAVE)), () => `Ada's page played ${JSON.stringify(adaHears)}`);
    // Cy's coming may chime too, if it came 3 s or more after Bob's.
    expect(chimes(adaHears).slice(0, -1).every((c) => c === JSON.stringify(JOIN)), `what Ada hears: ${JSON.stringify(adaHears)}`).to.equal(true);
    await until(() => cy.call.participants.length === 1, 'Cy still sees Bob');
    expect(bobHears, 'what Bob hears as Cy comes and he leaves').to.deep.equal(JOIN);
    expect(cyHears, 'what Cy hears, with no-sounds').to.deep.equal([]);
  });
});
