// The proof gate's decisions about one connection, with the proofs' cryptography replaced by
// checks the test settles by hand, so that it decides how long each takes.
import { expect } from '@open-wc/testing';
import type { DataConnection } from 'peerjs';
import { until } from '../../test/helpers.js';
import { MAX_WAITING, type PairProofs, ProofGate } from './pair-proofs.js';
import { encodeFrame } from './frames.js';

function fakeConnection() {
  const sent: string[] = [];
  const conn = {
    peer: 'rtc-0mallory',
    open: true,
    closed: 0,
    send: (data: string) => void sent.push(data),
    close() {
      conn.open = false;
      conn.closed++;
    },
  };
  return { conn, asConnection: conn as unknown as DataConnection, sent };
}

describe('ProofGate', () => {
  it('closes a connection that sends more than waits for its proof, and says so once', async () => {
    const { conn, asConnection } = fakeConnection();
    // Each proof is checked only when the test says so.
    const checks: ((holds: boolean | null) => void)[] = [];
    const proofs: PairProofs = {
      challenge: () => ({ t: 'auth', nonce: 'n'.repeat(22) }),
      again: () => null,
      answer: async () => null,
      verify: () => new Promise((resolve) => checks.push(resolve)),
    };
    const flooded: string[] = [];
    const received: unknown[] = [];
    const gate = new ProofGate({
      isOver: () => false,
      proofs: () => proofs,
      hello: () => ({ t: 'hello', name: 'A', media: false, mic: false, cam: false, beacon: false, peers: [] }),
      receive: (_conn, data) => received.push(data),
      unproven: () => expect.fail('no proof failed'),
      flooded: (id) => flooded.push(id),
    });
    const proof = encodeFrame({ t: 'proof', proof: 'p'.repeat(43) });
    // A proof, then far more than a connection says before its proof is checked.
    for (let i = 0; i < 1_000; i++) gate.data(asConnection, proof);
    expect(conn.closed, 'closed').to.equal(1);
    expect(flooded, 'said').to.deep.equal([conn.peer]);
    // What waited is checked and let go; nothing more was kept.
    let checked = 0;
    await until(() => {
      while (checks.length) {
        checks.shift()!(null);
        checked++;
      }
      return checked === MAX_WAITING;
    }, () => `${checked} proofs checked`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(checks, 'checked later').to.have.length(0);
    expect(received, 'passed on').to.have.length(0);
    expect(flooded, 'said').to.have.length(1);
  });
});
