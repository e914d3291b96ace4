import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { ParticipantStats, RtcConnectionQualityEvent } from '../src/index.js';
import { rtcServer } from './env.js';
import { addParticipant, closeAll, loseUdpUntil, part, uniqueRoom, until, untilEveryoneSeesEveryone, type TestParticipant } from './helpers.js';

/** A participant whose rtc-connection-quality events are recorded from before it joins. */
interface Watched extends TestParticipant {
  qualities: RtcConnectionQualityEvent[];
}

async function joinWatched(room: string, names: string[]): Promise<Watched[]> {
  const people: Watched[] = [];
  for (const name of names) {
    const p = (await addParticipant({ room, server: rtcServer, name })) as Watched;
    p.qualities = [];
    p.call.addEventListener('rtc-connection-quality', (e) => p.qualities.push(e));
    await p.call.join();
    people.push(p);
  }
  return people;
}

/** The last quality `p` was told for the participant called `name`. */
function lastQuality(p: Watched, name: string): string | undefined {
  return p.qualities.filter((e) => e.detail.participant.name === name).at(-1)?.detail.quality;
}

function sign(p: TestParticipant, name: string): HTMLElement | null {
  const tile = part(p.call, 'tile').find((t) => t.querySelector('[part~="name"]')?.textContent?.trim() === name);
  return tile?.querySelector<HTMLElement>('[part~="quality"]') ?? null;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const win = (p: TestParticipant) => p.frame.contentWindow as unknown as { rtcPendingTimers: () => number };

describe('connection quality', () => {
  afterEach(closeAll);

  it('measures each connection, tells when it is good, and shows a quiet sign on the tile', async function () {
    this.timeout(90_000);
    const [ada, bob] = await joinWatched(uniqueRoom('quality'), ['Ada', 'Bob']);
    await untilEveryoneSeesEveryone([ada, bob]);
    for (const p of [ada, bob]) {
      for (const other of [ada, bob].filter((o) => o !== p)) {
        await until(() => lastQuality(p, other.name) === 'good', () => `${p.name} is not told that ${other.name}'s connection is good: ${JSON.stringify(p.qualities.map((e) => e.detail.stats))}`, 30_000);
      }
    }
    const event = ada.qualities.find((e) => e.detail.participant.name === 'Bob')!;
    expect(event.detail.stats.rtt).to.be.at.least(0);
    expect(event.bubbles && event.composed).to.equal(true);

    // Video flows: getStats() gives one entry per other person, with figures that make sense.
    let stats: ParticipantStats[] = [];
    const deadline = performance.now() + 15_000;
    while (!(stats.length === 1 && stats.every((s) => (s.frameRate ?? 0) > 0 && (s.bitrateIn ?? 0) > 0)) && performance.now() < deadline) {
      stats = await ada.call.getStats();
      await pause(250);
    }
    expect(stats.map((s) => s.name)).to.deep.equal(['Bob']);
    expect(stats.map((s) => s.id)).to.deep.equal(ada.call.participants.map((p) => p.id));
    for (const s of stats) {
      expect(s.rtt, 'round trip').to.be.a('number').and.at.least(0).and.below(10_000);
      expect(s.frameRate, 'frames per second').to.be.above(0);
      expect(s.frameWidth, 'video width').to.be.above(0);
      expect(s.frameHeight, 'video height').to.be.above(0);
      expect(s.bitrateIn, 'bits in').to.be.above(0);
      expect(s.bitrateOut, 'bits out').to.be.above(0);
      expect(s.packetLoss, 'loss').to.be.a('number').within(0, 0.1);
      expect(s.candidateType, 'a direct path on loopback').to.equal('host');
      // The verdict of these figures (a loaded machine can make even loopback weak for a moment).
      expect(s.quality).to.be.oneOf(['good', 'weak', 'bad']);
    }

    // The tile's sign: there for screen readers, quiet while good.
    const good = sign(ada, 'Bob')!;
    expect(good, 'a quality sign on Bob\'s tile').to.exist;
    expect(good.dataset.quality).to.equal('good');
    expect(good.getAttribute('aria-label')).to.equal('Good connection');
    expect(getComputedStyle(good).display).to.equal('none');
    expect(sign(ada, 'Ada (you)'), 'no sign on the own tile').to.equal(null);

    // Bob leaves: no entry for him; Ada leaves: none at all, and her poll stops.
    await bob.call.leave();
    await until(() => ada.call.participants.length === 0, 'Ada still has Bob');
    expect(await ada.call.getStats()).to.deep.equal([]);
    await ada.call.leave();
    expect(await ada.call.getStats()).to.deep.equal([]);
    await until(() => win(ada).rtcPendingTimers() === 0, () => `${win(ada).rtcPendingTimers()} timers still pending after leaving`, 3_000);
  });

  describe('on a lossy path (loopback packet filter)', () => {
    let available = false;
    before(async () => {
      ({ available } = (await executeServerCommand('loopback-udp', { action: 'restore' })) as { available: boolean });
    });
    afterEach(() => executeServerCommand('loopback-udp', { action: 'restore' }));

    it("turns weak or bad when packets are lost, says so on the tile and in an event, on the visitor's own tile when every link is, and good again after", async function () {
      if (!available) this.skip(); // needs the loopback-only namespace of .ci/run
      this.timeout(120_000);
      const [ada, bob, cy] = await joinWatched(uniqueRoom('lossy'), ['Ada', 'Bob', 'Cy']);
      await untilEveryoneSeesEveryone([ada, bob, cy]);
      for (const name of ['Bob', 'Cy']) {
        await until(() => lastQuality(ada, name) === 'good', () => `${name}'s connection is not judged good to start with: ${JSON.stringify(ada.qualities.map((e) => e.detail.stats))}`, 30_000);
      }
      const own = () => part(ada.call, 'local-tile')[0]?.querySelector<HTMLElement>('[part~="quality"]') ?? null;
      expect(own(), "a sign on Ada's own tile while her links are good").to.equal(null);
      const poor = (name: string) => ['weak', 'bad'].includes(lastQuality(ada, name) ?? '');
      const worse = () => poor('Bob') && poor('Cy');

      await loseUdpUntil(worse, 30_000);
      expect(lastQuality(ada, 'Bob'), 'Ada is told that Bob\'s connection got worse').to.be.oneOf(['weak', 'bad']);
      const event = ada.qualities.at(-1)!;
      expect(event.detail.stats.packetLoss, 'packets were lost').to.be.above(0.03);
      await until(() => ['weak', 'bad'].includes(sign(ada, 'Bob')?.dataset.quality ?? ''), 'Bob\'s tile does not show the worse quality');
      const shown = sign(ada, 'Bob')!;
      expect(getComputedStyle(shown).display, 'the sign shows').to.not.equal('none');
      expect(shown.getAttribute('aria-label')).to.match(/^(Weak|Bad) connection$/);
      // Its three bars are drawn (SVG, not elements that draw nothing), as many full as the verdict says.
      const bars = [...shown.querySelectorAll('path')];
      expect(bars.map((b) => b.namespaceURI === 'http://www.w3.org/2000/svg' && b.getBoundingClientRect().height > 0), 'the bars drawn').to.deep.equal([true, true, true]);
      expect(bars.filter((b) => b.getAttribute('opacity') === '1').length, 'full bars').to.equal(shown.dataset.quality === 'weak' ? 2 : 1);
      // Both of Ada's links are poor: what they share is her network, as her own tile says.
      await until(() => ['weak', 'bad'].includes(own()?.dataset.quality ?? ''), "Ada's own tile does not show her connection");
      expect(own()!.getAttribute('aria-label')).to.match(/^(Weak|Bad) connection$/);

      // The path is whole again: good, after a few polls.
      await executeServerCommand('loopback-udp', { action: 'restore' });
      await until(() => lastQuality(ada, 'Bob') === 'good', () => `Bob's connection is not judged good again: ${JSON.stringify(ada.qualities.map((e) => e.detail.stats))}`, 40_000);
      await until(() => sign(ada, 'Bob')?.dataset.quality === 'good', 'Bob\'s tile still shows a bad connection');
      await until(() => own() === null, "Ada's own tile still shows a poor connection");
      expect(bob.call.phase).to.equal('in-call');
    });
  });
});
