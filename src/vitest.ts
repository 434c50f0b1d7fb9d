/**
 * wakesim/vitest: `simTest(name, scenario, options)` registers a vitest test that explores the
 * scenario and fails with the report.
 *
 * - The seed is fixed (default 0, or WAKESIM_SEED) and printed under CI, so a CI failure is
 *   reproducible on a laptop.
 * - On failure, the error's message is the report, and its stack points at the user's `simTest`
 *   line (so CI annotations land there, not inside wakesim).
 * - To rerun exactly the failing schedule with its full trace: WAKESIM_REPLAY=<token> and the
 *   same test filter — the message prints that command. The token applies only to the simTest
 *   whose scenario it names (the token carries the scenario's name): the other simTests of the
 *   run explore as usual, rather than fail on a token recorded for another scenario.
 * - A poll that never returns fails the test instead of hanging the test run: the exploration
 *   runs under the in-process watchdog (src/explore/watchdog.ts, `watchdogMs`, default 10 s).
 * - A scenario with async tasks is explored with exploreAsync (replayed with replayAsync), with
 *   no watchdog yet: vitest's test timeout fails a run that keeps yielding to the event loop, but
 *   nothing stops one whose code never yields (a synchronous endless loop in an async task).
 * - Importing this module also registers the poll matchers (`toBePending`, `toBeReadyWith`,
 *   `toBeWoken`, …: vitest-matchers.ts) for the mock tasks of "Unit-testing a future, poll by poll".
 * - vitest is an optional peer dependency of wakesim: only this module and vitest-matchers.ts import it.
 */
import { test } from "vitest";
import "./vitest-matchers.js";
export type { PollMatchers } from "./vitest-matchers.js";
import { explore, exploreAsync, simOptionsOf, type ExploreOptions } from "./explore/explore.js";
import { AsyncTasksError } from "./core/errors.js";
import { describeSite, guard, spawnsAsyncTasksGuarded } from "./explore/watchdog.js";
import { HANG_WHY, watchdogHeadline } from "./explore/hang-text.js";
import type { RunHang } from "./explore/watched.js";
import { replay, replayAsync, type Scenario } from "./sim/scenario.js";
import { formatReport } from "./report/report.js";
import { parseToken } from "./trace/token.js";

export interface SimTestOptions extends Omit<ExploreOptions, "watchdogMs"> {
  /** vitest's per-test timeout in ms (default 60 000). */
  testTimeoutMs?: number;
  /**
   * A run whose poll does not return within this many ms fails the test with a report naming
   * the task (default 10 000; false: off). On by default because vitest's own timeout cannot
   * stop synchronous code: a `while (true) {}` in a poll would hang the whole test run.
   */
  watchdogMs?: number | false;
}

/** simTest's watchdog time when none is given. */
export const SIM_TEST_WATCHDOG_MS = 10_000;

/** Thrown by a failing simTest; `message` is the full report. */
export class SimTestFailure extends Error {
  override readonly name = "SimTestFailure";
}

export function simTest(name: string, scenario: Scenario, opts: SimTestOptions = {}): void {
  const { testTimeoutMs, watchdogMs, ...rest } = opts;
  const exploreOpts: ExploreOptions = watchdogMs === false ? rest : { ...rest, watchdogMs: watchdogMs ?? SIM_TEST_WATCHDOG_MS };
  const site = new Error("simTest registered here"); // its stack is the user's line
  test(
    name,
    async () => {
      // A scenario with async tasks runs with exploreAsync/replayAsync, without the watchdog (a run
      // that awaits cannot be stopped by the vm watchdog; one that never yields hangs the test run).
      // One whose setup spawns none but a poll does is found so by its first such run (AsyncTasksError).
      let isAsync = spawnsAsyncTasksGuarded(scenario, simOptionsOf(rest), exploreOpts.watchdogMs);
      const orAsync = async <R>(sync: () => R, async: () => Promise<R>): Promise<R> => {
        if (isAsync) return async();
        try {
          return sync();
        } catch (e) {
          if (!(e instanceof AsyncTasksError)) throw e;
          isAsync = true;
          return async();
        }
      };
      const seed = opts.seed ?? (process.env.WAKESIM_SEED !== undefined ? Number(process.env.WAKESIM_SEED) : 0);
      const token = process.env.WAKESIM_REPLAY;
      const rerun = `WAKESIM_REPLAY=<token> npx vitest run -t ${JSON.stringify(name)}`;
      if (token !== undefined && token !== "" && namesScenario(token, scenario, site)) {
        const run = () => replay(scenario, token, simOptionsOf(exploreOpts));
        const g = await orAsync(
          () => (exploreOpts.watchdogMs === undefined ? { kind: "ok" as const, value: run() } : guard(run, { timeoutMs: exploreOpts.watchdogMs })),
          async () => ({ kind: "ok" as const, value: await replayAsync(scenario, token, simOptionsOf(rest)) }),
        );
        if (g.kind !== "ok") throw failure(`${scenario.name}: FAILED — watchdog: ${describeSite(g.site)} did not return within ${exploreOpts.watchdogMs} ms (replaying ${token})`, site);
        const out = g.value;
        if (!out.ok) throw failure(`${formatReport(out, { scenario: scenario.name })}`, site);
        return;
      }
      if (process.env.CI) console.log(`wakesim: '${name}' (scenario ${scenario.name}) seed=${String(seed)} runs=${opts.runs ?? 10_000}`);
      const r = await orAsync(
        () => explore(scenario, { ...exploreOpts, seed }),
        () => exploreAsync(scenario, { ...rest, seed }),
      );
      if (r.ok) return;
      if (r.hang != null) throw failure(hangMessage(scenario.name, r.hang, exploreOpts.watchdogMs!, rerun, seed, r.runs), site);
      const f = r.failure!;
      throw failure(
        `${f.report}\n\nrerun this test on exactly this schedule, with its full trace:\n  ${rerun.replace("<token>", f.token)}\n` +
          `(found by strategy ${r.strategy}, seed ${String(seed)}, after ${r.runs} run${r.runs === 1 ? "" : "s"}; shrunk in ${f.shrinkSteps} steps)`,
        site,
      );
    },
    testTimeoutMs ?? 60_000,
  );
}

/** Whether a WAKESIM_REPLAY token was recorded for `scenario`; a damaged one names none, and fails every simTest. */
function namesScenario(token: string, scenario: Scenario, site: Error): boolean {
  try {
    return parseToken(token).scenario === scenario.name;
  } catch (e) {
    throw failure(`WAKESIM_REPLAY: ${e instanceof Error ? e.message : String(e)}`, site);
  }
}

function hangMessage(scenario: string, h: RunHang, ms: number, rerun: string, seed: number | string, runs: number): string {
  return (
    `${scenario}: FAILED — ${watchdogHeadline(describeSite(h.site), `${ms} ms`)}\n\n` +
    `${HANG_WHY.join("\n")}\n` +
    (h.token === null ? "" : `\nrerun this test on exactly this schedule (the watchdog stops it again):\n  ${rerun.replace("<token>", h.token)}\n`) +
    `(found by seed ${String(seed)}, on run ${runs}; the exploration stopped there)`
  );
}

const OWN_FILE = decodeURI(new URL(import.meta.url).pathname);

function failure(message: string, site: Error): SimTestFailure {
  const e = new SimTestFailure(message);
  // Point the stack at the user's simTest call: drop the frames inside this module.
  const frames = (site.stack ?? "").split("\n").slice(1).filter((l) => !l.includes(OWN_FILE));
  e.stack = `${e.name}: ${message}\n${frames.join("\n")}`;
  return e;
}
