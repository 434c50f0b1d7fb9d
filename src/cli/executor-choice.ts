/**
 * Which executor a scenario runs on when the command line says `--executor NAME`.
 *
 * Rule: a scenario that ships its own executor (options.executor is a factory: the user's
 * executor, often the very code under test) keeps it — the flag is not applied to it, and a note
 * says so. Replacing it would explore a built-in policy instead and report "ok" for an executor
 * that was never run. A scenario whose options name a built-in policy ("fifo", or an options
 * object such as { kind: "work-stealing" }) is run on the flag's executor, with a note, since
 * choosing among built-in policies is what the flag is for. Without the flag nothing changes.
 *
 * fuzz, check (its fuzzing and its corpus replays) and replay all decide here, so a token and
 * the replay command printed with it agree on the executor.
 */
import type { SimOptions } from "../sim/config.js";
import type { Scenario } from "../sim/scenario.js";

export interface ExecutorChoice {
  /** The command line's options as they apply to this scenario. */
  readonly sim: SimOptions;
  /** Said to the user when the flag and the scenario's own executor meet (null: they do not). */
  readonly note: string | null;
}

export function executorFor(scenario: Scenario, sim: SimOptions): ExecutorChoice {
  const own = scenario.options?.executor;
  if (sim.executor === undefined || own === undefined) return { sim, note: null };
  const flag = `--executor ${String(sim.executor)}`;
  if (typeof own === "function") {
    const { executor: _dropped, ...rest } = sim;
    return {
      sim: rest,
      note: `note: scenario '${scenario.name}' ships its own executor (options.executor): it is explored with that, not with ${flag} (the flag applies to scenarios without their own executor)`,
    };
  }
  const named = typeof own === "string" ? `'${own}'` : typeof own === "object" && own !== null && "kind" in own ? `{ kind: '${String(own.kind)}', … }` : "its own";
  if (typeof own === "string" && own === sim.executor) return { sim, note: null };
  return { sim, note: `note: scenario '${scenario.name}' names executor ${named} in its options: ${flag} replaces it for this run` };
}
