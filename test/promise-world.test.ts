import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { asyncFn, defineScenario, explore, exploreAsync, fromPromise, joined, PENDING, ready, replay, replayAsync, runScenarioAsync, Sim, sleep, traceText, type Context, type Outcome, type Poll } from "wakesim";
import { heavyWaiter041, heavyWaiter050 } from "../fixtures/promise/heavy-waiter.js";

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe("the Promise world: async functions as tasks", () => {
  it("runs async tasks to completion on virtual time: timers, Date.now and performance.now read the run's clock", async () => {
    const sim = new Sim({ seed: 1 });
    const log: string[] = [];
    const realStart = Date.now();
    sim.spawn(async function a() {
      log.push(`a start ${Date.now()}`);
      await pause(50);
      log.push(`a after 50 ${Date.now()} ${performance.now()}`);
      await pause(1000);
      log.push(`a after 1050 ${Date.now()}`);
    });
    sim.spawn(async function b() {
      await pause(100);
      log.push(`b after 100 ${Date.now()}`);
    });
    const out = await sim.runAsync();
    expect(out.violations).toEqual([]);
    expect(out.status).toBe("completed");
    expect(log).toEqual(["a start 0", "a after 50 50 50", "b after 100 100", "a after 1050 1050"]);
    expect(sim.now).toBe(1050);
    expect(Date.now() - realStart).toBeLessThan(1000); // virtual: no real second passed
    expect(typeof setTimeout(() => {}, 0)).toBe("object"); // the real timers are back
  });

  it("join handles give the value; a rejection is a panic naming the task", async () => {
    const sim = new Sim({ seed: 1, allowPanics: false });
    const h = sim.spawn(async () => {
      await pause(5);
      return 42;
    }, { name: "answer" });
    sim.spawn(async function failing() {
      await pause(1);
      throw new Error("boom");
    });
    const out = await sim.runAsync();
    expect(h.outcome).toEqual({ kind: "completed", value: 42 });
    expect(out.violations.map((v) => v.kind)).toEqual(["panic"]);
    expect(out.violations[0]!.message).toContain("failing");
  });

  it("an await nobody settles is a lost wakeup at quiescence, naming the task", async () => {
    const sim = new Sim({ seed: 1 });
    sim.spawn(async function waiter() {
      await new Promise<void>(() => {}); // never settled
    });
    const out: Outcome = await sim.runAsync();
    expect(out.status).toBe("quiescent");
    expect(out.violations[0]?.kind).toBe("lost-wakeup");
    expect(out.violations[0]?.message).toContain("waiter");
  });

  it("host timers as Node's: refresh re-arms a fired timer, a cleared one stays cleared, a handle from an earlier run is harmless, the run waits for referenced timers", async () => {
    let kept: ReturnType<typeof setTimeout> | null = null;
    for (let run = 0; run < 2; run++) {
      const sim = new Sim({ seed: 1 });
      const log: string[] = [];
      sim.spawn(async () => {
        if (kept !== null) clearTimeout(kept); // the previous run's handle
        kept = setTimeout(() => log.push("kept"), 50);
        const t = setTimeout(() => log.push(`t at ${Date.now()}`), 5);
        const c = setTimeout(() => log.push("cleared one fired"), 5);
        clearTimeout(c);
        await pause(10);
        t.refresh(); // fired at 5: armed again from 10
        c.refresh(); // cleared: stays cleared
        setTimeout(() => log.push("unref'd"), 500).unref(); // does not hold the run
        await pause(20);
      });
      const out = await sim.runAsync();
      expect(out.violations).toEqual([]);
      expect(log).toEqual(["t at 5", "t at 15", "kept"]);
      expect(sim.now).toBe(50);
    }
  });

  it("a rejection nothing handles is a panic of the run, not a crash of the test run", async () => {
    const sim = new Sim({ seed: 1 });
    sim.spawn(async function forgetful() {
      await pause(2);
      void Promise.reject(new Error("nobody listens")); // not awaited, no catch
      await pause(2);
    });
    const out = await sim.runAsync();
    expect(out.violations.map((v) => v.kind)).toEqual(["panic"]);
    expect(out.violations[0]!.message).toContain("nothing handled it");
    expect(out.violations[0]!.message).toContain("nobody listens");
  });

  it("a rejection in the last step of a run is that run's panic, reported before the run ends", async () => {
    const sim = new Sim({ seed: 1 });
    sim.spawn(async function lastWords() {
      await pause(1);
      void Promise.reject(new Error("as it returns"));
    });
    const out = await sim.runAsync();
    expect(out.violations.map((v) => v.message)).toEqual([expect.stringContaining("as it returns")]);
  });

  it("runs asked for at once take turns: each steps alone, on its own clock and timers, in the order asked", async () => {
    const events: string[] = [];
    const runOf = (name: string, ms: number) => {
      const sim = new Sim({ seed: 1 });
      sim.spawn(async () => {
        events.push(`${name} starts at ${Date.now()}`);
        for (let i = 0; i < 3; i++) await pause(ms);
        events.push(`${name} ends at ${Date.now()}`);
      });
      return sim.runAsync().then((o) => (events.push(`${name} settled`), o));
    };
    const outs = await Promise.all([runOf("a", 7), runOf("b", 3), runOf("c", 5)]);
    expect(outs.map((o) => [o.ok, o.time])).toEqual([[true, 21], [true, 9], [true, 15]]);
    expect(events).toEqual(["a starts at 0", "a ends at 21", "a settled", "b starts at 0", "b ends at 9", "b settled", "c starts at 0", "c ends at 15", "c settled"]);
  });

  it("a synchronous run of async tasks is an error that says what to do", () => {
    const sim = new Sim();
    sim.spawn(async () => {});
    expect(() => sim.run()).toThrow(/await sim.runAsync\(\)/);
  });

  it("microtasks and process.nextTick run for real, in the engine's order, between steps", async () => {
    const sim = new Sim();
    const log: string[] = [];
    sim.spawn(async () => {
      setImmediate(() => log.push("immediate"));
      setTimeout(() => log.push("timeout 0"), 0);
      process.nextTick(() => log.push("tick"));
      queueMicrotask(() => log.push("microtask"));
      await null;
      log.push("after await");
    });
    const out = await sim.runAsync();
    expect(out.violations).toEqual([]);
    expect(log).toEqual(["tick", "microtask", "after await", "immediate", "timeout 0"]); // as natively in a macrotask; the timeout is due 1 ms later (Node's minimum)
  });
});

describe("exploring async scenarios (exploreAsync, replayAsync)", () => {
  it("finds async-mutex 0.4.1's weighted-semaphore crowd-out within 200 runs, naming the heavy task, and replays it exactly", async () => {
    const r = await exploreAsync(heavyWaiter041, { runs: 200 });
    expect(r.ok).toBe(false);
    const f = r.failure!;
    expect(f.violation.kind).toBe("step-limit");
    // The report comes from the traced replay, which knows when each async task's code last ran:
    // only the heavy waiter sat still; the light ones ran in their promise reactions to the end.
    if (f.violation.kind !== "step-limit") throw new Error("unreachable");
    expect(f.violation.sat.map((x) => x.task), f.report).toEqual(["heavy"]);
    expect(f.violation.busy.map((b) => b.task).sort(), f.report).toEqual(["light-1", "light-2"]);
    expect(f.violation.busy.every((b) => b.activeUntilStep !== undefined && b.activeUntilStep > f.outcome.steps - 10)).toBe(true);
    expect(f.report).toMatch(/FAILED — step limit: 'heavy' parked/);
    expect(f.report).toContain("'light-1' ran in its promise reactions");
    const again = await replayAsync(heavyWaiter041, f.token);
    expect(traceText(again)).toBe(traceText(f.outcome));
    expect(again.violations[0]!.message).toBe(f.violation.message);
  }, 20_000);

  it("async-mutex 0.5.0 (the fix) runs clean under every strategy", async () => {
    for (const strategy of ["random", "pct", "swarm", "portfolio"] as const) {
      const r = await exploreAsync(heavyWaiter050, { runs: 300, strategy });
      expect(r.failure?.report ?? "", strategy).toBe("");
      expect(r.runs).toBe(300);
    }
  });

  it("explores the order of timers due at one instant, and shrinks back to the default schedule's order", async () => {
    // Two timers due together: b before a is a schedule the chooser must be able to make.
    const order = defineScenario({
      name: "tied timers",
      setup(sim) {
        const seen: string[] = [];
        sim.spawn(async function a() {
          await pause(10);
          seen.push("a");
        });
        sim.spawn(async function b() {
          await pause(10);
          seen.push("b");
          if (seen[0] === "b") throw new Error("b ran first");
        });
      },
    });
    const r = await exploreAsync(order, { runs: 200, strategy: "random" });
    expect(r.ok).toBe(false);
    expect(r.failure!.violation.kind).toBe("panic");
    expect(r.failure!.choices.filter((c) => c !== 0).length).toBe(1); // one tie decision, shrunk
  });

  it("a scenario of futures only gives the same runs under runAsync as under run (a token from one replays in the other)", async () => {
    const futuresOnly = defineScenario({
      name: "futures only",
      setup(sim) {
        sim.spawn(asyncFn(function* () {
          yield* sleep(5);
        })(), { name: "a" });
        sim.spawn(asyncFn(function* () {
          yield* sleep(5);
        })(), { name: "b" });
      },
    });
    for (let seed = 0; seed < 5; seed++) {
      const viaAsync = await runScenarioAsync(futuresOnly, { seed, trace: true });
      expect(traceText(replay(futuresOnly, viaAsync.token))).toBe(traceText(viaAsync));
    }
  });

  it("a synchronous explore of an async scenario fails with a message that says what to use", () => {
    expect(() => explore(heavyWaiter050, { runs: 1 })).toThrow(/exploreAsync/);
  });

  it("replays in another process to the same trace", async () => {
    const r = await exploreAsync(heavyWaiter041, { runs: 200 });
    const child = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ["--import", "tsx", "--conditions=wakesim-source", "-e", `import("${fileURLToPath(new URL("../fixtures/promise/heavy-waiter.ts", import.meta.url))}").then(async (m) => { const w = await import("wakesim"); const o = await w.replayAsync(m.heavyWaiter041, ${JSON.stringify(r.failure!.token)}); process.stdout.write(w.traceText(o)); })`],
        { cwd: fileURLToPath(new URL("..", import.meta.url)), maxBuffer: 64 << 20 },
        (err, stdout, stderr) => (err === null ? resolve(stdout) : reject(new Error(`${err.message}\n${stderr}`))),
      );
    });
    expect(child).toBe(traceText(r.failure!.outcome));
  }, 30_000);
});

describe("the command line on async scenarios", () => {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const cli = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ["--import", "tsx", "--conditions=wakesim-source", "src/cli/main.ts", ...args], { cwd: root, env: { ...process.env, NO_COLOR: "1", CI: "true" }, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
        resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? -1), stdout, stderr }),
      );
    });

  it("fuzz finds the crowd-out and prints a token that replay reproduces; --workers explores them in the workers, with the same token", async () => {
    const [fuzz, pooled] = await Promise.all([cli(["fuzz", "fixtures/promise/heavy-waiter.ts", "--runs", "300"]), cli(["fuzz", "fixtures/promise/heavy-waiter.ts", "--runs", "300", "--workers", "2"])]);
    expect(fuzz.code, fuzz.stderr).toBe(1);
    expect(fuzz.stdout).toMatch(/^heavy-waiter-async-mutex-0\.5\.0: ok — 300 runs/m);
    expect(fuzz.stdout).toContain("heavy-waiter-async-mutex-0.4.1: FAILED — step limit");
    const token = /token: +(ws1\.[A-Za-z0-9_-]+)/.exec(fuzz.stdout)?.[1];
    expect(token, fuzz.stdout).toBeDefined();
    const again = await cli(["replay", "fixtures/promise/heavy-waiter.ts", token!]);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain("heavy-waiter-async-mutex-0.4.1: FAILED — step limit");
    expect(pooled.code, pooled.stderr).toBe(1);
    expect(pooled.stdout).toMatch(/^heavy-waiter-async-mutex-0\.5\.0: ok — 300 runs/m);
    // The same blocks in the workers: the same first failure and token.
    expect(/token: +(ws1\.[A-Za-z0-9_-]+)/.exec(pooled.stdout)?.[1]).toBe(token);
  }, 60_000);
});

describe("a real promise in a synchronous run", () => {
  it("is an escape with the user's call site, not a lost wakeup", () => {
    // A hand-written future whose poll starts an async function and waits for it to wake it:
    // in a synchronous run that reaction would come after the run.
    let done = false;
    const waits = {
      started: false,
      poll(cx: Context): Poll<number> {
        if (done) return ready(1);
        if (!this.started) {
          this.started = true;
          const w = cx.waker.clone();
          void (async () => {
            await null;
            done = true;
            w.wake();
          })();
        }
        return PENDING;
      },
    };
    const sim = new Sim({ seed: 1 });
    sim.spawn(waits, { name: "bridger" });
    const out = sim.run();
    expect(out.violations.map((v) => v.kind)).toEqual(["nondeterminism"]);
    const v = out.violations[0]!;
    expect(v.kind === "nondeterminism" && v.api).toBe("Promise");
    expect(v.message).toMatch(/promise-world\.test\.ts:\d+/);
  });
});

describe("between the worlds: fromPromise and joined", () => {
  it("an asyncFn awaits a promise (yield* fromPromise) and an async task awaits a future's task (await joined)", async () => {
    const sim = new Sim({ seed: 1 });
    const log: string[] = [];
    const future = asyncFn(function* () {
      const v = yield* fromPromise(pause(5).then(() => 20));
      log.push(`future got ${v} at ${Date.now()}`);
      return v + 1;
    });
    sim.spawn(async function main() {
      const h = sim.spawn(future(), { name: "future" });
      const v = await joined(h);
      log.push(`async got ${v} at ${Date.now()}`);
    });
    const out = await sim.runAsync();
    expect(out.violations).toEqual([]);
    expect(log).toEqual(["future got 20 at 5", "async got 21 at 5"]);
  });

  it("joined rejects with a panic; fromPromise in a synchronous run is a Promise escape at the user's line", async () => {
    const sim = new Sim({ seed: 1, allowPanics: true });
    const failing = asyncFn(function* () {
      yield* fromPromise(pause(1));
      throw new Error("inner");
    });
    let caught = "";
    sim.spawn(async () => {
      await joined(sim.spawn(failing(), { name: "failing" })).catch((e: Error) => (caught = e.message));
    });
    expect((await sim.runAsync()).violations).toEqual([]);
    expect(caught).toBe("inner");
    const sync = new Sim({ seed: 1 });
    sync.spawn(asyncFn(function* () { yield* fromPromise(Promise.resolve(1)); })(), { name: "waiter" });
    const out = sync.run();
    expect(out.violations[0]?.kind).toBe("nondeterminism");
    expect(out.violations[0]?.kind === "nondeterminism" && out.violations[0].api).toBe("Promise");
    expect(out.violations[0]?.message).toMatch(/promise-world\.test\.ts:\d+/);
  });
});

describe("real I/O in a run with async tasks", () => {
  it("a task awaiting a real file read when the run goes quiet is an escape naming the I/O, not a lost wakeup; the replay says the same", async () => {
    const reads = defineScenario({
      name: "reads-config",
      setup(sim) {
        sim.spawn(async () => (await readFile(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8")).length, { name: "reader" });
      },
    });
    for (let i = 0; i < 2; i++) {
      const r = await exploreAsync(reads, { runs: 5 });
      const v = r.failure!.violation;
      expect(v.kind).toBe("nondeterminism");
      expect(v.message).toMatch(/^real I\/O: file \(FSReq\w+\) was still pending when the run went quiet \(task 'reader' unfinished\)/);
      const again = await replayAsync(reads, r.failure!.token);
      expect(again.violations.map((x) => x.kind)).toEqual(["nondeterminism"]);
    }
    // A promise nobody settles is still a lost wakeup.
    const stuck = await exploreAsync(defineScenario({ name: "stuck", setup: (sim) => void sim.spawn(() => new Promise(() => {}), { name: "waiter" }) }), { runs: 1 });
    expect(stuck.failure!.violation.kind).toBe("lost-wakeup");
  });
});

describe("timers of distinct deadlines under every fault", () => {
  it("keep their deadline order, as Node keeps it however late its loop runs: no fault makes a later timer fire first", async () => {
    // Node fires expired timers in order of expiry: a busy loop makes them all late together. A
    // per-timer latency would reorder them — a false alarm on code that relies on it rightly.
    const order = defineScenario({
      name: "timer-order",
      setup(sim) {
        const log: string[] = [];
        sim.spawn(async () => {
          await new Promise((r) => setTimeout(r, 5));
          log.push("A");
        }, { name: "a" });
        sim.spawn(async () => {
          await new Promise((r) => setTimeout(r, 6));
          log.push("B");
          if (log[0] !== "A") throw new Error("B resumed before A");
        }, { name: "b" });
      },
    });
    for (const strategy of ["portfolio", "swarm", "random"] as const) {
      const r = await exploreAsync(order, { runs: 300, strategy, faults: ["latency", "tie", "spurious-wake"] });
      expect(r.failure?.report ?? "").toBe("");
    }
  });
});
