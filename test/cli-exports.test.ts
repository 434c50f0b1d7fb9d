/**
 * A scenario file with several exported scenarios (fuzz, check and replay pick each by name), and
 * `--executor` meeting a scenario's own executor. The real CLI in child processes, as in
 * test/cli.test.ts.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const MAIN = ["--import", "tsx", "--conditions=wakesim-source", "src/cli/main.ts"];
const TWO = "test/cli-fixtures/exports/two-scenarios.ts";
const OWN = "test/cli-fixtures/own-executor.ts";
const tmp = mkdtempSync(join(tmpdir(), "wakesim-exports-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: readonly string[]): Promise<Ran> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", CI: "true" };
  delete env.FORCE_COLOR;
  delete env.WAKESIM_REEXEC;
  return new Promise((resolve) => {
    execFile(process.execPath, [...MAIN, ...args], { cwd: root, env, maxBuffer: 64 << 20, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : null, stdout, stderr });
    });
  });
}

/** The argv of a printed `npm run wakesim -- replay …` line. */
const replayArgs = (line: string): string[] => line.replace(/^npm run wakesim -- /, "").split(" ");

describe("a file that exports several scenarios", () => {
  it("fuzz explores each, default first; the named one's bug is found, in-process and with --workers, and its replay command reproduces it", async () => {
    const [human, json, pooled] = await Promise.all([
      cli(["fuzz", TWO, "--runs", "300"]),
      cli(["fuzz", TWO, "--runs", "300", "--json"]),
      cli(["fuzz", TWO, "--runs", "300", "--json", "--workers", "2"]),
    ]);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/^notify-correct: ok — 300 runs/m);
    expect(human.stdout.indexOf("notify-correct: ok")).toBeLessThan(human.stdout.indexOf("example-buggy-notify: FAILED — lost wakeup"));
    expect(human.stdout.trimEnd().split("\n").at(-1)).toBe("1 of 2 scenarios failed: example-buggy-notify");

    const doc = JSON.parse(json.stdout);
    expect(doc.results.map((r: { scenario: string; file: string; ok: boolean }) => [r.scenario, r.file, r.ok])).toEqual([
      ["notify-correct", TWO, true],
      ["example-buggy-notify", TWO, false],
    ]);
    const failure = doc.results[1].failure;
    expect(failure.replay).toBe(`npm run wakesim -- replay ${TWO} ${failure.token}`);
    // Workers load the file by path and explore the export the main thread chose: the same failure.
    expect(pooled.code).toBe(1);
    expect(JSON.parse(pooled.stdout).results[1].failure.token).toBe(failure.token);

    const replayed = await cli(replayArgs(failure.replay));
    expect(replayed.code).toBe(1);
    expect(replayed.stdout.split("\n", 1)[0]).toBe("example-buggy-notify: FAILED — lost wakeup: 'waiter' is stuck pending (waker held, never woken)");
  }, 60_000);

  it("replay names the scenarios a file exports when none is the token's", async () => {
    const found = JSON.parse((await cli(["fuzz", TWO, "--runs", "300", "--json"])).stdout).results[1].failure.token as string;
    const r = await cli(["replay", "fixtures/busy-reactor.ts", found]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatchInlineSnapshot(
      `"wakesim: replay: fixtures/busy-reactor.ts exports no scenario named 'example-buggy-notify', the one this token was recorded for; it exports 'busy-reactor-parked' (the default export), 'busy-reactor-poll-sleep' (export 'busyReactorPollSleep'), 'busy-reactor-self-wake' (export 'busyReactorSelfWake'): replay the token against the file that printed it"`,
    );
  }, 60_000);

  it("two scenarios of one file with the same name are an error naming both exports (a token names its scenario)", async () => {
    const r = await cli(["fuzz", "test/cli-fixtures/same-name.ts"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatchInlineSnapshot(
      `"wakesim: test/cli-fixtures/same-name.ts: exports two scenarios named 'twin' (the default export and export 'other'): a replay token and a corpus entry name their scenario, so give each scenario of a file its own name"`,
    );
  }, 60_000);

  it("check explores each and replays a corpus entry of a named export against that export", async () => {
    const corpus = join(tmp, "corpus");
    const first = await cli(["check", "test/cli-fixtures/exports", "--corpus", corpus, "--runs", "300"]);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain("scenarios under test/cli-fixtures/exports: 2 scenarios in 1 of 1 file");
    expect(first.stdout).toMatch(/^ {2}ok +test\/cli-fixtures\/exports\/two-scenarios\.ts +notify-correct +300 runs/m);
    expect(first.stdout).toMatch(/^ {2}FAIL +test\/cli-fixtures\/exports\/two-scenarios\.ts +example-buggy-notify +lost wakeup/m);
    const [entry] = readdirSync(corpus);
    expect(JSON.parse(readFileSync(join(corpus, entry!), "utf8"))).toMatchObject({ scenario: "example-buggy-notify" });
    // The gate again: the entry replays against its own scenario (not the file's default) and still fails.
    const again = await cli(["check", "test/cli-fixtures/exports", "--corpus", corpus, "--runs", "300"]);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(new RegExp(`^ {2}FAIL +corpus \\S+${entry!.replace(/[.]/g, "\\.")} +example-buggy-notify +still fails: lost wakeup`, "m"));
  }, 60_000);
});

describe("--executor and a scenario's own executor", () => {
  it("keeps the scenario's own executor (the flag would have hidden its bug), with a note on stderr and in --json", async () => {
    const [human, json, plain] = await Promise.all([
      cli(["fuzz", OWN, "--runs", "300", "--executor", "work-stealing"]),
      cli(["fuzz", OWN, "--runs", "300", "--executor", "work-stealing", "--json"]),
      cli(["fuzz", OWN, "--runs", "300"]),
    ]);
    expect(plain.code).toBe(1);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/^run-queue-executor-drops-notified: FAILED — /m);
    expect(human.stderr).toContain(
      "note: scenario 'run-queue-executor-drops-notified' ships its own executor (options.executor): it is explored with that, not with --executor work-stealing (the flag applies to scenarios without their own executor)",
    );
    const r = JSON.parse(json.stdout).results[0];
    expect(r.notes[0]).toMatch(/^note: scenario 'run-queue-executor-drops-notified' ships its own executor/);
    // The same token as without the flag, and the replay command does not repeat the flag.
    expect(r.failure.token).toBe(JSON.parse((await cli(["fuzz", OWN, "--runs", "300", "--json"])).stdout).results[0].failure.token);
    expect(r.failure.replay).toBe(`npm run wakesim -- replay ${OWN} ${r.failure.token}`);
  }, 60_000);

  it("a scenario that names a built-in executor in its options is run on the flag's, with a note", async () => {
    const r = await cli(["fuzz", "test/cli-fixtures/named-executor.ts", "--runs", "50", "--executor", "work-stealing"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("note: scenario 'named-executor' names executor 'fifo' in its options: --executor work-stealing replaces it for this run");
  }, 60_000);
});
