import { expect } from '@open-wc/testing';
import { checkLimits } from '../chat/limits.js';
import de from './de.js';
import fr from './fr.js';
import { english } from './localizer.js';
import { LIMIT_RANGES } from './errors.js';
import { formatFor } from './format.js';
import { langOf, languageOf, localeOf } from './lang.js';

describe('lang resolution', () => {
  afterEach(() => {
    document.documentElement.lang = 'en';
    document.querySelectorAll('[data-lang-test]').forEach((n) => n.remove());
  });

  it("takes the element's own lang, else the closest ancestor's, across shadow roots, else the document's", () => {
    const outer = Object.assign(document.createElement('div'), { lang: 'fr' });
    outer.dataset.langTest = '';
    const host = document.createElement('div');
    outer.append(host);
    document.body.append(outer);
    const inner = document.createElement('span');
    host.attachShadow({ mode: 'open' }).append(inner);
    expect(langOf(inner)).to.equal('fr');
    host.lang = 'de-AT';
    expect(langOf(inner)).to.equal('de-AT');
    inner.lang = 'en-GB';
    expect(langOf(inner)).to.equal('en-GB');
    const bare = document.createElement('span');
    bare.dataset.langTest = '';
    document.body.append(bare);
    document.documentElement.lang = 'de';
    expect(langOf(bare)).to.equal('de');
    document.documentElement.lang = '';
    expect(langOf(bare)).to.equal('');
    expect(langOf(document.createElement('p'))).to.equal('');
  });

  it('chooses a table by the primary subtag and falls back to English', () => {
    expect(languageOf('de')).to.equal('de');
    expect(languageOf('de-AT')).to.equal('de');
    expect(languageOf('FR_ca')).to.equal('fr');
    expect(languageOf('es')).to.equal('en');
    expect(languageOf('')).to.equal('en');
    expect(languageOf('deu')).to.equal('en');
  });

  it('formats for the whole tag when its language has a table, else in English', () => {
    expect(localeOf('de-CH')).to.equal('de-CH');
    expect(localeOf('fr_ca')).to.equal('fr-CA');
    expect(localeOf('es-ES')).to.equal('en');
    expect(localeOf('en-GB')).to.equal('en-GB');
    expect(localeOf('de-$$')).to.equal('de');
  });

  it('writes sizes, percentages, counts and plurals through Intl', () => {
    const de = formatFor('de');
    expect(de.bytes(1_234_567)).to.equal('1,2 MB');
    expect(de.bytes(950)).to.equal('950 Byte');
    expect(de.number(12_345)).to.equal('12.345');
    expect(de.percent(0.999)).to.match(/^99\s%$/);
    expect(de.plural(1, { one: '# Person', other: '# Personen' })).to.equal('1 Person');
    expect(de.plural(2, { one: '# Person', other: '# Personen' })).to.equal('2 Personen');
    const fr = formatFor('fr');
    // French counts 0 and 1 as one.
    expect(fr.plural(0, { one: '# personne', other: '# personnes' })).to.equal('0 personne');
    expect(fr.bytes(2_500)).to.match(/^2,5\s?ko$/);
  });

  it('writes small counts without locale data only where they are plain digits', () => {
    expect(formatFor('de-AT').number(999)).to.equal('999');
    expect(formatFor('de').number(1_000)).to.equal('1.000');
    expect(formatFor('de').number(2.5)).to.equal('2,5');
    expect(formatFor('de-u-nu-arab').number(3)).to.equal('٣');
    expect(formatFor('ar-EG').number(3)).to.equal('٣');
  });

  it("keeps the chat limits' ranges as checkLimits checks them", () => {
    const base = { maxMessageLength: 2000, maxMessageRate: 20, maxFileSize: 1, history: 100 };
    const keys = { 'max-message-length': 'maxMessageLength', 'max-message-rate': 'maxMessageRate', 'max-file-size': 'maxFileSize', history: 'history' } as const;
    for (const [attribute, [min, max]] of Object.entries(LIMIT_RANGES)) {
      const key = keys[attribute as keyof typeof keys];
      expect(() => checkLimits({ ...base, [key]: min })).not.to.throw();
      expect(() => checkLimits({ ...base, [key]: max })).not.to.throw();
      expect(() => checkLimits({ ...base, [key]: min - 1 })).to.throw();
      if (max < Number.MAX_SAFE_INTEGER) expect(() => checkLimits({ ...base, [key]: max + 1 })).to.throw();
    }
  });
});

describe('translations', () => {
  it('say every name, room and text that English says, in every text', () => {
    const MARK = '\u0001';
    // Parameters that choose among words (a device, a kind, a reason) get a real value; the others MARK.
    const chosen: Record<string, string[]> = { deviceStopped: ['camera'], devicePaused: ['camera'], pressAgain: ['audio'], fileEnded: ['busy'] };
    const marks = (key: string, value: unknown, arity: number) => {
      try {
        const args = chosen[key] ?? (key.startsWith('media') ? ['camera', MARK] : Array<string>(arity).fill(MARK));
        const text = (value as (...args: string[]) => unknown)(...args);
        return typeof text === 'string' ? text.split(MARK).length - 1 : -1;
      } catch {
        return -1; // a formatter, not words
      }
    };
    for (const [language, table] of [['de', de(formatFor('de'))], ['fr', fr(formatFor('fr'))]] as const) {
      for (const [key, value] of Object.entries(english)) {
        if (typeof value !== 'function') continue;
        const theirs = (table as Record<string, unknown>)[key];
        expect(marks(key, theirs, value.length), `${language}.${key}`).to.equal(marks(key, value, value.length));
      }
    }
  });
});
