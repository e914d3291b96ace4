// `npm run analyze` (part of `npm run build`) writes custom-elements.json from the JSDoc in src/.

/**
 * The analyzer also guesses events from `dispatchEvent(new X(...))` calls and cannot read their
 * names from the event classes; the `@fires` tags are the documented list, so keep only those.
 */
const documentedEventsOnly = {
  name: 'documented-events-only',
  packageLinkPhase({ customElementsManifest }) {
    for (const mod of customElementsManifest.modules) {
      for (const decl of mod.declarations ?? []) {
        if (decl.events) decl.events = decl.events.filter((e) => e.name?.startsWith('rtc-') && e.description);
      }
    }
  },
};

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts'],
  outdir: '.',
  litelement: true,
  dev: false,
  plugins: [documentedEventsOnly],
};
