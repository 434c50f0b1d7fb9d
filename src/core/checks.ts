/**
 * The option checks every floor uses: each bad value fails with an OptionError that names the
 * option, what was wrong and what is accepted.
 */
import { OptionError } from "./errors.js";

/** Checks a non-negative (or ≥ min) integer option; used for durations and bounds everywhere. */
export function checkInt(name: string, v: unknown, min: number): number {
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new OptionError(name, `expected an integer${/ticks/i.test(name) ? " number of ticks" : ""}, got ${describe(v)}`);
  }
  if (v < min) throw new OptionError(name, `must be ≥ ${min}, got ${v}`);
  return v;
}

export function checkBool(name: string, v: unknown): boolean {
  if (typeof v !== "boolean") throw new OptionError(name, `expected true or false, got ${describe(v)}`);
  return v;
}

export function checkProbability(name: string, v: unknown): number {
  if (typeof v !== "number" || !(v >= 0 && v <= 1)) throw new OptionError(name, `expected a probability between 0 and 1, got ${describe(v)}`);
  return v;
}

/** How a bad value reads in a message: strings quoted, objects and arrays by shape. */
export function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "object" && v !== null) return Array.isArray(v) ? "an array" : "an object";
  return String(v);
}
