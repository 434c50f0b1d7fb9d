/**
 * The CLI's session (src/cli/session.ts) in-process: nothing found is lost — a failure's report
 * and token survive a corpus that cannot be written; a scenario that throws or spawns no task is
 * that file's result and the next file is still explored; plurals and the PCT bound as people
 * read them.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defineScenario, explore, EmptyScenarioError, PENDING, ready, type Context, type Future, type Poll } from "../src/index.js";
import example from "../fixtures/example.js";
import mpsc from "../fixtures/mpsc.js";
import setupThrows from "./cli-fixtures/broken/setup-throws.js";
import noTask from "./cli-fixtures/broken/no-task.js";
import { checkCorpusWritable } from "../src/cli/corpus.js";
import { missBoundText } from "../src/cli/format.js";
import { probability } from "../src/cli/progress.js";
import { exploreAll, type Item, type SessionSettings } from "../src/cli/session.js";
import { painter } from "../src/cli/term.js";

const tmp = mkdtempSync(join(tmpdir(), "wakesim-session-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A path no one can create a directory at, root included: its parent is a regular file. */
function underAFile(name: string): string {
  const file = join(tmp, `${name}-file`);
  writeFileSync(file, "not a directory\n");
  return join(file, "corpus");
}

function settings(over: Partial<SessionSettings> = {}): { s: SessionSettings; out: string[]; notes: string[] } {
  const out: string[] = [];
  const notes: string[] = [];
  const s: SessionSettings = {
    strategy: "portfolio",
    seed: 0,
    budget: { runs: 200, timeMs: null },
    shard: { index: 0, count: 1 },
    sim: {},
    corpus: null,
    command: "npx wakesim",
    color: false,
    paint: painter(false),
    progress: { start() {}, update() {}, clear() {} },
    interrupt: { requested: false, signal: null, exitCode: 130, dispose() {} },
    print: (t) => out.push(t),
    note: (t) => notes.push(t),
    ...over,
  };
  return { s, out, notes };
}

describe("exploreAll", () => {
  it("a corpus that cannot be written (the up-front check bypassed, or it broke mid-run) loses nothing: report, token and the next file", async () => {
    const corpus = underAFile("mid-run");
    const { s, out } = settings({ corpus });
    const items: Item[] = [
      { file: "fixtures/example.ts", scenario: example },
      { file: "fixtures/mpsc.ts", scenario: mpsc },
    ];
    const r = await exploreAll(items, s);
    expect(r.results.map((x) => [x.scenario, x.ok])).toEqual([
      ["example-buggy-notify", false],
      ["mpsc-correct", true],
    ]);
    const [found] = r.results;
    expect(found!.failure!.token).toMatch(/^ws1\./);
    expect(found!.corpus).toEqual({ error: expect.stringContaining(`--corpus ${corpus}: cannot create the directory`) });
    const text = out[0]!;
    expect(text).toContain(`command:  npx wakesim replay fixtures/example.ts ${found!.failure!.token}`);
    expect(text.split("\n").at(-2)!.replace(corpus, "<corpus>").replace(/\(.*\)/, "(…)")).toMatchInlineSnapshot(
      `"corpus: NOT written — --corpus <corpus>: cannot create the directory (…); the report and token above are all there is of this failure: keep them"`,
    );
    expect(out[1]).toMatch(/^mpsc-correct: ok — /);
  });

  it("a scenario whose setup throws, or that spawns no task, is that file's error result; the others are still explored", async () => {
    const { s, out } = settings({ budget: { runs: 50, timeMs: null } });
    const items: Item[] = [
      { file: "test/cli-fixtures/broken/setup-throws.ts", scenario: setupThrows },
      { file: "test/cli-fixtures/broken/no-task.ts", scenario: noTask },
      { file: "fixtures/mpsc.ts", scenario: mpsc },
    ];
    const r = await exploreAll(items, s);
    expect(r.results.map((x) => [x.scenario, x.ok, x.error?.stage ?? null])).toEqual([
      ["setup-throws", false, "explore"],
      ["no-task", false, "explore"],
      ["mpsc-correct", true, null],
    ]);
    expect(out.slice(0, 2).join("\n")).toMatchInlineSnapshot(`
      "test/cli-fixtures/broken/setup-throws.ts: ERROR — scenario 'setup-throws' could not be explored — its setup (or its options) threw Error: no config for the channel
        Error: no config for the channel
          at readConfig (test/cli-fixtures/broken/setup-throws.ts:4:9)
          at Object.setup (test/cli-fixtures/broken/setup-throws.ts:6:65)
        (the other files are still explored; this file makes the exit code 2 unless another finds a violation)

      test/cli-fixtures/broken/no-task.ts: ERROR — scenario 'no-task' spawned no task and made no thread: nothing was tested — its setup(sim) must spawn the futures or async functions under test (sim.spawn(future, { name: "…" }), sim.spawn(async () => …)) or make threads (sim.thread(function* () { … })); a setup that returns early, or spawns only under a condition that is false, tests nothing
        (the other files are still explored; this file makes the exit code 2 unless another finds a violation)
      "
    `);
    expect(out[2]).toMatch(/^mpsc-correct: ok — 50 runs \(portfolio, seed 0\), \d+ distinct schedules/);
  });

  it("says '1 run', '1 distinct schedule'", async () => {
    // The line's duration is the injected clock's, not the machine's: the session's and the
    // engine's first readings say 0, every later one 12 345 ms.
    let readings = 0;
    const clock = { now: () => (readings++ < 2 ? 0 : 12_345), sleep: async () => {} };
    const { s, out } = settings({ budget: { runs: 1, timeMs: null }, strategy: "random", clock });
    await exploreAll([{ file: "fixtures/mpsc.ts", scenario: mpsc }], s);
    expect(out[0]).toMatch(/^mpsc-correct: ok — 1 run \(random, seed 0\), 1 distinct schedule, [\d,]+ steps, 12s$/m);
  });
});

/** Fails on every schedule, the default one included: 'stuck' returns Pending with no wake source. */
const alwaysStuck = defineScenario({
  name: "always-stuck",
  setup(sim) {
    const stuck: Future<void> = { poll: (_cx: Context): Poll<void> => PENDING };
    let polls = 0;
    const busy: Future<void> = {
      poll: (cx: Context): Poll<void> => {
        if (++polls === 3) return ready(undefined);
        cx.waker.wakeByRef();
        return PENDING;
      },
    };
    sim.spawn(busy, { name: "busy" });
    sim.spawn(stuck, { name: "stuck" });
  },
});

describe("a failure the default schedule shows too", () => {
  it("says it was shrunk to the default schedule — not 'found on run N' next to 'all the default' — in the report and the summary line", async () => {
    const { s, out } = settings({ seed: 3 });
    const r = await exploreAll([{ file: "test/x.ts", scenario: alwaysStuck }], s);
    const f = r.results[0]!.failure!;
    const text = out[0]!;
    expect(text).toMatch(/^ {2}schedule: the default schedule \(\d+ choices?, each the default 0\): the bug needs no unusual interleaving$/m);
    expect(text).not.toContain("all the default");
    expect(f.run).toBe(1);
    expect(text.trimEnd().split("\n").at(-1)).toMatchInlineSnapshot(
      `"found by portfolio (seed 3) on run 1, on a schedule 1 deviation from the default; shrunk to the default schedule in 1 step (1 rerun): the bug needs no unusual interleaving"`,
    );
  });
});

describe("explore", () => {
  it("refuses a scenario that spawned no task: a clean result would test nothing", () => {
    expect(() => explore(noTask, { runs: 10 })).toThrow(EmptyScenarioError);
    expect(() => explore(defineScenario({ name: "empty", setup() {} }), { runs: 10 })).toThrowErrorMatchingInlineSnapshot(
      `[EmptyScenarioError: scenario 'empty' spawned no task and made no thread: nothing was tested — its setup(sim) must spawn the futures or async functions under test (sim.spawn(future, { name: "…" }), sim.spawn(async () => …)) or make threads (sim.thread(function* () { … })); a setup that returns early, or spawns only under a condition that is false, tests nothing]`,
    );
  });
});

describe("checkCorpusWritable", () => {
  it("names the directory and what to do when entries could not be written there (root too: the parent is a file)", () => {
    const dir = underAFile("check");
    expect(() => checkCorpusWritable(dir)).toThrow(/is a file, so the directory .* cannot be created in it — give --corpus a directory you can write to/);
    const file = join(tmp, "plain-file");
    writeFileSync(file, "");
    expect(() => checkCorpusWritable(file)).toThrow(`--corpus ${file}: ${file} is a file, not a directory — give --corpus a directory you can write to (e.g. --corpus wakesim/corpus)`);
    expect(() => checkCorpusWritable(join(tmp, "new", "corpus"))).not.toThrow(); // created with its first entry
    expect(() => checkCorpusWritable(tmp)).not.toThrow();
  });
});

describe("the PCT residual-miss bound", () => {
  it("reads as a probability: a percentage, never 0.00 or 1e-304", () => {
    expect([0.935, 0.0811, 0.0064, 3.18e-5, 1.2e-6, 3.18e-15, 1e-304, 0, 1].map(probability)).toEqual([
      "94%",
      "8.1%",
      "0.64%",
      "0.0032%",
      "0.00012%",
      "< 0.0001%",
      "< 0.0001%",
      "< 0.0001%",
      "100%",
    ]);
    expect(missBoundText({ runs: 1, n: 1, k: 1, d: 3, bound: 0 })).toMatchInlineSnapshot(
      `"PCT residual-miss bound: a depth-3 bug would have escaped 1 clean PCT run (n=1 task, k=1 step) with probability below 0.0001%"`,
    );
    expect(missBoundText({ runs: 250, n: 4, k: 5, d: 3, bound: 0.0811 }, " over the shards")).toMatchInlineSnapshot(
      `"PCT residual-miss bound: a depth-3 bug would have escaped 250 clean PCT runs over the shards (n=4 tasks, k=5 steps) with probability at most 8.1%"`,
    );
  });
});
