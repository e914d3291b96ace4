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

describe('ScreenShare, pressed twice', () => {
  it('opens one picker and shares one capture when Share is pressed again before the visitor chose', async () => {
    const real = navigator.mediaDevices.getDisplayMedia;
    const captured: MediaStream[] = [];
    let choose!: () => void;
    const chosen = new Promise<void>((resolve) => (choose = resolve));
    navigator.mediaDevices.getDisplayMedia = async (options) => {
      await chosen;
      const stream = await real.call(navigator.mediaDevices, options);
      captured.push(stream);
      return stream;
    };
    try {
      const shared: (MediaStream | null)[] = [];
      const screen = new ScreenShare(host, { shared: (s) => shared.push(s), denied: () => {} });
      const first = screen.start(() => true);
      const second = screen.start(() => true);
      choose();
      await Promise.all([first, second]);
      expect(captured, 'captures').to.have.length(1);
      expect(shared).to.deep.equal([captured[0]]);
      screen.stop();
      // The screen and its sound (Chromium's fake capture has one, as a tab shared with its sound).
      expect(captured[0].getTracks().map((t) => `${t.kind} ${t.readyState}`).sort()).to.deep.equal(['audio ended', 'video ended']);

      // Stopped while the picker is open: what the visitor then chooses is not shared.
      const third = screen.start(() => true);
      screen.stop();
      await third;
      expect(screen.stream).to.equal(null);
      expect(captured.flatMap((s) => s.getTracks()).map((t) => t.readyState)).to.deep.equal(['ended', 'ended', 'ended', 'ended']);
    } finally {
      navigator.mediaDevices.getDisplayMedia = real;
    }
  });
});
