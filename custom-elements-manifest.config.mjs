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

/**
 * Internal reactive state (`_phase`, `_notices`, …, declared with `state: true`) is not API: the
 * analyzer lists it as attributes, so they go, and the members are marked private, with no attribute.
 */
const noInternalState = {
  name: 'no-internal-state',
  packageLinkPhase({ customElementsManifest }) {
    for (const mod of customElementsManifest.modules) {
      for (const decl of mod.declarations ?? []) {
        if (decl.attributes) decl.attributes = decl.attributes.filter((a) => !a.name?.startsWith('_'));
        for (const m of decl.members ?? []) {
          if (!m.name?.startsWith('_')) continue;
          m.privacy = 'private';
          delete m.attribute;
        }
      }
    }
  },
};

/** The same source gives the same file: modules in path order, whatever order the files were read in. */
const sortedModules = {
  name: 'sorted-modules',
  packageLinkPhase({ customElementsManifest }) {
    customElementsManifest.modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  },
};

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts'],
  outdir: '.',
  litelement: true,
  dev: false,
  plugins: [documentedEventsOnly, noInternalState, sortedModules],
};
