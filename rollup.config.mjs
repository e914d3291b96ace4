// The script-tag bundle: minified ES modules with lit, peerjs and our code, built from the output
// of `tsc -p tsconfig.build.json` (dist/lib), so `npm run build` runs tsc first.
//
// dist/rtc-elements.js is what the script tag loads: lit and the elements up to their lobby.
// What a join needs comes in chunks beside it, which the elements import() when they join; an
// import() resolves against the importing module's URL, so a page on any origin fetches them
// from wherever it loaded rtc-elements.js, with nothing to configure:
//   rtc-elements-session-[hash].js  src/session/** with PeerJS (every join); reading and refreshing the ICE servers;
//                                   the rows of people asking to be let in and the chimes (the call's and the chat's)
//   rtc-elements-chat-[hash].js     src/chat/**, the chat's lines and what tells <rtc-chat> of them (<rtc-chat> only; needs the session chunk)
//   rtc-elements-call-[hash].js     <rtc-call>'s stage, controls, their styles and the parts behind them (in-call.ts; loaded beside the session chunk)
//   rtc-elements-lang-de-[hash].js  src/i18n/de.ts, the German texts (an element whose lang is de)
//   rtc-elements-lang-fr-[hash].js  src/i18n/fr.ts, the French texts (English is in the first load)
//   rtc-elements-quality-[hash].js  src/media/quality.ts (<rtc-call>'s connection-quality judge)
// Every chunk name starts with "rtc-elements-", so a server can route them with one pattern.
// The content hash changes with the code, so a page holding an older rtc-elements.js gets an
// error it can report (a missing chunk), never the chunk of another version. A chunk that came
// as something other than JavaScript is asked for again as rtc-elements-[name]-[hash].js?retry=1,
// and a chunk takes another one through that same retried import, never statically
// (scripts/retry-imports.mjs).
import { nodeResolve } from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import terser from '@rollup/plugin-terser';
import { peerjsSlim } from './scripts/peerjs-slim.mjs';
import { minifyTemplates } from './scripts/minify-templates.mjs';
import { retryImports } from './scripts/retry-imports.mjs';

/** Which lazy chunk a module belongs to; undefined leaves it to rollup (the entry, for lit and the elements). */
export function chunkOf(id) {
  const path = id.replace(/\\/g, '/');
  if (/\/dist\/lib\/session\/|\/scripts\/shims\//.test(path)) return 'session';
  // Reading and refreshing the ICE servers: no request of its own (the first request for the
  // servers leaves from the first load at once, src/controllers/ice-servers-url.ts).
  if (/\/dist\/lib\/controllers\/(ice-servers|refresh-schedule)\.js$/.test(path)) return 'session';
  // PeerJS and what it depends on.
  if (/\/node_modules\/(peerjs|peerjs-js-binarypack|@msgpack\/msgpack|eventemitter3|webrtc-adapter|sdp)\//.test(path)) return 'session';
  // Who asks to be let in (their rows) and the chimes: shared by the call's chunk and the chat's,
  // which both come after the session's; in either of them, one would take the other along.
  if (/\/dist\/lib\/components\/(knock-requests|chime)\.js$/.test(path)) return 'session';
  // The chat core, and what renders its lines (loaded with it: lines exist only once it is; they
  // are given lit's html by the element, as a chunk that imported lit would take lit along).
  if (/\/dist\/lib\/(chat\/|components\/chat\/(chat-parts|chat-host|chat-door|chat-announcements|entries|entry|file-status|image-previews)\.js$)/.test(path)) return 'chat';
  // What <rtc-call> shows and does only in a call (in-call.ts), loaded beside the session; it takes
  // lit and what it shares with the lobby from the element (call-kit.ts), as a chunk that imported
  // them would take them along.
  if (/\/dist\/lib\/components\/call\/(in-call|stage|stage\.styles|stage-state|controls|bar-fit|bar-panel|keyboard|layout|place|video-watch|camera-sizes|speaker-cues|quality-signs|playback|wake-lock|reactions)\.js$/.test(path)) return 'call';
  const language = /\/dist\/lib\/i18n\/(de|fr)\.js$/.exec(path);
  if (language) return `lang-${language[1]}`;
  if (/\/dist\/lib\/media\/quality\.js$/.test(path)) return 'quality';
  return undefined;
}

export default {
  input: { 'rtc-elements': 'dist/lib/bundle.js' },
  output: {
    dir: 'dist',
    format: 'es',
    sourcemap: true,
    entryFileNames: '[name].js',
    chunkFileNames: 'rtc-elements-[name]-[hash].js',
    manualChunks: chunkOf,
  },
  // lit's dev-mode warnings stay out of the production bundle (the `production` condition).
  plugins: [
    peerjsSlim(),
    minifyTemplates(),
    // A chunk that once came as a login page loads on the next try, under another URL.
    retryImports(),
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
