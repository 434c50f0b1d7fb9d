/**
 * A plain-text report of one outcome: what happened, how to reproduce it, and the trace.
 * (The full report with diagnosis hints and per-task lanes comes with the oracles.)
 */
import type { Scenario } from "../sim/scenario.js";
import type { Outcome } from "../sim/outcome.js";
import type { SimOptions } from "../sim/config.js";
import { formatTrace } from "../trace/event.js";

export interface FormatContext {
  /** How the user runs wakesim here ("npx wakesim", or the repo's "npm run wakesim --"). */
  command: string;
  file: string;
  options: SimOptions;
  seed?: number;
  runs?: number;
}

export function formatOutcome(s: Scenario, out: Outcome, ctx: FormatContext): string {
  const lines: string[] = [];
  if (out.ok) {
    lines.push(`${s.name}: ok — ${out.status} after ${out.steps} steps, t=${out.time}`);
  } else {
    lines.push(`${s.name}: FAILED${ctx.runs !== undefined ? ` on run ${ctx.runs}` : ""}${ctx.seed !== undefined ? ` (seed ${ctx.seed})` : ""}`);
    for (const v of out.violations) lines.push("", `[${v.kind}] ${v.message}`);
  }
  const flags = [
    ctx.options.executor !== undefined ? ` --executor ${String(ctx.options.executor)}` : "",
    ctx.options.faults !== undefined ? ` --faults ${Array.isArray(ctx.options.faults) ? ctx.options.faults.join(",") : String(ctx.options.faults)}` : "",
  ].join("");
  lines.push("", "reproduce:", `  ${ctx.command} replay ${ctx.file} ${out.token}${flags}`);
  if (out.trace !== null) {
    lines.push("", `trace (${out.trace.length} events):`);
    lines.push(...formatTrace(out.trace).trimEnd().split("\n").map((l) => `  ${l}`));
  }
  return lines.join("\n");
}
