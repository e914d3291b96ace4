/** A run of message text; `href` is set for a web link (http or https only). */
export interface TextPart {
  text: string;
  href?: string;
}

const CANDIDATE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?'"*_~]$/;

/** Cuts punctuation that ends a sentence rather than the link, and unbalanced closing brackets. */
function trimLink(link: string): string {
  for (;;) {
    if (TRAILING.test(link)) {
      link = link.slice(0, -1);
      continue;
    }
    const close = link.at(-1);
    const open = close === ')' ? '(' : close === ']' ? '[' : close === '}' ? '{' : '';
    if (open && link.split(open).length < link.split(close!).length) {
      link = link.slice(0, -1);
      continue;
    }
    return link;
  }
}

/**
 * Splits message text into plain runs and web links. Only `http:` and `https:` URLs that the
 * URL parser accepts become links; everything else stays text, so no peer can smuggle in a
 * `javascript:` or `data:` link. The element renders the parts with text bindings only.
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const link = trimLink(match[0]);
    if (link.length > 2048) continue;
    let href: string;
    try {
      const url = new URL(link);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
      href = url.href;
    } catch {
      continue;
    }
    const start = match.index;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: link, href });
    last = start + link.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
