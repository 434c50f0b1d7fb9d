/**
 * Oracle options: the thresholds, their defaults (each chosen to give no false alarm on correct
 * code under the built-in strategies) and their check.
 */
import { checkBool, checkInt, describe } from "../core/checks.js";
import { closest, OptionError } from "../core/errors.js";

/** Oracle thresholds: each is a named knob with its unit in the name. */
export interface OracleOptions {
  /** Flag a poll that returns pending with no clone of its waker taken and no wake issued (default true). */
  pendingWithoutWaker?: boolean;
  /**
   * Wakes through a waker from an older poll of the task (stale wakers). Such a wake reaches the
   * task in most runtimes, so it is reported only when it would lose the task:
   * "report" (default) explores both kinds of runtime, one per run (chosen the first time it
   * matters): wakers per task, where old wakers wake it and willWake is true across polls
   * (choice 0), or per poll, where old wakers are inert and willWake false across polls
   * (choice 1) — and reports `stale-waker` when an inert one leaves the task parked; "inert" is
   * always per poll (no choice); "off" always per task and never reports one.
   */
  staleWakers?: "report" | "inert" | "off";
  /** A runnable task must be polled within max(fairnessMinSteps, fairnessStepsPerRunnable × runnable tasks) steps (defaults 200 and 50). Checked only under a fair chooser. */
  fairnessStepsPerRunnable?: number;
  fairnessMinSteps?: number;
  /** Polls in a row without any reactor delivery while events are pending (default 1000). */
  reactorStarvationPolls?: number;
  /** Polls of one task with no progress anywhere: no task finished, no event delivered, no bytes moved, no sim.progress() (default 10 000). */
  livelockPolls?: number;
  /** Inner polls one poll may make (counted by the reference combinators and countInnerPoll) (default 10000). */
  pollBudget?: number;
  /** Steps a waiter may stay parked on a simulation resource that is ready for it (default 50). */
  parkedWhileReadySteps?: number;
  /** Times a waiter may be overtaken on a monitored resource (default 100). */
  bypassLimit?: number;
  /** Trap Date.now, Math.random, real timers and microtasks while the run steps (default true). */
  escapes?: boolean;
}

export interface OracleSettings {
  readonly enabled: boolean;
  readonly pendingWithoutWaker: boolean;
  readonly staleWakers: "report" | "inert" | "off";
  readonly fairnessStepsPerRunnable: number;
  readonly fairnessMinSteps: number;
  readonly reactorStarvationPolls: number;
  readonly livelockPolls: number;
  readonly pollBudget: number;
  readonly parkedWhileReadySteps: number;
  readonly bypassLimit: number;
  readonly escapes: boolean;
}

const ORACLE_KEYS = [
  "pendingWithoutWaker",
  "staleWakers",
  "fairnessStepsPerRunnable",
  "fairnessMinSteps",
  "reactorStarvationPolls",
  "livelockPolls",
  "pollBudget",
  "parkedWhileReadySteps",
  "bypassLimit",
  "escapes",
] as const;

export const DEFAULT_ORACLES: OracleSettings = Object.freeze({
  enabled: true,
  pendingWithoutWaker: true,
  staleWakers: "report",
  fairnessStepsPerRunnable: 50,
  fairnessMinSteps: 200,
  reactorStarvationPolls: 1000,
  // 10 000, as pollBudget: a long but finite batch (a loop of yieldNow() over a few thousand
  // items) is legal code; a loop making no progress for longer is almost surely endless, and
  // each livelocked run, and each of its shrink reruns, costs this many polls.
  livelockPolls: 10_000,
  pollBudget: 10_000,
  parkedWhileReadySteps: 50,
  bypassLimit: 100,
  escapes: true,
});

const NO_ORACLES: OracleSettings = Object.freeze({
  ...DEFAULT_ORACLES,
  enabled: false,
  pendingWithoutWaker: false,
  staleWakers: "off",
  escapes: false,
});

export function checkOracles(o: OracleOptions | false): OracleSettings {
  if (o === false) return NO_ORACLES;
  if (typeof o !== "object" || o === null) throw new OptionError("oracles", `expected an object of thresholds or false, got ${describe(o)}`);
  for (const k in o) {
    if (!(ORACLE_KEYS as readonly string[]).includes(k)) {
      const hint = closest(k, ORACLE_KEYS);
      throw new OptionError(`oracles.${k}`, `unknown oracle option${hint ? ` — did you mean '${hint}'?` : "."} Known: ${ORACLE_KEYS.join(", ")}.`);
    }
  }
  const d = DEFAULT_ORACLES;
  const stale = o.staleWakers ?? d.staleWakers;
  if (stale !== "report" && stale !== "inert" && stale !== "off") {
    throw new OptionError("oracles.staleWakers", `expected "report", "inert" or "off", got ${describe(stale)}`);
  }
  return {
    enabled: true,
    pendingWithoutWaker: checkBool("oracles.pendingWithoutWaker", o.pendingWithoutWaker ?? d.pendingWithoutWaker),
    staleWakers: stale,
    fairnessStepsPerRunnable: checkInt("oracles.fairnessStepsPerRunnable", o.fairnessStepsPerRunnable ?? d.fairnessStepsPerRunnable, 1),
    fairnessMinSteps: checkInt("oracles.fairnessMinSteps", o.fairnessMinSteps ?? d.fairnessMinSteps, 1),
    reactorStarvationPolls: checkInt("oracles.reactorStarvationPolls", o.reactorStarvationPolls ?? d.reactorStarvationPolls, 1),
    livelockPolls: checkInt("oracles.livelockPolls", o.livelockPolls ?? d.livelockPolls, 1),
    pollBudget: checkInt("oracles.pollBudget", o.pollBudget ?? d.pollBudget, 1),
    parkedWhileReadySteps: checkInt("oracles.parkedWhileReadySteps", o.parkedWhileReadySteps ?? d.parkedWhileReadySteps, 1),
    bypassLimit: checkInt("oracles.bypassLimit", o.bypassLimit ?? d.bypassLimit, 1),
    escapes: checkBool("oracles.escapes", o.escapes ?? d.escapes),
  };
}
