// The pace's decisions on a fake socket and clock; what clients see of them is in hostile.test.js.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from './config.js';
import { RelayPace, refuse } from './relay-pace.js';

/**
 * @param {Partial<import('./config.js').RtcServerConfig>} overrides
 */
function pace(overrides) {
  const clock = { now: 1000 };
  /** @type {string[]} */
  const warnings = [];
  const relayPace = new RelayPace({
    config: resolveConfig({ overrides }),
    warn: (kind) => warnings.push(kind),
    now: () => clock.now,
  });
  return { relayPace, clock, warnings };
}

/** A socket with the fields the pace reads and sets. */
function socket(bufferedAmount = 0) {
  return {
    address: '192.0.2.1',
    bufferedAmount,
    relayedUntil: 0,
    stalledSince: 0,
    terminated: false,
    terminate() {
      this.terminated = true;
    },
  };
}

test('a second of the relay rate goes at once, then what was sent is paid off over time; refused messages cost nothing', () => {
  const { relayPace, clock } = pace({ maxMessageBytes: 4096, maxRelayedBytesPerSecond: 10_000 });
  const from = socket();
  for (let i = 0; i < 10; i++) assert.equal(relayPace.withinRate(from, 1000), true);
  assert.equal(relayPace.withinRate(from, 1000), false);
  assert.equal(relayPace.withinRate(from, 1000), false);
  clock.now += 100;
  assert.equal(relayPace.withinRate(from, 1000), true);
  assert.equal(relayPace.withinRate(from, 1000), false);
  // Idle for long: no more than a second's worth builds up.
  clock.now += 60_000;
  for (let i = 0; i < 10; i++) assert.equal(relayPace.withinRate(from, 1000), true);
  assert.equal(relayPace.withinRate(from, 1000), false);
});

test('messages from others stop at half of maxBufferedBytes; a reader that stays past it is cut off after stalledReaderTimeout', () => {
  const { relayPace, clock, warnings } = pace({ maxBufferedBytes: 100_000, maxMessageBytes: 4096, stalledReaderTimeout: 5000 });
  const to = socket(50_000);
  assert.equal(relayPace.mayQueue(to, 4096), true);
  // Under the mark, but the message would take the queue past maxBufferedBytes.
  assert.equal(relayPace.mayQueue(socket(50_000), 50_001), false);

  to.bufferedAmount = 50_001;
  assert.equal(relayPace.mayQueue(to, 1), false);
  assert.equal(to.stalledSince, 1000);
  clock.now += 4999;
  assert.equal(relayPace.mayQueue(to, 1), false);
  assert.equal(to.terminated, false);
  // It drained below the mark: the wait starts again.
  to.bufferedAmount = 0;
  assert.equal(relayPace.mayQueue(to, 1), true);
  assert.equal(to.stalledSince, 0);

  to.bufferedAmount = 60_000;
  assert.equal(relayPace.mayQueue(to, 1), false);
  clock.now += 5000;
  assert.equal(relayPace.mayQueue(to, 1), false);
  assert.equal(to.terminated, true);
  assert.deepEqual(warnings, ['stalled']);
});

test('a dropped message is answered with EXPIRE from its destination, an EXPIRE with nothing', () => {
  /** @type {string[]} */
  const sent = [];
  const sender = /** @type {any} */ ({ send: (/** @type {string} */ text) => sent.push(text) });
  const client = { getId: () => 'ada' };
  refuse(sender, client, { type: 'OFFER', dst: 'bob', payload: {} });
  refuse(sender, client, { type: 'EXPIRE', dst: 'bob' });
  assert.deepEqual(sent.map((text) => JSON.parse(text)), [{ type: 'EXPIRE', src: 'bob', dst: 'ada' }]);
});
