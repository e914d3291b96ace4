import { expect } from '@open-wc/testing';
import { ACK_EVERY, IncomingFile } from './incoming-file.js';
import type { TransferTransport } from './transfer.js';

/** A recipient fed chunks of `chunk` bytes: the byte counts it acknowledged, in order. */
function acksFor(chunk: number, chunks: number): number[] {
  const acks: number[] = [];
  const transport: TransferTransport = {
    send: (_to, frame) => {
      const f = frame as { t?: string; bytes?: number };
      if (f.t === 'file-ack') acks.push(f.bytes!);
      return true;
    },
    channel: () => null,
  };
  const file = new IncomingFile(1, { id: 'rtc-sender', name: 'Ada' }, 'f.bin', chunk * chunks, '', transport, () => {}, 60_000, true);
  file.accept();
  for (let i = 0; i < chunks; i++) file.chunk(i, new Uint8Array(chunk));
  file.fail('canceled');
  return acks;
}

describe('a file recipient that acknowledges', () => {
  it('acknowledges every 64 KiB chunk of rtc-elements once it arrives', () => {
    const chunk = 65_524;
    expect(acksFor(chunk, 4)).to.deep.equal([1, 2, 3, 4].map((n) => n * chunk));
  });

  it('acknowledges small chunks at the latest every second one, so a sender holding two unacknowledged goes on', () => {
    const chunk = 4096;
    expect(2 * chunk).to.be.below(ACK_EVERY);
    expect(acksFor(chunk, 6)).to.deep.equal([2, 4, 6].map((n) => n * chunk));
  });
});
