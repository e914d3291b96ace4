import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WARN_INTERVAL, throttledWarnings } from './warnings.js';

test('a kind of warning is logged at most once per interval, then with the count of those left out', () => {
  /** @type {string[]} */
  const logged = [];
  let now = 0;
  const warn = throttledWarnings({ warn: (m) => logged.push(m) }, () => now);
  for (let i = 0; i < 1_000; i++) warn('peer', `bad message ${i}`);
  warn('http', 'bad request');
  now += WARN_INTERVAL;
  warn('peer', 'bad message again');
  assert.deepEqual(logged, ['bad message 0', 'bad request', 'bad message again (and 999 more like it)']);
});
