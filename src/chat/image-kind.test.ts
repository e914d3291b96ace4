import { expect } from '@open-wc/testing';
import { MAX_PIXELS, imageKind } from './image-kind.js';

/** A picture of `width` × `height` as the browser encodes it. */
async function encoded(type: string, width: number, height: number): Promise<Uint8Array> {
  const canvas = Object.assign(document.createElement('canvas'), { width, height });
  canvas.getContext('2d')!.fillRect(0, 0, width / 2, height / 2);
  const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), type, 0.8));
  return new Uint8Array(await blob.arrayBuffer());
}

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)).concat(new Array(40).fill(0)));

describe('imageKind', () => {
  it('reads the kind and size of PNG, JPEG and WebP pictures from their bytes', async () => {
    expect(imageKind(await encoded('image/png', 64, 48))).to.deep.equal({ type: 'image/png', width: 64, height: 48 });
    expect(imageKind(await encoded('image/jpeg', 300, 7))).to.deep.equal({ type: 'image/jpeg', width: 300, height: 7 });
    expect(imageKind(await encoded('image/webp', 17, 1001))).to.deep.equal({ type: 'image/webp', width: 17, height: 1001 });
  });

  it('reads a GIF, a WebP of each header and a JPEG whose frame header comes after its metadata', () => {
    expect(imageKind(bytes('GIF89a', [0x40, 0x01, 0xf0, 0x00]))).to.deep.equal({ type: 'image/gif', width: 320, height: 240 });
    const riff = (chunk: string, body: number[]) => bytes('RIFF', [0, 0, 0, 0], 'WEBP', chunk, [0, 0, 0, 0], body);
    expect(imageKind(riff('VP8X', [0, 0, 0, 0, 0x3f, 0x01, 0x00, 0xdf, 0x00, 0x00]))).to.deep.equal({ type: 'image/webp', width: 320, height: 224 });
    // VP8L: 0x2f, then 14 bits of width - 1 and 14 of height - 1.
    expect(imageKind(riff('VP8L', [0x2f, 0x3f, 0x01, 0x3c, 0x00]))).to.deep.equal({ type: 'image/webp', width: 320, height: 241 });
    const app1 = [0xff, 0xe1, 0x10, 0x02, ...new Array(0x1000).fill(0x45)];
    expect(imageKind(bytes([0xff, 0xd8], app1, [0xff, 0xc2, 0x00, 0x11, 0x08, 0x02, 0x58, 0x03, 0x20]))).to.deep.equal({ type: 'image/jpeg', width: 800, height: 600 });
  });

  it('is no picture for SVG, text, a picture cut short, or one that declares more pixels than a photo has', () => {
    expect(imageKind(bytes('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'))).to.equal(null);
    expect(imageKind(bytes('not a picture, only words'))).to.equal(null);
    expect(imageKind(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).to.equal(null);
    const png = (w: number, h: number) => bytes([0x89], 'PNG\r\n\x1a\n', [0, 0, 0, 13], 'IHDR', [w >>> 24, (w >> 16) & 255, (w >> 8) & 255, w & 255, h >>> 24, (h >> 16) & 255, (h >> 8) & 255, h & 255]);
    expect(imageKind(png(4000, 3000))).to.deep.equal({ type: 'image/png', width: 4000, height: 3000 });
    expect(imageKind(png(100_000, 100_000)), 'a bomb of 10 gigapixels').to.equal(null);
    expect(imageKind(png(MAX_PIXELS + 1, 1))).to.equal(null);
    expect(imageKind(png(0, 10))).to.equal(null);
    // A JPEG whose segments never reach a frame header, or whose scan comes first.
    expect(imageKind(bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x02, 0xff, 0xda, 0x00, 0x02]))).to.equal(null);
    expect(imageKind(bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x00, 0x12]))).to.equal(null);
  });
});
