/**
 * A CI gate never hangs (issue 11): a poll that never returns (`while (...) {}` in a future) is
 * stopped by the watchdog — on by default — in `fuzz`, `check`, `replay` and `simTest`, the hang
 * report names the task and the future, the rest of the block is still explored, and Ctrl-C or
 * SIGTERM during a hang stops the command at once. The real CLI in child processes; each has a
 * kill timeout far above what it needs, so that a regression fails the test instead of hanging it.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const MAIN = ["--import", "tsx", "--conditions=wakesim-source", "src/cli/main.ts"];
const HANG_THEN_BUG = "test/cli-fixtures/hang-then-bug.ts";
const SPIN = "test/cli-fixtures/infinite-loop.ts";
/** Far above what any command here needs; a command that hangs is killed at this point and fails. */
const KILL_MS = 40_000;

interface Ran {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", CI: "true" };
  delete e.FORCE_COLOR;
  delete e.WAKESIM_REEXEC;
  return e;
}

function run(argv: readonly string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, argv, { cwd: root, env: env(), maxBuffer: 64 << 20, timeout: KILL_MS, killSignal: "SIGKILL" }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: unknown; signal?: string | null }) | null;
      resolve({ code: e === null ? 0 : typeof e.code === "number" ? e.code : null, signal: e?.signal ?? null, stdout, stderr });
    });
  });
}
const cli = (args: readonly string[]): Promise<Ran> => run([...MAIN, ...args]);


const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("the watchdog, on by default", { timeout: KILL_MS + 5000 }, () => {
  it("fuzz (in-process): names the task and future of the hang, goes on, and finds the bug later in the same block", async () => {
    const r = await cli(["fuzz", HANG_THEN_BUG, "--watchdog", "1s", "--runs", "1000"]);
    expect(r.signal).toBeNull(); // not killed: it did not hang
    expect(r.code).toBe(1);
    const hang = r.stdout.slice(0, r.stdout.indexOf("\n\nhang-then-bug: FAILED — task 'saver' panicked"));
    expect(hang).toMatchInlineSnapshot(`
      "hang-then-bug: FAILED — watchdog: the poll of task 'loader' did not return within 1s (an infinite loop in a future's poll?)

      What happened
        Run 3 (portfolio, block seed 0): the poll of task 'loader' (its poll 1, awaiting loader-step) at step 3, virtual time 0 did not return within 1s.
        It was stopped; the exploration went on with the next run.

      Why it usually happens
        A loop inside poll that never returns: a spin-wait for a flag or a message that another task
        would provide (no other task runs while one poll runs), or a retry loop that never gives up.
        A poll must return Pending, with its waker stored where the awaited event will wake it, instead
        of waiting in place.

      Reproduce
        token:   ws1.vtOImQcAA3BjdA1oYW5nLXRoZW4tYnVnAwEAAQ
        command: npm run wakesim -- replay test/cli-fixtures/hang-then-bug.ts ws1.vtOImQcAA3BjdA1oYW5nLXRoZW4tYnVnAwEAAQ --watchdog 1s
        The replay runs the schedule up to the poll that hangs, where the watchdog stops it again.

      Hint
        Look at the loops in the poll of task 'loader' (in loader-step):
        each must end, or return Pending. To see the exact line, replay the token under \`node --inspect\` with
        --watchdog off and pause in the debugger; or count iterations and throw past a limit (a thrown
        panic gets a full wakesim report with a timeline)."
    `);
    // Run 3 hung; the panic is on run 5 of the same block: the exploration went on past the hang.
    expect(r.stdout).toContain("found by portfolio (seed 0) on run 5");
  });

  it("fuzz --json: the hang and the later failure, with counts that add up", async () => {
    const r = await cli(["fuzz", HANG_THEN_BUG, "--watchdog", "1s", "--runs", "1000", "--json"]);
    expect(r.code).toBe(1);
    const res = JSON.parse(r.stdout).results[0];
    expect(res.runs).toBe(5); // runs 1–5: the hung run 3 counts, the failure on 5 ends it
    expect(res.failure.run).toBe(5);
    expect(res.hangs.map((h: { run: number; message: string }) => [h.run, h.message])).toEqual([
      [3, "hang-then-bug: FAILED — watchdog: the poll of task 'loader' did not return within 1s (an infinite loop in a future's poll?)"],
    ]);
  });

  it("fuzz --workers 2: the worker's own watchdog names the task and the block goes on to the bug", async () => {
    const r = await cli(["fuzz", HANG_THEN_BUG, "--watchdog", "1s", "--runs", "1000", "--workers", "2", "--json"]);
    expect(r.code).toBe(1);
    const res = JSON.parse(r.stdout).results[0];
    expect([res.runs, res.failure.run, res.hangs.map((h: { run: number }) => h.run)]).toEqual([5, 5, [3]]);
    expect(res.hangs[0].message).toContain("the poll of task 'loader' did not return within 1s");
  });

  it("fuzz stops a scenario after 3 hangs, each named, and says why", async () => {
    const r = await cli(["fuzz", SPIN, "--watchdog", "1s", "--runs", "1000"]);
    expect(r.code).toBe(1);
    expect(r.stdout.split("infinite-loop: FAILED — watchdog: the poll of task 'spinner' did not return within 1s").length - 1).toBe(3);
    expect(r.stdout).toMatch(/^infinite-loop: 3 runs stopped by the watchdog, no other failure in [\d,]+ runs .* — exploration stopped after 3 hangs: fix the first, then run it again$/m);
  });

  it("replay: a hang's token is stopped again and reported with the task", async () => {
    const r = await cli(["replay", HANG_THEN_BUG, "ws1.vtOImQcAA3BjdA1oYW5nLXRoZW4tYnVnAwEAAQ", "--watchdog", "1s"]);
    expect(r.code).toBe(1);
    expect(r.stdout.split("\n").slice(0, 5).join("\n")).toMatchInlineSnapshot(`
      "hang-then-bug: FAILED — watchdog: the poll of task 'loader' did not return within 1s (an infinite loop in a future's poll?)

      What happened
        The replayed run: the poll of task 'loader' (its poll 1, awaiting loader-step) at step 3, virtual time 0 did not return within 1s.
        It was stopped; nothing else was run."
    `);
  });

  it("check: --watchdog and --workers like fuzz; the hanging scenario fails the gate by name, no corpus entry for it", async () => {
    const corpus = mkdtempSync(join(tmpdir(), "wakesim-watchdog-"));
    dirs.push(corpus);
    const [inProcess, pooled] = await Promise.all([
      cli(["check", "test/cli-fixtures/watchdog-check", "--corpus", corpus, "--watchdog", "1s", "--runs", "200"]),
      cli(["check", "test/cli-fixtures/watchdog-check", "--corpus", corpus, "--watchdog", "1s", "--runs", "200", "--workers", "2"]),
    ]);
    for (const r of [inProcess, pooled]) {
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^ *FAIL +test\/cli-fixtures\/watchdog-check\/spin\.ts +infinite-loop +watchdog: the poll of task 'spinner' did not return within 1s .*\(run \d+\)$/m);
      expect(r.stdout).toContain("check: FAILED — 1 scenario failed (infinite-loop)");
    }
    expect(readdirSync(corpus)).toEqual([]);
  });

  it("check: a corpus entry whose replay hangs still fails the gate, by name, and the gate goes on", async () => {
    const corpus = mkdtempSync(join(tmpdir(), "wakesim-watchdog-corpus-"));
    dirs.push(corpus);
    writeFileSync(
      join(corpus, "infinite-loop--hang.json"),
      JSON.stringify({
        format: 1,
        scenario: "infinite-loop",
        file: join(root, "test/cli-fixtures/watchdog-check/spin.ts"),
        token: "ws1.vtOImQcABGFsZWENaW5maW5pdGUtbG9vcAEB", // the spinner polled first: it hangs
        oracle: { kind: "panic", sub: null, diagnosis: null },
        firstLine: "infinite-loop: FAILED — task 'spinner' panicked",
      }),
    );
    const r = await cli(["check", "test/cli-fixtures/watchdog-check", "--corpus", corpus, "--watchdog", "1s", "--runs", "1"]);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ *FAIL +corpus .*infinite-loop--hang\.json +infinite-loop +still fails: watchdog: the poll of task 'spinner' did not return within 1s/m);
    expect(r.stdout).toMatch(/^scenarios under test\/cli-fixtures\/watchdog-check: 1 scenario in 1 of 1 file$/m); // it went on to fuzz
  });

  it("--watchdog off turns it off (documented in --help), and a bad value names the way out", async () => {
    const [help, bad, short] = await Promise.all([
      cli(["fuzz", "--help"]),
      cli(["check", "fixtures", "--watchdog", "soon"]),
      cli(["replay", HANG_THEN_BUG, "ws1.vtOImQcAA3BjdA1oYW5nLXRoZW4tYnVnAwEAAQ", "--watchdog", "5ms"]),
    ]);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatchInlineSnapshot(`
      "wakesim: --watchdog must be at least 100ms (a shorter limit would stop runs that are merely slow); got '5ms'
      "
    `);
    expect(help.stdout).toContain("[--watchdog 10s|off]");
    expect(help.stdout).toContain("(default 10s; off: no watchdog)");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatchInlineSnapshot(`
      "wakesim: --watchdog must be a duration with a unit, like --watchdog 30s, 2m, 500ms or 1m30s; got 'soon'; or --watchdog off to run without it
      "
    `);
  });
});

describe("signals while a poll hangs", { timeout: KILL_MS + 5000 }, () => {
  /** Starts `fuzz spin-forever`, waits until its poll spins, sends `signal`; resolves with what it printed. */
  async function signalWhileHung(signal: "SIGINT" | "SIGTERM", extra: string[]) {
    const child = spawn(process.execPath, [...MAIN, "fuzz", "test/cli-fixtures/spin-forever.ts", "--runs", "1000", ...extra], { cwd: root, env: env() });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    const kill = setTimeout(() => child.kill("SIGKILL"), KILL_MS);
    const exited = new Promise<[number | null, string | null]>((resolve) => child.once("exit", (c, s) => resolve([c, s])));
    // The scenario's poll says it starts spinning: signal while it hangs.
    await new Promise<void>((resolve) => {
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes("spin-forever: spinning")) resolve();
      });
    });
    child.kill(signal);
    const [code, sig] = await exited;
    clearTimeout(kill);
    return { code, sig, stdout, stderr };
  }

  // No JavaScript runs while a poll spins: a signal's handler runs when the watchdog stops the
  // poll. The exploration must then stop — not go on to the next hangs (it did: 3 hangs, 3 × the
  // watchdog time, before the signal was seen). Ctrl-C does not cut the poll short with the vm's
  // breakOnSigint: that loses a Ctrl-C landing between two guarded calls (src/cli/engine.ts).
  for (const [signal, said, by] of [
    ["SIGINT", "interrupted: stopping after the current slice of runs", "interrupted by Ctrl-C"],
    ["SIGTERM", "terminated (SIGTERM): stopping after the current slice of runs", "interrupted by SIGTERM"],
  ] as const) {
    it(`${signal} during a hang stops fuzz as soon as the watchdog ends the poll, with the hang's report and the summary (exit 1: the hang is a finding)`, async () => {
      const { code, sig, stdout, stderr } = await signalWhileHung(signal, ["--watchdog", "2s"]);
      expect(sig, `${stderr}\n${stdout}`).toBeNull();
      expect(code, `${stderr}\n${stdout}`).toBe(1);
      expect(stderr).toContain(said);
      expect(stdout).toContain("spin-forever: FAILED — watchdog: the poll of task 'busy' did not return within 2s");
      expect(stdout).toContain("spin-forever: 1 run stopped by the watchdog");
      expect(stdout).toContain(`${by}: 1 of 1 scenario explored; 1 failed`);
    });
  }
});

describe("simTest", { timeout: KILL_MS + 5000 }, () => {
  // vitest's default pool (forks), and vmThreads, where the test's globalThis is a vm context's.
  for (const pool of [[], ["--pool", "vmThreads"]]) {
    it(`fails a test whose poll never returns, naming the task, instead of hanging the test run (${pool[1] ?? "default pool"})`, async () => {
      const r = await run([fileURLToPath(new URL("../node_modules/vitest/vitest.mjs", import.meta.url)), "run", "--config", "test/simtest-fixtures/hang/vitest.config.ts", ...pool]);
      expect(r.signal).toBeNull();
      expect(r.code).toBe(1);
      const out = r.stdout + r.stderr;
      expect(out).toContain("hang-then-bug: FAILED — watchdog: the poll of task 'loader' (its poll 1, awaiting loader-step) at step 3, virtual time 0 did not return within 1000 ms");
      expect(out).toContain("WAKESIM_REPLAY=ws1.vtOImQcAA3BjdA1oYW5nLXRoZW4tYnVnAwEAAQ");
      expect(out).toMatch(/hang\.simtest\.ts:6:1/); // the simTest(...) line
    });
  }
});
