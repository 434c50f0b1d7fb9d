/**
 * End-to-end (the real CLI in a child process, as test/cli.test.ts): one bad file does not stop
 * the rest, nothing found is lost, and a stop by SIGTERM (how CI cancels) is reported as Ctrl-C
 * is, with its own exit code (143).
 */
import { execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const MAIN = ["--import", "tsx", "--conditions=wakesim-source", "src/cli/main.ts"];

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", CI: "true" };
  delete env.FORCE_COLOR;
  return env;
}

function cli(args: readonly string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...MAIN, ...args], { cwd: root, env: childEnv(), maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : null, stdout, stderr });
    });
  });
}

/** Starts the CLI, sends `signal` once stderr shows `when`, and resolves with what it printed and its exit code. */
function stopped(args: readonly string[], when: string, signal: NodeJS.Signals): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...MAIN, ...args], { cwd: root, env: childEnv() });
    let stdout = "";
    let stderr = "";
    let sent = false;
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      // The handler is installed before the first scenario starts: this line comes after it.
      if (!sent && stderr.includes(when)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const tmp = mkdtempSync(join(tmpdir(), "wakesim-robust-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
// A TypeScript file esbuild cannot transform (an ES module: the directory says "type": "module").
mkdirSync(join(tmp, "broken"));
writeFileSync(join(tmp, "broken", "package.json"), '{ "type": "module" }\n');
const SYNTAX = join(tmp, "broken", "syntax-error.ts");
writeFileSync(SYNTAX, 'const x: number = ;\nexport default { name: "syntax-error", setup() {} };\n');

const BROKEN = ["test/cli-fixtures/broken/setup-throws.ts", "test/cli-fixtures/broken/no-task.ts"];

describe("one bad file does not stop the rest", () => {
  it("a file that fails to load (the transform error's location shown), a setup that throws, a scenario without tasks: each reported, the others explored, exit 1 for the violation; --json a complete document", async () => {
    const args = ["fuzz", SYNTAX, ...BROKEN, "fixtures/example.ts", "--runs", "100"];
    const [human, json] = await Promise.all([cli(args), cli([...args, "--json"])]);
    expect(human.code).toBe(1);
    const out = human.stdout.replaceAll(tmp, "<tmp>");
    expect(out.slice(0, out.indexOf("test/cli-fixtures/broken/setup-throws.ts: ERROR"))).toMatchInlineSnapshot(`
      "<tmp>/broken/syntax-error.ts: ERROR — could not be loaded:
        TransformError: Transform failed with 1 error:
        <tmp>/broken/syntax-error.ts:1:18: ERROR: Unexpected ";"
        (the other files are still explored; this file makes the exit code 2 unless another finds a violation)

      "
    `);
    // The stack, cut to the user's frames (under the watchdog, Node also shows the throwing line).
    expect(out).toContain("test/cli-fixtures/broken/setup-throws.ts: ERROR — scenario 'setup-throws' could not be explored — its setup (or its options) threw Error: no config for the channel\n");
    expect(out).toMatch(/  Error: no config for the channel\n    at readConfig \(test\/cli-fixtures\/broken\/setup-throws\.ts:4:9\)/);
    expect(out).toContain("test/cli-fixtures/broken/no-task.ts: ERROR — scenario 'no-task' spawned no task and made no thread: nothing was tested");
    expect(out).toContain("example-buggy-notify: FAILED — lost wakeup");
    expect(out.trimEnd().split("\n").at(-1)).toMatchInlineSnapshot(
      `"1 of 4 scenarios failed: example-buggy-notify; 3 could not be used: <tmp>/broken/syntax-error.ts, test/cli-fixtures/broken/setup-throws.ts, test/cli-fixtures/broken/no-task.ts"`,
    );

    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({ command: "fuzz", ok: false, exitCode: 1 });
    expect(doc.results.map((r: { file: string; scenario: string | null; ok: boolean; error?: { stage: string } }) => [r.file.replace(tmp, "<tmp>"), r.scenario, r.ok, r.error?.stage ?? null])).toEqual([
      ["<tmp>/broken/syntax-error.ts", null, false, "load"],
      ["test/cli-fixtures/broken/setup-throws.ts", "setup-throws", false, "explore"],
      ["test/cli-fixtures/broken/no-task.ts", "no-task", false, "explore"],
      ["fixtures/example.ts", "example-buggy-notify", false, null],
    ]);
    expect(doc.results[0].error.details).toContain(`${SYNTAX}:1:18: ERROR: Unexpected ";"`);
    expect(doc.results[3].failure.token).toMatch(/^ws1\./);
    expect(json.stderr).toContain("(details in the JSON document)");

    // merge carries a file a shard could not use over as an error (and the violation still wins).
    const doc0 = join(tmp, "with-errors.json");
    writeFileSync(doc0, json.stdout);
    const merged = await cli(["merge", doc0]);
    expect(merged.code).toBe(1);
    expect(merged.stdout).toMatch(/^ {2}ERROR +setup-throws +test\/cli-fixtures\/broken\/setup-throws\.ts .*shard 0: scenario 'setup-throws' could not be explored/m);
    expect(merged.stdout).toMatch(/^error: test\/cli-fixtures\/broken\/no-task\.ts: shard 0: scenario 'no-task' spawned no task/m);
  }, 30_000);

  it("exit 2 when a file could not be used and the others ran clean; 2 with every message when nothing could be loaded", async () => {
    const [clean, none, noneJson, replayed] = await Promise.all([
      cli(["fuzz", BROKEN[0]!, "test/cli-fixtures/mpsc-correct.ts", "--runs", "100"]),
      cli(["fuzz", SYNTAX, "test/cli-fixtures/no-default.ts"]),
      cli(["fuzz", SYNTAX, "test/cli-fixtures/no-default.ts", "--json"]),
      cli(["replay", SYNTAX, "ws1.vtOImQcABGFsZWEUZXhhbXBsZS1idWdneS1ub3RpZnkDAQAA"]),
    ]);
    // replay shows the transform error's location too.
    expect(replayed.code).toBe(2);
    expect(replayed.stderr.replaceAll(tmp, "<tmp>")).toMatchInlineSnapshot(`
      "wakesim: <tmp>/broken/syntax-error.ts: could not be loaded — TransformError: Transform failed with 1 error:
        TransformError: Transform failed with 1 error:
        <tmp>/broken/syntax-error.ts:1:18: ERROR: Unexpected ";"
      "
    `);
    // With --json the document still comes (a shard's result file is never empty): exit 2, each file an error entry.
    expect(noneJson.code).toBe(2);
    const doc = JSON.parse(noneJson.stdout);
    expect(doc).toMatchObject({ ok: false, exitCode: 2 });
    expect(doc.results.map((r: { scenario: string | null; error: { stage: string } }) => [r.scenario, r.error.stage])).toEqual([
      [null, "load"],
      [null, "load"],
    ]);
    expect(clean.code).toBe(2);
    expect(clean.stdout).toMatch(/^mpsc-correct: ok — 100 runs/m);
    expect(clean.stdout.trimEnd().split("\n").at(-1)).toBe("1 could not be used: test/cli-fixtures/broken/setup-throws.ts");
    expect(none.code).toBe(2);
    expect(none.stdout).toBe("");
    expect(none.stderr.replaceAll(tmp, "<tmp>")).toMatchInlineSnapshot(`
      "wakesim: no file could be loaded:
      <tmp>/broken/syntax-error.ts: could not be loaded — TransformError: Transform failed with 1 error:
        TransformError: Transform failed with 1 error:
        <tmp>/broken/syntax-error.ts:1:18: ERROR: Unexpected ";"
      test/cli-fixtures/no-default.ts has no default export (nor a named export that is a scenario): end it with \`export default defineScenario({ name, setup(sim) { ... } })\`
      "
    `);
  }, 30_000);

  it("check: a scenario whose setup throws, a file that fails to load (with the location): ERROR rows, the others are explored, exit 2", async () => {
    const dir = join(tmp, "check");
    mkdirSync(dir);
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    writeFileSync(join(dir, "a-throws.ts"), 'export default { name: "a-throws", setup() { throw new RangeError("bad size"); } };\n');
    writeFileSync(join(dir, "b-syntax.ts"), "const x: number = ;\n");
    const r = await cli(["check", dir, "--corpus", join(tmp, "check-corpus"), "--runs", "50"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^ {2}ERROR +.*a-throws\.ts +a-throws +scenario 'a-throws' could not be explored — its setup \(or its options\) threw RangeError: bad size$/m);
    expect(r.stdout).toMatch(/b-syntax\.ts: ERROR — could not be loaded:\n {2}TransformError: Transform failed with 1 error:\n {2}\S*b-syntax\.ts:1:18: ERROR: Unexpected ";"\n/);
    expect(r.stdout).toContain("check: FAILED — 2 could not be used");
  }, 30_000);
});

describe("nothing found is lost", () => {
  it("an unusable --corpus is refused before exploring, naming the directory and the fix (a path under a regular file: root cannot write there either)", async () => {
    const file = join(tmp, "a-file");
    writeFileSync(file, "");
    const [fuzz, check] = await Promise.all([
      cli(["fuzz", "fixtures/example.ts", "--corpus", join(file, "corpus")]),
      cli(["check", "test/cli-fixtures/check", "--corpus", join(file, "corpus")]),
    ]);
    for (const r of [fuzz, check]) {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).not.toContain("exploring");
    }
    expect(fuzz.stderr.replaceAll(tmp, "<tmp>")).toMatchInlineSnapshot(`
      "wakesim: --corpus <tmp>/a-file/corpus: <tmp>/a-file is a file, so the directory <tmp>/a-file/corpus cannot be created in it — give --corpus a directory you can write to (e.g. --corpus wakesim/corpus)
      "
    `);
  }, 30_000);
});

describe("SIGTERM (how CI cancels a job)", () => {
  it("prints the same summary as Ctrl-C and exits 143 — fuzz in-process, fuzz --workers 2 (restarted, the signal forwarded), check", async () => {
    const [inProcess, workers, check, json] = await Promise.all([
      stopped(["fuzz", "test/cli-fixtures/mpsc-correct.ts", "test/cli-fixtures/notify-correct.ts", "--time", "60s"], "exploring mpsc-correct", "SIGTERM"),
      stopped(["fuzz", "test/cli-fixtures/mpsc-correct.ts", "--workers", "2", "--time", "60s"], "exploring mpsc-correct", "SIGTERM"),
      stopped(["check", "test/cli-fixtures/check", "--corpus", join(tmp, "term-corpus"), "--time", "60s"], "exploring cli-toggle-notify", "SIGTERM"),
      stopped(["fuzz", "test/cli-fixtures/mpsc-correct.ts", "--time", "60s", "--json"], "exploring mpsc-correct", "SIGTERM"),
    ]);
    expect(json.code).toBe(143);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, exitCode: 143, interrupted: true, signal: "SIGTERM", results: [{ scenario: "mpsc-correct", interrupted: true }] });
    expect(inProcess.code).toBe(143);
    expect(inProcess.stderr).toContain("terminated (SIGTERM): stopping after the current slice of runs (SIGTERM again to quit at once)");
    expect(inProcess.stdout).toMatch(/^mpsc-correct: interrupted — no failure in [\d,]+ runs? \(portfolio, seed 0\)/m);
    expect(inProcess.stdout).toContain("interrupted by SIGTERM: 1 of 2 scenarios explored (not explored: notify-correct); 0 failed");
    expect(workers.code).toBe(143);
    expect(workers.stdout).toContain("interrupted by SIGTERM: 1 of 1 scenario explored; 0 failed");
    expect(check.code).toBe(143);
    expect(check.stdout).toContain("check: FAILED — terminated by SIGTERM before the budget was spent");
  }, 60_000);
});
