/** Summaries of samples, as wphost's own `summarize` makes them. */

/** A nearest-rank summary of samples. */
export interface Summary {
  n: number;
  min: number;
  median: number;
  p90: number;
  max: number;
}

/** Nearest-rank summary, the formula wphost's own `summarize` uses. */
export function summarize(xs: number[]): Summary {
  if (xs.length === 0) throw new Error("no samples");
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.floor(q * (s.length - 1) + 0.5)];
  return { n: s.length, min: s[0], median: at(0.5), p90: at(0.9), max: s[s.length - 1] };
}

/** The nearest-rank median. */
export function median(xs: number[]): number {
  return summarize(xs).median;
}
