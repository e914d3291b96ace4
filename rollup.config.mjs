// The script-tag bundle: one self-contained, minified ES module with lit, peerjs and our code.
// It bundles the output of `tsc -p tsconfig.build.json` (dist/lib), so `npm run build` runs tsc first.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import terser from '@rollup/plugin-terser';
import { peerjsSlim } from './scripts/peerjs-slim.mjs';
import { minifyTemplates } from './scripts/minify-templates.mjs';

export default {
  input: 'dist/lib/index.js',
  output: {
    file: 'dist/rtc-elements.js',
    format: 'es',
    sourcemap: true,
  },
  // lit's dev-mode warnings stay out of the production bundle (the `production` condition).
  plugins: [
    peerjsSlim(),
    minifyTemplates(),
    nodeResolve({ browser: true, exportConditions: ['production'] }),
    // peerjs pulls in webrtc-adapter, which depends on the CommonJS package `sdp`.
    commonjs(),
    terser({ ecma: 2022, module: true, compress: { passes: 2 }, format: { comments: false } }),
  ],
  onwarn(warning, warn) {
    // lit and peerjs ship `this` at module top level in code paths that never run in ES modules.
    if (warning.code === 'THIS_IS_UNDEFINED') return;
    warn(warning);
  },
};
