// Reading an <rtc-call> the way a person looks at it, from a puppeteer page.
import assert from 'node:assert/strict';

/** Runs in the page: the call's phase, its notices, and the remote names with playing video. */
export function seen() {
  const call = document.querySelector('rtc-call');
  const tiles = [...call.shadowRoot.querySelectorAll('[part~="tile"]:not([part~="local-tile"])')];
  const name = (t) => t.querySelector('[part~="name"]').textContent.trim();
  return {
    phase: call.phase,
    names: tiles.map(name).sort(),
    notices: [...call.shadowRoot.querySelectorAll('[part~="notice"]')].map((n) => n.textContent.trim()),
    errors: (window.rtcErrors ?? []).map((e) => e.type),
    withVideo: tiles
      .filter((t) => {
        const v = t.querySelector('video');
        return v && v.readyState >= 2 && v.videoWidth > 0 && !v.paused;
      })
      .map(name)
      .sort(),
  };
}

/**
 * Polls `probe` (run in the page; `seen()` by default) until `check` holds, failing after
 * `timeout` ms with `what` (a text, or a function that gives it then) and what the page showed.
 */
export async function until(page, check, what, timeout = 20_000, probe = seen) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await page.evaluate(probe);
    if (check(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`${typeof what === 'function' ? what() : what}; the page shows ${JSON.stringify(last)}`);
}

/** Presses the call's join button, once the lobby shows it (the element may still be loading). */
export async function pressJoin(page) {
  const button = await page.waitForFunction(() => document.querySelector('rtc-call')?.shadowRoot?.querySelector('[part~="join-button"]'), { timeout: 20_000 });
  await button.evaluate((b) => b.click());
}
