// The small wrongs of issue 14, each as a visitor or a page would meet it.
import { expect, fixture, html } from '@open-wc/testing';
import { rtcServer } from './env.js';
import { addChatParticipant, addParticipant, closeAll, part, uniqueRoom, until } from './helpers.js';
import '../src/index.js';
import type { RtcCall, RtcChat, RtcErrorEvent, RtcFileReceivedEvent, RtcMessageEvent } from '../src/index.js';

function errorsOf(el: HTMLElement): RtcErrorEvent[] {
  const events: RtcErrorEvent[] = [];
  el.addEventListener('rtc-error', (e) => events.push(e));
  return events;
}

/**
 * A call in a cross-origin iframe (127.0.0.1 where the tests run on localhost), with `allow` as
 * given or none; resolves with what the framed page reports once `until` holds.
 */
async function framedCall(params: Record<string, string>, allow: string | null, done: (r: FramedReport) => boolean): Promise<{ frame: HTMLIFrameElement; report: FramedReport }> {
  const frame = document.createElement('iframe');
  if (allow) frame.allow = allow;
  frame.style.cssText = 'width: 480px; height: 360px; border: 0;';
  const url = new URL(`/test/fixtures/framed-call.html?${new URLSearchParams(params)}`, location.href);
  url.hostname = location.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1';
  frame.src = url.href;
  let report: FramedReport | null = null;
  const onMessage = (e: MessageEvent) => {
    if (e.source === frame.contentWindow && typeof e.data?.rtcFramedCall === 'string') report = JSON.parse(e.data.rtcFramedCall);
  };
  window.addEventListener('message', onMessage);
  document.body.append(frame);
  try {
    await until(() => !!report && done(report), () => `the framed call reports ${JSON.stringify(report)}`, 20_000);
  } finally {
    window.removeEventListener('message', onMessage);
  }
  return { frame, report: report! };
}

interface FramedReport {
  phase: string;
  notices: string[];
  hint: string;
  framed: boolean;
}

describe('the small wrongs', () => {
  const frames: HTMLIFrameElement[] = [];
  afterEach(() => {
    closeAll();
    for (const f of frames.splice(0)) f.remove();
  });

  it('<rtc-call> is usable again once an invalid setting is corrected', async () => {
    const el = await fixture<RtcCall>(html`<rtc-call server=${rtcServer} name="Ada"></rtc-call>`);
    const errors = errorsOf(el);
    await el.join().catch(() => {});
    expect(el.phase).to.equal('error');
    expect(errors.map((e) => e.detail.type)).to.deep.equal(['invalid-config']);
    el.room = uniqueRoom('corrected');
    await el.updateComplete;
    expect(el.phase).to.equal('idle');
    part(el, 'join-button')[0].click();
    await until(() => el.phase === 'in-call', () => `phase ${el.phase}`);
    await el.leave();

    // With autojoin, straight into the call.
    const auto = await fixture<RtcCall>(html`<rtc-call server=${rtcServer} name="Ada" autojoin></rtc-call>`);
    await until(() => auto.phase === 'error', () => `phase ${auto.phase}`);
    auto.setAttribute('room', uniqueRoom('corrected-auto'));
    await until(() => auto.phase === 'in-call', () => `phase ${auto.phase}`);
    await auto.leave();
  });

  it('<rtc-call> tells someone in the call with a blocked microphone what to press, not to join again, once', async () => {
    const original = navigator.mediaDevices.getUserMedia;
    navigator.mediaDevices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
      if (constraints?.audio) throw new DOMException('Permission denied', 'NotAllowedError');
      return original.call(navigator.mediaDevices, constraints);
    };
    try {
      const el = await fixture<RtcCall>(html`<rtc-call room=${uniqueRoom('blocked-mic')} server=${rtcServer} name="Ada"></rtc-call>`);
      const errors = errorsOf(el);
      await el.join();
      await el.updateComplete;
      const notices = () => part(el, 'notice').map((n) => n.textContent!.trim());
      expect(notices()).to.have.length(1);
      expect(notices()[0]).to.contain('microphone is blocked');
      expect(notices()[0]).to.contain('press Unmute again');
      expect(notices()[0]).not.to.contain('join again');
      for (let i = 0; i < 3; i++) await el.toggleMicrophone(true);
      await el.updateComplete;
      expect(notices(), 'pressing Unmute again and again').to.have.length(1);
      expect(errors.map((e) => e.detail.type)).to.deep.equal(['media-denied']);
      // Dismissed, then pressed again: shown again, but not reported again.
      part(el, 'dismiss-button')[0].click();
      await until(() => notices().length === 0, 'not dismissed');
      await el.toggleMicrophone(true);
      await el.updateComplete;
      expect(notices()).to.have.length(1);
      expect(notices()[0]).not.to.contain('join again');
      expect(errors).to.have.length(1);
      await el.leave();
    } finally {
      navigator.mediaDevices.getUserMedia = original;
    }
  });

  it('<rtc-chat> answers send() of nothing with rtc-error, once, and an empty box sends nothing', async () => {
    const el = await fixture<RtcChat>(html`<rtc-chat room=${uniqueRoom('empty')} server=${rtcServer} name="Ada"></rtc-chat>`);
    await until(() => el.phase === 'joined', () => `phase ${el.phase}`);
    const errors = errorsOf(el);
    expect(el.send('')).to.equal(null);
    expect(el.send(' \n ')).to.equal(null);
    expect(errors.map((e) => e.detail.type)).to.deep.equal(['empty-message']);
    expect(errors[0].detail.fatal).to.equal(false);
    expect(el.send('something')).to.not.equal(null);
    expect(el.messages).to.have.length(1);
  });

  it('<rtc-chat> gives a received file the type its sender declared, and keeps the download link binary', async () => {
    const room = uniqueRoom('mime');
    const el = await fixture<RtcChat>(html`<rtc-chat room=${room} server=${rtcServer} name="Ada"></rtc-chat>`);
    const received: RtcFileReceivedEvent[] = [];
    el.addEventListener('rtc-file-received', (e) => received.push(e));
    await until(() => el.phase === 'joined', () => `phase ${el.phase}`);
    const bob = await addChatParticipant({ room, server: rtcServer, name: 'Bob' });
    await until(() => el.participants.length === 1 && bob.chat.participants.length === 1, 'not linked');
    // Ada's chat hello goes before her message: once Bob has the message, he can send her files.
    el.send('hi Bob');
    await until(() => bob.chat.messages.length === 1, 'Bob did not get the message');
    const win = bob.frame.contentWindow as Window & typeof globalThis;
    await bob.chat.sendFile(new win.File(['%PDF-1.4 hello'], 'a.pdf', { type: 'application/pdf' }));
    await bob.chat.sendFile(new win.File(['<script>alert(1)</script>'], 'b.html', { type: 'text/html' }));
    await bob.chat.sendFile(new win.File(['?'], 'c.bin', { type: 'text/<weird>' }));
    await until(() => received.length === 3, 'the files did not arrive');
    expect(received.map((e) => e.detail.blob.type)).to.deep.equal(['application/pdf', 'text/html', 'application/octet-stream']);
    await el.updateComplete;
    const links = part(el, 'download') as HTMLAnchorElement[];
    const types = await Promise.all(links.map(async (a) => (await fetch(a.href)).headers.get('content-type')));
    expect(types, 'the links download, never render').to.deep.equal(['application/octet-stream', 'application/octet-stream', 'application/octet-stream']);
  });

  it('<rtc-chat>: a message sent as soon as someone arrives reaches them as a live message', async () => {
    const room = uniqueRoom('arrival');
    const el = await fixture<RtcChat>(html`<rtc-chat room=${room} server=${rtcServer} name="Ada"></rtc-chat>`);
    await until(() => el.phase === 'joined', () => `phase ${el.phase}`);
    el.send('before Bob');
    // Sent the moment Ada's chat learns of Bob: Bob's chat may not be listening yet.
    const sent = new Promise<void>((resolve) => {
      const check = () => (el.participants.length ? (el.send('welcome Bob'), resolve()) : requestAnimationFrame(check));
      check();
    });
    const bob = await addChatParticipant({ room, server: rtcServer, name: 'Bob' });
    await sent;
    await until(() => bob.chat.messages.length === 2, () => `Bob has ${bob.chat.messages.map((m) => m.text).join(', ')}`);
    const events = bob.events.filter((e): e is RtcMessageEvent => e.type === 'rtc-message');
    expect(Object.fromEntries(events.map((e) => [e.detail.text, e.detail.history]))).to.deep.equal({ 'before Bob': true, 'welcome Bob': false });
  });

  it('shows one initial for a one-word name and two for longer names', async () => {
    const room = uniqueRoom('initials');
    const el = await fixture<RtcCall>(html`<rtc-call room=${room} server=${rtcServer} name="Ada Lovelace"></rtc-call>`);
    await el.join();
    await el.toggleCamera(false);
    await addParticipant({ room, server: rtcServer, name: 'Bob', autojoin: '', 'audio-only': '' });
    await until(() => el.participants.length === 1, 'Bob did not come');
    await el.updateComplete;
    const avatar = (tile: string) => el.shadowRoot!.querySelector(`[part~="${tile}"] [part~="avatar"]`)?.textContent?.trim();
    expect(avatar('local-tile')).to.equal('AL');
    const remote = part(el, 'tile').find((t) => !t.matches('[part~="local-tile"]'))!;
    await until(() => !!remote.querySelector('[part~="avatar"]'), 'no placeholder for Bob');
    expect(remote.querySelector('[part~="avatar"]')!.textContent!.trim()).to.equal('B');
    await el.leave();
  });

  it('in a cross-origin iframe that does not allow the camera and microphone, says that the site must allow them', async () => {
    const blocked = await framedCall({ room: uniqueRoom('framed'), server: rtcServer, name: 'Eve', autojoin: '' }, null, (r) => r.phase === 'in-call' && r.notices.length > 0);
    frames.push(blocked.frame);
    expect(blocked.report.framed).to.equal(true);
    const text = blocked.report.notices.join(' ');
    expect(text).to.contain('must allow the camera and microphone');
    expect(text).to.contain('allow="camera; microphone"');
    expect(text).not.to.contain('site settings');

    // Before joining, the lobby says so instead of announcing a prompt that will not come.
    const lobby = await framedCall({ room: uniqueRoom('framed-lobby'), server: rtcServer, name: 'Eve' }, null, (r) => r.phase === 'idle' && !!r.hint);
    frames.push(lobby.frame);
    expect(lobby.report.hint).to.contain('must allow the camera and microphone');

    // Allowed by the frame but blocked by the visitor: the visitor's own settings.
    const allowed = await framedCall({ room: uniqueRoom('framed-ok'), server: rtcServer, name: 'Eve', autojoin: '', deny: '' }, 'camera; microphone', (r) => r.notices.length > 0);
    frames.push(allowed.frame);
    expect(allowed.report.notices.join(' ')).to.contain('site settings');
  });
});
