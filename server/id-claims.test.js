// Reservations of peer ids (server/id-claims.js) under churn, with a fake clock.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdClaims } from './id-claims.js';

/** A connection from `address` whose client had `token`. */
const holder = (/** @type {string} */ address, /** @type {string} */ token) => ({ address, client: { getToken: () => token } });

/** `id` held, then lost without being given up: reserved for its token. */
function lose(/** @type {IdClaims} */ claims, /** @type {string} */ id, /** @type {string} */ address, token = `token-${id}`) {
  const h = holder(address, token);
  claims.held(id, h);
  claims.dropped(id, h, false);
}

test('churn from many addresses past the total cap evicts its own reservations, not an owner elsewhere', () => {
  const claims = new IdClaims({ graceTimeout: 60_000, maxReleased: 10, maxReleasedPerAddress: 100 });
  lose(claims, 'victim', '192.0.2.1', 'victim-token');
  // Three addresses of one attacker churn through 60 connections, six times the total.
  for (let a = 0; a < 3; a++) for (let i = 0; i < 20; i++) lose(claims, `churn-${a}-${i}`, `198.51.100.${a}`);
  assert.deepEqual(claims.size, { held: 0, reserved: 10 });
  assert.equal(claims.mayClaim('victim', 'stolen'), false, 'a squatter takes the victim\'s id');
  assert.equal(claims.mayClaim('victim', 'victim-token'), true);
});
