/**
 * The keys of a password room (docs/security.md). One slow derivation from the room name, the
 * password and the server key gives a page everything it needs:
 * - the beacon id, so that nobody without the password can find, join or squat the room;
 * - an AES-GCM key that seals what the PeerServer relays (intro, welcome, full);
 * - an HMAC key for the proof each pair gives on its own link before anything else flows.
 *
 * WebCrypto only, so it needs a secure context (https or localhost). Every failure to open or
 * verify something a peer sent answers null or false; nothing here throws on hostile input.
 */

const LABEL = 'rtc-room-key/1';

/**
 * PBKDF2-SHA-256 iterations. The derivation runs once per join, on WebCrypto's own thread and
 * beside the PeerServer connection and the camera's start, so most of it hides in the join.
 * 250,000 took 30-40 ms in headless Chromium on an AMD EPYC core with SHA extensions (a page's
 * first, 60-75 ms); a phone-class CPU, 3 to 10 times slower, should take the 100-300 ms aimed at. Each guess of an offline
 * attacker (see docs/security.md) costs the same 250,000 HMACs: about 35,000 guesses a second
 * on one high-end GPU, instead of billions for a plain hash. OWASP's 600,000 is for stored
 * password hashes; here it would cost a slow phone most of a second on every join for 1.3 bits.
 */
export const ITERATIONS = 250_000;

/**
 * Longest sealed text `open` accepts, in characters: 96 KiB of plaintext, room for a `welcome`
 * that lists 256 members with 64-character names, while a peer cannot make a page decrypt
 * and parse megabytes.
 */
export const MAX_SEALED_LENGTH = 131_072;

/** Plaintext is padded with spaces to a multiple of this, so sizes hardly reveal name lengths. */
const PAD = 256;

export interface RoomKey {
  /** The room's beacon id: `rtc-room-` + 32 hex digits, the shape of an open room's. */
  readonly beacon: string;
  /** Seals and opens signals relayed by the PeerServer. */
  readonly sealKey: CryptoKey;
  /** Signs and checks pair proofs. */
  readonly proofKey: CryptoKey;
}

/** What a pair proof covers; "from" is the prover, "to" the verifier. */
export interface ProofParams {
  fromId: string;
  toId: string;
  fromNonce: string;
  toNonce: string;
  fromFingerprint: string;
  toFingerprint: string;
}

const encoder = new TextEncoder();
const utf8 = (text: string) => encoder.encode(text);

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes canonical unpadded base64url, or null. */
function unbase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[\w-]*$/.test(text)) return null;
  try {
    const bytes = Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    // One text per byte string: unused low bits of the last character must be zero.
    return base64url(bytes) === text ? bytes : null;
  } catch {
    return null;
  }
}

/**
 * Derives a password room's keys; null for an empty password (an open room, whose beacon id is
 * `beaconIdFor` in ids.ts). The password is taken as typed, in Unicode NFC, so that the same
 * characters typed on different systems match; the room name as ids.ts takes it. Salting with
 * the server key and the room keeps one password in two rooms, or on two servers, unrelated.
 * Rejects where WebCrypto is missing (a page that is not a secure context).
 */
export async function deriveRoomKey(room: string, password: string, serverKey: string): Promise<RoomKey | null> {
  if (!password) return null;
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('A room with a password needs a secure page (https or localhost).');
  const secret = await subtle.importKey('raw', utf8(password.normalize('NFC')), 'PBKDF2', false, ['deriveBits']);
  const salt = utf8(JSON.stringify([LABEL, serverKey, room]));
  const master = await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: ITERATIONS }, secret, 256);
  const ikm = await subtle.importKey('raw', master, 'HKDF', false, ['deriveBits', 'deriveKey']);
  const hkdf = (use: string) => ({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8(`${LABEL} ${use}`) });
  const [id, sealKey, proofKey] = await Promise.all([
    subtle.deriveBits(hkdf('beacon'), ikm, 128),
    subtle.deriveKey(hkdf('seal'), ikm, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']),
    subtle.deriveKey(hkdf('proof'), ikm, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign', 'verify']),
  ]);
  let hex = '';
  for (const b of new Uint8Array(id)) hex += b.toString(16).padStart(2, '0');
  return Object.freeze({ beacon: `rtc-room-${hex}`, sealKey, proofKey });
}

/**
 * The additional data of a sealed signal: its kind and the ids it goes from and to (the src the
 * PeerServer sets, and the dst it was sent to), so that it opens only as that kind of signal,
 * between those two ids.
 */
export function signalAad(kind: string, fromId: string, toId: string): string {
  return JSON.stringify([LABEL, kind, fromId, toId]);
}

/**
 * Seals a JSON value: base64url of a random 96-bit nonce, then the AES-GCM ciphertext and tag.
 * Throws if the value is not JSON or its sealed text would exceed MAX_SEALED_LENGTH.
 */
export async function seal(key: RoomKey, payload: unknown, aad: string): Promise<string> {
  const json = JSON.stringify(payload);
  if (json === undefined) throw new TypeError('Only JSON values can be sealed.');
  const bytes = utf8(json);
  const plain = new Uint8Array(Math.ceil((bytes.length + 1) / PAD) * PAD).fill(0x20);
  plain.set(bytes);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const cipher = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8(aad) }, key.sealKey, plain);
  const out = new Uint8Array(12 + cipher.byteLength);
  out.set(iv);
  out.set(new Uint8Array(cipher), 12);
  const text = base64url(out);
  if (text.length > MAX_SEALED_LENGTH) throw new RangeError('Sealed signal too large.');
  return text;
}

/**
 * Opens what `seal` made with the same key and additional data. Null for anything else: not a
 * string, too long, not base64url, forged, tampered with, sealed for other ids or another kind.
 */
export async function open(key: RoomKey, sealed: unknown, aad: string): Promise<unknown | null> {
  if (typeof sealed !== 'string' || sealed.length > MAX_SEALED_LENGTH) return null;
  const bytes = unbase64url(sealed);
  if (!bytes || bytes.length < 12 + 16) return null;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: bytes.subarray(0, 12), additionalData: utf8(aad) },
      key.sealKey,
      bytes.subarray(12),
    );
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain));
  } catch {
    return null;
  }
}

/** Normalised `a=fingerprint` values of an SDP (session or media level): sorted, comma-joined. */
function fingerprintOf(sdp: string | undefined): string | null {
  const found = new Set<string>();
  for (const m of (sdp ?? '').matchAll(/^a=fingerprint: *(\S+) +([\dA-Fa-f:]+)\s*$/gm)) {
    found.add(`${m[1].toLowerCase()} ${m[2].toUpperCase()}`);
  }
  return found.size ? [...found].sort().join(',') : null;
}

/**
 * The DTLS certificate fingerprints of a peer connection, as its descriptions state them: the
 * local one is this page's certificate, the remote one the certificate DTLS will accept from
 * the other end. Null until both descriptions are set.
 */
export function fingerprintsOf(pc: RTCPeerConnection): { local: string; remote: string } | null {
  const local = fingerprintOf(pc.localDescription?.sdp);
  const remote = fingerprintOf(pc.remoteDescription?.sdp);
  return local && remote ? { local, remote } : null;
}

/** A fresh random nonce for a pair proof: 128 bits in base64url (22 characters). */
export function newChallenge(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(16)));
}

/** Whether a peer's nonce has the shape `newChallenge` gives. */
export function isChallenge(value: unknown): value is string {
  return typeof value === 'string' && /^[\w-]{22}$/.test(value);
}

/*
 * Why the fingerprints are in the proof. The PeerServer relays the SDP, so it can run a
 * man-in-the-middle: it answers each side's offer with its own DTLS endpoint and its own
 * certificate. Each side then sees a different pair of fingerprints: A sees (A's, the server's
 * first), B sees (the server's second, B's). A proof covers the fingerprints as its sender sees
 * them, so a proof relayed from one side fails on the other, and the server cannot make a valid
 * one without the password. A proof that verifies shows the DTLS session itself ends at someone
 * who knows the password. The ids and the nonces in a fixed from/to order keep a proof from being
 * reflected back to its sender or replayed on another link.
 */
function proofData(p: ProofParams): Uint8Array<ArrayBuffer> | null {
  const fields = [p.fromId, p.toId, p.fromNonce, p.toNonce, p.fromFingerprint, p.toFingerprint];
  if (!fields.every((f) => typeof f === 'string' && f.length > 0 && f.length <= 1024)) return null;
  return utf8(JSON.stringify([`${LABEL} proof`, ...fields]));
}

/** The proof that `fromId` knows the room's password, for `toId` on this link. */
export async function proof(key: RoomKey, params: ProofParams): Promise<string> {
  const data = proofData(params);
  if (!data) throw new TypeError('Invalid proof parameters.');
  return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', key.proofKey, data)));
}

/** Checks a peer's proof against the parameters as this page sees them (constant-time). */
export async function verifyProof(key: RoomKey, expected: ProofParams, proofText: unknown): Promise<boolean> {
  try {
    const data = proofData(expected);
    const mac = typeof proofText === 'string' && proofText.length === 43 ? unbase64url(proofText) : null;
    return !!data && !!mac && (await crypto.subtle.verify('HMAC', key.proofKey, mac, data));
  } catch {
    return false;
  }
}
