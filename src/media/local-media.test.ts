import { expect } from '@open-wc/testing';
import { acquireLocalMedia } from './local-media.js';

type Outcome = 'ok' | string; // a DOMException name for a failure

/** A getUserMedia whose answer per device kind is scripted; streams come from a canvas and Web Audio. */
function fakeDevices(audio: Outcome, video: Outcome) {
  const asked: MediaStreamConstraints[] = [];
  const gum = async (c: MediaStreamConstraints) => {
    asked.push(c);
    const failure = [c.audio && audio !== 'ok' && audio, c.video && video !== 'ok' && video].find(Boolean);
    if (failure) throw new DOMException('scripted', failure as string);
    const tracks: MediaStreamTrack[] = [];
    if (c.audio) tracks.push(new AudioContext().createMediaStreamDestination().stream.getAudioTracks()[0]);
    if (c.video) tracks.push(document.createElement('canvas').captureStream().getVideoTracks()[0]);
    return new MediaStream(tracks);
  };
  return { gum, asked };
}

const kinds = (s: MediaStream | null) => (s?.getTracks() ?? []).map((t) => t.kind).sort();

describe('acquireLocalMedia', () => {
  it('gets camera and microphone in one request when both work', async () => {
    const { gum, asked } = fakeDevices('ok', 'ok');
    const media = await acquireLocalMedia({ audio: true, video: true }, gum);
    expect(kinds(media.stream)).to.deep.equal(['audio', 'video']);
    expect(media.problems).to.deep.equal([]);
    expect(asked).to.have.length(1);
  });

  it('keeps the microphone when the camera is blocked, and says so', async () => {
    const media = await acquireLocalMedia({ audio: true, video: true }, fakeDevices('ok', 'NotAllowedError').gum);
    expect(kinds(media.stream)).to.deep.equal(['audio']);
    expect(media.problems.map((p) => [p.type, p.device])).to.deep.equal([['media-denied', 'camera']]);
  });

  it('keeps the camera when there is no microphone', async () => {
    const media = await acquireLocalMedia({ audio: true, video: true }, fakeDevices('NotFoundError', 'ok').gum);
    expect(kinds(media.stream)).to.deep.equal(['video']);
    expect(media.problems.map((p) => p.type)).to.deep.equal(['media-missing']);
  });

  it('goes receive-only with one message when both are blocked', async () => {
    const media = await acquireLocalMedia({ audio: true, video: true }, fakeDevices('NotAllowedError', 'NotAllowedError').gum);
    expect(media.stream).to.equal(null);
    expect(media.problems).to.have.length(1);
    expect(media.problems[0]).to.include({ type: 'media-denied', device: 'camera and microphone' });
    expect(media.problems[0].message).to.contain('site settings');
  });

  it('names a device in use by another program', async () => {
    const media = await acquireLocalMedia({ audio: false, video: true }, fakeDevices('ok', 'NotReadableError').gum);
    expect(media.stream).to.equal(null);
    expect(media.problems[0].type).to.equal('media-in-use');
  });

  it('asks for nothing when nothing is wished', async () => {
    const { gum, asked } = fakeDevices('ok', 'ok');
    expect(await acquireLocalMedia({ audio: false, video: false }, gum)).to.deep.equal({ stream: null, problems: [] });
    expect(asked).to.have.length(0);
  });
});
