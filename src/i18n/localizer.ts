import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { lazy, type LoadError } from '../controllers/lazy.js';
import { en, type Strings } from './en.js';
import { formatFor, type Format } from './format.js';
import { langOf, languageOf, localeOf, type Language } from './lang.js';

/** A table: the texts of one language, given the formatters of a locale. */
export type Table = (f: Format) => Strings;

/** The host: an element whose page may supply or override texts. */
export interface LocalizedHost extends ReactiveControllerHost, HTMLElement {
  strings?: Partial<Strings> | null;
}

/**
 * Each language other than English is a chunk of its own, fetched (from the script's own URL,
 * like every chunk) the first time an element of the page speaks it: a literal import() each,
 * so the bundler and the size check can follow them.
 */
const loaders: Record<Exclude<Language, 'en'>, () => Promise<{ default: Table }>> = {
  de: lazy(() => import('./de.js')),
  fr: lazy(() => import('./fr.js')),
};

const tables = new Map<Language, Table | Promise<Table | null>>([['en', en]]);
/** Built tables by locale (`de-AT`), shared by every element of the page. */
const built = new Map<string, Strings>();

/**
 * The table of a language: at once when it is here, else a promise of it. A chunk that failed
 * to load gives null after a pause (`LoadError.retryAfter`: 5 s, doubling with each failure in a
 * row, up to about 5 minutes), when the next element that asks tries again; English meanwhile.
 */
function tableOf(language: Language): Table | Promise<Table | null> {
  let table = tables.get(language);
  if (!table) {
    table = loaders[language as Exclude<Language, 'en'>]().then(
      (module) => {
        tables.set(language, module.default);
        return module.default;
      },
      (error: LoadError) =>
        new Promise<null>((resolve) =>
          setTimeout(() => {
            tables.delete(language);
            resolve(null);
          }, error.retryAfter),
        ),
    );
    tables.set(language, table);
  }
  return table;
}

function build(locale: string, table: Table): Strings {
  const key = `${locale}\n${table === en ? 'en' : locale}`;
  let strings = built.get(key);
  if (!strings) built.set(key, (strings = table(formatFor(locale))));
  return strings;
}

/** The English texts, for what the elements report in English (the `rtc-error` event's message). */
export const english: Strings = build('en', en);

/** The connected localizers, told when a `lang` attribute changes anywhere in the document. */
const watching = new Set<Localizer>();
let observer: MutationObserver | null = null;

function watch(localizer: Localizer, on: boolean): void {
  if (on) watching.add(localizer);
  else watching.delete(localizer);
  if (watching.size && !observer && typeof MutationObserver !== 'undefined') {
    // An ancestor's or the document's lang (a page's language picker): one observer for the page.
    observer = new MutationObserver(() => watching.forEach((l) => l.langChanged()));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'], subtree: true });
  } else if (!watching.size && observer) {
    observer.disconnect();
    observer = null;
  }
}

/**
 * Gives an element its texts in the language `lang` chooses (see lang.ts), with the page's own
 * `strings` laid over them. Resolved before each render, so a change of the element's `lang`,
 * an ancestor's or the document's shows at once. Until another language's chunk
 * arrives the element speaks English, never nothing; then it renders again. A chunk that did
 * not load is asked for again a few seconds later, so a network blip costs the language only
 * until then, not until the page is reloaded.
 */
export class Localizer implements ReactiveController {
  private tag = '';
  private table: Strings = english;
  private merged: { base: Strings; extra: Partial<Strings> | null | undefined; strings: Strings } | null = null;

  constructor(private readonly host: LocalizedHost) {
    host.addController(this);
  }

  /** The language the texts are in now (`en`, `de`, `fr`). */
  language: Language = 'en';

  /** The texts, the page's overrides included. */
  get strings(): Strings {
    const extra = this.host.strings;
    if (!extra) return this.table;
    if (this.merged?.base !== this.table || this.merged.extra !== extra) {
      this.merged = { base: this.table, extra, strings: { ...this.table, ...extra } };
    }
    return this.merged.strings;
  }

  hostConnected(): void {
    watch(this, true);
    this.resolve();
  }

  hostDisconnected(): void {
    watch(this, false);
  }

  /** A lang attribute changed somewhere: this element's language may have. */
  langChanged(): void {
    if (langOf(this.host) !== this.tag) this.host.requestUpdate();
  }

  hostUpdate(): void {
    this.resolve();
  }

  private resolve(): void {
    const tag = langOf(this.host);
    if (tag === this.tag) return;
    this.tag = tag;
    const language = languageOf(tag);
    const locale = localeOf(tag);
    const table = tableOf(language);
    if (typeof table === 'function') return this.use(language, locale, table);
    // English meanwhile (numbers and dates in English too, matching the words).
    this.use('en', 'en', en);
    void table.then((loaded) => {
      if (this.tag !== tag) return;
      if (loaded) this.use(language, locale, loaded);
      else {
        // Asked for again by the render this requests, or once the element is back on the page.
        this.tag = '';
        if (!this.host.isConnected) return;
      }
      this.host.requestUpdate();
    });
  }

  private use(language: Language, locale: string, table: Table): void {
    this.language = language;
    this.table = build(locale, table);
  }
}
