/**
 * Where an async task is parked: while a traced run with async tasks steps (a failure's replay,
 * `trace: true`), every promise made on behalf of a task is noted with the user's line that made
 * it, and forgotten when it settles. At the end, a task's promises still pending are its awaits
 * that never resumed and the promises nobody settled: the report shows their lines.
 *
 * Rules:
 *  1. Recording costs (a promise hook and a stack trace per promise, an async context per task),
 *     so it runs only in traced runs; an untraced run pays one null check per first poll.
 *  2. A promise belongs to the task in whose async context it was made: the task's own segments,
 *     and what they call, in any library. A library that runs one task's callback from another
 *     task's reaction (a lock handing over on release) lends it that other task's context.
 *  3. Its line is the first frame outside wakesim and outside node_modules: the user's await or
 *     `new Promise`, not the library line it reached.
 *  4. Promise hooks are process-wide: recording is shared by the traced runs in progress (a
 *     count), and each task reads only its own promises.
 */
import type { AsyncLocalStorage } from "node:async_hooks";
import { userFrame } from "../core/call-site.js";

/** Node's modules, loaded on first use (this module is part of every import of wakesim). */
const builtin = <T>(id: string): T => (process as unknown as { getBuiltinModule(id: string): T }).getBuiltinModule(id);
let context: AsyncLocalStorage<object> | null = null;
/** Pending promises made for a task, with the stack that made them (formatted only when read). */
const pending = new Map<Promise<unknown>, { readonly owner: object; readonly made: { stack?: string } }>();
let recorders = 0;
/** The step the recording run is at (sim/async-run.ts sets it), and each task's last step of activity. */
let currentStep = 0;
const lastActive = new WeakMap<object, number>();
let stopHooks: (() => void) | null = null;

/** Starts recording (rule 4); the returned function stops this recorder's share of it. */
export function recordAwaits(): () => void {
  if (recorders++ === 0) {
    context ??= new (builtin<typeof import("node:async_hooks")>("node:async_hooks").AsyncLocalStorage)<object>();
    const ctx = context;
    const { promiseHooks } = builtin<typeof import("node:v8")>("node:v8");
    const offInit = promiseHooks.onInit((promise) => {
      const owner = ctx.getStore();
      if (owner === undefined) return;
      lastActive.set(owner, currentStep);
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 20;
      const made: { stack?: string } = {};
      Error.captureStackTrace(made); // V8 formats it only if `stack` is read
      Error.stackTraceLimit = limit;
      pending.set(promise, { owner, made });
    });
    const offSettled = promiseHooks.onSettled((promise) => {
      pending.delete(promise);
    });
    stopHooks = () => {
      offInit();
      offSettled();
    };
  }
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    if (--recorders === 0) {
      stopHooks?.();
      stopHooks = null;
      pending.clear();
      context?.disable(); // else Node keeps tracking every promise's async context for good (rule 1)
    }
  };
}

/** A path under the working directory, relative to it. */
function shorter(line: string | null): string | null {
  const cwd = `${process.cwd()}/`;
  return line !== null && line.startsWith(cwd) ? line.slice(cwd.length) : line;
}

/** The recording run is at step `n` (its promises made from now on are that step's activity). */
export function atStep(n: number): void {
  currentStep = n;
}

/** The last step at which `owner` made a promise (ran), or null if never seen. */
export function lastActiveStep(owner: object): number | null {
  return lastActive.get(owner) ?? null;
}

/** True while some traced run records. */
export function recording(): boolean {
  return recorders > 0;
}

/** Calls `fn` in `owner`'s async context: what it and its reactions make is `owner`'s (rule 2). */
export function runOwned<T>(owner: object, fn: () => T): T {
  return context === null ? fn() : context.run(owner, fn);
}

/** The user lines of `owner`'s promises still pending, latest first, each once. */
export function parkedAt(owner: object): string[] {
  const lines: string[] = [];
  for (const p of pending.values()) {
    if (p.owner !== owner) continue;
    const line = shorter(userFrame(`Error\n${p.made.stack?.split("\n").slice(1).join("\n") ?? ""}`, true));
    if (line !== null) lines.push(line);
  }
  return [...new Set(lines.reverse())];
}
