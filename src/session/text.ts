/**
 * Text from peers shown as a label (a display name, a file name): what the page shows must be
 * what the characters look like. Bidi controls reorder what follows them ("gpj.exe" shown as
 * "exe.jpg"), invisible characters make two different names look the same, and control
 * characters and line breaks break the layout. No imports: the session and the chat share it.
 */

/**
 * Removed outright: C0 and C1 controls and DEL (Cc), format characters (Cf: the bidi embeddings,
 * overrides and isolates U+202A–U+202E and U+2066–U+2069, the marks U+200E, U+200F and U+061C,
 * zero-width space and non-joiner U+200B, U+200C, word joiner and invisible operators
 * U+2060–U+2064, U+FEFF, the Mongolian vowel separator U+180E, the soft hyphen U+00AD, the tag
 * characters U+E0000–U+E007F, and the rest of the category), lone surrogates, and characters
 * that draw nothing although they are not format characters: the combining grapheme joiner
 * U+034F, the Hangul fillers U+115F, U+1160, U+3164, U+FFA0 and the Khmer inherent vowels
 * U+17B4, U+17B5. The zero-width joiner U+200D is a format character too; it survives only
 * between two pictographs, where it draws one emoji from two (👩‍💻).
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\u115f\u1160\u3164\uffa0]|\u034f|\u17b4|\u17b5/gu;
const PICTOGRAPH_BEFORE = /\p{Extended_Pictographic}(?:\ufe0f|[\u{1f3fb}-\u{1f3ff}])?$/u;
const PICTOGRAPH_AFTER = /^\p{Extended_Pictographic}/u;

function invisible(c: string, at: number, text: string): string {
  const joins = c === '\u200d' && PICTOGRAPH_BEFORE.test(text.slice(Math.max(0, at - 4), at)) && PICTOGRAPH_AFTER.test(text.slice(at + 1, at + 3));
  return joins ? c : '';
}

/** A variation selector that does not follow a visible character selects nothing. */
const STRAY_SELECTOR = /(^| |[\ufe00-\ufe0f\u{e0100}-\u{e01ef}])[\ufe00-\ufe0f\u{e0100}-\u{e01ef}]+/gu;

/** White space, line breaks included (tab, LF, VT, FF, CR, NEL, the Unicode spaces and separators). */
const SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/gu;

/**
 * A label as it should be shown: the characters above removed, every run of white space made
 * one space, trimmed, and cut to at most `maxLength` UTF-16 code units without splitting a
 * surrogate pair. Anything that is not a string gives ''. Idempotent.
 */
export function cleanDisplayText(value: unknown, maxLength = Infinity): string {
  if (typeof value !== 'string') return '';
  // Spaces first (a line break is a control character too, but it separates words).
  let text = value.replace(SPACE, ' ').replace(INVISIBLE, invisible).replace(/ {2,}/g, ' ');
  text = text.replace(STRAY_SELECTOR, '$1').trim();
  if (text.length > maxLength) {
    let end = Math.max(0, Math.floor(maxLength));
    // Do not leave half of a surrogate pair at the end.
    if (end > 0 && /[\ud800-\udbff]/.test(text[end - 1])) end--;
    text = text.slice(0, end).trim();
  }
  return text;
}
