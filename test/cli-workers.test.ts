/**
 * End-to-end tests of `fuzz --workers N` and the watchdog: the real CLI in a child process, as
 * in test/cli.test.ts. Independent processes run in parallel.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const MAIN = ["--import", "tsx", "--conditions=wakesim-source", "src/cli/main.ts"];

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", CI: "true", ...extra };
  delete env.FORCE_COLOR;
  delete env.WAKESIM_REEXEC;
  return env;
}

/** Runs `wakesim <args>` from source, or with `main` the given entry point (the built CLI). */
function cli(args: readonly string[], main: readonly string[] = MAIN): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...main, ...args], { cwd: root, env: childEnv(), maxBuffer: 64 << 20, timeout: 60_000 }, (err, stdout, stderr) => {
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
  }, 30_000);

  it("runs a correct scenario to its full run count with 2 workers and exits 0 (the same counts as in-process)", async () => {
    const [pooled, inProcess] = await Promise.all([
      cli(["fuzz", "test/cli-fixtures/mpsc-correct.ts", "--workers", "2", "--runs", "2500", "--json"]),
      cli(["fuzz", "test/cli-fixtures/mpsc-correct.ts", "--runs", "2500", "--json"]),
    ]);
    expect(pooled.code).toBe(0);
    const a = JSON.parse(pooled.stdout).results[0];
    const b = JSON.parse(inProcess.stdout).results[0];
    expect(a.ok).toBe(true);
    expect(a.runs).toBe(2500);
    expect(a.blocks.map((x: { runs: number }) => x.runs)).toEqual([1000, 1000, 500]);
    expect([a.runs, a.steps, a.distinctSchedules]).toEqual([b.runs, b.steps, b.distinctSchedules]);
  }, 30_000);

  it("stops a poll that never returns with the watchdog, names the task, reports its token, goes on, and replay --watchdog reports it too", async () => {
    const r = await cli(["fuzz", "test/cli-fixtures/infinite-loop.ts", "--workers", "2", "--watchdog", "1s", "--runs", "3000"]);
    expect(r.code).toBe(1);
    const headline = "infinite-loop: FAILED — watchdog: the poll of task 'spinner' did not return within 1s (an infinite loop in a future's poll?)";
    expect(r.stdout.split("\n")[0]).toBe(headline);
    // This scenario hangs on many schedules: each worker stops at 3 hangs in a block, the pool
    // hands out no more blocks after 3, and every one is reported.
    const reported = r.stdout.split(headline).length - 1;
    expect(reported).toBeGreaterThanOrEqual(3);
    expect(r.stdout).toMatch(new RegExp(`^infinite-loop: ${reported} runs stopped by the watchdog.* — exploration stopped after 3 hangs`, "m"));
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
      [["--workers", "2", "--strategy", "exhaustive"], /--workers cannot run --strategy exhaustive/],
    ];
    const ran = await Promise.all(cases.map(([args]) => cli(["fuzz", "fixtures/example.ts", ...args])));
    ran.forEach((r, i) => {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(cases[i]![1]);
      expect(r.stdout).toBe("");
    });
    const replay = await cli(["replay", "fixtures/example.ts", "ws1.AAAA", "--watchdog", "soon"]);
    expect(replay.code).toBe(2);
  }, 30_000);
});

/*
 * `fuzz --workers 2` starts the command again in a child node (src/cli/reexec.ts). These tests
 * find that child through /proc: every process started here carries a fresh WAKESIM_TEST_RUN tag
 * in its environment (the re-exec'd child inherits it), so concurrent wakesim runs on the same
 * machine are never mistaken for ours. Where there is no /proc (not Linux), they are skipped.
 */
const hasProc = existsSync("/proc/self/environ");

interface Tagged {
  readonly pid: number;
  /** True for the process main.ts started again with --single-threaded-gc. */
  readonly reexec: boolean;
}

/** The live processes whose environment holds WAKESIM_TEST_RUN=<tag>. */
function tagged(tag: string): Tagged[] {
  const found: Tagged[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let env: string[];
    let state: string;
    try {
      env = readFileSync(`/proc/${name}/environ`, "utf8").split("\0");
      state = readFileSync(`/proc/${name}/stat`, "utf8").replace(/^.*\) /s, "")[0]!;
    } catch {
      continue; // gone meanwhile, or not ours
    }
    if (state === "Z" || !env.includes(`WAKESIM_TEST_RUN=${tag}`)) continue; // a zombie has ended
    found.push({ pid: Number(name), reexec: env.includes("WAKESIM_REEXEC=1") });
  }
  return found;
}

async function until<T>(what: string, ms: number, probe: () => T | undefined): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  readonly tag: string;
  readonly out: { stdout: string; stderr: string };
  /** The parent's exit code (its exit, not the end of the output). */
  readonly exited: Promise<number | null>;
  /** All output is closed: every process holding the pipes (the re-exec'd child too) is gone. */
  readonly closed: Promise<void>;
}

const started: Running[] = [];

/** Starts `wakesim <args>` from source, tagged; afterEach kills whatever of it is left. */
function start(args: readonly string[]): Running {
  const tag = randomUUID();
  const child = spawn(process.execPath, [...MAIN, ...args], { cwd: root, env: childEnv({ WAKESIM_TEST_RUN: tag }) });
  const out = { stdout: "", stderr: "" };
  child.stdout.on("data", (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const r = { child, tag, out, exited, closed };
  started.push(r);
  return r;
}

afterEach(() => {
  // A failed test must not leave a 60-second fuzz behind.
  for (const r of started.splice(0)) {
    r.child.kill("SIGKILL");
    if (hasProc) for (const p of tagged(r.tag)) process.kill(p.pid, "SIGKILL");
  }
});

/** A plain periodic progress line (stderr, under CI: one every 10 s of exploring). */
const PROGRESS = /^wakesim: mpsc-correct: ([\d,]+) runs, [\d,]+ runs\/s, ([\d,]+) distinct schedules, /m;
const num = (s: string): number => Number(s.replaceAll(",", ""));

describe.skipIf(!hasProc)("wakesim fuzz --workers 2, restarted with single-threaded GC: signals and the parent's death", () => {
  it("progress counts the distinct schedules of finished blocks; Ctrl-C stops the pool, prints what was explored, exits 130 and leaves no process", async () => {
    const r = start(["fuzz", "test/cli-fixtures/mpsc-correct.ts", "--workers", "2", "--time", "60s"]);
    const reexec = await until("the re-exec'd child", 10_000, () => tagged(r.tag).find((p) => p.reexec));
    const line = await until("a periodic progress line", 25_000, () => PROGRESS.exec(r.out.stderr) ?? undefined);
    const [progressRuns, progressDistinct] = [num(line[1]!), num(line[2]!)];
    expect(progressRuns).toBeGreaterThanOrEqual(1000); // a whole block finished
    expect(progressDistinct).toBeGreaterThan(0);
    expect(progressDistinct).toBeLessThanOrEqual(progressRuns);

    r.child.kill("SIGINT"); // the parent, as a terminal's Ctrl-C would; it forwards to the child
    expect(await r.exited).toBe(130);
    await r.closed;
    // Stopped by Ctrl-C, not by the 60 s budget: it says so (no wall-clock duration is asserted;
    // the test's own timeout, below the budget, catches a pool that does not stop).
    expect(r.out.stderr).toContain("interrupted: stopping after the current slice of runs");
    const head = /^mpsc-correct: interrupted — no failure in ([\d,]+) runs \(portfolio, seed 0\), ([\d,]+) distinct schedules/m.exec(r.out.stdout);
    expect(head, r.out.stdout).not.toBeNull();
    // The result counts every block that finished before Ctrl-C: at least what progress showed.
    expect(num(head![1]!)).toBeGreaterThanOrEqual(progressRuns);
    expect(num(head![2]!)).toBeGreaterThanOrEqual(progressDistinct);
    expect(r.out.stdout).toContain("interrupted by Ctrl-C: 1 of 1 scenario explored; 0 failed");
    expect(tagged(r.tag).map((p) => p.pid)).not.toContain(reexec.pid);
    expect(tagged(r.tag)).toEqual([]);
  }, 45_000);

  it("when the parent is killed (SIGKILL) while exploring, the child stops on its own as on Ctrl-C", async () => {
    const r = start(["fuzz", "test/cli-fixtures/mpsc-correct.ts", "--workers", "2", "--time", "60s"]);
    const reexec = await until("the re-exec'd child", 10_000, () => tagged(r.tag).find((p) => p.reexec));
    // The child prints this once the scenario is loaded, just before the pool starts exploring.
    await until("the exploring line", 15_000, () => (r.out.stderr.includes("wakesim: exploring mpsc-correct") ? true : undefined));
    await new Promise((res) => setTimeout(res, 500));
    r.child.kill("SIGKILL");
    expect(await r.exited).toBe(null);
    await until("the re-exec'd child to stop", 5_000, () => (tagged(r.tag).length === 0 ? true : undefined));
    await r.closed; // its output closed too
    expect(tagged(r.tag).map((p) => p.pid)).not.toContain(reexec.pid);
    // It stopped cleanly (the IPC channel closed: stop as on Ctrl-C), not by dying.
    expect(r.out.stdout).toContain("interrupted by Ctrl-C: 1 of 1 scenario explored; 0 failed");
  }, 30_000);

  it("when the parent dies while the child is still starting up, the child stops too, without an internal error", async () => {
    const r = start(["fuzz", "test/cli-fixtures/mpsc-correct.ts", "--workers", "2", "--time", "60s"]);
    // Killed as soon as the child exists: long before it has loaded wakesim and watches the channel.
    const reexec = await until("the re-exec'd child", 10_000, () => tagged(r.tag).find((p) => p.reexec));
    r.child.kill("SIGKILL");
    await until("the re-exec'd child to stop", 8_000, () => (tagged(r.tag).length === 0 ? true : undefined));
    await r.closed;
    expect(tagged(r.tag).map((p) => p.pid)).not.toContain(reexec.pid);
    expect(r.out.stderr).not.toContain("internal error");
    expect(r.out.stdout).not.toContain("mpsc-correct:"); // it never explored
  }, 30_000);

  it("SIGTERM to the parent ends the command with 143, as without the second process (not 1, which means a violation)", async () => {
    const r = start(["fuzz", "test/cli-fixtures/mpsc-correct.ts", "--workers", "2", "--time", "60s"]);
    await until("the exploring line", 15_000, () => (r.out.stderr.includes("wakesim: exploring mpsc-correct") ? true : undefined));
    r.child.kill("SIGTERM");
    expect(await r.exited).toBe(143);
    await r.closed;
    expect(tagged(r.tag)).toEqual([]);
  }, 30_000);
});

describe("the built CLI (dist/cli/main.js, what `npx wakesim` runs) with --workers 2", () => {
  const DIST = ["dist/cli/main.js"];

  it("finds the example's bug and prints a replay line that the built CLI reproduces; a correct scenario runs its full count", async () => {
    expect(existsSync(`${root}dist/cli/main.js`), "dist/ is missing: npm run prepare builds it (npm test does)").toBe(true);
    const [found, clean] = await Promise.all([
      cli(["fuzz", "fixtures/example.ts", "--workers", "2"], DIST),
      cli(["fuzz", "test/cli-fixtures/mpsc-correct.ts", "--workers", "2", "--runs", "3000", "--json"], DIST),
    ]);
    expect(found.code).toBe(1);
    const headline = "example-buggy-notify: FAILED — lost wakeup: 'waiter' is stuck pending (waker held, never woken)";
    expect(found.stdout.split("\n")[0]).toBe(headline);
    const command = /^ {2}command: +(.+)$/m.exec(found.stdout)?.[1];
    expect(command).toMatch(/^npx wakesim replay fixtures\/example\.ts ws1\.[\w-]+$/);
    const again = await cli(command!.replace(/^npx wakesim /, "").split(" "), DIST);
    expect(again.code).toBe(1);
    expect(again.stdout.split("\n")[0]).toBe(headline);

    expect(clean.code, clean.stderr).toBe(0);
    const doc = JSON.parse(clean.stdout);
    expect(doc).toMatchObject({ ok: true, exitCode: 0, results: [{ scenario: "mpsc-correct", ok: true, runs: 3000, failure: null }] });
  }, 30_000);
});
