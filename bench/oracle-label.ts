/** The label a bench table gives a violation: its kind, and the detection, cause or rule under it. */
import type { Violation } from "wakesim";

export function oracleLabel(v: Violation): string {
  switch (v.kind) {
    case "lost-wakeup":
      return `lost-wakeup (${[v.detection, ...new Set(v.stuck.map((x) => x.diagnosis))].join(", ")})`;
    case "starvation":
      return `starvation (${v.cause})`;
    case "contract":
      return `contract (${v.rule})`;
    default:
      return v.kind;
  }
}
