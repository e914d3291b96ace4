// axe-core in every state of both elements (a tile showing a weak connection too), in the
// default theme (with the system light and dark), and with the theme attribute set to light and
// to dark, a room that knocks too; and every button's target size.
import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia, executeServerCommand } from '@web/test-runner-commands';
import { rtcServer } from './env.js';
import { addChatParticipant, addParticipant, closeAll, loseUdpUntil, part, uniqueRoom, until } from './helpers.js';
import '../src/index.js';
import type { RtcCall, RtcChat } from '../src/index.js';

/** The themes: [theme attribute, system colour scheme]. */
const THEMES = [
  ['', 'light'],
  ['', 'dark'],
  ['light', 'dark'],
  ['dark', 'light'],
] as const;

const label = (theme: string, scheme: string) => `${theme || 'default'} theme, system ${scheme}`;

/** A getUserMedia that waits at a gate (to look at the joining state), or refuses the camera. */
function patchMedia(mode: { gate?: Promise<void>; denyCamera?: boolean }): () => void {
  const original = navigator.mediaDevices.getUserMedia;
  navigator.mediaDevices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
    await mode.gate;
    if (mode.denyCamera && constraints?.video) throw new DOMException('Permission denied', 'NotAllowedError');
    return original.call(navigator.mediaDevices, constraints);
  };
  return () => (navigator.mediaDevices.getUserMedia = original);
}

/** Every button of an element is at least 24 × 24 px (WCAG 2.2 target size, minimum). */
function expectTargets(el: HTMLElement, where: string): void {
  for (const button of el.shadowRoot!.querySelectorAll<HTMLElement>('button')) {
    const { width, height } = button.getBoundingClientRect();
    if (!width && !height) continue; // not shown (a tile's buttons in a tiny tile)
    expect(Math.min(width, height), `${where}: ${button.getAttribute('part')} is ${width}×${height}`).to.be.at.least(24);
  }
}

async function accessible(el: HTMLElement, where: string): Promise<void> {
  await (el as RtcCall).updateComplete;
  expectTargets(el, where);
  await expect(el, where).to.be.accessible();
}

describe('accessibility: <rtc-call> in every state', () => {
  afterEach(async () => {
    closeAll();
    await emulateMedia({ colorScheme: 'light' });
  });

  for (const [theme, scheme] of THEMES) {
    it(`has no axe violation and no small target: lobby, joining, a notice, alone, two, a hand, two hands, the people, a connection's figures, the chat, reactions, left (${label(theme, scheme)})`, async () => {
      await emulateMedia({ colorScheme: scheme });
      const room = uniqueRoom('a11y-call');
      // The camera waits (a lobby that previews at once, where the browser allowed it before,
      // shows "Starting…" meanwhile), then is refused: the join goes on with a notice.
      let open!: () => void;
      let el!: RtcCall;
      const restore = patchMedia({ gate: new Promise((resolve) => (open = resolve)), denyCamera: true });
      try {
        el = await fixture<RtcCall>(html`<rtc-call room=${room} server=${rtcServer} name="Ada" style="width: 640px; height: 480px"></rtc-call>`);
        if (theme) el.setAttribute('theme', theme);
        await accessible(el, 'lobby');
        const joined = el.join();
        await until(() => el.matches(':state(joining)'), 'not joining');
        await accessible(el, 'joining');
        open();
        await joined;
      } finally {
        restore();
      }
      await until(() => part(el, 'notice').length === 1 && part(el, 'alone').length === 1, 'no notice about the camera, or not alone');
      await accessible(el, 'in the call, alone, with a notice');

      const bob = await addParticipant({ room, server: rtcServer, name: 'Bob', autojoin: '' });
      await until(() => el.participants.length === 1 && part(el, 'alone').length === 0, 'Bob did not come');
      await accessible(el, 'two in the call');
      el.toggleHand(true);
      await until(() => part(el, 'hand').length === 1, 'no raised hand on the own tile');
      await accessible(el, 'two in the call, a hand raised');
      bob.call.toggleHand(true);
      await until(() => part(el, 'hand').map((h) => h.textContent!.trim()).join() === '1,2', () => `the hands show ${part(el, 'hand').map((h) => h.textContent)}`);
      await accessible(el, 'two in the call, both hands raised and numbered');
      part(el, 'people-button')[0].click();
      await until(() => part(el, 'person').length === 2, 'the people did not open');
      await accessible(el, "two in the call, both hands raised, the call's people listed");
      await until(() => part(el, 'person-quality-button').length === 1, 'no connection sign in the list');
      part(el, 'person-quality-button')[0].click();
      await until(() => part(el, 'connection-details').length === 1, "the connection's figures did not show");
      await accessible(el, "the call's people listed, the figures of a connection shown");
      part(el, 'chat-button')[0].click();
      await until(() => part(el, 'chat-panel')[0]?.hidden === false && !!part(el, 'chat')[0]?.shadowRoot?.querySelector('[part~="system-line"]'), 'the chat did not open');
      await accessible(el, "two in the call, the call's chat open");
      bob.call.toggleHand(false);
      el.toggleHand(false);
      part(el, 'react-button')[0].click();
      await until(() => part(el, 'reactions-panel').length === 1, 'the reactions did not open');
      part(el, 'reaction-button')[0].click();
      await until(() => part(el, 'reaction').length === 1, 'no reaction on the own tile');
      await accessible(el, 'two in the call, the reactions open, one on a tile');
      part(el, 'settings-button')[0].click();
      await el.updateComplete;
      expect(part(el, 'reactions-panel'), 'Devices closes the reactions').to.have.length(0);
      await accessible(el, 'two in the call, devices open');
      // Too narrow for every button: the less used ones behind More.
      el.style.width = '250px';
      await until(() => part(el, 'more-button').length === 1, 'no More button in a narrow call');
      part(el, 'more-button')[0].click();
      await until(() => part(el, 'more-panel')[0]?.hidden === false, 'More did not open');
      await accessible(el, 'two in a narrow call, More open');
      el.style.width = '640px';

      await el.leave();
      expect(el.matches(':state(left)')).to.equal(true);
      await accessible(el, 'left');
      // The lobby's camera preview, microphone meter and device pickers.
      part(el, 'check-button')[0]?.click();
      await until(() => ((part(el, 'preview-video')[0] as HTMLVideoElement | undefined)?.videoWidth ?? 0) > 0, 'no preview');
      await accessible(el, 'the lobby with the preview');
    });

    it(`has no axe violation and no small target while a room knocks: waiting to be let in, a request in the call (${label(theme, scheme)})`, async () => {
      await emulateMedia({ colorScheme: scheme });
      const room = uniqueRoom('a11y-knock');
      const ada = await addParticipant({ room, server: rtcServer, name: 'Ada', knock: '', autojoin: '' });
      await until(() => ada.call.phase === 'in-call', 'Ada did not join');
      const el = await fixture<RtcCall>(html`<rtc-call room=${room} server=${rtcServer} name="Bob" knock style="width: 640px; height: 480px"></rtc-call>`);
      if (theme) el.setAttribute('theme', theme);
      const joined = el.join();
      await until(() => part(el, 'waiting').length === 1, 'Bob does not wait');
      await accessible(el, 'waiting to be let in');
      await until(() => ada.call.knocking.length === 1, 'Ada does not see Bob knock');
      ada.call.letIn(ada.call.knocking[0].id);
      await joined;
      await addParticipant({ room, server: rtcServer, name: 'Cy', knock: '', autojoin: '' });
      await until(() => part(el, 'knock-request').length === 1, 'Bob does not see Cy knock');
      await accessible(el, 'in the call, someone asking to join');
    });

    it(`has no axe violation in its error states (${label(theme, scheme)})`, async () => {
      await emulateMedia({ colorScheme: scheme });
      // A room that cannot be used: the page's mistake, no Try again.
      const config = await fixture<RtcCall>(html`<rtc-call room="" server=${rtcServer}></rtc-call>`);
      if (theme) config.setAttribute('theme', theme);
      await config.join().catch(() => {});
      expect(config.matches(':state(error)')).to.equal(true);
      await accessible(config, 'invalid config');
      // A server that is not there: Try again.
      const down = await fixture<RtcCall>(html`<rtc-call room=${uniqueRoom('down')} server="http://127.0.0.1:9/peerjs" ice-servers="[]"></rtc-call>`);
      if (theme) down.setAttribute('theme', theme);
      await down.join().catch(() => {});
      expect(down.matches(':state(error)')).to.equal(true);
      expect(part(down, 'join-button')).to.have.length(1);
      await accessible(down, 'server unreachable');
    });
  }
});

describe('accessibility: <rtc-chat> with messages and files', () => {
  afterEach(async () => {
    closeAll();
    await emulateMedia({ colorScheme: 'light' });
  });

  for (const [theme, scheme] of THEMES) {
    it(`has no axe violation and no small target: alone, messages, a file, a notice, an error (${label(theme, scheme)})`, async () => {
      await emulateMedia({ colorScheme: scheme });
      const room = uniqueRoom('a11y-chat');
      const el = await fixture<RtcChat>(html`<rtc-chat room=${room} server=${rtcServer} name="Ada"></rtc-chat>`);
      if (theme) el.setAttribute('theme', theme);
      const light = theme === 'light' || (!theme && scheme === 'light');
      expect(getComputedStyle(el).backgroundColor, 'the theme shows').to.equal(light ? 'rgb(248, 250, 252)' : 'rgb(16, 20, 24)');
      await until(() => el.phase === 'joined', () => `phase ${el.phase}`);
      await accessible(el, 'alone');
      const bob = await addChatParticipant({ room, server: rtcServer, name: 'Bob' });
      await until(() => el.participants.length === 1, 'Bob did not link up');
      bob.chat.send('Hello Ada, see https://example.com/agenda');
      el.send('Hi Bob');
      await until(() => el.messages.length === 2, 'no messages');
      await bob.chat.sendFile(bob.makeFile(3_000, 'notes.txt'));
      await until(() => part(el, 'download').length === 1, 'no file');
      el.send('');
      await until(() => part(el, 'notice').length === 1, 'no notice');
      await accessible(el, 'messages, a file and a notice');

      const broken = await fixture<RtcChat>(html`<rtc-chat room=${room} server=${rtcServer} max-message-length="0"></rtc-chat>`);
      if (theme) broken.setAttribute('theme', theme);
      await until(() => broken.phase === 'error', () => `phase ${broken.phase}`);
      await accessible(broken, 'error');
    });
  }
});

describe('accessibility: a tile that shows a weak connection', () => {
  let available = false;
  before(async () => {
    ({ available } = (await executeServerCommand('loopback-udp', { action: 'restore' })) as { available: boolean });
  });
  afterEach(async () => {
    await executeServerCommand('loopback-udp', { action: 'restore' });
    closeAll();
  });

  it('has no axe violation while a weak or bad connection is shown, in the light and dark themes', async function () {
    if (!available) this.skip(); // needs the loopback-only namespace of .ci/run
    this.timeout(120_000);
    const room = uniqueRoom('a11y-quality');
    const el = await fixture<RtcCall>(html`<rtc-call room=${room} server=${rtcServer} name="Ada" style="width: 640px; height: 480px"></rtc-call>`);
    await el.join();
    await addParticipant({ room, server: rtcServer, name: 'Bob', autojoin: '' });
    await until(() => el.participants.length === 1, 'Bob did not come');
    const shown = () => part(el, 'quality').find((q) => ['weak', 'bad'].includes(q.dataset.quality ?? ''));
    await loseUdpUntil(() => !!shown(), 40_000);
    expect(shown(), 'a weak or bad sign on Bob\'s tile').to.not.equal(undefined);
    for (const theme of ['light', 'dark']) {
      el.setAttribute('theme', theme);
      await accessible(el, `a weak connection shown, ${theme} theme`);
    }
  });
});

/** WCAG's contrast ratio of two computed colours (`rgb(…)`), opaque ones. */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, bl] = color.match(/\d+(\.\d+)?/g)!.slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe('accessibility: focus rings and fields against what is behind them (WCAG 1.4.11, 3:1)', () => {
  afterEach(closeAll);

  for (const theme of ['dark', 'light']) {
    it(`in the ${theme} theme: the call's ring on a tile, the chat's ring in your own message, the chat's text box border`, async () => {
      // A first visit: the lobby shows Check camera on its tile.
      const query = navigator.permissions.query;
      navigator.permissions.query = async () => ({ state: 'prompt' }) as PermissionStatus;
      let call: RtcCall;
      try {
        call = await fixture<RtcCall>(html`<rtc-call theme=${theme} room=${uniqueRoom('ring')} server=${rtcServer}></rtc-call>`);
        await until(() => part(call, 'permission-hint').length === 1, 'no Check button with its hint');
      } finally {
        navigator.permissions.query = query;
      }
      const button = part(call, 'check-button')[0];
      button.focus();
      expect(button.matches(':focus-visible'), 'a ring shows').to.equal(true);
      const [ring, tile] = [getComputedStyle(button).outlineColor, getComputedStyle(part(call, 'placeholder')[0]).backgroundColor];
      expect(contrast(ring, tile), `ring ${ring} on the tile ${tile}`).to.be.at.least(3);

      const room = uniqueRoom('ring-chat');
      const chat = await fixture<RtcChat>(html`<rtc-chat theme=${theme} room=${room} server=${rtcServer}></rtc-chat>`);
      await until(() => chat.phase === 'joined', 'the chat did not join');
      chat.send('see https://example.com/notes');
      await until(() => !!part(chat, 'message')[0]?.querySelector('a'), 'no message with a link');
      const mine = part(chat, 'message')[0];
      const link = mine.querySelector('a')!;
      link.focus();
      expect(link.matches(':focus-visible'), 'a ring shows').to.equal(true);
      expect(contrast(getComputedStyle(link).outlineColor, getComputedStyle(mine).backgroundColor), 'ring in your own message').to.be.at.least(3);
      const [border, behind] = [getComputedStyle(part(chat, 'input')[0]).borderTopColor, getComputedStyle(chat).backgroundColor];
      expect(contrast(border, behind), `the text box border ${border} on ${behind}`).to.be.at.least(3);
    });
  }
});
