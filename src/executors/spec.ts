/**
 * The executor option: the built-in executors by name (the one list, also the CLI's), their
 * option objects, and the check of a spec.
 */
import { closest, OptionError } from "../core/errors.js";
import { describe } from "../core/checks.js";
import type { Executor, ExecutorFactory } from "./executor.js";

/** The built-in executors, the default first: the one list the options, the CLI and every message use. */
export const EXECUTOR_NAMES = ["permissive", "fifo", "lifo-slot", "work-stealing"] as const;
export type ExecutorName = (typeof EXECUTOR_NAMES)[number];

export interface WorkStealingOptions {
  kind: "work-stealing";
  /** Number of simulated workers (default 2). */
  workers?: number;
  /** Every this many polls a worker checks the global injector first (default 61, as tokio). */
  globalQueueIntervalPolls?: number;
  /** Use a LIFO slot per worker for tasks woken by the running task (default true). */
  lifoSlot?: boolean;
  /** Polls in a row a worker may take from its LIFO slot before it must use its queue (default 3). */
  maxLifoPollsInRow?: number;
}

export interface LifoSlotOptions {
  kind: "lifo-slot";
  /** Polls in a row from the LIFO slot before the queue head must go (default: unbounded, the starvation source). */
  maxLifoPollsInRow?: number;
}

export type ExecutorSpec = ExecutorName | WorkStealingOptions | LifoSlotOptions | ExecutorFactory;

export function checkExecutor(e: ExecutorSpec): ExecutorSpec {
  if (typeof e === "function") return e;
  if (typeof e === "string") {
    if ((EXECUTOR_NAMES as readonly string[]).includes(e)) return e;
    const hint = closest(e, EXECUTOR_NAMES);
    throw new OptionError("executor", `unknown executor '${e}'${hint ? ` — did you mean '${hint}'?` : "."} Use one of ${EXECUTOR_NAMES.join(", ")}, an options object, or a factory () => Executor.`);
  }
  if (typeof e === "object" && e !== null && (e.kind === "work-stealing" || e.kind === "lifo-slot")) return e;
  if (typeof e === "object" && e !== null && typeof (e as Executor).schedule === "function") {
    throw new OptionError("executor", "got an executor instance; pass a factory instead (executor: () => new MyExecutor()) so every Sim gets a fresh one.");
  }
  throw new OptionError("executor", `expected one of ${EXECUTOR_NAMES.join(", ")}, { kind: "work-stealing", ... } or a factory, got ${describe(e)}`);
}
