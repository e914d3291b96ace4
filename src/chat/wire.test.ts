import { expect } from '@open-wc/testing';
import { encodeFrame } from '../session/frames.js';
import { MAX_FRAME_LENGTH } from '../session/protocol.js';
import { CHUNK_FRAME, CHUNK_HEADER, CHUNK_PAYLOAD, MAX_CHUNK_FRAME, MAX_CLOCK, chunkHeader, cleanFileName, decodeChunk, encodeChunk, frameReader, historyFrames, parseChatFrame, type HistoryEntry } from './wire.js';

const parse = (frame: Record<string, unknown>, max = 2000) => parseChatFrame({ cv: 1, ...frame } as never, max);
const ID = 'rtc-abc123';

describe('chat wire format', () => {
  it('accepts well-formed frames and cleans what it keeps', () => {
    expect(parse({ t: 'chat-msg', seq: 1, clock: 7, time: 1, text: 'hi\r\nthere\u0007' })).to.deep.equal({
      frame: { t: 'chat-msg', seq: 1, clock: 7, time: 1, text: 'hi\nthere' },
    });
    expect(parse({ t: 'file-offer', id: 3, name: '../../etc/passwd', size: 10, type: 'text/html' })).to.deep.equal({
      frame: { t: 'file-offer', id: 3, name: '.._.._etc_passwd', size: 10, type: 'text/html' },
    });
    // C1 controls too: U+009B starts a terminal escape, U+0085 is a line break nobody shows.
    expect(parse({ t: 'chat-msg', seq: 1, clock: 7, time: 1, text: 'red\u009b31m\u0085end' })).to.deep.equal({
      frame: { t: 'chat-msg', seq: 1, clock: 7, time: 1, text: 'red31mend' },
    });
    // A name that is not a string is no name, and never throws on its way to a string.
    expect(parse({ t: 'file-offer', id: 3, name: { toString: 1 }, size: 10 })).to.deep.equal({ frame: { t: 'file-offer', id: 3, name: 'file', size: 10, type: '' } });
    expect(parse({ t: 'file-offer', id: 3, name: 42, size: 10 })).to.deep.equal({ frame: { t: 'file-offer', id: 3, name: 'file', size: 10, type: '' } });
    expect(parse({ t: 'file-reject', id: 3, reason: 'something-new' })).to.deep.equal({ frame: { t: 'file-reject', id: 3, reason: 'error' } });
    expect(parse({ t: 'chat-hello' })).to.deep.equal({ frame: { t: 'chat-hello', reply: false } });
    // Showing who writes: only true says so.
    expect(parse({ t: 'chat-hello', reply: true, typing: true })).to.deep.equal({ frame: { t: 'chat-hello', reply: true, typing: true } });
    expect(parse({ t: 'chat-hello', typing: 'yes' })).to.deep.equal({ frame: { t: 'chat-hello', reply: false } });
    expect(parse({ t: 'chat-typing', typing: false })).to.deep.equal({ frame: { t: 'chat-typing', typing: false } });
    // Acknowledgements, asked for by the offer and promised by the answer; anything but true is no.
    expect(parse({ t: 'file-offer', id: 3, name: 'a', size: 10, acks: true })).to.deep.equal({ frame: { t: 'file-offer', id: 3, name: 'a', size: 10, type: '', acks: true } });
    expect(parse({ t: 'file-accept', id: 3, acks: 'yes' })).to.deep.equal({ frame: { t: 'file-accept', id: 3 } });
    expect(parse({ t: 'file-ack', id: 3, bytes: 65_524 })).to.deep.equal({ frame: { t: 'file-ack', id: 3, bytes: 65_524 } });
  });

  it('drops unknown, malformed and over-long frames with the reason', () => {
    expect(parse({ t: 'chat-nope' })).to.deep.equal({ drop: 'unknown' });
    const malformed = [
      { t: 'chat-msg', seq: 0, clock: 1, time: 1, text: 'x' },
      { t: 'chat-msg', seq: 1, clock: 2 ** 60, time: 1, text: 'x' },
      // A clock this high would push every receiver's next one out of range.
      { t: 'chat-msg', seq: 1, clock: 2 ** 48 - 1, time: 1, text: 'x' },
      { t: 'chat-msg', seq: 1, clock: MAX_CLOCK, time: 1, text: 'x' },
      { t: 'chat-msg', seq: 1, clock: 1, time: 1, text: { toString: 'x' } },
      { t: 'chat-msg', seq: 1, clock: 1, time: 1, text: '   ' },
      { t: 'chat-msg', seq: '1', clock: 1, time: 1, text: 'x' },
      { t: 'file-offer', id: 0, name: 'a', size: 1 },
      { t: 'file-offer', id: 2 ** 32, name: 'a', size: 1 },
      { t: 'file-offer', id: 1, name: 'a', size: -1 },
      { t: 'file-end', id: 1, size: 1, chunks: 1, sha256: 'zz' },
      { t: 'file-done', id: 1, ok: 'yes' },
      { t: 'file-ack', id: 1, bytes: -1 },
      { t: 'file-ack', id: 1, bytes: 0.5 },
      { t: 'chat-history', msgs: 'no' },
      { t: 'chat-typing' },
      { t: 'chat-typing', typing: 1 },
    ];
    for (const frame of malformed) expect(parse(frame), JSON.stringify(frame)).to.deep.equal({ drop: 'malformed' });
    expect(parseChatFrame({ t: 'chat-msg', cv: 2, seq: 1, clock: 1, time: 1, text: 'x' }, 10)).to.deep.equal({ drop: 'malformed' });
    expect(parse({ t: 'chat-msg', seq: 1, clock: 1, time: 1, text: 'x'.repeat(11) }, 10)).to.deep.equal({ drop: 'too-long' });
  });

  it('keeps the good entries of a history frame and counts the rest', () => {
    const good = { from: ID, name: '<b>Ada</b>', seq: 1, clock: 1, time: 5, text: 'hello' };
    const poisoned = { ...good, clock: 2 ** 48 - 1 };
    const disguised = { ...good, seq: 2, name: 'Bo\u200bb\u202e' };
    const result = parse({ t: 'chat-history', msgs: [good, { ...good, from: 'no id!' }, { ...good, text: 'x'.repeat(3000) }, null, poisoned, disguised] });
    expect(result).to.deep.equal({ frame: { t: 'chat-history', msgs: [good, { ...disguised, name: 'Bob' }] }, dropped: 4 });
  });

  it('splits history into frames under the frame limit, even for text that escapes badly', () => {
    const worst = '\ud800'.repeat(10_000); // each lone surrogate becomes a six-character escape
    const entries: HistoryEntry[] = Array.from({ length: 30 }, (_, i) => ({ from: ID, name: 'A', seq: i + 1, clock: i, time: 0, text: i % 2 ? worst : 'short' }));
    const frames = historyFrames(entries);
    expect(frames.length).to.be.greaterThan(1);
    for (const f of frames) expect(encodeFrame(f).length).to.be.at.most(MAX_FRAME_LENGTH);
    expect(frames.flatMap((f) => (f.msgs as HistoryEntry[]).map((m) => m.seq))).to.deep.equal(entries.map((e) => e.seq));
  });

  it('round-trips chunk frames and refuses what is not one', () => {
    const payload = new Uint8Array(CHUNK_PAYLOAD).map((_, i) => i);
    const frame = encodeChunk(0xfffffffe, 7, payload);
    expect(frame.byteLength).to.equal(CHUNK_FRAME);
    // Frames this page sends are 64 KiB; it takes them up to 256 KiB, as earlier versions send.
    expect(decodeChunk(encodeChunk(1, 0, new Uint8Array(MAX_CHUNK_FRAME - CHUNK_HEADER)))?.payload.length).to.equal(MAX_CHUNK_FRAME - CHUNK_HEADER);
    const chunk = decodeChunk(frame)!;
    expect(chunk.id).to.equal(0xfffffffe);
    expect(chunk.index).to.equal(7);
    expect([...chunk.payload.subarray(0, 4)]).to.deep.equal([0, 1, 2, 3]);
    expect(decodeChunk(new ArrayBuffer(5))).to.equal(null);
    expect(decodeChunk(new ArrayBuffer(MAX_CHUNK_FRAME + 1))).to.equal(null);
    const wrongKind = encodeChunk(1, 0, payload.subarray(0, 3));
    new Uint8Array(wrongKind)[0] = 2;
    expect(decodeChunk(wrongKind)).to.equal(null);
  });

  it('reads a file into whole chunk frames, with or without a BYOB reader', async () => {
    const bytes = new Uint8Array(2 * CHUNK_PAYLOAD + 1000).map((_, i) => (i * 7) % 251);
    // A browser whose Blob streams are not byte streams hands out chunks of its own size.
    const plain = {
      stream: () => {
        let at = 0;
        return new ReadableStream<Uint8Array>({ pull: (c) => (at < bytes.length ? c.enqueue(bytes.slice(at, (at += 100_000))) : c.close()) });
      },
    } as unknown as Blob;
    for (const [label, blob] of [['byob', new Blob([bytes])], ['plain', plain]] as const) {
      const reader = frameReader(blob);
      const frames = [await reader.read(), await reader.read(), await reader.read(), await reader.read()];
      expect(frames.map((f) => f.length), label).to.deep.equal([CHUNK_PAYLOAD, CHUNK_PAYLOAD, 1000, 0]);
      const back = new Uint8Array(bytes.length);
      frames.slice(0, 3).forEach(({ frame, length }, i) => {
        const chunk = decodeChunk(chunkHeader(frame.slice(0, CHUNK_HEADER + length), 9, i));
        expect(chunk?.index, label).to.equal(i);
        back.set(chunk!.payload, i * CHUNK_PAYLOAD);
      });
      expect(back, label).to.deep.equal(bytes);
    }
  });

  it('reads a file larger than its read block into whole frames, byte for byte', async () => {
    const bytes = new Uint8Array(20 * CHUNK_PAYLOAD + 12_345).map((_, i) => (i * 13) % 253);
    const reader = frameReader(new Blob([bytes]));
    const back = new Uint8Array(bytes.length);
    const lengths: number[] = [];
    for (let at = 0, r; (r = await reader.read()).length; at += r.length) {
      lengths.push(r.length);
      back.set(new Uint8Array(r.frame, CHUNK_HEADER, r.length), at);
    }
    expect(lengths).to.deep.equal([...Array(20).fill(CHUNK_PAYLOAD), 12_345]);
    expect(back).to.deep.equal(bytes);
  });

  it('goes on reading a file while the page collects garbage', async () => {
    // Chromium collects a Blob stream reachable only through its own pending read; nothing
    // but the read itself holds this one.
    const gc = (globalThis as { gc?: () => void }).gc!;
    let bytes = 0;
    let done = false;
    void (async () => {
      const reader = frameReader(new Blob([new Uint8Array(8_000_000).fill(7)]));
      for (let n; (n = (await reader.read()).length); ) bytes += n;
      done = true;
    })();
    const deadline = performance.now() + 10_000;
    while (!done && performance.now() < deadline) {
      gc();
      await new Promise((r) => setTimeout(r));
    }
    expect(bytes, 'the read stalled').to.equal(8_000_000);
  });

  it('makes any file name safe to show and to download under', () => {
    expect(cleanFileName('a/b\\c\u0000.txt')).to.equal('a_b_c.txt');
    // With the override in place, this shows as "invoice_exe.pdf".
    expect(cleanFileName('invoice_\u202efdp.exe')).to.equal('invoice_fdp.exe');
    expect(cleanFileName('re\u200bport\u2066.pdf\u2069\n\n')).to.equal('report.pdf');
    expect(cleanFileName('\u200b\u202e')).to.equal('file');
    expect(cleanFileName(' ')).to.equal('file');
    expect(cleanFileName(undefined)).to.equal('file');
    expect(cleanFileName('x'.repeat(300))).to.have.length(255);
  });
});
