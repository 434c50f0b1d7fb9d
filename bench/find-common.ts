/**
 * What bench/find.ts and bench/find-async.ts share: a sample of runs-to-first-failure, its
 * statistics, fast-check's runs on a scheduler property, and the table's row format.
 */
import fc from "fast-check";
import { performance } from "node:perf_hooks";

export interface Sample {
  /** Runs to the first failure, or the cap (or the runs made, for exhaustive) on a miss. */
  runs: number;
  found: boolean;
  ms: number;
  /** The oracle that fired (violation kind, or the fast-check error's first words). */
  oracle: string | null;
  /** Exhaustive only: the bounded space was explored entirely. */
  exhausted?: boolean;
}

const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
export function median(xs: readonly number[]): number {
  const s = sorted(xs);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
/** Nearest-rank percentile. */
export function pct(xs: readonly number[], p: number): number {
  const s = sorted(xs);
  return s[Math.max(0, Math.ceil(p * s.length) - 1)]!;
}

/**
 * fast-check's scheduler on `run` (one property run), through `fc.check(..., { numRuns: cap,
 * seed, endOnFailure: true })`: a failing check's `numRuns` is the run that failed (from 1, as
 * explore's `runs`). An error whose message starts "lost wakeup" is that oracle; any other a panic.
 */
export async function fastCheckOnce(run: (s: fc.Scheduler) => Promise<void>, seed: number, cap: number): Promise<Sample> {
  const t0 = performance.now();
  const r = await fc.check(fc.asyncProperty(fc.scheduler(), run), { numRuns: cap, seed, endOnFailure: true });
  const ms = performance.now() - t0;
  if (!r.failed) return { runs: cap, found: false, ms, oracle: null };
  const msg = r.errorInstance instanceof Error ? r.errorInstance.message : String(r.errorInstance);
  return { runs: r.numRuns, found: true, ms, oracle: msg.startsWith("lost wakeup") ? "lost-wakeup" : "panic" };
}

export const fmtRuns = (v: number, censored: boolean) => (censored ? `≥${v.toLocaleString("en-US")}` : v.toLocaleString("en-US"));

const WIDTHS = [20, 12, 7, 12, 12, 9, 10, 10];
/** One row of a bench:find table: the first two cells left-aligned, the rest right-aligned. */
export function tableLine(cells: readonly string[]): void {
  console.log(cells.map((c, i) => (i < 2 ? c.padEnd(WIDTHS[i]!) : c.padStart(WIDTHS[i]!))).join(" "));
}
/** The header and rule of a table whose ratio column is `ratioName`. */
export function tableHeader(ratioName: string): void {
  tableLine(["bug", "strategy", "found", "median runs", "p90 runs", ratioName, "median ms", "p90 ms"]);
  tableLine(WIDTHS.map((w) => "-".repeat(w)));
}
