// Response headers for the pages rtc-server serves (the demo at `/`). An HTML page gets a
// Content-Security-Policy that lets it run only scripts from this origin and its own inline
// scripts and styles, by hash, and a Permissions-Policy that gives camera, microphone and screen
// capture to this origin alone. Other files (the bundle under /dist/) get the plain headers.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const PERMISSIONS_POLICY =
  'camera=(self), microphone=(self), display-capture=(self), fullscreen=(self), geolocation=(), payment=(), usb=()';

/** Pages remembered with their policy; the demo has one, a site built on it a few. */
const MAX_CACHED = 64;

/**
 * The Content-Security-Policy for an HTML page. Scripts and chunks come from this origin
 * ('self' covers /rtc-elements.js and anything next to it), the PeerServer is this origin's
 * WebSocket (CSP 3 lets 'self' match ws: and wss: on the same host), chat files are shown from
 * blob: URLs, and the demo's empty favicon is a data: URL.
 * @param {string} html
 */
export function contentSecurityPolicy(html) {
  const scripts = inlineHashes(html, 'script');
  const styles = inlineHashes(html, 'style');
  return [
    "default-src 'self'",
    ['script-src', "'self'", ...scripts].join(' '),
    ['style-src', "'self'", ...styles].join(' '),
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

/**
 * The CSP hashes of a page's inline `<script>` or `<style>` elements. The browser hashes the
 * element's text after its parser turned CR LF and CR into LF; a script with `src` has no text.
 * @param {string} html
 * @param {'script' | 'style'} tag
 */
function inlineHashes(html, tag) {
  const pattern = new RegExp(`<${tag}\\b([^>]*)>([\\s\\S]*?)</${tag}\\s*>`, 'gi');
  const hashes = new Set();
  for (const [, attributes, text] of html.matchAll(pattern)) {
    if (tag === 'script' && /\bsrc\s*=/i.test(attributes)) continue;
    const normalized = text.replace(/\r\n?/g, '\n');
    hashes.add(`'sha256-${createHash('sha256').update(normalized).digest('base64')}'`);
  }
  return [...hashes];
}

/**
 * `setHeaders` for express.static: every file gets Referrer-Policy and X-Frame-Options, an HTML
 * page also its Content-Security-Policy (worked out once per version of the file) and
 * Permissions-Policy.
 * @returns {(res: import('express').Response, filePath: string, stat: import('node:fs').Stats) => void}
 */
export function pageHeaders() {
  /** @type {Map<string, { version: string, policy: string }>} */
  const cache = new Map();
  return (res, filePath, stat) => {
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'SAMEORIGIN');
    if (!/\.html?$/i.test(filePath)) return;
    const version = `${stat.mtimeMs}:${stat.size}`;
    let entry = cache.get(filePath);
    if (entry?.version !== version) {
      let policy;
      try {
        policy = contentSecurityPolicy(readFileSync(filePath, 'utf8'));
      } catch {
        // Unreadable now: the strictest policy, no inline code at all.
        policy = contentSecurityPolicy('');
      }
      entry = { version, policy };
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(filePath, entry);
    }
    res.setHeader('Content-Security-Policy', entry.policy);
    res.setHeader('Permissions-Policy', PERMISSIONS_POLICY);
  };
}
