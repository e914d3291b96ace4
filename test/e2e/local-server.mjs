// Within a describe(): an rtc-server on 127.0.0.1 for its tests, and the Chromium browsers they
// launch, all closed after them.
import { after, before } from 'node:test';
import puppeteer from 'puppeteer-core';
import { createRtcServer } from '../../server/index.js';
import { chromeArgs, chromePath } from '../chrome.mjs';

export function localServer() {
  let server;
  const browsers = [];
  const local = {
    /** The server's port, once the describe's tests run. */
    port: 0,
    /** A headless Chromium with the shared flags and `args`, closed after the tests. */
    async launch(args) {
      const browser = await puppeteer.launch({ executablePath: chromePath, headless: true, args: [...chromeArgs, ...args] });
      browsers.push(browser);
      return browser;
    },
  };
  before(async () => {
    server = createRtcServer({ host: '127.0.0.1', port: 0 });
    ({ port: local.port } = await server.listen());
  });
  after(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await server.close();
  });
  return local;
}
