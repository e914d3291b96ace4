// Summaries of repeated measurements: median, spread and the ratio of medians. Absolute times
// drift on a shared machine, so every comparison is read as a ratio within one run.

/** The q-quantile (0..1) of numbers, by linear interpolation between closest ranks. */
export function quantile(values, q) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

export const median = (values) => quantile(values, 0.5);

/** Median, quartiles, extremes and count of a set of samples. */
export function summary(values) {
  const ok = values.filter(Number.isFinite);
  return {
    n: ok.length,
    median: median(ok),
    p25: quantile(ok, 0.25),
    p75: quantile(ok, 0.75),
    p95: quantile(ok, 0.95),
    min: ok.length ? Math.min(...ok) : NaN,
    max: ok.length ? Math.max(...ok) : NaN,
    samples: ok.map((v) => round(v, 3)),
  };
}

export const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN);

export function round(value, digits = 1) {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** "312 ms (298–340, IQR 305–320)" */
export function describe(s, unit = 'ms', digits = 0) {
  if (!s || !s.n) return 'n/a';
  const f = (v) => round(v, digits).toLocaleString('en-US', { maximumFractionDigits: digits });
  return `${f(s.median)} ${unit} (${f(s.min)}–${f(s.max)}, IQR ${f(s.p25)}–${f(s.p75)}, n=${s.n})`;
}
