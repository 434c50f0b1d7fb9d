/**
 * Stale-waker oracle (DESIGN §5, §8): a wake through a waker from an older poll of a task that
 * has been polled since. Every real runtime lets such a wake through (a task's wakers all wake
 * it), so the wake alone is no bug — a select branch woken before it is re-polled, or embassy's
 * Signal waking the waker it evicts, are correct code. It loses the task only where old wakers
 * are inert: a runtime whose wakers are per poll, or any runtime once the future moved to another
 * task or another combinator slot. The simulation explores that as one choice per run
 * ("stale-wake", see chooser.ts: per-task or per-poll wakers) — asked the first time it matters,
 * a stale wake of a task parked or being polled (a queued task is polled anyway) or `willWake`
 * across two polls of one task — and, in a per-poll run, records each inert wake on its task
 * (TaskMarks.inertStaleWake). One answer for the whole run, not one per wake: a runtime is one or the
 * other, and `willWake` must agree with it (waker.ts rule 4) — per-poll `willWake` with live
 * old wakers turns embassy's Signal into an endless self-wake that no runtime has.
 * `staleWakers: "inert"` is per poll without asking; "off" is per task.
 *
 * Invariant: a task is reported here only if the run reached quiescence with it still pending,
 * an inert stale wake received since its last poll began, and no poll after it: had that wake
 * gone through, the task would have been polled again. The report replaces the lost-wakeup
 * verdict for the run (the stale waker is the cause; the other pending tasks are listed).
 */
import type { StuckTask, Violation } from "./violation.js";
import type { Task } from "../task/task.js";
import type { InertStaleWake, TaskMarks } from "./task-marks.js";

/** The first task (in spawn order) lost by an inert stale wake, or null. */
export function lostByStaleWake(tasks: readonly Task[], marks: readonly TaskMarks[]): Task | null {
  for (const t of tasks) {
    const m = marks[t.id]!;
    const w = m.inertStaleWake;
    if (w !== null && t.outcome === null && !t.daemon && !m.reportedStuck && w.taskGeneration === t.generation) return t;
  }
  return null;
}

/** Builds the report for a task lost by the stale wake `w` (`others`: the other stuck tasks). */
export function staleWakerViolation(t: Task, w: InertStaleWake, awaiting: string | null, others: readonly StuckTask[], step: number, time: number): Violation {
  const k = w.wakerGeneration;
  const on = awaiting === null ? "" : ` (awaiting ${awaiting})`;
  const rest = others.length === 0 ? "" : `\n  also pending:\n` + others.map((s) => `  - ${s.task}: ${s.explanation}`).join("\n");
  return {
    kind: "stale-waker",
    task: t.name,
    wakerGeneration: k,
    taskGeneration: w.taskGeneration,
    by: w.by,
    wakeStep: w.step,
    wakeTime: w.time,
    stuck: others,
    tasks: w.by === null || w.by === t.name ? [t.name, ...others.map((s) => s.task)] : [t.name, w.by, ...others.map((s) => s.task)],
    step,
    time,
    message:
      `task '${t.name}' was lost through a stale waker: at step ${w.step}, t=${w.time}, ${w.by === null ? "the reactor" : `task '${w.by}'`} woke it through a waker from its poll ${k}, ` +
      `though it had been polled since (latest: poll ${w.taskGeneration}) — whatever held that waker kept the waker of poll ${k} instead of the latest. ` +
      `Most runtimes let such a wake through, but one with per-poll wakers does not, nor does any once the future moves to another task or combinator slot: ` +
      `this run modelled per-poll wakers, so it was inert, and nothing else woke the task — at quiescence (step ${step}, t=${time}) it was still pending${on}. ` +
      `Keep the waker of every poll: replace the stored one unless stored.willWake(cx.waker).` +
      rest,
  };
}
