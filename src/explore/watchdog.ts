/**
 * The in-process watchdog: runs synchronous harness code (a slice of an exploration, a replay)
 * so that a poll that never returns — `while (true) {}` in a future — is stopped after a time
 * limit instead of hanging the process, and says which task's poll it was.
 *
 * How: the code runs under `vm.Script#runInContext(…, { timeout, breakOnSigint })`. Node's
 * timeout terminates *all* JavaScript running under that call — functions defined anywhere, a
 * scenario's poll included — from a helper thread, and the call then throws; the heap is intact
 * and readable. Ctrl-C (with `breakOnSigint`) terminates it the same way: `wakesim replay` uses
 * it; fuzz and check do not (GuardOptions.breakOnSigint says why).
 *
 * Invariants:
 *  1. Termination skips every `finally` block between the poll and this call. What those blocks
 *     restore process-wide is restored here: the escape traps (src/oracles/escape-traps.ts — the
 *     real Date, setTimeout, Math.random …; the running sims are popped, innermost last, and
 *     the innermost is the one that hung) and the fresh-closure watcher (async-fn.ts). Every
 *     object the terminated code was mutating (the Sim, its strategy) is abandoned, never reused.
 *  2. Nothing here reads real time during a run: the timeout is kept by Node's own thread.
 *  3. Each guarded call costs ~0.25 ms (Node starts a watchdog thread per call): guard slices of
 *     runs, not single runs.
 */
import vm from "node:vm";
import { watchGeneratorFunctions } from "../future/async-fn.js";
import { awaitChain } from "../oracles/lost-wakeup.js";
import { escapeTrapsMark, unwindEscapeTraps, type EscapeSink } from "../oracles/escape-traps.js";
import type { SimOptions, SimSettings } from "../sim/config.js";
import { spawnsAsyncTasks, type Scenario } from "../sim/scenario.js";
import { runToken } from "../trace/token.js";

/** Where a terminated run stood: the task whose poll was running and what it awaited. */
export interface HangSite {
  /**
   * A simulation was running (as far as the escapes oracle, which keeps the list, can tell):
   * false when the code that hung ran outside any run — a scenario's setup — or that oracle was off.
   */
  readonly inRun: boolean;
  /** The task being polled, or null when it cannot be known (no poll running, or the escapes oracle off). */
  readonly task: string | null;
  /** Its chain of awaited futures, innermost last ("main › recv(chan#1)"), when known. */
  readonly awaiting: string | null;
  /** Which poll of that task (1 = its first). */
  readonly poll: number | null;
  readonly step: number | null;
  /** Virtual time, in ticks. */
  readonly time: number | null;
  /** In a run with threads: the simulated thread whose step was running (sim/threads.ts), when no task's was. */
  readonly thread?: string | null;
}

export type Guarded<T> =
  | { readonly kind: "ok"; readonly value: T }
  /**
   * The time limit passed: `site` says where the innermost running simulation stood, `token`
   * replays its run up to there (null when no simulation was running, or the escapes oracle,
   * which keeps the list of running simulations, was off).
   */
  | { readonly kind: "timeout"; readonly site: HangSite; readonly token: string | null }
  /** Ctrl-C (SIGINT) while `breakOnSigint`. */
  | { readonly kind: "interrupted"; readonly site: HangSite; readonly token: string | null };

export interface GuardOptions {
  readonly timeoutMs: number;
  /**
   * Let Ctrl-C terminate the call too (`wakesim replay`; not inside a test runner). Node takes the
   * process's SIGINT listeners off for the call and puts them back after: a Ctrl-C in between
   * ends the process by the default action, so a caller with its own Ctrl-C handler that makes
   * many calls (the CLI's fuzz) leaves this off.
   */
  readonly breakOnSigint?: boolean;
}

/**
 * The guarded function is called from a script run in a context of its own, made once: calling a
 * function of another context is ordinary in V8, and the timeout covers everything that runs
 * until the script returns. No global of the caller's context is touched, so this works wherever
 * wakesim itself was loaded — in vitest's vm pools too, where the test's globalThis is not the
 * one runInThisContext would see.
 */
let sandbox: { context: vm.Context; script: vm.Script } | null = null;

/** Runs `fn` under the watchdog. Anything `fn` throws is rethrown as is. */
export function guard<T>(fn: () => T, o: GuardOptions): Guarded<T> {
  sandbox ??= { context: vm.createContext({ body: null }), script: new vm.Script("body()", { filename: "wakesim-watchdog.js" }) };
  const { context, script } = sandbox;
  const mark = escapeTrapsMark();
  const outer = context.body as unknown;
  context.body = fn;
  try {
    return { kind: "ok", value: script.runInContext(context, { timeout: Math.max(1, Math.round(o.timeoutMs)), breakOnSigint: o.breakOnSigint === true }) as T };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code !== "ERR_SCRIPT_EXECUTION_TIMEOUT" && code !== "ERR_SCRIPT_EXECUTION_INTERRUPTED") throw e;
    const sims = unwindEscapeTraps(mark);
    watchGeneratorFunctions(null);
    const sim = sims[sims.length - 1];
    const site = siteOf(sim);
    const token = tokenOf(sim);
    return code === "ERR_SCRIPT_EXECUTION_TIMEOUT" ? { kind: "timeout", site, token } : { kind: "interrupted", site, token };
  } finally {
    context.body = outer;
  }
}

/**
 * The terminated run, as far as the watchdog reads it. Duck-typed: the escape traps' sink of a
 * run is its Sim's StepLoop (sim/step-loop.ts), whose getters these are; the Sim itself does not
 * show them, and escape-traps.ts (a floor below) need not know them.
 */
interface SimLike {
  readonly currentTask?: { readonly name: string; readonly generation: number; readonly future: unknown } | null;
  readonly currentThread?: string | null;
  readonly steps?: number;
  readonly now?: number;
  readonly options?: SimSettings;
  readonly chooser?: { readonly name: string };
  readonly choices?: readonly number[];
}

/** The token of the terminated run: its choices so far (what a replay needs to reach the hang). */
function tokenOf(sink: EscapeSink | undefined): string | null {
  const sim = sink as SimLike | undefined;
  if (sim?.options === undefined || sim.chooser === undefined || !Array.isArray(sim.choices)) return null;
  return runToken(sim.options, sim.chooser.name, sim.choices);
}

function siteOf(sink: EscapeSink | undefined): HangSite {
  const sim = sink as SimLike | undefined;
  const t = sim?.currentTask ?? null;
  return {
    inRun: sim !== undefined,
    task: t?.name ?? null,
    awaiting: t === null ? null : awaitChain(t.future as Parameters<typeof awaitChain>[0]),
    poll: t?.generation ?? null,
    step: typeof sim?.steps === "number" ? sim.steps : null,
    time: typeof sim?.now === "number" ? sim.now : null,
    // Only in a run with threads, so other sites keep their shape.
    ...(t === null && typeof sim?.currentThread === "string" ? { thread: sim.currentThread } : {}),
  };
}

/** "task 'spinner' (poll 1, awaiting main › recv) at step 3, time 0" — or what is known of it. */
export function describeSite(s: HangSite): string {
  const where = s.step === null ? "" : ` at step ${s.step}, virtual time ${s.time ?? 0}`;
  if (!s.inRun) return "code outside any simulation run (the scenario's setup? — or any code, when the escapes oracle is off)";
  if (s.task === null && typeof s.thread === "string") return `a step of thread '${s.thread}' (its code between two ops, which must end)${where}`;
  if (s.task === null) return `the simulation between polls (delivering an event, or in the executor)${where}`;
  return `the poll of task '${s.task}'${s.poll === null ? "" : ` (its poll ${s.poll}`}${s.awaiting === null ? "" : `, awaiting ${s.awaiting}`}${s.poll === null ? "" : ")"}${where}`;
}

/**
 * Whether the scenario spawns async tasks (sim/scenario.ts spawnsAsyncTasks), asked under the
 * watchdog when one is set: the question calls the scenario's setup, which may never return —
 * then the answer is false, and the exploration that follows stops and reports that setup.
 */
export function spawnsAsyncTasksGuarded(scenario: Scenario, sim: SimOptions, watchdogMs: number | null | undefined): boolean {
  if (watchdogMs === null || watchdogMs === undefined) return spawnsAsyncTasks(scenario, sim);
  const g = guard(() => spawnsAsyncTasks(scenario, sim), { timeoutMs: watchdogMs });
  return g.kind === "ok" && g.value;
}
