// The modules PeerJS imports that rtc-elements does not need, and what stands in for them.
// Used by the production bundle (rollup.config.mjs) and by the browser tests' pre-bundle of
// PeerJS (web-test-runner.config.mjs), so the tests run the same PeerJS as the bundle.
import { fileURLToPath } from 'node:url';

const shim = (name) => fileURLToPath(new URL(`./shims/${name}`, import.meta.url));

export const peerjsShims = {
  'webrtc-adapter': shim('webrtc-adapter.js'),
  'peerjs-js-binarypack': shim('unused-serializer.js'),
  '@msgpack/msgpack': shim('unused-serializer.js'),
};

/** A rollup plugin that resolves those imports to the shims. */
export function peerjsSlim() {
  return {
    name: 'peerjs-slim',
    resolveId(source) {
      return peerjsShims[source] ?? null;
    },
  };
}
