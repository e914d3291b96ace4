import { expect } from '@open-wc/testing';
import type { RtcErrorEvent } from '../events/error.js';
import { english } from '../i18n/localizer.js';
import { MAX_REPORTED, Notices } from './notices.js';

/** Notices on a bare element, recording the messages fired as `rtc-error`. */
function notices() {
  const host = Object.assign(document.createElement('div'), { requestUpdate() {}, updateComplete: Promise.resolve(true), renderRoot: document.createElement('div') });
  const fired: string[] = [];
  host.addEventListener('rtc-error', (e) => fired.push((e as RtcErrorEvent).detail.message));
  const list = new Notices(host as never, { strings: () => english, announce: () => {}, focusBelow: () => {} });
  return { list, fired };
}

describe('Notices', () => {
  it('fires each of many problems once, and remembers a bounded number of them', async () => {
    const { list, fired } = notices();
    // Someone who comes back under one name after another: each visit names them anew.
    for (let i = 0; i < 1_000; i++) list.notice({ type: 'protocol', message: `Ignored a malformed message from Guest ${i}.`, fatal: false });
    expect(fired).to.have.length(1_000);
    expect(list.list, 'notices shown').to.have.length(5);
    expect(list.reportedCount, 'remembered').to.equal(MAX_REPORTED);
    // One still remembered, taken off the list by the person: it shows again, and is not fired again.
    await list.dismiss(list.list[0]);
    list.notice({ type: 'protocol', message: 'Ignored a malformed message from Guest 995.', fatal: false });
    expect(list.list.at(-1)?.message).to.equal('Ignored a malformed message from Guest 995.');
    expect(fired).to.have.length(1_000);
  });
});
