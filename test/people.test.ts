// The call's people, listed above the bar (People): who is here, what each one's tile shows of
// them (a raised hand and its place, microphone and camera off), kept up to date as it changes,
// with Pin to show someone's tile large and Mute for you to silence someone on this page only;
// Escape closes it, focus going back to People.
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { rtcServer } from './env.js';
import { closeAll, joinAll, part, pressInBar, uniqueRoom, until, untilEveryoneSeesEveryone, type TestParticipant } from './helpers.js';

/** The list's rows as the visitor reads them: each one's name, and the words of its signs (but the connection's quality, which comes when judged). */
function rows(p: TestParticipant): string[] {
  return part(p.call, 'person').map((row) => {
    const signs = [...row.querySelectorAll('[role="img"]:not([part~="quality"])')].map((s) => s.getAttribute('aria-label'));
    return [row.querySelector('[part~="person-name"]')!.textContent!.trim(), ...signs].join(' | ');
  });
}

/** Opens the list with People, from More when the bar holds it there. */
async function openPeople(p: TestParticipant): Promise<void> {
  await pressInBar(p, 'people-button');
  await until(() => part(p.call, 'people').length === 1, 'the list did not open');
}

describe("the call's people", () => {
  afterEach(closeAll);

  it('lists everyone with their hand, microphone and camera, keeps up as they change, mutes someone for the visitor only, pins a tile, and closes with Escape', async function () {
    this.timeout(60_000);
    const [ada, bob, cy] = await joinAll(uniqueRoom('people'), rtcServer, ['Ada', 'Bob', 'Cy']);
    await untilEveryoneSeesEveryone([ada, bob, cy]);
    const focused = () => ada.call.shadowRoot!.activeElement;
    await openPeople(ada);
    await until(() => focused()?.matches('[part~="people"]') ?? false, () => `focus on ${focused()?.getAttribute('part')}, not the list`);
    expect(part(ada.call, 'people-button')[0].getAttribute('aria-expanded')).to.equal('true');
    await until(() => rows(ada).join('\n') === ['Ada (you)', 'Bob', 'Cy'].join('\n'), () => rows(ada).join('\n'));
    expect(part(ada.call, 'people')[0].textContent, 'its heading').to.include('3 in call');
    // The connection with each of the others, once judged (every 2 s), good too; none for Ada's own row.
    const qualityIn = (row: number) => part(ada.call, 'person')[row]?.querySelector('[part~="quality"]');
    await until(() => !!qualityIn(1) && !!qualityIn(2), 'no connection quality in the rows of Bob and Cy');
    for (const row of [1, 2]) {
      expect(['Good connection', 'Weak connection', 'Bad connection']).to.include(qualityIn(row)!.getAttribute('aria-label'));
      expect(qualityIn(row)!.getBoundingClientRect().width, 'shown').to.be.above(0);
      const bars = [...qualityIn(row)!.querySelectorAll('path')];
      expect(bars.map((b) => b.namespaceURI === 'http://www.w3.org/2000/svg' && b.getBoundingClientRect().height > 0), 'its three bars drawn').to.deep.equal([true, true, true]);
    }
    expect(qualityIn(0), "on Ada's own row").to.equal(null);

    // Cy raises a hand and turns the camera off, then Bob mutes and raises his: the hands come
    // first, in the order they went up.
    await cy.call.toggleHand();
    await cy.call.toggleCamera();
    await until(() => rows(ada)[1] === 'Cy | Hand raised | Camera off', () => rows(ada).join('\n'));
    await bob.call.toggleMicrophone();
    await bob.call.toggleHand();
    const both = ['Ada (you)', 'Cy | Hand raised, number 1 | Camera off', 'Bob | Hand raised, number 2 | Microphone off'];
    await until(() => rows(ada).join('\n') === both.join('\n'), () => rows(ada).join('\n'));
    await cy.call.toggleHand();
    await until(() => rows(ada).join('\n') === ['Ada (you)', 'Bob | Hand raised | Microphone off', 'Cy | Camera off'].join('\n'), () => rows(ada).join('\n'));

    // Muted for Ada only: Bob's sound stops on her page, and his tile says why; Cy still hears him.
    const rowOf = (p: TestParticipant, name: string) => part(p.call, 'person').find((r) => r.textContent!.includes(name))!;
    const bobsSound = (p: TestParticipant) => part(p.call, 'tile').find((t) => t.textContent!.includes('Bob'))?.querySelector('audio');
    expect(rowOf(ada, 'Ada').querySelector('[part~="person-mute-button"]'), 'Mute for you on her own row').to.equal(null);
    const mute = () => rowOf(ada, 'Bob').querySelector<HTMLButtonElement>('[part~="person-mute-button"]')!;
    expect([mute().getAttribute('aria-label'), mute().getAttribute('aria-pressed'), bobsSound(ada)?.muted]).to.deep.equal(['Mute Bob for you', 'false', false]);
    mute().click();
    await until(() => bobsSound(ada)?.muted === true && mute().getAttribute('aria-pressed') === 'true', "Bob's sound still plays for Ada");
    const bobsTile = () => part(ada.call, 'tile').find((t) => t.textContent!.includes('Bob'))!;
    expect(bobsTile().querySelector('[part~="muted-for-you"]')?.getAttribute('aria-label'), "on Bob's tile").to.equal('Muted for you');
    expect(bobsSound(cy)?.muted, "Bob's sound for Cy").to.equal(false);
    mute().click();
    await until(() => bobsSound(ada)?.muted === false && !bobsTile().querySelector('[part~="muted-for-you"]'), "Bob's sound does not play again for Ada");

    // Pin from the list: Cy's tile shows large.
    const pinOf = (name: string) => part(ada.call, 'person').find((r) => r.textContent!.includes(name))!.querySelector<HTMLButtonElement>('[part~="person-pin-button"]')!;
    pinOf('Cy').click();
    const cysTile = () => part(ada.call, 'tile').find((t) => t.textContent!.includes('Cy'));
    await until(() => cysTile()?.matches('[part~="pinned-tile"]') ?? false, "Cy's tile is not pinned");
    expect(pinOf('Cy').getAttribute('aria-pressed')).to.equal('true');

    // Someone leaving leaves the list.
    bob.close();
    await until(() => rows(ada).join('\n') === ['Ada (you)', 'Cy | Camera off'].join('\n'), () => rows(ada).join('\n'));

    // Escape closes it, focus back on People.
    pinOf('Cy').focus();
    await sendKeys({ press: 'Escape' });
    await until(() => part(ada.call, 'people').length === 0, 'the list stays open');
    await until(() => focused()?.matches('[part~="people-button"], [part~="more-button"]') ?? false, () => `focus on ${focused()?.getAttribute('part')}`);

    // Alone again, the list closes with its button, and does not open by itself for the next one.
    await openPeople(ada);
    cy.close();
    await until(() => part(ada.call, 'alone').length === 1 && part(ada.call, 'people-button').length === 0, 'not alone, or People stays');
    const [dee] = await joinAll(ada.call.room, rtcServer, ['Dee']);
    await untilEveryoneSeesEveryone([ada, dee]);
    await until(() => part(ada.call, 'people-button').length === 1, 'no People with Dee');
    expect(part(ada.call, 'people'), 'the list, open by itself').to.have.length(0);
  });

  it("shows the figures of the connection with someone under their row, moving with each measure, until pressed again", async function () {
    this.timeout(60_000);
    const [ada, bob] = await joinAll(uniqueRoom('figures'), rtcServer, ['Ada', 'Bob']);
    await untilEveryoneSeesEveryone([ada, bob]);
    await openPeople(ada);
    const button = () => part(ada.call, 'person')[1]?.querySelector<HTMLButtonElement>('[part~="person-quality-button"]');
    await until(() => !!button(), 'no connection sign to press in the row of Bob');
    expect(button()!.getAttribute('aria-expanded')).to.equal('false');
    expect(button()!.getAttribute('aria-label')).to.match(/^(Good|Weak|Bad) connection with Bob: details$/);
    expect(part(ada.call, 'person')[0].querySelector('[part~="person-quality-button"]'), "on Ada's own row").to.equal(null);
    button()!.click();
    const figures = () =>
      Object.fromEntries(part(ada.call, 'connection-details').flatMap((d) => [...d.querySelectorAll('dt')].map((dt) => [dt.textContent!.trim(), dt.nextElementSibling!.textContent!.trim()])));
    await until(() => Object.keys(figures()).length >= 5, () => `the figures shown: ${JSON.stringify(figures())}`);
    expect(button()!.getAttribute('aria-expanded')).to.equal('true');
    const details = part(ada.call, 'connection-details')[0];
    expect(details.id, 'what the button controls').to.equal(button()!.getAttribute('aria-controls'));
    expect(part(ada.call, 'person')[1].contains(details), "under Bob's row").to.equal(true);
    expect(details.getBoundingClientRect().height, 'shown').to.be.above(0);
    const first = figures();
    expect(first['Round trip'], 'the round trip').to.match(/^\d+ ms$/);
    expect(first['Jitter'], 'the jitter').to.match(/^\d+ ms$/);
    expect(first['Packets lost'], 'the packets lost each way').to.match(/^\d+\.\d% in, (\d+\.\d%|–) out$/);
    expect(first['Data'], 'the data each way').to.match(/^\d+(\.\d)? [kM]b\/s in, \d+(\.\d)? [kM]b\/s out$/);
    expect(first['Their camera'], "Bob's camera as it comes").to.match(/^\d+ × \d+, \d+ fps$/);
    expect(first['Route'], 'on one machine').to.equal('Direct');
    // Measured again every 2 s: the rates move.
    await until(() => figures()['Data'] !== first['Data'], () => `the figures stay ${JSON.stringify(figures())}`, 10_000);
    // Pressed again, they go.
    button()!.click();
    await until(() => part(ada.call, 'connection-details').length === 0, 'the figures stay');
    expect(button()!.getAttribute('aria-expanded')).to.equal('false');
  });
});
