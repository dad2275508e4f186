/**
 * What went wrong in a benchmark run, reported under the table instead of
 * stopping it: figures that could not be measured, and processes that did
 * not shut down cleanly.
 *
 * @module
 */

/** The problems of one run. */
export class Problems {
  /** Figures not measured, each `what: why`. */
  readonly failures: string[] = [];
  /** Processes that did not exit cleanly after their run. */
  readonly hygiene: string[] = [];

  /**
   * Runs one measurement; when it throws, the figure is recorded as not
   * measured (the cell says so, the notes say why) and `undefined` returned.
   */
  async measure<T>(what: string, f: () => Promise<T>): Promise<T | undefined> {
    try {
      return await f();
    } catch (err) {
      const msg = (err instanceof Error ? err.message : String(err)).split("\n")[0];
      this.failures.push(`${what}: ${msg}`);
      console.error(`  ! ${what}: ${msg}`);
      return undefined;
    }
  }
}

/** A measurement of the TS plugin, the Go plugin and (when there is one) the compiled plugin. */
export interface Sides<T> {
  ts?: T;
  go?: T;
  compiled?: T;
}

/** {@linkcode Problems.measure} for each side; `compiled` only when given. */
export async function measureSides<T>(
  problems: Problems,
  what: string,
  run: { ts: () => Promise<T>; go: () => Promise<T>; compiled?: () => Promise<T> },
): Promise<Sides<T>> {
  return {
    ts: await problems.measure(`${what}, TS`, run.ts),
    go: await problems.measure(`${what}, Go`, run.go),
    compiled: run.compiled ? await problems.measure(`${what}, compiled`, run.compiled) : undefined,
  };
}
