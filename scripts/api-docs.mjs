// Writes docs/api.md from custom-elements.json, so the API tables never drift from the JSDoc.
import { readFileSync, writeFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../custom-elements.json', import.meta.url), 'utf8'));
const cell = (text = '') => String(text).replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ').trim();
const code = (text) => (text ? `\`${cell(text)}\`` : '');

const out = ['# API reference', '', 'Generated from `custom-elements.json` by `npm run build`; edit the JSDoc in `src/`, not this file.', ''];

for (const mod of manifest.modules) {
  for (const decl of mod.declarations ?? []) {
    if (!decl.customElement || !decl.tagName) continue;
    out.push(`## \`<${decl.tagName}>\``, '', cell(decl.summary), '', decl.description ?? '', '');
    const attrs = decl.attributes ?? [];
    if (attrs.length) {
      out.push('### Attributes and properties', '', '| attribute | property | type | default | description |', '|---|---|---|---|---|');
      for (const a of attrs) {
        out.push(`| ${code(a.name)} | ${code(a.fieldName)} | ${code(a.type?.text)} | ${code(a.default)} | ${cell(a.description)} |`);
      }
      out.push('');
    }
    const attrFields = new Set(attrs.map((a) => a.fieldName));
    const members = (decl.members ?? []).filter((m) => m.privacy !== 'private' && m.privacy !== 'protected' && !m.static);
    const props = members.filter((m) => m.kind === 'field' && !attrFields.has(m.name));
    if (props.length) {
      out.push('### Other properties', '', '| property | type | description |', '|---|---|---|');
      for (const p of props) out.push(`| ${code(p.name)}${p.readonly ? ' (read-only)' : ''} | ${code(p.type?.text)} | ${cell(p.description)} |`);
      out.push('');
    }
    const methods = members.filter((m) => m.kind === 'method');
    if (methods.length) {
      out.push('### Methods', '', '| method | description |', '|---|---|');
      for (const m of methods) {
        const params = (m.parameters ?? []).map((p) => `${p.name}${p.optional || p.default ? '?' : ''}`).join(', ');
        out.push(`| ${code(`${m.name}(${params})`)} → ${code(m.return?.type?.text ?? 'void')} | ${cell(m.description)} |`);
      }
      out.push('');
    }
    for (const [title, list, cols] of [
      ['Events', decl.events, (e) => `| ${code(e.name)} | ${code(e.type?.text)} | ${cell(e.description)} |`],
      ['CSS parts', decl.cssParts, (p) => `| ${code(p.name)} | ${cell(p.description)} |`],
      ['CSS custom properties', decl.cssProperties, (p) => `| ${code(p.name)} | ${code(p.default)} | ${cell(p.description)} |`],
      ['Custom states', decl.cssStates, (s) => `| ${code(`:state(${s.name})`)} | ${cell(s.description)} |`],
    ]) {
      if (!list?.length) continue;
      const head = {
        Events: '| event | type | description |\n|---|---|---|',
        'CSS parts': '| part | description |\n|---|---|',
        'CSS custom properties': '| property | default | description |\n|---|---|---|',
        'Custom states': '| state | description |\n|---|---|',
      }[title];
      out.push(`### ${title}`, '', head, ...list.map(cols), '');
    }
  }
}
writeFileSync(new URL('../docs/api.md', import.meta.url), `${out.join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`);
