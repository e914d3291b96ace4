/**
 * Registers an element, once: a page that loads the elements twice (the script tag beside a
 * bundle that imports them, two versions of the script) keeps the first definition and says so,
 * rather than throwing and stopping the rest of its own script. Where there is no
 * `customElements` (a server render importing the module), it does nothing.
 */
export function define(tag: string, element: CustomElementConstructor): void {
  if (typeof customElements === 'undefined') return;
  const defined = customElements.get(tag);
  if (!defined) customElements.define(tag, element);
  else if (defined !== element) console.warn(`<${tag}> was already defined by another copy of rtc-elements; that one is used.`);
}
