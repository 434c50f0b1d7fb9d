/**
 * Determinism check: a run is a pure function of (scenario, options, choices), so running the
 * same choices again must give the same trace, byte for byte. When it does not, something outside
 * the simulation leaked in (state kept between runs, real time or randomness the traps could not
 * see). The violation shows the first diverging trace line of both runs side by side.
 */
import type { Violation } from "./violation.js";
import { formatEvent, type TraceEvent } from "../trace/event.js";

/** Compares two traces; returns a divergence violation, or null when they are identical. */
export function compareTraces(first: readonly TraceEvent[], second: readonly TraceEvent[]): Violation | null {
  const n = Math.max(first.length, second.length);
  for (let i = 0; i < n; i++) {
    const a = first[i];
    const b = second[i];
    const la = a === undefined ? "(run ended)" : formatEvent(a);
    const lb = b === undefined ? "(run ended)" : formatEvent(b);
    if (la === lb) continue;
    const step = (a ?? b)!.step;
    const context: string[] = [];
    for (let k = Math.max(0, i - 3); k < i; k++) context.push(formatEvent(first[k]!));
    // Context lines (identical in both runs) once each; then the diverging pair in full, one
    // above the other, so the difference is never cut off however long the lines are.
    const rows = context.map((l) => `    ${l}`);
    rows.push(`  > first run: ${la}`, `  > rerun:     ${lb}`);
    const tasks = [a, b].flatMap((e) => (e !== undefined && "task" in e && typeof e.task === "string" ? [e.task] : []));
    return {
      kind: "nondeterminism",
      cause: "divergence",
      api: null,
      callSite: null,
      tasks: [...new Set(tasks)],
      step,
      time: a !== undefined && "time" in a ? a.time : 0,
      message:
        `rerunning the same choices gave a different trace from event ${i} (step ${step}) on: the run depends on something outside the simulation ` +
        `(state kept between runs, real time or randomness). The last events both runs shared, then where they part:\n` +
        rows.join("\n"),
    };
  }
  return null;
}
