/**
 * Which language an element speaks: its own `lang` attribute, else the closest ancestor's (across
 * shadow roots), else the document's, else English. Only the primary subtag chooses the table
 * (`de-AT` speaks `de`); the whole tag chooses how numbers and dates are written.
 */

/** The languages with a table of their own. */
export const LANGUAGES = ['en', 'de', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The language tag that applies to `el` (`''` when none is set anywhere). */
export function langOf(el: Element): string {
  for (let node: Node | null = el; node; node = node.parentNode ?? (node as ShadowRoot).host ?? null) {
    const lang = (node as Element).getAttribute?.('lang')?.trim();
    if (lang) return lang;
  }
  return globalThis.document?.documentElement.lang.trim() ?? '';
}

/** The table for a language tag: its primary subtag when there is a table for it, else English. */
export function languageOf(tag: string): Language {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(primary) ? (primary as Language) : 'en';
}

/**
 * The locale numbers and dates are written in: the tag itself when its language has a table (so
 * `de-CH` groups digits the Swiss way), else plain English, so that English sentences never
 * carry another language's numbers.
 */
export function localeOf(tag: string): string {
  const language = languageOf(tag);
  if (language !== tag.trim().toLowerCase().split(/[-_]/)[0]) return 'en';
  try {
    return Intl.getCanonicalLocales(tag.trim().replace(/_/g, '-'))[0] ?? language;
  } catch {
    return language; // not a well-formed tag: its language is still known
  }
}
