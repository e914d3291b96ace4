/** A run of message text; `href` is set for a web link (http or https only; `www.` ones get https). */
export interface TextPart {
  text: string;
  href?: string;
}

/** A web address with its scheme, or one that starts `www.` (not inside an address or a word). */
const CANDIDATE = /\bhttps?:\/\/[^\s<>"'`]+|(?<![\w.@/:-])www\.[^\s<>"'`]+/gi;
/** Punctuation that ends a sentence rather than a link. */
const TRAILING = new Set('.,;:!?\'"*_~');
/** The opening bracket of each closing one. */
const OPENING: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/**
 * Cuts punctuation that ends a sentence rather than the link, and unbalanced closing brackets.
 * Brackets are counted once and the counts kept as the end is cut, so a link of thousands of
 * brackets costs one pass, not one pass per bracket.
 */
function trimLink(link: string): string {
  const count = new Map<string, number>();
  for (const c of link) if ('()[]{}'.includes(c)) count.set(c, (count.get(c) ?? 0) + 1);
  const n = (c: string) => count.get(c) ?? 0;
  let end = link.length;
  for (; end > 0; end--) {
    const c = link[end - 1];
    if (TRAILING.has(c)) continue;
    const open = OPENING[c];
    if (!open || n(open) >= n(c)) break;
    count.set(c, n(c) - 1);
  }
  return link.slice(0, end);
}

/**
 * Splits message text into plain runs and web links. Only `http:` and `https:` URLs that the
 * URL parser accepts become links, and addresses that start `www.` (as https); everything else stays text, so no peer can smuggle in a
 * `javascript:` or `data:` link. The element renders the parts with text bindings only.
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const link = trimLink(match[0]);
    if (link.length > 2048) continue;
    // `www.example.org` is meant as the web address: https, as browsers take it when typed.
    const bare = !/^https?:/i.test(link);
    if (bare && !/^www\.[^.]+\.[^.]/i.test(link)) continue;
    let href: string;
    try {
      const url = new URL(bare ? `https://${link}` : link);
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
