import { expect } from '@open-wc/testing';
import { beaconIdFor } from './ids.js';
import { isValidPeerId } from './protocol.js';
import {
  MAX_SEALED_LENGTH,
  type ProofParams,
  type RoomKey,
  deriveRoomKey,
  fingerprintsOf,
  isChallenge,
  newChallenge,
  open,
  proof,
  seal,
  signalAad,
  verifyProof,
} from './room-key.js';

/** Two peer connections negotiated in this page, with a data channel and no ICE servers. */
async function negotiated(): Promise<[RTCPeerConnection, RTCPeerConnection]> {
  const a = new RTCPeerConnection({ iceServers: [] });
  const b = new RTCPeerConnection({ iceServers: [] });
  a.createDataChannel('mesh');
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription!);
  return [a, b];
}

const fakePc = (local: string | null, remote: string | null) =>
  ({
    localDescription: local === null ? null : { sdp: local },
    remoteDescription: remote === null ? null : { sdp: remote },
  }) as unknown as RTCPeerConnection;

describe('room keys', () => {
  let key: RoomKey;
  let again: RoomKey;
  let otherPassword: RoomKey;
  let otherRoom: RoomKey;
  let otherServer: RoomKey;

  before(async () => {
    [key, again, otherPassword, otherRoom, otherServer] = (await Promise.all([
      deriveRoomKey('team', 'correct horse', 'peerjs'),
      deriveRoomKey('team', 'correct horse', 'peerjs'),
      deriveRoomKey('team', 'correct hose', 'peerjs'),
      deriveRoomKey('team2', 'correct horse', 'peerjs'),
      deriveRoomKey('team', 'correct horse', 'other'),
    ])) as RoomKey[];
  });

  describe('deriveRoomKey', () => {
    it("gives the known answers of docs/protocol.md (another client's test vectors)", async () => {
      const doc = (await deriveRoomKey('team standup', 'correct horse', 'peerjs'))!;
      expect(doc.beacon).to.equal('rtc-room-f58cf679e410d11f6ad6cfd4786f9947');
      const params: ProofParams = {
        fromId: 'rtc-0mh8kq3a1aaaaaaaaaaaa',
        toId: 'rtc-0mh8kq3b2bbbbbbbbbbbb',
        fromNonce: 'AAAAAAAAAAAAAAAAAAAAAA',
        toNonce: 'BBBBBBBBBBBBBBBBBBBBBB',
        fromFingerprint: 'sha-256 0A:1B',
        toFingerprint: 'sha-256 2C:3D',
      };
      expect(await proof(doc, params)).to.equal('27hTn65rzv9R2Ta8RA3xmaYYb3kjlaXoJfm0yh0GhSs');
      expect(signalAad('intro', params.fromId, doc.beacon)).to.equal(`["rtc-room-key/1","intro","rtc-0mh8kq3a1aaaaaaaaaaaa","${doc.beacon}"]`);
    });

    it('gives an open room no key', async () => {
      expect(await deriveRoomKey('team', '', 'peerjs')).to.equal(null);
    });

    it('gives the same beacon id and keys for the same room, password and server', async () => {
      expect(again.beacon).to.equal(key.beacon);
      const sealed = await seal(key, { hi: 1 }, 'aad');
      expect(await open(again, sealed, 'aad')).to.deep.equal({ hi: 1 });
      const params = { fromId: 'rtc-a', toId: 'rtc-b', fromNonce: newChallenge(), toNonce: newChallenge(), fromFingerprint: 'x', toFingerprint: 'y' };
      expect(await proof(again, params)).to.equal(await proof(key, params));
    });

    it('makes beacon ids of the open-room shape, valid for PeerJS', () => {
      for (const k of [key, otherPassword, otherRoom, otherServer]) {
        expect(k.beacon).to.match(/^rtc-room-[0-9a-f]{32}$/);
        expect(isValidPeerId(k.beacon)).to.equal(true);
      }
      expect(key.beacon).not.to.equal(beaconIdFor('team', 'peerjs'));
    });

    it('gives another password, room or server other ids and keys', async () => {
      const ids = new Set([key, otherPassword, otherRoom, otherServer].map((k) => k.beacon));
      expect(ids.size).to.equal(4);
      const params = { fromId: 'rtc-a', toId: 'rtc-b', fromNonce: 'n1', toNonce: 'n2', fromFingerprint: 'x', toFingerprint: 'y' };
      const mine = await proof(key, params);
      const sealed = await seal(key, { hi: 1 }, 'aad');
      for (const k of [otherPassword, otherRoom, otherServer]) {
        expect(await open(k, sealed, 'aad')).to.equal(null);
        expect(await proof(k, params)).not.to.equal(mine);
      }
    });

    it('keeps its keys inside WebCrypto', () => {
      expect(key.sealKey.extractable).to.equal(false);
      expect(key.proofKey.extractable).to.equal(false);
      expect(Object.isFrozen(key)).to.equal(true);
    });

    it('matches the same password in composed and decomposed Unicode', async () => {
      const composed = await deriveRoomKey('team', 'caf\u00e9', 'peerjs');
      const decomposed = await deriveRoomKey('team', 'cafe\u0301', 'peerjs');
      expect(composed!.beacon).to.equal(decomposed!.beacon);
    });
  });

  describe('seal and open', () => {
    const aad = signalAad('intro', 'rtc-newcomer', 'rtc-room-beacon');

    it('round-trips a JSON payload as base64url text', async () => {
      const payload = { kind: 'intro', name: 'Ada 🚀', media: true, list: [1, null, 'x'] };
      const sealed = await seal(key, payload, aad);
      expect(sealed).to.match(/^[\w-]+$/);
      expect(await open(key, sealed, aad)).to.deep.equal(payload);
    });

    it('uses a fresh nonce every time and pads the size', async () => {
      const one = await seal(key, { name: 'A' }, aad);
      const two = await seal(key, { name: 'A' }, aad);
      const longer = await seal(key, { name: 'Ada Lovelace, Countess of Lovelace' }, aad);
      expect(one).not.to.equal(two);
      expect(longer.length).to.equal(one.length);
    });

    it('fails with the wrong key', async () => {
      expect(await open(otherPassword, await seal(key, { a: 1 }, aad), aad)).to.equal(null);
    });

    it('fails for another recipient, sender or kind of signal', async () => {
      const sealed = await seal(key, { a: 1 }, aad);
      expect(await open(key, sealed, signalAad('intro', 'rtc-newcomer', 'rtc-someone-else'))).to.equal(null);
      expect(await open(key, sealed, signalAad('intro', 'rtc-someone-else', 'rtc-room-beacon'))).to.equal(null);
      expect(await open(key, sealed, signalAad('full', 'rtc-newcomer', 'rtc-room-beacon'))).to.equal(null);
    });

    it('fails on tampered text', async () => {
      const sealed = await seal(key, { a: 1 }, aad);
      for (const at of [0, 5, 20, sealed.length >> 1, sealed.length - 2]) {
        const tampered = sealed.slice(0, at) + (sealed[at] === 'A' ? 'B' : 'A') + sealed.slice(at + 1);
        expect(await open(key, tampered, aad), `at ${at}`).to.equal(null);
      }
      expect(await open(key, sealed.slice(0, -1), aad)).to.equal(null);
      expect(await open(key, `${sealed}A`, aad)).to.equal(null);
      expect(await open(key, `${sealed}=`, aad)).to.equal(null);
      expect(await open(key, sealed.slice(0, 30), aad)).to.equal(null);
    });

    it('never throws on garbage', async () => {
      const garbage: unknown[] = [undefined, null, 42, true, {}, [], '', 'AAAA', '!!!!', ' '.repeat(100), 'é'.repeat(64), { sealed: 'x' }];
      for (const value of garbage) expect(await open(key, value, aad)).to.equal(null);
      const sealed = await seal(key, { a: 1 }, aad);
      expect(await open(null as unknown as RoomKey, sealed, aad)).to.equal(null);
      expect(await open({} as RoomKey, sealed, aad)).to.equal(null);
    });

    it('refuses oversized input on both sides', async () => {
      expect(await open(key, 'A'.repeat(MAX_SEALED_LENGTH + 1), aad)).to.equal(null);
      let error: unknown;
      await seal(key, { text: 'x'.repeat(MAX_SEALED_LENGTH) }, aad).catch((e) => (error = e));
      expect(error).to.be.instanceOf(RangeError);
    });

    it('takes a welcome that lists 256 members with long names', async () => {
      const welcome = Array.from({ length: 256 }, (_, i) => ({ id: `rtc-${String(i).padStart(21, '0')}`, name: '🚀'.repeat(32), media: true }));
      expect(await open(key, await seal(key, { welcome }, aad), aad)).to.deep.equal({ welcome });
    });
  });

  describe('fingerprintsOf', () => {
    const pcs: RTCPeerConnection[] = [];
    afterEach(() => {
      for (const pc of pcs.splice(0)) pc.close();
    });

    it('reads the same two fingerprints, mirrored, on both ends of a real connection', async () => {
      const [a, b] = await negotiated();
      pcs.push(a, b);
      const fa = fingerprintsOf(a)!;
      const fb = fingerprintsOf(b)!;
      expect(fa.local).to.match(/^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      expect(fa.local).not.to.equal(fa.remote);
      expect(fb).to.deep.equal({ local: fa.remote, remote: fa.local });
    });

    it('is null until both descriptions are set', async () => {
      const a = new RTCPeerConnection({ iceServers: [] });
      pcs.push(a);
      expect(fingerprintsOf(a)).to.equal(null);
      a.createDataChannel('mesh');
      await a.setLocalDescription();
      expect(fingerprintsOf(a)).to.equal(null);
    });

    it('normalises session- and media-level lines', () => {
      const session = 'v=0\r\na=fingerprint:SHA-256 ab:cd:ef\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n';
      const media = 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=fingerprint:sha-256 AB:CD:EF\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=fingerprint:sha-256 ab:CD:ef\r\n';
      expect(fingerprintsOf(fakePc(session, media))).to.deep.equal({ local: 'sha-256 AB:CD:EF', remote: 'sha-256 AB:CD:EF' });
      expect(fingerprintsOf(fakePc(session, 'v=0\r\nm=audio 9 RTP/SAVPF 0\r\n'))).to.equal(null);
    });
  });

  describe('pair proofs', () => {
    const pcs: RTCPeerConnection[] = [];
    afterEach(() => {
      for (const pc of pcs.splice(0)) pc.close();
    });
    const params: ProofParams = {
      fromId: 'rtc-0000000001aaaaaaaaaaaa',
      toId: 'rtc-0000000002bbbbbbbbbbbb',
      fromNonce: newChallenge(),
      toNonce: newChallenge(),
      fromFingerprint: 'sha-256 AA:AA',
      toFingerprint: 'sha-256 BB:BB',
    };

    it('gives 128-bit nonces in base64url', () => {
      const nonce = newChallenge();
      expect(isChallenge(nonce)).to.equal(true);
      expect(nonce).not.to.equal(newChallenge());
      for (const bad of [undefined, 42, '', 'short', `${nonce}x`, 'a'.repeat(21) + '/']) expect(isChallenge(bad)).to.equal(false);
    });

    it('verifies for the same parameters', async () => {
      expect(await verifyProof(key, params, await proof(key, params))).to.equal(true);
    });

    it('fails when any parameter or the key differs', async () => {
      const p = await proof(key, params);
      for (const field of Object.keys(params) as (keyof ProofParams)[]) {
        expect(await verifyProof(key, { ...params, [field]: `${params[field]}x` }, p), field).to.equal(false);
      }
      expect(await verifyProof(otherPassword, params, p)).to.equal(false);
    });

    it('cannot be reflected back to its sender', async () => {
      const p = await proof(key, params);
      const mirrored: ProofParams = {
        fromId: params.toId,
        toId: params.fromId,
        fromNonce: params.toNonce,
        toNonce: params.fromNonce,
        fromFingerprint: params.toFingerprint,
        toFingerprint: params.fromFingerprint,
      };
      expect(await verifyProof(key, mirrored, p)).to.equal(false);
    });

    it('never throws on garbage', async () => {
      const p = await proof(key, params);
      for (const bad of [undefined, null, 1, {}, '', p.slice(1), `${p}A`, p.replace(/.$/, '!')]) {
        expect(await verifyProof(key, params, bad)).to.equal(false);
      }
      expect(await verifyProof(key, { ...params, toNonce: undefined } as unknown as ProofParams, p)).to.equal(false);
      expect(await verifyProof(null as unknown as RoomKey, params, p)).to.equal(false);
    });

    it('binds the DTLS session: verifies on a direct link, fails through a relay in the middle', async () => {
      const [a, b] = await negotiated();
      // A server in the middle terminates DTLS on each side with its own connections.
      const [a2, serverForA] = await negotiated();
      const [serverForB, b2] = await negotiated();
      pcs.push(a, b, a2, serverForA, serverForB, b2);
      const nonceA = newChallenge();
      const nonceB = newChallenge();
      const sent = async (pc: RTCPeerConnection) => {
        const f = fingerprintsOf(pc)!;
        return proof(key, { fromId: 'rtc-a', toId: 'rtc-b', fromNonce: nonceA, toNonce: nonceB, fromFingerprint: f.local, toFingerprint: f.remote });
      };
      const checked = (pc: RTCPeerConnection, p: string) => {
        const f = fingerprintsOf(pc)!;
        return verifyProof(key, { fromId: 'rtc-a', toId: 'rtc-b', fromNonce: nonceA, toNonce: nonceB, fromFingerprint: f.remote, toFingerprint: f.local }, p);
      };
      expect(await checked(b, await sent(a))).to.equal(true);
      expect(await checked(b2, await sent(a2))).to.equal(false);
    });
  });
});
