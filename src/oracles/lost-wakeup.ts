/**
 * Lost-wakeup oracle (DESIGN §5): the diagnosis of tasks still pending at quiescence, and the
 * message for a pending poll that arranged no wakeup (caught at that poll).
 *
 * Diagnosis order matters: a task that is scheduled but never offered again was lost by the
 * executor, whatever wakers exist; otherwise held wakers mean someone could have woken it
 * (a lost notification or a wait cycle); otherwise nothing could ever wake it.
 */
import type { Future } from "../future/future.js";
import { TaskState } from "../task/task-state.js";
import type { Task } from "../task/task.js";
import type { StuckTask, Violation } from "./violation.js";
import type { TaskMarks } from "./task-marks.js";
import { lostByStaleWake, staleWakerViolation } from "./stale-waker.js";

/** Says who holds clones of a task's wakers, where the simulation can see it (timers, pipes). */
export type HolderLookup = (task: Task) => string[];

export function diagnoseStuck(tasks: readonly Task[], marks: readonly TaskMarks[], holders: HolderLookup, skip: ReadonlySet<Task>): StuckTask[] {
  const out: StuckTask[] = [];
  for (const t of tasks) {
    if (t.outcome !== null || t.daemon || skip.has(t)) continue;
    const m = marks[t.id]!;
    const heldBy = t.wakersHeld > 0 ? holders(t) : [];
    const base = { task: t.name, lastPolledStep: m.lastPolledStep, wakersHeld: t.wakersHeld, heldBy, awaiting: awaitChain(t.future) };
    const on = base.awaiting === null ? "" : ` (awaiting ${base.awaiting})`;
    if (t.state === TaskState.Scheduled) {
      out.push({
        ...base,
        diagnosis: "executor-lost-wake",
        explanation:
          t.generation === 0
            ? `spawned but never polled: the executor never offered it (it lost the task)`
            : `woken after its last poll (step ${m.lastPolledStep}) but never polled again: the executor lost the wake`,
      });
    } else if (t.wakersHeld > 0) {
      const who = heldBy.length > 0 ? ` by ${heldBy.join(", ")}` : "";
      const others = t.wakersHeld - heldBy.length;
      const rest = heldBy.length > 0 && others > 0 ? ` and ${others} more by user code` : heldBy.length === 0 ? " by user code" : "";
      out.push({
        ...base,
        diagnosis: "waker-held-never-woken",
        explanation:
          `pending since step ${m.lastPolledStep}${on}; ${t.wakersHeld} clone${t.wakersHeld === 1 ? "" : "s"} of its waker ${t.wakersHeld === 1 ? "is" : "are"} held${who}${rest}, ` +
          `but nobody woke it (a lost notification, or a wait cycle)`,
      });
    } else if (m.lastWakerDroppedBy !== null && m.lastWakerDroppedStep >= m.lastPolledStep) {
      out.push({
        ...base,
        diagnosis: "waker-dropped-unwoken",
        explanation:
          `pending since step ${m.lastPolledStep}${on}; its last poll registered a waker clone, but ${m.lastWakerDroppedBy} dropped it at step ${m.lastWakerDroppedStep} ` +
          `without waking it (a second waiter overwrote a shared waker slot, or a close or cancel path released it silently)`,
      });
    } else {
      out.push({
        ...base,
        diagnosis: "no-wake-source",
        explanation: `pending since step ${m.lastPolledStep}${on} with no clone of its waker held anywhere: its future returned pending without arranging a wakeup`,
      });
    }
  }
  return out;
}

/** Adds a sentence naming the other stuck tasks when several are stuck together (a possible wait cycle). */
export function cycleNote(stuck: readonly StuckTask[]): string {
  const held = stuck.filter((s) => s.diagnosis === "waker-held-never-woken");
  if (held.length < 2) return "";
  return `\n  ${held.length} tasks wait with wakers held and none can run (${held.map((s) => s.task).join(", ")}): if each waits for another, this is a wait cycle (deadlock).`;
}

/** The labels along a task's chain of awaited futures, innermost last ("main › recv(chan#1)"). */
export function awaitChain(f: Future<unknown> | null): string | null {
  const labels: string[] = [];
  let cur: Future<unknown> | null | undefined = f;
  for (let depth = 0; cur !== null && cur !== undefined && depth < 16; depth++) {
    if (cur.label !== undefined) labels.push(cur.label);
    cur = (cur as { awaitingFuture?: Future<unknown> | null }).awaitingFuture;
  }
  return labels.length === 0 ? null : labels.join(" › ");
}

/**
 * A poll returned pending having taken no clone of its waker, issued no wake, and with no clone
 * of an earlier poll's waker held either (the caller checks): nothing at all can wake it. A task
 * that still holds older clones may be woken through them — a stale waker, harmless in most
 * runtimes, explored and reported by the stale-waker oracle only if it loses the task.
 */
export function pendingWithoutWakerViolation(t: Task, step: number, time: number): Violation {
  const awaiting = awaitChain(t.future);
  return {
    kind: "lost-wakeup",
    detection: "at-poll",
    stuck: [
      {
        task: t.name,
        diagnosis: "no-wake-source",
        lastPolledStep: step,
        wakersHeld: t.wakersHeld,
        heldBy: [],
        awaiting,
        explanation: `poll ${t.generation} returned pending without cloning its waker or waking it`,
      },
    ],
    tasks: [t.name],
    step,
    time,
    message:
      `poll ${t.generation} of task '${t.name}' (step ${step}${awaiting === null ? "" : `, awaiting ${awaiting}`}) returned pending ` +
      `without taking a clone of this poll's waker and without waking it: nothing can wake it for this poll`,
  };
}

/**
 * Tasks still pending when nothing can happen any more; null when none is stuck. A task lost
 * by a stale waker that the run made inert is reported as that (stale-waker.ts), the cause,
 * with the other pending tasks listed.
 */
export function quiescenceViolation(tasks: readonly Task[], marks: readonly TaskMarks[], holders: HolderLookup, step: number, time: number): Violation | null {
  const skip = new Set(tasks.filter((t) => marks[t.id]!.reportedStuck));
  const lost = lostByStaleWake(tasks, marks);
  if (lost !== null) skip.add(lost);
  const stuck = diagnoseStuck(tasks, marks, holders, skip);
  if (lost !== null) return staleWakerViolation(lost, marks[lost.id]!.inertStaleWake!, awaitChain(lost.future), stuck, step, time);
  if (stuck.length === 0) return null;
  return {
    kind: "lost-wakeup",
    detection: "quiescence",
    stuck,
    tasks: stuck.map((s) => s.task),
    step,
    time,
    message:
      `the run reached quiescence (nothing runnable, no pending event) at step ${step}, t=${time}, ` +
      `with ${stuck.length} task${stuck.length === 1 ? "" : "s"} still pending:\n` +
      stuck.map((s) => `  - ${s.task}: ${s.explanation}`).join("\n") +
      cycleNote(stuck),
  };
}
