/**
 * End-to-end tests of the `wakesim` command: the real CLI in a child process
 * (`node --import tsx --conditions=wakesim-source src/cli/main.ts …`, cwd = the repository), as
 * `npm run wakesim --` runs it. Child processes cost ~0.5 s each, so independent ones run in
 * parallel and each test checks several things per process.
 */
import { exec, execFile, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { explore } from "wakesim";
import example from "../fixtures/example.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const MAIN = ["--import", "tsx", "--conditions=wakesim-source", "src/cli/main.ts"];

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", CI: "true", ...extra };
  delete env.FORCE_COLOR;
  return env;
}

/** Runs `wakesim <args>` from source. */
function cli(args: readonly string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...MAIN, ...args], { cwd: root, env: childEnv(env), maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : null, stdout, stderr });
    });
  });
}

/** Runs a printed command line through the shell, exactly as a user would paste it. */
function shell(line: string): Promise<Ran> {
  return new Promise((resolve) => {
    exec(line, { cwd: root, env: childEnv({}), maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : null, stdout, stderr });
    });
  });
}

const lines = (s: string): string[] => s.split("\n");
const headline = (out: string): string | undefined => lines(out).find((l) => / FAILED — |: ok — /.test(l));
const jsonFiles = (dir: string): string[] => readdirSync(dir).sort();

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "wakesim-cli-"));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe("wakesim fuzz and replay", () => {
  it("finds the example's lost wakeup, prints the report and a replay line that reproduces it; the corpus gets it once", async () => {
    const corpus = join(tmp, "corpus-fuzz");
    const found = await cli(["fuzz", "fixtures/example.ts", "--corpus", corpus]);
    expect(found.code).toBe(1);
    const first = lines(found.stdout)[0];
    expect(first).toBe("example-buggy-notify: FAILED — lost wakeup: 'waiter' is stuck pending (waker held, never woken)");
    for (const section of ["What happened", "Why this usually happens", "Hints", "Reproduce", "Timeline"]) expect(found.stdout).toContain(`\n${section}`);
    expect(found.stdout).toMatch(/^found by portfolio \(seed 0\) on run \d+; schedule shrunk/m);
    const replayLine = /^ {2}command: +(.+)$/m.exec(found.stdout)?.[1];
    expect(replayLine).toMatch(/^npm run wakesim -- replay fixtures\/example\.ts ws1\.[\w-]+$/);
    const token = replayLine!.split(" ").at(-1)!;

    // The corpus: one entry, written whole (no temporary file left behind).
    const files = jsonFiles(corpus);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^example-buggy-notify--lost-wakeup-quiescence--[0-9a-f]{8}\.json$/);
    expect(found.stdout).toContain(`corpus: added ${join(corpus, files[0]!)}`);
    const entryText = readFileSync(join(corpus, files[0]!), "utf8");
    expect(JSON.parse(entryText)).toMatchObject({
      format: 1,
      scenario: "example-buggy-notify",
      file: relative(corpus, join(root, "fixtures/example.ts")).split("\\").join("/"),
      token,
      oracle: { kind: "lost-wakeup", sub: "quiescence", diagnosis: "waker-held-never-woken" },
      firstLine: first,
      foundBy: { strategy: "portfolio", seed: 0 },
    });

    // The printed line, pasted into a shell, reproduces it; fuzzing again (another seed) finds
    // the same failure and does not write it twice.
    const tracePath = join(tmp, "example.trace.json");
    const htmlPath = join(tmp, "example.html");
    const [replayed, again, exported] = await Promise.all([
      shell(replayLine!),
      cli(["fuzz", "fixtures/example.ts", "--corpus", corpus, "--seed", "7"]),
      cli(["replay", "fixtures/example.ts", token, "--trace", tracePath, "--html", htmlPath]),
    ]);
    expect(replayed.code).toBe(1);
    expect(headline(replayed.stdout)).toBe(first);
    expect(replayed.stdout).toContain(token);
    expect(replayed.stdout).toContain("Timeline");
    expect(again.code).toBe(1);
    expect(again.stdout).toContain(`corpus: already there as ${join(corpus, files[0]!)} (not written again)`);
    expect(jsonFiles(corpus)).toEqual(files);
    expect(readFileSync(join(corpus, files[0]!), "utf8")).toBe(entryText);

    // replay --trace / --html write the exports of the same run.
    expect(exported.code).toBe(1);
    expect(headline(exported.stdout)).toBe(first);
    expect(exported.stdout).toContain(`trace: wrote ${tracePath} (Chrome trace-event JSON`);
    expect(exported.stdout).toContain(`html: wrote ${htmlPath} (a self-contained report`);
    const trace = JSON.parse(readFileSync(tracePath, "utf8"));
    expect(trace.metadata).toMatchObject({ scenario: "example-buggy-notify", token, ok: false });
    expect(trace.traceEvents.length).toBeGreaterThan(10);
    const html = readFileSync(htmlPath, "utf8");
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('class="never-woken" data-task="waiter"');
  }, 30_000);

  it("--json prints one document; --shard i/n explores disjoint seed blocks; merge combines the shards and sets the exit code", async () => {
    const [s0, s1] = await Promise.all([
      cli(["fuzz", "test/cli-fixtures/mpsc-correct.ts", "fixtures/example.ts", "--runs", "400", "--shard", "0/2", "--json"]),
      cli(["fuzz", "test/cli-fixtures/mpsc-correct.ts", "--runs", "400", "--shard", "1/2", "--json"]),
    ]);
    expect(s0.code).toBe(1);
    expect(s1.code).toBe(0);
    const d0 = JSON.parse(s0.stdout);
    const d1 = JSON.parse(s1.stdout);
    expect(d0).toMatchObject({ command: "fuzz", ok: false, exitCode: 1, interrupted: false, seed: 0, strategy: "portfolio", budget: { runs: 400, timeMs: null }, shard: { index: 0, count: 2 }, blockRuns: 1000 });
    expect(d0.results).toHaveLength(2);
    const [mpsc0, ex] = d0.results;
    expect(mpsc0).toMatchObject({ scenario: "mpsc-correct", file: "test/cli-fixtures/mpsc-correct.ts", ok: true, runs: 400, failure: null, blocks: [{ index: 0, seed: 0, runs: 400 }] });
    expect(mpsc0.distinctSchedules).toBeGreaterThan(300);
    expect(mpsc0.residualMissBound.bound).toBeGreaterThan(0);
    expect(mpsc0.residualMissBound.bound).toBeLessThan(1);
    expect(ex).toMatchObject({
      scenario: "example-buggy-notify",
      ok: false,
      residualMissBound: null,
      failure: {
        kind: "lost-wakeup",
        oracle: { kind: "lost-wakeup", sub: "quiescence", diagnosis: "waker-held-never-woken" },
        message: "example-buggy-notify: FAILED — lost wakeup: 'waiter' is stuck pending (waker held, never woken)",
        seed: 0,
        chooser: "alea", // the portfolio's generator that made the failing run
      },
    });
    expect(ex.failure.replay).toBe(`npm run wakesim -- replay fixtures/example.ts ${ex.failure.token}`);
    expect(ex.failure.report.split("\n")[0]).toBe(ex.failure.message);
    // Shard 0 block 0 is seed 0 itself: the same runs as explore() with that seed.
    expect(ex.failure.token).toBe(explore(example, { seed: 0, runs: 400 }).failure!.token);
    // Shard 1 explores another block, with another seed.
    expect(d1.shard).toEqual({ index: 1, count: 2 });
    expect(d1.results[0].blocks).toEqual([{ index: 1, seed: "0:b1", runs: 400 }]);
    expect(d1.results[0].runs).toBe(400);

    const f0 = join(tmp, "shard-0.json");
    const f1 = join(tmp, "shard-1.json");
    writeFileSync(f0, s0.stdout);
    writeFileSync(f1, s1.stdout);
    const [both, alone, allowed, twice] = await Promise.all([
      cli(["merge", f0, f1]),
      cli(["merge", f1, "--json"]),
      cli(["merge", f1, "--json", "--allow-missing"]),
      cli(["merge", f1, f1]),
    ]);
    expect(both.code).toBe(1);
    expect(both.stdout).toMatch(/^ {2}ok +mpsc-correct +test\/cli-fixtures\/mpsc-correct\.ts +800 /m);
    expect(both.stdout).toMatch(/^ {2}FAIL +example-buggy-notify .*lost wakeup.* — shard 0: npm run wakesim -- replay fixtures\/example\.ts ws1\./m);
    expect(both.stdout).toContain("example-buggy-notify: FAILED — lost wakeup"); // the report itself
    expect(lines(both.stdout).at(-2)).toBe("merge: FAILED — example-buggy-notify");
    // A missing shard fails the merge (its job died, or its results were not uploaded) ...
    expect(alone.code).toBe(2);
    expect(JSON.parse(alone.stdout)).toMatchObject({ ok: false, exitCode: 2, shards: { count: 2, present: [1], missing: [0] } });
    expect(alone.stderr).toMatchInlineSnapshot(`
      "merge: missing shard 0/2 of 2: the merged result would cover only part of the exploration — did that shard's job fail or not upload results? Add the file, or pass --allow-missing to merge what is there
      "
    `);
    // ... unless told to merge what is there.
    expect(allowed.code).toBe(0);
    const m = JSON.parse(allowed.stdout);
    expect(m).toMatchObject({ command: "merge", ok: true, exitCode: 0, shards: { count: 2, present: [1], missing: [0] } });
    expect(m.results[0]).toMatchObject({ scenario: "mpsc-correct", runs: 400, shards: [1], failures: [] });
    expect(allowed.stderr).toContain("missing shard 0/2: the merged result covers only the shards given (--allow-missing)");
    expect(twice.code).toBe(2);
    expect(twice.stdout).toContain(`shard 1/2 is also in ${f1}`);
  }, 30_000);

  it("bad arguments: each exits 2 with a message naming it, before any run", async () => {
    const cases: string[][] = [
      ["fuzz", "fixtures/example.ts", "--rnus", "10"],
      ["fuzz", "fixtures/example.ts", "--runs", "ten"],
      ["fuzz", "fixtures/example.ts", "--time", "30"],
      ["fuzz", "fixtures/example.ts", "--shard", "2/2"],
      ["fuzz", "fixtures/missing.ts"],
      ["fuzz", "test/cli-fixtures/no-default.ts"],
      ["replay", "fixtures/example.ts", "ws1.not*a*token"],
      ["replay", "fixtures/example.ts", "not-a-token"],
      ["check", "test/cli-fixtures/missing-dir"],
    ];
    const ran = await Promise.all(cases.map((c) => cli(c)));
    for (const r of ran) {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
    }
    const messages = ran.map((r, i) => `$ wakesim ${cases[i]!.join(" ")}\n${r.stderr.split(root.replace(/[\\/]$/, "")).join("<repo>")}`).join("");
    expect(messages).toMatchInlineSnapshot(`
      "$ wakesim fuzz fixtures/example.ts --rnus 10
      wakesim: fuzz: unknown option '--rnus' — did you mean '--runs'? (see: wakesim fuzz --help)
        options: --runs, --time, --strategy, --seed, --executor, --faults, --corpus, --json, --help, --shard, --workers, --watchdog
      $ wakesim fuzz fixtures/example.ts --runs ten
      wakesim: --runs must be a positive whole number of runs, like --runs 10000; got 'ten'
      $ wakesim fuzz fixtures/example.ts --time 30
      wakesim: --time must be a duration with a unit, like --time 30s, 2m, 500ms or 1m30s; got '30' (add a unit: s for seconds)
      $ wakesim fuzz fixtures/example.ts --shard 2/2
      wakesim: --shard must be i/n with 0 ≤ i < n (shards are numbered from 0: --shard 0/4 … --shard 3/4); got '2/2'
      $ wakesim fuzz fixtures/missing.ts
      wakesim: fixtures/missing.ts: no such file (paths are relative to the current directory, <repo>)
      $ wakesim fuzz test/cli-fixtures/no-default.ts
      wakesim: test/cli-fixtures/no-default.ts has no default export (nor a named export that is a scenario): end it with \`export default defineScenario({ name, setup(sim) { ... } })\`
      $ wakesim replay fixtures/example.ts ws1.not*a*token
      wakesim: replay: bad token: replay token is damaged: it contains characters outside base64url (was it cut or wrapped when copied?)
      $ wakesim replay fixtures/example.ts not-a-token
      wakesim: replay: bad token: 'not-a-token' is not a wakesim replay token (tokens start with 'ws1.')
      $ wakesim check test/cli-fixtures/missing-dir
      wakesim: check: test/cli-fixtures/missing-dir: no such directory (check takes the directory of your scenario files; paths are relative to <repo>)
      "
    `);
  }, 30_000);

  it("Ctrl-C stops between slices, prints what was explored so far and exits 130", async () => {
    const child = spawn(process.execPath, [...MAIN, "fuzz", "test/cli-fixtures/mpsc-correct.ts", "test/cli-fixtures/notify-correct.ts", "--time", "60s"], { cwd: root, env: childEnv({}) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    const started = new Promise<void>((resolve) => {
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes("exploring mpsc-correct")) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await started;
    await new Promise((r) => setTimeout(r, 300));
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stderr).toContain("interrupted: stopping after the current slice of runs");
    expect(stdout).toMatch(/^mpsc-correct: interrupted — no failure in [\d,]+ runs \(portfolio, seed 0\)/m);
    expect(stdout).toContain("interrupted by Ctrl-C: 1 of 2 scenarios explored (not explored: notify-correct); 0 failed");
  }, 30_000);
});

describe("wakesim check", () => {
  it("replays the corpus first (a fixed bug passes, a live one fails by name, a damaged entry is named and the rest still run), then fuzzes the directory", async () => {
    const corpus = join(tmp, "corpus-check");
    // Found: the toggle fixture with its bug switched on, and the example.
    const [toggle, ex] = await Promise.all([
      cli(["fuzz", "test/cli-fixtures/check/toggle.ts", "--corpus", corpus], { WAKESIM_CLI_FIXTURE_BUG: "1" }),
      cli(["fuzz", "fixtures/example.ts", "--corpus", corpus, "--runs", "50"]),
    ]);
    expect(toggle.code).toBe(1);
    expect(ex.code).toBe(1);
    const [toggleEntry, exampleEntry] = jsonFiles(corpus);
    expect(toggleEntry).toMatch(/^cli-toggle-notify--lost-wakeup-quiescence--[0-9a-f]{8}\.json$/);
    expect(exampleEntry).toMatch(/^example-buggy-notify--/);
    writeFileSync(join(corpus, "damaged.json"), '{ "format": 1, "scenario": ');

    // Gate 1: the toggle bug is fixed (no env), the example still fails, one entry is damaged.
    const gate = await cli(["check", "test/cli-fixtures/check", "--corpus", corpus, "--runs", "200"]);
    expect(gate.code).toBe(1);
    const out = gate.stdout;
    expect(out.indexOf(`corpus ${corpus}: 3 entries, replaying`)).toBeLessThan(out.indexOf("scenarios under test/cli-fixtures/check: 1 scenario in 1 of 2 files"));
    expect(out).toContain("example-buggy-notify: FAILED — lost wakeup"); // the still-failing entry's report
    const summary = out.slice(out.indexOf("\nsummary\n"));
    expect(summary).toMatch(new RegExp(`^ {2}pass +corpus ${esc(join(corpus, toggleEntry!))} +cli-toggle-notify +passes now \\(was: lost-wakeup`, "m"));
    expect(summary).toMatch(new RegExp(`^ {2}FAIL +corpus ${esc(join(corpus, exampleEntry!))} +example-buggy-notify +still fails: lost wakeup`, "m"));
    expect(summary).toMatch(new RegExp(`^ {2}ERROR +corpus ${esc(join(corpus, "damaged.json"))} +- +not valid JSON \\(.*\\); fix it or delete the file`, "m"));
    expect(summary).toMatch(/^ {2}skip +test\/cli-fixtures\/check\/helpers\.ts +- +exports no scenario$/m);
    expect(summary).toMatch(/^ {2}ok +test\/cli-fixtures\/check\/toggle\.ts +cli-toggle-notify +200 runs, /m);
    expect(summary).toContain(`check: FAILED — 1 corpus entry still fails (${join(corpus, exampleEntry!)}); 1 could not be used (${join(corpus, "damaged.json")})`);
    expect(jsonFiles(corpus)).toEqual([toggleEntry, "damaged.json", exampleEntry].sort()); // nothing new: toggle is fixed

    // Gate 2 (--json): without the live bug, the damaged entry alone makes it exit 2; the rest still ran.
    rmSync(join(corpus, exampleEntry!));
    const token = JSON.parse(readFileSync(join(corpus, toggleEntry!), "utf8")).token as string;
    const [gate2, replayed] = await Promise.all([
      cli(["check", "test/cli-fixtures/check", "--corpus", corpus, "--runs", "200", "--json"]),
      cli(["replay", "test/cli-fixtures/check/toggle.ts", token]),
    ]);
    expect(gate2.code).toBe(2);
    const doc = JSON.parse(gate2.stdout);
    expect(doc).toMatchObject({ command: "check", ok: false, exitCode: 2, dir: "test/cli-fixtures/check", corpus: { dir: corpus } });
    expect(doc.corpus.entries).toMatchObject([
      { path: join(corpus, toggleEntry!), status: "pass", scenario: "cli-toggle-notify", token },
      { path: join(corpus, "damaged.json"), status: "error" },
    ]);
    expect(doc.corpus.entries[1].message).toMatch(/^not valid JSON/);
    expect(doc.files).toEqual([
      { file: "test/cli-fixtures/check/helpers.ts", status: "skipped", message: "exports no scenario" },
      { file: "test/cli-fixtures/check/toggle.ts", status: "explored", scenario: "cli-toggle-notify" },
    ]);
    expect(doc.results).toMatchObject([{ scenario: "cli-toggle-notify", ok: true, runs: 200, failure: null }]);
    // replay of the fixed bug's token: exit 0, and it says so.
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toMatch(/^cli-toggle-notify: ok — /);
    expect(replayed.stdout).toContain("passes now: this schedule no longer fails");

    // Gate 3: a clean corpus and clean scenarios pass.
    rmSync(join(corpus, "damaged.json"));
    const gate3 = await cli(["check", "test/cli-fixtures/check", "--corpus", corpus, "--runs", "200"]);
    expect(gate3.code).toBe(0);
    expect(lines(gate3.stdout).at(-2)).toBe("check: ok — 1 corpus entry passes, 1 scenario explored without a failure");
    expect(readdirSync(corpus).filter((n) => n.startsWith("."))).toEqual([]); // no temporary files left
  }, 30_000);
});

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
