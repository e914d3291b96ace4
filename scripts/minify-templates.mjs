// A rollup plugin for the script-tag bundle: squeezes the white space out of lit's html`` and
// css`` templates in our own modules. Indentation that makes the sources readable would
// otherwise ship to every visitor as it is written. Only the templates' literal parts change;
// the expressions between them are left as they are.
import MagicString from 'magic-string';

/** Runs of white space become one space; nothing that renders differently. */
function squeezeHtml(text) {
  return text.replace(/\s*\n\s*/g, ' ');
}

/** Comments go; white space next to braces, semicolons and commas goes; other runs become one space. */
function squeezeCss(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,])\s*/g, '$1')
    .replace(/;}/g, '}')
    .trim();
}

function walk(node, visit) {
  if (!node || typeof node.type !== 'string') return;
  visit(node);
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) for (const child of value) walk(child, visit);
    else if (value && typeof value.type === 'string') walk(value, visit);
  }
}

export function minifyTemplates({ include = /\/dist\/lib\// } = {}) {
  return {
    name: 'minify-templates',
    transform(code, id) {
      if (!include.test(id) || !/\b(html|css)\s*`/.test(code)) return null;
      const s = new MagicString(code);
      walk(this.parse(code), (node) => {
        if (node.type !== 'TaggedTemplateExpression' || node.tag.type !== 'Identifier') return;
        const squeeze = node.tag.name === 'html' ? squeezeHtml : node.tag.name === 'css' ? squeezeCss : null;
        if (!squeeze) return;
        for (const quasi of node.quasi.quasis) {
          if (quasi.end > quasi.start) s.overwrite(quasi.start, quasi.end, squeeze(quasi.value.raw));
        }
      });
      return { code: s.toString(), map: s.generateMap({ hires: true }) };
    },
  };
}
