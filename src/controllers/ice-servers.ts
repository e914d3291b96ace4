/**
 * STUN and TURN servers from the element's own server, when the page names none: rtc-server's
 * `GET /ice-servers` answers `{ iceServers, ttl }` with TURN credentials that expire after `ttl`
 * seconds. They are fetched when the element joins (alongside its code, so the first peer
 * connection already has them) and again at half their lifetime, and handed to the running
 * session; a failed fetch is tried again for as long as the session runs (refresh-schedule.ts).
 * Never anyone else's servers: a failed fetch means no ICE servers (direct connections only),
 * not a public fallback. Loaded on join, with the session layer (lazy.ts), when the page names no
 * servers; the URL, and the requests themselves, are the first load's (ice-servers-url.ts), so
 * that the first request leaves at once rather than after this code came.
 */

import { CHECK_EVERY, now, realTiming, retryAfter, retryDelay, since, type Moment, type Timing } from './refresh-schedule.js';

/** Requests the ICE servers from a URL. */
export type Ask = (url: string) => Promise<Response>;

/** What the fetched servers are given to: the running session. */
export interface IceServersTarget {
  setIceServers(iceServers: RTCIceServer[]): void;
}

/** One answer from the server. */
interface Grant {
  iceServers: RTCIceServer[];
  /** Seconds the credentials are valid for. */
  ttl: number;
  /** When they were fetched. */
  at: Moment;
}

/**
 * Why a fetch failed; `final` when asking again will not help (the server has no such route),
 * `retryAfter` (ms) when the server said how long to wait.
 */
class FetchError extends Error {
  constructor(
    message: string,
    readonly final = false,
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

/** Bounds on what the server may send: every byte from the network is hostile. */
const MAX_BODY = 16 * 1024;
const MAX_SERVERS = 8;
const MAX_URLS = 8;
const MAX_STRING = 512;
const MIN_TTL = 2;
const MAX_TTL = 7 * 24 * 3600;
/** How long a join waits for the first answer before it goes on without (and applies it later). */
const JOIN_WAIT = 3_000;

/**
 * The page's latest answer per URL, and the fetch under way, so that a `<rtc-call>` and an
 * `<rtc-chat>` of one page ask once. A few URLs at most.
 */
const grants = new Map<string, Grant>();
const inFlight = new Map<string, Promise<Grant>>();
const MAX_URLS_KEPT = 4;

/** A grant younger than half its lifetime by both clocks is used as is. */
function fresh(grant: Grant | undefined, timing: Timing): grant is Grant {
  return !!grant && since(grant.at, timing) < (grant.ttl * 1000) / 2;
}

/** The servers from `url`, from the page's cache while fresh. */
function obtain(url: string, timing: Timing, ask: Ask): Promise<Grant> {
  const cached = grants.get(url);
  if (fresh(cached, timing)) return Promise.resolve(cached);
  let pending = inFlight.get(url);
  if (!pending) {
    pending = fetchGrant(url, timing, ask).then(
      (grant) => {
        inFlight.delete(url);
        grants.delete(url);
        grants.set(url, grant);
        for (const old of grants.keys()) if (grants.size > MAX_URLS_KEPT) grants.delete(old);
        return grant;
      },
      (error: unknown) => {
        inFlight.delete(url);
        throw error;
      },
    );
    inFlight.set(url, pending);
  }
  return pending;
}

async function fetchGrant(url: string, timing: Timing, ask: Ask): Promise<Grant> {
  let response: Response;
  try {
    response = await ask(url);
  } catch (error) {
    throw new FetchError(`no answer (${(error as Error).name})`);
  }
  // 404: a server without the route (a stock PeerServer). Other errors may pass.
  if (!response.ok) {
    const wait = response.status === 429 || response.status === 503 ? retryAfter(response.headers.get('retry-after')) : null;
    void response.body?.cancel().catch(() => {});
    throw new FetchError(`HTTP ${response.status}`, response.status === 404, wait);
  }
  const text = await readAtMost(response, MAX_BODY);
  if (text === null) throw new FetchError('answer too large', true);
  const grant = parseGrant(text, timing);
  if (!grant) throw new FetchError('not an ice-servers answer', true);
  return grant;
}

/**
 * The body as text, or null past `max` bytes: then reading stops and the rest is not fetched,
 * whether the server said its length or not.
 */
async function readAtMost(response: Response, max: number): Promise<string | null> {
  if (Number(response.headers.get('content-length')) > max) {
    void response.body?.cancel().catch(() => {});
    return null;
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        void reader.cancel().catch(() => {});
        return null;
      }
      chunks.push(value);
    }
  } catch (error) {
    // The fetch's time limit covers the body too: a server that sends it slowly is cut off.
    throw new FetchError(`no answer (${(error as Error).name})`);
  }
  const body = new Uint8Array(size);
  chunks.reduce((at, chunk) => (body.set(chunk, at), at + chunk.byteLength), 0);
  return new TextDecoder().decode(body);
}

const isString = (value: unknown): value is string => typeof value === 'string' && value.length <= MAX_STRING;

/** The answer, checked and copied field by field; null for anything else. */
function parseGrant(text: string, timing: Timing): Grant | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  const { iceServers, ttl } = (body ?? {}) as { iceServers?: unknown; ttl?: unknown };
  if (!Array.isArray(iceServers) || iceServers.length > MAX_SERVERS || typeof ttl !== 'number' || !(ttl > 0)) return null;
  const servers: RTCIceServer[] = [];
  for (const entry of iceServers as unknown[]) {
    const { urls, username, credential } = (entry ?? {}) as Record<string, unknown>;
    const list = typeof urls === 'string' ? [urls] : urls;
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_URLS) return null;
    if (!list.every((u) => isString(u) && /^(stun|stuns|turn|turns):[^\s]+$/.test(u))) return null;
    if ((username !== undefined && !isString(username)) || (credential !== undefined && !isString(credential))) return null;
    // The browser refuses a TURN server without credentials, and every connection with it.
    if (list.some((u) => /^turns?:/.test(u as string)) && (username === undefined || credential === undefined)) return null;
    servers.push({ urls: list as string[], ...(username !== undefined && { username }), ...(credential !== undefined && { credential }) });
  }
  return { iceServers: servers, ttl: Math.min(MAX_TTL, Math.max(MIN_TTL, ttl)), at: now(timing) };
}

/** Why a relay-only page cannot connect: no credentials, or the TURN server refused them. */
export type NoRelayReason = 'unavailable' | 'refused' | 'none';

/** How long the probe of a relay-only page's credentials may take. */
const PROBE_TIMEOUT = 5_000;

/**
 * Whether the TURN servers accept the credentials: asks them for a relay address with a
 * throwaway connection. `refused` when every answer was 401 (a secret that coturn does not
 * share with rtc-server, or an expired credential); `ok` on a relay candidate; `unknown` else.
 */
async function probeRelay(iceServers: RTCIceServer[]): Promise<'ok' | 'refused' | 'unknown'> {
  let pc: RTCPeerConnection | null = null;
  try {
    const probe = (pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: 'relay' }));
    let refused = false;
    const result = new Promise<'ok' | 'refused' | 'unknown'>((resolve) => {
      probe.onicecandidate = ({ candidate }) => {
        if (candidate?.type === 'relay') resolve('ok');
        else if (!candidate) resolve(refused ? 'refused' : 'unknown');
      };
      probe.onicecandidateerror = (e) => {
        if ((e as RTCPeerConnectionIceErrorEvent).errorCode === 401) refused = true;
      };
      AbortSignal.timeout(PROBE_TIMEOUT).onabort = () => resolve(refused ? 'refused' : 'unknown');
    });
    pc.createDataChannel('probe');
    await pc.setLocalDescription();
    return await result;
  } catch {
    return 'unknown';
  } finally {
    pc?.close();
  }
}

/**
 * Fetches and refreshes one element's ICE servers. `prepare()` on join (awaited with the
 * element's code), `start()` once the session exists, `stop()` when the element leaves.
 */
export class IceServers {
  private url: string | null = null;
  private grant: Grant | null = null;
  /** The join's first fetch; its failure, when it failed. */
  private first: Promise<unknown> | null = null;
  private firstError: FetchError | null = null;
  private target: IceServersTarget | null = null;
  private onFailed: ((reason: NoRelayReason) => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Failed fetches in a row. */
  private failures = 0;
  private generation = 0;

  /** `ask` makes the request (askIceServers, in the first load: it may have been made already). */
  constructor(
    private readonly ask: Ask,
    private readonly timing: Timing = realTiming,
  ) {}

  /** Whether this element takes its ICE servers from its server (the page named none). */
  get active(): boolean {
    return this.url !== null;
  }

  /** The servers to start the session with: the fetched ones, or none. */
  get iceServers(): RTCIceServer[] {
    return this.grant?.iceServers ?? [];
  }

  /**
   * Starts fetching from `url` (null: the page gives its own servers, nothing to fetch).
   * Settles when the servers are there or the fetch failed, or after a few seconds at most:
   * a slow server delays the join no longer, and its answer is applied when it comes.
   */
  prepare(url: string | null): Promise<void> {
    this.stop();
    this.url = url;
    this.grant = null;
    this.firstError = null;
    if (!url) return (this.first = Promise.resolve());
    // Not this.generation: stop() (before the session starts) does not cancel the first fetch.
    const first: Promise<unknown> = obtain(url, this.timing, this.ask).then(
      (grant) => {
        if (this.first === first) this.grant = grant;
      },
      (error: FetchError) => {
        if (this.first === first) this.firstError = error;
      },
    );
    this.first = first;
    let wait: ReturnType<typeof setTimeout> | undefined;
    return Promise.race([first, new Promise((resolve) => (wait = this.timing.setTimeout(() => resolve(undefined), JOIN_WAIT)))]).then(
      () => {
        if (wait !== undefined) this.timing.clearTimeout(wait);
      },
    );
  }

  /**
   * Gives the servers to the session, now and after each refresh at half their lifetime. A
   * failed fetch is tried again, a minute apart at most, until `stop()`; not when the server
   * never gave an answer that could be used (a stock PeerServer's 404).
   * `onFailed` (relay-only pages) is called once, when no servers could be had (after the first
   * failed fetch, or when the credentials expired and no new ones came), or when the TURN server
   * refuses the first credentials: then nothing can connect, and the page should say so at once.
   */
  start(target: IceServersTarget, onFailed: ((reason: NoRelayReason) => void) | null): void {
    if (!this.url) return;
    this.target = target;
    this.onFailed = onFailed;
    const generation = this.generation;
    if (onFailed) void this.first?.then(() => this.probe(generation));
    if (this.grant) {
      target.setIceServers(this.grant.iceServers);
      this.scheduleRefresh(this.grant);
    } else {
      // Still under way (a slow server) or failed: wait for it, then carry on from there.
      void this.first?.then(() => {
        if (generation !== this.generation) return;
        if (this.grant) this.applied(this.grant);
        else this.failed(this.firstError ?? new FetchError('no answer'));
      });
    }
  }

  /** Stops refreshing; a fetch under way is ignored when it ends. */
  stop(): void {
    this.generation++;
    if (this.timer !== null) this.timing.clearTimeout(this.timer);
    this.timer = null;
    this.failures = 0;
    this.target = null;
    this.onFailed = null;
  }

  private async probe(generation: number): Promise<void> {
    if (!this.grant) return;
    // A server without TURN answers with no relay at all (rtc-server without --turn-url): a page
    // that connects only through one reaches nobody, and is told at once.
    const servers = this.grant.iceServers.filter((s) => s.credential);
    const verdict = servers.length ? await probeRelay(servers) : 'none';
    if ((verdict !== 'refused' && verdict !== 'none') || generation !== this.generation) return;
    this.onFailed?.(verdict);
    this.onFailed = null;
  }

  private refresh(): void {
    const generation = this.generation;
    obtain(this.url!, this.timing, this.ask).then(
      (grant) => {
        if (generation !== this.generation) return;
        // The page's copy, still fresh by a hair (a timer may fire a little early): wait on.
        if (grant === this.grant) this.scheduleRefresh(grant);
        else this.applied(grant);
      },
      (error: FetchError) => generation === this.generation && this.failed(error),
    );
  }

  private applied(grant: Grant): void {
    this.failures = 0;
    this.grant = grant;
    this.target?.setIceServers(grant.iceServers);
    this.scheduleRefresh(grant);
  }

  private failed(error: FetchError): void {
    // Without a grant nothing relays from the start; with one, once its credentials expired.
    if (!this.grant || since(this.grant.at, this.timing) >= this.grant.ttl * 1000) {
      this.onFailed?.('unavailable');
      this.onFailed = null;
    }
    // A server that gave an answer before has the route: whatever it says now (a deploy, a
    // proxy's error page) may pass.
    if (error.final && !this.grant) return;
    this.after(retryDelay(++this.failures, error.retryAfter, this.timing.random), () => this.refresh());
  }

  private scheduleRefresh(grant: Grant): void {
    const due = (grant.ttl * 1000) / 2 - since(grant.at, this.timing);
    if (due > CHECK_EVERY) this.after(CHECK_EVERY, () => this.scheduleRefresh(grant));
    else this.after(Math.max(0, due), () => this.refresh());
  }

  private after(ms: number, fn: () => void): void {
    if (this.timer !== null) this.timing.clearTimeout(this.timer);
    this.timer = this.timing.setTimeout(() => {
      this.timer = null;
      fn();
    }, ms);
  }
}
