/**
 * End-to-end tests of `fuzz --workers N` and the watchdog: the real CLI in a child process, as
 * in test/cli.test.ts. Independent processes run in parallel.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const MAIN = ["--import", "tsx", "--conditions=wakesim-source", "src/cli/main.ts"];

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: readonly string[]): Promise<Ran> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", CI: "true" };
  delete env.FORCE_COLOR;
  return new Promise((resolve) => {
    execFile(process.execPath, [...MAIN, ...args], { cwd: root, env, maxBuffer: 64 << 20, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : null, stdout, stderr });
    });
  });
}

/** The argv of a printed `npm run wakesim -- replay …` line. */
const replayArgs = (line: string): string[] => line.replace(/^npm run wakesim -- /, "").split(" ");

describe("wakesim fuzz --workers", () => {
  it("finds the example's bug with 2 workers, the same failure as in-process, and its replay line reproduces it", async () => {
    const [pooled, inProcess] = await Promise.all([
      cli(["fuzz", "fixtures/example.ts", "--workers", "2", "--json"]),
      cli(["fuzz", "fixtures/example.ts", "--json"]),
    ]);
    expect(pooled.code).toBe(1);
    const a = JSON.parse(pooled.stdout).results[0];
    const b = JSON.parse(inProcess.stdout).results[0];
    expect(a.failure.message).toBe("example-buggy-notify: FAILED — lost wakeup: 'waiter' is stuck pending (waker held, never woken)");
    for (const k of ["token", "run", "seed", "replay"]) expect(a.failure[k]).toBe(b.failure[k]);
    expect([a.runs, a.steps, a.distinctSchedules]).toEqual([b.runs, b.steps, b.distinctSchedules]);
    expect(a.failure.replay).toMatch(/^npm run wakesim -- replay fixtures\/example\.ts ws1\.[\w-]+$/);
    const again = await cli(replayArgs(a.failure.replay));
    expect(again.code).toBe(1);
    expect(again.stdout.split("\n")[0]).toBe(a.failure.message);
  });

  it("runs a correct scenario to its full run count with 2 workers and exits 0 (the same counts as in-process)", async () => {
    const [pooled, inProcess] = await Promise.all([
      cli(["fuzz", "fixtures/mpsc.ts", "--workers", "2", "--runs", "2500", "--json"]),
      cli(["fuzz", "fixtures/mpsc.ts", "--runs", "2500", "--json"]),
    ]);
    expect(pooled.code).toBe(0);
    const a = JSON.parse(pooled.stdout).results[0];
    const b = JSON.parse(inProcess.stdout).results[0];
    expect(a.ok).toBe(true);
    expect(a.runs).toBe(2500);
    expect(a.blocks.map((x: { runs: number }) => x.runs)).toEqual([1000, 1000, 500]);
    expect([a.runs, a.steps, a.distinctSchedules]).toEqual([b.runs, b.steps, b.distinctSchedules]);
  });

  it("stops a poll that never returns with the watchdog, reports its token, goes on, and replay --watchdog reports it too", async () => {
    const start = Date.now();
    const r = await cli(["fuzz", "test/cli-fixtures/infinite-loop.ts", "--workers", "2", "--watchdog", "1s", "--runs", "3000"]);
    expect(r.code).toBe(1);
    expect(Date.now() - start).toBeLessThan(30_000);
    const headline = "infinite-loop: FAILED — watchdog: a poll did not return within 1s (an infinite loop in a future's poll?)";
    expect(r.stdout.split("\n")[0]).toBe(headline);
    // Every block hangs on this scenario sooner or later: three blocks, three reports (it went on).
    expect(r.stdout.split(headline).length - 1).toBe(3);
    expect(r.stdout).toMatch(/^infinite-loop: 3 runs stopped by the watchdog/m);
    const line = /^ {2}command: +(.+)$/m.exec(r.stdout)?.[1];
    expect(line).toMatch(/^npm run wakesim -- replay test\/cli-fixtures\/infinite-loop\.ts ws1\.[\w-]+ --watchdog 1s$/);
    const again = await cli(replayArgs(line!));
    expect(again.code).toBe(1);
    expect(again.stdout.split("\n")[0]).toBe(headline);
  }, 60_000);

  it("rejects bad --workers and --watchdog values with a clear message and exit 2", async () => {
    const cases: [string[], RegExp][] = [
      [["--workers", "0"], /--workers must be a whole number of worker threads from 1 to 256, like --workers 2 .*got '0'/],
      [["--workers", "two"], /--workers must be a whole number .*got 'two'/],
      [["--watchdog", "10"], /--watchdog must be a duration with a unit, like --watchdog 30s.*got '10' \(add a unit: s for seconds\)/],
      [["--workers", "2", "--strategy", "exhaustive"], /--workers and --watchdog cannot run --strategy exhaustive/],
    ];
    const ran = await Promise.all(cases.map(([args]) => cli(["fuzz", "fixtures/example.ts", ...args])));
    ran.forEach((r, i) => {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(cases[i]![1]);
      expect(r.stdout).toBe("");
    });
    const replay = await cli(["replay", "fixtures/example.ts", "ws1.AAAA", "--watchdog", "soon"]);
    expect(replay.code).toBe(2);
  });
});
