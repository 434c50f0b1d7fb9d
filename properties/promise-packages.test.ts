/**
 * npm concurrency packages, unmodified, as fast-check properties (simPropertyAsync): every correct
 * usage in fixtures/promise/ holds for every generated schedule and fault plan; a misuse
 * (p-limit's job that never settles) and async-mutex 0.4.1's crowd-out are found, reported with
 * the stuck task and the line it is parked at, and their token replays the same trace.
 * Soak mode: WAKESIM_SOAK=<runs> runs that many schedules per scenario.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { replayAsync, simPropertyAsync, SimPropertyError, type Scenario } from "wakesim";
import { formatTrace } from "wakesim/trace";
import { heavyWaiter041, heavyWaiter050 } from "../fixtures/promise/heavy-waiter.js";
import * as pk from "../fixtures/promise/packages.js";

const RUNS = Number(process.env.WAKESIM_SOAK ?? 400);
const SEED = Number(process.env.WAKESIM_SEED ?? 0);

const CORRECT: readonly Scenario[] = [pk.asyncLockCorrect, pk.asyncSemaCorrect, pk.pLimitCorrect, heavyWaiter050];

/** The line of `file` (under fixtures/promise/) holding `marker`, as the report prints it. */
function lineOf(file: string, marker: string): string {
  const lines = readFileSync(fileURLToPath(new URL(`../fixtures/promise/${file}`, import.meta.url)), "utf8").split("\n");
  return `fixtures/promise/${file}:${lines.findIndex((l) => l.includes(marker)) + 1}:`;
}

describe("npm packages as properties over schedules and faults", () => {
  it.each(CORRECT.map((s) => [s.name, s] as const))(`%s holds for ${RUNS} generated schedules and fault plans`, async (_name, s) => {
    const r = await fc.check(simPropertyAsync(s, { faults: "generated" }), { seed: SEED, numRuns: RUNS });
    expect(r.failed, r.failed ? String(r.errorInstance) : "").toBe(false);
    expect(r.numRuns).toBe(RUNS);
  }, 120_000);

  const FOUND: readonly [Scenario, string, string, string][] = [
    [pk.pLimitMisuse, "lost-wakeup", "job-0", lineOf("packages.ts", "// a request with no timeout")],
    [heavyWaiter041, "step-limit", "heavy", lineOf("heavy-waiter.ts", "await sem.runExclusive(() => {}, 2)")],
  ];
  const found = FOUND.map(([s, kind, task, line]) => [`${s.name} is found (${kind}), naming '${task}' parked at its await, and replays exactly`, s, kind, task, line] as const);
  it.each(found)("%s", async (_title, s, kind, task, line) => {
    const r = await fc.check(simPropertyAsync(s, { faults: "generated" }), { seed: SEED, numRuns: RUNS });
    expect(r.failed).toBe(true);
    const err = r.errorInstance as SimPropertyError;
    expect(err, String(err)).toBeInstanceOf(SimPropertyError);
    expect(err.outcome.violations[0]!.kind, err.message).toBe(kind);
    expect(err.message).toContain(`'${task}'`);
    expect(err.message).toContain(line);
    const [, schedule, faults] = r.counterexample!;
    expect(schedule.filter((c) => c !== 0), "shrunk to the default schedule: neither bug needs an unusual interleaving").toEqual([]);
    expect(faults).toEqual([]);
    const again = await replayAsync(s, err.outcome.token);
    expect(formatTrace(again.trace!)).toBe(formatTrace(err.outcome.trace!));
  }, 120_000);
});
