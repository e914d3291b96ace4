import { expect } from '@open-wc/testing';
import type { ChatEntry } from '../../chat/types.js';
import { FileLinks, listedBlobs } from './file-links.js';

/** A received file's line, as the chat lists it. */
const line = (id: string, blob: Blob) => ({ kind: 'local', key: id, clock: 0, from: '', seq: 0, data: { type: 'file', file: { id, blob } } }) as unknown as ChatEntry;

describe('FileLinks', () => {
  it('gives every received file its own link, even one under a transfer id seen before, and lets go of links no longer listed', async () => {
    const links = new FileLinks();
    // A sender's transfer ids come back once its old transfers are forgotten.
    const first = new Blob(['first file']);
    const second = new Blob(['second file'], { type: 'text/html' });
    const [a, b] = [links.urlFor(first), links.urlFor(second)];
    expect(a).to.not.equal(b);
    expect(links.urlFor(first), 'the same link on every render').to.equal(a);
    expect(await (await fetch(b)).text()).to.equal('second file');
    // Binary, whatever the sender declared.
    expect((await fetch(b)).headers.get('content-type')).to.equal('application/octet-stream');

    links.keepListed(listedBlobs([line('rtc-e/1', second)]));
    let revoked = false;
    await fetch(a).catch(() => (revoked = true));
    expect(revoked, 'the first file\'s link let go').to.equal(true);
    expect(await (await fetch(b)).text()).to.equal('second file');
  });
});
