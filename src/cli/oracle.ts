/**
 * Which oracle a failure came from, as the corpus and the JSON output name it: the violation's
 * kind, its sub-kind (how a lost wakeup was detected, a starvation's cause, a contract's rule),
 * and a diagnosis that tells failures of one oracle apart without the run-specific details
 * (step numbers, task counts) that vary from one schedule to the next.
 */
import type { Violation } from "../oracles/violation.js";

export interface OracleName {
  readonly kind: string;
  readonly sub: string | null;
  readonly diagnosis: string;
}

export function oracleOf(v: Violation): OracleName {
  switch (v.kind) {
    case "lost-wakeup":
      return { kind: v.kind, sub: v.detection, diagnosis: [...new Set(v.stuck.map((s) => s.diagnosis))].sort().join("+") };
    case "starvation":
      return { kind: v.kind, sub: v.cause, diagnosis: "" };
    case "contract":
      return { kind: v.kind, sub: v.rule, diagnosis: "" };
    case "nondeterminism":
      return { kind: v.kind, sub: v.cause, diagnosis: v.api ?? "" };
    case "invariant":
      return { kind: v.kind, sub: null, diagnosis: v.invariant };
    case "liveness":
      return { kind: v.kind, sub: null, diagnosis: v.monitor };
    case "panic":
      // The error's first line, numbers blanked (they often carry run-specific values).
      return { kind: v.kind, sub: null, diagnosis: (v.error.split("\n", 1)[0] ?? "").replace(/\d+/g, "#") };
    default:
      return { kind: v.kind, sub: null, diagnosis: "" };
  }
}

/** "lost-wakeup (quiescence: waker-held-never-woken)", "starvation (reactor)", "panic". */
export function oracleLabel(o: OracleName): string {
  const inner = [o.sub, o.diagnosis].filter((x): x is string => x !== null && x !== "").join(": ");
  return inner === "" ? o.kind : `${o.kind} (${inner})`;
}
