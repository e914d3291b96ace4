import { expect } from '@open-wc/testing';
import type { ReactiveControllerHost } from 'lit';
import { PICKER_SHOWN, ScreenShare } from './screen-share.js';

/** What getDisplayMedia does, for one test: reject with `name` and `message` after `ms`. */
function refuse(name: string, message: string, ms: number): () => void {
  const real = navigator.mediaDevices.getDisplayMedia;
  navigator.mediaDevices.getDisplayMedia = () => new Promise((_, reject) => setTimeout(() => reject(new DOMException(message, name)), ms));
  return () => (navigator.mediaDevices.getDisplayMedia = real);
}

const host = { addController() {}, removeController() {}, requestUpdate() {}, updateComplete: Promise.resolve(true) } as ReactiveControllerHost;

describe('ScreenShare', () => {
  // What each browser says: Chromium when the visitor cancels or the system refuses; Firefox and
  // Safari the same words for a cancel and for a policy that forbids sharing, told apart by when.
  const cases: [string, string, string, number, boolean][] = [
    ['Chromium, Cancel pressed', 'NotAllowedError', 'Permission denied by user', PICKER_SHOWN + 200, false],
    ['Chromium, the system refuses', 'NotAllowedError', 'Permission denied by system', PICKER_SHOWN + 200, true],
    ['Firefox, Cancel pressed', 'NotAllowedError', 'The request is not allowed by the user agent or the platform in the current context.', PICKER_SHOWN + 200, false],
    ['Firefox, a frame without display-capture', 'NotAllowedError', 'The request is not allowed by the user agent or the platform in the current context.', 0, true],
    ['no screen to capture', 'NotFoundError', 'Requested device not found', 0, true],
  ];
  for (const [label, name, message, after, error] of cases) {
    it(`${error ? 'says it could not share' : 'takes it as no'}: ${label}`, async () => {
      const restore = refuse(name, message, after);
      try {
        let denied = 0;
        const screen = new ScreenShare(host, { shared: () => {}, denied: () => denied++ });
        await screen.start(() => true);
        expect(denied).to.equal(error ? 1 : 0);
        expect(screen.stream).to.equal(null);
      } finally {
        restore();
      }
    });
  }
});
