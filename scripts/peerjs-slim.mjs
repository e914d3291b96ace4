// The modules PeerJS imports that rtc-elements does not need, and what stands in for them.
// Used by the production bundle (rollup.config.mjs) and by the browser tests' pre-bundle of
// PeerJS (web-test-runner.config.mjs), so the tests run the same PeerJS as the bundle.
import { fileURLToPath } from 'node:url';
import MagicString from 'magic-string';

const shim = (name) => fileURLToPath(new URL(`./shims/${name}`, import.meta.url));

export const peerjsShims = {
  'webrtc-adapter': shim('webrtc-adapter.js'),
  'peerjs-js-binarypack': shim('unused-serializer.js'),
  '@msgpack/msgpack': shim('unused-serializer.js'),
};

/** Every node of an ESTree, depth first. */
function* nodes(node) {
  if (!node || typeof node.type !== 'string') return;
  yield node;
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const child of value) yield* nodes(child);
    else if (value && typeof value === 'object') yield* nodes(value);
  }
}

/**
 * PeerJS works out `util.supports` as its module loads, building a throwaway RTCPeerConnection
 * to probe the browser. Here it is worked out when first read instead (by `new Peer()`), so that
 * loading the session code ahead of a join (when the visitor points at Join) builds no
 * connection. Throws when PeerJS no longer has that shape, so that an upgrade cannot drop it
 * silently. `ast` is the code's ESTree, with node offsets (rollup's parser gives one).
 */
export function lazySupports(code, ast) {
  const found = [...nodes(ast)].filter(
    (n) => n.type === 'AssignmentExpression' && n.left.type === 'MemberExpression' && n.left.object.type === 'ThisExpression' && n.left.property.name === 'supports' && n.right.type === 'CallExpression',
  );
  if (found.length !== 1) throw new Error(`peerjs-slim: expected one \`this.supports = …()\` in PeerJS, found ${found.length}`);
  const [n] = found;
  const s = new MagicString(code);
  s.overwrite(n.start, n.right.start, 'Object.defineProperty(this, "supports", { configurable: true, enumerable: true, get() { const value = (');
  s.appendLeft(n.end, '); Object.defineProperty(this, "supports", { value, enumerable: true }); return value; } })');
  return s;
}

/**
 * A rollup plugin that resolves those imports to the shims, makes `util.supports` lazy (above),
 * and drops PeerJS's logging: the elements create every Peer with `debug: 0`, so its
 * `logger.log/warn/error` calls never print, yet their messages are bytes every visitor downloads.
 * The statements become empty ones; their arguments (strings and the values they mention) have
 * no side effects.
 */
export function peerjsSlim() {
  return {
    name: 'peerjs-slim',
    resolveId(source) {
      return peerjsShims[source] ?? null;
    },
    transform(code, id) {
      if (!id.includes('/node_modules/peerjs/')) return null;
      const ast = this.parse(code);
      // The logger: `var $…$export$… = new $…$var$Logger();`.
      let logger = null;
      for (const n of nodes(ast)) {
        if (n.type === 'VariableDeclarator' && n.init?.type === 'NewExpression' && /\$Logger$/.test(n.init.callee.name ?? '')) logger = n.id.name;
      }
      if (!logger) return null;
      const isLogger = (o) => o.type === 'Identifier' ? o.name === logger : o.type === 'SequenceExpression' && isLogger(o.expressions.at(-1));
      const s = lazySupports(code, ast);
      for (const n of nodes(ast)) {
        const call = n.type === 'ExpressionStatement' ? n.expression : null;
        const callee = call?.type === 'CallExpression' ? call.callee : null;
        if (callee?.type === 'MemberExpression' && isLogger(callee.object) && ['log', 'warn', 'error'].includes(callee.property.name)) s.overwrite(n.start, n.end, ';');
      }
      return { code: s.toString(), map: s.generateMap({ hires: true }) };
    },
  };
}
