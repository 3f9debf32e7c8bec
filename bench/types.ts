/** One measured figure. */
export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The goal, for the report, e.g. "< 1000 ms". */
  readonly target?: string;
}

/** Runs `fn` `runs` times after one warm-up and returns the median wall time in ms. */
export async function medianMs(
  fn: () => unknown,
  runs: number,
): Promise<{ medianMs: number; firstMs: number }> {
  const firstStart = performance.now();
  await fn();
  const firstMs = performance.now() - firstStart;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)] ?? firstMs, firstMs };
}
