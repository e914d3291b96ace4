// Reactions between real pages: sent from the panel above the bar, they rise on the sender's tile
// for everyone, are read out and told to scripts, and go after a few seconds; a member that
// floods them, or sends what the call does not offer, changes little.
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { RoomSession, createPeer, parseServerUrl } from '../src/session/index.js';
import { rtcServer } from './env.js';
import { cameraTileOf, closeAll, eventsOf, joinAll, part, pressInBar, readOut, uniqueRoom, until, untilEveryoneSeesEveryone, type TestParticipant } from './helpers.js';

const reactionsOn = (p: TestParticipant, name: string) => [...(cameraTileOf(p, name)?.querySelectorAll('[part~="reaction"]') ?? [])].map((r) => r.textContent);
const focused = (p: TestParticipant) => p.call.shadowRoot!.activeElement;

/** Opens the reactions with React, from More when the bar holds it there. */
async function openReactions(p: TestParticipant): Promise<void> {
  await pressInBar(p, 'react-button');
  await until(() => part(p.call, 'reactions-panel').length === 1, 'the reactions did not open');
}

describe('reactions', () => {
  afterEach(closeAll);

  it('sends a reaction from the panel: it rises on the sender\'s tile for everyone, is read out and told to scripts, then goes', async () => {
    const [ada, bob] = await joinAll(uniqueRoom('react'), rtcServer, ['Ada', 'Bob']);
    await untilEveryoneSeesEveryone([ada, bob]);
    const { said, stop } = readOut(bob.call);
    const mine = readOut(ada.call);
    try {
      await openReactions(ada);
      const buttons = part(ada.call, 'reaction-button');
      expect(buttons.map((b) => b.getAttribute('aria-label'))).to.deep.equal(['Thumbs up', 'Applause', 'Laughter', 'Surprise', 'Love', 'Celebration']);
      await until(() => focused(ada) === buttons[0], 'focus is not on the first reaction');
      // The arrow keys move among them, as in a menu.
      await sendKeys({ press: 'ArrowRight' });
      expect(focused(ada)).to.equal(buttons[1]);
      await sendKeys({ press: 'Enter' });
      await until(() => reactionsOn(bob, 'Ada').join() === '👏', () => `Bob sees ${JSON.stringify(reactionsOn(bob, 'Ada'))} on Ada's tile`);
      expect(reactionsOn(ada, 'Ada'), 'on her own tile').to.deep.equal(['👏']);
      expect(reactionsOn(bob, 'Bob').length + reactionsOn(ada, 'Bob').length, "nothing on Bob's").to.equal(0);
      const [event] = eventsOf(bob, 'rtc-reaction');
      expect([event.detail.participant.name, event.detail.emoji]).to.deep.equal(['Ada', '👏']);
      expect(eventsOf(ada, 'rtc-reaction'), "Ada's page is not told of her own").to.have.length(0);
      await until(() => said.some((t) => t.includes('Ada reacted: Applause')), () => `Bob is not told: ${JSON.stringify(said)}`, 5_000);
      await until(() => mine.said.some((t) => t.includes('You reacted: Applause')), () => `Ada is not told: ${JSON.stringify(mine.said)}`, 5_000);
      expect(part(ada.call, 'reactions-panel'), 'the panel stays open for more').to.have.length(1);

      // A script reacts too; what the call does not offer does not go.
      expect(bob.call.react('🦄'), 'an emoji not offered').to.equal(false);
      await until(() => bob.call.react('🎉'), 'Bob could not react');
      await until(() => reactionsOn(ada, 'Bob').join() === '🎉', "Ada does not see Bob's reaction");

      // Escape closes the panel, and focus goes back to React (or More that holds it).
      await sendKeys({ press: 'Escape' });
      await until(() => part(ada.call, 'reactions-panel').length === 0, 'Escape did not close the reactions');
      await until(() => ['react-button', 'more-button'].some((name) => focused(ada)?.matches(`[part~="${name}"]`)), () => `focus is on ${focused(ada)?.getAttribute('part')}`);

      // A few seconds later they are gone.
      await until(() => reactionsOn(bob, 'Ada').length + reactionsOn(ada, 'Ada').length + reactionsOn(ada, 'Bob').length === 0, 'the reactions stay', 10_000);
      // Out of the call, nothing goes.
      await bob.call.leave();
      expect(bob.call.react('👍')).to.equal(false);
    } finally {
      stop();
      mine.stop();
    }
  });

  it("shows a member that floods reactions a few times a second at most, and none it does not offer, nor a chat-only member's", async () => {
    const room = uniqueRoom('react-flood');
    const [ada] = await joinAll(room, rtcServer, ['Ada']);
    const server = parseServerUrl(rtcServer);
    const eve = new RoomSession({ room, server, name: 'Eve', peerFactory: createPeer });
    const chatOnly = new RoomSession({ room, server, name: 'Cy', peerFactory: createPeer });
    // Every time Ada's page shows a reaction (its nodes are the frame's, not this window's Elements).
    let shown = 0;
    const observer = new MutationObserver((records) => {
      for (const r of records) {
        for (const n of r.addedNodes) {
          const added = n as Element;
          if (added.nodeType !== 1) continue;
          shown += (added.matches('[part~="reaction"]') ? 1 : 0) + added.querySelectorAll('[part~="reaction"]').length;
        }
      }
    });
    try {
      eve.enableMedia(null);
      await Promise.all([eve.join(), chatOnly.join()]);
      await until(() => ada.call.participants.map((p) => p.name).join() === 'Eve' && ada.call.shadowRoot!.querySelector('[part~="controls"]') !== null, 'Eve is not in the call');
      await until(() => eve.participants.length === 2 && chatOnly.participants.length === 2, 'the sessions are not linked');
      const to = ada.call.peerId!;
      observer.observe(ada.call.shadowRoot!, { childList: true, subtree: true });
      const start = performance.now();
      for (let i = 0; i < 2_000; i++) {
        eve.send(to, { t: 'react', emoji: i % 3 ? '👍' : '🦄' });
        chatOnly.send(to, { t: 'react', emoji: '👍' });
      }
      eve.send(to, { t: 'react', emoji: '🎉' });
      // Frames arrive in order: once this rename shows, every reaction before it was handled.
      eve.send(to, { t: 'state', media: true, mic: false, cam: false, name: 'Eve2' });
      await until(() => ada.call.participants[0]?.name === 'Eve2', 'the rename did not come');
      const took = performance.now() - start;
      await until(() => reactionsOn(ada, 'Eve2').at(-1) === '🎉', () => `Eve's tile shows ${JSON.stringify(reactionsOn(ada, 'Eve2'))}`);
      expect(shown, `shown ${shown} times in ${Math.round(took)} ms`).to.be.at.most(3 + Math.ceil(took / 250));
      expect(reactionsOn(ada, 'Eve2').every((e) => e === '👍' || e === '🎉'), 'only what the call offers').to.equal(true);
      expect(reactionsOn(ada, 'Eve2').length).to.be.at.most(3);
      expect(eventsOf(ada, 'rtc-reaction').every((e) => e.detail.participant.id === eve.id)).to.equal(true);
      expect(eventsOf(ada, 'rtc-error'), 'nothing to report').to.have.length(0);
    } finally {
      observer.disconnect();
      await Promise.all([eve.leave(), chatOnly.leave()]);
    }
  });
});
