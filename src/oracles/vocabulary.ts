/**
 * The vocabulary of violations: how each part of wakesim names the oracle a violation came from.
 * One place derives a violation's sub-kind and its diagnoses; the shrinker's signature, the
 * CLI's corpus/JSON name, the report's headline detail, the explanations and the tests' and
 * bench's labels are all spelled from these.
 *
 * Invariants:
 *  1. The sub-kind is the one field under `kind` that says which check fired: a lost wakeup's
 *     detection, a starvation's or nondeterminism's cause, a contract's rule; null for the rest.
 *  2. The strings are stable: they end up in replay corpora and JSON output, so a renaming is a
 *     format change.
 */
import type { StuckDiagnosis, Violation } from "./violation.js";

/** A lost wakeup's detection, a starvation's or nondeterminism's cause, a contract's rule; null for other kinds. */
export function violationSubKind(v: Violation): string | null {
  switch (v.kind) {
    case "lost-wakeup":
      return v.detection;
    case "starvation":
    case "nondeterminism":
      return v.cause;
    case "contract":
      return v.rule;
    default:
      return null;
  }
}

/** A lost wakeup's distinct stuck-task diagnoses, in order of first appearance ([] for other kinds). */
export function stuckDiagnoses(v: Violation): StuckDiagnosis[] {
  return v.kind === "lost-wakeup" ? [...new Set(v.stuck.map((s) => s.diagnosis))] : [];
}

/**
 * The oracle a violation comes from, with its sub-kind: what must keep firing while shrinking
 * ("starvation:reactor", "lost-wakeup"). A lost wakeup's detection is left out: a shorter
 * schedule may catch the same lost wakeup earlier (at the poll instead of at quiescence).
 */
export function oracleSignature(v: Violation): string {
  const sub = v.kind === "lost-wakeup" ? null : violationSubKind(v);
  return sub === null ? v.kind : `${v.kind}:${sub}`;
}

/**
 * Which oracle a failure came from, as the CLI's corpus and JSON output name it: the kind, the
 * sub-kind, and a diagnosis that tells failures of one oracle apart without the run-specific
 * details (step numbers, task counts) that vary from one schedule to the next.
 */
export interface OracleName {
  readonly kind: string;
  readonly sub: string | null;
  readonly diagnosis: string;
}

export function oracleOf(v: Violation): OracleName {
  return { kind: v.kind, sub: violationSubKind(v), diagnosis: diagnosisOf(v) };
}

function diagnosisOf(v: Violation): string {
  switch (v.kind) {
    case "lost-wakeup":
      return stuckDiagnoses(v).sort().join("+");
    case "nondeterminism":
      return v.api ?? "";
    case "invariant":
      return v.invariant;
    case "liveness":
      return v.monitor;
    case "panic":
      // The error's first line, numbers blanked (they often carry run-specific values).
      return (v.error.split("\n", 1)[0] ?? "").replace(/\d+/g, "#");
    default:
      return "";
  }
}

/** "lost-wakeup (quiescence: waker-held-never-woken)", "starvation (reactor)", "panic". */
export function oracleLabel(o: OracleName): string {
  const inner = [o.sub, o.diagnosis].filter((x): x is string => x !== null && x !== "").join(": ");
  return inner === "" ? o.kind : `${o.kind} (${inner})`;
}
