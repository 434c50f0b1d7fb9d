/**
 * The fresh-closure diagnosis (src/explore/fresh-closures.ts): a scenario that makes its generator
 * functions afresh every run is named, with how many; one whose bodies are made once is not;
 * and the CLI carries the note (--json always, on stderr once exploring took a while).
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { asyncBlock, asyncFn, defineScenario, yieldNow, type Scenario } from "wakesim";
import { freshClosuresNote, freshGeneratorFunctions } from "../src/explore/fresh-closures.js";

const twice = asyncFn(function* twice(n: number) {
  for (let i = 0; i < n; i++) yield* yieldNow();
  return n;
});

const hoisted: Scenario = defineScenario({
  name: "hoisted",
  setup(sim) {
    sim.spawn(twice(2), { name: "a" });
    sim.spawn(twice(3), { name: "b" });
  },
});

const inSetup: Scenario = defineScenario({
  name: "in-setup",
  setup(sim) {
    sim.spawn(asyncBlock(function* () { yield* yieldNow(); }), { name: "a" });
    sim.spawn(asyncBlock(function* () { yield* yieldNow(); yield* yieldNow(); }), { name: "b" });
    sim.spawn(twice(1), { name: "c" }); // made once: not counted
  },
});

// A helper that makes an async block per call, and a body that makes one per loop turn.
const perCall = (k: number) =>
  asyncBlock(function* worker() {
    for (let i = 0; i < k; i++) yield* yieldNow();
  });
const nested: Scenario = defineScenario({
  name: "nested",
  setup(sim) {
    sim.spawn(perCall(1), { name: "w1" });
    sim.spawn(perCall(2), { name: "w2" });
    sim.spawn(
      asyncFn(function* outer() {
        for (let i = 0; i < 3; i++) yield* asyncBlock(function* inner() { yield* yieldNow(); });
      })(),
      { name: "outer" },
    );
  },
});

describe("freshGeneratorFunctions", () => {
  it("is null when every task body is made once, at module level", () => {
    expect(freshGeneratorFunctions(hoisted)).toBeNull();
  });

  it("counts the generator functions a run makes afresh, and how many different bodies they are", () => {
    expect(freshGeneratorFunctions(inSetup)).toEqual({ perRun: 2, bodies: 2, names: ["anonymous"] });
  });

  it("sees per-call helpers and blocks made inside a running task, by name", () => {
    // w1 and w2 share one body; outer is made in setup (asyncFn(...) called there); inner ×3.
    const f = freshGeneratorFunctions(nested);
    expect(f).toEqual({ perRun: 6, bodies: 3, names: ["worker", "outer", "inner"] });
    expect(freshClosuresNote("nested", f!)).toMatch(/^note: nested makes 6 generator functions afresh on every run/);
  });
});

describe("the CLI's note", () => {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const run = (args: readonly string[]) =>
    new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      const env = { ...process.env, NO_COLOR: "1", CI: "true" };
      execFile(process.execPath, ["--import", "tsx", "--conditions=wakesim-source", "src/cli/main.ts", ...args], { cwd: root, env, timeout: 60_000 }, (err, stdout, stderr) => {
        if (err !== null && typeof err.code !== "number") reject(err);
        else resolve({ stdout, stderr });
      });
    });

  it("is in --json for a scenario with closures in setup, and absent for the same scenario written with module-level bodies", async () => {
    const [slow, fast, pooled, pooledHuman] = await Promise.all([
      run(["fuzz", "bench/mpsc-closures.ts", "--runs", "1000", "--json"]),
      run(["fuzz", "test/cli-fixtures/mpsc-correct.ts", "--runs", "1000", "--json"]),
      // With workers the diagnosis runs in a worker, under the watchdog, and still reaches the document.
      run(["fuzz", "bench/mpsc-closures.ts", "--runs", "2000", "--workers", "2", "--json"]),
      run(["fuzz", "bench/mpsc-closures.ts", "--runs", "2000", "--workers", "2"]),
    ]);
    type Doc = { results: { notes?: string[]; steps: number }[] };
    const [slowDoc, fastDoc, pooledDoc] = [slow, fast, pooled].map((r) => JSON.parse(r.stdout) as Doc) as [Doc, Doc, Doc];
    expect(slowDoc.results[0]!.notes).toHaveLength(1);
    expect(slowDoc.results[0]!.notes![0]).toMatch(/^note: mpsc-correct makes 6 generator functions afresh on every run/);
    expect(fastDoc.results[0]!.notes).toBeUndefined();
    expect(fastDoc.results[0]!.steps).toBe(slowDoc.results[0]!.steps); // the same runs
    expect(pooledDoc.results[0]!.notes).toEqual(slowDoc.results[0]!.notes);
    // Without --json the note goes to stderr: with --workers even for a short exploration.
    expect(pooledHuman.stderr).toContain("note: mpsc-correct makes 6 generator functions afresh on every run");
    expect(pooledHuman.stdout).toContain("mpsc-correct: ok — 2,000 runs");
    expect(slow.stderr).not.toContain("note:"); // --json: the note is in the document only
  }, 60_000);
});
