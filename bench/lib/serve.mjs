// The benchmark's web server: an rtc-server on 127.0.0.1 (bundle at /rtc-elements.js,
// PeerServer at /peerjs) that also serves the benchmark pages at /bench/.
import { fileURLToPath } from 'node:url';
import express from 'express';
import { createRtcServer } from '../../server/index.js';

const pages = fileURLToPath(new URL('../pages/', import.meta.url));

export async function startBenchServer() {
  const server = createRtcServer({ host: '127.0.0.1', port: 0 });
  server.app.use('/bench', express.static(pages, { etag: false, maxAge: 0 }));
  const { url, port } = await server.listen();
  return { url, port, close: () => server.close() };
}
