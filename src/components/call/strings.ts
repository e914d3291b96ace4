import { english } from '../../i18n/localizer.js';

/**
 * The call's English texts. Every text of both elements is in src/i18n/en.ts now, translated in
 * de.ts and fr.ts (a key missing there fails the type check); elements use their own table
 * (`this.t`), in the language `lang` chooses.
 */
export const strings = english;
