// A rollup plugin for the script-tag bundle: a chunk that once arrived as something other than
// JavaScript (a Wi-Fi login page or a proxy's error page, labelled text/javascript) can be
// loaded by the next try without a reload.
//
// The browser keeps a module that failed to parse under its URL for the page's lifetime: every
// later import() of that URL fails again at once, without asking the network. (A chunk that could
// not be fetched at all, a network error or a 503, is asked for again: nothing to do there.)
// So after a SyntaxError the next import() of that chunk adds `?retry=N` to its URL, a module the
// browser has not seen.
//
// This loads no second copy of a chunk: the one under the plain URL failed to parse, so it never
// ran and never will. What stays broken is a chunk that imports the failed one statically by its
// plain URL (the chat's chunk imports the session's): that needs a reload of the page.
// Only SyntaxErrors switch: after a network error the plain URL loads again, and loading it under
// a second URL as well would make two copies of a chunk (two session layers).
//
// Every import() in our own modules goes through the helper; it lives in the entry, where they all are.
const HELPER = '__retryImport';

const helper = `const ${HELPER}$failed = {};
function ${HELPER}(url) {
  const failed = ${HELPER}$failed[url];
  return import(failed ? url + '?retry=' + failed : url).catch((error) => {
    if (error instanceof SyntaxError) ${HELPER}$failed[url] = (failed || 0) + 1;
    throw error;
  });
}`;

export function retryImports() {
  return {
    name: 'retry-imports',
    renderDynamicImport({ targetChunk }) {
      // Our own chunks only (rollup knows their files); an import() it cannot resolve stays as it is.
      return targetChunk ? { left: `${HELPER}(`, right: ')' } : null;
    },
    intro(chunk) {
      return chunk.dynamicImports.length ? helper : '';
    },
  };
}
