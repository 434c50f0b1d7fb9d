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
 * - vitest is an optional peer dependency of wakesim: this module is the only one that imports it.
 */
import { test } from "vitest";
import { explore, simOptionsOf, type ExploreOptions } from "./explore/explore.js";
import { replay, type Scenario } from "./sim/scenario.js";
import { formatReport } from "./trace/report.js";
import { parseToken } from "./trace/token.js";

export interface SimTestOptions extends ExploreOptions {
  /** vitest's per-test timeout in ms (default 60 000). */
  testTimeoutMs?: number;
}

/** Thrown by a failing simTest; `message` is the full report. */
export class SimTestFailure extends Error {
  override readonly name = "SimTestFailure";
}

export function simTest(name: string, scenario: Scenario, opts: SimTestOptions = {}): void {
  const { testTimeoutMs, ...exploreOpts } = opts;
  const site = new Error("simTest registered here"); // its stack is the user's line
  test(
    name,
    () => {
      const seed = opts.seed ?? (process.env.WAKESIM_SEED !== undefined ? Number(process.env.WAKESIM_SEED) : 0);
      const token = process.env.WAKESIM_REPLAY;
      const rerun = `WAKESIM_REPLAY=<token> npx vitest run -t ${JSON.stringify(name)}`;
      if (token !== undefined && token !== "" && namesScenario(token, scenario, site)) {
        const out = replay(scenario, token, simOptionsOf(exploreOpts));
        if (!out.ok) throw failure(`${formatReport(out, { scenario: scenario.name })}`, site);
        return;
      }
      if (process.env.CI) console.log(`wakesim: '${name}' (scenario ${scenario.name}) seed=${String(seed)} runs=${opts.runs ?? 10_000}`);
      const r = explore(scenario, { ...exploreOpts, seed });
      if (r.ok) return;
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

const OWN_FILE = decodeURI(new URL(import.meta.url).pathname);

function failure(message: string, site: Error): SimTestFailure {
  const e = new SimTestFailure(message);
  // Point the stack at the user's simTest call: drop the frames inside this module.
  const frames = (site.stack ?? "").split("\n").slice(1).filter((l) => !l.includes(OWN_FILE));
  e.stack = `${e.name}: ${message}\n${frames.join("\n")}`;
  return e;
}
