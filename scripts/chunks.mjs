// The script-tag bundle as a page loads it: dist/rtc-elements.js, the chunks it imports
// statically (fetched before anything runs: the first load) and those it import()s later.
// Used by `npm run size` and the benchmark's size section.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseAst } from 'rollup/parseAst';

export const ENTRY = 'rtc-elements.js';

/** The relative module specifiers a chunk imports, statically and with import(). */
function importsOf(code) {
  const imports = [];
  const dynamicImports = [];
  const visit = (node) => {
    if (!node || typeof node.type !== 'string') return;
    if (/^(Import|ExportAll|ExportNamed)Declaration$/.test(node.type) && node.source) imports.push(node.source.value);
    if (node.type === 'ImportExpression') {
      // The one computed import() allowed is scripts/retry-imports.mjs's: a chunk's own URL with `?retry=N`.
      if (node.source.type === 'Literal') dynamicImports.push(node.source.value);
      else if (!code.slice(node.source.start, node.source.end).includes('?retry=')) throw new Error('an import() whose target is not a string: the size check cannot follow it');
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === 'object') visit(value);
    }
  };
  visit(parseAst(code));
  const local = (list) => list.filter((s) => s.startsWith('./')).map((s) => s.slice(2));
  return { imports: local(imports), dynamicImports: local(dynamicImports) };
}

/**
 * Every .js file of the bundle in `dir`, with its size (gzip at the default level, as a server
 * sends it), its imports, and whether it is part of the first load.
 */
export function readChunks(dir) {
  const names = readdirSync(dir).filter((f) => f === ENTRY || /^rtc-elements-.*\.js$/.test(f));
  const chunks = new Map(
    names.map((file) => {
      const code = readFileSync(path.join(dir, file));
      return [file, { file, code, bytes: code.length, gzip: gzipSync(code).length, ...importsOf(code.toString('utf8')), firstLoad: false }];
    }),
  );
  const visit = (file) => {
    const chunk = chunks.get(file);
    if (!chunk) throw new Error(`${file} is imported but missing from ${dir}`);
    if (chunk.firstLoad) return;
    chunk.firstLoad = true;
    chunk.imports.forEach(visit);
  };
  visit(ENTRY);
  const list = [...chunks.values()].sort((a, b) => Number(b.firstLoad) - Number(a.firstLoad) || (a.file === ENTRY ? -1 : b.file === ENTRY ? 1 : a.file.localeCompare(b.file)));
  return { chunks: list, firstLoad: list.filter((c) => c.firstLoad), later: list.filter((c) => !c.firstLoad) };
}

/** The sources a chunk was built from, per its source map. */
export function sourcesOf(dir, file) {
  return JSON.parse(readFileSync(path.join(dir, `${file}.map`), 'utf8')).sources;
}

export const sum = (list, key) => list.reduce((s, c) => s + c[key], 0);
