// Private rooms over the fake network: the same password meets, another never does, the server
// reads no name, and a server in the middle of a link or a call is caught.
import { expect } from '@open-wc/testing';
import { FakeNetwork, fakeCamera } from '../../test/fakes/peerjs.js';
import { until } from '../../test/helpers.js';
import { parseServerUrl } from './config.js';
import { beaconIdFor } from './ids.js';
import { PrivateRoom } from './private-room.js';
import { RoomSession, type SessionError, type SessionTiming } from './room-session.js';

describe('RoomSession in a private room', () => {
  const sessions: RoomSession[] = [];
  afterEach(() => {
    for (const s of sessions.splice(0)) s.destroy();
  });
  const make = (net: FakeNetwork, name: string, password: string, timing: Partial<SessionTiming> = {}) => {
    const s = new RoomSession({
      room: 'board meeting',
      server: parseServerUrl('http://fake.test/peerjs'),
      name,
      password,
      peerFactory: net.factory,
      timing: { heartbeat: 50, introTimeout: 300, takeoverStep: 20, admitHold: 1_000, ...timing },
    });
    sessions.push(s);
    return s;
  };
  const names = (s: RoomSession) => s.participants.map((p) => p.name).sort().join();

  it('lets in those with the password, under a beacon id the room name alone does not give, and the server reads no name', async () => {
    const net = new FakeNetwork();
    const [a, b, c] = ['Ada Lovelace', 'Bob Babbage', 'Cy Clerk'].map((n) => make(net, n, 'correct horse battery staple'));
    for (const s of [a, b, c]) await s.join();
    await until(() => names(a) === 'Bob Babbage,Cy Clerk' && names(c) === 'Ada Lovelace,Bob Babbage', () => `A: ${names(a)}; C: ${names(c)}`);
    const open = beaconIdFor('board meeting', 'peerjs');
    expect(net.claims.filter((id) => id.startsWith('rtc-room-'))).to.have.length(1);
    expect(net.claims).to.not.include(open);
    const logged = JSON.stringify(net.relayed);
    for (const name of ['Lovelace', 'Babbage', 'Clerk']) expect(logged, `the server saw ${name}`).to.not.include(name);
  });

  for (const lost of ['auth', 'proof']) {
    it(`links a pair whose first ${lost === 'auth' ? 'challenge' : 'proof'} was lost on the way, long before the connection would lapse`, async () => {
      const net = new FakeNetwork();
      // As long as in a real room: neither a lapse nor a second question can be what links them.
      const slow = { admitHold: 4_000, introTimeout: 4_000 };
      const a = make(net, 'A', 'pw', slow);
      await a.join();
      // The newcomer's first frame of that kind reaches nobody; its next frames do.
      let dropped = 0;
      net.loses = (from, _to, data) => from !== a.id && !dropped && typeof data === 'string' && data.includes(`"t":"${lost}"`) && ++dropped > 0;
      const b = make(net, 'B', 'pw', slow);
      const reconnected: string[] = [];
      const errors: SessionError[] = [];
      for (const s of [a, b]) {
        s.on('participant-reconnected', (p) => reconnected.push(p.name));
        s.on('error', (e) => errors.push(e));
      }
      await b.join();
      await until(() => dropped === 1 && names(a) === 'B' && names(b) === 'A', () => `dropped ${dropped}; A: ${names(a)}; B: ${names(b)}`, 2_000);
      expect(reconnected, 'no connection replaced').to.deep.equal([]);
      expect(errors.map((e) => `${e.type}: ${e.message}`), 'nobody is said to lack the password').to.deep.equal([]);
    });
  }

  it('keeps a page with another password out: it never meets the room', async () => {
    const net = new FakeNetwork();
    const a = make(net, 'A', 'right');
    const b = make(net, 'B', 'wrong');
    const c = make(net, 'C', 'right');
    for (const s of [a, b, c]) await s.join();
    await until(() => names(a) === 'C' && names(c) === 'A', () => `A: ${names(a)}; C: ${names(c)}`);
    expect(names(b)).to.equal('');
    expect(b.holdsBeacon, 'alone in a room of its own').to.equal(true);
  });

  it('refuses a link whose DTLS session a server in the middle holds, and says so', async () => {
    const net = new FakeNetwork();
    const a = make(net, 'A', 'pw');
    const b = make(net, 'B', 'pw');
    const errors: SessionError[] = [];
    a.on('error', (e) => errors.push(e));
    b.on('error', (e) => errors.push(e));
    net.middle = true;
    await a.join();
    await b.join();
    await until(() => errors.some((e) => e.type === 'protocol' && /password/.test(e.message)), () => `errors: ${errors.map((e) => e.message)}`);
    expect(names(a)).to.equal('');
    expect(names(b)).to.equal('');
  });

  it('sends media on the proved connection', async () => {
    const net = new FakeNetwork();
    const a = make(net, 'A', 'pw');
    const b = make(net, 'B', 'pw');
    a.enableMedia(fakeCamera());
    b.enableMedia(fakeCamera());
    await a.join();
    await b.join();
    await until(() => !!a.participants[0]?.stream && !!b.participants[0]?.stream, 'no media');
  });
});

describe('PrivateRoom signals', () => {
  it('reads only what the seal holds, besides a welcome\'s nonce: a nonce the server adds beside it counts for nothing else', async () => {
    const room = (await PrivateRoom.derive('board meeting', 'pw', 'peerjs'))!;
    const [from, to] = ['rtc-0mh8kq3a1aaaaaaaaaaaa', room.beaconId];
    const sealed = await room.sealSignal({ proto: 'rtc-room/2', kind: 'intro', name: 'Ada', media: true }, from, to);
    expect(await room.openSignal({ ...sealed, nonce: 'added-by-the-server' }, from, to)).to.deep.equal({ proto: 'rtc-room/2', kind: 'intro', name: 'Ada', media: true });
    const welcome = await room.sealSignal({ proto: 'rtc-room/2', kind: 'mesh', welcome: [] }, from, 'rtc-0mh8kq3b2bbbbbbbbbbbb');
    expect(await room.openSignal({ ...welcome, nonce: 'in-the-clear' }, from, 'rtc-0mh8kq3b2bbbbbbbbbbbb')).to.deep.equal({ proto: 'rtc-room/2', kind: 'mesh', welcome: [], nonce: 'in-the-clear' });
  });
});
