// The package as npm publishes it: what custom-elements.json and the source maps name must be in
// it, or editors, manifest tools and bundlers (webpack's source-map-loader warns for each
// missing file) point at files an npm user does not have. Needs dist/ (`npm run build`).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function packedFiles() {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return new Set(JSON.parse(out)[0].files.map((f) => f.path));
}

describe('the npm package', () => {
  const files = packedFiles();

  it('holds every module that custom-elements.json names', () => {
    const manifest = JSON.parse(readFileSync(path.join(root, 'custom-elements.json'), 'utf8'));
    const missing = manifest.modules.map((m) => m.path).filter((p) => !files.has(p));
    assert.deepEqual(missing, []);
  });

  it('names in custom-elements.json only attributes the elements have', () => {
    const manifest = JSON.parse(readFileSync(path.join(root, 'custom-elements.json'), 'utf8'));
    const stray = [];
    for (const decl of manifest.modules.flatMap((m) => m.declarations ?? [])) {
      const attributes = new Set((decl.attributes ?? []).map((a) => a.name));
      for (const member of decl.members ?? []) if (member.attribute && !attributes.has(member.attribute)) stray.push(`${decl.name}.${member.name}: ${member.attribute}`);
    }
    assert.deepEqual(stray, []);
  });

  it('holds the sources that its source maps and declaration maps name', () => {
    const missing = new Set();
    for (const map of [...files].filter((f) => f.startsWith('dist/lib/') && f.endsWith('.map'))) {
      const { sources } = JSON.parse(readFileSync(path.join(root, map), 'utf8'));
      for (const source of sources) {
        const file = path.posix.join(path.posix.dirname(map), source);
        if (!files.has(file)) missing.add(file);
      }
    }
    assert.deepEqual([...missing].slice(0, 5), []);
  });

  it('leaves the tests out', () => {
    assert.deepEqual([...files].filter((f) => /\.test\.(ts|js|mjs)$/.test(f)), []);
  });
});
