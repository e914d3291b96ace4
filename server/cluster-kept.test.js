// What one instance counts of the messages it kept in Redis for ids held nowhere: the caps that
// decide whether one more is kept.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterKept } from './cluster-kept.js';
import { resolveConfig } from './config.js';

test('a sender past its share, by peer id or by address, is refused; other senders still have room', () => {
  const config = resolveConfig({ overrides: { maxQueuedBytes: 800_000, maxQueuedBytesPerSender: 100_000 } });
  const kept = new ClusterKept(config, () => 0);
  const entry = 'x'.repeat(50_000);
  kept.add('bot-1', '127.0.0.2', 'free-1', 'q1', entry);
  kept.add('bot-1', '127.0.0.2', 'free-2', 'q2', entry);
  assert.equal(kept.hasRoom('bot-1', '127.0.0.2', 'free-3', 1), false, 'the same id');
  assert.equal(kept.hasRoom('bot-2', '127.0.0.2', 'free-3', 1), false, 'another id from the same address');
  assert.equal(kept.hasRoom('bot-1', '127.0.0.3', 'free-3', 1), false, 'the same id from another address');
  assert.equal(kept.hasRoom('newcomer', '127.0.0.1', 'free-1', 50_000), true);

  // Counts go with their messages.
  kept.remove('bot-1', '127.0.0.2', 'free-1', entry);
  assert.equal(kept.hasRoom('bot-2', '127.0.0.2', 'free-3', 50_000), true);
  kept.remove('bot-1', '127.0.0.2', 'free-2', entry);
  assert.deepEqual(kept.size, { pairs: 0, bytes: 0, senders: 0, addresses: 0 });
});
