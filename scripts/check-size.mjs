// Fails when the script-tag bundle outgrows its budget: every byte is paid by every visitor of
// every page that embeds rtc-elements. Deterministic, so CI checks it (timings are not).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET_GZIP = 40_000;
const code = readFileSync(new URL('../dist/rtc-elements.js', import.meta.url));
const gzip = gzipSync(code).length;
const line = `dist/rtc-elements.js: ${code.length} bytes, ${gzip} bytes gzip (budget ${BUDGET_GZIP})`;
if (gzip > BUDGET_GZIP) {
  console.error(`${line}: over budget by ${gzip - BUDGET_GZIP} bytes`);
  process.exit(1);
}
console.log(line);
