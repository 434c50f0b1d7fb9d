/**
 * The watchdog on scenarios with async tasks (issue 13): a step that never ends — a loop with no
 * await in an async function, or a promise chain that never waits for a timer — cannot be
 * stopped in the thread that runs it, so fuzz explores such a scenario in a worker whose
 * heartbeat the main thread watches. The hang is reported with its step and token, the
 * exploration goes on past it (a bug found later is not lost), `replay` of the token stops at the
 * same step, and a poll that spawns an async task makes the exploration async. The real CLI in
 * child processes, each with a kill timeout far above what it needs.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { AsyncTasksError, explore } from "wakesim";
import pollSpawnsAsync from "./cli-fixtures/poll-spawns-async.js";
import { cli as runCli } from "./helpers.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const KILL_MS = 60_000;
const cli = (args: readonly string[]) => runCli(args, KILL_MS);

const tokenOf = (text: string, after = 0) => /token: +(ws1\.[A-Za-z0-9_-]+)/.exec(text.slice(after))?.[1];

describe("the watchdog on async scenarios", { timeout: KILL_MS + 10_000 }, () => {
  it("fuzz stops a step that never ends, says which run and step, goes on past it and finds the bug after it; --workers finds the same", async () => {
    const args = ["fuzz", "test/cli-fixtures/async-hang-then-bug.ts", "--watchdog", "1s", "--runs", "1000", "--seed", "1"];
    const [one, pooled] = await Promise.all([cli(args), cli([...args, "--workers", "2"])]);
    for (const r of [one, pooled]) {
      expect(r.signal, r.stderr).toBeNull();
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toContain("async-hang-then-bug: FAILED — watchdog: a step of a run with async tasks (or the promise reactions after it) did not return within 1s");
      expect(r.stdout).toMatch(/ {2}Run 9 \(alea, block seed 1\): step \d+ \(virtual time 1\), or the promise reactions after it, did not return within 1s\./);
      expect(r.stdout).toContain("async-hang-then-bug: FAILED — task 'saver' panicked: Error: saved before the index was flushed");
      expect(r.stdout).toContain("found by portfolio (seed 1) on run 26");
    }
    // The same runs in one worker or two: the same hang token, the same failure token.
    const bug = one.stdout.indexOf("task 'saver' panicked");
    expect(tokenOf(pooled.stdout)).toBe(tokenOf(one.stdout));
    expect(tokenOf(pooled.stdout, pooled.stdout.indexOf("task 'saver' panicked"))).toBe(tokenOf(one.stdout, bug));
  });

  it("a promise chain that never waits: the hang's token replays to the same step, where replay's watchdog stops it again", async () => {
    const fuzz = await cli(["fuzz", "test/cli-fixtures/async-livelock.ts", "--watchdog", "1s", "--runs", "1"]);
    expect(fuzz.signal, fuzz.stderr).toBeNull();
    expect(fuzz.code).toBe(1);
    const step = /Run 1 \(alea, block seed 0\): step (\d+) \(virtual time 1\)/.exec(fuzz.stdout)?.[1];
    expect(step, fuzz.stdout).toBeDefined();
    const token = tokenOf(fuzz.stdout);
    expect(token).toBeDefined();
    expect(fuzz.stdout).toContain(`replay test/cli-fixtures/async-livelock.ts ${token!} --watchdog 1s`);
    const again = await cli(["replay", "test/cli-fixtures/async-livelock.ts", token!, "--watchdog", "1s"]);
    expect(again.signal, again.stderr).toBeNull();
    expect(again.code).toBe(1);
    expect(again.stdout).toContain(`The replayed run: step ${step!} (virtual time 1), or the promise reactions after it, did not return within 1s.`);
  });

  it("a poll that spawns an async task: explore() says so, naming the task; fuzz explores it async, and replay reproduces the find", async () => {
    expect(() => explore(pollSpawnsAsync, { runs: 5 })).toThrow(AsyncTasksError);
    expect(() => explore(pollSpawnsAsync, { runs: 5 })).toThrow(/task 'starter' spawned an async task in its poll/);
    const fuzz = await cli(["fuzz", "test/cli-fixtures/poll-spawns-async.ts", "--runs", "100"]);
    expect(fuzz.code, fuzz.stderr).toBe(1);
    expect(fuzz.stdout).toContain("poll-spawns-async: FAILED — task 'checker' panicked: Error: b before a");
    const again = await cli(["replay", "test/cli-fixtures/poll-spawns-async.ts", tokenOf(fuzz.stdout)!]);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain("poll-spawns-async: FAILED — task 'checker' panicked: Error: b before a");
  });

  it("where nothing can stop it (exploreAsync in the user's process), a stuck run is at least said on stderr: scenario, step, what to do", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=wakesim-source", "test/cli-fixtures/stall-script.ts"], { cwd: root, env: { ...process.env, WAKESIM_STALL_NOTICE_MS: "1000" } });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const said = await new Promise<boolean>((resolve) => {
      const give = setTimeout(() => resolve(false), 20_000);
      child.stderr.on("data", () => {
        if (stderr.includes("npx wakesim fuzz")) {
          clearTimeout(give);
          resolve(true);
        }
      });
    });
    child.kill("SIGKILL");
    expect(said, stderr).toBe(true);
    expect(stderr).toMatch(/wakesim: a run of scenario 'async-livelock' has not finished its step \d+ \(or the promise reactions after it\) for about \d+ s\./);
  });
});

