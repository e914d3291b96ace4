import type { Strings } from '../../i18n/en.js';
import type { CallKit } from './call-kit.js';

/** Stands for the name while the words around it ("(you)") are found. */
const SLOT = '\u0000';

/**
 * The visitor's own name as their tile and the list of people show it, "Ada (you)": where it is
 * too long, the name is cut short with an ellipsis, never the words that say that it is theirs
 * (stage.styles.ts). Without a name, "You"; a page's own `youNamed` that leaves the name out is
 * shown as it is.
 */
export function ownName({ html }: Pick<CallKit, 'html'>, t: Strings, name: string) {
  if (!name) return t.you;
  const [before, after] = t.youNamed(SLOT).split(SLOT);
  if (after === undefined) return t.youNamed(name);
  return html`<span class="own-name">${before}<span class="own-name-cut">${name}</span>${after}</span>`;
}
