/**
 * Numbers, sizes, percentages, counts and times in the element's locale, through `Intl`. A
 * translation table gets one of these, so that its sentences never format a number by hand.
 */

/** The forms of a counted phrase by plural category (Intl.PluralRules); `#` stands for the number. */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

export interface Format {
  /** The BCP 47 locale everything is formatted for, such as `de-AT`. */
  readonly locale: string;
  number(n: number): string;
  /** The form of `forms` that the locale's plural rules pick for `n`, with `#` replaced by `n`. */
  plural(n: number, forms: PluralForms): string;
  /** A byte count in the largest unit that keeps it at least 1 (powers of 1000): `1,2 MB`, `950 byte`. */
  bytes(n: number): string;
  /** A fraction (0 to 1) as a percentage with `digits` decimals (none unless given), rounded down so that 100 % means done. */
  percent(fraction: number, digits?: number): string;
  /** Bits per second: `850 kb/s` below a megabit, `1.2 Mb/s` from one. */
  bitrate(bps: number): string;
  /** A duration in whole milliseconds: `42 ms`. */
  milliseconds(ms: number): string;
  /** A time of day, hours and minutes; with its day when that is not today. */
  time(ms: number): string;
}

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/**
 * Languages whose locales write numbers in Latin digits unless the tag asks for another
 * numbering system (CLDR's default): the elements' own languages and their neighbours.
 */
const LATIN_DIGITS = new Set(['en', 'de', 'fr', 'es', 'it', 'nl', 'pt']);

/**
 * Whether counts below 1000 are written as plain digits in `locale`. They are in every locale
 * that writes Latin digits (grouping starts at 1000). Telling so reads the tag alone: the first
 * use of the browser's locale data (an Intl.NumberFormat, even an Intl.Locale) costs 10–40 ms of
 * the main thread in Chromium, which the "2 in call" of a join would otherwise pay.
 */
function plainCounts(locale: string): boolean {
  const tag = locale.toLowerCase();
  return LATIN_DIGITS.has(tag.split('-')[0]) && !/-u(-[a-z0-9]{2,8})*-nu-/.test(tag);
}

/** Builds the formatters of one locale; the Intl objects are made on first use and kept. */
export function formatFor(locale: string): Format {
  const cache = new Map<string, Intl.NumberFormat>();
  const numbers = (key: string, options: Intl.NumberFormatOptions) => {
    let f = cache.get(key);
    if (!f) cache.set(key, (f = new Intl.NumberFormat(locale, options)));
    return f;
  };
  let rules: Intl.PluralRules | undefined;
  let clock: Intl.DateTimeFormat | undefined;
  let dated: Intl.DateTimeFormat | undefined;
  let plain: boolean | undefined;
  const number = (n: number) =>
    Number.isInteger(n) && n >= 0 && n < 1000 && (plain ??= plainCounts(locale)) ? String(n) : numbers('n', {}).format(n);
  return {
    locale,
    number,
    plural: (n, forms) => (forms[(rules ??= new Intl.PluralRules(locale)).select(n)] ?? forms.other).replace('#', number(n)),
    bytes(n) {
      let value = Math.max(0, n);
      let unit = 0;
      while (value >= 1000 && unit < UNITS.length - 1) {
        value /= 1000;
        unit++;
      }
      const digits = unit > 0 && value < 10 ? 1 : 0;
      return numbers(`${unit}/${digits}`, { style: 'unit', unit: UNITS[unit], unitDisplay: 'short', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
    },
    percent: (fraction, digits = 0) =>
      numbers(`%${digits}`, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits, roundingMode: 'floor' } as Intl.NumberFormatOptions).format(fraction),
    bitrate(bps) {
      const mega = bps >= 1e6;
      return numbers(mega ? 'Mb/s' : 'kb/s', { style: 'unit', unit: mega ? 'megabit-per-second' : 'kilobit-per-second', unitDisplay: 'short', maximumFractionDigits: mega ? 1 : 0 }).format(
        Math.max(0, bps) / (mega ? 1e6 : 1e3),
      );
    },
    milliseconds: (ms) => numbers('ms', { style: 'unit', unit: 'millisecond', unitDisplay: 'short', maximumFractionDigits: 0 }).format(ms),
    // One formatter for every message: toLocaleTimeString builds a new Intl.DateTimeFormat per
    // call, which the benchmark found taking most of a render of a long chat.
    // A time of another day (history from a room left open overnight) says its day too.
    time: (ms) =>
      (new Date(ms).toDateString() === new Date().toDateString()
        ? (clock ??= new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }))
        : (dated ??= new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }))
      ).format(ms),
  };
}
