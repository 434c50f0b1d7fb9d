/**
 * Violations: what a failure is (DESIGN §5), as a discriminated union by `kind` (the oracle).
 * Every violation names the tasks involved, the step and the virtual time, and carries a
 * message a person can read without the rest of the report.
 */
import type { FutureContractRule } from "../future/contract.js";

/** Why a stuck task is stuck. */
export type StuckDiagnosis =
  /** it was woken after its last poll, but the executor never offered it again */
  | "executor-lost-wake"
  /** someone holds a clone of its waker but nobody woke it (lost notification or wait cycle) */
  | "waker-held-never-woken"
  /** its last poll registered a waker clone, but someone dropped it without waking (an overwritten slot, a silent close) */
  | "waker-dropped-unwoken"
  /** it returned pending with no clone of its waker held anywhere and nothing registered */
  | "no-wake-source";

export interface StuckTask {
  readonly task: string;
  readonly diagnosis: StuckDiagnosis;
  /** Step of its last poll (-1 if never polled). */
  readonly lastPolledStep: number;
  /** Clones of its wakers still held (by anyone). */
  readonly wakersHeld: number;
  /** Who holds them, where the simulation can see it ("timer#3 due t=40", "pipe#1 reader"). */
  readonly heldBy: readonly string[];
  /** What it was awaiting when it last returned pending (innermost future label), if known. */
  readonly awaiting: string | null;
  readonly explanation: string;
}

/** A task that sat still while a run ran into its step limit. */
export interface StepLimitSat {
  readonly task: string;
  /** "runnable": queued but not polled; "parked": pending and not woken. */
  readonly state: "runnable" | "parked";
  /** Since when: the step it became runnable, or the step of its last poll. */
  readonly sinceStep: number;
  /** Steps from then to the limit. */
  readonly stepsWithout: number;
  /** Its polls so far. */
  readonly polls: number;
}

interface Base {
  readonly message: string;
  readonly step: number;
  readonly time: number;
  readonly tasks: readonly string[];
}

/** How a lost wakeup was caught. */
export type LostWakeupDetection =
  /** the world went quiet with tasks still pending */
  | "quiescence"
  /** a poll returned pending with no clone of its waker taken and no wake issued */
  | "at-poll"
  /** a waiter stayed parked on a simulation resource while it was available */
  | "parked-while-ready";

export type StarvationCause =
  /** a runnable task was not polled within the fairness bound */
  | "fairness"
  /** reactor events stayed undelivered while tasks kept the executor busy */
  | "reactor"
  /** a task (or tasks waking each other) kept being polled with no progress anywhere */
  | "livelock"
  /** a waiter on a resource was overtaken more than the bypass bound */
  | "bypass";

export type ContractRule = "waker-borrowed-after-poll" | "waker-used-after-consume" | FutureContractRule;

export type Violation =
  | (Base & { readonly kind: "lost-wakeup"; readonly detection: LostWakeupDetection; readonly stuck: readonly StuckTask[] })
  | (Base & {
      readonly kind: "stale-waker";
      /** The task lost: woken only through a stale waker, made inert, and never polled again. */
      readonly task: string;
      /** The poll whose waker was kept ("kept the waker of poll k"). */
      readonly wakerGeneration: number;
      /** The task's latest poll when the stale waker was woken. */
      readonly taskGeneration: number;
      /** The task whose poll woke it, or null (the reactor). */
      readonly by: string | null;
      /** When the stale waker was woken (and treated as inert). */
      readonly wakeStep: number;
      readonly wakeTime: number;
      /** The other tasks still pending at quiescence, with their diagnoses. */
      readonly stuck: readonly StuckTask[];
    })
  | (Base & { readonly kind: "starvation"; readonly cause: StarvationCause; readonly bound: number; readonly observed: number })
  | (Base & {
      readonly kind: "poll-budget";
      readonly task: string;
      /** What exceeded the budget in one poll: inner polls, wakes of the task itself, or clones of its waker. */
      readonly counted: "inner-polls" | "self-wakes" | "waker-clones";
      /** How many were counted when the poll was broken off (budget + 1). */
      readonly observed: number;
      /** @deprecated the same as `observed` (named when only inner polls were counted). */
      readonly innerPolls: number;
      readonly budget: number;
    })
  | (Base & { readonly kind: "liveness"; readonly monitor: string; readonly hotSteps: number; readonly bound: number; readonly atEnd: boolean })
  | (Base & { readonly kind: "invariant"; readonly invariant: string; readonly error: string | null })
  | (Base & {
      readonly kind: "panic";
      readonly task: string;
      readonly error: string;
      readonly stack: string;
      /** The task is an async function: its promise rejected. */
      readonly async?: true;
      /** It is a simulated thread (sim.thread), not a task: `task` is the thread's name. */
      readonly thread?: true;
    })
  | (Base & { readonly kind: "contract"; readonly rule: ContractRule; readonly task: string })
  | (Base & {
      readonly kind: "nondeterminism";
      readonly cause: "escape" | "divergence";
      /** For escapes: the global that was called (Date.now, Math.random, setTimeout, …). */
      readonly api: string | null;
      /** For escapes: the user's call site (file:line:col), when the stack shows it. */
      readonly callSite: string | null;
    })
  | (Base & { readonly kind: "leak"; readonly task: string; readonly wakersHeld: number; readonly heldBy: readonly string[] })
  | (Base & {
      readonly kind: "data-race";
      /** The DataCell (threads/data-cell.ts). */
      readonly cell: string;
      /** The two unordered accesses: the earlier one, and the one that found it. */
      readonly first: { readonly thread: string; readonly access: string; readonly step: number };
      readonly second: { readonly thread: string; readonly access: string; readonly step: number };
    })
  | (Base & {
      readonly kind: "step-limit";
      readonly maxSteps: number;
      /** Tasks that sat still (runnable and not polled, or parked and not woken) for at least half the run. */
      readonly sat: readonly StepLimitSat[];
      /**
       * The tasks polled most (in the whole run) while those sat still, busiest first (at most 3);
       * an async task that ran in its promise reactions instead has `activeUntilStep`, the last
       * step its code ran (known in traced runs).
       */
      readonly busy: readonly { readonly task: string; readonly polls: number; readonly activeUntilStep?: number }[];
    });

export type ViolationKind = Violation["kind"];
