// The built script-tag bundle on a page in German or French: the language's texts come as a chunk
// of their own from the script's origin (another origin than the page's), before anyone joins
// and without the session's code, while an English page fetches no language chunk at all.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import puppeteer from 'puppeteer-core';
import { chromeArgs, chromePath, fakeDeviceArgs } from '../chrome.mjs';
import { serveBundle, servePages } from './origins.mjs';

describe('the script-tag bundle in another language', () => {
  let bundleServer;
  let bundleBase;
  let pages;
  let pagesBase;
  let browser;
  const html = new Map();

  before(async () => {
    ({ server: bundleServer, base: bundleBase } = await serveBundle());
    ({ server: pages, base: pagesBase } = await servePages(html));
    browser = await puppeteer.launch({ executablePath: chromePath, headless: true, args: [...chromeArgs, ...fakeDeviceArgs] });
  });

  after(async () => {
    await browser?.close();
    pages?.close();
    bundleServer?.close();
  });

  /** The join button's words once they are `words`, and the bundle's files the page fetched. */
  async function lobby(lang, words) {
    const path = `/${lang}`;
    html.set(path, `<!doctype html><html lang="${lang}"><title>Embedder</title>
      <script type="module" src="${bundleBase}/rtc-elements.js"></script>
      <rtc-call room="e2e-languages" server="http://127.0.0.1:9/peerjs" audio-only></rtc-call></html>`);
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${pagesBase}${path}`);
    await page.waitForFunction(
      (w) => document.querySelector('rtc-call')?.shadowRoot?.querySelector('[part~="join-button"]')?.textContent.trim() === w,
      { timeout: 10_000 },
      words,
    );
    await context.close();
    return requests.filter((u) => u.startsWith(bundleBase)).map((u) => u.slice(bundleBase.length + 1).replace(/^(rtc-elements-.+)-[\w-]{8}\.js$/, '$1'));
  }

  it('a page with lang="de-AT" gets the German chunk from the script\'s origin, and nothing a join needs', async () => {
    assert.deepEqual(await lobby('de-AT', 'Anruf beitreten'), ['rtc-elements.js', 'rtc-elements-lang-de']);
  });

  it('a page with lang="fr" gets the French chunk', async () => {
    assert.deepEqual(await lobby('fr', 'Rejoindre l’appel'), ['rtc-elements.js', 'rtc-elements-lang-fr']);
  });

  it('an English page fetches no language chunk', async () => {
    assert.deepEqual(await lobby('en', 'Join call'), ['rtc-elements.js']);
  });
});
