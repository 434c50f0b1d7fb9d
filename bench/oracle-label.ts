/** The label a bench table gives a violation: its kind, and the detection, cause or rule under it. */
import type { Violation } from "wakesim";
import { stuckDiagnoses, violationSubKind } from "wakesim/report";

export function oracleLabel(v: Violation): string {
  // The tables name a nondeterminism by its kind alone, as their published figures always have.
  const sub = v.kind === "nondeterminism" ? null : violationSubKind(v);
  return sub === null ? v.kind : `${v.kind} (${[sub, ...stuckDiagnoses(v)].join(", ")})`;
}
