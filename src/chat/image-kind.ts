/**
 * What kind of picture a received file is, read from its first bytes, never from the type its
 * sender declared: PNG, JPEG, GIF or WebP, and its size in pixels. SVG and anything else is no
 * picture here (an SVG can carry script and links). A picture larger than MAX_PIXELS is none
 * either: a few hundred kilobytes of a hostile file can declare gigabytes of pixels to decode.
 */
export interface ImageKind {
  type: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';
  width: number;
  height: number;
}

/** The most pixels a picture may have to be shown (40 megapixels: a phone camera's photo). */
export const MAX_PIXELS = 40_000_000;
/** How many bytes of a file are read to find its size: a JPEG's may come after its metadata. */
export const HEAD_BYTES = 256 * 1024;

/** The kind and size of the picture whose first bytes are `b`; null for anything else. */
export function imageKind(b: Uint8Array): ImageKind | null {
  const kind = sniff(b);
  if (!kind || kind.width < 1 || kind.height < 1 || kind.width * kind.height > MAX_PIXELS) return null;
  return kind;
}

function sniff(b: Uint8Array): ImageKind | null {
  const at = (i: number) => (i < b.length ? b[i] : -1);
  const be16 = (i: number) => (at(i) << 8) | at(i + 1);
  const le16 = (i: number) => at(i) | (at(i + 1) << 8);
  const le24 = (i: number) => at(i) | (at(i + 1) << 8) | (at(i + 2) << 16);
  const text = (i: number, s: string) => [...s].every((c, k) => at(i + k) === c.charCodeAt(0));
  if (b.length < 30) return null;
  if (at(0) === 0x89 && text(1, 'PNG\r\n\x1a\n') && text(12, 'IHDR')) {
    const u32 = (i: number) => at(i) * 2 ** 24 + ((at(i + 1) << 16) | (at(i + 2) << 8) | at(i + 3));
    return { type: 'image/png', width: u32(16), height: u32(20) };
  }
  if (text(0, 'GIF87a') || text(0, 'GIF89a')) return { type: 'image/gif', width: le16(6), height: le16(8) };
  if (text(0, 'RIFF') && text(8, 'WEBP')) {
    if (text(12, 'VP8 ')) return { type: 'image/webp', width: le16(26) & 0x3fff, height: le16(28) & 0x3fff };
    if (text(12, 'VP8L') && at(20) === 0x2f) {
      return { type: 'image/webp', width: 1 + (at(21) | ((at(22) & 0x3f) << 8)), height: 1 + ((at(22) >> 6) | (at(23) << 2) | ((at(24) & 0x0f) << 10)) };
    }
    if (text(12, 'VP8X')) return { type: 'image/webp', width: 1 + le24(24), height: 1 + le24(27) };
    return null;
  }
  if (at(0) === 0xff && at(1) === 0xd8) {
    // Segments up to the frame header: SOF0–SOF15, but for DHT (C4), JPG (C8) and DAC (CC).
    let i = 2;
    while (i + 9 < b.length) {
      if (at(i) !== 0xff) return null;
      const marker = at(i + 1);
      if (marker === 0xff) {
        i++;
        continue;
      }
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { type: 'image/jpeg', width: be16(i + 7), height: be16(i + 5) };
      }
      // Markers without a length (RST0–7, TEM); the start of scan comes after the frame header.
      if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) i += 2;
      else if (marker === 0xda || marker === 0xd9) return null;
      else i += 2 + be16(i + 2);
    }
  }
  return null;
}
