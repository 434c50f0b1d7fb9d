/**
 * Explanations: the "why this usually happens" and "what to try next" knowledge base behind
 * failure reports (DESIGN §5, last paragraph). One entry per violation kind, refined by the
 * lost-wakeup diagnosis or detection, the starvation cause, the contract rule or the
 * nondeterminism cause.
 *
 * Invariants:
 *  1. Every entry is keyed by a string union from violation.ts through a `Record`, so a new
 *     diagnosis, cause or rule does not compile until it is explained here.
 *  2. `why` is 2–4 lines of plain prose in the model's vocabulary (Poll, Pending, Waker, wake);
 *     `hints` are 1–3 concrete next steps. Neither names tasks: the report's "What happened"
 *     section does.
 *  3. An async task (an async function) stuck with its waker held is explained in its own
 *     vocabulary — an await nobody settles — and a future stuck beside it keeps the futures' entry.
 */
import type { ContractRule, StarvationCause, StuckDiagnosis, Violation } from "../oracles/violation.js";
import { stuckDiagnoses, violationSubKind } from "../oracles/vocabulary.js";
import { isAsyncTaskLabel } from "../promise/async-task.js";
import { DATA_RACE, THREAD_PANIC } from "./explain-threads.js";

export interface Explanation {
  /** Stable key: "lost-wakeup/no-wake-source", "contract/poll-after-ready", "panic", … */
  readonly key: string;
  /** A short name for the bug class, used as the paragraph's title. */
  readonly title: string;
  /** What typically causes it. */
  readonly why: string;
  /** Concrete next steps. */
  readonly hints: readonly string[];
}

export type Entry = Omit<Explanation, "key">;

const LOST_WAKEUP: Record<StuckDiagnosis | "parked-while-ready", Entry> = {
  "no-wake-source": {
    title: "Pending with no wake source",
    why:
      "The future returned Pending without cloning cx.waker or registering it anywhere, so nothing can wake the task again. " +
      "Typical causes: returning Pending before registering the waker; registering only on the first poll; " +
      "or checking the condition and registering in the wrong order, so an event in between is missed.",
    hints: [
      "On every path that returns PENDING, first store cx.waker.clone() where the event source will find it: WakerSlot.register(cx) does this and keeps the latest.",
      "Register, then re-check the condition, then return PENDING: a wake between the check and the registration is otherwise lost.",
    ],
  },
  "waker-held-never-woken": {
    title: "Waker held, never woken",
    why:
      "Someone keeps a clone of the task's Waker but never called wake(): a notification was lost. Typical causes: " +
      "notify() ran before the waiter registered and stored no permit; a single waker slot overwritten by a second waiter; " +
      "a close or drop path that wakes nobody; or tasks waiting for each other (a wait cycle).",
    hints: [
      "When a notify finds no waiter, store a permit that the next poll consumes (as tokio's Notify does).",
      "Keep one waker per waiter (a queue), not one slot shared by several waiters; on close and on drop, wake every waiter.",
      "In the Timeline, find the task's last poll and what the other tasks did after it.",
    ],
  },
  "waker-dropped-unwoken": {
    title: "Waker dropped without a wake",
    why:
      "The task's last poll did register a clone of its Waker, but another piece of code later dropped that clone without " +
      "waking it. Typical causes: a single waker slot shared by several waiters, where a second waiter's register() " +
      "replaced (and dropped) the first one's waker; or a close, cancel or reset path that clears waiters without waking them.",
    hints: [
      "Give each waiter its own slot (a queue of waiters), so registering one never drops another's waker.",
      "Wherever waiters are cleared (close, cancel, reset), wake them instead of dropping their wakers.",
    ],
  },
  "executor-lost-wake": {
    title: "Executor lost the wake",
    why:
      "The task was woken (its Waker called the schedule hook) but the executor never offered it for a poll again. " +
      'Typical cause: a task woken while it was being polled ("notified") whose wake the executor dropped instead of ' +
      "queueing it again after the poll; or a task lost from a queue while being moved or stolen.",
    hints: [
      "In schedule(), a task that is running now must be queued again when its poll returns (tokio's notified → scheduled transition).",
      "Run the scenario with --executor fifo: if it passes, suspect the executor's queueing rather than the futures.",
    ],
  },
  "parked-while-ready": {
    title: "Parked while the resource was ready",
    why:
      "A waiter stayed parked on a resource for many steps while that resource was available to it: the release path woke " +
      "nobody, woke the wrong waiter, or woke before the waiter registered. Other tasks kept the run busy, so it never went quiet.",
    hints: [
      "On release, send or unlock, wake a waiter that can use what was released, and take it off the wait list.",
      "A woken waiter that cannot take the resource must register again before it returns PENDING.",
    ],
  },
};

const STARVATION: Record<StarvationCause, Entry> = {
  fairness: {
    title: "Unfair scheduling",
    why:
      "A runnable task was not polled within the fairness bound. Typical causes: an executor policy that keeps polling the " +
      "task woken last (a LIFO slot), or tasks that wake each other so they are always first in line.",
    hints: [
      "Run with --executor fifo: if it passes, the queueing policy starves the task (cap LIFO-slot polls in a row).",
      "Let hot loops yield (yield* yieldNow()) so queued tasks get their turn.",
    ],
  },
  reactor: {
    title: "Reactor starved",
    why:
      "Timers or I/O events stayed undelivered because some task was always runnable (and virtual time moves only when " +
      "none is). Typical causes: a future that spins with cx.waker.wakeByRef() and Pending while it waits for an event, " +
      "instead of registering with the timer or I/O source; or an executor that drains its queue before the reactor runs.",
    hints: [
      "Wait for events by registering the waker with their source (sleep, read futures), not by waking yourself.",
      "If you wrote the executor, let the reactor deliver due events every N polls.",
    ],
  },
  livelock: {
    title: "Livelock (busy wake, no progress)",
    why:
      "Tasks kept being polled with no progress anywhere: each poll wakes itself or another task and returns Pending, and " +
      "nothing changes. Typical causes: a poll that spins on a condition only another event can change, or two tasks backing " +
      "off from each other in lockstep (try, release, retry).",
    hints: [
      "Replace `wakeByRef(); return PENDING` on an unmet condition with registering the waker where the condition changes.",
      "Break the symmetry between competing tasks (an order, or a handoff).",
    ],
  },
  bypass: {
    title: "Waiter overtaken (barging)",
    why:
      "A waiter was woken, but other tasks took the resource before it was polled, more often than the bypass bound. " +
      "Typical cause: release() wakes a waiter but leaves the resource up for grabs, so a newcomer's first poll wins every time.",
    hints: [
      "Hand the permit directly to the woken waiter (FIFO handoff) instead of only waking it.",
      "Or bound barging: after K overtakes, newcomers queue behind the waiter.",
    ],
  },
};

const CONTRACT: Record<ContractRule, Entry> = {
  "waker-borrowed-after-poll": {
    title: "Borrowed waker used after its poll",
    why:
      "A future kept cx.waker itself instead of cx.waker.clone(), and used it after the poll that lent it returned. " +
      "cx.waker is borrowed for one poll (Rust's borrow checker forbids keeping it); the harness enforces the same at run " +
      "time so it knows who holds a wake source.",
    hints: ["Store cx.waker.clone(), never cx.waker itself; WakerSlot.register(cx) clones and keeps the latest."],
  },
  "waker-used-after-consume": {
    title: "Waker used after wake() consumed it",
    why:
      "wake() and drop() consume a Waker; this one was used again afterwards. Typical causes: wake() on a stored waker that " +
      "stays in its slot and is woken again later, or wake() in a loop over waiters that are never removed.",
    hints: [
      "Take the waker out of its slot before wake() (WakerSlot.wake() does), or use wakeByRef() to keep it.",
      "clone() first if you need to wake and still keep a handle.",
    ],
  },
  "poll-after-ready": {
    title: "Poll after Ready",
    why:
      "A future was polled again after it had returned Ready; Rust gives no guarantee for that poll, and here it is a contract " +
      "violation. Typical cause: a combinator (join, select, a loop) that does not record which children finished.",
    hints: ["Record completion at Ready (keep the output, drop the child) and never poll a finished child again."],
  },
  "poll-after-drop": {
    title: "Poll after drop",
    why:
      "A future was polled after it had been dropped (cancelled). A dropped future has released what it registered and " +
      "must not run again. Typical causes: a select or timeout that drops the losing branch but keeps a reference and " +
      "polls it later, or a handle to the future kept outside the task that owned it.",
    hints: ["After drop(), forget the future (set the field to null) so no path can poll it again."],
  },
  "reentrant-poll": {
    title: "Re-entrant poll",
    why:
      "A future was polled from inside its own poll. Typical causes: a waker or callback that polls the task inline instead " +
      "of only scheduling it, or a combinator that reaches itself through a shared reference.",
    hints: ["A wake must only schedule: never call poll() from wake(), a callback or drop()."],
  },
  "await-in-drop": {
    title: "Await inside a drop",
    why:
      "An async fn was dropped (cancelled: an abort, the cancel fault, a select or timeout it lost) while a try block was " +
      "pending, and its finally block awaited (yield*) before finishing its cleanup. Dropping is synchronous, as Rust's Drop " +
      "(there is no async drop): the awaited future is never polled, so everything after the await in that finally is skipped. " +
      "Valid JavaScript, but under cancellation the release, close or wake it was meant to do never happens.",
    hints: [
      "In finally, release synchronously before any await (sem.release(); then flush), or move the await out of finally.",
      "Hold the resource in a guard object whose drop() releases it, and drop the guard when the work ends or is cancelled.",
    ],
  },
};

const NONDETERMINISM: Record<"escape" | "divergence", Entry> = {
  escape: {
    title: "Real-world nondeterminism",
    why:
      "Code under test used real time, real randomness, real timers or real promises (Date.now, Math.random, setTimeout, " +
      "Promise.then) during a run. The simulation cannot choose those, so the run is no longer a function of its choices " +
      "and cannot be replayed.",
    hints: [
      "Use virtual time (sleep, sim.now) instead of Date.now and real timers.",
      "Write asynchronous steps as futures (asyncFn, asyncBlock), not promises; seed any randomness inside setup(sim).",
    ],
  },
  divergence: {
    title: "Replay diverged",
    why:
      "Running the same choices again gave a different trace, so something besides the choices steered the run. Typical " +
      "causes: state kept between runs (module-level variables, a primitive created outside setup), or a real-world source " +
      "the trap did not catch.",
    hints: [
      "Create every primitive and all shared state inside setup(sim); setup must not keep state between runs.",
      "Compare both traces at the first divergence named above.",
    ],
  },
};

/** A panic of an async task: its promise rejected (the poll vocabulary does not fit). */
const ASYNC_REJECTED: Entry = {
  title: "Async function rejected",
  why:
    "The task's async function threw (or returned a promise that rejected), so its task panicked, as an uncaught " +
    "error would end it. Typical causes: a state the code assumed impossible that this order of timers and events " +
    "reaches (a value taken twice, another task assumed to have run first), or an error path the code never met in " +
    "its usual order.",
  hints: [
    "Replay the token (await replayAsync) under a debugger: the run is deterministic, so it throws at the same await every time.",
    "If the rejection is an expected outcome, catch it in the task, or read it from the JoinHandle and pass allowPanics: true.",
  ],
};

const SIMPLE: Record<"stale-waker" | "poll-budget" | "liveness" | "invariant" | "panic" | "leak" | "step-limit", Entry> = {
  "stale-waker": {
    title: "Stale waker lost the task",
    why:
      "A wake went through the Waker of an older poll. Most runtimes let it through, but only the latest poll's Waker is " +
      "guaranteed to reach the task (per-poll wakers, a future moved to another task or slot): treated as inert here, it " +
      "left the task parked for good. Typical cause: a future that stores its waker on the first poll only, or a wait list " +
      "that never replaces an entry.",
    hints: [
      "On every poll, replace the stored waker unless stored.willWake(cx.waker); WakerSlot.register(cx) does exactly this.",
      'oracles: { staleWakers: "inert" } makes every stale waker inert (no choice); "off" lets every stale wake through, as most runtimes do.',
    ],
  },
  "poll-budget": {
    title: "Poll budget exceeded",
    why:
      "One poll made too many inner polls, or woke its own task or cloned its waker too often: a loop kept polling inside " +
      "one poll and never gave control back to the executor. Typical causes: a retry loop around poll(), draining a stream " +
      "without a budget, a set re-polling a child that woke itself (FuturesUnordered), a Shared re-polling when woken.",
    hints: [
      "Poll each child at most once per poll; if work remains, call cx.waker.wakeByRef() and return PENDING.",
      "Add a cooperative budget: after N inner polls, yield (as tokio's coop does).",
    ],
  },
  liveness: {
    title: "Liveness monitor stayed hot",
    why:
      "A condition that must eventually cool down stayed hot past its bound: something that was possible did not happen. " +
      "Typical causes: a lost wakeup while other tasks keep the run busy, starvation of the task that would cool it, or a " +
      "request nobody serves.",
    hints: [
      "In the Timeline, find when the monitor turned hot and which task should have acted next.",
      "If the work legitimately takes longer, raise the monitor's bound.",
    ],
  },
  invariant: {
    title: "Invariant broken",
    why:
      "A predicate you declared failed after a step: under this interleaving the shared state became inconsistent. " +
      "Typical causes: a check and the action it guards split across a Pending, state updated before the operation it describes finished, " +
      "or a wake taken as proof that the condition holds (wakeups can be spurious).",
    hints: [
      "Read the Timeline rows just before the failing step: whose poll broke it.",
      "After every wake, check the condition again before acting on it.",
    ],
  },
  panic: {
    title: "Panic in poll",
    why:
      "A future threw inside poll, so its task panicked. Typical causes: a state the code assumed impossible that this " +
      "interleaving reaches (a value taken twice, another task assumed to have run first), or a future polled again after " +
      "it finished or was dropped.",
    hints: [
      "Replay the token under a debugger: the run is deterministic, so it throws at the same poll every time.",
      "If the panic is an expected outcome, read it from the JoinHandle and pass allowPanics: true.",
    ],
  },
  leak: {
    title: "Waker leaked by a cancelled future",
    why:
      "A task was cancelled (its future dropped) while clones of its Waker were still registered somewhere. The future's " +
      "drop() did not release what its polls registered, so a wait list keeps a dead waiter: a later notification can " +
      "go to it and be lost for the live waiters behind it.",
    hints: [
      "In drop(), remove this future's entry from every wait list it joined (WakerSlot.clear(), or take it out of the queue).",
      "If the dropped waiter had already been notified, pass the notification on to the next waiter.",
    ],
  },
  "step-limit": {
    title: "Step limit reached",
    why:
      "The run did not finish within maxSteps. Typical causes: starvation (a task left runnable, or parked with its wake " +
      "lost, while others keep the run busy), a busy self-wake (a future that calls cx.waker.wakeByRef() and returns " +
      "Pending on every poll without progress), tasks waking each other forever (livelock), or a long scenario.",
    hints: [
      "The message names the tasks that sat still and those polled meanwhile; the Timeline's last rows show the busy loop.",
      "If the work is legitimately long, raise maxSteps.",
    ],
  },
};

/**
 * An async task held its waker (its function's promise does, rule 3 of promise/async-task.ts) and
 * was never woken: in its own vocabulary, it awaits a promise nobody settles.
 */
const AWAIT_NEVER_SETTLED: Entry = {
  title: "Await never settled",
  why:
    "The task's async function awaits a promise that nothing will settle: its promise stays pending, so the task is never woken. " +
    "Typical causes: an event emitted before the listener was attached; a lock, permit or slot not released on an error path; " +
    "a lock acquired again by its holder (not re-entrant); tasks awaiting each other; a request or callback with no timeout.",
  hints: [
    "'awaiting' names the lines it is parked at (in a traced run, as a replay is): the first is the await that never resumed.",
    "Release locks and permits in finally; check the state (a flag) before waiting for an event; give external waits a timeout.",
  ],
};

const entry = (key: string, e: Entry): Explanation => ({ key, ...e });

/** "starvation/reactor", "contract/poll-after-ready": the kind and the sub-kind under it. */
const keyOf = (v: Violation): string => `${v.kind}/${violationSubKind(v)!}`;

/**
 * The explanations for one violation, most specific first. A lost wakeup yields one entry per
 * distinct diagnosis of its stuck tasks (plus "parked-while-ready" when that detected it).
 */
export function explain(v: Violation): Explanation[] {
  switch (v.kind) {
    case "lost-wakeup": {
      const out: Explanation[] = [];
      if (v.detection === "parked-while-ready") out.push(entry("lost-wakeup/parked-while-ready", LOST_WAKEUP["parked-while-ready"]));
      const diagnoses = new Set(stuckDiagnoses(v));
      // Caught at the poll, before any diagnosis: pending returned with no wake source.
      if (diagnoses.size === 0 && v.detection === "at-poll") diagnoses.add("no-wake-source");
      for (const d of diagnoses) {
        const of = v.stuck.filter((s) => s.diagnosis === d);
        // Async tasks held by their own pending promise: the await explanation, in their vocabulary.
        const asyncToo = d === "waker-held-never-woken" && of.some((s) => isAsyncTaskLabel(s.awaiting));
        if (!asyncToo || of.some((s) => !isAsyncTaskLabel(s.awaiting))) out.push(entry(`lost-wakeup/${d}`, LOST_WAKEUP[d]));
        if (asyncToo) out.push(entry("lost-wakeup/await-never-settled", AWAIT_NEVER_SETTLED));
      }
      return out;
    }
    case "starvation":
      return [entry(keyOf(v), STARVATION[v.cause])];
    case "contract":
      return [entry(keyOf(v), CONTRACT[v.rule])];
    case "nondeterminism":
      return [entry(keyOf(v), NONDETERMINISM[v.cause])];
    case "panic":
      return [v.async === true ? entry("panic/async", ASYNC_REJECTED) : v.thread === true ? entry("panic/thread", THREAD_PANIC) : entry(v.kind, SIMPLE[v.kind])];
    case "data-race":
      return [entry(v.kind, DATA_RACE)];
    default:
      return [entry(v.kind, SIMPLE[v.kind])];
  }
}

/** The explanations of several violations, each distinct key once, in order of first appearance. */
export function explainAll(vs: readonly Violation[]): Explanation[] {
  const seen = new Set<string>();
  const out: Explanation[] = [];
  for (const v of vs) {
    for (const e of explain(v)) {
      if (seen.has(e.key)) continue;
      seen.add(e.key);
      out.push(e);
    }
  }
  return out;
}

/** A short label for a lost-wakeup diagnosis ("waker held, never woken"). */
export const DIAGNOSIS_LABEL: Record<StuckDiagnosis, string> = {
  "no-wake-source": "no wake source",
  "waker-held-never-woken": "waker held, never woken",
  "executor-lost-wake": "woken, but the executor lost the wake",
  "waker-dropped-unwoken": "waker dropped without a wake",
};

/** The title of a contract rule, for one-line summaries. */
export const contractTitle = (rule: ContractRule): string => CONTRACT[rule].title;
