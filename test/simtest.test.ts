import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { asyncBlock, defineScenario, FutureBase, PENDING, ready, simProperty, SimPropertyError, WakerSlot, type Context, type Poll } from "wakesim";
import { simTest } from "wakesim/vitest";
import { spin } from "./helpers.js";

// A passing simTest registers an ordinary vitest test.
simTest("two spinners never fail", defineScenario({ name: "spinners", setup(sim) {
  sim.spawn(spin(3, 0), { name: "a" });
  sim.spawn(spin(3, 0), { name: "b" });
} }), { runs: 300 });

const root = fileURLToPath(new URL("..", import.meta.url));

/** Runs one file of test/simtest-fixtures (tests that fail on purpose) in a child vitest. */
function runFixture(file: string, env: Record<string, string> = {}): { code: number; out: string } {
  try {
    const out = execFileSync(process.execPath, [fileURLToPath(new URL("../node_modules/vitest/vitest.mjs", import.meta.url)), "run", "--config", "test/simtest-fixtures/vitest.config.ts", `test/simtest-fixtures/${file}`], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, CI: "true", NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { code: 0, out };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { code: err.status, out: err.stdout + err.stderr };
  }
}

describe("simTest", () => {
  it("fails with the report, points at the user's simTest line, prints the seed and the replay command", () => {
    const { code, out } = runFixture("failing.simtest.ts");
    expect(code).toBe(1);
    expect(out).toContain("FAILED — lost wakeup");
    expect(out).toContain("wakesim: 'the buggy notify never loses a wakeup' (scenario example-buggy-notify) seed=0");
    expect(out).toMatch(/failing\.simtest\.ts:5:1/); // the simTest(...) call
    expect(out).toMatch(/Tests +1 failed \| 1 passed \(2\)/);
    const token = /WAKESIM_REPLAY=(ws1\.[A-Za-z0-9_-]+)/.exec(out)?.[1];
    expect(token).toBeDefined();
    expect(out).toContain(`WAKESIM_REPLAY=${token!} npx vitest run -t "the buggy notify never loses a wakeup"`);
    // The printed command reruns exactly that schedule, with the full trace.
    const again = runFixture("failing.simtest.ts", { WAKESIM_REPLAY: token! });
    expect(again.code).toBe(1);
    expect(again.out).toContain("Timeline");
    expect(again.out).toContain(token!);
    // The token applies only to the test whose scenario it names, even without -t: the other
    // simTest explores its own scenario as usual and passes.
    expect(again.out).toMatch(/Tests +1 failed \| 1 passed \(2\)/);
    expect(again.out).not.toContain("recorded for scenario");
    // A damaged token names no test: every simTest says so.
    const bad = runFixture("failing.simtest.ts", { WAKESIM_REPLAY: "ws1.not*base64" });
    expect(bad.out).toMatch(/Tests +2 failed \(2\)/);
    expect(bad.out).toContain("SimTestFailure: WAKESIM_REPLAY: replay token is damaged: it contains characters outside base64url (was it cut or wrapped when copied?)");
  }, 60_000);

  it("explores a scenario with async tasks (exploreAsync), fails with the report naming the await, and replays its token", () => {
    const { code, out } = runFixture("async.simtest.ts");
    expect(code).toBe(1);
    expect(out).toContain("FAILED — step limit");
    expect(out).toMatch(/heavy: parked since its poll 1 .*parked at fixtures\/promise\/heavy-waiter\.ts:\d+/);
    // A future whose poll spawns an async task: explored async (its first run says so), its bug found.
    expect(out).toContain("poll-spawns-async: FAILED — task 'checker' panicked: Error: b before a");
    expect(out).toMatch(/Tests +2 failed \| 1 passed \(3\)/);
    const token = /WAKESIM_REPLAY=(ws1\.[A-Za-z0-9_-]+)/.exec(out)?.[1];
    expect(token).toBeDefined();
    const again = runFixture("async.simtest.ts", { WAKESIM_REPLAY: token! });
    expect(again.out).toContain("Timeline");
    expect(again.out).toMatch(/Tests +2 failed \| 1 passed \(3\)/);
  }, 60_000);

  it("a failing simProperty prints the report and the token, not the outcome object", () => {
    const { code, out } = runFixture("property.simtest.ts");
    expect(code).toBe(1);
    expect(out).toContain("Caused by: SimPropertyError: example-buggy-notify: FAILED — lost wakeup: 'waiter' is stuck pending (waker held, never woken)");
    expect(out).toContain("Timeline");
    const serialized = out.split("\n").filter((l) => l.startsWith("Serialized Error"));
    expect(serialized).toMatchInlineSnapshot(`
      [
        "Serialized Error: { token: 'ws1.vtOImQcACmZhc3QtY2hlY2sUZXhhbXBsZS1idWdneS1ub3RpZnkBAQ' }",
      ]
    `);
    // The report with its timeline is ~4 KB; the outcome object printed after it was ~31 KB.
    expect(out.length).toBeLessThan(8_000);
  }, 60_000);

  it("a failing simPropertyAsync prints the report, with replayAsync, and the token", () => {
    const { code, out } = runFixture("async-property.simtest.ts");
    expect(code).toBe(1);
    expect(out).toContain("Caused by: SimPropertyError: p-limit-never-settles: FAILED — lost wakeup: 'job-0' is stuck pending");
    expect(out).toMatch(/in code: {2}await replayAsync\(scenario, "ws1\.[\w-]+"\)/);
    expect(out).toContain("Timeline");
    expect(out.split("\n").filter((l) => l.startsWith("Serialized Error"))).toHaveLength(1);
    expect(out.length).toBeLessThan(16_000); // the report (~11 KB, six lanes), no outcome object
  }, 60_000);
});

/**
 * A bounded channel whose senders share ONE waker slot (the bug): a second blocked sender
 * overwrites the first one's waker, which is then never woken.
 */
function channel(w: { producers: number; capacity: number }) {
  return defineScenario({
    name: `chan-${w.producers}x${w.capacity}`,
    setup(sim) {
      const queue: number[] = [];
      const senders = new WakerSlot();
      const receiver = new WakerSlot();
      const send = (v: number) => new (class extends FutureBase<void> {
        poll(cx: Context): Poll<void> {
          if (queue.length < w.capacity) {
            queue.push(v);
            receiver.wake();
            return ready();
          }
          senders.register(cx); // BUG: one slot for every blocked sender
          return PENDING;
        }
      })();
      const recv = () => new (class extends FutureBase<number> {
        poll(cx: Context): Poll<number> {
          const v = queue.shift();
          if (v !== undefined) {
            senders.wake();
            return ready(v);
          }
          receiver.register(cx);
          return PENDING;
        }
      })();
      for (let p = 0; p < w.producers; p++) {
        sim.spawn(asyncBlock(function* () {
          yield* send(p * 10);
          yield* send(p * 10 + 1);
        }), { name: `producer${p}` });
      }
      sim.spawn(asyncBlock(function* () {
        for (let i = 0; i < w.producers * 2; i++) yield* recv();
      }), { name: "consumer" });
    },
  });
}

describe("simProperty", () => {
  it("shrinks the workload and the schedule together to the minimal failing pair", () => {
    const workload = fc.record({ producers: fc.integer({ min: 1, max: 6 }), capacity: fc.integer({ min: 1, max: 4 }) });
    const r = fc.check(simProperty(channel, { inputs: workload }), { seed: 42, numRuns: 1000 });
    expect(r.failed).toBe(true);
    const [w, schedule] = r.counterexample!;
    expect(w).toEqual({ producers: 2, capacity: 1 }); // the smallest workload that can lose a wake
    expect(schedule.filter((c) => c !== 0).length).toBeLessThanOrEqual(2);
    expect(r.errorInstance).toBeInstanceOf(SimPropertyError);
    expect((r.errorInstance as Error).message).toContain("lost wakeup");
  });

  it("passes a correct scenario for every generated schedule", () => {
    const ok = fc.check(simProperty(defineScenario({ name: "ok", setup(sim) {
      sim.spawn(spin(2, 0));
      sim.spawn(spin(2, 0));
    } }), { faults: "generated" }), { seed: 1, numRuns: 300 });
    expect(ok.failed).toBe(false);
  });
});
