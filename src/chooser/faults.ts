/**
 * The fault and chooser options: which fault kinds a run may inject (`faults`), and the check of
 * a user's chooser.
 */
import { describe } from "../core/checks.js";
import { closest, OptionError } from "../core/errors.js";
import { FAULT_KINDS, type Chooser, type FaultKind } from "./chooser.js";

export type FaultSpec = "all" | "none" | readonly FaultKind[] | Partial<Record<FaultKind, boolean>>;

const NO_FAULTS: ReadonlySet<FaultKind> = new Set();
const ALL_FAULTS: ReadonlySet<FaultKind> = new Set(FAULT_KINDS);

/** Checks the `chooser` option (undefined: the Sim makes a seeded one). */
export function checkChooser(c: Chooser | undefined): Chooser | undefined {
  if (c !== undefined && typeof c?.choose !== "function") {
    throw new OptionError("chooser", "expected an object with choose(n, kind) and a name");
  }
  return c;
}

export function checkFaults(f: FaultSpec): ReadonlySet<FaultKind> {
  // Shared sets: they are never mutated, and a fresh Sim per run must stay cheap.
  if (f === "all") return ALL_FAULTS;
  if (f === "none") return NO_FAULTS;
  const list: string[] = Array.isArray(f) ? [...f] : Object.entries(f as object).filter(([, on]) => on === true).map(([k]) => k);
  if (!Array.isArray(f)) {
    for (const [k, on] of Object.entries(f as object)) {
      if (typeof on !== "boolean") throw new OptionError(`faults.${k}`, `expected true or false, got ${describe(on)}`);
    }
  }
  const keys = Array.isArray(f) ? list : Object.keys(f as object);
  for (const k of keys) {
    if (!(FAULT_KINDS as readonly string[]).includes(k)) {
      const hint = closest(k, FAULT_KINDS);
      throw new OptionError("faults", `unknown fault kind '${k}'${hint ? ` — did you mean '${hint}'?` : "."} Known: ${FAULT_KINDS.join(", ")}.`);
    }
  }
  return new Set(list as FaultKind[]);
}
