import { expect } from '@open-wc/testing';
import { judgePair, type PairHealth, type PairReading } from './pair-health.js';

const timing = { quiet: 3_500, redialAfter: 4_000, silence: 20_000 };
const healthy: PairHealth = { brokenSince: 0, redialAttempts: 0, lastRedial: 0 };
const reading = (over: Partial<PairReading> = {}): PairReading => ({ open: true, lastSeen: 0, ice: ['connected'], ...over });

describe('judgePair', () => {
  it('keeps a link that is heard from and whose ICE is up as connected', () => {
    const v = judgePair(healthy, reading({ lastSeen: 1_000 }), 2_000, timing);
    expect(v).to.deep.equal({ health: healthy, connection: 'connected', restored: false, redial: false, gone: false });
  });

  it('shows a link as reconnecting from the moment ICE disconnects, and wants a fresh connection redialAfter later', () => {
    let v = judgePair(healthy, reading({ lastSeen: 10_000, ice: ['disconnected'] }), 10_000, timing);
    expect(v.connection).to.equal('reconnecting');
    expect(v.health.brokenSince).to.equal(10_000);
    expect(v.redial).to.equal(false);
    v = judgePair(v.health, reading({ lastSeen: 10_000, ice: ['disconnected'] }), 13_999, timing);
    expect(v.redial).to.equal(false);
    v = judgePair(v.health, reading({ lastSeen: 10_000, ice: ['disconnected'] }), 14_000, timing);
    expect(v.redial).to.equal(true);
  });

  it('counts silence past quiet as broken even while ICE says connected', () => {
    const v = judgePair(healthy, reading({ lastSeen: 0 }), 3_501, timing);
    expect(v.connection).to.equal('reconnecting');
  });

  it('reports a restored link once, and forgets its redial attempts', () => {
    const broken: PairHealth = { brokenSince: 5_000, redialAttempts: 2, lastRedial: 8_000 };
    const v = judgePair(broken, reading({ lastSeen: 9_000 }), 9_000, timing);
    expect(v).to.deep.equal({ health: healthy, connection: 'connected', restored: true, redial: false, gone: false });
  });

  it('waits longer after each further fresh connection than after the one before, up to a cap', () => {
    // Broken at 100; the last try (if any) at 10,000. When is the next one due?
    const at = (attempts: number) => {
      const health = { brokenSince: 100, redialAttempts: attempts, lastRedial: attempts ? 10_000 : 0 };
      for (let t = 0; ; t += 100) if (judgePair(health, reading({ open: false, lastSeen: t }), t, timing).redial) return t;
    };
    expect(at(0)).to.equal(4_100);
    expect(at(1)).to.be.greaterThan(10_000);
    expect(at(2) - 10_000).to.be.greaterThan(at(1) - 10_000);
    expect(at(3), 'capped at twice redialAfter (less a quarter)').to.equal(at(2));
    expect(at(10)).to.equal(at(12));
  });

  it('declares a member gone after silence, whatever ICE says', () => {
    expect(judgePair(healthy, reading({ lastSeen: 0 }), 20_001, timing).gone).to.equal(true);
    expect(judgePair(healthy, reading({ lastSeen: 0 }), 20_000, timing).gone).to.equal(false);
  });
});
