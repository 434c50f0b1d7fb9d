/**
 * The CLI's report of one outcome: the full failure report (src/trace/report.ts) with the
 * replay command filled in from how the CLI was invoked.
 */
import type { Scenario } from "../sim/scenario.js";
import type { Outcome } from "../sim/outcome.js";
import type { SimOptions } from "../sim/config.js";
import { formatReport, type ReportContext } from "../trace/report.js";

export interface FormatContext {
  /** How the user runs wakesim here ("npx wakesim", or the repo's "npm run wakesim --"). */
  command: string;
  file: string;
  options: SimOptions;
  seed?: number;
  runs?: number;
  /** ANSI colour (default false). */
  color?: boolean;
}

export function formatOutcome(s: Scenario, out: Outcome, ctx: FormatContext): string {
  const o = ctx.options;
  // Only the options a replay token is checked against need repeating on the command line.
  const flags = [
    o.executor !== undefined && typeof o.executor === "string" ? ` --executor ${o.executor}` : "",
    // Fault kinds are carried by the token itself.
  ].join("");
  const rc: ReportContext = {
    scenario: s.name,
    command: ctx.command,
    file: ctx.file,
    flags,
    ...(ctx.seed !== undefined ? { seed: ctx.seed } : {}),
    ...(ctx.runs !== undefined ? { runs: ctx.runs } : {}),
    ...(ctx.color !== undefined ? { color: ctx.color } : {}),
  };
  return formatReport(out, rc);
}
