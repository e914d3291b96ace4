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

/**
 * Serves dist/'s rtc-elements*.js on 127.0.0.1, readable from any origin. `hold(pattern)` keeps
 * the requests for the files it matches waiting (a server or proxy that stalls) until the
 * function it returns is called.
 */
export async function serveBundle() {
  const held = new Set();
  const server = http.createServer(async (req, res) => {
    const file = /^\/(rtc-elements(?:-[\w-]+)?\.js)(?:\?.*)?$/.exec(req.url)?.[1];
    const stall = file && [...held].find((h) => h.pattern.test(file));
    if (stall) await new Promise((resolve) => stall.waiting.push(resolve));
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
  return { ...(await listen(server, '127.0.0.1')), hold };
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
