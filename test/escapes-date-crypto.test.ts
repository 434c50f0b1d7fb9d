/**
 * Escapes that the first traps missed: `Date()` called without `new` (it returns the current time
 * as a string; the trap used to be a class, and calling it panicked the task), and node:crypto's
 * own random functions (only globalThis.crypto was trapped).
 */
import * as nodeCrypto from "node:crypto";
import { randomInt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ready, Sim, type Context, type Outcome, type Poll, type Violation } from "wakesim";

function calling<T>(body: () => T): { poll(cx: Context): Poll<T> } {
  return { poll: () => ready(body()) };
}

/** Runs `body` in one poll of task 'escaper'; the outcome and what the body returned. */
function runCalling<T>(body: () => T, seed = 3): { out: Outcome; value: T | undefined } {
  const sim = new Sim({ seed });
  let value: T | undefined;
  sim.spawn(calling(() => (value = body())), { name: "escaper" });
  return { out: sim.run(), value };
}

function masked(v: Violation | undefined): string {
  if (v === undefined) return "(no violation)";
  return v.kind === "nondeterminism" && v.callSite !== null ? v.message.replace(v.callSite, "<callSite>") : v.message;
}

const REAL_DATE = Date;
const REAL_CRYPTO = { randomInt: nodeCrypto.randomInt, randomBytes: nodeCrypto.randomBytes, randomUUID: nodeCrypto.randomUUID };

describe("Date() without new", () => {
  it("is reported as an escape, not a panic, and answers the virtual time as a string", () => {
    const { out, value } = runCalling(() => Date());
    expect(out.violations).toMatchObject([{ kind: "nondeterminism", cause: "escape", api: "Date", tasks: ["escaper"] }]);
    expect(masked(out.violations[0])).toMatchInlineSnapshot(
      `"Date() was called during a poll of task 'escaper' at <callSite>: real time, randomness and event-loop callbacks make a run unrepeatable. Use the simulation's clock (sim.now, sleep) and its faults instead"`,
    );
    expect(value).toBe(new REAL_DATE(0).toString());
    expect(Date).toBe(REAL_DATE);
  });

  it("leaves dates built from arguments real, instanceof and the statics working", () => {
    const { out, value } = runCalling(() => {
      const d = new Date(2020, 0, 2);
      return [d.getFullYear(), d instanceof Date, d instanceof REAL_DATE, Date.UTC(2020, 0, 1), Date.parse("2020-01-01T00:00:00Z"), new Date(5).getTime()];
    });
    expect(out.ok).toBe(true);
    expect(value).toEqual([2020, true, true, 1577836800000, 1577836800000, 5]);
  });
});

describe("node:crypto", () => {
  const CALLS: readonly { api: string; call: () => unknown }[] = [
    { api: "crypto.randomInt", call: () => nodeCrypto.randomInt(10, 1000) },
    { api: "crypto.randomInt", call: () => randomInt(1000) }, // the named import follows the patch too
    { api: "crypto.randomBytes", call: () => nodeCrypto.randomBytes(8).toString("hex") },
    { api: "crypto.randomFillSync", call: () => Array.from(nodeCrypto.randomFillSync(new Uint8Array(4))) },
    { api: "crypto.randomUUID", call: () => nodeCrypto.randomUUID() },
    { api: "crypto.getRandomValues", call: () => Array.from(nodeCrypto.getRandomValues(new Uint8Array(4))) },
  ];

  it.each(CALLS)("reports $api called inside a poll, and answers the same for the same seed", ({ api, call }) => {
    const a = runCalling(call);
    const b = runCalling(call);
    expect(a.out.violations).toMatchObject([{ kind: "nondeterminism", cause: "escape", api, tasks: ["escaper"] }]);
    expect(a.value).toEqual(b.value);
  });

  it("keeps randomInt's range", () => {
    for (let seed = 0; seed < 20; seed++) {
      const { value } = runCalling(() => [nodeCrypto.randomInt(10, 13), nodeCrypto.randomInt(2)], seed);
      expect(value![0]).toBeGreaterThanOrEqual(10);
      expect(value![0]).toBeLessThan(13);
      expect([0, 1]).toContain(value![1]);
    }
  });

  it("swallows the callback forms (they would run on the real event loop) and reports them", () => {
    let called = 0;
    const sim = new Sim({ seed: 1, stopOnViolation: false });
    sim.spawn(calling(() => {
      nodeCrypto.randomBytes(4, () => called++);
      nodeCrypto.randomInt(5, () => called++);
      nodeCrypto.randomFill(new Uint8Array(4), () => called++);
    }), { name: "escaper" });
    const all = sim.run();
    expect(all.violations.map((v) => (v.kind === "nondeterminism" ? v.api : v.kind))).toEqual(["crypto.randomBytes", "crypto.randomInt", "crypto.randomFill"]);
    expect(called).toBe(0);
  });

  it("answers with the real functions after the run, named imports included (the exports stay wrapped: escape-traps.ts rule 1)", () => {
    runCalling(() => nodeCrypto.randomInt(3));
    expect(nodeCrypto.randomBytes(16).toString("hex")).not.toBe(nodeCrypto.randomBytes(16).toString("hex"));
    expect(nodeCrypto.randomUUID()).not.toBe(nodeCrypto.randomUUID());
    // Real randomness through the named import too: 40 draws of 1000 are not all the trap's seeded answers.
    const draws = new Set(Array.from({ length: 40 }, () => randomInt(1000)));
    expect(draws.size).toBeGreaterThan(30);
    const again = new Set(Array.from({ length: 40 }, () => randomInt(1000)));
    expect([...again].join()).not.toBe([...draws].join());
    // And inside the next run the named import is trapped again.
    const { out } = runCalling(() => randomInt(3));
    expect(out.violations.map((v) => (v.kind === "nondeterminism" ? v.api : v.kind))).toEqual(["crypto.randomInt"]);
  });
});
