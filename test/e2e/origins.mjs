// The two origins of an embedding, for the end-to-end tests: the bundle's (as a site's CDN or its
// rtc-server serves dist/, with CORS) and the embedding site's own, which serves given pages.
import http from 'node:http';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';

const dist = new URL('../../dist/', import.meta.url);

async function listen(server, host) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, base: `http://${host}:${server.address().port}` };
}

/** What a Wi-Fi login page or a proxy answers in place of a file, labelled as JavaScript all the same. */
const LOGIN_PAGE = '<!doctype html><html><title>Sign in to the Wi-Fi</title><form>…</form></html>';

/**
 * Serves dist/'s rtc-elements*.js on 127.0.0.1, readable from any origin. `hold(pattern)` keeps
 * the requests for the files it matches waiting (a server or proxy that stalls) until the
 * function it returns is called. `spoil(pattern, how)` answers the next request for a file it
 * matches (its path and query: `?retry=1` included) with a login page (`how` 'html', as
 * text/javascript) or a 503 ('unavailable'), and the file after that.
 */
export async function serveBundle() {
  const held = new Set();
  const spoilt = new Set();
  const server = http.createServer(async (req, res) => {
    const file = /^\/(rtc-elements(?:-[\w-]+)?\.js)(?:\?.*)?$/.exec(req.url)?.[1];
    const stall = file && [...held].find((h) => h.pattern.test(file));
    if (stall) await new Promise((resolve) => stall.waiting.push(resolve));
    const spoil = file && [...spoilt].find((s) => s.pattern.test(req.url));
    if (spoil) {
      spoilt.delete(spoil);
      res.writeHead(spoil.how === 'html' ? 200 : 503, { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'text/javascript' });
      return res.end(spoil.how === 'html' ? LOGIN_PAGE : '');
    }
    const code = file && (await readFile(new URL(file, dist)).catch(() => null));
    res.writeHead(code ? 200 : 404, { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'text/javascript' });
    res.end(code ?? '');
  });
  const hold = (pattern) => {
    const stall = { pattern, waiting: [] };
    held.add(stall);
    return () => {
      held.delete(stall);
      for (const go of stall.waiting) go();
    };
  };
  const spoil = (pattern, how) => spoilt.add({ pattern, how });
  return { ...(await listen(server, '127.0.0.1')), hold, spoil };
}

/**
 * Serves the pages of `html` (path → markup, or { body, headers }) as `localhost`: another
 * origin than the bundle's.
 */
export function servePages(html) {
  const server = http.createServer((req, res) => {
    const page = html.get(req.url) ?? '';
    const { body, headers } = typeof page === 'string' ? { body: page, headers: {} } : page;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...headers });
    res.end(body);
  });
  return listen(server, 'localhost');
}
