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
// ran and never will. Only SyntaxErrors switch: after a network error the plain URL loads again,
// and loading it under a second URL as well would make two copies of a chunk (two session layers).
//
// A lazy chunk that needs another (the chat's needs the session's) does not import it statically:
// a static import names the plain URL, which stays broken once it failed to parse, and giving it
// the importer's `?retry=N` instead would load a second copy of a chunk that had loaded fine
// (the session's, after only the chat's came as a login page). Its static imports become
// `await`s of the same helper, which asks for the URL the page's other imports of that chunk
// use: one copy, whichever URL it came under. The chunk runs nothing before them, so when one
// fails it never ran either, and its own next import may switch URL too (the error's `unrun`),
// whatever the failure was: the browser keeps a module whose top-level await failed as failed.
// The bindings are read once, as the chunk starts: what one chunk takes from another is
// functions, classes and constants.
//
// The helper goes in every chunk that imports another; what failed is shared by all of them,
// per chunk URL, on the global object.
import MagicString from 'magic-string';

const HELPER = '__retryImport';

const helper = `function ${HELPER}(url) {
  const failed = (globalThis[Symbol.for('rtc-elements.retry')] ??= {});
  const href = new URL(url, import.meta.url).href;
  const n = failed[href];
  return import(n ? href + '?retry=' + n : href).catch((error) => {
    if (error instanceof SyntaxError || error?.unrun) failed[href] = (n || 0) + 1;
    throw error;
  });
}`;

/** `import { a as b, default as c } from './x.js'` → `const { a: b, default: c } = await __retryImport('./x.js')…` */
function awaited(node, code) {
  const source = JSON.stringify(node.source.value);
  const load = `await ${HELPER}(${source}).catch((cause) => { throw Object.assign(new Error('Could not load ' + ${source}, { cause }), { unrun: true }); })`;
  if (!node.specifiers.length) return `${load};`;
  const namespace = node.specifiers.find((s) => s.type === 'ImportNamespaceSpecifier');
  if (namespace) {
    if (node.specifiers.length > 1) throw new Error(`retry-imports: cannot rewrite ${code.slice(node.start, node.end)}`);
    return `const ${namespace.local.name} = ${load};`;
  }
  const names = node.specifiers.map((s) => {
    const imported = s.type === 'ImportDefaultSpecifier' ? 'default' : s.imported.name ?? s.imported.value;
    return imported === s.local.name ? imported : `${JSON.stringify(imported)}: ${s.local.name}`;
  });
  return `const { ${names.join(', ')} } = ${load};`;
}

export function retryImports() {
  return {
    name: 'retry-imports',
    renderDynamicImport({ targetChunk }) {
      // Our own chunks only (rollup knows their files); an import() it cannot resolve stays as it is.
      return targetChunk ? { left: `${HELPER}(`, right: ')' } : null;
    },
    renderChunk(code, chunk) {
      // The entry's static imports (none today) are the first load: they stay as they are.
      if (chunk.isEntry || !chunk.imports.length) return null;
      const s = new MagicString(code);
      for (const node of this.parse(code).body) {
        if ((node.type === 'ExportNamedDeclaration' || node.type === 'ExportAllDeclaration') && node.source) {
          throw new Error(`retry-imports: ${chunk.fileName} re-exports from another chunk: ${code.slice(node.start, node.end)}`);
        }
        if (node.type === 'ImportDeclaration') s.overwrite(node.start, node.end, awaited(node, code));
      }
      return { code: s.toString(), map: s.generateMap({ hires: true }) };
    },
    intro(chunk) {
      return chunk.dynamicImports.length || (!chunk.isEntry && chunk.imports.length) ? helper : '';
    },
  };
}
