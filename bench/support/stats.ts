// Figures the benches print over rounds and samples.

/** The median: with an even count, the mean of the two middle values (never the upper one, which reads high). NaN for none. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Rounded to two decimals, as the benches print figures. */
export const r2 = (n: number): number => Math.round(n * 100) / 100;

/** Median, min and max of a figure over rounds, each rounded to two decimals. */
export const stat = (xs: readonly number[]) => ({ median: r2(median(xs)), min: r2(Math.min(...xs)), max: r2(Math.max(...xs)) });
