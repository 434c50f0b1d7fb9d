/**
 * The CLI's report of one outcome: the full failure report (src/report/report.ts) with the
 * replay command filled in from how the CLI was invoked, and the flags that command repeats.
 */
import type { Scenario } from "../sim/scenario.js";
import type { Outcome } from "../sim/outcome.js";
import type { SimOptions } from "../sim/config.js";
import type { ResidualMissBound } from "../explore/explore.js";
import { formatReport, reportContext } from "../report/report.js";
import { plural, probability } from "./progress.js";

export interface FormatContext {
  /** How the user runs wakesim here ("npx wakesim", or the repo's "npm run wakesim --"). */
  command: string;
  file: string;
  options: SimOptions;
  seed?: number | string;
  runs?: number;
  strategy?: string;
  /** ANSI colour (default false). */
  color?: boolean;
}

/** The flags a replay must repeat: only options the token is checked against (fault kinds travel in the token). */
export function replayFlags(o: SimOptions): string {
  return o.executor !== undefined && typeof o.executor === "string" ? ` --executor ${o.executor}` : "";
}

export function formatOutcome(s: Scenario, out: Outcome, ctx: FormatContext): string {
  const { options, ...parts } = ctx;
  return formatReport(out, reportContext(s.name, { ...parts, flags: replayFlags(options) }));
}

export const firstLine = (s: string): string => s.split("\n", 1)[0] ?? "";

/** Drops ANSI colour codes (for text kept in files and JSON). */
export const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, "");

/**
 * The PCT residual-miss bound as a sentence: the chance that a bug of depth d escaped every clean
 * PCT run (`where`: e.g. " over the shards").
 */
export function missBoundText(g: ResidualMissBound, where = ""): string {
  return (
    `PCT residual-miss bound: a depth-${g.d} bug would have escaped ${plural(g.runs, "clean PCT run")}${where} ` +
    `(n=${plural(g.n, "task")}, k=${plural(g.k, "step")}) with probability ${g.bound < 1e-6 ? "below 0.0001%" : `at most ${probability(g.bound)}`}`
  );
}
