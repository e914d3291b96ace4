// GET /ice-servers: short-lived TURN credentials for the elements, in the form of coturn's
// `use-auth-secret` (the "TURN REST API"): username `${expiry}:${random}`, credential
// base64(HMAC-SHA1(secret, username)). coturn checks the HMAC with the same secret and refuses
// the username once its expiry (Unix seconds) has passed; rtc-server and coturn never talk.

import { createHmac, randomBytes } from 'node:crypto';
import { clientAddress } from './client-address.js';

/**
 * Where an element whose `server` names the PeerServer at `peerPath` asks for its ICE servers:
 * `ice-servers` beside that path, by the rule of src/controllers/ice-servers-url.ts
 * (`/rtc/peerjs` → `/rtc/ice-servers`; `/peerjs` and `/` → `/ice-servers`).
 * @param {string} peerPath the PeerServer's `--path`
 * @returns {string} a URL path, percent-encoded as a browser sends it
 */
export function iceServersPathBeside(peerPath) {
  const base = new URL('http://localhost/');
  base.pathname = peerPath.replace(/\/+$/, '') || '/';
  return new URL('ice-servers', base).pathname;
}

/**
 * Credentials for one caller.
 * @param {{ urls: readonly string[], secret: string, ttl: number }} turn ttl in seconds
 * @param {number} [now] ms since the epoch
 * @returns {{ iceServers: RTCIceServerJson[], ttl: number }}
 */
export function turnCredentials({ urls, secret, ttl }, now = Date.now()) {
  const username = `${Math.floor(now / 1000) + ttl}:${randomBytes(12).toString('base64url')}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  const turn = urls.filter((url) => /^turns?:/i.test(url));
  const stun = urls.filter((url) => /^stuns?:/i.test(url));
  /** @type {RTCIceServerJson[]} */
  const iceServers = [];
  if (stun.length) iceServers.push({ urls: stun });
  if (turn.length) iceServers.push({ urls: turn, username, credential });
  return { iceServers, ttl };
}

/** @typedef {{ urls: string[], username?: string, credential?: string }} RTCIceServerJson */

/**
 * Requests per address and minute, counted in fixed windows. Bounded: past `maxAddresses`
 * the oldest window goes first (which can only loosen someone's limit, never grow memory).
 */
export class RequestLimit {
  /** @type {Map<string, { start: number, count: number }>} */
  #windows = new Map();

  /** @param {{ perMinute: number, maxAddresses?: number, now?: () => number }} options */
  constructor({ perMinute, maxAddresses = 10000, now = Date.now }) {
    this.perMinute = perMinute;
    this.maxAddresses = maxAddresses;
    this.now = now;
  }

  /**
   * Counts one request; the seconds to wait when it is over the limit, else 0.
   * @param {string} address
   */
  take(address) {
    const now = this.now();
    let window = this.#windows.get(address);
    if (!window || now - window.start >= 60_000) {
      this.#windows.delete(address);
      window = { start: now, count: 0 };
      this.#windows.set(address, window);
      while (this.#windows.size > this.maxAddresses) {
        const oldest = this.#windows.keys().next().value;
        if (oldest === undefined) break;
        this.#windows.delete(oldest);
      }
    }
    window.count++;
    return window.count > this.perMinute ? Math.max(1, Math.ceil((window.start + 60_000 - now) / 1000)) : 0;
  }

  get size() {
    return this.#windows.size;
  }
}

/**
 * The route's handler. Without TURN URLs it answers an empty list (200, not 404), so that the
 * elements' fetch succeeds quietly and they connect directly.
 *
 * With `turnOrigins`, a request from a page on another origin is answered only when the browser
 * names a listed one in `Origin` (the answer names it back), else 403. A request without
 * `Origin` is answered: a browser leaves it out of a page's requests to its own origin, and
 * another site's page cannot read an answer without CORS, which needs it. A client outside a
 * browser can send any `Origin`: the list keeps other sites from using the relay through their
 * visitors' browsers, not a determined client (coturn's quotas bound that).
 *
 * A request that a browser marks as coming from another site (`Sec-Fetch-Site`) without `Origin`,
 * or not in CORS mode, is refused (403) before it counts against its address's rate: an `<img>`,
 * a no-cors fetch or a navigation from another site's page, which could not read the answer
 * anyway, would otherwise use up the rate of everyone behind that address.
 * @param {Readonly<import('./config.js').RtcServerConfig>} config
 * @returns {import('express').RequestHandler}
 */
export function iceServersHandler(config) {
  const limit = new RequestLimit({ perMinute: config.iceServersPerMinute });
  const turn = { urls: config.turnUrls, secret: config.turnSecret ?? '', ttl: config.turnTtl };
  const origins = config.turnOrigins.length ? new Set(config.turnOrigins) : undefined;
  return (req, res) => {
    // A cross-origin page sees Retry-After only when it is exposed.
    res.set({ 'Cache-Control': 'no-store', 'Access-Control-Expose-Headers': 'Retry-After' });
    const origin = req.get('Origin');
    if (!origins) {
      // Any page may embed the elements, which fetch this cross-origin; no cookies are read.
      res.set('Access-Control-Allow-Origin', '*');
    } else if (origin !== undefined) {
      // The page may read the answer, a refusal too, so that it can say why.
      res.vary('Origin').set('Access-Control-Allow-Origin', origin);
      if (!origins.has(origin)) {
        res.status(403).type('text/plain; charset=utf-8').send('Pages on this origin get no TURN credentials here\n');
        return;
      }
    } else {
      res.vary('Origin');
    }
    if (unreadableFromAnotherSite(req, origin)) {
      res.status(403).type('text/plain; charset=utf-8').send('Pages on other sites get TURN credentials only through CORS\n');
      return;
    }
    const wait = limit.take(clientAddress(req, config.proxied));
    if (wait) {
      res.set('Retry-After', String(wait)).status(429).type('text/plain; charset=utf-8').send('Too many requests\n');
      return;
    }
    res.json(turn.urls.length ? turnCredentials(turn) : { iceServers: [], ttl: config.turnTtl });
  };
}

/**
 * Whether a browser says that a page on another site sent the request in a way that cannot read
 * the answer. The elements' fetch is a CORS request, which carries `Origin`. Without
 * `Sec-Fetch-Site` (a program, an older browser, a page on plain http) nothing is known.
 * @param {import('express').Request} req
 * @param {string | undefined} origin
 */
function unreadableFromAnotherSite(req, origin) {
  const site = req.get('Sec-Fetch-Site');
  if (site !== 'cross-site' && site !== 'same-site') return false;
  return origin === undefined || (req.get('Sec-Fetch-Mode') ?? 'cors') !== 'cors';
}
