// Password rooms between real pages: real Chromium, a real rtc-server and a stock PeerServer on
// 127.0.0.1. The same password meets and sees video; another password finds a room of its own.
import { expect } from '@open-wc/testing';
import type { Peer } from 'peerjs';
import { rtcServer, stockServer } from './env.js';
import { closeAll, joinAll, part, uniqueRoom, untilEveryoneSeesEveryone, until } from './helpers.js';
import { Attacker, destroyAttackers, lowId } from './fixtures/attacker.js';
import { RtcCall } from '../src/index.js';
import { RoomSession, createPeer, parseServerUrl, type PeerFactory } from '../src/session/index.js';

type Relayed = { type?: string; payload?: { type?: string; metadata?: Record<string, unknown> } };

/**
 * A PeerServer that rewrites what it relays to the page: `rewrite` sees every message before
 * the page's own gate does (the gate wraps the socket's `emit`; this wraps the gate).
 */
function behindServer(rewrite: (message: Relayed) => void): PeerFactory {
  return (id, options) => {
    const peer: Peer = createPeer(id, options);
    const socket = peer.socket as unknown as { emit: (event: string, ...args: unknown[]) => boolean };
    const own = socket.emit;
    let gated: typeof own | null = null;
    Object.defineProperty(socket, 'emit', {
      configurable: true,
      get: () => gated ?? own,
      set: (gate: typeof own) => {
        gated = (event, ...args) => {
          if (event === 'message') rewrite(args[0] as Relayed);
          return gate.call(socket, event, ...args);
        };
      },
    });
    return peer;
  };
}

describe('<rtc-call password>', () => {
  afterEach(closeAll);

  for (const [label, server] of [
    ['rtc-server', rtcServer],
    ['a stock PeerServer', stockServer],
  ] as const) {
    it(`lets in the pages with the password and shows them to each other, on ${label}`, async () => {
      const room = uniqueRoom('private');
      const people = await joinAll(room, server, ['Ada', 'Bob', 'Cy'], { password: 'a long shared passphrase' });
      await untilEveryoneSeesEveryone(people, 30_000);
    });
  }

  it('keeps a page with another password out, and tells its visitor what may be wrong', async () => {
    const room = uniqueRoom('private');
    const [ada, bob] = await joinAll(room, rtcServer, ['Ada', 'Bob'], { password: 'right' });
    await untilEveryoneSeesEveryone([ada, bob]);
    const [eve] = await joinAll(room, rtcServer, ['Eve'], { password: 'wrong' });
    await until(() => part(eve.call, 'status')[0]?.textContent?.includes('same room name and password') ?? false, 'no hint for the wrong password');
    expect(eve.call.participants).to.have.length(0);
    expect(ada.call.participants.map((p) => p.name)).to.deep.equal(['Bob']);
  });

  it('takes a welcome\'s members from its sealed list only, not from fields the server adds beside it', async () => {
    const room = uniqueRoom('private');
    const password = 'a long shared passphrase';
    await joinAll(room, rtcServer, ['Ada'], { password });
    // An id the server holds itself, which it names to the newcomer as a member. Ids sort by age:
    // this one sorts below the newcomer's, so the newcomer would dial it.
    const ghost = await Attacker.open(rtcServer, lowId());
    let rewritten = 0;
    const bob = new RoomSession({
      room,
      password,
      name: 'Bob',
      server: parseServerUrl(rtcServer),
      peerFactory: behindServer((m) => {
        const meta = m?.payload?.metadata;
        if (m?.type !== 'OFFER' || m.payload?.type !== 'data' || typeof meta?.sealed !== 'string' || meta.nonce === undefined) return;
        meta.welcome = [{ id: ghost.id, name: 'Ghost', media: true }];
        rewritten++;
      }),
    });
    try {
      await bob.join();
      await until(() => bob.participants.length === 1, 'Bob did not link up with Ada');
      expect(rewritten, 'welcomes the server rewrote').to.equal(1);
      // The newcomer dials the members its welcome names as soon as it has it, before any hello.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(ghost.connections.map((c) => c.peer), 'dials of the id the server named').to.deep.equal([]);
      expect(bob.participants.map((p) => p.name)).to.deep.equal(['Ada']);
    } finally {
      bob.destroy();
      destroyAttackers();
    }
  });
});

describe('properties a page sets before the elements are defined', () => {
  afterEach(closeAll);

  let defined = 0;
  /** An element of the page's markup that the script upgrades only after the page set its properties. */
  function upgradeLater(attributes: Record<string, string>, properties: Record<string, unknown>): RtcCall {
    const tag = `rtc-call-later-${++defined}`;
    const el = document.createElement(tag) as RtcCall;
    for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
    Object.assign(el, properties);
    document.body.append(el);
    customElements.define(tag, class extends RtcCall {});
    return el;
  }

  it('joins the private room with the password set as a property (autojoin), not the open room of that name', async () => {
    const room = uniqueRoom('early');
    const [bob] = await joinAll(room, rtcServer, ['Bob'], { password: 's3cret' });
    const [open] = await joinAll(room, rtcServer, ['Eve']);
    const errors: string[] = [];
    const ada = upgradeLater({ room, server: rtcServer, name: 'Ada', autojoin: '' }, { password: 's3cret' });
    ada.addEventListener('rtc-error', (e) => errors.push(e.detail.message));
    try {
      await until(() => ada.participants.length === 1, () => `Ada met ${JSON.stringify(ada.participants.map((p) => p.name))}`);
      expect(ada.participants.map((p) => p.name)).to.deep.equal(['Bob']);
      expect(bob.call.participants.map((p) => p.name)).to.deep.equal(['Ada']);
      expect(open.call.participants, 'the open room of that name').to.have.length(0);

      // The room and autojoin themselves, as properties (another room: a page's elements of one room share a session).
      const other = uniqueRoom('early-other');
      await joinAll(other, rtcServer, ['Dee'], { password: 'other' });
      const cy = upgradeLater({ server: rtcServer, name: 'Cy' }, { room: other, password: 'other', autojoin: true });
      await until(() => cy.participants.length === 1, () => `Cy is ${cy.phase}, met ${JSON.stringify(cy.participants.map((p) => p.name))}`);
      expect(cy.participants.map((p) => p.name)).to.deep.equal(['Dee']);
      cy.remove();
      expect(errors, 'no error on the way').to.deep.equal([]);
    } finally {
      ada.remove();
    }
  });
});
